"""People: customers, shop staff and the operator share one user model.

A user logs in with an e-mail address, stored lower-cased so that
"Anne@x.fr" and "anne@x.fr" are one account. What a user
may do in a shop comes from `shops.Membership`; operators are `is_staff`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core.fields import PhoneNumberField
from comptoir.core.geo import latitude_range, longitude_range


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude={"password"})
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(
        _("e-mail address"),
        max_length=254,
        unique=True,
        error_messages={"unique": _("A user with this e-mail address already exists.")},
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("fr", "Français"), ("en", "English")],
        default="fr",
    )
    is_staff = models.BooleanField(
        _("operator"),
        default=False,
        help_text=_("Operators can log in to the operator back office."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Stored lower-cased, so the unique index is case-insensitive.
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="accounts_user_email_lowercase"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self) -> str:
        return self.first_name or self.email


class Address(models.Model):
    """A saved delivery address of a customer."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("user")
    )
    label = models.CharField(_("label"), max_length=60, blank=True, help_text=_("e.g. Home, Work"))
    recipient = models.CharField(_("recipient"), max_length=150)
    line1 = models.CharField(_("address"), max_length=200)
    line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10)
    locality = models.CharField(_("town"), max_length=100)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    instructions = models.CharField(
        _("delivery instructions"), max_length=300, blank=True, help_text=_("Door code, floor…")
    )
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="accounts_address_one_default_per_user",
                violation_error_message=_("A customer has only one default address."),
            ),
            models.CheckConstraint(
                condition=latitude_range("latitude", nullable=True),
                name="accounts_address_latitude_range",
            ),
            models.CheckConstraint(
                condition=longitude_range("longitude", nullable=True),
                name="accounts_address_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="accounts_address_coordinates_pair",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line1}, {self.postal_code} {self.locality}"


class LoginLink(models.Model):
    """A single-use, short-lived link e-mailed to log in without a password.

    Only a SHA-256 hash of the token is stored: a leaked database (or backup)
    gives no working link. `used_at` is set once, by a conditional UPDATE.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="login_links", verbose_name=_("user")
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("log-in link")
        verbose_name_plural = _("log-in links")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="accounts_loginlink_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"


class LoginThrottle(models.Model):
    """Recent failed log-ins (or log-in link requests) for one key, and its back-off.

    One row per (scope, key): the key is a normalised e-mail address or an IP
    address. Kept in the database, not in a per-process cache, because the
    site runs several processes. See `comptoir.domain.accounts.throttle`.
    """

    class Scope(models.TextChoices):
        LOGIN_EMAIL = "login_email", _("log-in failures for an address")
        LOGIN_IP = "login_ip", _("log-in failures from an IP address")
        LINK_EMAIL = "link_email", _("log-in link requests for an address")
        LINK_IP = "link_ip", _("log-in link requests from an IP address")

    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    key = models.CharField(_("key"), max_length=254)
    #: Failures (or requests) since the counter was last reset.
    count = models.PositiveIntegerField(_("count"), default=0)
    #: How many back-offs were started since the reset: the next one lasts twice as long.
    backoffs = models.PositiveIntegerField(_("back-offs"), default=0)
    last_at = models.DateTimeField(_("last at"))
    blocked_until = models.DateTimeField(_("blocked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("log-in throttle")
        verbose_name_plural = _("log-in throttles")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key"], name="accounts_loginthrottle_one_per_key"
            ),
            models.CheckConstraint(
                condition=models.Q(scope__in=["login_email", "login_ip", "link_email", "link_ip"]),
                name="accounts_loginthrottle_scope_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(key=""), name="accounts_loginthrottle_key_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.count}"


class TwoFactor(models.Model):
    """A time-based one-time password (RFC 6238) second factor of an operator or shop owner.

    `confirmed_at` is set once the user typed a first code from their app:
    until then the second factor is not asked at log-in. `last_step` is the
    30-second step of the last accepted code: a code is never accepted twice.
    """

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="two_factor", verbose_name=_("user")
    )
    secret = models.CharField(_("secret"), max_length=32)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_step = models.BigIntegerField(_("last step used"), default=-1)

    class Meta:
        verbose_name = _("two-factor authentication")
        verbose_name_plural = _("two-factor authentications")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(secret__regex=r"^[A-Z2-7]{32}$"),  # noqa: S106 (a pattern)
                name="accounts_twofactor_secret_base32",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({'on' if self.confirmed_at else 'pending'})"


class RecoveryCode(models.Model):
    """A single-use code that replaces the one-time password (a lost phone). Only its hash."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name=_("user")
    )
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"{self.user} ({'used' if self.used_at else 'unused'})"


class ApiToken(models.Model):
    """A bearer token of the JSON API, for one user, scoped to the customer or one shop.

    A token with no `shop` acts as the customer; a token with a `shop` acts
    only in that shop, with the permissions of the user's membership there
    (checked on every request: removing the member disables the token). Only
    a SHA-256 hash of the secret is stored, as for log-in links; the secret
    is shown once, when the token is made. Revoked tokens are kept (`revoked_at`)
    so a user sees where their account was used.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("shop"),
    )
    name = models.CharField(_("name"), max_length=100)
    #: The secret's first characters, shown in lists so a user recognises it.
    prefix = models.CharField(_("prefix"), max_length=12)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="accounts_apitoken_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="accounts_apitoken_name_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
