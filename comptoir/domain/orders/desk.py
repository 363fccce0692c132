"""The shop's moves on an order, from the desk: accept, refuse, ready, hand over…

Each service runs in ONE transaction: checks that need no lock first (the
order belongs to the acting membership's shop, the ready-by time, the pickup
code, click & collect or delivery), then `order_transition` (compare-and-set on
the state + an `OrderEvent` with actor, reason and time), then the writes that
only the winner makes (ready-by, releasing what a refused order held). Live
events and the customer's e-mail/push are queued for after the commit: a
rolled-back move tells nobody.

`membership`, when the caller passes one (the desk views do), must be of the
order's shop; otherwise the order reads as not found (`OrderNotFound`), as it
would through `desk_selectors.order_for_shop`.
"""

from __future__ import annotations

import hmac
import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from comptoir.domain.accounts.models import User
from comptoir.domain.orders.errors import (
    NoShowTooEarly,
    NotACollection,
    NotADelivery,
    OrderNotFound,
    ReadyByInvalid,
    RefusalReasonRequired,
    WrongPickupCode,
)
from comptoir.domain.orders.holdings import order_release_holdings
from comptoir.domain.orders.live import publish_order_moved
from comptoir.domain.orders.models import Fulfilment, Order, OrderState
from comptoir.domain.orders.notifications import notify_accepted, notify_ready, notify_refused
from comptoir.domain.orders.transitions import order_transition
from comptoir.domain.shops.models import Membership

S = OrderState

REFUSAL_REASON_MAX_LENGTH = 300
#: Ready-by times are offered on a 5-minute grid ("10:05", not "10:03").
READY_BY_STEP = timedelta(minutes=5)
#: A ready-by prefilled when the desk was drawn stays valid while staff tap.
READY_BY_GRACE = timedelta(minutes=1)
#: The reason stored when the sweep refuses an order nobody answered.
UNANSWERED_REASON = _("Not answered in time.")
AUTO_ACCEPT_REASON = "auto-accept"


def _check_shop(order: Order, membership: Membership | None) -> None:
    if membership is not None and membership.shop_id != order.shop_id:
        raise OrderNotFound(number=order.number)


def _local_time(order: Order, moment: datetime) -> str:
    return f"{moment.astimezone(order.city.zone):%H:%M}"


def _round_up(moment: datetime, step: timedelta) -> datetime:
    # On the UTC grid: Europe/Paris is a whole number of hours off UTC, so a
    # 5-minute grid in UTC is the same grid on the shop's clock.
    seconds = step.total_seconds()
    stamp = moment.timestamp()
    rounded = -(-stamp // seconds) * seconds
    return datetime.fromtimestamp(rounded, tz=UTC)


def default_ready_by(order: Order, now: datetime) -> datetime:
    """The ready-by time the desk prefills when accepting `order` at `now`.

    The later of "now + the shop's preparation time" and the slot's start,
    rounded up to 5 minutes, but no later than the slot's end: the shop
    promised that slot. (If the slot is already over, accepting is refused;
    the desk should refuse the order instead.)
    """
    earliest = max(now + timedelta(minutes=order.shop.lead_time_minutes), order.slot_starts_at)
    return min(_round_up(earliest, READY_BY_STEP), order.slot_ends_at)


def _check_ready_by(order: Order, ready_by: datetime, now: datetime) -> None:
    if (
        timezone.is_naive(ready_by)
        or ready_by < now - READY_BY_GRACE
        or ready_by > order.slot_ends_at
    ):
        raise ReadyByInvalid(ends=_local_time(order, order.slot_ends_at))


def _accept(
    order: Order, *, actor: User | None, ready_by: datetime, now: datetime, reason: str
) -> None:
    order_transition(
        order=order,
        to_state=S.ACCEPTED,
        actor=actor,
        now=now,
        reason=reason,
        allowed_from=(S.PLACED,),
    )
    Order.objects.filter(pk=order.pk).update(ready_by=ready_by)
    order.ready_by = ready_by
    notify_accepted(order=order)


def order_accept(
    *,
    order: Order,
    actor: User | None,
    ready_by: datetime,
    now: datetime | None = None,
    membership: Membership | None = None,
) -> Order:
    """placed → accepted, promising the customer the order by `ready_by`.

    `ready_by` must be aware, not in the past (a minute's grace) and not after
    the slot's end (`ReadyByInvalid`); `default_ready_by` gives the usual value.
    """
    now = now or timezone.now()
    _check_shop(order, membership)
    _check_ready_by(order, ready_by, now)
    with transaction.atomic():
        _accept(order, actor=actor, ready_by=ready_by, now=now, reason="")
        publish_order_moved(order)
    return order


def order_accept_automatically(*, order: Order, now: datetime) -> None:
    """Auto-accept at checkout (shops with `auto_accept`), inside the checkout's transaction.

    The caller publishes the "placed" event: the desk hears of a new order,
    already accepted.
    """
    _accept(
        order,
        actor=None,
        ready_by=default_ready_by(order, now),
        now=now,
        reason=AUTO_ACCEPT_REASON,
    )


def _refuse(
    order: Order, *, actor: User | None, reason: str, now: datetime, automatic: bool
) -> None:
    with transaction.atomic():
        order_transition(
            order=order,
            to_state=S.REFUSED,
            actor=actor,
            now=now,
            reason=reason,
            allowed_from=(S.PLACED,),
        )
        order_release_holdings(order=order)
        publish_order_moved(order)
        notify_refused(order=order, reason=reason, automatic=automatic, now=now)


def order_refuse(
    *,
    order: Order,
    actor: User | None,
    reason: str,
    now: datetime | None = None,
    membership: Membership | None = None,
) -> Order:
    """placed → refused, telling the customer why; everything the order held goes back.

    The reason is required (1–300 characters, `RefusalReasonRequired`). Stock,
    daily quotas and the slot place are released exactly as when the customer
    cancels (`order_release_holdings`); the customer's e-mail apologises and
    suggests other shops.
    """
    reason = (reason or "").strip()
    # A NUL character is no reason, and PostgreSQL cannot store it.
    if not reason or len(reason) > REFUSAL_REASON_MAX_LENGTH or "\x00" in reason:
        raise RefusalReasonRequired(maximum=REFUSAL_REASON_MAX_LENGTH)
    _check_shop(order, membership)
    _refuse(order, actor=actor, reason=reason, now=now or timezone.now(), automatic=False)
    return order


def order_refuse_unanswered(*, order: Order, now: datetime | None = None) -> Order:
    """placed → refused by nobody: the shop let the order wait too long (the desk sweep).

    The event's reason is stored in the site's language; the customer reads
    the apology in theirs.
    """
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(UNANSWERED_REASON)
    _refuse(order, actor=None, reason=reason, now=now or timezone.now(), automatic=True)
    return order


def order_mark_ready(
    *,
    order: Order,
    actor: User | None,
    now: datetime | None = None,
    membership: Membership | None = None,
) -> Order:
    """accepted → ready. Click & collect customers are told to come (with their code)."""
    now = now or timezone.now()
    _check_shop(order, membership)
    with transaction.atomic():
        order_transition(order=order, to_state=S.READY, actor=actor, now=now)
        publish_order_moved(order)
        if order.fulfilment == Fulfilment.COLLECT:
            notify_ready(order=order)
    return order


def normalize_pickup_code(code: str) -> str:
    """What a person types or reads out, as stored: upper case, no spaces or dashes."""
    return re.sub(r"[\s\-]+", "", code or "").upper()


def order_hand_over(
    *,
    order: Order,
    actor: User | None,
    pickup_code: str,
    now: datetime | None = None,
    membership: Membership | None = None,
) -> Order:
    """ready → collected, once the customer gave the right pickup code.

    Click & collect only (`NotACollection`). The code is compared ignoring
    case, spaces and dashes; a wrong one raises `WrongPickupCode` and changes
    nothing. Two devices handing the same order over at once: the
    compare-and-set lets one win, the other gets `IllegalTransition`.
    """
    now = now or timezone.now()
    _check_shop(order, membership)
    if order.fulfilment != Fulfilment.COLLECT:
        raise NotACollection(number=order.number)
    # Bytes: compare_digest refuses str with non-ASCII characters (a typo like "é").
    given = normalize_pickup_code(pickup_code).encode()
    if not hmac.compare_digest(given, order.pickup_code.encode()):
        raise WrongPickupCode(number=order.number)
    with transaction.atomic():
        order_transition(order=order, to_state=S.COLLECTED, actor=actor, now=now)
        publish_order_moved(order)
    return order


def order_send_out(
    *,
    order: Order,
    actor: User | None,
    now: datetime | None = None,
    membership: Membership | None = None,
) -> Order:
    """ready → out for delivery (delivery orders only); the customer hears it is on its way."""
    now = now or timezone.now()
    _check_shop(order, membership)
    if order.fulfilment != Fulfilment.DELIVERY:
        raise NotADelivery(number=order.number)
    with transaction.atomic():
        order_transition(order=order, to_state=S.OUT_FOR_DELIVERY, actor=actor, now=now)
        publish_order_moved(order)
        notify_ready(order=order)
    return order


def order_mark_delivered(
    *,
    order: Order,
    actor: User | None,
    now: datetime | None = None,
    membership: Membership | None = None,
) -> Order:
    """out for delivery → delivered."""
    now = now or timezone.now()
    _check_shop(order, membership)
    with transaction.atomic():
        order_transition(order=order, to_state=S.DELIVERED, actor=actor, now=now)
        publish_order_moved(order)
    return order


def order_mark_no_show(
    *,
    order: Order,
    actor: User | None,
    now: datetime | None = None,
    membership: Membership | None = None,
) -> Order:
    """ready → not collected, once the pickup slot has ended (`NoShowTooEarly` before).

    Click & collect only. Nothing is released (the goods were made and the
    slot is past); the move is recorded as an event like any other.
    """
    now = now or timezone.now()
    _check_shop(order, membership)
    if order.fulfilment != Fulfilment.COLLECT:
        raise NotACollection(number=order.number)
    if now < order.slot_ends_at:
        raise NoShowTooEarly(ends=_local_time(order, order.slot_ends_at))
    with transaction.atomic():
        order_transition(order=order, to_state=S.NO_SHOW, actor=actor, now=now)
        publish_order_moved(order)
    return order
