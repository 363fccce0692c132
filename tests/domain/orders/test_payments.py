"""Payment providers: the registry, what a basket may be paid with, and the checkout's use of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from django.utils import translation

from comptoir.domain.fulfilment.models import SlotBooking
from comptoir.domain.orders.checkout import checkout_place
from comptoir.domain.orders.errors import PaymentMethodUnavailable
from comptoir.domain.orders.models import (
    BasketLine,
    Checkout,
    Fulfilment,
    Order,
    PaymentMethod,
    PaymentState,
)
from comptoir.domain.orders.payments import (
    PAY_LATER,
    PAYMENT_PROVIDERS,
    PaymentStart,
    PayOnCollection,
    checkout_payment_start,
    payment_method_choices,
    payment_methods_for,
    payment_provider,
)
from tests.domain.orders.support import CONTACT, NOW, collect_at
from tests.domain.orders.test_checkout import assert_nothing_placed, place, stocks


@dataclass
class CardOnline:
    """An online provider as one will plug in: here, for click & collect only."""

    code: str = "card_online"
    label: str = "Card, online"
    started: list[tuple[Checkout, list[Order]]] = field(default_factory=list)

    def available_for(self, *, shop, fulfilment: str) -> bool:
        return fulfilment == Fulfilment.COLLECT

    def start(self, *, checkout: Checkout, orders: Sequence[Order]) -> PaymentStart:
        self.started.append((checkout, list(orders)))
        return PaymentStart(redirect_url=f"https://pay.example/session/{checkout.token}")


@pytest.fixture
def card_online(monkeypatch):
    provider = CardOnline()
    monkeypatch.setitem(PAYMENT_PROVIDERS, provider.code, provider)
    return provider


def test_it_registers_pay_on_collection_alone_under_its_model_choice():
    assert list(PAYMENT_PROVIDERS) == [PaymentMethod.AT_SHOP]
    assert isinstance(PAYMENT_PROVIDERS[PaymentMethod.AT_SHOP], PayOnCollection)
    # Orders store the code: the database accepts only PaymentMethod values.
    assert set(PAYMENT_PROVIDERS) <= set(PaymentMethod.values)


def test_it_offers_the_registered_providers_as_form_choices():
    with translation.override("en"):
        choices = [(code, str(label)) for code, label in payment_method_choices()]

    assert choices == [("at_shop", "Pay at the shop / on delivery")]


def test_pay_on_collection_is_taken_by_every_shop_collected_or_delivered(scene):
    provider = PAYMENT_PROVIDERS[PaymentMethod.AT_SHOP]

    assert [
        provider.available_for(shop=shop, fulfilment=kind)
        for shop in (scene.bakery, scene.cheese)
        for kind in Fulfilment.values
    ] == [True, True, True, True]
    assert payment_methods_for(shops=[scene.bakery, scene.cheese], choices=scene.choices()) == [
        provider
    ]


def test_it_offers_only_the_methods_every_shop_takes_for_its_choice(scene, card_online):
    shops = [scene.bakery, scene.cheese]
    at_shop = PAYMENT_PROVIDERS[PaymentMethod.AT_SHOP]
    all_collected = {scene.bakery.pk: collect_at(), scene.cheese.pk: collect_at()}

    assert payment_methods_for(shops=shops, choices=scene.choices()) == [at_shop]
    assert payment_methods_for(shops=shops, choices=all_collected) == [at_shop, card_online]
    # A shop not chosen for yet does not narrow the list.
    assert payment_methods_for(shops=shops, choices={scene.bakery.pk: collect_at()}) == [
        at_shop,
        card_online,
    ]


def test_it_refuses_an_unknown_method_by_its_code():
    with pytest.raises(PaymentMethodUnavailable) as caught:
        payment_provider("bitcoin")

    assert caught.value.code == "payment_method_unavailable"
    assert caught.value.field == "payment_method"
    assert (caught.value.method, caught.value.shops) == ("bitcoin", [])
    with translation.override("en"):
        assert str(caught.value) == (
            "This payment method is not available for this order. Please choose another one."
        )


def test_it_stores_the_method_on_every_order_and_leaves_them_unpaid(scene):
    checkout = place(scene, payment_method=PaymentMethod.AT_SHOP)

    assert list(
        Order.objects.filter(checkout=checkout).values_list("payment_method", "payment_state")
    ) == [
        (PaymentMethod.AT_SHOP, PaymentState.UNPAID),
        (PaymentMethod.AT_SHOP, PaymentState.UNPAID),
    ]


def test_it_refuses_an_unknown_method_before_reading_or_writing_anything(
    scene, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        django_assert_num_queries(0),
        pytest.raises(PaymentMethodUnavailable) as caught,
    ):
        place(scene, payment_method="bitcoin", expected={})

    assert caught.value.method == "bitcoin"
    assert callbacks == []
    assert_nothing_placed(scene)
    assert stocks(scene.baguette, scene.croissant, scene.comte) == [10, 6, 4]


def test_it_refuses_a_method_a_shop_does_not_take_and_rolls_everything_back(
    scene, card_online, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(PaymentMethodUnavailable) as caught,
    ):
        place(scene, payment_method=card_online.code)  # the cheese shop delivers

    assert (caught.value.method, caught.value.shops) == ("card_online", [scene.cheese.name])
    assert callbacks == []
    assert card_online.started == []
    assert_nothing_placed(scene)
    assert stocks(scene.baguette, scene.croissant, scene.comte) == [10, 6, 4]
    assert SlotBooking.objects.count() == 0


def test_it_starts_nothing_for_pay_on_collection(scene):
    checkout = place(scene)

    start = checkout_payment_start(checkout=checkout)

    assert start == PAY_LATER
    assert start.pays_later
    assert start.redirect_url == ""


def test_it_hands_a_provider_the_placed_orders_and_returns_its_redirect(scene, monkeypatch):
    # An online provider registered under the stored method, after the commit.
    online = CardOnline(code=PaymentMethod.AT_SHOP)
    checkout = place(scene)
    monkeypatch.setitem(PAYMENT_PROVIDERS, PaymentMethod.AT_SHOP, online)

    start = checkout_payment_start(checkout=checkout)

    assert start.redirect_url == f"https://pay.example/session/{checkout.token}"
    assert not start.pays_later
    assert online.started == [(checkout, list(checkout.orders.order_by("pk")))]


def test_a_checkout_placed_by_an_old_caller_pays_at_the_shop(scene):
    checkout = checkout_place(
        basket=scene.basket,
        token="tok-default",
        contact=CONTACT,
        choices=scene.choices(),
        expected=None,
        now=NOW,
        customer=scene.customer,
    )

    assert set(
        Order.objects.filter(checkout=checkout).values_list("payment_method", flat=True)
    ) == {PaymentMethod.AT_SHOP}
    assert BasketLine.objects.filter(basket=scene.basket).count() == 0
