"""Sending Web Push: `push_after_commit` for callers, `send_push_task` for the worker.

A push is a nudge with no personal data: a title, a short body (order number,
shop name, new state) and the page to open. Sending happens in the task
worker after the caller's transaction commits, never under a row lock.

Each call carries an event key; a `PushDelivery` row per (key, endpoint) is
claimed *before* the POST, so a task that is retried (or runs twice) never
pushes the same event to the same phone twice. A failed POST releases its
claim and is retried later with backoff; 404/410 from the push service means
the browser dropped the subscription, so we drop it too.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.tasks import task
from django.utils import timezone

from comptoir.core.tasks import enqueue_after_commit
from comptoir.domain.notifications.models import PushDelivery, PushSubscription
from comptoir.domain.notifications.vapid import vapid_signer

logger = logging.getLogger(__name__)

#: How long the push service keeps a push for a phone that is offline: order
#: news is stale after an hour.
PUSH_TTL_SECONDS = 60 * 60
#: Seconds to wait before attempts 2, 3, 4 and 5 of an event that failed.
RETRY_DELAYS_SECONDS = (30, 120, 600, 1800)
MAX_ATTEMPTS = len(RETRY_DELAYS_SECONDS) + 1
#: A subscription failing this many times in a row (every event, every
#: retry) is dropped: the phone is gone without the push service saying so.
MAX_CONSECUTIVE_FAILURES = 20
REQUEST_TIMEOUT_SECONDS = 10
GONE_STATUSES = frozenset({404, 410})
KEY_MAX_LENGTH = PushDelivery._meta.get_field("key").max_length or 200


class Outcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    GONE = "gone"  # the push service forgot the subscription: deleted
    RETRY = "retry"  # transient (network, 429, 5xx): try again later
    FAILED = "failed"  # refused for good (400, 413…): not retried


def subscriptions_for(
    *, user_id: int | None = None, order_id: int | None = None, shop_id: int | None = None
) -> QuerySet[PushSubscription]:
    """Every subscription that should hear about it (several rows may share an endpoint)."""
    audience = PushSubscription.objects.none()
    if user_id is not None:
        audience |= PushSubscription.objects.filter(user_id=user_id)
    if order_id is not None:
        audience |= PushSubscription.objects.filter(order_id=order_id)
    if shop_id is not None:
        # Desk subscriptions of people who still work in the shop.
        audience |= PushSubscription.objects.filter(
            shop_id=shop_id, user__memberships__shop_id=shop_id
        )
    return audience


def push_after_commit(
    *,
    user_id: int | None = None,
    order_id: int | None = None,
    shop_id: int | None = None,
    title: str,
    body: str,
    url: str,
    key: str | None = None,
    tag: str | None = None,
) -> None:
    """Push `title`/`body` to the phones of a user, of an order's guest, of a shop's desk.

    `user_id`: every phone the user subscribed (their orders, and the desks
    they follow). `order_id`: phones of guests following that order.
    `shop_id`: phones subscribed on that shop's desk by its members.
    `url` is a path on this site, opened when the notification is tapped.
    `key` names the event (e.g. "order:12:ready") so it is pushed once per
    phone whatever happens; by default every call is its own event. `tag`
    lets a later notification replace an earlier one (default: per order).
    A no-op when nobody subscribed; the push leaves after the transaction commits.
    """
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"A push opens a path on this site, not {url!r}.")
    if key is not None and not 0 < len(key) <= KEY_MAX_LENGTH:
        raise ValueError(f"An event key has 1 to {KEY_MAX_LENGTH} characters: {key!r}.")
    if not subscriptions_for(user_id=user_id, order_id=order_id, shop_id=shop_id).exists():
        return
    if tag is None:
        tag = f"order-{order_id}" if order_id is not None else url
    enqueue_after_commit(
        send_push_task,
        key=key or f"push:{uuid.uuid4().hex}",
        user_id=user_id,
        order_id=order_id,
        shop_id=shop_id,
        title=title,
        body=body,
        url=url,
        tag=tag,
    )


@task
def send_push_task(
    *,
    key: str,
    title: str,
    body: str,
    url: str,
    tag: str,
    user_id: int | None = None,
    order_id: int | None = None,
    shop_id: int | None = None,
    endpoints: list[str] | None = None,
    attempt: int = 1,
) -> int:
    """Push one event to every subscribed phone (or to `endpoints` on a retry); return how many."""
    payload = json.dumps({"title": title, "body": body, "url": url, "tag": tag})
    subscriptions = subscriptions_for(user_id=user_id, order_id=order_id, shop_id=shop_id)
    if endpoints is not None:
        subscriptions = subscriptions.filter(endpoint__in=endpoints)
    # One POST per phone, even when it is subscribed for several audiences.
    by_endpoint: dict[str, PushSubscription] = {}
    for subscription in subscriptions.order_by("pk"):
        by_endpoint.setdefault(subscription.endpoint, subscription)

    sent = 0
    to_retry: list[str] = []
    for endpoint, subscription in by_endpoint.items():
        outcome = deliver(key=key, subscription=subscription, payload=payload)
        if outcome is Outcome.SENT:
            sent += 1
        elif outcome is Outcome.RETRY:
            to_retry.append(endpoint)

    if to_retry and attempt < MAX_ATTEMPTS:
        delay = timedelta(seconds=RETRY_DELAYS_SECONDS[attempt - 1])
        send_push_task.using(run_after=timezone.now() + delay).enqueue(
            key=key,
            title=title,
            body=body,
            url=url,
            tag=tag,
            user_id=user_id,
            order_id=order_id,
            shop_id=shop_id,
            endpoints=to_retry,
            attempt=attempt + 1,
        )
    elif to_retry:
        logger.warning(
            "push %s: gave up on %d phone(s) after %d attempts", key, len(to_retry), attempt
        )
    return sent


def deliver(*, key: str, subscription: PushSubscription, payload: str) -> Outcome:
    """POST one encrypted push to one phone, at most once per event key."""
    endpoint = subscription.endpoint
    try:
        with transaction.atomic():
            PushDelivery.objects.create(key=key, endpoint=endpoint)
    except IntegrityError:
        return Outcome.ALREADY_SENT

    # Imported here: pywebpush brings requests and aiohttp, ~0.2 s of every process's
    # start (the web server, the task worker, each manage.py command) for a push.
    import requests
    from pywebpush import WebPushException, webpush  # type: ignore[import-untyped]

    status: int | None = None
    try:
        webpush(
            subscription_info=subscription.as_webpush_info(),
            data=payload,
            vapid_private_key=vapid_signer(),
            # A fresh dict each time: pywebpush writes `aud` and `exp` into it.
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=PUSH_TTL_SECONDS,
            headers={"Urgency": "high"},
            timeout=REQUEST_TIMEOUT_SECONDS,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in GONE_STATUSES:
            PushSubscription.objects.filter(endpoint=endpoint).delete()
            return Outcome.GONE
        outcome = (
            Outcome.RETRY if status is None or status == 429 or status >= 500 else Outcome.FAILED
        )
    except requests.RequestException:
        outcome = Outcome.RETRY
    except ValueError:
        # Keys that do not make a valid P-256 point: never deliverable.
        outcome = Outcome.FAILED
    else:
        PushSubscription.objects.filter(endpoint=endpoint).update(
            last_success_at=timezone.now(), failure_count=0
        )
        return Outcome.SENT

    logger.info(
        "push %s to subscription %s failed (%s, HTTP %s)", key, subscription.pk, outcome, status
    )
    # Release the claim so a retry may send it.
    PushDelivery.objects.filter(key=key, endpoint=endpoint).delete()
    PushSubscription.objects.filter(endpoint=endpoint).update(failure_count=F("failure_count") + 1)
    PushSubscription.objects.filter(
        endpoint=endpoint, failure_count__gte=MAX_CONSECUTIVE_FAILURES
    ).delete()
    return outcome
