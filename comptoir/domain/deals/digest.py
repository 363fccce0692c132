"""The weekly e-mail of a city's new deals: opt-in, sent once a week, one-click unsubscribe.

- `digest_subscribe` / `digest_unsubscribe`: a customer opts in or out for a
  city (one subscription per customer and city, a database constraint).
- `digest_due(now=…)` runs in the periodic housekeeping loop of each server
  process (`run_desk_sweep`) and from `manage.py deals_digest` (cron). From
  Monday 08:00 in the city's time zone, it writes one `DigestDelivery` per
  subscription for the ISO week (unique per subscription and week: a second
  run, or a second process, writes nothing more) and queues one task per row.
- The task (`digest_send_task`) builds the list of deals published since the
  subscription's previous digest, as customers see them (`deals_for_city`:
  live, started, not hidden, vouchers left), and, in one transaction, marks
  the row done with a conditional UPDATE and records the e-mail in the outbox.
  Two tasks for one row: one wins, the other writes nothing. A worker that
  dies leaves the row not done; the next run queues it again after
  `REQUEUE_AFTER`. A week with nothing new is marked done without an e-mail.
- Each e-mail carries `List-Unsubscribe` (an https URL with a signed token)
  and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the
  mail client's one-click POST unsubscribes without logging in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError
from comptoir.core.site import site_url
from comptoir.core.tasks import enqueue_after_commit
from comptoir.domain.accounts.models import User
from comptoir.domain.cities.models import City
from comptoir.domain.deals.models import Deal, DigestDelivery, DigestSubscription
from comptoir.domain.deals.selectors import deals_for_city
from comptoir.domain.deals.wording import offer_label
from comptoir.domain.notifications.outbox import email_send_after_commit

#: The digest of a week is due from Monday at this time, in the city's zone.
DUE_AT = time(8, 0)
#: A first digest lists the deals of the last week.
FIRST_DIGEST_COVERS = timedelta(days=7)
#: A row not done this long after its task was queued is queued again (dead worker).
REQUEUE_AFTER = timedelta(minutes=10)
#: Rows older than this are not queued again: a digest is not worth sending that late.
GIVE_UP_AFTER = timedelta(days=6)
#: Deals listed in one e-mail, at most (the city page shows the rest).
MAX_DEALS = 20
BATCH = 500
UNSUBSCRIBE_SALT = "comptoir.deals.digest.unsubscribe"


class DigestCityNotAvailable(DomainError):
    code = "digest_city_not_available"
    default_message = _("Deals e-mails are not available for this city.")


class DigestLinkInvalid(DomainError):
    code = "digest_link_invalid"
    default_message = _(
        "This unsubscribe link is not valid. Open the link of the e-mail again, "
        "or log in to change your e-mails."
    )


@dataclass(frozen=True, slots=True)
class DigestRun:
    """What one `digest_due` did."""

    due: int = 0  # subscriptions found due (a concurrent run may have written some rows)
    queued: int = 0  # tasks queued (new rows, and rows whose task was lost)


# --- Subscribing ---------------------------------------------------------------------


def digest_subscribe(*, customer: User, city: City, now: datetime) -> DigestSubscription:
    """Opt in to the weekly e-mail of `city` (again: nothing changes)."""
    if not city.is_live:
        raise DigestCityNotAvailable
    subscription, _created = DigestSubscription.objects.get_or_create(
        customer=customer, city=city, defaults={"created_at": now}
    )
    return subscription


def digest_unsubscribe(*, customer_id: int, city_id: int) -> bool:
    """Opt out; True if there was a subscription. Its past deliveries go with it."""
    deleted, _by_model = DigestSubscription.objects.filter(
        customer_id=customer_id, city_id=city_id
    ).delete()
    return deleted > 0


def unsubscribe_token(subscription: DigestSubscription) -> str:
    """A signed token naming the customer and the city (no expiry: old e-mails keep working)."""
    return signing.dumps([subscription.customer_id, subscription.city_id], salt=UNSUBSCRIBE_SALT)


def digest_token_read(token: str) -> tuple[int, City]:
    """The customer id and city a token names; `DigestLinkInvalid` if forged or damaged."""
    try:
        payload: Any = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise DigestLinkInvalid from error
    if not (
        isinstance(payload, list)
        and len(payload) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in payload)
    ):
        raise DigestLinkInvalid
    city = City.objects.filter(pk=payload[1]).first()
    if city is None:
        raise DigestLinkInvalid
    return payload[0], city


def digest_unsubscribe_by_token(*, token: str) -> City:
    """The e-mail's unsubscribe link (or the mail client's one-click POST): opt out."""
    customer_id, city = digest_token_read(token)
    digest_unsubscribe(customer_id=customer_id, city_id=city.pk)
    return city


# --- The weekly run ------------------------------------------------------------------


def digest_week(city: City, now: datetime) -> tuple[int, int, datetime]:
    """The ISO (year, week) of `now` in the city, and when its digest is due (Monday 08:00)."""
    local = now.astimezone(city.zone)
    year, week, weekday = local.isocalendar()
    monday = local.date() - timedelta(days=weekday - 1)
    return year, week, datetime.combine(monday, DUE_AT, tzinfo=city.zone)


def digest_due(*, now: datetime) -> DigestRun:
    """Write this week's delivery rows that became due, and queue their tasks.

    Idempotent and safe in several processes at once: the rows are unique per
    (subscription, week) and each is handed to the queue by a conditional
    UPDATE of its `enqueued_at`. Subscriptions made after this week's due
    time wait for next Monday.
    """
    due = 0
    for city in City.objects.filter(is_live=True).order_by("pk"):
        year, week, due_from = digest_week(city, now)
        if now < due_from:
            continue
        done = DigestDelivery.objects.filter(
            subscription=OuterRef("pk"), iso_year=year, iso_week=week
        )
        missing = (
            DigestSubscription.objects.filter(city=city, created_at__lt=due_from)
            .exclude(Exists(done))
            .values_list("pk", flat=True)
        )
        rows = [
            DigestDelivery(subscription_id=pk, iso_year=year, iso_week=week, created_at=now)
            for pk in missing
        ]
        # A concurrent run may write the same rows: the unique constraint keeps one.
        DigestDelivery.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        due += len(rows)
    return DigestRun(due=due, queued=_queue(now))


def _queue(now: datetime) -> int:
    waiting = DigestDelivery.objects.filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=now - REQUEUE_AFTER),
        done_at__isnull=True,
        created_at__gte=now - GIVE_UP_AFTER,
    )
    queued = 0
    for pk, enqueued_at in waiting.order_by("pk").values_list("pk", "enqueued_at")[:BATCH]:
        # Another process queueing at the same moment hands it over, or we do.
        if DigestDelivery.objects.filter(pk=pk, enqueued_at=enqueued_at).update(enqueued_at=now):
            enqueue_after_commit(digest_send_task, delivery_id=pk, as_of=now.isoformat())
            queued += 1
    return queued


@task
def digest_send_task(*, delivery_id: int, as_of: str) -> int:
    """Build and record one subscriber's digest of the week; return its number of deals.

    `as_of` is the instant the run queued it (ISO 8601): the digest lists the
    deals as they were then, however late the worker picks it up.
    """
    return digest_deliver(delivery_id=delivery_id, now=datetime.fromisoformat(as_of))


def digest_deals(city: City, *, since: datetime, now: datetime) -> list[Deal]:
    """The deals customers can claim now that were published or started after `since`.

    Newest first. Read through `deals_for_city`, so the digest shows exactly
    what the city's deals page shows.
    """
    fresh = [
        listed.deal
        for listed in deals_for_city(city, now=now)
        if listed.deal.created_at > since or listed.deal.starts_at > since
    ]
    return sorted(fresh, key=lambda deal: (deal.starts_at, deal.pk), reverse=True)


def digest_deliver(*, delivery_id: int, now: datetime) -> int:
    """Mark the row done and record its e-mail, once; -1 if another run did it first."""
    delivery = (
        DigestDelivery.objects.select_related("subscription__customer", "subscription__city")
        .filter(pk=delivery_id, done_at__isnull=True)
        .first()
    )
    if delivery is None:
        return -1
    subscription = delivery.subscription
    previous = (
        DigestDelivery.objects.filter(subscription=subscription, done_at__isnull=False)
        .exclude(pk=delivery.pk)
        .aggregate(last=Max("done_at"))["last"]
    )
    since = previous or now - FIRST_DIGEST_COVERS
    deals = digest_deals(subscription.city, since=since, now=now)
    customer = subscription.customer
    with transaction.atomic():
        won = DigestDelivery.objects.filter(pk=delivery.pk, done_at__isnull=True).update(
            done_at=now, deal_count=len(deals)
        )
        if not won:
            return -1
        if deals and customer.is_active and customer.email:
            _send(delivery, deals)
    return len(deals)


# --- The e-mail ----------------------------------------------------------------------


def unsubscribe_url(subscription: DigestSubscription) -> str:
    path = reverse("accounts:digest_unsubscribe", kwargs={"token": unsubscribe_token(subscription)})
    return site_url() + path


def _send(delivery: DigestDelivery, deals: list[Deal]) -> None:
    subscription = delivery.subscription
    city, customer = subscription.city, subscription.customer
    leave = unsubscribe_url(subscription)
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        listed = [
            {
                "title": deal.title,
                "shop": deal.shop.name,
                "offer": offer_label(deal),
                "until": formats.date_format(deal.ends_at.astimezone(city.zone), "l j F"),
                "url": site_url()
                + reverse(
                    "storefront:deal_detail", kwargs={"city_slug": city.slug, "deal_id": deal.pk}
                ),
            }
            for deal in deals[:MAX_DEALS]
        ]
        context = {
            "name": customer.first_name,
            "city": city.name,
            "deals": listed,
            "more": max(0, len(deals) - MAX_DEALS),
            "city_url": site_url() + reverse("storefront:deals", kwargs={"city_slug": city.slug}),
            "settings_url": site_url() + reverse("accounts:digest"),
            "unsubscribe_url": leave,
        }
        subject = gettext("New deals in %(city)s this week") % {"city": city.name}
        context["subject"] = subject
        body = render_to_string("deals/digest/digest.txt", context)
        html = render_to_string("deals/digest/digest.html", context)
    email_send_after_commit(
        key=f"deals:digest:{subscription.pk}:{delivery.iso_year}-W{delivery.iso_week:02d}",
        to=customer.email,
        subject=subject,
        body=body,
        html=html,
        headers={
            "List-Unsubscribe": f"<{leave}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
