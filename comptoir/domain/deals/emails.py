"""The e-mail copy of a claimed voucher: its code (and QR code), the offer, when and where.

Built inside the claim's transaction and written to the outbox
(`email_send_after_commit`): a refused or rolled-back claim sends nothing, and
the mail server is only reached after commit. Written in the customer's
language, times in the city's zone; a plain-text body and an HTML alternative
from `deals/emails/voucher_claimed.txt|.html`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext

from comptoir.domain.accounts.models import User
from comptoir.domain.deals.models import EVERY_DAY, Deal, Voucher
from comptoir.domain.deals.qr import voucher_qr_png
from comptoir.domain.deals.wording import offer_label
from comptoir.domain.notifications.outbox import email_send_after_commit


def voucher_path(voucher: Voucher) -> str:
    return reverse("accounts:voucher", kwargs={"code": voucher.code})


def _window(deal: Deal) -> str:
    zone = deal.city.zone
    start, end = deal.starts_at.astimezone(zone), deal.ends_at.astimezone(zone)
    return gettext("From %(start)s to %(end)s") % {
        "start": f"{formats.date_format(start, 'l j F')}, {start:%H:%M}",
        "end": f"{formats.date_format(end, 'l j F')}, {end:%H:%M}",
    }


def _days_and_hours(deal: Deal) -> str:
    parts = []
    if deal.weekdays != EVERY_DAY:
        parts.append(", ".join(str(WEEKDAYS[d]) for d in range(7) if deal.weekdays & (1 << d)))
    if deal.daily_from is not None and deal.daily_until is not None:
        parts.append(f"{deal.daily_from:%H:%M}–{deal.daily_until:%H:%M}")
    return " · ".join(parts)


def _where(deal: Deal) -> str:
    if deal.in_store and deal.online:
        return gettext("In the shop or with an online order")
    if deal.in_store:
        return gettext("In the shop only")
    return gettext("With an online order only")


def notify_voucher_claimed(
    *, voucher: Voucher, customer: User, link_url: Callable[[str], str] | None = None
) -> None:
    """Queue the customer's copy of `voucher` (once per voucher), sent after commit.

    `link_url` turns the voucher page's path into the absolute URL of the
    e-mail (the interface knows the host); without it the path is given.
    """
    if not customer.email:
        return
    deal = voucher.deal
    shop = deal.shop
    path = voucher_path(voucher)
    qr_cid = f"voucher-{voucher.code}"
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        context = {
            "name": customer.first_name or customer.get_full_name(),
            "code": voucher.code,
            "offer": offer_label(deal),
            "deal": deal,
            "shop": shop,
            "shop_address": f"{shop.street}, {shop.postal_code} {shop.locality}",
            "window": _window(deal),
            "days_and_hours": _days_and_hours(deal),
            "where": _where(deal),
            "url": link_url(path) if link_url else path,
            "qr_cid": qr_cid,
        }
        subject = gettext("Your voucher %(code)s: %(offer)s at %(shop)s") % {
            "code": voucher.code,
            "offer": context["offer"],
            "shop": shop.name,
        }
        context["subject"] = subject
        body = render_to_string("deals/emails/voucher_claimed.txt", context)
        html = render_to_string("deals/emails/voucher_claimed.html", context)
    email_send_after_commit(
        key=f"voucher:{voucher.pk}:claimed:customer",
        to=customer.email,
        subject=subject,
        body=body,
        html=html,
        inline_images={qr_cid: voucher_qr_png(voucher.code)},
    )


def notify_owners_deal_hidden(*, deal: Deal) -> None:
    """Tell the shop's owners that the operator hid `deal`, and why (after commit)."""
    # Imported here: the shops' roles are not a dependency of the customer's e-mails above.
    from comptoir.core.site import site_url
    from comptoir.domain.shops.models import Role

    owners = User.objects.filter(
        memberships__shop_id=deal.shop_id, memberships__role=Role.OWNER, is_active=True
    ).order_by("pk")
    path = reverse(
        "backoffice:deals", kwargs={"city_slug": deal.city.slug, "shop_slug": deal.shop.slug}
    )
    for owner in owners:
        with translation.override(owner.language or settings.LANGUAGE_CODE):
            subject = gettext("Your deal “%(title)s” is hidden") % {"title": deal.title}
            body = gettext(
                "Hello,\n\n"
                "Comptoir's team has hidden your deal “%(title)s” from customers, "
                "for this reason:\n\n%(reason)s\n\n"
                "While it is hidden, its vouchers cannot be claimed or used. To change the "
                "deal, or to ask the team about it, open your deals: %(url)s\n\n"
                "Comptoir"
            ) % {"title": deal.title, "reason": deal.hidden_reason, "url": site_url() + path}
        email_send_after_commit(
            key=f"deals:hidden:{deal.pk}:{deal.hidden_at:%Y%m%dT%H%M%S}:{owner.pk}",
            to=owner.email,
            subject=subject,
            body=body,
        )
