from django.urls import path

from comptoir.interfaces.backoffice import shop_views_staff
from comptoir.interfaces.pro import onboarding_views, views

app_name = "pro"

urlpatterns = [
    path("", views.home, name="home"),
    # An invitation to join a shop's team (e-mailed link; the shop is not yet "yours").
    path("join/<str:token>/", shop_views_staff.join, name="join"),
    # Onboarding: the public request to join, the operator's invitation to open a shop.
    path("apply/", onboarding_views.apply, name="apply"),
    path("apply/done/", onboarding_views.apply_done, name="apply_done"),
    path("welcome/<str:token>/", onboarding_views.welcome, name="welcome"),
    path("<slug:city_slug>/<slug:shop_slug>/go-live/", onboarding_views.go_live, name="go_live"),
]
