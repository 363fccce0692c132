"""Shop endpoints with a shop token: the desk's actions, products, pause, and who may do what."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.domain.catalogue.models import Product
from comptoir.domain.orders.models import Order, OrderState
from comptoir.domain.shops.models import Membership, Role, Shop
from tests.domain.orders.desk_support import place_orders
from tests.domain.orders.support import COLLECT_AT, NOW, make_scene
from tests.factories import make_membership, make_order, make_product, make_user
from tests.interfaces.api.conftest import ApiClient, token_for
from tests.interfaces.api.support import assert_problem, clock

pytestmark = pytest.mark.django_db

__all__ = ["clock"]  # the fixture, imported for this module's tests

ORDERS = "/api/v1/shop/orders"


@pytest.fixture
def scene(city):
    return make_scene(city)


@pytest.fixture
def shop(scene):
    """The bakery: `owner_api` and `staff_api` (tests/interfaces/api/conftest.py) act in it."""
    return scene.bakery


@pytest.fixture
def orders(scene):
    """(bread: collected at the bakery at 10:00; cheese: delivered by the cheese shop at 11:00)."""
    return place_orders(scene)


@pytest.fixture
def bread(orders):
    return orders[0]


@pytest.fixture
def cheese(orders):
    return orders[1]


@pytest.fixture
def cheese_api(scene):
    user = make_user(email="fromager@example.fr")
    make_membership(scene.cheese, user, role=Role.STAFF)
    return ApiClient(token=token_for(user, scene.cheese))


def state_of(order):
    return Order.objects.get(pk=order.pk).state


def local(moment, order):
    return moment.astimezone(order.city.zone).isoformat()


# --- The shop and its orders -------------------------------------------------------------


def test_it_says_which_shop_the_token_acts_in(staff_api, shop, clock):
    response = staff_api.get("/api/v1/shop")

    assert response.status_code == 200
    assert response.json() == {
        "id": shop.pk,
        "slug": shop.slug,
        "city": "rouen",
        "name": "Boulangerie Jeanne",
        "role": "staff",
        "orders_paused": False,
        "paused_until": None,
    }


def test_staff_list_their_shops_orders_only(staff_api, bread, cheese, clock):
    response = staff_api.get(ORDERS)

    assert response.status_code == 200
    body = response.json()
    assert [o["number"] for o in body["results"]] == [bread.number]
    assert body["next"] is None
    listed = body["results"][0]
    assert listed["contact_name"] == "Camille Martin"
    assert listed["delivery_address"] is None
    assert listed["pickup_code"] == bread.pickup_code
    assert listed["state"] == "placed"


def test_it_filters_the_orders_by_state_and_slot_day(staff_api, shop, bread, clock):
    tomorrow = make_order(
        shop, slot_starts_at=COLLECT_AT + timedelta(days=1), placed_at=NOW - timedelta(hours=1)
    )
    accepted = make_order(
        shop,
        state=OrderState.ACCEPTED,
        slot_starts_at=COLLECT_AT,
        placed_at=NOW - timedelta(hours=2),
    )

    def numbers(**params):
        response = staff_api.get(ORDERS, params)
        assert response.status_code == 200
        return [o["number"] for o in response.json()["results"]]

    assert numbers() == [bread.number, tomorrow.number, accepted.number]
    assert numbers(state="placed") == [bread.number, tomorrow.number]
    assert numbers(state="accepted") == [accepted.number]
    assert numbers(day="2026-03-10") == [bread.number, accepted.number]
    assert numbers(day="2026-03-11", state="placed") == [tomorrow.number]
    assert numbers(day="2026-03-12") == []
    assert_problem(staff_api.get(ORDERS, {"state": "lost"}), 422, "invalid_input")
    assert_problem(staff_api.get(ORDERS, {"day": "mardi"}), 422, "invalid_input")


def test_it_pages_the_orders(staff_api, shop, clock):
    made = [make_order(shop, placed_at=NOW - timedelta(minutes=n)) for n in range(5)]

    first = staff_api.get(ORDERS, {"page_size": 3}).json()
    second = staff_api.get(ORDERS, {"page_size": 3, "cursor": first["next"]}).json()

    listed = [o["number"] for o in first["results"] + second["results"]]
    assert listed == [order.number for order in made]
    assert second["next"] is None
    assert_problem(staff_api.get(ORDERS, {"cursor": "rubbish"}), 422, "invalid_cursor")


def test_it_shows_one_order_with_the_contact(cheese_api, cheese, clock):
    response = cheese_api.get(f"{ORDERS}/{cheese.number}")

    assert response.status_code == 200
    body = response.json()
    assert body["delivery_address"] == "12 rue Beauvoisine, 76000 Rouen"
    assert body["delivery_instructions"] == "Code 1234"
    assert body["contact_phone"] == "+33612345678"
    assert body["fulfilment"] == "delivery"


def test_staff_accept_with_the_default_ready_by(staff_api, bread, clock):
    response = staff_api.post(f"{ORDERS}/{bread.number}/accept", {})

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "accepted"
    # The slot's start: later than 9:00 plus the preparation time.
    assert body["ready_by"] == "2026-03-10T10:00:00+01:00"
    assert Order.objects.get(pk=bread.pk).ready_by == COLLECT_AT


def test_staff_accept_with_their_own_ready_by(staff_api, bread, clock):
    ready_by = COLLECT_AT + timedelta(minutes=10)

    response = staff_api.post(f"{ORDERS}/{bread.number}/accept", {"ready_by": ready_by.isoformat()})

    assert response.status_code == 200
    assert response.json()["ready_by"] == "2026-03-10T10:10:00+01:00"
    assert Order.objects.get(pk=bread.pk).ready_by == ready_by


@pytest.mark.parametrize(
    "ready_by",
    [
        (COLLECT_AT + timedelta(hours=1)).isoformat(),  # after the slot's end
        (NOW - timedelta(hours=1)).isoformat(),  # in the past
        "2026-03-10T10:05:00",  # no offset: which 10:05?
    ],
)
def test_it_refuses_an_impossible_ready_by(staff_api, bread, ready_by, clock):
    response = staff_api.post(f"{ORDERS}/{bread.number}/accept", {"ready_by": ready_by})

    body = assert_problem(response, 422, "ready_by_invalid")
    assert "10:15" in body["detail"]
    assert state_of(bread) == OrderState.PLACED


def test_an_order_cannot_be_accepted_twice(staff_api, bread, clock):
    staff_api.post(f"{ORDERS}/{bread.number}/accept", {})

    assert_problem(staff_api.post(f"{ORDERS}/{bread.number}/accept", {}), 409, "illegal_transition")


def test_staff_refuse_with_a_reason(staff_api, scene, bread, clock):
    response = staff_api.post(f"{ORDERS}/{bread.number}/refuse", {"reason": "Plus de pâte"})

    assert response.status_code == 200
    assert response.json()["state"] == "refused"
    assert state_of(bread) == OrderState.REFUSED
    # The stock held by the order goes back.
    assert Product.objects.get(pk=scene.baguette.pk).stock == 10


@pytest.mark.parametrize(
    ("body", "code"), [({}, "invalid_input"), ({"reason": "  "}, "refusal_reason_required")]
)
def test_a_refusal_needs_a_reason(staff_api, bread, body, code, clock):
    response = staff_api.post(f"{ORDERS}/{bread.number}/refuse", body)

    assert_problem(response, 422, code)
    assert state_of(bread) == OrderState.PLACED


def test_a_collect_order_goes_ready_then_handed_over_with_the_right_code(staff_api, bread, clock):
    staff_api.post(f"{ORDERS}/{bread.number}/accept", {})

    ready = staff_api.post(f"{ORDERS}/{bread.number}/ready")
    wrong = staff_api.post(f"{ORDERS}/{bread.number}/hand-over", {"pickup_code": "AAAAAA"})
    assert ready.json()["state"] == "ready"
    assert_problem(wrong, 422, "wrong_pickup_code")
    assert state_of(bread) == OrderState.READY

    code = bread.pickup_code.lower()  # as the customer reads it out
    handed = staff_api.post(f"{ORDERS}/{bread.number}/hand-over", {"pickup_code": code})

    assert handed.status_code == 200
    assert handed.json()["state"] == "collected"
    assert state_of(bread) == OrderState.COLLECTED


def test_a_delivery_order_is_sent_out_then_delivered(cheese_api, cheese, clock):
    cheese_api.post(f"{ORDERS}/{cheese.number}/accept", {})
    cheese_api.post(f"{ORDERS}/{cheese.number}/ready")

    not_collected = cheese_api.post(
        f"{ORDERS}/{cheese.number}/hand-over", {"pickup_code": cheese.pickup_code}
    )
    sent = cheese_api.post(f"{ORDERS}/{cheese.number}/send-out")
    assert_problem(not_collected, 422, "not_a_collection")
    assert sent.json()["state"] == "out_for_delivery"

    delivered = cheese_api.post(f"{ORDERS}/{cheese.number}/delivered")

    assert delivered.status_code == 200
    assert delivered.json()["state"] == "delivered"
    assert state_of(cheese) == OrderState.DELIVERED


def test_a_collect_order_is_never_sent_out(staff_api, bread, clock):
    staff_api.post(f"{ORDERS}/{bread.number}/accept", {})

    assert_problem(staff_api.post(f"{ORDERS}/{bread.number}/send-out"), 422, "not_a_delivery")
    assert state_of(bread) == OrderState.ACCEPTED


def test_another_shops_order_is_not_found_and_nothing_changes(staff_api, owner_api, cheese, clock):
    number = cheese.number
    calls = [
        ("get", f"{ORDERS}/{number}", None),
        ("post", f"{ORDERS}/{number}/accept", {}),
        ("post", f"{ORDERS}/{number}/refuse", {"reason": "Non"}),
        ("post", f"{ORDERS}/{number}/ready", None),
        ("post", f"{ORDERS}/{number}/hand-over", {"pickup_code": cheese.pickup_code}),
        ("post", f"{ORDERS}/{number}/send-out", None),
        ("post", f"{ORDERS}/{number}/delivered", None),
    ]

    for api in (staff_api, owner_api):
        for method, path, body in calls:
            response = api.get(path) if method == "get" else api.post(path, body)
            assert_problem(response, 404, "order_not_found")
        listed = [o["number"] for o in api.get(ORDERS).json()["results"]]
        assert number not in listed
    refreshed = Order.objects.get(pk=cheese.pk)
    assert refreshed.state == OrderState.PLACED
    assert refreshed.ready_by is None


def test_an_unknown_order_is_not_found(staff_api, clock):
    assert_problem(staff_api.get(f"{ORDERS}/NOPE-0000"), 404, "order_not_found")


# --- Products -------------------------------------------------------------------------------


def product_url(product):
    return f"/api/v1/shop/products/{product.pk}"


def test_staff_list_every_product_of_their_shop(staff_api, scene, clock):
    withdrawn = make_product(scene.bakery, name="Retirée", is_active=False)

    response = staff_api.get("/api/v1/shop/products")

    assert response.status_code == 200
    assert sorted(p["id"] for p in response.json()) == sorted(
        [scene.baguette.pk, scene.croissant.pk, withdrawn.pk]
    )


def test_staff_change_the_stock_and_sold_out_today(staff_api, scene, clock):
    baguette = scene.baguette

    counted = staff_api.patch(product_url(baguette), {"stock": 3})
    sold_out = staff_api.patch(product_url(baguette), {"sold_out_today": True})

    assert counted.json()["stock"] == 3
    assert sold_out.status_code == 200
    assert sold_out.json()["available"] is False
    sold_out_until = Product.objects.get(pk=baguette.pk).sold_out_until
    assert sold_out_until is not None
    assert sold_out_until > NOW

    back = staff_api.patch(product_url(baguette), {"sold_out_today": False})
    made_to_order = staff_api.patch(product_url(baguette), {"made_to_order": True})

    assert back.json()["available"] is True
    assert made_to_order.json()["stock"] is None
    assert Product.objects.get(pk=baguette.pk).sold_out_until is None


def test_staff_cannot_change_a_price_and_nothing_changes(staff_api, scene, clock):
    baguette = scene.baguette

    response = staff_api.patch(product_url(baguette), {"price": "2.00", "stock": 1})

    assert_problem(response, 403, "not_allowed_in_shop")
    refreshed = Product.objects.get(pk=baguette.pk)
    assert refreshed.price == Decimal("1.30")
    assert refreshed.stock == 10


def test_owners_change_a_price(owner_api, scene, clock):
    response = owner_api.patch(product_url(scene.baguette), {"price": "1.45"})

    assert response.status_code == 200
    assert response.json()["price"] == {"amount": "1.45", "currency": "EUR"}
    assert Product.objects.get(pk=scene.baguette.pk).price == Decimal("1.45")


@pytest.mark.parametrize(
    "body", [{"price": "0"}, {"price": "-1"}, {"stock": -1}, {"price": "1.234"}]
)
def test_it_refuses_an_impossible_price_or_stock(owner_api, scene, body, clock):
    response = owner_api.patch(product_url(scene.baguette), body)

    assert_problem(response, 422, "invalid_input")
    refreshed = Product.objects.get(pk=scene.baguette.pk)
    assert (refreshed.price, refreshed.stock) == (Decimal("1.30"), 10)


def test_another_shops_product_is_not_found(staff_api, owner_api, scene, clock):
    comte = scene.comte

    for api in (staff_api, owner_api):
        response = api.patch(product_url(comte), {"stock": 0, "sold_out_today": True})
        assert_problem(response, 404, "product_not_in_shop")
    owned = owner_api.patch(product_url(comte), {"price": "1.00"})
    assert_problem(owned, 404, "product_not_in_shop")
    refreshed = Product.objects.get(pk=comte.pk)
    assert (refreshed.stock, refreshed.price, refreshed.sold_out_until) == (
        4,
        Decimal("8.90"),
        None,
    )


# --- Pause -------------------------------------------------------------------------------


def test_staff_cannot_pause_the_shop(staff_api, shop, clock):
    for path in ("/api/v1/shop/pause", "/api/v1/shop/resume"):
        assert_problem(staff_api.post(path, {}), 403, "not_allowed_in_shop")
    refreshed = Shop.objects.get(pk=shop.pk)
    assert refreshed.is_paused is False
    assert refreshed.paused_until is None


def test_owners_pause_and_resume(owner_api, shop, clock):
    paused = owner_api.post("/api/v1/shop/pause", {})

    assert paused.status_code == 200
    assert paused.json()["orders_paused"] is True
    assert Shop.objects.get(pk=shop.pk).is_paused is True

    resumed = owner_api.post("/api/v1/shop/resume")

    assert resumed.json()["orders_paused"] is False
    assert Shop.objects.get(pk=shop.pk).is_paused is False


def test_owners_pause_until_a_time(owner_api, shop, clock):
    until = NOW + timedelta(days=3650)  # orders_paused compares with the real clock

    response = owner_api.post("/api/v1/shop/pause", {"until": until.isoformat()})

    assert response.status_code == 200
    assert response.json()["paused_until"] == until.astimezone(shop.city.zone).isoformat()
    assert response.json()["orders_paused"] is True
    assert Shop.objects.get(pk=shop.pk).paused_until == until


@pytest.mark.parametrize(
    ("until", "code"),
    [
        ((NOW - timedelta(minutes=1)).isoformat(), "pause_in_the_past"),
        ("2036-03-10T12:00:00", "invalid_input"),  # no offset: which noon?
    ],
)
def test_it_refuses_a_pause_ending_in_the_past_or_without_offset(
    owner_api, shop, until, code, clock
):
    response = owner_api.post("/api/v1/shop/pause", {"until": until})

    assert_problem(response, 422, code)
    refreshed = Shop.objects.get(pk=shop.pk)
    assert (refreshed.is_paused, refreshed.paused_until) == (False, None)


# --- Tokens and memberships -------------------------------------------------------------


def test_a_shop_token_is_refused_on_customer_endpoints(staff_api, bread, clock):
    calls = [
        staff_api.get("/api/v1/cities/rouen/basket"),
        staff_api.post("/api/v1/cities/rouen/basket/lines", {"product_id": 1}),
        staff_api.get("/api/v1/orders"),
        staff_api.post(f"/api/v1/orders/{bread.number}/cancel"),
    ]

    for response in calls:
        assert_problem(response, 403, "token_scope_mismatch")
    assert state_of(bread) == OrderState.PLACED


def test_a_customer_token_is_refused_on_shop_endpoints(scene, bread, clock):
    # Even a customer token of a member of the shop: the token says in which capacity.
    owner = make_user()
    make_membership(scene.bakery, owner, role=Role.OWNER)
    api = ApiClient(token=token_for(owner))
    calls = [
        api.get("/api/v1/shop"),
        api.get(ORDERS),
        api.post(f"{ORDERS}/{bread.number}/accept", {}),
        api.patch(product_url(scene.baguette), {"stock": 0}),
        api.post("/api/v1/shop/pause", {}),
    ]

    for response in calls:
        assert_problem(response, 403, "token_scope_mismatch")
    assert state_of(bread) == OrderState.PLACED
    assert Product.objects.get(pk=scene.baguette.pk).stock == 8
    assert Shop.objects.get(pk=scene.bakery.pk).is_paused is False


def test_shop_endpoints_need_a_token(anonymous, bread, clock):
    for response in (
        anonymous.get("/api/v1/shop"),
        anonymous.get(ORDERS),
        anonymous.post(f"{ORDERS}/{bread.number}/accept", {}),
        anonymous.post("/api/v1/shop/pause", {}),
    ):
        assert_problem(response, 401, "not_authenticated")
    assert state_of(bread) == OrderState.PLACED


def test_a_member_removed_from_the_shop_is_out_at_once(staff_api, shop, bread, clock):
    assert staff_api.get(ORDERS).status_code == 200

    Membership.objects.filter(shop=shop, role=Role.STAFF).delete()

    assert_problem(staff_api.get(ORDERS), 403, "token_scope_mismatch")
    assert_problem(
        staff_api.post(f"{ORDERS}/{bread.number}/accept", {}), 403, "token_scope_mismatch"
    )
    assert state_of(bread) == OrderState.PLACED


def test_an_owner_made_staff_loses_the_owners_rights_at_once(owner_api, shop, scene, clock):
    assert owner_api.patch(product_url(scene.baguette), {"price": "1.40"}).status_code == 200
    Membership.objects.filter(shop=shop, role=Role.OWNER).update(role=Role.STAFF)

    response = owner_api.patch(product_url(scene.baguette), {"price": "1.50"})

    assert_problem(response, 403, "not_allowed_in_shop")
    assert Product.objects.get(pk=scene.baguette.pk).price == Decimal("1.40")


def test_a_token_acts_in_its_own_shop_only(scene, bread, clock):
    # A member of both shops with a token of the cheese shop sees the cheese shop's orders only.
    user = make_user()
    make_membership(scene.bakery, user, role=Role.OWNER)
    make_membership(scene.cheese, user, role=Role.STAFF)
    api = ApiClient(token=token_for(user, scene.cheese))

    assert_problem(api.post(f"{ORDERS}/{bread.number}/accept", {}), 404, "order_not_found")
    assert_problem(
        api.patch(product_url(scene.baguette), {"price": "9"}), 404, "product_not_in_shop"
    )
    assert api.get("/api/v1/shop").json()["id"] == scene.cheese.pk
    assert state_of(bread) == OrderState.PLACED


# --- Input that must never reach the database as is -------------------------------------


def test_an_order_number_with_a_nul_character_is_not_found(staff_api, bread, clock):
    # PostgreSQL refuses NUL in a query: without care this was a 500.
    for path in (f"{ORDERS}/{bread.number}%00", f"{ORDERS}/%00/accept"):
        response = staff_api.get(path) if path.endswith("%00") else staff_api.post(path, {})
        assert_problem(response, 404, "order_not_found")
    assert state_of(bread) == OrderState.PLACED


@pytest.mark.parametrize(
    ("action", "body"),
    [("refuse", {"reason": "Plus de pâte\x00"}), ("hand-over", {"pickup_code": "\x00"})],
)
def test_text_with_a_nul_character_is_an_invalid_input(staff_api, bread, action, body, clock):
    response = staff_api.post(f"{ORDERS}/{bread.number}/{action}", body)

    problem = assert_problem(response, 422, "invalid_input")
    assert problem["errors"][0]["field"] == next(iter(body))
    assert state_of(bread) == OrderState.PLACED


def test_a_pause_end_that_cannot_be_stored_is_an_invalid_input(owner_api, shop, clock):
    # Past year 9999 once in UTC: without care this was a 500.
    response = owner_api.post("/api/v1/shop/pause", {"until": "9999-12-31T23:59:59-14:00"})

    body = assert_problem(response, 422, "invalid_input")
    assert body["errors"][0]["field"] == "until"
    assert Shop.objects.get(pk=shop.pk).paused_until is None


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_out_of_range_is_an_invalid_input(staff_api, day, clock):
    # The day's bounds in city time overflowed: without care this was a 500.
    body = assert_problem(staff_api.get(ORDERS, {"day": day}), 422, "invalid_input")
    assert body["errors"][0]["field"] == "query.day"
