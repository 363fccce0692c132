from django.urls import include, path

from comptoir.interfaces.accounts import order_views, privacy_views, two_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("signup/", views.signup, name="signup"),
    path("login/link/", views.login_link_ask, name="login_link"),
    path("login/link/sent/", views.login_link_sent, name="login_link_sent"),
    path("login/link/<slug:token>/", views.login_link_open, name="login_link_open"),
    path("login/code/", two_factor_views.login_code, name="login_code"),
    path("two-step/", two_factor_views.two_factor, name="two_factor"),
    path("profile/", views.profile, name="profile"),
    path("addresses/new/", views.address_new, name="address_new"),
    path("addresses/<int:pk>/default/", views.address_make_default, name="address_default"),
    path("addresses/<int:pk>/delete/", views.address_remove, name="address_delete"),
    path("data/", privacy_views.my_data, name="privacy"),
    path("data/export/", privacy_views.export, name="privacy_export"),
    path("delete/", privacy_views.delete, name="account_delete"),
    path("deleted/", privacy_views.deleted, name="account_deleted"),
    path("orders/", order_views.order_list, name="orders"),
    path("orders/<str:number>/", order_views.order_detail, name="order_detail"),
    path("orders/<str:number>/status/", order_views.order_status, name="order_status"),
    path("orders/<str:number>/cancel/", order_views.order_cancel, name="order_cancel"),
    path("orders/<str:number>/again/", order_views.order_again, name="order_again"),
    # My vouchers (deals claimed).
    path("vouchers/", include("comptoir.interfaces.accounts.voucher_urls")),
    # The weekly deals digest: opt in, opt out, one-click unsubscribe.
    path("digest/", include("comptoir.interfaces.accounts.digest_urls")),
]
