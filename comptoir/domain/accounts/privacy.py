"""A customer's rights over their data (GDPR): get a copy of it, delete the account.

`account_export` gathers everything Comptoir holds about one account, as
JSON-ready data: strings, numbers, booleans, lists and dicts only. Money is a
string to the cent next to the order's `currency`; times are ISO 8601 with
their offset, in the order's city zone (profile dates in the site's zone).
Secrets are never part of it: no password hash, no log-in token (not even its
hash), no push encryption keys, no checkout idempotency key.

`account_delete` erases the person but not the shops' books. French law
(Code de commerce, art. L123-22) makes traders keep their accounting records
and supporting documents for ten years, so every order stays, with its
number, shop, dates, states, lines, prices and totals; what identifies the
customer on it is replaced:

- contact name → `ANONYMISED` ("—", the same in every language);
- contact e-mail → `deleted-<order number>@anonymised.invalid` (unique, and the
  `.invalid` top-level domain can never receive mail, RFC 2606);
- contact phone → empty;
- delivery address → recipient, street lines, instructions and coordinates
  removed; the postal code and town stay (the shop's sales geography, no
  longer a person's address). The street line becomes `ANONYMISED` because a
  delivery order must keep a non-empty one (a database constraint).

Checkouts get the same treatment. Everything else goes: the User row itself
(orders, checkouts, order events and invitations keep a NULL link, by their
SET_NULL foreign keys), saved addresses, log-in links, baskets, shop
memberships and push subscriptions. The e-mail address is then free to sign
up again. Order event reasons are kept: they are the shops' record of why an
order ended as it did.

Deletion is refused, changing nothing, while an order is still open (the shop
must be able to reach the customer about it), for the last owner of a shop
(a shop must keep an owner), and for operators (their accounts carry the
back office's audit log).

Orders placed as a guest are not linked to any account: an operator answers
such a request by e-mail with `guest_data_export` and `guest_data_anonymise`
(docs/accounts.md, "Your data").
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Case, CharField, Count, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.domain.accounts.errors import (
    AccountHasOpenOrders,
    AccountIsLastShopOwner,
    OperatorAccountNotDeletable,
)
from comptoir.domain.accounts.models import Address, LoginLink, LoginThrottle, User
from comptoir.domain.deals.models import DigestSubscription, Voucher
from comptoir.domain.notifications.models import PushDelivery, PushSubscription
from comptoir.domain.notifications.outbox import email_send_after_commit
from comptoir.domain.orders.models import (
    OPEN_STATES,
    Checkout,
    Fulfilment,
    Order,
    OrderEvent,
    OrderLine,
)
from comptoir.domain.shops.models import Membership, Role

#: What replaces a deleted customer's name (and a delivery's street line) on orders.
ANONYMISED = "—"
#: The domain of the placeholder e-mail addresses: `.invalid` never receives mail.
ANONYMISED_EMAIL_DOMAIN = "anonymised.invalid"
#: Bumped when the export's shape changes, so that a reader knows what it holds.
EXPORT_FORMAT = 1

type JSON = dict[str, Any]


def _time(value: datetime | None, zone: tzinfo | None = None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value, zone).isoformat()


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _coordinate(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _event_by(event: OrderEvent, user: User | None) -> str:
    """Who moved the order, without naming shop staff: "you", "shop" or "comptoir"."""
    if event.from_state == "" or (user is not None and event.actor_id == user.pk):
        return "you"  # placing an order is always the customer's doing
    return "comptoir" if event.actor_id is None else "shop"


def _order(order: Order, user: User | None) -> JSON:
    zone = order.city.zone
    return {
        "number": order.number,
        "shop": {"name": order.shop.name, "slug": order.shop.slug, "city": order.city.name},
        "placed_at": _time(order.placed_at, zone),
        "state": order.state,
        "fulfilment": order.fulfilment,
        "slot": {
            "starts_at": _time(order.slot_starts_at, zone),
            "ends_at": _time(order.slot_ends_at, zone),
        },
        "ready_by": _time(order.ready_by, zone),
        "contact": {
            "name": order.contact_name,
            "email": order.contact_email,
            "phone": order.contact_phone,
        },
        "delivery_address": None
        if not order.delivery_line1
        else {
            "recipient": order.delivery_recipient,
            "line1": order.delivery_line1,
            "line2": order.delivery_line2,
            "postal_code": order.delivery_postal_code,
            "locality": order.delivery_locality,
            "instructions": order.delivery_instructions,
            "latitude": _coordinate(order.delivery_latitude),
            "longitude": _coordinate(order.delivery_longitude),
        },
        "currency": order.city.currency,
        "lines": [
            {
                "product": line.product_name,
                "unit": line.unit,
                "unit_price": _money(line.unit_price),
                "vat_rate": str(line.vat_rate),
                "quantity": line.quantity,
                "line_total": _money(line.line_total),
                "discount": _money(line.discount),
            }
            for line in order.lines.all()
        ],
        "subtotal": _money(order.subtotal),
        "discount": _money(order.discount),
        "voucher": order.voucher_code or None,
        "delivery_fee": _money(order.delivery_fee),
        "total": _money(order.total),
        "payment_method": order.payment_method,
        "payment_state": order.payment_state,
        "events": [
            {
                "at": _time(event.at, zone),
                "from_state": event.from_state,
                "to_state": event.to_state,
                "by": _event_by(event, user),
                "reason": event.reason,
            }
            for event in order.events.all()
        ],
    }


def _orders_with_details(orders: QuerySet[Order]) -> QuerySet[Order]:
    return (
        orders.select_related("shop", "city")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
            Prefetch("events", queryset=OrderEvent.objects.order_by("at", "pk")),
        )
        .order_by("placed_at", "pk")
    )


def _checkouts(checkouts: QuerySet[Checkout]) -> list[JSON]:
    return [
        {
            "created_at": _time(checkout.created_at),
            "contact": {
                "name": checkout.contact_name,
                "email": checkout.contact_email,
                "phone": checkout.contact_phone,
            },
            "orders": sorted(order.number for order in checkout.orders.all()),
        }
        for checkout in checkouts.prefetch_related(
            Prefetch("orders", queryset=Order.objects.only("number", "checkout"))
        ).order_by("created_at", "pk")
    ]


def account_export(*, user: User, now: datetime | None = None) -> JSON:
    """Everything Comptoir holds about `user`, ready for `json.dumps`. Twelve queries.

    Orders placed as a guest (without logging in) are not linked to the
    account and are not part of it: see docs/accounts.md for such requests.
    """
    now = now or timezone.now()
    addresses = Address.objects.filter(user=user).order_by("created_at", "pk")
    orders = _orders_with_details(Order.objects.filter(customer=user))
    subscriptions = (
        PushSubscription.objects.filter(user=user)
        .select_related("shop")
        .order_by("created_at", "pk")
    )
    memberships = Membership.objects.filter(user=user).select_related("shop__city").order_by("pk")
    links = LoginLink.objects.filter(user=user).order_by("created_at", "pk")
    vouchers = (
        Voucher.objects.filter(customer=user)
        .select_related("deal", "shop", "city", "order")
        .order_by("claimed_at", "pk")
    )
    digests = (
        DigestSubscription.objects.filter(customer=user)
        .select_related("city")
        .order_by("created_at", "pk")
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _time(now),
        "profile": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "language": user.language,
            "date_joined": _time(user.date_joined),
            "last_login": _time(user.last_login),
        },
        "addresses": [
            {
                "label": address.label,
                "recipient": address.recipient,
                "line1": address.line1,
                "line2": address.line2,
                "postal_code": address.postal_code,
                "locality": address.locality,
                "instructions": address.instructions,
                "latitude": _coordinate(address.latitude),
                "longitude": _coordinate(address.longitude),
                "is_default": address.is_default,
                "created_at": _time(address.created_at),
            }
            for address in addresses
        ],
        "orders": [_order(order, user) for order in orders],
        "checkouts": _checkouts(Checkout.objects.filter(customer=user)),
        "push_subscriptions": [
            {
                "service": urlsplit(subscription.endpoint).hostname or "",
                "for": "shop desk" if subscription.shop_id else "my orders",
                "shop": subscription.shop.name if subscription.shop else None,
                "created_at": _time(subscription.created_at),
                "last_delivered_at": _time(subscription.last_success_at),
            }
            for subscription in subscriptions
        ],
        "shop_memberships": [
            {
                "shop": membership.shop.name,
                "city": membership.shop.city.name,
                "role": membership.role,
                "since": _time(membership.created_at),
            }
            for membership in memberships
        ],
        "login_links": [
            {
                "created_at": _time(link.created_at),
                "expires_at": _time(link.expires_at),
                "used_at": _time(link.used_at),
            }
            for link in links
        ],
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "shop": token.shop.name if token.shop else None,
                "created_at": _time(token.created_at),
                "expires_at": _time(token.expires_at),
                "last_used_at": _time(token.last_used_at),
                "revoked_at": _time(token.revoked_at),
            }
            for token in user.api_tokens.select_related("shop").order_by("created_at", "pk")
        ],
        "vouchers": [
            {
                "code": voucher.code,
                "deal": voucher.deal.title,
                "shop": voucher.shop.name,
                "claimed_at": _time(voucher.claimed_at, voucher.city.zone),
                "redeemed_at": _time(voucher.redeemed_at, voucher.city.zone),
                "redeemed": voucher.redeemed_via or None,
                "order": voucher.order.number if voucher.order else None,
            }
            for voucher in vouchers
        ],
        # The one marketing consent: the weekly deals e-mail, opted into per
        # city. No tracking; push notifications are opted into per device (above).
        "consents": {
            "recorded": bool(digests),
            "deals_digest": [
                {"city": digest.city.name, "since": _time(digest.created_at)} for digest in digests
            ],
            "note": "Beyond the weekly deals e-mail you may have asked for (deals_digest), "
            "Comptoir only e-mails you about your account, your orders and your vouchers. "
            "Push notifications are switched on per device (see push_subscriptions).",
        },
    }


def _check_deletable(user: User) -> None:
    if user.is_staff:
        raise OperatorAccountNotDeletable
    open_numbers = list(
        Order.objects.filter(customer=user, state__in=OPEN_STATES)
        .order_by("placed_at", "pk")
        .values_list("number", flat=True)
    )
    if open_numbers:
        raise AccountHasOpenOrders(open_numbers)
    sole_owner_of = list(
        Membership.objects.filter(user=user, role=Role.OWNER)
        .annotate(owners=Count("shop__memberships", filter=Q(shop__memberships__role=Role.OWNER)))
        .filter(owners=1)
        .order_by("shop__name")
        .values_list("shop__name", flat=True)
    )
    if sole_owner_of:
        raise AccountIsLastShopOwner(sole_owner_of)


def _placeholder_email(prefix: str, key: Any) -> Concat:
    return Concat(
        Value(f"deleted-{prefix}"),
        key,
        Value(f"@{ANONYMISED_EMAIL_DOMAIN}"),
        output_field=CharField(),
    )


def _anonymise(orders: QuerySet[Order], checkouts: QuerySet[Checkout]) -> int:
    """Replace what identifies the customer on `orders` and `checkouts`; returns the order count."""
    count = orders.update(
        contact_name=ANONYMISED,
        contact_email=_placeholder_email("", Lower("number")),
        contact_phone="",
        delivery_recipient="",
        # Collect orders have no street line; delivery orders must keep one.
        delivery_line1=Case(
            When(fulfilment=Fulfilment.DELIVERY, then=Value(ANONYMISED)),
            default=Value(""),
            output_field=CharField(),
        ),
        delivery_line2="",
        delivery_instructions="",
        delivery_latitude=None,
        delivery_longitude=None,
    )
    checkouts.update(
        contact_name=ANONYMISED,
        contact_email=_placeholder_email("checkout-", Cast("pk", CharField())),
        contact_phone="",
    )
    return count


def account_delete(*, user: User, now: datetime) -> None:
    """Delete `user`'s account, anonymising their orders; see the module docstring.

    One transaction: either everything above happens, or (on a refusal)
    nothing does. The goodbye e-mail leaves after the commit. `now` is when
    the customer asked (the services' usual clock argument; nothing is dated
    by it today).
    """
    user_id, email, language = user.pk, user.email, user.language
    with transaction.atomic():
        _check_deletable(user)
        _anonymise(Order.objects.filter(customer=user), Checkout.objects.filter(customer=user))
        subscriptions = PushSubscription.objects.filter(Q(user=user) | Q(order__customer=user))
        endpoints = set(subscriptions.values_list("endpoint", flat=True))
        # What was pushed to these devices (de-duplication records) goes with them.
        PushDelivery.objects.filter(endpoint__in=endpoints).delete()
        subscriptions.delete()
        # Log-in counters keyed by the address are personal data too.
        LoginThrottle.objects.filter(
            scope__in=[LoginThrottle.Scope.LOGIN_EMAIL, LoginThrottle.Scope.LINK_EMAIL],
            key=email,
        ).delete()
        # The rest follows the user row: addresses, log-in links, baskets and
        # memberships CASCADE; orders, checkouts, events, invitations SET_NULL.
        user.delete()
        with translation.override(language):
            subject = _("Your Comptoir account is deleted")
            body = _(
                "Hello,\n\n"
                "As you asked, your Comptoir account is deleted, with your saved addresses.\n"
                "Your past orders stay in the shops' accounts, which the law requires them "
                "to keep for ten years, but without your name, e-mail address, phone "
                "number or street address.\n\n"
                "You can sign up again at any time with this e-mail address."
            )
        email_send_after_commit(
            key=f"account:{user_id}:deleted", to=email, subject=subject, body=body
        )


def _guest_orders(email: str) -> QuerySet[Order]:
    return Order.objects.filter(customer__isnull=True, contact_email__iexact=email.strip())


def _guest_checkouts(email: str) -> QuerySet[Checkout]:
    return Checkout.objects.filter(
        customer__isnull=True, contact_email__iexact=email.strip()
    ).exclude(orders__customer__isnull=False)


def guest_data_export(*, email: str, now: datetime | None = None) -> JSON:
    """The orders placed as a guest (no account) with `email`, shaped as in `account_export`.

    For an operator answering a request by e-mail, once they have checked that
    it comes from that address (docs/accounts.md). Five queries.
    """
    now = now or timezone.now()
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _time(now),
        "email": email.strip(),
        "orders": [_order(order, None) for order in _orders_with_details(_guest_orders(email))],
        "checkouts": _checkouts(_guest_checkouts(email)),
    }


def guest_data_anonymise(*, email: str) -> int:
    """Anonymise the guest orders and checkouts of `email` as `account_delete` does.

    Refused (`AccountHasOpenOrders`, nothing changed) while one is still open.
    Returns how many orders were anonymised.
    """
    with transaction.atomic():
        open_numbers = list(
            _guest_orders(email)
            .filter(state__in=OPEN_STATES)
            .order_by("placed_at", "pk")
            .values_list("number", flat=True)
        )
        if open_numbers:
            raise AccountHasOpenOrders(open_numbers)
        # Before the e-mail address is replaced: it is how these rows are found.
        PushSubscription.objects.filter(user__isnull=True, order__in=_guest_orders(email)).delete()
        return _anonymise(_guest_orders(email), _guest_checkouts(email))
