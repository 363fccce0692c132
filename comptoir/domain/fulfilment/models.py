"""Fulfilment: delivery rules, slot bookings and daily quota usage.

The shop row keeps its original click & collect settings (slot length,
capacity, lead time) and its delivery fee, minimum and radius; what delivery
needs beyond that lives here, in `DeliverySettings` (one per shop, defaults
when missing) and `DeliveryPostcode` (a shop that lists postcodes delivers to
those only; otherwise the radius decides).

`SlotBooking` and `DailyQuotaUsage` are counters guarded by conditional
UPDATEs in `services.py`; the database keeps them non-negative and unique per
slot / per day, which is what makes the race-safe creation work.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.geo import latitude_range, longitude_range
from comptoir.domain.catalogue.models import Product
from comptoir.domain.cities.models import City
from comptoir.domain.shops.models import Shop


class SlotKind(models.TextChoices):
    COLLECT = "collect", _("Click & collect")
    DELIVERY = "delivery", _("Home delivery")


class DeliverySettings(models.Model):
    """What a delivering shop adds to the fee, minimum and radius kept on `Shop`."""

    DEFAULT_SLOT_MINUTES = 60
    DEFAULT_SLOT_CAPACITY = 3

    shop = models.OneToOneField(
        Shop,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="delivery_settings",
        verbose_name=_("shop"),
    )
    free_above = models.DecimalField(
        _("free delivery from"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Orders of at least this amount are delivered free; empty: never free."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("delivery slot length (minutes)"),
        default=DEFAULT_SLOT_MINUTES,
        validators=[MinValueValidator(5)],
    )
    slot_capacity = models.PositiveSmallIntegerField(
        _("orders per delivery slot"),
        default=DEFAULT_SLOT_CAPACITY,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("delivery settings")
        verbose_name_plural = _("delivery settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(free_above__isnull=True) | models.Q(free_above__gte=0),
                name="fulfilment_deliverysettings_free_above_non_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5),
                name="fulfilment_deliverysettings_slot_minutes_min",
            ),
            models.CheckConstraint(
                condition=models.Q(slot_capacity__gte=1),
                name="fulfilment_deliverysettings_slot_capacity_min",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Delivery settings of %(shop)s") % {"shop": self.shop_id})


class DeliveryPostcode(models.Model):
    """A postcode a shop delivers to. A shop with none delivers within its radius."""

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="delivery_postcodes", verbose_name=_("shop")
    )
    postal_code = models.CharField(_("postal code"), max_length=10)

    class Meta:
        verbose_name = _("delivery postcode")
        verbose_name_plural = _("delivery postcodes")
        ordering = ["shop", "postal_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "postal_code"], name="fulfilment_deliverypostcode_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(postal_code=""), name="fulfilment_deliverypostcode_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return self.postal_code


class SlotBooking(models.Model):
    """How many orders hold one slot of one shop; never more than the slot's capacity."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="slot_bookings", verbose_name=_("shop")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SlotKind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    booked = models.PositiveIntegerField(_("orders booked"), default=0)

    class Meta:
        verbose_name = _("slot booking")
        verbose_name_plural = _("slot bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "kind", "starts_at"], name="fulfilment_slotbooking_unique_slot"
            ),
            models.CheckConstraint(
                condition=models.Q(booked__gte=0), name="fulfilment_slotbooking_booked_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=SlotKind.values),
                name="fulfilment_slotbooking_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_at:%Y-%m-%d %H:%M} ({self.booked})"


class DailyQuotaUsage(models.Model):
    """How many units of a quota-limited product are promised for one day."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="quota_usages", verbose_name=_("product")
    )
    day = models.DateField(_("day"))
    used = models.PositiveIntegerField(_("units promised"), default=0)

    class Meta:
        verbose_name = _("daily quota usage")
        verbose_name_plural = _("daily quota usages")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "day"], name="fulfilment_dailyquotausage_unique_day"
            ),
            models.CheckConstraint(
                condition=models.Q(used__gte=0), name="fulfilment_dailyquotausage_used_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.day}: {self.used}"


class PostcodeArea(models.Model):
    """Where a postcode is, roughly: the centre of its area, for the approximate geocoder.

    No geocoding service is reachable from every deployment, and a guest types
    an address with no coordinates. A shop that delivers within a radius then
    measures from the centre of the address's postcode (see geocode.py and
    docs/fulfilment.md). The operator keeps the table (admin); the Rouen area
    ships with Comptoir.
    """

    country = models.CharField(_("country"), max_length=2, default="FR")
    postal_code = models.CharField(_("postal code"), max_length=10)
    name = models.CharField(_("area"), max_length=100)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")
        ordering = ["country", "postal_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "postal_code"], name="fulfilment_postcodearea_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(postal_code=""), name="fulfilment_postcodearea_not_blank"
            ),
            models.CheckConstraint(
                condition=latitude_range("latitude"), name="fulfilment_postcodearea_latitude_range"
            ),
            models.CheckConstraint(
                condition=longitude_range("longitude"),
                name="fulfilment_postcodearea_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.postal_code} {self.name}"


def normalise_postal_code(value: str) -> str:
    """One spelling per postcode, spaces dropped and upper-case: "76 000" → "76000"."""
    return "".join(value.split()).upper()
