"""What the push subscription services refuse."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError


class InvalidPushSubscription(DomainError):
    """The browser's PushSubscription JSON is malformed (keys, endpoint)."""

    code = "invalid_push_subscription"
    default_message = _("This phone sent a push subscription we cannot use.")
    field = "subscription"


class PushServiceNotAllowed(DomainError):
    """The endpoint is not at a known browser push service (we never POST elsewhere)."""

    code = "push_service_not_allowed"
    default_message = _("Notifications from %(host)s are not supported.")
    field = "subscription"

    def __init__(self, *, host: str) -> None:
        super().__init__(params={"host": host})
