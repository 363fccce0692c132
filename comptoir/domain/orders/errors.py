"""What the basket, checkout and order services refuse.

Errors about a whole basket name every problem at once (every changed price,
every product short), so the customer fixes the basket in one go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.core.errors import DomainError


class TransactionRequired(RuntimeError):
    """A lock helper was called outside `transaction.atomic` (a programming error)."""


class InvalidQuantity(DomainError):
    code = "invalid_quantity"
    default_message = _("A quantity is a whole number from %(min)s to %(max)s.")
    field = "quantity"

    def __init__(self, *, minimum: int, maximum: int) -> None:
        super().__init__(params={"min": minimum, "max": maximum})


class ProductNotOnSale(DomainError):
    code = "product_not_on_sale"
    default_message = _("%(product)s is not on sale at the moment.")
    field = "product"

    def __init__(self, *, product: str) -> None:
        super().__init__(params={"product": product})


class ProductInAnotherCity(DomainError):
    code = "product_in_another_city"
    default_message = _("%(product)s is sold in another city than this basket's.")
    field = "product"

    def __init__(self, *, product: str) -> None:
        super().__init__(params={"product": product})


class BasketOwnerRequired(DomainError):
    code = "basket_owner_required"
    default_message = _("A basket belongs to a customer or to a visitor's session.")


class EmptyBasket(DomainError):
    code = "empty_basket"
    default_message = _("Your basket is empty.")


class ChangeKind:
    PRICE = "price"
    QUANTITY = "quantity"
    GONE = "gone"
    ADDED = "added"


@dataclass(frozen=True, slots=True)
class BasketChange:
    """One difference between what the customer saw and the basket now.

    `kind` is "price" (old/new unit prices), "quantity" (old/new quantities,
    the basket changed in another tab), "gone" (no longer on sale or no longer
    in the basket) or "added" (in the basket, not on the page they confirmed).
    """

    product_id: int
    product: str
    kind: str
    old: Decimal | int | None
    new: Decimal | int | None


class BasketChanged(DomainError):
    code = "basket_changed"
    default_message = _("Your basket changed since you saw it: %(products)s. Please check it.")

    def __init__(self, changes: Sequence[BasketChange]) -> None:
        self.changes = list(changes)
        super().__init__(params={"products": ", ".join(c.product for c in self.changes)})


@dataclass(frozen=True, slots=True)
class VoucherChange:
    """A shop's discount is not what the customer saw: `old` then, `new` now, and why."""

    shop_id: int
    shop: str
    code: str
    old: Decimal
    new: Decimal
    reason: str


class VoucherChanged(DomainError):
    """The voucher shown was used meanwhile (at a till, another order), ended, or changed."""

    code = "voucher_changed"
    default_message = _(
        "Your discount changed since you saw it (%(details)s). Nothing was ordered: "
        "check the new summary, then confirm again."
    )

    def __init__(self, changes: Sequence[VoucherChange]) -> None:
        self.voucher_changes = list(changes)
        super().__init__(
            params={
                "details": "; ".join(
                    f"{c.shop}, {c.code}: {c.reason}" for c in self.voucher_changes
                )
            }
        )


@dataclass(frozen=True, slots=True)
class Shortfall:
    product_id: int
    product: str
    wanted: int
    available: int


class OutOfStock(DomainError):
    code = "out_of_stock"
    default_message = _("Not enough left: %(details)s.")

    def __init__(self, shortfalls: Sequence[Shortfall]) -> None:
        self.shortfalls = list(shortfalls)
        super().__init__(
            params={
                "shortfalls": [
                    {"product": s.product, "available": s.available} for s in self.shortfalls
                ]
            }
        )

    def __str__(self) -> str:
        # Worded when shown, so each reader gets it in their own language.
        details = ", ".join(
            ngettext("%(product)s (%(n)s left)", "%(product)s (%(n)s left)", s.available)
            % {"product": s.product, "n": s.available}
            for s in self.shortfalls
        )
        return str(self.message) % {"details": details}


class ShopNotTakingOrders(DomainError):
    """Shops that cannot take this order now: paused by their owner, or unpublished."""

    code = "shop_not_taking_orders"
    default_message = _("%(shops)s cannot take orders at the moment.")

    def __init__(self, *, shops: Sequence[str]) -> None:
        self.shops = list(shops)
        super().__init__(params={"shops": ", ".join(self.shops)})


class ShopPaused(ShopNotTakingOrders):
    code = "shop_paused"
    default_message = _("%(shops)s paused orders for now. Please try again later.")


class FulfilmentChoiceMissing(DomainError):
    code = "fulfilment_choice_missing"
    default_message = _("Choose pickup or delivery for %(shops)s.")
    field = "fulfilment"

    def __init__(self, *, shops: Sequence[str]) -> None:
        self.shops = list(shops)
        super().__init__(params={"shops": ", ".join(self.shops)})


class FulfilmentNotOffered(FulfilmentChoiceMissing):
    code = "fulfilment_not_offered"
    default_message = _("%(shops)s does not offer the pickup or delivery you chose.")


class InvalidContact(DomainError):
    """Contact details that cannot reach the customer; `fields` names each one at fault."""

    code = "invalid_contact"
    default_message = _("Check your contact details: %(fields)s.")

    def __init__(self, *, fields: Sequence[str]) -> None:
        self.fields = list(fields)
        super().__init__(
            params={"fields": ", ".join(self.fields)},
            field=self.fields[0] if len(self.fields) == 1 else None,
        )


class PaymentMethodUnavailable(DomainError):
    """A payment method no provider handles, or one not offered for a shop and its choice.

    `method` is the value asked for; `shops` names the shops it cannot pay
    (empty when no provider is registered under `method`).
    """

    code = "payment_method_unavailable"
    default_message = _(
        "This payment method is not available for this order. Please choose another one."
    )
    field = "payment_method"

    def __init__(self, *, method: str, shops: Sequence[str] = ()) -> None:
        self.method = method
        self.shops = list(shops)
        super().__init__()


class CheckoutTokenReused(DomainError):
    """The idempotency key of another customer's checkout was sent again."""

    code = "checkout_token_reused"
    default_message = _("This checkout form has expired. Please reload the page.")


class IllegalTransition(DomainError):
    code = "illegal_transition"
    default_message = _("Order %(number)s is %(state)s: it cannot be %(action)s now.")

    def __init__(self, *, number: str, state: str, action: str | Promise) -> None:
        from comptoir.domain.orders.models import OrderState

        #: The order's current state (a value of OrderState), for callers to match on.
        self.state = state
        super().__init__(
            params={"number": number, "state": OrderState(state).label, "action": action}
        )


# --- The shop's order desk (issue #4) ---------------------------------------


class OrderNotFound(DomainError):
    """No such order in this shop: another shop's orders read the same (HTTP 404)."""

    code = "order_not_found"
    default_message = _("Order %(number)s was not found in this shop.")

    def __init__(self, *, number: str) -> None:
        super().__init__(params={"number": number})


class ReadyByInvalid(DomainError):
    """A ready-by time in the past, or after the end of the slot the customer chose."""

    code = "ready_by_invalid"
    default_message = _("Choose a ready-by time between now and the end of the slot (%(ends)s).")
    field = "ready_by"

    def __init__(self, *, ends: str) -> None:
        super().__init__(params={"ends": ends})


class RefusalReasonRequired(DomainError):
    code = "refusal_reason_required"
    default_message = _("Tell the customer why (at most %(max)s characters).")
    field = "reason"

    def __init__(self, *, maximum: int) -> None:
        super().__init__(params={"max": maximum})


class WrongPickupCode(DomainError):
    code = "wrong_pickup_code"
    default_message = _("This is not the pickup code of order %(number)s.")
    field = "pickup_code"

    def __init__(self, *, number: str) -> None:
        super().__init__(params={"number": number})


class NotADelivery(DomainError):
    code = "not_a_delivery"
    default_message = _("Order %(number)s is collected at the shop, not delivered.")

    def __init__(self, *, number: str) -> None:
        super().__init__(params={"number": number})


class NotACollection(DomainError):
    code = "not_a_collection"
    default_message = _("Order %(number)s is delivered, not collected at the shop.")

    def __init__(self, *, number: str) -> None:
        super().__init__(params={"number": number})


class NoShowTooEarly(DomainError):
    """A customer is only "not collected" once their pickup slot is over."""

    code = "no_show_too_early"
    default_message = _("The pickup slot ends at %(ends)s: wait until then.")

    def __init__(self, *, ends: str) -> None:
        super().__init__(params={"ends": ends})


class UnknownProduct(DomainError):
    """No such product (a stale page, a tampered form)."""

    code = "unknown_product"
    default_message = _("This product is no longer available.")
    field = "product"


class SoldOut(DomainError):
    """Nothing left of the product now: stock at zero, or sold out for today."""

    code = "sold_out"
    default_message = _("%(product)s is sold out for now.")
    field = "product"

    def __init__(self, *, product: str) -> None:
        super().__init__(params={"product": product})
