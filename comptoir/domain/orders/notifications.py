"""What the customer (and, when an order waits too long, the owner) is told.

Every message is recorded *inside* the transaction that moved the order and
sent *after* it commits: e-mails go through the outbox
(`email_send_after_commit`: one row per change and reader, written in that
transaction) and Web Push through `push_after_commit`, so a rolled-back
transition tells nobody anything and no request waits on a mail server. The
short messages are rendered there too (they read what the transaction
wrote); the checkout's confirmation, with its lines and QR codes, is
rendered by the worker that sends it, from the committed rows
(`render_placed`), so that a checkout does not draw it under its locks.

Messages are written in the reader's language: a customer account's
`User.language`, else (guests) the site's default language. Times are shown
in the city's zone. Each e-mail has a plain-text body and an HTML alternative,
rendered from `orders/email/<kind>.txt` and `.html`.

| when | who | what |
| --- | --- | --- |
| placed (one per checkout) | customer | per shop: code + QR, slot, map, lines, totals |
| accepted (by the shop or automatically) | customer | ready-by time, slot, pickup code |
| ready (click & collect) | customer | come and collect, pickup code, address |
| out for delivery | customer | on its way, address, slot |
| refused (by the shop, or not answered in time) | customer | reason, apology, up to 3 other shops |
| cancelled by the customer | customer | confirmation |
| escalated (waiting too long) | every owner of the shop | the order is waiting |
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext

from comptoir.core.money import format_money
from comptoir.core.qr import qr_png_base64
from comptoir.domain.accounts.models import User
from comptoir.domain.notifications.outbox import (
    Rendered,
    RenderLater,
    email_renderer,
    email_send_after_commit,
)
from comptoir.domain.notifications.push import push_after_commit
from comptoir.domain.orders.models import Checkout, Fulfilment, Order
from comptoir.domain.orders.selectors import orders_of_checkout
from comptoir.domain.shops.hours import is_open_at, next_opening
from comptoir.domain.shops.models import Shop
from comptoir.domain.shops.selectors import shops_to_suggest

SUGGESTED_SHOPS = 3
PLACED_RENDERER = "orders.placed"


@contextmanager
def _in_language(language: str) -> Iterator[None]:
    with translation.override(language or settings.LANGUAGE_CODE):
        yield


def customer_language(order: Order) -> str:
    """The language the customer reads: their account's, or the site's for guests."""
    customer = order.customer if order.customer_id else None
    return customer.language if customer is not None else settings.LANGUAGE_CODE


def order_page_path(order: Order) -> str:
    """Where the customer follows the order: their account, or the guest's confirmation page."""
    if order.customer_id:
        return reverse("accounts:order_detail", kwargs={"number": order.number})
    return reverse(
        "storefront:checkout_done",
        kwargs={"city_slug": order.city.slug, "token": order.checkout.token},
    )


def desk_path(shop: Shop) -> str:
    return reverse("desk:desk", kwargs={"city_slug": shop.city.slug, "shop_slug": shop.slug})


def local_time(moment: datetime, order: Order) -> str:
    """A wall-clock time in the city's zone, e.g. "10:05"."""
    return f"{moment.astimezone(order.city.zone):%H:%M}"


def local_day_and_time(moment: datetime, order: Order) -> str:
    """A day and time in the city's zone, in the active language: "mardi 10 mars, 10:05"."""
    local = moment.astimezone(order.city.zone)
    return f"{formats.date_format(local, 'l j F')}, {local:%H:%M}"


def slot_text(order: Order) -> str:
    starts = order.slot_starts_at.astimezone(order.city.zone)
    ends = local_time(order.slot_ends_at, order)
    return f"{formats.date_format(starts, 'l j F')}, {starts:%H:%M}–{ends}"


@dataclass(frozen=True, slots=True)
class Suggestion:
    name: str
    address: str
    phone: str
    opening: str  # "open now" or "opens Monday 7:30", in the reader's language


def _suggestions(order: Order, now: datetime) -> list[Suggestion]:
    suggestions: list[Suggestion] = []
    for shop in shops_to_suggest(instead_of=order.shop, now=now, limit=SUGGESTED_SHOPS):
        opens = None if is_open_at(shop, now) else next_opening(shop, now)
        if opens is None:
            opening = gettext("open now")
        else:
            opening = gettext("opens %(when)s") % {"when": local_day_and_time(opens, order)}
        suggestions.append(
            Suggestion(
                name=shop.name,
                address=f"{shop.street}, {shop.postal_code} {shop.locality}",
                phone=shop.phone,
                opening=opening,
            )
        )
    return suggestions


def _send(
    *,
    key: str,
    to: str,
    subject: str,
    template: str,
    context: Mapping[str, Any],
    language: str,
    inline_images: dict[str, str] | None = None,
) -> None:
    """Render `orders/email/<template>.txt|.html` in `language`; sent once, after commit."""
    with _in_language(language):
        body = render_to_string(f"orders/email/{template}.txt", dict(context))
        html = render_to_string(f"orders/email/{template}.html", dict(context))
    email_send_after_commit(
        key=key, to=to, subject=subject, body=body, html=html, inline_images=inline_images
    )


def map_url(shop: Shop) -> str:
    """The shop on OpenStreetMap (no key, no tracking), for "how do I get there"."""
    lat, lon = shop.latitude, shop.longitude
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"


def pickup_qr_png(code: str) -> str:
    """The pickup code as a QR code: a base64 PNG for an e-mail's inline image."""
    return qr_png_base64(code)


def notify_placed(*, checkout: Checkout) -> None:
    """The confirmation of a checkout: every shop's order, in one e-mail.

    Sent in the language the customer ordered in (the active one). The row
    is written now, in the checkout's transaction; its content is rendered
    by the worker that sends it (`render_placed`): the templates and the QR
    codes are not drawn while the checkout holds its locks.
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    with _in_language(language):
        subject = gettext("Your order at Comptoir")
    email_send_after_commit(
        key=f"checkout:{checkout.pk}:placed:customer",
        to=checkout.contact_email,
        subject=subject,
        render=RenderLater(PLACED_RENDERER, {"checkout_id": checkout.pk, "language": language}),
    )


@email_renderer(PLACED_RENDERER)
def render_placed(*, checkout_id: int, language: str) -> Rendered:
    """The confirmation's content, from the committed checkout (see `notify_placed`).

    Click & collect orders carry their pickup code as text and as a QR code
    (an inline image), with a map link to the shop.
    """
    placed_orders = orders_of_checkout(checkout_id)
    checkout = placed_orders[0].order.checkout
    orders = [part.order for part in placed_orders]
    images: dict[str, str] = {}
    placed = []
    with _in_language(language):
        for part in placed_orders:
            order = part.order
            context = _base_context(order)
            context["lines"] = part.lines
            context["delivery_fee"] = format_money(order.delivery_fee) if order.delivery_fee else ""
            if order.fulfilment == Fulfilment.COLLECT:
                context["qr_cid"] = f"qr-{order.number}"
                context["map_url"] = map_url(order.shop)
                images[context["qr_cid"]] = pickup_qr_png(order.pickup_code)
            placed.append(context)
        grand_total = sum((order.total for order in orders), Decimal("0.00"))
        context = {
            "name": checkout.contact_name,
            "orders": placed,
            "count": len(placed),
            "grand_total": format_money(grand_total),
            "delivering": any(order.fulfilment == Fulfilment.DELIVERY for order in orders),
        }
        return Rendered(
            body=render_to_string("orders/email/placed.txt", context),
            html=render_to_string("orders/email/placed.html", context),
            inline_images=images,
        )


def _base_context(order: Order) -> dict[str, Any]:
    return {
        "order": order,
        "shop": order.shop,
        "name": order.contact_name,
        "slot": slot_text(order),
        "total": format_money(order.total),
        # A voucher used online: "-1,21 €", and its code.
        "discount": format_money(order.discount) if order.discount else "",
        "is_delivery": order.fulfilment == Fulfilment.DELIVERY,
        "shop_address": f"{order.shop.street}, {order.shop.postal_code} {order.shop.locality}",
        "delivery_address": (
            f"{order.delivery_line1}, {order.delivery_postal_code} {order.delivery_locality}"
        ),
    }


def _tell_customer(
    order: Order, *, template: str, subject: str, push_body: str, **extra: Any
) -> None:
    """E-mail and push the customer in their language (subject/body already translated)."""
    language = customer_language(order)
    with _in_language(language):
        context = _base_context(order) | extra
    _send(
        key=f"order:{order.pk}:{template}:customer",
        to=order.contact_email,
        subject=subject,
        template=template,
        context=context,
        language=language,
    )
    push_after_commit(
        user_id=order.customer_id,
        order_id=order.pk,
        title=subject,
        body=push_body,
        url=order_page_path(order),
        key=f"order:{order.pk}:{template}",
    )


def notify_accepted(*, order: Order) -> None:
    """The shop (or auto-accept) took the order: when it will be ready."""
    assert order.ready_by is not None
    with _in_language(customer_language(order)):
        ready_by = local_day_and_time(order.ready_by, order)
        subject = gettext("%(shop)s accepted your order %(number)s") % {
            "shop": order.shop.name,
            "number": order.number,
        }
        if order.fulfilment == Fulfilment.COLLECT:
            push_body = gettext("Ready by %(time)s.") % {"time": ready_by}
        else:
            push_body = gettext("It leaves the shop around %(time)s.") % {"time": ready_by}
    _tell_customer(
        order, template="accepted", subject=subject, push_body=push_body, ready_by=ready_by
    )


def notify_ready(*, order: Order) -> None:
    """Click & collect: come and collect it. Delivery: it is on its way (sent out)."""
    with _in_language(customer_language(order)):
        if order.fulfilment == Fulfilment.COLLECT:
            subject = gettext("Your order %(number)s is ready at %(shop)s") % {
                "number": order.number,
                "shop": order.shop.name,
            }
            push_body = gettext("Come and collect it with your pickup code.")
        else:
            subject = gettext("Your order %(number)s from %(shop)s is on its way") % {
                "number": order.number,
                "shop": order.shop.name,
            }
            push_body = gettext("Delivery: %(slot)s") % {"slot": slot_text(order)}
    _tell_customer(order, template="ready", subject=subject, push_body=push_body)


def notify_refused(*, order: Order, reason: str, automatic: bool, now: datetime) -> None:
    """The shop said no (or did not answer): why, sorry, and where else to try."""
    with _in_language(customer_language(order)):
        if automatic:
            reason = gettext("The shop could not answer your order in time.")
        subject = gettext("%(shop)s could not take your order %(number)s") % {
            "shop": order.shop.name,
            "number": order.number,
        }
        push_body = gettext("We are sorry. Other shops are suggested in our e-mail.")
        suggestions = _suggestions(order, now)
    _tell_customer(
        order,
        template="refused",
        subject=subject,
        push_body=push_body,
        reason=reason,
        automatic=automatic,
        suggestions=suggestions,
    )


def notify_cancelled(*, order: Order) -> None:
    """The customer cancelled: confirm that nothing is owed and nothing is kept."""
    with _in_language(customer_language(order)):
        subject = gettext("Your order %(number)s at %(shop)s is cancelled") % {
            "number": order.number,
            "shop": order.shop.name,
        }
        push_body = gettext("Cancelled as you asked. Nothing to pay.")
    _tell_customer(order, template="cancelled", subject=subject, push_body=push_body)


def notify_owners_escalated(*, order: Order, owners: list[User], waited_minutes: int) -> None:
    """An order waited too long: tell every owner (e-mail and push), each in their language."""
    for owner in owners:
        with _in_language(owner.language):
            subject = gettext("Order %(number)s is waiting at %(shop)s") % {
                "number": order.number,
                "shop": order.shop.name,
            }
            body = gettext(
                "A new order has been waiting for %(minutes)s minutes. Accept or refuse it."
            ) % {"minutes": waited_minutes}
            context = _base_context(order) | {
                "owner": owner,
                "message": body,
                "placed_at": local_day_and_time(order.placed_at, order),
            }
        _send(
            key=f"order:{order.pk}:escalated:owner:{owner.pk}",
            to=owner.email,
            subject=subject,
            template="escalated",
            context=context,
            language=owner.language,
        )
        push_after_commit(
            user_id=owner.pk,
            title=subject,
            body=body,
            url=desk_path(order.shop),
            key=f"order:{order.pk}:escalated:{owner.pk}",
            tag=f"desk-{order.shop_id}",
        )
