"""The first-run checklist: what a new shop still needs before customers can order well.

A selector: one query reads everything (hours, products on sale, team size,
open invitations) as annotations on the shop row. The interface decides
where each item links to; the domain only says what is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comptoir.domain.catalogue.models import Product
from comptoir.domain.shops.models import Membership, OpeningHours, Shop, ShopInvitation

#: A shop page with fewer products looks empty.
MIN_PRODUCTS_ON_SALE = 5


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    key: str
    label: Promise
    done: bool
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Checklist:
    items: tuple[ChecklistItem, ...]
    products_on_sale: int

    @property
    def required(self) -> tuple[ChecklistItem, ...]:
        return tuple(item for item in self.items if not item.optional)

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.required)

    @property
    def total(self) -> int:
        return len(self.required)

    @property
    def percent(self) -> int:
        """Share of the required items done, rounded down (100 only when all are)."""
        return self.done_count * 100 // self.total

    @property
    def is_complete(self) -> bool:
        return self.done_count == self.total


def _count(rows: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of `rows` (0 when none) as an annotation."""
    counted = rows.order_by().values("shop").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def shop_checklist(shop: Shop, *, now: datetime) -> Checklist:
    """What `shop` has set up: photo, hours, 5 products on sale, fulfilment, (optional) team."""
    row = (
        Shop.objects.filter(pk=shop.pk)
        .annotate(
            has_hours=Exists(OpeningHours.objects.filter(shop=OuterRef("pk"))),
            products_on_sale=_count(Product.objects.filter(shop=OuterRef("pk"), is_active=True)),
            team_size=_count(Membership.objects.filter(shop=OuterRef("pk"))),
            has_open_invitation=Exists(
                ShopInvitation.objects.filter(
                    shop=OuterRef("pk"),
                    accepted_at__isnull=True,
                    revoked_at__isnull=True,
                    expires_at__gt=now,
                )
            ),
        )
        .values(
            "photo",
            "has_hours",
            "products_on_sale",
            "team_size",
            "has_open_invitation",
            "collect_enabled",
            "delivery_enabled",
        )
        .get()
    )
    products_on_sale = int(row["products_on_sale"])
    items = (
        ChecklistItem("photo", _("Add a photo of the shop"), bool(row["photo"])),
        ChecklistItem("hours", _("Set your opening hours"), bool(row["has_hours"])),
        ChecklistItem(
            "products",
            _("Put at least 5 products on sale"),
            products_on_sale >= MIN_PRODUCTS_ON_SALE,
        ),
        ChecklistItem(
            "fulfilment",
            _("Offer click & collect or delivery"),
            bool(row["collect_enabled"] or row["delivery_enabled"]),
        ),
        ChecklistItem(
            "staff",
            _("Invite your staff"),
            bool(row["team_size"] >= 2 or row["has_open_invitation"]),
            optional=True,
        ),
    )
    return Checklist(items=items, products_on_sale=products_on_sale)
