"""Web Push subscriptions, the record of what was already pushed, and the e-mail outbox.

A browser's push subscription (its endpoint at the push service, plus the keys
that encrypt payloads for it) is stored once per *audience*: a signed-in user
(their own orders), a guest following one order, or a member of a shop
following its desk (escalations). The same phone may appear in several rows,
one per audience; sending de-duplicates by endpoint.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Lengths of the browser's keys in unpadded base64url: a P-256 public point
#: (65 bytes, uncompressed) and a 16-byte authentication secret.
P256DH_LENGTH = 87
AUTH_LENGTH = 22
ENDPOINT_MAX_LENGTH = 2048


class PushSubscription(models.Model):
    endpoint = models.CharField(_("endpoint"), max_length=ENDPOINT_MAX_LENGTH)
    p256dh = models.CharField(_("public key"), max_length=P256DH_LENGTH)
    auth = models.CharField(_("authentication secret"), max_length=AUTH_LENGTH)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="push_subscriptions",
        verbose_name=_("user"),
    )
    # A guest (no account) follows the one order they placed.
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="push_subscriptions",
        verbose_name=_("order"),
    )
    # Set when a shop member subscribed on the shop's desk (escalations).
    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="push_subscriptions",
        verbose_name=_("shop"),
    )
    created_at = models.DateTimeField(_("subscribed at"), default=timezone.now)
    last_success_at = models.DateTimeField(_("last delivered at"), null=True, blank=True)
    # Consecutive failed sends (reset by a success).
    failure_count = models.PositiveIntegerField(_("failures"), default=0)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        constraints = [
            # A user's own orders, or one guest order, never both; a desk
            # subscription always names the member who made it.
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, order__isnull=True)
                    | models.Q(user__isnull=True, order__isnull=False, shop__isnull=True)
                ),
                name="notifications_pushsubscription_one_audience",
            ),
            models.UniqueConstraint(
                fields=["endpoint", "user"],
                condition=models.Q(user__isnull=False, shop__isnull=True),
                name="notifications_pushsubscription_unique_for_user",
            ),
            models.UniqueConstraint(
                fields=["endpoint", "order"],
                condition=models.Q(order__isnull=False),
                name="notifications_pushsubscription_unique_for_order",
            ),
            models.UniqueConstraint(
                fields=["endpoint", "shop"],
                condition=models.Q(shop__isnull=False),
                name="notifications_pushsubscription_unique_for_shop",
            ),
            models.CheckConstraint(
                condition=models.Q(endpoint__startswith="https://"),
                name="notifications_pushsubscription_endpoint_https",
            ),
            models.CheckConstraint(
                condition=models.Q(Exact(Length("p256dh"), P256DH_LENGTH))
                & models.Q(Exact(Length("auth"), AUTH_LENGTH)),
                name="notifications_pushsubscription_key_lengths",
            ),
        ]
        indexes = [models.Index(fields=["endpoint"], name="notifications_push_endpoint")]

    def __str__(self) -> str:
        return f"push subscription {self.pk}"

    def as_webpush_info(self) -> dict[str, object]:
        """The subscription in the shape the browser gave it (what pywebpush takes)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushDelivery(models.Model):
    """One event pushed to one endpoint: a retried task never pushes it twice."""

    key = models.CharField(_("event key"), max_length=200)
    endpoint = models.CharField(_("endpoint"), max_length=ENDPOINT_MAX_LENGTH)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("push delivery")
        verbose_name_plural = _("push deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "endpoint"], name="notifications_pushdelivery_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(key=""), name="notifications_pushdelivery_key_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.endpoint[:40]}"


class OutboundEmail(models.Model):
    """One e-mail to send, written in the transaction of the change it announces.

    `key` names that change and its reader (`order:12:accepted:customer`): the
    database keeps one row per key, so announcing a change twice sends one
    e-mail. The worker claims a row for `claimed_until` (a lease) with a
    conditional UPDATE, sends, then marks it sent; a worker that dies leaves a
    lease that expires, and the outbox sweep hands the row to another worker.
    See comptoir/domain/notifications/outbox.py and docs/notifications.md.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    key = models.CharField(_("event key"), max_length=200)
    to = models.EmailField(_("to"))
    from_email = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.TextField(_("subject"))
    # The content is dropped once sent: log-in links and addresses are not kept.
    body = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    # Content-ID → base64 PNG, shown by the HTML as <img src="cid:…"> (QR codes).
    inline_images = models.JSONField(_("inline images"), default=dict, blank=True)
    # Extra headers (name → value), e.g. List-Unsubscribe on the weekly digest.
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # Or the content is rendered when sent, by a registered renderer:
    # {"renderer": "orders.placed", "args": {"checkout_id": 12, "language": "fr"}}.
    render = models.JSONField(_("rendered when sent by"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Not sent before this: a failed attempt backs off.
    available_at = models.DateTimeField(_("available at"), default=timezone.now)
    # When the task queued for it should run; null when none is queued (the
    # sweep queues one once the row is due).
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    # The lease of the worker sending it now; past, it may be claimed again.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbound e-mail")
        verbose_name_plural = _("outbound e-mails")
        constraints = [
            models.UniqueConstraint(fields=["key"], name="notifications_outboundemail_key_unique"),
            models.CheckConstraint(
                condition=~models.Q(key=""), name="notifications_outboundemail_key_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sent", "failed"]),
                name="notifications_outboundemail_status_valid",
            ),
            # Sent, and only sent, has a sending time.
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False)
                | (~models.Q(status="sent") & models.Q(sent_at__isnull=True)),
                name="notifications_outboundemail_sent_at_iff_sent",
            ),
        ]
        indexes = [
            # The sweep reads pending rows only.
            models.Index(
                fields=["available_at"],
                condition=models.Q(status="pending"),
                name="notifications_outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.to} ({self.status})"
