"""Shop people cannot set what is not theirs to set by posting extra fields.

Each test posts a real form of the back office or the desk (its own fields,
as the page renders them) plus fields a tamperer would add: another shop or
city, totals, states, slugs, ids of another shop's objects. The legitimate
change goes through; every protected field, and the other shop's objects,
stay as they were.

Shops have no subscription status yet (issue #8): when they do, add it to
TAMPERING and to the assertions on the shop below.
"""

from __future__ import annotations

import html.parser
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.domain.catalogue.models import Product
from comptoir.domain.orders.models import Order, OrderState
from comptoir.domain.shops.models import Role, Shop
from tests.factories import (
    make_city,
    make_membership,
    make_opening_hours,
    make_order,
    make_product,
    make_shop,
    make_user,
)

pytestmark = pytest.mark.django_db


class FormFields(html.parser.HTMLParser):
    """What a browser would submit for the page's POST form that posts to `url`."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.fields: dict[str, str] = {}
        self._form_seen = False
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and not self._form_seen and a.get("method", "").lower() == "post":
            self._form_seen = self._in_form = a.get("action", "") in {"", self.url}
        if not self._in_form or (not a.get("name") and tag != "option"):
            return
        name = a.get("name", "")
        if tag == "input":
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields[name] = a.get("value") or "on"
            elif kind not in {"submit", "file", "button"}:
                self.fields[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select is not None:
            if "selected" in a or self._select not in self.fields:
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(client: Any, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    parser = FormFields(url)
    parser.feed(response.content.decode())
    assert parser.fields, f"no POST form on {url}"
    return parser.fields


@pytest.fixture
def world():
    city, other_city = make_city(slug="rouen"), make_city(slug="caen")
    shop = make_shop(city, slug="la-fournee")
    other_shop = make_shop(other_city, slug="chez-autre")
    make_opening_hours(shop, timezone.localdate().weekday(), "00:00", "23:59")
    owner = make_membership(shop, make_user(email="owner@example.fr"), Role.OWNER).user
    staff = make_membership(shop, make_user(email="staff@example.fr"), Role.STAFF).user
    product = make_product(shop, slug="baguette", stock=5)
    other_product = make_product(other_shop, slug="croissant")
    now = timezone.now()
    order = make_order(
        shop,
        lines=[(product, 2)],
        state=OrderState.PLACED,
        placed_at=now - timedelta(minutes=2),
        slot_starts_at=now + timedelta(hours=2),
    )
    return {
        "city": city,
        "shop": shop,
        "other_shop": other_shop,
        "owner": owner,
        "staff": staff,
        "product": product,
        "other_product": other_product,
        "order": order,
    }


def tampering(world: dict[str, Any]) -> dict[str, Any]:
    """Extra fields a tamperer adds to every form."""
    other_shop, other_product = world["other_shop"], world["other_product"]
    return {
        "shop": other_shop.pk,
        "shop_id": other_shop.pk,
        "city": other_shop.city_id,
        "city_id": other_shop.city_id,
        "id": other_product.pk,
        "pk": other_product.pk,
        "slug": "piratee",
        "is_active": "false",
        "is_paused": "on",
        "created_at": "2000-01-01T00:00:00Z",
        "total": "0.01",
        "subtotal": "0.01",
        "delivery_fee": "0",
        "state": OrderState.COLLECTED,
        "payment_state": "paid",
        "customer": world["owner"].pk,
        "price": "0.01",
        "position": "-1",
    }


def row(model: Any, pk: int) -> dict[str, Any]:
    return model.objects.filter(pk=pk).values().get()


def shop_url(name: str, world: dict[str, Any], **kwargs: Any) -> str:
    shop = world["shop"]
    return reverse(name, kwargs={"city_slug": shop.city.slug, "shop_slug": shop.slug} | kwargs)


def test_the_product_form_ignores_shop_city_and_ids(client, world):
    product, other_product = world["product"], world["other_product"]
    other_before = row(Product, other_product.pk)
    before = row(Product, product.pk)
    url = shop_url("backoffice:product_edit", world, pk=product.pk)
    client.force_login(world["owner"])
    fields = form_fields(client, url) | {"name": "Pain de campagne", "price": "2.40"}

    response = client.post(
        url, fields | {k: v for k, v in tampering(world).items() if k != "price"}
    )

    assert response.status_code == 302
    after = row(Product, product.pk)
    assert (after["name"], str(after["price"])) == ("Pain de campagne", "2.40")
    for protected in ("shop_id", "city_id", "slug", "created_at", "position", "id"):
        assert after[protected] == before[protected], protected
    assert row(Product, other_product.pk) == other_before


def test_a_new_product_belongs_to_the_shop_of_the_url(client, world):
    url = shop_url("backoffice:product_new", world)
    client.force_login(world["owner"])
    fields = form_fields(client, url) | {"name": "Fougasse", "price": "3.10", "stock": "4"}

    response = client.post(
        url, fields | {k: v for k, v in tampering(world).items() if k != "price"}
    )

    assert response.status_code == 302
    created = Product.objects.get(name="Fougasse")
    assert (created.shop_id, created.city_id) == (world["shop"].pk, world["city"].pk)
    assert created.slug != "piratee"
    assert Product.objects.filter(shop=world["other_shop"]).count() == 1


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("backoffice:settings_profile", {"name": "La Nouvelle Fournée"}),
        ("backoffice:settings_collect", {"slot_capacity": "7"}),
        ("backoffice:settings_delivery", {"delivery_minimum": "12.00"}),
        ("backoffice:settings_desk", {"escalate_after_minutes": "4"}),
    ],
)
def test_the_settings_forms_ignore_fields_they_do_not_show(client, world, name, change):
    shop, other_shop = world["shop"], world["other_shop"]
    before, other_before = row(Shop, shop.pk), row(Shop, other_shop.pk)
    url = shop_url(name, world)
    client.force_login(world["owner"])
    fields = form_fields(client, url) | change

    response = client.post(url, tampering(world) | fields)

    assert response.status_code == 302, response.content.decode()[:2000]
    after = row(Shop, shop.pk)
    field, value = next(iter(change.items()))
    assert str(after[field]) == value
    for protected in ("city_id", "slug", "is_active", "is_paused", "created_at", "id"):
        assert after[protected] == before[protected], protected
    assert row(Shop, other_shop.pk) == other_before


def test_a_desk_action_ignores_totals_states_and_shop(client, world):
    order = world["order"]
    before = row(Order, order.pk)
    zone = world["city"].zone
    ready = order.slot_starts_at.astimezone(zone)
    url = shop_url("desk:accept", world, number=order.number)
    client.force_login(world["staff"])

    response = client.post(
        url, tampering(world) | {"day": ready.date().isoformat(), "ready_at": f"{ready:%H:%M}"}
    )

    assert response.status_code == 302
    after = row(Order, order.pk)
    assert after["state"] == OrderState.ACCEPTED
    for protected in (
        "shop_id",
        "city_id",
        "customer_id",
        "subtotal",
        "delivery_fee",
        "total",
        "payment_state",
        "number",
        "pickup_code",
    ):
        assert after[protected] == before[protected], protected


def test_a_stock_step_ignores_price_shop_and_on_sale(client, world):
    product = world["product"]
    before = row(Product, product.pk)
    url = shop_url("backoffice:product_stock", world, pk=product.pk)
    client.force_login(world["staff"])

    response = client.post(url, tampering(world) | {"delta": "+1", "stock": "999"})

    assert response.status_code == 302
    after = row(Product, product.pk)
    assert after["stock"] == before["stock"] + 1 == 6
    for protected in ("price", "shop_id", "city_id", "is_active", "slug"):
        assert after[protected] == before[protected], protected
