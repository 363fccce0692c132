"""My vouchers (deals claimed): included under "vouchers/" in the `accounts` namespace."""

from django.urls import path

from comptoir.interfaces.accounts import voucher_views

urlpatterns = [
    path("", voucher_views.voucher_list, name="vouchers"),
    path("<str:code>/", voucher_views.voucher_detail, name="voucher"),
]
