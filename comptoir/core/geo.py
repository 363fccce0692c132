"""Coordinates: range guards for the database and distances for people."""

from __future__ import annotations

import math
from decimal import Decimal

from django.db.models import Q

EARTH_RADIUS_KM = 6371.0088


def latitude_range(field: str, *, nullable: bool = False) -> Q:
    condition = Q(**{f"{field}__gte": -90, f"{field}__lte": 90})
    return condition | Q(**{f"{field}__isnull": True}) if nullable else condition


def longitude_range(field: str, *, nullable: bool = False) -> Q:
    condition = Q(**{f"{field}__gte": -180, f"{field}__lte": 180})
    return condition | Q(**{f"{field}__isnull": True}) if nullable else condition


def distance_km(
    lat1: float | Decimal, lon1: float | Decimal, lat2: float | Decimal, lon2: float | Decimal
) -> float:
    """Great-circle (haversine) distance in kilometres."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi = phi2 - phi1
    dlambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
