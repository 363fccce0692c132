"""Reads of onboarding: an invitation by its token, a shop's way to going live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import QuerySet

from comptoir.domain.onboarding.errors import (
    OwnerInvitationExpired,
    OwnerInvitationInvalid,
    OwnerInvitationUsed,
)
from comptoir.domain.onboarding.models import GoLiveRequest, OwnerInvitation
from comptoir.domain.shops.invitations import token_hash
from comptoir.domain.shops.models import Shop


def owner_invitation_for_token(*, token: str, now: datetime) -> OwnerInvitation:
    """The open invitation of `token`, city loaded; or why it cannot be used."""
    invitation = (
        OwnerInvitation.objects.select_related("city").filter(token_hash=token_hash(token)).first()
    )
    if invitation is None:
        raise OwnerInvitationInvalid
    if invitation.used_at is not None or invitation.revoked_at is not None:
        raise OwnerInvitationUsed
    if invitation.expires_at <= now:
        raise OwnerInvitationExpired
    return invitation


class ShopStatus(StrEnum):
    NOT_LIVE = "not_live"  # being prepared, hidden from customers
    WAITING = "waiting"  # asked to go live, the operator has not approved yet
    LIVE = "live"  # published
    SUSPENDED = "suspended"  # hidden for unpaid invoices (billing)
    UNPUBLISHED = "unpublished"  # approved once, hidden by the operator since


@dataclass(frozen=True, slots=True)
class GoLive:
    status: ShopStatus
    #: Whether the city publishes a ready shop at once (no approval).
    automatic: bool


def shop_go_live_status(shop: Shop) -> GoLive:
    """Where `shop` stands on its way to customers (one query for the request)."""
    automatic = shop.city.shops_go_live_automatically
    if shop.suspended_at is not None:
        return GoLive(ShopStatus.SUSPENDED, automatic)
    if shop.is_active:
        return GoLive(ShopStatus.LIVE, automatic)
    if shop.approved_at is not None:
        return GoLive(ShopStatus.UNPUBLISHED, automatic)
    if GoLiveRequest.objects.filter(shop=shop).exists():
        return GoLive(ShopStatus.WAITING, automatic)
    return GoLive(ShopStatus.NOT_LIVE, automatic)


def shops_awaiting_approval() -> QuerySet[Shop]:
    """Shops whose owner asked to go live and that the operator has not approved yet."""
    return Shop.objects.filter(
        go_live_request__isnull=False,
        approved_at__isnull=True,
        is_active=False,
        suspended_at__isnull=True,
    )
