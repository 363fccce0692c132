"""What a placed order holds, and the one way to give it back.

Checkout takes three things per order: stock (products with a count), the
day's quota of quota-limited products, and a place in the chosen slot. An
order the customer cancels or the shop refuses gives all three back, through
`order_release_holdings`, in the same lock order as checkout (products, then
quotas, then the slot, then the voucher) so a release never deadlocks with a
checkout. A voucher the order used online becomes usable again
(`deals.services.voucher_release`).
"""

from __future__ import annotations

from comptoir.domain.deals.services import voucher_release
from comptoir.domain.fulfilment.services import quota_release, slot_release
from comptoir.domain.orders.models import Order
from comptoir.domain.orders.stock import require_atomic, stock_release
from comptoir.domain.orders.transitions import service_day


def order_release_holdings(*, order: Order) -> None:
    """Give back the stock, daily quotas, slot place and voucher `order` took at checkout.

    Call it inside the transaction that moved the order out of `placed`, right
    after the winning compare-and-set: only the winner releases, so two
    concurrent cancels/refusals give back once.
    """
    require_atomic()
    lines = list(order.lines.select_related("product"))
    stock_release(quantities={line.product_id: line.quantity for line in lines if line.product_id})
    day = service_day(order)
    for line in sorted(lines, key=lambda line: line.product_id or 0):
        if line.product is not None and line.product.daily_quota is not None:
            quota_release(product=line.product, day=day, quantity=line.quantity)
    slot_release(shop=order.shop, kind=order.fulfilment, starts_at=order.slot_starts_at)
    if order.voucher_code:
        voucher_release(order_id=order.pk)
