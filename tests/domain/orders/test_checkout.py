from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import translation
from PIL import Image

from comptoir.core.qr import qr_symbol
from comptoir.domain.catalogue.models import Product
from comptoir.domain.fulfilment.errors import OutsideDeliveryZone, SlotFull, SlotUnavailable
from comptoir.domain.fulfilment.models import SlotBooking
from comptoir.domain.notifications.models import OutboundEmail
from comptoir.domain.orders import notifications
from comptoir.domain.orders.checkout import Contact, checkout_place
from comptoir.domain.orders.errors import (
    BasketChange,
    BasketChanged,
    CheckoutTokenReused,
    EmptyBasket,
    FulfilmentChoiceMissing,
    FulfilmentNotOffered,
    InvalidContact,
    OutOfStock,
    ShopPaused,
    Shortfall,
)
from comptoir.domain.orders.models import (
    BasketLine,
    Checkout,
    Fulfilment,
    Order,
    OrderEvent,
    OrderLine,
    OrderState,
    PaymentMethod,
    PaymentState,
)
from comptoir.domain.orders.services import basket_for
from tests.domain.orders.support import (
    COLLECT_AT,
    CONTACT,
    DELIVER_AT,
    NOW,
    collect_at,
    delivery_to,
)
from tests.factories import make_user

CODE_CHARS = set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")


def place(
    scene,
    *,
    token="tok-1",  # noqa: S107 - an idempotency key, not a password
    expected=None,
    choices=None,
    contact=CONTACT,
    **kwargs,
):
    return checkout_place(
        basket=scene.basket,
        token=token,
        contact=contact,
        choices=choices if choices is not None else scene.choices(),
        expected=expected if expected is not None else scene.expected(),
        now=NOW,
        customer=kwargs.pop("customer", scene.customer),
        **kwargs,
    )


def stocks(*products):
    return [Product.objects.get(pk=p.pk).stock for p in products]


def assert_nothing_placed(scene, *, basket_lines=3):
    assert Checkout.objects.count() == 0
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert SlotBooking.objects.count() == 0
    assert BasketLine.objects.filter(basket=scene.basket).count() == basket_lines


def test_a_collision_of_order_numbers_draws_every_orders_codes_again(scene, monkeypatch):
    from comptoir.domain.orders import codes

    drawn = iter(["ABCD-EFGH", "ABCD-EFGH", "ABCD-EFGJ", "ABCD-EFGK"])
    monkeypatch.setattr(codes, "new_order_number", lambda: next(drawn))

    checkout = place(scene)

    numbers = sorted(checkout.orders.values_list("number", flat=True))
    assert numbers == ["ABCD-EFGJ", "ABCD-EFGK"]
    assert next(drawn, None) is None  # the first pair collided; the second was used
    assert OrderLine.objects.filter(order__checkout=checkout).count() == 3
    assert OrderEvent.objects.filter(order__checkout=checkout).count() == 2


def test_it_places_one_order_per_shop_with_lines_totals_codes_and_events(
    scene, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        checkout = place(scene)

    bread, cheese = Order.objects.filter(checkout=checkout).order_by("shop_id")
    assert (bread.shop, cheese.shop) == (scene.bakery, scene.cheese)
    assert bread.fulfilment == Fulfilment.COLLECT
    assert (bread.slot_starts_at, bread.slot_ends_at) == (
        COLLECT_AT,
        COLLECT_AT + timedelta(minutes=15),
    )
    assert (bread.subtotal, bread.delivery_fee, bread.total) == (
        Decimal("6.05"),
        Decimal("0.00"),
        Decimal("6.05"),
    )
    assert bread.delivery_line1 == ""
    assert cheese.fulfilment == Fulfilment.DELIVERY
    assert (cheese.slot_starts_at, cheese.slot_ends_at) == (
        DELIVER_AT,
        DELIVER_AT + timedelta(minutes=60),
    )
    assert (cheese.subtotal, cheese.delivery_fee, cheese.total) == (
        Decimal("17.80"),
        Decimal("3.50"),
        Decimal("21.30"),
    )
    assert (cheese.delivery_line1, cheese.delivery_postal_code, cheese.delivery_locality) == (
        "12 rue Beauvoisine",
        "76000",
        "Rouen",
    )
    assert cheese.delivery_recipient == "Camille Martin"
    assert cheese.delivery_instructions == "Code 1234"
    for order in (bread, cheese):
        assert order.state == OrderState.PLACED
        assert order.customer == scene.customer
        assert order.contact_phone == "+33612345678"
        assert order.payment_method == PaymentMethod.AT_SHOP
        assert order.payment_state == PaymentState.UNPAID
        assert order.placed_at == NOW
        assert len(order.pickup_code) == 6
        assert set(order.pickup_code) <= CODE_CHARS
        assert list(order.events.values_list("from_state", "to_state", "actor")) == [
            ("", OrderState.PLACED, scene.customer.pk)
        ]
    assert bread.number != cheese.number
    assert list(
        bread.lines.values_list(
            "product", "product_name", "unit", "unit_price", "vat_rate", "quantity", "line_total"
        )
    ) == [
        (
            scene.baguette.pk,
            "Baguette tradition",
            "piece",
            Decimal("1.30"),
            Decimal("5.50"),
            2,
            Decimal("2.60"),
        ),
        (
            scene.croissant.pk,
            "Croissant",
            "piece",
            Decimal("1.15"),
            Decimal("10.00"),
            3,
            Decimal("3.45"),
        ),
    ]
    assert list(cheese.lines.values_list("product_name", "quantity", "line_total")) == [
        ("Comté 18 mois", 2, Decimal("17.80"))
    ]
    assert stocks(scene.baguette, scene.croissant, scene.comte) == [8, 3, 2]
    assert BasketLine.objects.filter(basket=scene.basket).count() == 0
    assert sorted(SlotBooking.objects.values_list("kind", "starts_at", "booked")) == [
        ("collect", COLLECT_AT, 1),
        ("delivery", DELIVER_AT, 1),
    ]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["camille@example.fr"]
    assert mail.subject == "Your order at Comptoir"
    assert "Thank you! Your 2 orders are placed, one per shop." in mail.body
    assert f"Pickup code: {bread.pickup_code}" in mail.body
    assert "Pick up: Tuesday 10 March, 10:00–10:15" in mail.body
    assert "Delivery: Tuesday 10 March, 11:00–12:00" in mail.body
    assert f"{scene.bakery.name} — order {bread.number}" in mail.body
    assert cheese.number in mail.body
    assert "Total: €21.30" in mail.body
    assert "To pay at the shop or on delivery: €27.35" in mail.body
    assert "no withdrawal right" in mail.body
    html, kind = mail.alternatives[0]
    assert kind == "text/html"
    assert f'<img src="cid:qr-{bread.number}"' in html
    assert "https://www.openstreetmap.org/?mlat=" in html
    # The QR code travels inside the message, as an inline image the HTML shows.
    message = mail.message()
    images = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert [image["Content-ID"] for image in images] == [f"<qr-{bread.number}>"]
    assert images[0].get_content_disposition() == "inline"
    assert qr_modules(images[0].get_content()) == modules_of(bread.pickup_code)


def test_it_sends_no_email_before_the_commit(scene, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        place(scene)

    assert len(callbacks) == 3  # the e-mail, and one "placed" event per shop's desk
    assert mailoutbox == []


def test_the_confirmation_is_drawn_by_the_sender_not_inside_the_checkout(
    scene, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    """No template and no QR code inside the checkout's transaction; French as ordered."""
    drawn: list[str] = []
    real_qr = notifications.pickup_qr_png

    def counted_qr(code: str) -> str:
        drawn.append(code)
        return real_qr(code)

    monkeypatch.setattr(notifications, "pickup_qr_png", counted_qr)
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        translation.override("fr"),
    ):
        checkout = place(scene)

    row = OutboundEmail.objects.get(key=f"checkout:{checkout.pk}:placed:customer")
    assert (row.subject, row.body, row.html, row.inline_images) == (
        "Votre commande sur Comptoir",
        "",
        "",
        {},
    )
    assert row.render == {
        "renderer": "orders.placed",
        "args": {"checkout_id": checkout.pk, "language": "fr"},
    }
    assert drawn == []
    # The worker sends it later, whatever language it runs in.
    with translation.override("en"):
        for callback in callbacks:
            callback()
    bread = Order.objects.get(checkout=checkout, shop=scene.bakery)
    [mail] = mailoutbox
    assert f"Code de retrait\u00a0: {bread.pickup_code}" in mail.body
    assert "mardi 10 mars" in mail.body
    assert drawn == [bread.pickup_code]


def test_it_returns_the_same_checkout_when_the_token_comes_again(
    scene, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        first = place(scene)
    with django_capture_on_commit_callbacks(execute=True):
        again = place(scene, expected={})

    assert again == first
    assert Order.objects.count() == 2
    assert OrderEvent.objects.count() == 2
    assert stocks(scene.baguette, scene.croissant, scene.comte) == [8, 3, 2]
    assert len(mailoutbox) == 1


def test_only_a_taken_token_looks_for_the_checkout_placed_with_it(
    scene, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    """No look before the transaction: the insert of the checkout finds its token taken.

    That covers a concurrent request that committed the token first, too: on
    PostgreSQL the insert waits for it, on SQLite the write lock orders them.
    """
    from comptoir.domain.orders import checkout as module

    looked = []
    real = module._replayed

    def looking(token, basket, customer):
        looked.append(token)
        return real(token, basket, customer)

    monkeypatch.setattr(module, "_replayed", looking)
    with django_capture_on_commit_callbacks(execute=True):
        first = place(scene)
    assert looked == []  # a new token: one statement fewer than looking first
    with django_capture_on_commit_callbacks(execute=True):
        again = place(scene, expected={})

    assert looked == ["tok-1"]
    assert again == first
    assert Checkout.objects.count() == 1
    assert Order.objects.count() == 2
    assert stocks(scene.baguette, scene.croissant, scene.comte) == [8, 3, 2]
    assert len(mailoutbox) == 1


def test_it_refuses_a_token_of_another_customer(scene):
    place(scene)
    other = make_user()
    other_basket = basket_for(city=scene.city, user=other, create=True)

    with pytest.raises(CheckoutTokenReused):
        checkout_place(
            basket=other_basket,
            token="tok-1",
            contact=CONTACT,
            choices={},
            expected={},
            now=NOW,
            customer=other,
        )

    assert Checkout.objects.count() == 1


def test_it_lists_every_price_change_and_writes_nothing(scene):
    expected = scene.expected()
    Product.objects.filter(pk=scene.baguette.pk).update(price=Decimal("1.40"))
    Product.objects.filter(pk=scene.comte.pk).update(price=Decimal("8.50"))

    with pytest.raises(BasketChanged) as caught:
        place(scene, expected=expected)

    assert caught.value.changes == [
        BasketChange(
            scene.baguette.pk, "Baguette tradition", "price", Decimal("1.30"), Decimal("1.40")
        ),
        BasketChange(scene.comte.pk, "Comté 18 mois", "price", Decimal("8.90"), Decimal("8.50")),
    ]
    assert caught.value.code == "basket_changed"
    with translation.override("en"):
        message = str(caught.value)
    assert message == (
        "Your basket changed since you saw it: Baguette tradition, Comté 18 mois. Please check it."
    )
    assert_nothing_placed(scene)
    assert stocks(scene.baguette, scene.croissant, scene.comte) == [10, 6, 4]


def test_it_reports_withdrawn_products_changed_quantities_and_products_gone_from_the_basket(scene):
    expected = scene.expected()
    Product.objects.filter(pk=scene.croissant.pk).update(is_active=False)
    BasketLine.objects.filter(product=scene.comte).update(quantity=3)
    BasketLine.objects.filter(product=scene.baguette).delete()

    with pytest.raises(BasketChanged) as caught:
        place(scene, expected=expected)

    assert caught.value.changes == [
        BasketChange(scene.croissant.pk, "Croissant", "gone", Decimal("1.15"), None),
        BasketChange(scene.comte.pk, "Comté 18 mois", "quantity", 2, 3),
        BasketChange(scene.baguette.pk, "Baguette tradition", "gone", Decimal("1.30"), None),
    ]
    assert_nothing_placed(scene, basket_lines=2)


def test_it_names_every_product_short_in_one_error_and_takes_no_stock(scene):
    Product.objects.filter(pk=scene.croissant.pk).update(stock=2)
    Product.objects.filter(pk=scene.comte.pk).update(stock=0)

    with pytest.raises(OutOfStock) as caught:
        place(scene)

    assert caught.value.shortfalls == [
        Shortfall(scene.croissant.pk, "Croissant", wanted=3, available=2),
        Shortfall(scene.comte.pk, "Comté 18 mois", wanted=2, available=0),
    ]
    with translation.override("en"):
        assert str(caught.value) == "Not enough left: Croissant (2 left), Comté 18 mois (0 left)."
    assert stocks(scene.baguette, scene.croissant, scene.comte) == [10, 2, 0]
    assert_nothing_placed(scene)


def test_it_never_counts_down_made_to_order_products(scene):
    Product.objects.filter(pk=scene.baguette.pk).update(stock=None)

    place(scene)

    assert stocks(scene.baguette, scene.croissant) == [None, 3]


def test_it_refuses_a_paused_shop_and_writes_nothing(scene):
    scene.cheese.is_paused = True
    scene.cheese.save()

    with pytest.raises(ShopPaused) as caught:
        place(scene)

    assert caught.value.shops == ["Fromagerie du Vieux-Marché"]
    assert_nothing_placed(scene)
    assert stocks(scene.baguette, scene.croissant, scene.comte) == [10, 6, 4]


def test_it_refuses_a_shop_without_a_choice_or_with_one_it_does_not_offer(scene):
    with pytest.raises(FulfilmentChoiceMissing) as missing:
        place(scene, choices={scene.bakery.pk: collect_at()})
    with pytest.raises(FulfilmentNotOffered) as not_offered:
        place(scene, choices={scene.bakery.pk: delivery_to(), scene.cheese.pk: delivery_to()})

    assert missing.value.shops == ["Fromagerie du Vieux-Marché"]
    assert not_offered.value.shops == [scene.bakery.name]
    assert_nothing_placed(scene)


def test_it_rolls_everything_back_when_a_slot_is_full(scene):
    # The cheese shop has no delivery settings: the default 3 orders per slot.
    SlotBooking.objects.create(
        city=scene.city, shop=scene.cheese, kind="delivery", starts_at=DELIVER_AT, booked=3
    )

    with pytest.raises(SlotFull):
        place(scene)

    assert stocks(scene.baguette, scene.croissant, scene.comte) == [10, 6, 4]
    assert list(SlotBooking.objects.values_list("kind", "booked")) == [("delivery", 3)]
    assert Order.objects.count() == 0
    assert Checkout.objects.count() == 0
    assert BasketLine.objects.filter(basket=scene.basket).count() == 3


def test_it_refuses_a_slot_the_shop_does_not_offer(scene):
    choices = scene.choices() | {scene.bakery.pk: collect_at(COLLECT_AT + timedelta(minutes=7))}

    with pytest.raises(SlotUnavailable):
        place(scene, choices=choices)

    assert_nothing_placed(scene)


def test_it_refuses_an_address_outside_the_delivery_zone(scene):
    choices = scene.choices() | {
        scene.cheese.pk: replace(delivery_to(), latitude=Decimal("49.900000"))
    }

    with pytest.raises(OutsideDeliveryZone):
        place(scene, choices=choices)

    assert_nothing_placed(scene)


def test_it_places_a_guest_order_with_a_validated_contact(scene):
    guest_basket = basket_for(city=scene.city, session_key="s" * 32, create=True)
    BasketLine.objects.filter(basket=scene.basket).update(basket=guest_basket)
    scene.basket = guest_basket

    checkout = place(scene, customer=None)

    assert checkout.customer is None
    assert list(Order.objects.values_list("customer", "contact_email", "contact_phone")) == [
        (None, "camille@example.fr", "+33612345678"),
        (None, "camille@example.fr", "+33612345678"),
    ]


def test_it_names_every_wrong_contact_field(scene):
    with pytest.raises(InvalidContact) as caught:
        place(scene, contact=Contact(name=" ", email="camille@", phone="12"))

    assert caught.value.fields == ["name", "email", "phone"]
    assert_nothing_placed(scene)


def test_it_refuses_an_empty_basket(scene):
    BasketLine.objects.filter(basket=scene.basket).delete()

    with pytest.raises(EmptyBasket):
        place(scene, expected={})

    assert Checkout.objects.count() == 0


def test_it_counts_daily_quotas_on_the_day_of_the_slot(scene):
    from comptoir.domain.fulfilment.models import DailyQuotaUsage

    Product.objects.filter(pk=scene.croissant.pk).update(daily_quota=4)

    place(scene)

    assert list(DailyQuotaUsage.objects.values_list("product", "day", "used")) == [
        (scene.croissant.pk, COLLECT_AT.date(), 3)
    ]


def test_it_refuses_more_than_the_daily_quota_and_writes_nothing(scene):
    from comptoir.domain.fulfilment.errors import QuotaExceeded
    from comptoir.domain.fulfilment.models import DailyQuotaUsage

    Product.objects.filter(pk=scene.croissant.pk).update(daily_quota=2)

    with pytest.raises(QuotaExceeded):
        place(scene)

    assert DailyQuotaUsage.objects.count() == 0
    assert stocks(scene.baguette, scene.croissant, scene.comte) == [10, 6, 4]
    assert_nothing_placed(scene)


def qr_modules(png: bytes) -> tuple[tuple[bool, ...], ...]:
    """The dark/light modules of a QR code drawn at scale 6 with a 2-module border."""
    image = Image.open(BytesIO(png)).convert("1")
    size = image.width // 6 - 4
    return tuple(
        tuple(image.getpixel((6 * (2 + x) + 3, 6 * (2 + y) + 3)) == 0 for x in range(size))
        for y in range(size)
    )


def modules_of(code: str) -> tuple[tuple[bool, ...], ...]:
    symbol = qr_symbol(code)
    assert not symbol.is_micro  # the desk's scanner reads full QR codes only
    return tuple(tuple(bool(v) for v in row) for row in symbol.matrix)
