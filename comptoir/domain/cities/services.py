"""Writes on cities, Comptoir's tenants (onboarded by the operator)."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from comptoir.core.errors import full_clean_or_raise
from comptoir.domain.cities.errors import CitySlugTaken
from comptoir.domain.cities.models import City


def city_create(
    *,
    name: str,
    slug: str,
    latitude: Decimal,
    longitude: Decimal,
    time_zone: str = "Europe/Paris",
    currency: str = "EUR",
    country: str = "FR",
) -> City:
    """Create a city, not yet live: customers see it once the operator opens it."""
    city = City(
        name=name.strip(),
        slug=slug,
        latitude=latitude,
        longitude=longitude,
        time_zone=time_zone,
        currency=currency.upper(),
        country=country.upper(),
    )
    if City.objects.filter(slug=slug).exists():
        raise CitySlugTaken(slug)
    full_clean_or_raise(city)
    try:
        with transaction.atomic():
            city.save()
    except IntegrityError:
        if City.objects.filter(slug=slug).exists():
            raise CitySlugTaken(slug) from None
        raise
    return city
