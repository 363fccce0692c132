"""Customer endpoints: the basket, the checkout (one order per shop), my orders, cancelling."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from comptoir.domain.catalogue.models import Product
from comptoir.domain.fulfilment.models import SlotBooking
from comptoir.domain.orders.models import BasketLine, Checkout, Order, OrderState
from tests.domain.orders.support import COLLECT_AT, DELIVER_AT, NOW, collect_shop, delivery_shop
from tests.factories import make_city, make_order, make_product, make_shop, make_user
from tests.interfaces.api.conftest import ApiClient, token_for
from tests.interfaces.api.support import assert_problem, clock

pytestmark = pytest.mark.django_db

__all__ = ["clock"]  # the fixture, imported for this module's tests

BASKET = "/api/v1/cities/rouen/basket"
LINES = BASKET + "/lines"
CHECKOUT = "/api/v1/cities/rouen/checkout"
ADDRESS = {
    "line1": "12 rue Beauvoisine",
    "postal_code": "76000",
    "locality": "Rouen",
    "latitude": "49.444000",
    "longitude": "1.095000",
    "instructions": "Code 1234",
}


@pytest.fixture
def bakery(city):
    return collect_shop(city, name="Boulangerie Jeanne")


@pytest.fixture
def cheese(city):
    return delivery_shop(city, name="Fromagerie du Vieux-Marché")


@pytest.fixture
def baguette(bakery):
    return make_product(bakery, name="Baguette tradition", price=Decimal("1.30"), stock=10)


@pytest.fixture
def croissant(bakery):
    return make_product(
        bakery, name="Croissant", price=Decimal("1.15"), vat_rate=Decimal("10.00"), stock=6
    )


@pytest.fixture
def comte(cheese):
    return make_product(cheese, name="Comté 18 mois", price=Decimal("8.90"), stock=4)


@pytest.fixture
def filled(customer_api, baguette, croissant, comte, clock):
    """Anne's basket: 2 baguettes, 3 croissants (bakery), 2 comtés (cheese shop)."""
    for product, quantity in ((baguette, 2), (croissant, 3), (comte, 2)):
        response = customer_api.post(LINES, {"product_id": product.pk, "quantity": quantity})
        assert response.status_code == 200, response.json()
    return customer_api


def lines_of(body):
    return {
        line["product"]["id"]: line["quantity"] for part in body["shops"] for line in part["lines"]
    }


def basket_lines():
    return sorted(BasketLine.objects.values_list("product_id", "quantity"))


def choices(bakery, cheese, **cheese_address):
    return [
        {"shop_id": bakery.pk, "kind": "collect", "slot_starts_at": COLLECT_AT.isoformat()},
        {
            "shop_id": cheese.pk,
            "kind": "delivery",
            "slot_starts_at": DELIVER_AT.isoformat(),
            "address": ADDRESS | cheese_address,
        },
    ]


def expected(*lines):
    return [
        {"product_id": product.pk, "unit_price": str(price), "quantity": quantity}
        for product, price, quantity in lines
    ]


def checkout(api, body, key="key-1"):
    return api.post(CHECKOUT, body, **{"Idempotency-Key": key})


def stocks(*products):
    return [Product.objects.get(pk=p.pk).stock for p in products]


def assert_nothing_placed():
    assert Order.objects.count() == 0
    assert Checkout.objects.count() == 0
    assert SlotBooking.objects.filter(booked__gt=0).count() <= 1


# --- Basket ------------------------------------------------------------------------


def test_an_empty_basket_reads_as_empty(customer_api, city, clock):
    response = customer_api.get(BASKET)

    assert response.status_code == 200
    assert response.json() == {
        "city": "rouen",
        "shops": [],
        "subtotal": {"amount": "0.00", "currency": "EUR"},
        "item_count": 0,
        "can_be_ordered": False,
    }


def test_it_adds_to_the_basket_grouped_by_shop(customer_api, baguette, comte, clock):
    customer_api.post(LINES, {"product_id": baguette.pk, "quantity": 2})
    customer_api.post(LINES, {"product_id": baguette.pk})
    response = customer_api.post(LINES, {"product_id": comte.pk, "quantity": 2})

    assert response.status_code == 200
    body = response.json()
    assert lines_of(body) == {baguette.pk: 3, comte.pk: 2}
    assert [part["shop"]["id"] for part in body["shops"]] == [baguette.shop_id, comte.shop_id]
    bread = body["shops"][0]
    assert bread["lines"][0]["line_total"] == {"amount": "3.90", "currency": "EUR"}
    assert bread["subtotal"] == {"amount": "3.90", "currency": "EUR"}
    assert body["subtotal"] == {"amount": "21.70", "currency": "EUR"}
    assert body["item_count"] == 5
    assert customer_api.get(BASKET).json() == body


def test_it_sets_a_quantity_and_zero_takes_the_line_out(customer_api, baguette, comte, clock):
    customer_api.post(LINES, {"product_id": baguette.pk, "quantity": 2})

    set_five = customer_api.put(f"{LINES}/{baguette.pk}", {"quantity": 5})
    set_new = customer_api.put(f"{LINES}/{comte.pk}", {"quantity": 1})
    assert lines_of(set_five.json()) == {baguette.pk: 5}
    assert lines_of(set_new.json()) == {baguette.pk: 5, comte.pk: 1}

    zero = customer_api.put(f"{LINES}/{baguette.pk}", {"quantity": 0})

    assert zero.status_code == 200
    assert lines_of(zero.json()) == {comte.pk: 1}
    assert basket_lines() == [(comte.pk, 1)]


def test_it_removes_a_line(customer_api, baguette, comte, clock):
    customer_api.post(LINES, {"product_id": baguette.pk})
    customer_api.post(LINES, {"product_id": comte.pk})

    response = customer_api.delete(f"{LINES}/{baguette.pk}")

    assert response.status_code == 200
    assert lines_of(response.json()) == {comte.pk: 1}
    assert basket_lines() == [(comte.pk, 1)]


def test_removing_from_no_basket_creates_nothing(customer_api, baguette, clock):
    response = customer_api.delete(f"{LINES}/{baguette.pk}")

    assert response.status_code == 200
    assert response.json()["shops"] == []
    assert basket_lines() == []


def test_it_refuses_a_sold_out_product_with_409(customer_api, baguette, croissant, clock):
    customer_api.post(LINES, {"product_id": croissant.pk})
    Product.objects.filter(pk=baguette.pk).update(stock=0)
    Product.objects.filter(pk=croissant.pk).update(
        sold_out_until=timezone.now() + timedelta(hours=3)
    )

    for product in (baguette, croissant):
        response = customer_api.post(LINES, {"product_id": product.pk})
        assert_problem(response, 409, "sold_out")

    assert basket_lines() == [(croissant.pk, 1)]


def test_it_refuses_more_than_the_stock_with_409_and_the_shortfall(customer_api, baguette, clock):
    response = customer_api.post(LINES, {"product_id": baguette.pk, "quantity": 11})

    body = assert_problem(response, 409, "out_of_stock")
    assert body["shortfalls"] == [
        {"product_id": baguette.pk, "name": "Baguette tradition", "wanted": 11, "available": 10}
    ]
    assert basket_lines() == []


def test_it_refuses_a_paused_shops_product_with_409(customer_api, bakery, baguette, clock):
    bakery.is_paused = True
    bakery.save(update_fields=["is_paused"])

    response = customer_api.post(LINES, {"product_id": baguette.pk})

    assert_problem(response, 409, "shop_paused")
    assert basket_lines() == []


def test_it_refuses_a_product_of_another_city_with_the_domains_code(customer_api, city, clock):
    elsewhere = make_product(make_shop(make_city(slug="caen")), name="Teurgoule")

    added = customer_api.post(LINES, {"product_id": elsewhere.pk})
    put = customer_api.put(f"{LINES}/{elsewhere.pk}", {"quantity": 2})

    assert_problem(added, 422, "product_in_another_city")
    assert_problem(put, 422, "product_in_another_city")
    assert basket_lines() == []


def test_it_refuses_a_product_that_does_not_exist_or_is_withdrawn(customer_api, bakery, clock):
    withdrawn = make_product(bakery, is_active=False)

    assert_problem(customer_api.post(LINES, {"product_id": 999_999}), 422, "unknown_product")
    assert_problem(
        customer_api.post(LINES, {"product_id": withdrawn.pk}), 409, "product_not_on_sale"
    )
    assert basket_lines() == []


@pytest.mark.parametrize("quantity", [0, -1, 100, "beaucoup"])
def test_it_refuses_a_quantity_out_of_bounds(customer_api, baguette, quantity, clock):
    response = customer_api.post(LINES, {"product_id": baguette.pk, "quantity": quantity})

    body = assert_problem(response, 422, "invalid_input")
    assert body["errors"][0]["field"] == "quantity"
    assert basket_lines() == []


def test_a_basket_belongs_to_its_customer(customer_api, baguette, clock):
    customer_api.post(LINES, {"product_id": baguette.pk})
    other = ApiClient(token=token_for(make_user()))

    assert other.get(BASKET).json()["shops"] == []
    other.delete(f"{LINES}/{baguette.pk}")
    assert basket_lines() == [(baguette.pk, 1)]


# --- Checkout ----------------------------------------------------------------------


def test_checkout_places_one_order_per_shop(
    filled, customer, bakery, cheese, baguette, croissant, comte
):
    response = checkout(filled, {"choices": choices(bakery, cheese)})

    assert response.status_code == 201, response.json()
    body = response.json()
    bread, cheese_order = body["orders"]
    assert [bread["shop"]["id"], cheese_order["shop"]["id"]] == [bakery.pk, cheese.pk]
    assert bread["fulfilment"] == "collect"
    assert bread["state"] == "placed"
    assert bread["slot_starts_at"] == "2026-03-10T10:00:00+01:00"
    assert bread["total"] == {"amount": "6.05", "currency": "EUR"}
    assert [(line["product_id"], line["quantity"]) for line in bread["lines"]] == [
        (baguette.pk, 2),
        (croissant.pk, 3),
    ]
    assert len(bread["pickup_code"]) == 6
    assert cheese_order["fulfilment"] == "delivery"
    assert cheese_order["slot_starts_at"] == "2026-03-10T11:00:00+01:00"
    assert cheese_order["subtotal"] == {"amount": "17.80", "currency": "EUR"}
    assert cheese_order["delivery_fee"] == {"amount": "3.50", "currency": "EUR"}
    assert cheese_order["total"] == {"amount": "21.30", "currency": "EUR"}
    assert cheese_order["placed_at"] == "2026-03-10T09:00:00+01:00"
    orders = Order.objects.filter(customer=customer).order_by("shop__name")
    assert [o.number for o in orders] == [bread["number"], cheese_order["number"]]
    delivered = orders[1]
    assert delivered.delivery_line1 == "12 rue Beauvoisine"
    assert delivered.delivery_instructions == "Code 1234"
    assert delivered.contact_email == "anne@example.fr"
    assert delivered.contact_name == "Anne"
    assert stocks(baguette, croissant, comte) == [8, 3, 2]
    assert basket_lines() == []


def test_checkout_accepts_the_lines_as_they_were_seen(
    filled, bakery, cheese, baguette, croissant, comte
):
    seen = expected((baguette, "1.30", 2), (croissant, "1.15", 3), (comte, "8.90", 2))

    response = checkout(filled, {"choices": choices(bakery, cheese), "expected": seen})

    assert response.status_code == 201
    assert len(response.json()["orders"]) == 2


def test_checkout_refuses_a_changed_basket_and_lists_the_changes(
    filled, bakery, cheese, baguette, croissant, comte
):
    Product.objects.filter(pk=baguette.pk).update(price=Decimal("1.40"))
    seen = expected((baguette, "1.30", 2), (croissant, "1.15", 3), (comte, "8.90", 2))

    response = checkout(filled, {"choices": choices(bakery, cheese), "expected": seen})

    body = assert_problem(response, 409, "basket_changed")
    assert body["changes"] == [
        {
            "product_id": baguette.pk,
            "kind": "price",
            "name": "Baguette tradition",
            "old": "1.30",
            "new": "1.40",
        }
    ]
    assert_nothing_placed()
    assert stocks(baguette, croissant, comte) == [10, 6, 4]
    assert len(basket_lines()) == 3


def test_checkout_refuses_a_quantity_seen_differently(
    filled, bakery, cheese, baguette, croissant, comte
):
    seen = expected((baguette, "1.30", 1), (croissant, "1.15", 3), (comte, "8.90", 2))

    response = checkout(filled, {"choices": choices(bakery, cheese), "expected": seen})

    body = assert_problem(response, 409, "basket_changed")
    assert [c["product_id"] for c in body["changes"]] == [baguette.pk]
    assert_nothing_placed()


def test_checkout_refuses_a_full_slot_and_writes_nothing(
    filled, city, bakery, cheese, baguette, croissant, comte
):
    # The cheese shop has no delivery settings: the default 3 orders per slot.
    SlotBooking.objects.create(
        city=city, shop=cheese, kind="delivery", starts_at=DELIVER_AT, booked=3
    )

    response = checkout(filled, {"choices": choices(bakery, cheese)})

    assert_problem(response, 409, "slot_full")
    assert Order.objects.count() == 0
    assert list(SlotBooking.objects.values_list("kind", "booked")) == [("delivery", 3)]
    assert stocks(baguette, croissant, comte) == [10, 6, 4]
    assert len(basket_lines()) == 3


def test_checkout_refuses_an_address_outside_the_delivery_zone(
    filled, bakery, cheese, baguette, comte
):
    response = checkout(filled, {"choices": choices(bakery, cheese, latitude="49.900000")})

    assert_problem(response, 422, "outside_delivery_zone")
    assert_nothing_placed()
    assert stocks(baguette, comte) == [10, 4]


def test_checkout_needs_a_choice_for_every_shop(filled, bakery, cheese):
    response = checkout(filled, {"choices": choices(bakery, cheese)[:1]})

    assert_problem(response, 422, "fulfilment_choice_missing")
    assert_nothing_placed()


def test_checkout_refuses_an_empty_basket(customer_api, bakery, cheese, clock):
    response = checkout(customer_api, {"choices": choices(bakery, cheese)})

    assert_problem(response, 409, "empty_basket")
    assert_nothing_placed()


def test_checkout_refuses_a_slot_the_shop_does_not_offer(filled, bakery, cheese):
    body = {"choices": choices(bakery, cheese)}
    body["choices"][0]["slot_starts_at"] = (COLLECT_AT + timedelta(minutes=7)).isoformat()

    response = checkout(filled, body)

    assert_problem(response, 409, "slot_unavailable")
    assert_nothing_placed()


# --- My orders -----------------------------------------------------------------------


@pytest.fixture
def my_orders(customer, bakery):
    """Five orders of Anne, one a day from 1 March, and one of somebody else."""
    mine = [
        make_order(bakery, customer=customer, placed_at=NOW - timedelta(days=9 - n))
        for n in range(5)
    ]
    make_order(bakery, customer=make_user())
    return mine


def test_it_lists_my_orders_newest_first_in_pages(customer_api, my_orders, clock):
    numbers, cursor = [], None
    for _ in range(3):
        body = customer_api.get(
            "/api/v1/orders", {"page_size": 2} | ({"cursor": cursor} if cursor else {})
        ).json()
        numbers += [order["number"] for order in body["results"]]
        cursor = body["next"]

    assert cursor is None
    assert numbers == [order.number for order in reversed(my_orders)]


def test_it_shows_one_of_my_orders(customer_api, customer, bakery, clock):
    baguette = make_product(bakery, name="Baguette", price=Decimal("1.30"))
    order = make_order(bakery, customer=customer, lines=[(baguette, 3)])

    response = customer_api.get(f"/api/v1/orders/{order.number}")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == order.number
    assert body["shop"]["id"] == bakery.pk
    assert body["shop"]["city"] == "rouen"
    assert body["lines"] == [
        {
            "product_id": baguette.pk,
            "name": "Baguette",
            "quantity": 3,
            "unit_price": {"amount": "1.30", "currency": "EUR"},
            "line_total": {"amount": "3.90", "currency": "EUR"},
            "discount": {"amount": "0.00", "currency": "EUR"},
        }
    ]
    assert body["total"] == {"amount": "3.90", "currency": "EUR"}
    assert (body["discount"]["amount"], body["voucher_code"]) == ("0.00", None)


def test_another_customers_order_is_not_found(customer_api, bakery, clock):
    theirs = make_order(bakery, customer=make_user())

    shown = customer_api.get(f"/api/v1/orders/{theirs.number}")
    cancelled = customer_api.post(f"/api/v1/orders/{theirs.number}/cancel")

    assert_problem(shown, 404, "not_found")
    assert_problem(cancelled, 404, "not_found")
    assert Order.objects.get(pk=theirs.pk).state == OrderState.PLACED
    assert customer_api.get("/api/v1/orders").json()["results"] == []


def test_an_unknown_order_is_not_found(customer_api, clock):
    assert_problem(customer_api.get("/api/v1/orders/NOPE-1234"), 404, "not_found")


def test_i_can_cancel_my_order_before_the_shop_accepts_it(
    filled, customer, bakery, cheese, baguette, croissant, comte
):
    placed = checkout(filled, {"choices": choices(bakery, cheese)}).json()["orders"]
    number = placed[0]["number"]

    response = filled.post(f"/api/v1/orders/{number}/cancel")

    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    assert Order.objects.get(number=number).state == OrderState.CANCELLED
    assert stocks(baguette, croissant, comte) == [10, 6, 2]


def test_an_accepted_order_can_no_longer_be_cancelled(customer_api, customer, bakery, clock):
    order = make_order(bakery, customer=customer, state=OrderState.ACCEPTED)

    response = customer_api.post(f"/api/v1/orders/{order.number}/cancel")

    assert_problem(response, 409, "illegal_transition")
    assert Order.objects.get(pk=order.pk).state == OrderState.ACCEPTED


def test_customer_endpoints_need_a_token(anonymous, city, baguette, bakery, clock):
    order = make_order(bakery, customer=make_user())
    calls = [
        anonymous.get(BASKET),
        anonymous.post(LINES, {"product_id": baguette.pk}),
        anonymous.put(f"{LINES}/{baguette.pk}", {"quantity": 1}),
        anonymous.delete(f"{LINES}/{baguette.pk}"),
        anonymous.post(CHECKOUT, {"choices": []}, **{"Idempotency-Key": "k"}),
        anonymous.get("/api/v1/orders"),
        anonymous.get(f"/api/v1/orders/{order.number}"),
        anonymous.post(f"/api/v1/orders/{order.number}/cancel"),
    ]

    for response in calls:
        assert_problem(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == 'Bearer realm="comptoir"'
    assert Order.objects.get(pk=order.pk).state == OrderState.PLACED
    assert basket_lines() == []


def test_an_order_number_with_a_nul_character_is_not_found(customer_api, customer, bakery, clock):
    # PostgreSQL refuses NUL in a query: without care this was a 500.
    order = make_order(bakery, customer=customer)

    assert_problem(customer_api.get(f"/api/v1/orders/{order.number}%00"), 404, "not_found")
    assert_problem(customer_api.post("/api/v1/orders/%00/cancel"), 404, "not_found")
    assert Order.objects.get(pk=order.pk).state == OrderState.PLACED


# --- Vouchers at checkout -------------------------------------------------------------


@pytest.fixture
def voucher(customer, bakery):
    from comptoir.domain.deals.services import voucher_claim
    from tests.domain.deals.support import make_deal

    deal = make_deal(
        bakery,
        title="20 % off",
        percent=20,
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=5),
    )
    return voucher_claim(deal=deal, customer=customer, now=NOW)


def test_the_basket_shows_the_discount_of_my_best_voucher_and_the_vat_on_what_is_paid(
    filled, voucher, bakery, cheese
):
    body = filled.get(BASKET).json()

    bread, cheese_part = body["shops"]
    assert bread["subtotal"] == {"amount": "6.05", "currency": "EUR"}
    assert bread["discount"] == {"amount": "1.21", "currency": "EUR"}
    assert bread["voucher_code"] == voucher.code
    # 2.08 at 5.5 % (0.11) and 2.76 at 10 % (0.25); 0.32 + 0.31 without the voucher.
    assert bread["vat"] == {"amount": "0.36", "currency": "EUR"}
    assert (cheese_part["discount"]["amount"], cheese_part["voucher_code"]) == ("0.00", None)


def test_the_basket_says_why_a_voucher_is_not_used(filled, customer, bakery, clock):
    from comptoir.domain.deals.services import voucher_claim
    from tests.domain.deals.support import make_deal

    pain = make_product(bakery, name="Pain au chocolat")
    deal = make_deal(
        bakery,
        title="Chocolate",
        whole_shop=False,
        products=[pain],
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=5),
    )
    voucher = voucher_claim(deal=deal, customer=customer, now=NOW)

    bread = filled.get(BASKET).json()["shops"][0]

    assert bread["discount"]["amount"] == "0.00"
    assert bread["vouchers_not_used"] == [
        {
            "code": voucher.code,
            "title": "Chocolate",
            "reason": "it does not cover the products in your basket.",
        }
    ]


def test_checkout_applies_my_voucher_and_the_order_shows_it(
    filled, voucher, bakery, cheese, baguette
):
    seen = [{"shop_id": bakery.pk, "voucher_code": voucher.code, "discount": "1.21"}]

    response = checkout(filled, {"choices": choices(bakery, cheese), "expected_discounts": seen})

    assert response.status_code == 201, response.json()
    bread = response.json()["orders"][0]
    assert bread["subtotal"]["amount"] == "6.05"
    assert bread["discount"] == {"amount": "1.21", "currency": "EUR"}
    assert bread["voucher_code"] == voucher.code
    assert bread["total"]["amount"] == "4.84"
    assert [line["discount"]["amount"] for line in bread["lines"]] == ["0.52", "0.69"]
    detail = filled.get(f"/api/v1/orders/{bread['number']}").json()
    assert (detail["discount"]["amount"], detail["voucher_code"]) == ("1.21", voucher.code)


def test_checkout_refuses_a_discount_that_changed_with_409_and_orders_nothing(
    filled, voucher, bakery, cheese
):
    from comptoir.domain.deals.services import voucher_redeem

    voucher_redeem(code=voucher.code, shop=bakery, now=NOW)  # used at the counter meanwhile
    seen = [{"shop_id": bakery.pk, "voucher_code": voucher.code, "discount": "1.21"}]

    response = checkout(filled, {"choices": choices(bakery, cheese), "expected_discounts": seen})

    body = assert_problem(response, 409, "voucher_changed")
    assert "already used" in body["detail"]
    assert_nothing_placed()
    assert len(basket_lines()) == 3


def test_cancelling_my_order_gives_my_voucher_back(filled, voucher, bakery, cheese):
    from comptoir.domain.deals.models import Voucher

    placed = checkout(filled, {"choices": choices(bakery, cheese)}).json()["orders"]

    response = filled.post(f"/api/v1/orders/{placed[0]['number']}/cancel")

    assert response.status_code == 200
    back = Voucher.objects.select_related("deal").get(pk=voucher.pk)
    assert (back.redeemed_at, back.order_id, back.deal.redeemed_count) == (None, None, 0)
    assert filled.get(BASKET).json()["shops"] == []
