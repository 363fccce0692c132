from django.urls import path

from bench.apps.reference_page import views

urlpatterns = [
    path("healthz", views.healthz),
    path("shelf/<slug:slug>/", views.shelf, name="shelf"),
    path("shelf/<slug:slug>/<slug:product_slug>/", views.product, name="product"),
]
