"""The preparation list, the search by code or name, and the printable ticket."""

from __future__ import annotations

from datetime import timedelta

import pytest

from comptoir.domain.orders.models import OrderState
from tests.domain.orders.support import NOW
from tests.factories import make_order
from tests.interfaces.desk.conftest import TIMES, bakery_url, logged_in

pytestmark = pytest.mark.django_db


def test_it_lists_the_days_quantities_per_product_and_per_slot(scene, bread, desk_client):
    make_order(
        scene.bakery,
        state=OrderState.ACCEPTED,
        lines=[(scene.baguette, 4)],
        slot_starts_at=bread.slot_starts_at + timedelta(minutes=30),
        placed_at=NOW,
    )
    make_order(scene.bakery, state=OrderState.READY, lines=[(scene.baguette, 9)], placed_at=NOW)

    response = desk_client.get(bakery_url(scene, "prep/"))

    assert response.status_code == 200
    prep = response.context["prep"]
    assert str(prep.day) == "2026-03-10"
    assert [(i.name, i.quantity) for i in prep.items] == [
        ("Baguette tradition", 6),
        ("Croissant", 3),
    ]
    assert [
        (
            f"{s.starts_at.astimezone(scene.city.zone):%H:%M}",
            [(i.name, i.quantity) for i in s.items],
        )
        for s in prep.slots
    ] == [
        ("10:00", [("Baguette tradition", 2), ("Croissant", 3)]),
        ("10:30", [("Baguette tradition", 4)]),
    ]
    html = response.content.decode()
    assert "Tuesday 10 March 2026" in html
    assert 'href="?day=2026-03-11"' in html
    assert "desk/print.js" in html


def test_it_shows_another_day_and_reads_a_bad_day_as_today(scene, bread, desk_client):
    other = desk_client.get(bakery_url(scene, "prep/"), {"day": "2026-03-11"})
    bad = desk_client.get(bakery_url(scene, "prep/"), {"day": "yesterday"})

    assert other.context["prep"].items == []
    assert "Nothing to prepare for this day yet." in other.content.decode()
    assert str(bad.context["prep"].day) == "2026-03-10"


def test_it_finds_an_order_by_pickup_code_as_read_out(scene, bread, desk_client):
    code = bread.pickup_code
    response = desk_client.get(
        bakery_url(scene, "search/"), {"q": f"{code[:3].lower()} {code[3:]}"}
    )

    assert response.status_code == 200
    assert [card.order.number for card in response.context["cards"]] == [bread.number]
    html = response.content.decode()
    assert "1 order found for" in html
    # Cards on the search page post plainly (no board to swap here).
    assert "hx-post" not in html
    assert f'action="{bakery_url(scene, f"orders/{bread.number}/accept/")}"' in html


def test_it_finds_orders_by_customer_name_but_not_another_shops(scene, orders, desk_client):
    bread, _cheese = orders

    response = desk_client.get(bakery_url(scene, "search/"), {"q": "camille"})

    assert [card.order.number for card in response.context["cards"]] == [bread.number]


def test_it_shows_an_empty_search(scene, bread, desk_client):
    response = desk_client.get(bakery_url(scene, "search/"))

    assert response.context["cards"] == []
    assert "found for" not in response.content.decode()


def test_it_prints_a_ticket(scene, bread, desk_client):
    response = desk_client.get(bakery_url(scene, f"orders/{bread.number}/ticket/"))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<p class="ticket__code">{bread.pickup_code}</p>' in html
    assert "desk/ticket.css" in html
    assert (
        f'<span class="ticket__qty">2 {TIMES}</span> Baguette tradition</th><td>€2.60</td>' in html
    )
    assert '<th scope="row">Total incl. VAT</th><td>€6.05</td>' in html
    assert "06 12 34 56 78" in html


def test_it_hides_another_shops_ticket_and_lists(scene, orders, cheesemonger, clock):
    bread, _cheese = orders
    client = logged_in(cheesemonger)

    assert client.get(bakery_url(scene, f"orders/{bread.number}/ticket/")).status_code == 404
    assert client.get(bakery_url(scene, "prep/")).status_code == 404
    assert client.get(bakery_url(scene, "search/"), {"q": "camille"}).status_code == 404
    # Through its own desk, the cheese shop does not find the bakery's order either.
    own = f"/shop/{scene.city.slug}/{scene.cheese.slug}/desk/orders/{bread.number}/ticket/"
    assert client.get(own).status_code == 404


def test_staff_can_use_the_lists(scene, bread, staff_client):
    assert staff_client.get(bakery_url(scene, "prep/")).status_code == 200
    assert staff_client.get(bakery_url(scene, "search/"), {"q": "x"}).status_code == 200
    assert staff_client.get(bakery_url(scene, f"orders/{bread.number}/ticket/")).status_code == 200


def test_customers_get_404(scene, bread, clock):
    client = logged_in(scene.customer)

    assert client.get(bakery_url(scene, f"orders/{bread.number}/ticket/")).status_code == 404
    assert client.get(bakery_url(scene, "prep/")).status_code == 404
