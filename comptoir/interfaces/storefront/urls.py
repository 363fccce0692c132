from django.urls import path

from comptoir.interfaces.storefront import (
    basket_views,
    checkout_views,
    confirmation_views,
    deal_views,
    legal_views,
    product_views,
    search_views,
    views,
)

app_name = "storefront"
urlpatterns = [
    path("", views.index, name="index"),
    # Before the city pages: "legal" is a reserved city slug.
    path("legal/<slug:kind>/", legal_views.platform_legal_page, name="platform_legal"),
    path("<slug:city_slug>/", views.city_home, name="city_home"),
    # Before the shop page: "search" is a reserved shop slug.
    path("<slug:city_slug>/search/", search_views.search, name="search"),
    # Before the shop and product pages: "basket" is a reserved shop slug.
    path("<slug:city_slug>/basket/", basket_views.basket, name="basket"),
    path("<slug:city_slug>/basket/add/", basket_views.basket_add, name="basket_add"),
    path(
        "<slug:city_slug>/basket/lines/<int:product_id>/",
        basket_views.basket_line,
        name="basket_line",
    ),
    # Before the shop and product pages: "checkout" is a reserved shop slug.
    path("<slug:city_slug>/checkout/", checkout_views.checkout, name="checkout"),
    path(
        "<slug:city_slug>/checkout/summary/",
        checkout_views.checkout_summary,
        name="checkout_summary",
    ),
    path(
        "<slug:city_slug>/checkout/done/<str:token>/",
        confirmation_views.checkout_done,
        name="checkout_done",
    ),
    # Before the shop page: "deals" is a reserved shop slug.
    path("<slug:city_slug>/deals/", deal_views.deal_list, name="deals"),
    path("<slug:city_slug>/deals/<int:deal_id>/", deal_views.deal_detail, name="deal_detail"),
    path("<slug:city_slug>/deals/<int:deal_id>/claim/", deal_views.deal_claim, name="deal_claim"),
    # Before the shop and product pages: "legal" is a reserved shop slug; a product
    # slugged "terms" would be hidden by the shop's terms (not reserved yet, see docs/legal.md).
    path("<slug:city_slug>/legal/<slug:kind>/", legal_views.city_legal_page, name="legal"),
    path("<slug:city_slug>/<slug:shop_slug>/terms/", legal_views.shop_terms, name="shop_terms"),
    path("<slug:city_slug>/<slug:shop_slug>/", views.shop_detail, name="shop_detail"),
    path(
        "<slug:city_slug>/<slug:shop_slug>/<slug:product_slug>/",
        product_views.product_detail,
        name="product_detail",
    ),
]
