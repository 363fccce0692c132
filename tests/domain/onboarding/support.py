"""Helpers of the onboarding tests: an invitation with its token, a shop ready to go live."""

from __future__ import annotations

from datetime import UTC, datetime

from comptoir.domain.onboarding.services import ShopDetails, owner_invitation_create
from comptoir.domain.shops.models import Shop
from tests.factories import make_opening_hours, make_product

NOW = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)

DETAILS = ShopDetails(
    name="Au Bon Pain",
    trade="bakery",
    street="12 rue du Gros-Horloge",
    postal_code="76000",
    locality="Rouen",
    phone="02 35 00 00 00",
    email="contact@aubonpain.fr",
)


def invite(city, email="lea@example.fr", now=NOW, **kwargs):
    """Invite `email` to open a shop in `city`; return (invitation, the token of the e-mail)."""
    tokens: list[str] = []

    def link_url(token):
        tokens.append(token)
        return f"https://comptoir.test/shop/welcome/{token}/"

    invitation = owner_invitation_create(
        city=city, email=email, invited_by=None, now=now, link_url=link_url, **kwargs
    )
    return invitation, tokens[0]


def make_ready(shop: Shop) -> Shop:
    """Complete the shop's first-run checklist: photo, hours, 5 products, click & collect."""
    Shop.objects.filter(pk=shop.pk).update(photo="shops/front.jpg", collect_enabled=True)
    shop.refresh_from_db()
    make_opening_hours(shop, 1, "08:00", "19:00")
    for _ in range(5):
        make_product(shop)
    return shop
