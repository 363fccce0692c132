from django.urls import path

from comptoir.interfaces.backoffice import shop_views_staff
from comptoir.interfaces.pro import views

app_name = "pro"

urlpatterns = [
    path("", views.home, name="home"),
    # An invitation to join a shop's team (e-mailed link; the shop is not yet "yours").
    path("join/<str:token>/", shop_views_staff.join, name="join"),
]
