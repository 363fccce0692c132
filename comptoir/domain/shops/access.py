"""Who may do what in a shop: the one place the shop-side roles are spelled out.

Owners run the shop (catalogue, prices, settings, staff, sales); staff handle
orders and stock at the counter. Every shop-side page and API endpoint asks
`membership_for` (the shop, as seen by this user, or `ShopNotFound`) and then
`require` (the permission, or `NotAllowedInShop`). Another shop's pages are
*not found*, never *forbidden*: a stranger learns nothing about them.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError
from comptoir.domain.accounts.models import User
from comptoir.domain.shops.models import Membership, Role


class Permission(StrEnum):
    HANDLE_ORDERS = "handle_orders"  # the desk: accept, refuse, ready, hand over
    UPDATE_STOCK = "update_stock"  # stock +/- and "sold out today"
    MANAGE_CATALOGUE = "manage_catalogue"  # products, prices, photos, CSV import
    MANAGE_SETTINGS = "manage_settings"  # hours, closures, fulfilment, escalation
    MANAGE_STAFF = "manage_staff"
    VIEW_SALES = "view_sales"


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.STAFF: frozenset({Permission.HANDLE_ORDERS, Permission.UPDATE_STOCK}),
}


class ShopNotFound(DomainError):
    """No such shop, or not one of this user's: both read the same (HTTP 404)."""

    code = "shop_not_found"
    default_message = _("This shop does not exist or is not one of yours.")


class NotAllowedInShop(DomainError):
    """The user works in the shop but their role does not allow this (HTTP 403)."""

    code = "not_allowed_in_shop"
    default_message = _("Only the shop's owner can do this.")


def memberships_of(user: User) -> list[Membership]:
    """The shops a user works in, with shop and city loaded, by shop name."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user)
        .select_related("shop", "shop__city")
        .order_by("shop__name", "pk")
    )


def membership_for(*, user: User, city_slug: str, shop_slug: str) -> Membership:
    """The user's membership of the shop `city_slug/shop_slug`, shop and city loaded."""
    if not user.is_authenticated or not user.is_active:
        raise ShopNotFound
    membership = (
        # Shops of a city not yet live, and unpublished shops, are still run
        # by their people: they prepare the catalogue before going live.
        Membership.objects.filter(user=user, shop__city__slug=city_slug, shop__slug=shop_slug)
        .select_related("shop", "shop__city")
        .first()
    )
    if membership is None:
        raise ShopNotFound
    return membership


def can(membership: Membership, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(membership.role, frozenset())


def require(membership: Membership, permission: Permission) -> None:
    if not can(membership, permission):
        raise NotAllowedInShop
