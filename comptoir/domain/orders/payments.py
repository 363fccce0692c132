"""How a checkout is paid: one provider per payment method, behind one small interface.

Today one provider is registered, `PayOnCollection` ("at_shop"): the customer
pays the shop at the counter (click & collect) or the courier on delivery. The
orders are placed `unpaid`; the shop marks them paid later. Online payment
will be one more provider, registered under its own `PaymentMethod` value
(a model choice, so a migration): the checkout itself does not change.

Where a provider takes part:

1. the checkout page offers `payment_methods_for(shops=…, choices=…)`;
2. `checkout_place(payment_method=…)` refuses an unknown method, or one a
   shop of the basket does not take for its pickup/delivery choice, with
   `PaymentMethodUnavailable` — before anything is written — and stores the
   method on every order of the checkout;
3. after the commit, the view calls `checkout_payment_start(checkout=…)`: the
   provider's `start` says what the customer does next — nothing now (the
   confirmation page), or a `redirect_url` to an online payment page. It may
   talk to the network, so it never runs inside the checkout's transaction;
   a replayed checkout (double click) asks again, so `start` must be
   idempotent (reuse the payment session it opened the first time);
4. the extension point for online payment: the provider's return URL and
   webhook land in a view of their own, which verifies the notification with
   the provider, then calls a service (`order_payment_confirm`, to write)
   that moves the checkout's orders from `unpaid` to `paid` with a
   compare-and-set, once. Pay-on-collection needs none of this.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import Message
from comptoir.domain.orders.errors import PaymentMethodUnavailable
from comptoir.domain.orders.models import Checkout, Order, PaymentMethod
from comptoir.domain.shops.models import Shop

if TYPE_CHECKING:
    from comptoir.domain.orders.checkout import FulfilmentChoice


@dataclass(frozen=True, slots=True)
class PaymentStart:
    """What the customer must do once the orders are placed.

    An empty `redirect_url` means nothing now: the confirmation page, and the
    customer pays later. Otherwise the view sends the browser there (an online
    payment page), and the provider brings the customer back.
    """

    redirect_url: str = ""

    @property
    def pays_later(self) -> bool:
        return not self.redirect_url


PAY_LATER = PaymentStart()


class PaymentProvider(Protocol):
    """One way to pay, registered in `PAYMENT_PROVIDERS` under its `code`.

    `code` is a `PaymentMethod` value (stored on the orders); `label` is what
    the checkout page offers. `available_for` says whether a shop takes this
    method for an order collected or delivered (a `Fulfilment` value).
    `start` runs after the commit, outside any transaction; see the module
    docstring for the confirmation of online payments (return URL, webhook).
    """

    @property
    def code(self) -> str: ...

    @property
    def label(self) -> Message: ...

    def available_for(self, *, shop: Shop, fulfilment: str) -> bool: ...

    def start(self, *, checkout: Checkout, orders: Sequence[Order]) -> PaymentStart: ...


class PayOnCollection:
    """Pay the shop at the counter (click & collect), or the courier on delivery.

    Every shop takes it, for either fulfilment. Nothing happens online: the
    orders stay `unpaid` until the shop marks them paid.
    """

    code: str = PaymentMethod.AT_SHOP
    label: Message = _("Pay at the shop / on delivery")

    def available_for(self, *, shop: Shop, fulfilment: str) -> bool:
        return True

    def start(self, *, checkout: Checkout, orders: Sequence[Order]) -> PaymentStart:
        return PAY_LATER


#: Every payment method the checkout can take, by `PaymentMethod` value.
PAYMENT_PROVIDERS: dict[str, PaymentProvider] = {
    provider.code: provider for provider in (PayOnCollection(),)
}


def payment_provider(method: str) -> PaymentProvider:
    """The provider registered under `method`; `PaymentMethodUnavailable` if none is."""
    provider = PAYMENT_PROVIDERS.get(method)
    if provider is None:
        raise PaymentMethodUnavailable(method=method)
    return provider


def payment_method_choices() -> list[tuple[str, Message]]:
    """(code, label) of every registered provider, for a form's choices."""
    return [(provider.code, provider.label) for provider in PAYMENT_PROVIDERS.values()]


def _refusing(
    provider: PaymentProvider, shops: Sequence[Shop], choices: Mapping[int, FulfilmentChoice]
) -> list[Shop]:
    return [
        shop
        for shop in shops
        if shop.pk in choices
        and not provider.available_for(shop=shop, fulfilment=choices[shop.pk].kind)
    ]


def payment_methods_for(
    *, shops: Sequence[Shop], choices: Mapping[int, FulfilmentChoice]
) -> list[PaymentProvider]:
    """The providers that every shop takes for its pickup/delivery choice, in registry order.

    A shop without a choice yet does not narrow the list.
    """
    return [
        provider
        for provider in PAYMENT_PROVIDERS.values()
        if not _refusing(provider, shops, choices)
    ]


def payment_method_check(
    *, provider: PaymentProvider, shops: Sequence[Shop], choices: Mapping[int, FulfilmentChoice]
) -> None:
    """Refuse with `PaymentMethodUnavailable`, naming every shop that does not take `provider`."""
    refusing = _refusing(provider, shops, choices)
    if refusing:
        raise PaymentMethodUnavailable(method=provider.code, shops=[shop.name for shop in refusing])


def checkout_payment_start(*, checkout: Checkout) -> PaymentStart:
    """What the customer does next for a placed checkout (its orders' payment method).

    Call it after `checkout_place` returned, never inside its transaction: an
    online provider talks to its payment service here. Returns `PAY_LATER`
    for pay-on-collection.
    """
    # The orders `checkout_place` kept on the checkout, else read; sorted here.
    orders = sorted(checkout.orders.all(), key=lambda order: order.pk)
    if not orders:
        return PAY_LATER
    # One checkout, one payment method: checkout_place stores the same on every order.
    return payment_provider(orders[0].payment_method).start(checkout=checkout, orders=orders)
