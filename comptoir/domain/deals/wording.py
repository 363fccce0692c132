"""How a deal's offer is said in one short line, the same on every screen and e-mail.

"-20 %", "-3,00 €", "1 Croissant offered", "3 for the price of 2": the
customer's card, the shop's preview and list, the counter's check screen,
the e-mails and the digest all call `offer_label`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from comptoir.core.money import format_money
from comptoir.domain.deals.models import Deal, DealKind


def offer_label(deal: Deal) -> str:
    """The offer in a few words, in the active language."""
    if deal.kind == DealKind.PERCENT_OFF:
        return _("−%(percent)s %%") % {"percent": deal.percent}  # noqa: RUF001 (a minus sign)
    if deal.kind == DealKind.AMOUNT_OFF and deal.amount is not None:
        return _("−%(amount)s") % {"amount": format_money(deal.amount)}  # noqa: RUF001
    if deal.kind == DealKind.FREE_ITEM:
        product = deal.free_product.name if deal.free_product_id and deal.free_product else ""
        return _("%(product)s offered") % {"product": product} if product else _("An item offered")
    if deal.kind == DealKind.N_FOR_M:
        return _("%(buy)s for the price of %(pay)s") % {
            "buy": deal.buy_quantity,
            "pay": deal.pay_quantity,
        }
    return str(deal.get_kind_display())
