from django.urls import path

from comptoir.interfaces.storefront import product_views, search_views, views

app_name = "storefront"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:city_slug>/", views.city_home, name="city_home"),
    # Before the shop page: "search" is a reserved shop slug.
    path("<slug:city_slug>/search/", search_views.search, name="search"),
    path("<slug:city_slug>/<slug:shop_slug>/", views.shop_detail, name="shop_detail"),
    path(
        "<slug:city_slug>/<slug:shop_slug>/<slug:product_slug>/",
        product_views.product_detail,
        name="product_detail",
    ),
]
