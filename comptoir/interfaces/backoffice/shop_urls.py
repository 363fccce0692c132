"""The shop's own pages under /shop/<city>/<shop>/: home, settings, staff, sales.

Every view is behind `@shop_view(Permission.X)`; tests/interfaces/test_shop_access.py
walks these routes and lists which are for owners only.
"""

from django.urls import path

from comptoir.interfaces.backoffice import shop_views, shop_views_settings, shop_views_staff

urlpatterns = [
    path("", shop_views.home, name="home"),
    path("sales/", shop_views.sales, name="sales"),
    path("settings/", shop_views_settings.settings_index, name="settings"),
    path("settings/pause/", shop_views_settings.settings_pause, name="settings_pause"),
    path("settings/profile/", shop_views_settings.settings_profile, name="settings_profile"),
    path("settings/hours/", shop_views_settings.settings_hours, name="settings_hours"),
    path("settings/closures/", shop_views_settings.settings_closures, name="settings_closures"),
    path(
        "settings/closures/<int:closure_pk>/remove/",
        shop_views_settings.closure_delete,
        name="closure_remove",
    ),
    path("settings/collect/", shop_views_settings.settings_collect, name="settings_collect"),
    path("settings/delivery/", shop_views_settings.settings_delivery, name="settings_delivery"),
    path("settings/desk/", shop_views_settings.settings_desk, name="settings_desk"),
    path("staff/", shop_views_staff.staff, name="staff"),
    path("staff/invite/", shop_views_staff.staff_invite, name="staff_invite"),
    path(
        "staff/invitations/<int:invitation_pk>/withdraw/",
        shop_views_staff.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("staff/<int:member_pk>/role/", shop_views_staff.member_role, name="member_role"),
    path("staff/<int:member_pk>/remove/", shop_views_staff.member_remove, name="member_remove"),
]
