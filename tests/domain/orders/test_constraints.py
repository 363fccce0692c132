"""The database itself refuses what the services never write (STYLE rule 5)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.domain.orders.models import (
    Basket,
    BasketLine,
    Checkout,
    Order,
    OrderEvent,
    OrderLine,
    OrderState,
)
from tests.domain.orders.support import COLLECT_AT, NOW
from tests.domain.violations import refused_by
from tests.factories import make_product, make_shop, make_user

D = Decimal


def make_checkout(city, **fields):
    defaults = {
        "city": city,
        "token": f"tok-{Checkout.objects.count()}",
        "contact_name": "Camille",
        "contact_email": "camille@example.fr",
        "contact_phone": "+33612345678",
        "created_at": NOW,
    }
    return Checkout.objects.create(**(defaults | fields))


def order_fields(shop, **fields):
    n = Order.objects.count()
    defaults = {
        "city": shop.city,
        "shop": shop,
        "checkout": make_checkout(shop.city),
        "contact_name": "Camille",
        "contact_email": "camille@example.fr",
        "contact_phone": "+33612345678",
        "number": f"AAAA-{n:04d}",
        "pickup_code": f"ABC{n:03d}",
        "fulfilment": "collect",
        "slot_starts_at": COLLECT_AT,
        "slot_ends_at": COLLECT_AT + timedelta(minutes=15),
        "subtotal": D("6.05"),
        "delivery_fee": D("0.00"),
        "total": D("6.05"),
        "placed_at": NOW,
    }
    return defaults | fields


def make_order(shop, **fields):
    return Order.objects.create(**order_fields(shop, **fields))


DELIVERY = {
    "fulfilment": "delivery",
    "delivery_line1": "12 rue Beauvoisine",
    "delivery_postal_code": "76000",
    "delivery_locality": "Rouen",
    "delivery_latitude": D("49.444000"),
    "delivery_longitude": D("1.095000"),
    "delivery_fee": D("3.50"),
    "total": D("9.55"),
}


def line_fields(order, **fields):
    defaults = {
        "city": order.city,
        "order": order,
        "product_name": "Croissant",
        "unit": "piece",
        "unit_price": D("1.15"),
        "vat_rate": D("10.00"),
        "quantity": 3,
        "line_total": D("3.45"),
    }
    return defaults | fields


# Basket


def test_it_refuses_two_baskets_of_one_customer_in_a_city(city):
    user = make_user()
    Basket.objects.create(city=city, user=user)

    with refused_by(
        "orders_basket_one_per_user_and_city",
        sqlite="orders_basket.city_id, orders_basket.user_id",
    ):
        Basket.objects.create(city=city, user=user)


def test_it_refuses_two_baskets_of_one_session_in_a_city(city):
    Basket.objects.create(city=city, session_key="abc")

    with refused_by(
        "orders_basket_one_per_session_and_city",
        sqlite="orders_basket.city_id, orders_basket.session_key",
    ):
        Basket.objects.create(city=city, session_key="abc")


def test_it_accepts_one_basket_per_owner_and_city(city):
    from tests.factories import make_city

    user, other_city = make_user(), make_city()
    Basket.objects.create(city=city, user=user)
    Basket.objects.create(city=other_city, user=user)
    Basket.objects.create(city=city, user=make_user())
    Basket.objects.create(city=city, session_key="abc")
    Basket.objects.create(city=other_city, session_key="abc")
    Basket.objects.create(city=city, session_key="def")

    assert Basket.objects.count() == 6


@pytest.mark.parametrize(("with_user", "session_key"), [(True, "abc"), (False, "")])
def test_it_refuses_a_basket_with_both_owners_or_none(city, with_user, session_key):
    user = make_user() if with_user else None

    with refused_by("orders_basket_user_xor_session"):
        Basket.objects.create(city=city, user=user, session_key=session_key)


def test_it_refuses_a_product_twice_in_a_basket(city, shop):
    basket = Basket.objects.create(city=city, session_key="abc")
    product = make_product(shop)
    BasketLine.objects.create(city=city, basket=basket, product=product, quantity=1)

    with refused_by(
        "orders_basketline_one_per_product",
        sqlite="orders_basketline.basket_id, orders_basketline.product_id",
    ):
        BasketLine.objects.create(city=city, basket=basket, product=product, quantity=1)


@pytest.mark.parametrize("quantity", [0, 100])
def test_it_refuses_a_basket_quantity_out_of_range(city, shop, quantity):
    basket = Basket.objects.create(city=city, session_key="abc")

    with refused_by("orders_basketline_quantity_range"):
        BasketLine.objects.create(
            city=city, basket=basket, product=make_product(shop), quantity=quantity
        )


def test_it_accepts_basket_lines_at_the_limits_and_a_product_in_two_baskets(city, shop):
    first = Basket.objects.create(city=city, session_key="abc")
    second = Basket.objects.create(city=city, session_key="def")
    one, other = make_product(shop), make_product(shop)
    BasketLine.objects.create(city=city, basket=first, product=one, quantity=1)
    BasketLine.objects.create(city=city, basket=first, product=other, quantity=99)
    BasketLine.objects.create(city=city, basket=second, product=one, quantity=1)

    assert BasketLine.objects.count() == 3


# Checkout


def test_it_refuses_two_checkouts_with_one_token(city):
    make_checkout(city, token="same")

    with refused_by("orders_checkout_token_unique", sqlite="orders_checkout.token"):
        make_checkout(city, token="same")


def test_it_refuses_a_checkout_without_token(city):
    with refused_by("orders_checkout_token_not_empty"):
        make_checkout(city, token="")


def test_it_accepts_checkouts_with_distinct_tokens(city):
    make_checkout(city, token="a")
    make_checkout(city, token="b")

    assert Checkout.objects.count() == 2


# Order


def test_it_refuses_two_orders_with_one_number(shop):
    make_order(shop, number="K7QF-3M2X")

    with refused_by("orders_order_number_unique", sqlite="orders_order.number"):
        make_order(shop, number="K7QF-3M2X")


def test_it_refuses_one_pickup_code_on_two_open_orders_of_a_shop(shop):
    make_order(shop, pickup_code="K7QF3M", state=OrderState.READY)

    with refused_by(
        "orders_order_pickup_code_unique_open_in_shop",
        sqlite="orders_order.shop_id, orders_order.pickup_code",
    ):
        make_order(shop, pickup_code="K7QF3M")


def test_it_accepts_a_pickup_code_again_once_closed_or_in_another_shop(city, shop):
    make_order(shop, pickup_code="K7QF3M", state=OrderState.COLLECTED)
    make_order(shop, pickup_code="K7QF3M", state=OrderState.CANCELLED)
    make_order(shop, pickup_code="K7QF3M")
    make_order(make_shop(city), pickup_code="K7QF3M")

    assert Order.objects.filter(pickup_code="K7QF3M").count() == 4


@pytest.mark.parametrize("code", ["K7QF3", "", "k7qf3m"])
def test_it_refuses_a_malformed_pickup_code(shop, code):
    with refused_by("orders_order_pickup_code_format"):
        make_order(shop, pickup_code=code)


@pytest.mark.parametrize(
    ("field", "constraint"),
    [
        ("state", "orders_order_state_valid"),
        ("fulfilment", "orders_order_fulfilment_valid"),
        ("payment_method", "orders_order_payment_method_valid"),
        ("payment_state", "orders_order_payment_state_valid"),
    ],
)
def test_it_refuses_an_unknown_choice(shop, field, constraint):
    with refused_by(constraint):
        make_order(shop, **{field: "teleport"})


def test_it_accepts_every_state_and_payment_choice(shop):
    for state in OrderState.values:
        make_order(shop, state=state, payment_state="paid")
    make_order(shop, payment_state="refunded", payment_method="at_shop")

    assert Order.objects.count() == len(OrderState.values) + 1


def test_it_refuses_a_slot_ending_when_it_starts(shop):
    with refused_by("orders_order_slot_ends_after_start"):
        make_order(shop, slot_ends_at=COLLECT_AT)


def test_it_refuses_negative_money(shop):
    with refused_by("orders_order_money_non_negative"):
        make_order(shop, subtotal=D("-1.00"), total=D("-1.00"))


@pytest.mark.parametrize(
    ("subtotal", "discount", "fee", "total"),
    [
        ("6.05", "0.00", "0.00", "6.06"),
        ("6.05", "0.00", "3.50", "6.05"),
        ("6.05", "1.21", "0.00", "6.05"),
        ("6.05", "1.21", "3.50", "9.55"),
    ],
)
def test_it_refuses_a_total_that_is_not_subtotal_less_discount_plus_fee(
    shop, subtotal, discount, fee, total
):
    fields = DELIVERY if fee != "0.00" else {}
    with refused_by("orders_order_total_is_subtotal_less_discount_plus_fee"):
        make_order(
            shop,
            **(
                fields
                | {
                    "subtotal": D(subtotal),
                    "discount": D(discount),
                    "voucher_code": "K7QF-3M2X",
                    "delivery_fee": D(fee),
                    "total": D(total),
                }
            ),
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"discount": D("-0.01"), "total": D("6.06")},
        DELIVERY | {"discount": D("6.06"), "total": D("3.49")},  # into the fee
    ],
)
def test_it_refuses_a_discount_below_zero_or_above_the_subtotal(shop, fields):
    with refused_by("orders_order_discount_within_subtotal"):
        make_order(shop, **(fields | {"voucher_code": "K7QF-3M2X"}))


def test_it_refuses_a_discount_without_its_voucher(shop):
    with refused_by("orders_order_discount_has_voucher"):
        make_order(shop, discount=D("1.21"), total=D("4.84"))


def test_it_accepts_a_discount_of_the_whole_subtotal_with_a_fee_and_none_at_all(shop):
    make_order(shop, discount=D("6.05"), voucher_code="K7QF-3M2X", total=D("0.00"))
    make_order(
        shop,
        **(DELIVERY | {"discount": D("0.10"), "voucher_code": "K7QF-3M2X", "total": D("9.45")}),
    )
    make_order(shop, voucher_code="K7QF-3M2X")  # a voucher that saved nothing
    make_order(shop)

    assert Order.objects.count() == 4


def test_it_accepts_totals_that_add_up_to_the_cent_including_zero(shop):
    make_order(shop, subtotal=D("0.00"), total=D("0.00"))
    # 0.1 + 0.2 is not 0.3 in binary floats (how SQLite stores decimals).
    make_order(
        shop, **(DELIVERY | {"subtotal": D("0.10"), "delivery_fee": D("0.20"), "total": D("0.30")})
    )
    make_order(
        shop,
        **(
            DELIVERY
            | {"subtotal": D("99999999.98"), "delivery_fee": D("0.01"), "total": D("99999999.99")}
        ),
    )

    assert Order.objects.count() == 3


@pytest.mark.parametrize(
    "fields",
    [
        {"fulfilment": "delivery", "delivery_fee": D("0.00"), "total": D("6.05")},
        DELIVERY | {"delivery_line1": ""},
    ],
)
def test_it_refuses_a_delivery_without_address(shop, fields):
    with refused_by("orders_order_delivery_has_address"):
        make_order(shop, **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"delivery_line1": "12 rue Beauvoisine"},
        {"delivery_latitude": D("49.444000"), "delivery_longitude": D("1.095000")},
        {"delivery_fee": D("1.00"), "total": D("7.05")},
    ],
)
def test_it_refuses_a_pickup_with_an_address_or_a_fee(shop, fields):
    with refused_by("orders_order_collect_has_no_address_nor_fee"):
        make_order(shop, **fields)


def test_it_accepts_a_delivery_with_its_address_and_a_free_delivery(shop):
    make_order(shop, **DELIVERY)
    make_order(shop, **(DELIVERY | {"delivery_fee": D("0.00"), "total": D("6.05")}))

    assert Order.objects.filter(fulfilment="delivery").count() == 2


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("delivery_latitude", D("90.000001"), "orders_order_latitude_range"),
        ("delivery_longitude", D("-180.000001"), "orders_order_longitude_range"),
    ],
)
def test_it_refuses_delivery_coordinates_out_of_range(shop, field, value, constraint):
    with refused_by(constraint):
        make_order(shop, **(DELIVERY | {field: value}))


def test_it_accepts_delivery_coordinates_at_the_limits(shop):
    make_order(shop, **(DELIVERY | {"delivery_latitude": D("90"), "delivery_longitude": D("180")}))
    make_order(
        shop, **(DELIVERY | {"delivery_latitude": D("-90"), "delivery_longitude": D("-180")})
    )

    assert Order.objects.count() == 2


# Order lines


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"quantity": 0, "line_total": D("0.00")}, "orders_orderline_quantity_range"),
        ({"quantity": 100, "line_total": D("115.00")}, "orders_orderline_quantity_range"),
        (
            {"unit_price": D("-1.15"), "line_total": D("-3.45")},
            "orders_orderline_price_non_negative",
        ),
        ({"vat_rate": D("7.00")}, "orders_orderline_vat_rate_valid"),
        ({"line_total": D("3.44")}, "orders_orderline_total_is_price_times_quantity"),
        ({"discount": D("-0.01")}, "orders_orderline_discount_within_line"),
        ({"discount": D("3.46")}, "orders_orderline_discount_within_line"),
    ],
)
def test_it_refuses_an_inconsistent_order_line(shop, fields, constraint):
    order = make_order(shop)

    with refused_by(constraint):
        OrderLine.objects.create(**line_fields(order, **fields))


def test_it_accepts_order_lines_at_the_limits(shop):
    order = make_order(shop)
    OrderLine.objects.create(
        **line_fields(order, quantity=1, unit_price=D("0.00"), line_total=D("0.00"))
    )
    OrderLine.objects.create(
        **line_fields(
            order, quantity=99, unit_price=D("0.10"), line_total=D("9.90"), vat_rate=D("2.10")
        )
    )
    OrderLine.objects.create(**line_fields(order, vat_rate=D("20.00")))
    OrderLine.objects.create(**line_fields(order, discount=D("3.45")))  # a free line

    assert order.lines.count() == 4


# Order events


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"to_state": "lost"}, "orders_orderevent_to_state_valid"),
        ({"from_state": "lost"}, "orders_orderevent_from_state_valid"),
    ],
)
def test_it_refuses_an_event_with_an_unknown_state(shop, fields, constraint):
    order = make_order(shop)

    with refused_by(constraint):
        OrderEvent.objects.create(
            city=order.city, order=order, **({"to_state": "placed", "at": NOW} | fields)
        )


def test_it_accepts_a_first_event_and_every_state(shop):
    order = make_order(shop)
    OrderEvent.objects.create(city=order.city, order=order, to_state="placed", at=NOW)
    for state in OrderState.values:
        OrderEvent.objects.create(
            city=order.city, order=order, from_state=state, to_state=state, at=NOW
        )

    assert order.events.count() == len(OrderState.values) + 1
