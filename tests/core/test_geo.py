import math
from decimal import Decimal

import pytest
from django.db.models import Q

from comptoir.core.geo import EARTH_RADIUS_KM, distance_km, latitude_range, longitude_range

CATHEDRAL = (Decimal("49.440278"), Decimal("1.095000"))  # Notre-Dame de Rouen
STATION = (Decimal("49.448889"), Decimal("1.093889"))  # Gare de Rouen-Rive-Droite


def test_it_measures_rouen_cathedral_to_the_station_as_the_crow_flies():
    # About 0.96 km in a straight line; the walk up rue Jeanne-d'Arc is ~1.1 km.
    assert distance_km(*CATHEDRAL, *STATION) == pytest.approx(0.962, abs=0.005)


def test_it_is_symmetric():
    assert distance_km(*CATHEDRAL, *STATION) == distance_km(*STATION, *CATHEDRAL)


def test_it_is_zero_between_a_point_and_itself():
    assert distance_km(*CATHEDRAL, *CATHEDRAL) == 0.0


def test_it_measures_one_degree_of_the_equator():
    assert distance_km(0, 0, 0, 1) == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360)


def test_it_measures_pole_to_pole_as_half_a_great_circle():
    assert distance_km(90, 0, -90, 0) == pytest.approx(math.pi * EARTH_RADIUS_KM)


def test_it_takes_the_short_way_across_the_antimeridian():
    assert distance_km(0, 179.5, 0, -179.5) == pytest.approx(distance_km(0, 0, 0, 1))


def test_it_bounds_a_latitude_to_ninety_degrees():
    assert latitude_range("lat") == Q(lat__gte=-90, lat__lte=90)
    assert latitude_range("lat", nullable=True) == Q(lat__gte=-90, lat__lte=90) | Q(
        lat__isnull=True
    )


def test_it_bounds_a_longitude_to_one_hundred_eighty_degrees():
    assert longitude_range("lon") == Q(lon__gte=-180, lon__lte=180)
    assert longitude_range("lon", nullable=True) == Q(lon__gte=-180, lon__lte=180) | Q(
        lon__isnull=True
    )
