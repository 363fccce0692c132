"""What the deals services refuse."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError


class DealNotFound(DomainError):
    code = "deal_not_found"
    default_message = _("This deal does not exist or is no longer shown.")


class DealNotAvailable(DomainError):
    """Paused by the shop, ended, or hidden by the operator."""

    code = "deal_not_available"
    default_message = _("This deal is not available any more.")


class DealNotStarted(DomainError):
    code = "deal_not_started"
    default_message = _("This deal starts on %(when)s.")

    def __init__(self, *, starts_at: datetime) -> None:
        self.starts_at = starts_at
        super().__init__(params={"when": timezone.localtime(starts_at).strftime("%d/%m %H:%M")})


class DealExpired(DomainError):
    code = "deal_expired"
    default_message = _("This deal has ended.")


class DealOutsideHours(DomainError):
    """Valid today, but not on this weekday or at this time of day."""

    code = "deal_outside_hours"
    default_message = _("This deal cannot be used at this time: see when it applies.")


class DealSoldOut(DomainError):
    code = "deal_sold_out"
    default_message = _("All the vouchers of this deal have been claimed.")


class VoucherLimitReached(DomainError):
    code = "voucher_limit_reached"
    default_message = _("You already have as many vouchers of this deal as allowed.")


class VoucherNotFound(DomainError):
    code = "voucher_not_found"
    default_message = _("No voucher has this code. Check it and try again.")
    field = "code"


class VoucherAlreadyRedeemed(DomainError):
    """Used before: says when and where, so the counter can explain."""

    code = "voucher_already_redeemed"
    default_message = _("This voucher was already used on %(when)s (%(where)s).")
    field = "code"

    def __init__(self, *, redeemed_at: datetime, where: str) -> None:
        self.redeemed_at = redeemed_at
        super().__init__(
            params={
                "when": timezone.localtime(redeemed_at).strftime("%d/%m %H:%M"),
                "where": where,
            }
        )


class VoucherWrongShop(DomainError):
    code = "voucher_wrong_shop"
    default_message = _("This voucher is for another shop: %(shop)s.")
    field = "code"


class VoucherNotUsableHere(DomainError):
    """In the shop only, or online only."""

    code = "voucher_not_usable_here"
    default_message = _("This voucher cannot be used this way (see its terms).")
    field = "code"


class InvalidDeal(DomainError):
    """A deal whose fields do not make sense together (the message says which)."""

    code = "invalid_deal"
    default_message = _("Check the deal: %(reason)s")
