"""Shops, their opening hours and closures, fulfilment options and staff."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.core.fields import PhoneNumberField
from comptoir.core.geo import latitude_range, longitude_range
from comptoir.domain.cities.models import City

# Second URL segments that belong to the city's pages, not to a shop
# (/<city>/search/, /<city>/basket/…): a shop can never take these slugs.
RESERVED_SHOP_SLUGS = frozenset(
    {
        "search",
        "basket",
        "checkout",
        "account",
        "orders",
        "order",
        "deals",
        "offline",
        "login",
        "logout",
        "signup",
        "desk",
        "api",
        "live",
        "legal",
        "terms",
        "privacy",
    }
)


def validate_shop_slug(value: str) -> None:
    if value in RESERVED_SHOP_SLUGS:
        raise ValidationError(
            _("“%(value)s” is reserved by the site; choose another slug."),
            code="reserved_slug",
            params={"value": value},
        )


class Trade(models.TextChoices):
    BAKERY = "bakery", _("Bakery")
    PASTRY = "pastry", _("Pastry shop")
    CHOCOLATE = "chocolate", _("Chocolate maker")
    BUTCHER = "butcher", _("Butcher")
    CHEESE = "cheese", _("Cheese shop")
    FISH = "fish", _("Fishmonger")
    GREENGROCER = "greengrocer", _("Greengrocer")
    DELICATESSEN = "delicatessen", _("Delicatessen")
    WINE = "wine", _("Wine merchant")
    FLORIST = "florist", _("Florist")
    BOOKS = "books", _("Bookshop")
    CATERER = "caterer", _("Caterer")
    COFFEE = "coffee", _("Coffee and tea")
    ORGANIC = "organic", _("Organic grocery")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Shop(models.Model):
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="shops", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, validators=[validate_shop_slug])
    trade = models.CharField(_("trade"), max_length=20, choices=Trade.choices, db_index=True)
    tagline = models.CharField(_("tagline"), max_length=160, blank=True)
    description = models.TextField(_("description"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="shops/", blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    street = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    locality = models.CharField(_("town"), max_length=100)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    # Click & collect: the customer picks a slot; each slot takes a few orders.
    collect_enabled = models.BooleanField(_("click & collect"), default=True)
    slot_minutes = models.PositiveSmallIntegerField(
        _("pickup slot length (minutes)"), default=15, validators=[MinValueValidator(5)]
    )
    slot_capacity = models.PositiveSmallIntegerField(
        _("orders per pickup slot"), default=4, validators=[MinValueValidator(1)]
    )
    lead_time_minutes = models.PositiveSmallIntegerField(
        _("preparation time (minutes)"),
        default=30,
        help_text=_("Earliest pickup is this long after the order."),
    )

    # Home delivery within a radius of the shop.
    delivery_enabled = models.BooleanField(_("home delivery"), default=False)
    delivery_fee = models.DecimalField(
        _("delivery fee"), max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    delivery_minimum = models.DecimalField(
        _("minimum order for delivery"), max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    delivery_radius_km = models.DecimalField(
        _("delivery radius (km)"), max_digits=5, decimal_places=2, default=Decimal("3.00")
    )

    # The order desk: how long a new order may wait before the alarm escalates
    # (louder desk, e-mail/push to the owner), and before it is refused for the
    # customer's sake. Shops that trust their stock may accept automatically.
    escalate_after_minutes = models.PositiveSmallIntegerField(
        _("alert the owner after (minutes)"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("A new order not accepted by then rings louder and the owner is told."),
    )
    auto_refuse_after_minutes = models.PositiveSmallIntegerField(
        _("refuse unanswered orders after (minutes)"),
        null=True,
        blank=True,
        default=15,
        help_text=_("Empty: never. The customer gets an apology and another shop to try."),
    )
    auto_accept = models.BooleanField(
        _("accept orders automatically"),
        default=False,
        help_text=_("New orders are accepted at once with the usual preparation time."),
    )
    is_paused = models.BooleanField(
        _("orders paused"), default=False, help_text=_("The shop takes no new orders for now.")
    )
    paused_until = models.DateTimeField(
        _("orders paused until"),
        null=True,
        blank=True,
        help_text=_("The shop takes orders again by itself at this time."),
    )
    is_active = models.BooleanField(
        _("published"), default=True, help_text=_("Unpublished shops are hidden from customers.")
    )
    #: When the operator approved the shop (or its city let it go live by itself).
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    #: Set while the shop is suspended for unpaid invoices: unpublished, no new
    #: orders or deals; orders already placed are still served.
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]
        indexes = [models.Index(fields=["city", "trade", "name"], name="shops_city_trade_name")]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="shops_shop_slug_unique_in_city"),
            models.CheckConstraint(
                condition=models.Q(suspended_at__isnull=True) | models.Q(is_active=False),
                name="shops_shop_suspended_is_unpublished",
            ),
            models.CheckConstraint(
                condition=~models.Q(slug__in=sorted(RESERVED_SHOP_SLUGS)),
                name="shops_shop_slug_not_reserved",
            ),
            models.CheckConstraint(
                condition=models.Q(trade__in=Trade.values), name="shops_shop_trade_valid"
            ),
            models.CheckConstraint(
                condition=latitude_range("latitude"), name="shops_shop_latitude_range"
            ),
            models.CheckConstraint(
                condition=longitude_range("longitude"), name="shops_shop_longitude_range"
            ),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5), name="shops_shop_slot_minutes_min"
            ),
            models.CheckConstraint(
                condition=models.Q(slot_capacity__gte=1), name="shops_shop_slot_capacity_min"
            ),
            models.CheckConstraint(
                condition=models.Q(delivery_fee__gte=0), name="shops_shop_delivery_fee_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(delivery_minimum__gte=0),
                name="shops_shop_delivery_minimum_non_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(delivery_radius_km__gt=0),
                name="shops_shop_delivery_radius_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(escalate_after_minutes__gte=1),
                name="shops_shop_escalate_after_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(auto_refuse_after_minutes__isnull=True)
                | models.Q(auto_refuse_after_minutes__gt=models.F("escalate_after_minutes")),
                name="shops_shop_auto_refuse_after_escalation",
                violation_error_message=_(
                    "Unanswered orders can only be refused after the owner has been alerted."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def orders_paused_at(self, moment: datetime) -> bool:
        """Whether the shop refuses new orders at `moment`: paused, or paused until later."""
        return self.is_paused or (self.paused_until is not None and self.paused_until > moment)

    @property
    def orders_paused(self) -> bool:
        """`orders_paused_at` now: what the storefront and the checkout ask."""
        return self.orders_paused_at(timezone.now())


class OpeningHours(models.Model):
    """One opening range of a weekday; a day may have several (morning, afternoon).

    Times are wall-clock times in the shop's city time zone. A range never
    crosses midnight: a shop open until 1 a.m. has a second range on the next day.
    """

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("shop")
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6),
                name="shops_openinghours_weekday_range",
            ),
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="shops_openinghours_opens_before_closes",
                violation_error_message=_("Opening time must be before closing time."),
            ),
            models.UniqueConstraint(
                fields=["shop", "weekday", "opens"], name="shops_openinghours_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """An exceptional closure (holidays, a bank holiday, works), inclusive dates."""

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="closures", verbose_name=_("shop")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (inclusive)"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("exceptional closure")
        verbose_name_plural = _("exceptional closures")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="shops_closure_ends_after_start",
                violation_error_message=_("A closure cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} → {self.ends_on}"


class Role(models.TextChoices):
    OWNER = "owner", pgettext_lazy("shop role", "Owner")
    STAFF = "staff", pgettext_lazy("shop role", "Staff")


class Membership(models.Model):
    """A person working in a shop: owners manage it, staff handle orders."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("shop")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shop membership")
        verbose_name_plural = _("shop memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "shop"], name="shops_membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="shops_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.shop} ({self.get_role_display()})"


class ShopInvitation(models.Model):
    """An owner's invitation to work in the shop, e-mailed as a single-use link.

    Only a SHA-256 hash of the token is stored (as for log-in links). It
    expires after a week; it ends accepted or revoked, never both, and an
    address has at most one invitation still open per shop.
    """

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("shop")
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shop invitation")
        verbose_name_plural = _("shop invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="shops_invitation_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="shops_invitation_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="shops_invitation_accepted_or_revoked_not_both",
            ),
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="shops_invitation_email_lowercase"
            ),
            models.UniqueConstraint(
                fields=["shop", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="shops_invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.shop_id} ({self.role})"

    def is_open_at(self, moment: datetime) -> bool:
        """Neither accepted, nor revoked, nor expired at `moment`."""
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > moment
