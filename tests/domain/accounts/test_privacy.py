"""GDPR: a customer's export holds all their data and nobody else's; deletion keeps the books."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from comptoir.domain.accounts.errors import (
    AccountHasOpenOrders,
    AccountIsLastShopOwner,
    OperatorAccountNotDeletable,
)
from comptoir.domain.accounts.models import Address, LoginLink, LoginThrottle, User
from comptoir.domain.accounts.privacy import (
    account_delete,
    account_export,
    guest_data_anonymise,
    guest_data_export,
)
from comptoir.domain.accounts.services import address_add, login_link_request, user_register
from comptoir.domain.accounts.throttle import login_failure_record
from comptoir.domain.deals.digest import digest_subscribe
from comptoir.domain.deals.models import DigestSubscription
from comptoir.domain.deals.services import voucher_claim
from comptoir.domain.notifications.models import PushDelivery, PushSubscription
from comptoir.domain.orders.desk import (
    default_ready_by,
    order_accept,
    order_hand_over,
    order_mark_delivered,
    order_mark_ready,
    order_send_out,
)
from comptoir.domain.orders.models import Basket, Checkout, Order, OrderEvent, OrderLine
from comptoir.domain.orders.sales import best_sellers, daily_revenue, sales_overview
from comptoir.domain.shops.models import Membership, Role, Shop
from tests.domain.deals.support import make_deal
from tests.domain.orders.desk_support import place_orders
from tests.domain.orders.support import NOW, PARIS, Scene, make_scene
from tests.factories import make_membership, make_order, make_shop, make_user

pytestmark = pytest.mark.django_db

LATER = NOW + timedelta(hours=3)
ENDPOINT = "https://fcm.googleapis.com/fcm/send/secret-device-id"
P256DH = "B" + "x" * 86
AUTH = "a" * 22


def close_orders(scene: Scene) -> tuple[Order, Order]:
    """Place the scene's basket and see both orders through: bread collected, cheese delivered."""
    bread, cheese = place_orders(scene)
    baker = make_membership(scene.bakery, role=Role.OWNER).user
    cheesemonger = make_membership(scene.cheese, role=Role.OWNER).user
    for order, actor in ((bread, baker), (cheese, cheesemonger)):
        order_accept(order=order, actor=actor, ready_by=default_ready_by(order, NOW), now=NOW)
        order_mark_ready(order=order, actor=actor, now=NOW + timedelta(minutes=20))
    order_hand_over(order=bread, actor=baker, pickup_code=bread.pickup_code, now=LATER)
    order_send_out(order=cheese, actor=cheesemonger, now=NOW + timedelta(minutes=30))
    order_mark_delivered(order=cheese, actor=cheesemonger, now=LATER)
    bread.refresh_from_db()
    cheese.refresh_from_db()
    return bread, cheese


@pytest.fixture
def scene(city) -> Scene:
    return make_scene(city)


@pytest.fixture
def home(scene) -> Address:
    return address_add(
        user=scene.customer,
        label="Maison",
        recipient="Camille Martin",
        line1="12 rue Beauvoisine",
        postal_code="76000",
        locality="Rouen",
        instructions="Code 1234",
        latitude=Decimal("49.444000"),
        longitude=Decimal("1.095000"),
    )


@pytest.fixture
def other(city):
    """Another customer, with an order and an address of their own."""
    dominique = make_user(email="dominique@example.fr", first_name="Dominique")
    address_add(
        user=dominique,
        recipient="Dominique Leroy",
        line1="1 quai du Havre",
        postal_code="76000",
        locality="Rouen",
    )
    order = make_order(
        make_shop(city),
        customer=dominique,
        contact_name="Dominique Leroy",
        contact_email="dominique@example.fr",
        state="collected",
    )
    return dominique, order


def _at(moment) -> str:
    return moment.astimezone(PARIS).isoformat()


# --- export ---------------------------------------------------------------------


def test_the_export_holds_the_profile_addresses_and_both_orders_exactly(scene, home):
    bread, cheese = close_orders(scene)
    customer = User.objects.get(pk=scene.customer.pk)
    customer.last_name, customer.phone = "Martin", "+33612345678"
    customer.save()

    data = account_export(user=customer, now=LATER)

    assert data["format"] == 1
    assert data["exported_at"] == "2026-03-10T12:00:00+01:00"
    assert data["profile"] == {
        "email": "camille@example.fr",
        "first_name": "Camille",
        "last_name": "Martin",
        "phone": "+33612345678",
        "language": "fr",
        "date_joined": _at(customer.date_joined),
        "last_login": None,
    }
    assert data["addresses"] == [
        {
            "label": "Maison",
            "recipient": "Camille Martin",
            "line1": "12 rue Beauvoisine",
            "line2": "",
            "postal_code": "76000",
            "locality": "Rouen",
            "instructions": "Code 1234",
            "latitude": "49.444000",
            "longitude": "1.095000",
            "is_default": True,
            "created_at": _at(home.created_at),
        }
    ]
    contact = {"name": "Camille Martin", "email": "camille@example.fr", "phone": "+33612345678"}
    bread_data, cheese_data = sorted(data["orders"], key=lambda o: o["shop"]["name"])
    assert bread_data == {
        "number": bread.number,
        "shop": {"name": "Boulangerie Jeanne", "slug": scene.bakery.slug, "city": "Rouen"},
        "placed_at": "2026-03-10T09:00:00+01:00",
        "state": "collected",
        "fulfilment": "collect",
        "slot": {"starts_at": "2026-03-10T10:00:00+01:00", "ends_at": _at(bread.slot_ends_at)},
        "ready_by": _at(bread.ready_by),
        "contact": contact,
        "delivery_address": None,
        "currency": "EUR",
        "lines": [
            {
                "product": "Baguette tradition",
                "unit": "piece",
                "unit_price": "1.30",
                "vat_rate": "5.50",
                "quantity": 2,
                "line_total": "2.60",
                "discount": "0.00",
            },
            {
                "product": "Croissant",
                "unit": "piece",
                "unit_price": "1.15",
                "vat_rate": "10.00",
                "quantity": 3,
                "line_total": "3.45",
                "discount": "0.00",
            },
        ],
        "subtotal": "6.05",
        "discount": "0.00",
        "voucher": None,
        "delivery_fee": "0.00",
        "total": "6.05",
        "payment_method": "at_shop",
        "payment_state": "unpaid",
        "events": [
            {"at": "2026-03-10T09:00:00+01:00", "from_state": "", "to_state": "placed",
             "by": "you", "reason": ""},
            {"at": "2026-03-10T09:00:00+01:00", "from_state": "placed", "to_state": "accepted",
             "by": "shop", "reason": ""},
            {"at": "2026-03-10T09:20:00+01:00", "from_state": "accepted", "to_state": "ready",
             "by": "shop", "reason": ""},
            {"at": "2026-03-10T12:00:00+01:00", "from_state": "ready", "to_state": "collected",
             "by": "shop", "reason": ""},
        ],
    }  # fmt: skip
    assert cheese_data["number"] == cheese.number
    assert cheese_data["fulfilment"] == "delivery"
    assert cheese_data["state"] == "delivered"
    assert cheese_data["delivery_address"] == {
        "recipient": "Camille Martin",
        "line1": "12 rue Beauvoisine",
        "line2": "",
        "postal_code": "76000",
        "locality": "Rouen",
        "instructions": "Code 1234",
        "latitude": "49.444000",
        "longitude": "1.095000",
    }
    assert cheese_data["lines"] == [
        {
            "product": "Comté 18 mois",
            "unit": "piece",
            "unit_price": "8.90",
            "vat_rate": "5.50",
            "quantity": 2,
            "line_total": "17.80",
            "discount": "0.00",
        }
    ]
    assert (cheese_data["subtotal"], cheese_data["delivery_fee"], cheese_data["total"]) == (
        "17.80",
        "3.50",
        "21.30",
    )
    assert [e["to_state"] for e in cheese_data["events"]] == [
        "placed",
        "accepted",
        "ready",
        "out_for_delivery",
        "delivered",
    ]
    assert data["checkouts"] == [
        {
            "created_at": "2026-03-10T09:00:00+01:00",
            "contact": contact,
            "orders": sorted([bread.number, cheese.number]),
        }
    ]
    assert data["consents"]["recorded"] is False
    json.dumps(data)  # JSON-ready as it is


def test_the_export_lists_subscriptions_memberships_and_links_without_their_secrets(scene):
    customer = scene.customer
    PushSubscription.objects.create(
        user=customer, endpoint=ENDPOINT, p256dh=P256DH, auth=AUTH, created_at=NOW
    )
    shop = make_shop(scene.city, name="Primeur Lucie")
    Membership.objects.create(user=customer, shop=shop, role=Role.STAFF)
    link = login_link_request(email=customer.email, now=NOW, link_url=lambda token: token)
    assert link is not None

    data = account_export(user=customer, now=LATER)

    assert data["push_subscriptions"] == [
        {
            "service": "fcm.googleapis.com",
            "for": "my orders",
            "shop": None,
            "created_at": "2026-03-10T09:00:00+01:00",
            "last_delivered_at": None,
        }
    ]
    assert [(m["shop"], m["city"], m["role"]) for m in data["shop_memberships"]] == [
        ("Primeur Lucie", "Rouen", "staff")
    ]
    assert data["login_links"] == [
        {
            "created_at": "2026-03-10T09:00:00+01:00",
            "expires_at": "2026-03-10T09:15:00+01:00",
            "used_at": None,
        }
    ]
    text = json.dumps(data)
    for secret in (link.token_hash, customer.password, ENDPOINT, P256DH, AUTH, "secret-device"):
        assert secret not in text


def test_the_export_holds_nothing_of_another_customer(scene, home, other):
    close_orders(scene)
    _, their_order = other

    text = json.dumps(account_export(user=scene.customer, now=LATER))

    for theirs in ("dominique", "Dominique", "Leroy", "quai du Havre", their_order.number):
        assert theirs not in text
    assert "Camille" in text


def test_the_export_holds_no_checkout_token(scene):
    bread, _ = place_orders(scene)

    text = json.dumps(account_export(user=scene.customer, now=LATER))

    assert bread.checkout.token not in text


@pytest.mark.parametrize("orders", [1, 10])
def test_the_export_takes_twelve_queries_whatever_the_number_of_orders(
    orders, city, django_assert_num_queries
):
    customer = make_user()
    shop = make_shop(city)
    for _ in range(orders):
        make_order(shop, customer=customer, state="collected")
    Checkout.objects.filter(orders__customer=customer).update(customer=customer)
    address_add(user=customer, recipient="C", line1="1 rue", postal_code="76000", locality="Rouen")
    PushSubscription.objects.create(user=customer, endpoint=ENDPOINT, p256dh=P256DH, auth=AUTH)
    make_membership(shop, customer)

    with django_assert_num_queries(12):
        data = account_export(user=customer, now=NOW)

    assert len(data["orders"]) == orders
    assert all(len(order["lines"]) == 1 for order in data["orders"])
    assert all(len(order["events"]) == 1 for order in data["orders"])


# --- deletion -------------------------------------------------------------------


def _personal_fields(order: Order) -> tuple:
    return (
        order.contact_name,
        order.contact_email,
        order.contact_phone,
        order.delivery_recipient,
        order.delivery_line1,
        order.delivery_line2,
        order.delivery_postal_code,
        order.delivery_locality,
        order.delivery_instructions,
        order.delivery_latitude,
        order.delivery_longitude,
    )


def _books(orders: list[Order]) -> list[tuple]:
    """What the shops keep: numbers, shops, dates, states, totals and every line."""
    return [
        (
            order.number,
            order.shop_id,
            order.placed_at,
            order.slot_starts_at,
            order.state,
            order.fulfilment,
            order.pickup_code,
            order.subtotal,
            order.delivery_fee,
            order.total,
            order.payment_state,
            list(
                OrderLine.objects.filter(order=order)
                .order_by("pk")
                .values_list("product_name", "unit_price", "vat_rate", "quantity", "line_total")
            ),
            list(
                OrderEvent.objects.filter(order=order)
                .order_by("at", "pk")
                .values_list("from_state", "to_state", "at", "reason")
            ),
        )
        for order in orders
    ]


def test_deleting_anonymises_every_order_and_checkout(scene, home):
    bread, cheese = close_orders(scene)

    account_delete(user=scene.customer, now=LATER)

    bread.refresh_from_db()
    cheese.refresh_from_db()
    bread_email = f"deleted-{bread.number.lower()}@anonymised.invalid"
    cheese_email = f"deleted-{cheese.number.lower()}@anonymised.invalid"
    assert _personal_fields(bread) == (
        "—", bread_email, "", "", "", "", "", "", "", None, None
    )  # fmt: skip
    assert _personal_fields(cheese) == (
        "—", cheese_email, "", "", "—", "", "76000", "Rouen", "", None, None
    )  # fmt: skip
    assert (bread.customer_id, cheese.customer_id) == (None, None)
    checkout = Checkout.objects.get(pk=bread.checkout_id)
    assert (
        checkout.customer_id,
        checkout.contact_name,
        checkout.contact_email,
        checkout.contact_phone,
    ) == (None, "—", f"deleted-checkout-{checkout.pk}@anonymised.invalid", "")
    # The customer's own event (placing the order) no longer points to anyone.
    assert (
        OrderEvent.objects.filter(order__in=[bread, cheese], to_state="placed")
        .values_list("actor_id", flat=True)
        .distinct()
        .get()
        is None
    )


def test_deleting_keeps_numbers_totals_lines_and_events_for_the_shops(scene):
    bread, cheese = close_orders(scene)
    before = _books([bread, cheese])

    account_delete(user=scene.customer, now=LATER)

    after = _books([Order.objects.get(pk=bread.pk), Order.objects.get(pk=cheese.pk)])
    assert after == before


def _figures(shop: Shop) -> tuple:
    starts_at, ends_at = LATER - timedelta(days=1), LATER + timedelta(days=1)
    return (
        sales_overview(shop=shop, now=LATER),
        daily_revenue(shop=shop, now=LATER),
        best_sellers(shop=shop, starts_at=starts_at, ends_at=ends_at),
        best_sellers(shop=shop, starts_at=starts_at, ends_at=ends_at, by="revenue"),
    )


def test_the_shops_sales_figures_do_not_change_when_a_customer_leaves(scene):
    close_orders(scene)
    before = {shop.pk: _figures(shop) for shop in (scene.bakery, scene.cheese)}
    assert [p.revenue for p in before[scene.bakery.pk][0]] == [Decimal("6.05")] * 3
    assert [p.revenue for p in before[scene.cheese.pk][0]] == [Decimal("21.30")] * 3

    account_delete(user=scene.customer, now=LATER)

    assert {shop.pk: _figures(shop) for shop in (scene.bakery, scene.cheese)} == before


def test_deleting_removes_the_user_addresses_links_baskets_memberships_and_devices(scene, home):
    bread, _ = close_orders(scene)
    customer = scene.customer
    PushSubscription.objects.create(user=customer, endpoint=ENDPOINT, p256dh=P256DH, auth=AUTH)
    guest_device = "https://updates.push.services.mozilla.com/wpush/v2/guest"
    PushSubscription.objects.create(order=bread, endpoint=guest_device, p256dh=P256DH, auth=AUTH)
    PushDelivery.objects.create(key="order-1-ready", endpoint=ENDPOINT)
    make_membership(make_shop(scene.city), customer, role=Role.STAFF)
    login_link_request(email=customer.email, now=NOW, link_url=lambda token: token)
    Basket.objects.get_or_create(city=scene.city, user=customer)
    login_failure_record(email=customer.email, ip="203.0.113.7", now=NOW)

    account_delete(user=customer, now=LATER)

    assert not User.objects.filter(pk=customer.pk).exists()
    assert not Address.objects.filter(pk=home.pk).exists()
    assert not LoginLink.objects.exists()
    assert not Basket.objects.filter(user_id=customer.pk).exists()
    assert not Membership.objects.filter(user_id=customer.pk).exists()
    assert not PushSubscription.objects.exists()
    assert not PushDelivery.objects.exists()
    # The address's log-in counters go; the IP's (no personal link) stay.
    assert list(LoginThrottle.objects.values_list("scope", flat=True)) == ["login_ip"]


def test_deleting_leaves_another_customer_untouched(scene, other):
    close_orders(scene)
    dominique, their_order = other

    account_delete(user=scene.customer, now=LATER)

    their_order.refresh_from_db()
    assert (their_order.customer_id, their_order.contact_name, their_order.contact_email) == (
        dominique.pk,
        "Dominique Leroy",
        "dominique@example.fr",
    )
    assert Address.objects.filter(user=dominique).count() == 1


def test_the_address_can_sign_up_again_after_deletion(scene):
    close_orders(scene)

    account_delete(user=scene.customer, now=LATER)
    again = user_register(email="Camille@example.fr", password="un-autre-mot-de-passe-long")

    assert again.email == "camille@example.fr"
    assert again.pk != scene.customer.pk
    assert not Order.objects.filter(customer=again).exists()


def test_it_says_goodbye_by_email_after_commit(scene, django_capture_on_commit_callbacks):
    close_orders(scene)
    User.objects.filter(pk=scene.customer.pk).update(language="en")
    scene.customer.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=scene.customer, now=LATER)

    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Your Comptoir account is deleted", ["camille@example.fr"])
    ]


def test_the_goodbye_email_speaks_the_customers_language(scene, django_capture_on_commit_callbacks):
    close_orders(scene)
    User.objects.filter(pk=scene.customer.pk).update(language="fr")
    scene.customer.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=scene.customer, now=LATER)

    assert [m.subject for m in mail.outbox] == ["Votre compte Comptoir est supprimé"]


def test_it_refuses_while_an_order_is_open_and_changes_nothing(
    scene, home, django_capture_on_commit_callbacks
):
    bread, cheese = place_orders(scene)
    before = [_personal_fields(o) for o in (bread, cheese)]

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(AccountHasOpenOrders) as refused,
    ):
        account_delete(user=scene.customer, now=LATER)

    assert refused.value.code == "account_has_open_orders"
    assert sorted(refused.value.numbers) == sorted([bread.number, cheese.number])
    assert bread.number in str(refused.value)
    assert User.objects.filter(pk=scene.customer.pk).exists()
    assert Address.objects.filter(pk=home.pk).exists()
    assert [_personal_fields(Order.objects.get(pk=o.pk)) for o in (bread, cheese)] == before
    assert Checkout.objects.get(pk=bread.checkout_id).contact_name == "Camille Martin"
    assert mail.outbox == []


def test_it_refuses_the_last_owner_of_a_shop_and_changes_nothing(scene, home):
    customer = scene.customer
    make_membership(scene.bakery, customer, role=Role.OWNER)
    make_membership(scene.bakery, role=Role.STAFF)

    with pytest.raises(AccountIsLastShopOwner) as refused:
        account_delete(user=customer, now=LATER)

    assert refused.value.code == "account_is_last_shop_owner"
    assert refused.value.shops == ["Boulangerie Jeanne"]
    assert User.objects.filter(pk=customer.pk).exists()
    assert Membership.objects.filter(user=customer, shop=scene.bakery).exists()
    assert Address.objects.filter(pk=home.pk).exists()


def test_an_owner_beside_another_owner_may_leave(scene):
    customer = scene.customer
    make_membership(scene.bakery, customer, role=Role.OWNER)
    partner = make_membership(scene.bakery, role=Role.OWNER)

    account_delete(user=customer, now=LATER)

    assert list(Membership.objects.filter(shop=scene.bakery)) == [partner]


def test_it_refuses_an_operator(scene):
    operator = make_user(email="ops@example.fr", is_staff=True)

    with pytest.raises(OperatorAccountNotDeletable):
        account_delete(user=operator, now=LATER)

    assert User.objects.filter(pk=operator.pk).exists()


# --- guest orders (a request by e-mail, handled by an operator) -------------------


def test_an_operator_exports_the_guest_orders_of_an_address_and_only_those(
    city, scene, django_assert_num_queries
):
    shop = make_shop(city)
    guest = make_order(shop, contact_email="Guest@Example.fr", state="collected")
    make_order(shop, contact_email="someone@example.fr", state="collected")
    make_order(shop, customer=scene.customer, contact_email="guest@example.fr", state="collected")

    with django_assert_num_queries(5):
        data = guest_data_export(email="guest@example.fr", now=LATER)

    assert [order["number"] for order in data["orders"]] == [guest.number]
    assert data["orders"][0]["events"][0]["by"] == "you"
    assert [c["orders"] for c in data["checkouts"]] == [[guest.number]]
    assert data["email"] == "guest@example.fr"


def test_an_operator_anonymises_the_guest_orders_of_an_address(city):
    shop = make_shop(city)
    guest = make_order(shop, contact_email="Guest@Example.fr", state="collected")
    other_guest = make_order(shop, contact_email="someone@example.fr", state="collected")
    PushSubscription.objects.create(order=guest, endpoint=ENDPOINT, p256dh=P256DH, auth=AUTH)

    assert guest_data_anonymise(email="guest@example.fr") == 1

    guest.refresh_from_db()
    assert (guest.contact_name, guest.contact_email, guest.contact_phone) == (
        "—",
        f"deleted-{guest.number.lower()}@anonymised.invalid",
        "",
    )
    assert Checkout.objects.get(pk=guest.checkout_id).contact_name == "—"
    assert Order.objects.get(pk=other_guest.pk).contact_email == "someone@example.fr"
    assert not PushSubscription.objects.exists()


def test_guest_anonymisation_waits_for_open_orders_and_changes_nothing(city):
    shop = make_shop(city)
    done = make_order(shop, contact_email="guest@example.fr", state="collected")
    waiting = make_order(shop, contact_email="guest@example.fr", state="ready")

    with pytest.raises(AccountHasOpenOrders) as refused:
        guest_data_anonymise(email="guest@example.fr")

    assert refused.value.numbers == [waiting.number]
    assert Order.objects.get(pk=done.pk).contact_name == "Camille Martin"


def test_the_export_lists_vouchers_and_the_deals_email_consent_and_deletion_drops_them(scene):
    customer = scene.customer
    deal = make_deal(
        scene.bakery,
        title="Un café offert",
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=1),
    )
    voucher = voucher_claim(deal=deal, customer=customer, now=NOW)
    digest_subscribe(customer=customer, city=scene.bakery.city, now=NOW)

    data = account_export(user=customer, now=LATER)

    assert data["vouchers"] == [
        {
            "code": voucher.code,
            "deal": "Un café offert",
            "shop": scene.bakery.name,
            "claimed_at": NOW.astimezone(PARIS).isoformat(),
            "redeemed_at": None,
            "redeemed": None,
            "order": None,
        }
    ]
    assert data["consents"]["recorded"] is True
    assert data["consents"]["deals_digest"] == [
        {"city": scene.bakery.city.name, "since": NOW.astimezone(PARIS).isoformat()}
    ]

    account_delete(user=customer, now=LATER)

    voucher.refresh_from_db()
    assert voucher.customer_id is None  # the shop's figures keep the claim, without a name
    assert not DigestSubscription.objects.exists()
