"""A city is Comptoir's tenant: every shop, product and (later) order belongs to one."""

from __future__ import annotations

import zoneinfo
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length, Upper
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from comptoir.core.geo import latitude_range, longitude_range


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a known time zone."), code="invalid_tz", params={"value": value}
        )


# First URL segments that belong to the site, not to a city (/<city>/… URLs).
RESERVED_CITY_SLUGS = frozenset(
    {
        "admin",
        "api",
        "i18n",
        "healthz",
        "live",
        "media",
        "operator",
        "static",
        "desk",
        "shop",
        "account",
        "accounts",
        "basket",
        "checkout",
        "search",
        "offline",
        "manifest",
        "sw",
        "partner",
        "partners",
        "join",
        "legal",
        "cities",
        "apply",
        "welcome",
    }
)


def validate_city_slug(value: str) -> None:
    if value in RESERVED_CITY_SLUGS:
        raise ValidationError(
            _("“%(value)s” is reserved by the site; choose another slug."),
            code="reserved_slug",
            params={"value": value},
        )


def iso_code(field: str, length: int) -> models.Q:
    """Upper-case code of exactly `length` characters (EUR, FR), portable to SQLite."""
    return models.Q(Exact(Length(field), length)) & models.Q(**{field: Upper(field)})


class City(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        validators=[validate_city_slug],
        help_text=_("Used in URLs."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", validators=[validate_time_zone]
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    country = models.CharField(_("country"), max_length=2, default="FR")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    is_live = models.BooleanField(
        _("live"), default=False, help_text=_("Customers can see a city once it is live.")
    )
    shops_go_live_automatically = models.BooleanField(
        _("shops go live automatically"),
        default=False,
        help_text=_(
            "A new shop opens to customers as soon as its first-run checklist is complete, "
            "without waiting for the operator's approval."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(slug__in=sorted(RESERVED_CITY_SLUGS)),
                name="cities_city_slug_not_reserved",
            ),
            models.CheckConstraint(
                condition=iso_code("currency", 3), name="cities_city_currency_iso"
            ),
            models.CheckConstraint(
                condition=iso_code("country", 2), name="cities_city_country_iso"
            ),
            models.CheckConstraint(
                condition=latitude_range("latitude"), name="cities_city_latitude_range"
            ),
            models.CheckConstraint(
                condition=longitude_range("longitude"), name="cities_city_longitude_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)
