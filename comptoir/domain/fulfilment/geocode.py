"""Placing a typed address on the map, as well as we can without a network service.

A guest's address has no coordinates, and a shop that delivers within a radius
needs a distance. `locate` asks the configured geocoder (settings.GEOCODER, a
dotted path to a class with a `locate` method; see docs/fulfilment.md):

- the default, `PostcodeCentroids`, answers from the `PostcodeArea` table: the
  centre of the address's postcode area. It is *approximate*: an address near
  the edge of a large postcode may be a kilometre or two from that centre, so
  quotes made from it say so, and the shop can still refuse at the desk.
- a production deployment may plug a street-level geocoder (the French
  Base Adresse Nationale, a commercial API) behind the same method; it must
  answer quickly and return None rather than raise when it cannot place the
  address.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from comptoir.domain.fulfilment.models import PostcodeArea, normalise_postal_code

DEFAULT_GEOCODER = "comptoir.domain.fulfilment.geocode.PostcodeCentroids"
SHIPPED_AREAS = Path(__file__).resolve().parent / "data" / "postcodes_fr_rouen.csv"


@dataclass(frozen=True, slots=True)
class Location:
    latitude: Decimal
    longitude: Decimal
    #: True when the point stands for an area (a postcode's centre), not the address.
    approximate: bool


class Geocoder(Protocol):
    def locate(
        self, *, line1: str, postal_code: str, locality: str, country: str
    ) -> Location | None: ...


class PostcodeCentroids:
    """The centre of the postcode's area, from the PostcodeArea table (one indexed read)."""

    def locate(
        self, *, line1: str, postal_code: str, locality: str, country: str
    ) -> Location | None:
        code = normalise_postal_code(postal_code)
        if not code:
            return None
        area = (
            PostcodeArea.objects.filter(country=country.upper(), postal_code=code)
            .values_list("latitude", "longitude")
            .first()
        )
        if area is None:
            return None
        return Location(latitude=area[0], longitude=area[1], approximate=True)


@cache
def _geocoder(path: str) -> Geocoder:
    geocoder: Geocoder = import_string(path)()
    return geocoder


def locate(*, line1: str, postal_code: str, locality: str, country: str = "FR") -> Location | None:
    """Where an address is (approximately with the default geocoder), or None."""
    geocoder = _geocoder(getattr(settings, "GEOCODER", DEFAULT_GEOCODER))
    return geocoder.locate(line1=line1, postal_code=postal_code, locality=locality, country=country)


def postcode_areas_load(*, path: Path = SHIPPED_AREAS) -> int:
    """Create or update the areas of a CSV file (country,postal_code,name,latitude,longitude).

    Idempotent: loading a file twice leaves one row per postcode. Returns the
    number of rows read. All or nothing: a bad row changes nothing.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with transaction.atomic():
        for row in rows:
            PostcodeArea.objects.update_or_create(
                country=row["country"].strip().upper(),
                postal_code=normalise_postal_code(row["postal_code"]),
                defaults={
                    "name": row["name"].strip(),
                    "latitude": Decimal(row["latitude"]),
                    "longitude": Decimal(row["longitude"]),
                },
            )
    return len(rows)
