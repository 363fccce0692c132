"""When a deal can be used: its state, its window and its days and hours, in city time.

The one place these rules live; claims and redemptions (in the shop or with
an online order) all ask `check_usable`.
"""

from __future__ import annotations

from datetime import datetime

from comptoir.domain.deals.errors import (
    DealExpired,
    DealNotAvailable,
    DealNotStarted,
    DealOutsideHours,
)
from comptoir.domain.deals.models import Deal, DealState


def is_visible(deal: Deal) -> bool:
    """Shown to customers: live and not hidden by the operator."""
    return deal.state == DealState.LIVE and deal.hidden_at is None


def check_claimable(deal: Deal, moment: datetime) -> None:
    """Can a customer claim a voucher now? Within the start–end window, whatever the hour."""
    if not is_visible(deal):
        raise DealNotAvailable
    if moment < deal.starts_at:
        raise DealNotStarted(starts_at=deal.starts_at)
    if moment >= deal.ends_at:
        raise DealExpired


def check_usable(deal: Deal, moment: datetime) -> None:
    """Can a voucher of the deal be redeemed now? The window, then the days and hours."""
    check_claimable(deal, moment)
    local = moment.astimezone(deal.city.zone)
    if not deal.weekdays & (1 << local.weekday()):
        raise DealOutsideHours
    if deal.daily_from is not None and deal.daily_until is not None:
        now = local.time().replace(tzinfo=None)
        if not deal.daily_from <= now < deal.daily_until:
            raise DealOutsideHours
