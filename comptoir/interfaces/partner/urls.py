"""The city partners' dashboards under /partner/."""

from django.urls import path

from comptoir.interfaces.partner import views

app_name = "partner"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:city_slug>/", views.dashboard, name="dashboard"),
    path("<slug:city_slug>/figures.csv", views.export, name="export"),
]
