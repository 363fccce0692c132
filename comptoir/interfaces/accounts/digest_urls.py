"""The weekly deals e-mail: opt in and out (logged in), and the one-click unsubscribe link."""

from django.urls import path

from comptoir.interfaces.accounts import digest_views

urlpatterns = [
    path("", digest_views.digest_settings, name="digest"),
    path(
        "unsubscribe/<str:token>/", digest_views.digest_unsubscribe_link, name="digest_unsubscribe"
    ),
]
