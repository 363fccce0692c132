"""What the API itself stores: the answers to `Idempotency-Key` requests, for replays."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotentRequest(models.Model):
    """One `Idempotency-Key` of one user on one operation, and the answer it got.

    Inserted (state "running") before the operation runs, in its own
    transaction, so a concurrent retry with the same key finds it and gets a
    409 instead of running twice; the answer (status and JSON body) is stored
    when the operation finishes and replayed byte for byte to every retry with
    the same body. `fingerprint` is a SHA-256 of the method, path and body: the
    same key with another body is refused (422). Rows older than 24 hours are
    forgotten (`idempotency.KEY_LIFETIME`).
    """

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    state = models.CharField(_("state"), max_length=8, choices=State.choices)
    #: A running request whose lease ran out (its process died) may be run again.
    lease_until = models.DateTimeField(_("lease until"))
    status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    body = models.TextField(_("response body"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="api_idempotentrequest_one_per_key"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["running", "done"]),
                name="api_idempotentrequest_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state="running") | models.Q(status__isnull=False),
                name="api_idempotentrequest_done_has_status",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="api_idem_created")]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"
