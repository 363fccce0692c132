"""The desk's set-up: Camille's orders at a bakery (collect) and a cheese shop (delivery).

The desk's clock is moved to the orders' morning (Tuesday 10 March 2026, 9:00
in Rouen) so default ready-by times and "today" are stable.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from comptoir.domain.orders.models import Order
from comptoir.domain.shops.models import Role
from tests.domain.orders.support import NOW, make_scene
from tests.domain.orders.test_checkout import place
from tests.factories import make_membership, make_user

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    moment = Clock(NOW + timedelta(minutes=2))
    with mock.patch("comptoir.interfaces.desk.board_views.current_time", side_effect=moment):
        yield moment


@pytest.fixture
def scene(city):
    return make_scene(city)


@pytest.fixture
def orders(scene):
    """(bread to collect at the bakery, cheese delivered by the cheese shop)."""
    place(scene)
    return Order.objects.get(shop=scene.bakery), Order.objects.get(shop=scene.cheese)


@pytest.fixture
def bread(orders):
    return orders[0]


@pytest.fixture
def cheese(orders):
    return orders[1]


def logged_in(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def owner(scene):
    user = make_user(email="jeanne@example.fr", first_name="Jeanne")
    make_membership(scene.bakery, user, role=Role.OWNER)
    return user


@pytest.fixture
def staff(scene):
    user = make_user(email="lucas@example.fr", first_name="Lucas")
    make_membership(scene.bakery, user, role=Role.STAFF)
    return user


@pytest.fixture
def cheesemonger(scene):
    user = make_user(email="marc@example.fr", first_name="Marc")
    make_membership(scene.cheese, user, role=Role.OWNER)
    return user


@pytest.fixture
def desk_client(owner, clock):
    return logged_in(owner)


@pytest.fixture
def staff_client(staff, clock):
    return logged_in(staff)


def bakery_url(scene, tail: str = "") -> str:
    return f"/shop/{scene.city.slug}/{scene.bakery.slug}/desk/{tail}"


def cheese_url(scene, tail: str = "") -> str:
    return f"/shop/{scene.city.slug}/{scene.cheese.slug}/desk/{tail}"


HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
#: The sign between a quantity and a product, as the desk writes "2 x Baguette".
TIMES = "\N{MULTIPLICATION SIGN}"
