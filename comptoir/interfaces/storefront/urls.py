from django.urls import path

from comptoir.interfaces.storefront import views

app_name = "storefront"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:city_slug>/", views.city_home, name="city_home"),
    path("<slug:city_slug>/<slug:shop_slug>/", views.shop_detail, name="shop_detail"),
]
