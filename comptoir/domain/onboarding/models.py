"""Shops joining the marketplace: sign-up requests, the operator's invitations, go-live requests.

A shop joins in three steps:

1. (optional) someone fills the public "join the marketplace" form: a
   `SignupRequest` lands in the operator's queue;
2. the operator sends an `OwnerInvitation` (single use, a week long, only a
   hash of its token stored): the future owner opens the link, sets a
   password (or logs in), describes the shop, which is created unpublished;
3. once the first-run checklist is done, the owner asks to go live: the shop
   is published at once if its city lets shops go live by themselves,
   otherwise a `GoLiveRequest` waits for the operator's approval.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from comptoir.core.fields import PhoneNumberField
from comptoir.domain.cities.models import City
from comptoir.domain.shops.models import Shop, Trade


class SignupRequest(models.Model):
    """A shop asking to join, from the public form; the operator invites or declines it."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        INVITED = "invited", _("invited")
        DECLINED = "declined", _("declined")

    shop_name = models.CharField(_("shop name"), max_length=120)
    trade = models.CharField(_("trade"), max_length=20, choices=Trade.choices)
    #: One of the live cities, or empty with `town` naming a place not open yet.
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signup_requests",
        verbose_name=_("city"),
    )
    town = models.CharField(_("town (city not open yet)"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    phone = PhoneNumberField(_("phone"), blank=True)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=10, default="fr")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    created_at = models.DateTimeField(_("received at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up request")
        verbose_name_plural = _("sign-up requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["new", "invited", "declined"]),
                name="onboarding_signup_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(trade__in=Trade.values), name="onboarding_signup_trade_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(city__isnull=False) | ~models.Q(town=""),
                name="onboarding_signup_city_or_town",
            ),
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="onboarding_signup_email_lowercase"
            ),
            models.CheckConstraint(
                condition=models.Q(status="new", decided_at__isnull=True)
                | (~models.Q(status="new") & models.Q(decided_at__isnull=False)),
                name="onboarding_signup_decided_when_not_new",
            ),
            # One request waiting per address: sending the form twice does not queue twice.
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(status="new"),
                name="onboarding_signup_one_new_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop_name} ({self.email})"

    @property
    def place(self) -> str:
        return self.city.name if self.city_id and self.city else self.town


class OwnerInvitation(models.Model):
    """The operator's invitation to open a shop in `city`, e-mailed as a single-use link.

    Only a SHA-256 hash of the token is stored. It expires after a fortnight;
    it ends used (the shop it created in `shop`) or revoked, never both, and
    an address has at most one invitation still open per city.
    """

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="owner_invitations", verbose_name=_("city")
    )
    email = models.EmailField(_("e-mail"))
    #: Suggestions that fill the owner's form in advance (from the sign-up request).
    shop_name = models.CharField(_("shop name"), max_length=120, blank=True)
    trade = models.CharField(_("trade"), max_length=20, choices=Trade.choices, blank=True)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    signup_request = models.ForeignKey(
        SignupRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("sign-up request"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("used by"),
    )
    shop = models.OneToOneField(
        Shop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owner_invitation",
        verbose_name=_("shop created"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shop invitation (new shop)")
        verbose_name_plural = _("shop invitations (new shops)")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="onboarding_invitation_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=models.Q(used_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="onboarding_invitation_used_or_revoked_not_both",
            ),
            models.CheckConstraint(
                condition=models.Q(shop__isnull=True) | models.Q(used_at__isnull=False),
                name="onboarding_invitation_shop_only_when_used",
            ),
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")),
                name="onboarding_invitation_email_lowercase",
            ),
            models.CheckConstraint(
                condition=models.Q(trade="") | models.Q(trade__in=Trade.values),
                name="onboarding_invitation_trade_valid",
            ),
            models.UniqueConstraint(
                fields=["city", "email"],
                condition=models.Q(used_at__isnull=True, revoked_at__isnull=True),
                name="onboarding_invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.city_id}"

    def is_open_at(self, moment: datetime) -> bool:
        """Neither used, nor revoked, nor expired at `moment`."""
        return self.used_at is None and self.revoked_at is None and self.expires_at > moment


class GoLiveRequest(models.Model):
    """An owner asked to open the shop to customers; the operator's approval is awaited.

    One per shop. The shop's `approved_at` says whether it was approved.
    """

    shop = models.OneToOneField(
        Shop, on_delete=models.CASCADE, related_name="go_live_request", verbose_name=_("shop")
    )
    requested_at = models.DateTimeField(_("asked at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by"),
    )

    class Meta:
        verbose_name = _("request to go live")
        verbose_name_plural = _("requests to go live")
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.shop_id} @ {self.requested_at:%Y-%m-%d}"
