"""Two workers on one event (STYLE rule 8): first the race, then the guard.

A retried or duplicated task can run while the first one still sends. The
control shows that "check that it was not sent, send, record it" pushes twice
when two workers interleave (forced with a barrier after the check). The
guarded test runs the real task from several threads at once: the
`PushDelivery` row is claimed (unique key + endpoint) *before* the POST, so
exactly one push leaves.
"""

import threading
from typing import Any

import pytest
from django.conf import settings
from pywebpush import webpush  # type: ignore[import-untyped]

from comptoir.domain.notifications.models import PushDelivery, PushSubscription
from comptoir.domain.notifications.push import send_push_task
from comptoir.domain.notifications.services import push_subscribe
from comptoir.domain.notifications.vapid import vapid_signer
from tests.concurrency import run_together
from tests.domain.notifications.support import subscription_json
from tests.factories import make_user

WORKERS = 4
EVENT: dict[str, Any] = {
    "key": "order:9:ready",
    "title": "Boulangerie Jeanne",
    "body": "Ready",
    "url": "/",
    "tag": "order-9",
}


@pytest.mark.django_db(transaction=True)
def test_without_the_claim_two_workers_push_one_event_twice(push_service):
    user = make_user()
    push_subscribe(subscription=subscription_json(push_service.endpoint()), user=user)
    checked = threading.Barrier(2)

    def naive_worker() -> None:
        subscription = PushSubscription.objects.get()
        already = PushDelivery.objects.filter(
            key=EVENT["key"], endpoint=subscription.endpoint
        ).exists()
        checked.wait()  # both have read "not sent yet"
        if not already:
            webpush(
                subscription_info=subscription.as_webpush_info(),
                data="{}",
                vapid_private_key=vapid_signer(),
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=60,
            )
            PushDelivery.objects.get_or_create(key=EVENT["key"], endpoint=subscription.endpoint)

    _, errors = run_together([naive_worker, naive_worker])

    assert errors == []
    assert len(push_service.received) == 2


@pytest.mark.django_db(transaction=True)
def test_workers_running_one_event_together_push_it_once(push_service):
    user = make_user()
    push_subscribe(subscription=subscription_json(push_service.endpoint()), user=user)
    push_service.delay = 0.3  # the first POST is still in flight when the others start

    def worker() -> object:
        return send_push_task.call(**EVENT, user_id=user.pk)

    results, errors = run_together([worker] * WORKERS)

    assert errors == []
    assert sorted(results) == [0] * (WORKERS - 1) + [1]
    assert len(push_service.received) == 1
    assert PushDelivery.objects.count() == 1
