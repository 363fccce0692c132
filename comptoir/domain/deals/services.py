"""Writes on deals and vouchers: publish, pause, end, duplicate, claim, redeem.

Caps hold under concurrency without locks held across requests:

- claiming takes one of the deal's vouchers with a conditional UPDATE
  (`claimed_count = claimed_count + 1 WHERE total_cap IS NULL OR claimed_count
  < total_cap`): of 50 customers claiming the last 10, exactly 10 succeed;
- the customer's share is a unique (deal, customer, number) with number ≤ the
  limit: a double click computes the same number twice and one insert fails;
- redeeming is `UPDATE … SET redeemed_at = now WHERE code = … AND redeemed_at
  IS NULL`: of two tills racing on one code, one wins; the other is told when
  and where the voucher was used.

A refusal rolls its transaction back: no count moves without its voucher.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from comptoir.core.errors import full_clean_or_raise
from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.models import Product
from comptoir.domain.deals.emails import notify_owners_deal_hidden, notify_voucher_claimed
from comptoir.domain.deals.errors import (
    DealNotAvailable,
    DealSoldOut,
    InvalidDeal,
    VoucherAlreadyRedeemed,
    VoucherLimitReached,
    VoucherNotFound,
    VoucherNotUsableHere,
    VoucherWrongShop,
)
from comptoir.domain.deals.models import Deal, DealKind, DealState, RedeemedVia, Voucher
from comptoir.domain.deals.rules import check_claimable, check_usable
from comptoir.domain.orders.codes import new_order_number
from comptoir.domain.shops.models import Shop

CODE_ATTEMPTS = 8
DEAL_FIELDS = {
    "title",
    "description",
    "kind",
    "percent",
    "amount",
    "free_product",
    "buy_quantity",
    "pay_quantity",
    "whole_shop",
    "starts_at",
    "ends_at",
    "weekdays",
    "daily_from",
    "daily_until",
    "total_cap",
    "per_customer_limit",
    "in_store",
    "online",
    "terms",
}


def _check_products(shop: Shop, deal: Deal, products: list[Product]) -> None:
    if any(product.shop_id != shop.pk for product in products):
        raise InvalidDeal(params={"reason": _("every product must be one of the shop's.")})
    if not deal.whole_shop and not products:
        raise InvalidDeal(params={"reason": _("choose at least one product, or the whole shop.")})
    if deal.free_product is not None and deal.free_product.shop_id != shop.pk:
        raise InvalidDeal(params={"reason": _("the free product must be one of the shop's.")})


def _clear_unused(deal: Deal) -> None:
    """Only the fields of the deal's kind are kept (a form may post the others)."""
    if deal.kind != DealKind.PERCENT_OFF:
        deal.percent = None
    if deal.kind != DealKind.AMOUNT_OFF:
        deal.amount = None
    if deal.kind != DealKind.FREE_ITEM:
        deal.free_product = None
    if deal.kind != DealKind.N_FOR_M:
        deal.buy_quantity = deal.pay_quantity = None


@transaction.atomic
def deal_create(*, shop: Shop, products: list[Product] | None = None, **fields: Any) -> Deal:
    """Publish a deal of `shop` (live at once; it shows from `starts_at`)."""
    unknown = set(fields) - DEAL_FIELDS
    if unknown:
        raise TypeError(f"Unknown deal fields: {sorted(unknown)}")
    deal = Deal(shop=shop, city_id=shop.city_id, **fields)
    _clear_unused(deal)
    full_clean_or_raise(deal, exclude={"photo"})
    products = list(products or [])
    _check_products(shop, deal, products)
    deal.save()
    if not deal.whole_shop:
        deal.products.set(products)
    return deal


@transaction.atomic
def deal_update(*, deal: Deal, products: list[Product] | None = None, **fields: Any) -> Deal:
    unknown = set(fields) - DEAL_FIELDS
    if unknown:
        raise TypeError(f"Unknown deal fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(deal, name, value)
    _clear_unused(deal)
    full_clean_or_raise(deal, exclude={"photo"})
    products = list(products if products is not None else deal.products.all())
    _check_products(deal.shop, deal, products)
    deal.save()
    deal.products.set([] if deal.whole_shop else products)
    return deal


def _set_state(deal: Deal, state: str, *, allowed_from: set[str]) -> Deal:
    changed = Deal.objects.filter(pk=deal.pk, state__in=allowed_from).update(state=state)
    if not changed:
        raise DealNotAvailable
    deal.state = state
    return deal


def deal_pause(*, deal: Deal) -> Deal:
    """Stop claims and redemptions for now (vouchers already claimed stay valid after resume)."""
    return _set_state(deal, DealState.PAUSED, allowed_from={DealState.LIVE})


def deal_resume(*, deal: Deal) -> Deal:
    return _set_state(deal, DealState.LIVE, allowed_from={DealState.PAUSED})


def deal_end(*, deal: Deal) -> Deal:
    """End the deal early, for good: no more claims or redemptions."""
    return _set_state(deal, DealState.ENDED, allowed_from={DealState.LIVE, DealState.PAUSED})


@transaction.atomic
def deal_duplicate(*, deal: Deal, starts_at: datetime, ends_at: datetime) -> Deal:
    """A new live deal like `deal` (same offer, products and terms), for new dates."""
    fields = {name: getattr(deal, name) for name in DEAL_FIELDS}
    fields |= {"starts_at": starts_at, "ends_at": ends_at}
    return deal_create(shop=deal.shop, products=list(deal.products.all()), **fields)


def deal_hide(*, deal: Deal, reason: str, now: datetime) -> Deal:
    """The operator hides a deal from customers; the shop sees why, and its owners are e-mailed."""
    reason = reason.strip()
    if not reason:
        raise InvalidDeal(params={"reason": _("say why the deal is hidden.")})
    with transaction.atomic():
        Deal.objects.filter(pk=deal.pk).update(hidden_at=now, hidden_reason=reason[:300])
        deal.hidden_at, deal.hidden_reason = now, reason[:300]
        notify_owners_deal_hidden(deal=deal)
    return deal


def deal_unhide(*, deal: Deal) -> Deal:
    Deal.objects.filter(pk=deal.pk).update(hidden_at=None, hidden_reason="")
    deal.hidden_at, deal.hidden_reason = None, ""
    return deal


def deal_count_view(*, deal: Deal) -> None:
    """One more customer saw the deal (an F() increment: no lost view under load)."""
    Deal.objects.filter(pk=deal.pk).update(view_count=F("view_count") + 1)


# --- Vouchers -------------------------------------------------------------------------


def voucher_claim(
    *,
    deal: Deal,
    customer: User,
    now: datetime,
    link_url: Callable[[str], str] | None = None,
) -> Voucher:
    """Claim one voucher of `deal` for `customer`: a code to show at the counter or use online.

    The customer gets an e-mail copy (code, QR code, offer, validity, terms and
    the link to the voucher's page: `link_url` makes it absolute), written to
    the outbox in the claim's transaction and sent after it commits.
    """
    check_claimable(deal, now)
    with transaction.atomic():
        taken = Deal.objects.filter(
            Q(total_cap__isnull=True) | Q(claimed_count__lt=F("total_cap")),
            pk=deal.pk,
            state=DealState.LIVE,
            hidden_at__isnull=True,
        ).update(claimed_count=F("claimed_count") + 1)
        if not taken:
            raise DealSoldOut
        number = Voucher.objects.filter(deal=deal, customer=customer).count() + 1
        if number > deal.per_customer_limit:
            raise VoucherLimitReached
        for attempt in range(CODE_ATTEMPTS):
            try:
                with transaction.atomic():
                    voucher = Voucher.objects.create(
                        city_id=deal.city_id,
                        shop_id=deal.shop_id,
                        deal=deal,
                        customer=customer,
                        number=number,
                        code=new_order_number(),  # the same readable shape as order numbers
                        claimed_at=now,
                    )
                break
            except IntegrityError as error:
                if Voucher.objects.filter(deal=deal, customer=customer, number=number).exists():
                    # A concurrent claim of the same customer took this number.
                    raise VoucherLimitReached from error
                if attempt + 1 == CODE_ATTEMPTS:
                    raise
        notify_voucher_claimed(voucher=voucher, customer=customer, link_url=link_url)
    return voucher


def normalize_voucher_code(code: str) -> str:
    """As typed at the counter: case, spaces and dashes do not matter."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())[:8]
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


def _where(voucher: Voucher) -> str:
    if voucher.redeemed_via == RedeemedVia.ONLINE:
        number = voucher.order.number if voucher.order_id and voucher.order else ""
        return _("with online order %(number)s") % {"number": number} if number else _("online")
    return _("at %(shop)s") % {"shop": voucher.shop.name}


def voucher_redeem(
    *,
    code: str,
    shop: Shop,
    now: datetime,
    via: str = RedeemedVia.STORE,
    actor: User | None = None,
    order_id: int | None = None,
) -> Voucher:
    """Use a voucher once, at `shop` (its counter, or an online order from it)."""
    voucher = (
        Voucher.objects.select_related("deal__city", "shop", "order")
        .filter(code=normalize_voucher_code(code))
        .first()
    )
    if voucher is None:
        raise VoucherNotFound
    if voucher.shop_id != shop.pk:
        raise VoucherWrongShop(params={"shop": voucher.shop.name})
    if voucher.redeemed_at is not None:
        raise VoucherAlreadyRedeemed(redeemed_at=voucher.redeemed_at, where=_where(voucher))
    deal = voucher.deal
    if (via == RedeemedVia.STORE and not deal.in_store) or (
        via == RedeemedVia.ONLINE and not deal.online
    ):
        raise VoucherNotUsableHere
    check_usable(deal, now)
    with transaction.atomic():
        won = Voucher.objects.filter(pk=voucher.pk, redeemed_at__isnull=True).update(
            redeemed_at=now, redeemed_via=via, redeemed_by=actor, order_id=order_id
        )
        if not won:
            # Another till (or an online order) used it since the read above.
            voucher.refresh_from_db()
            raise VoucherAlreadyRedeemed(redeemed_at=voucher.redeemed_at, where=_where(voucher))  # type: ignore[arg-type]
        Deal.objects.filter(pk=deal.pk).update(redeemed_count=F("redeemed_count") + 1)
    voucher.refresh_from_db()
    return voucher


def deal_set_photo(*, deal: Deal, photo: Any) -> Deal:
    """Store a photo prepared by `core.images.prepare_photo` (None removes it).

    As for products: the old file goes only once the new one is committed.
    """
    old = deal.photo.name if deal.photo else ""
    if photo is None:
        deal.photo = ""
    else:
        deal.photo.save(photo.image.name or "deal.webp", photo.image, save=False)
    deal.save(update_fields=["photo", "updated_at"])
    storage = deal.photo.storage
    if old:
        transaction.on_commit(lambda: storage.delete(old))
    return deal


def voucher_release(*, order_id: int) -> Voucher | None:
    """Make the voucher an online order used usable again (the order was refused or cancelled).

    Call it inside the transaction that moved the order out of its open state
    (after the winning compare-and-set): the voucher's redemption is cleared
    with a compare-and-set on (order, via online), so two releases give back
    once; the deal's `redeemed_count` goes down with it. Returns the voucher
    released, or None if the order used none.
    """
    with transaction.atomic():
        voucher = Voucher.objects.filter(
            order_id=order_id, redeemed_via=RedeemedVia.ONLINE, redeemed_at__isnull=False
        ).first()
        if voucher is None:
            return None
        released = Voucher.objects.filter(
            pk=voucher.pk, order_id=order_id, redeemed_at__isnull=False
        ).update(redeemed_at=None, redeemed_via="", redeemed_by=None, order=None)
        if not released:
            return None
        Deal.objects.filter(pk=voucher.deal_id, redeemed_count__gt=0).update(
            redeemed_count=F("redeemed_count") - 1
        )
    voucher.redeemed_at, voucher.redeemed_via = None, ""
    voucher.redeemed_by_id = voucher.order_id = None
    return voucher


def voucher_used_message(voucher: Voucher) -> str:
    """'This voucher was already used on … (at …)', for a redeemed voucher."""
    assert voucher.redeemed_at is not None
    return str(VoucherAlreadyRedeemed(redeemed_at=voucher.redeemed_at, where=_where(voucher)))
