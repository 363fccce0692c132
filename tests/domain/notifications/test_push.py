"""Sending: a real, encrypted Web Push to a local push service, once per event."""

from datetime import timedelta
from typing import Any

import pytest
from django.tasks import TaskResult, task_backends
from django.tasks.backends.dummy import DummyBackend
from django.utils import timezone

from comptoir.domain.notifications.models import PushDelivery, PushSubscription
from comptoir.domain.notifications.push import (
    PUSH_TTL_SECONDS,
    push_after_commit,
    send_push_task,
)
from comptoir.domain.notifications.services import push_subscribe
from tests.domain.notifications.support import (
    browser_keys,
    make_order,
    subscription_json,
    verify_vapid,
)
from tests.factories import make_membership, make_shop, make_user

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def queued() -> list[TaskResult]:
    """What was enqueued on the in-memory backend (a test sets TASKS = DUMMY_TASKS)."""
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    return backend.results


def event(**fields):
    defaults = {
        "key": "order:1:ready",
        "title": "Boulangerie Jeanne",
        "body": "Order PUSH-0001 is ready",
        "url": "/account/orders/PUSH-0001/",
        "tag": "order-1",
    }
    return defaults | fields


def test_it_sends_an_encrypted_push_signed_with_our_vapid_key(
    push_service, vapid, django_capture_on_commit_callbacks
):
    user = make_user()
    keys = browser_keys()
    push_subscribe(subscription=subscription_json(push_service.endpoint("phone"), keys), user=user)

    with django_capture_on_commit_callbacks(execute=True):
        push_after_commit(
            user_id=user.pk,
            title="Boulangerie Jeanne",
            body="Order PUSH-0001 is ready",
            url="/account/orders/PUSH-0001/",
        )

    [request] = push_service.received
    assert request.path == "/push/phone"
    claims: dict[str, Any] = verify_vapid(
        request.headers["authorization"], public_key=vapid.public_key, audience=push_service.origin
    )
    assert claims["sub"] == "mailto:tests@comptoir.local"
    assert timezone.now().timestamp() < claims["exp"] <= timezone.now().timestamp() + 24 * 3600
    assert request.headers["content-encoding"] == "aes128gcm"
    assert request.headers["ttl"] == str(PUSH_TTL_SECONDS)
    assert request.headers["urgency"] == "high"
    assert keys.decrypt(request.body) == {
        "title": "Boulangerie Jeanne",
        "body": "Order PUSH-0001 is ready",
        "url": "/account/orders/PUSH-0001/",
        "tag": "/account/orders/PUSH-0001/",
    }
    subscription = PushSubscription.objects.get()
    assert subscription.last_success_at is not None
    assert subscription.failure_count == 0


def test_it_pushes_to_a_guest_following_the_order_with_a_tag_per_order(
    push_service, django_capture_on_commit_callbacks
):
    order = make_order(make_shop())
    keys = browser_keys()
    push_subscribe(
        subscription=subscription_json(push_service.endpoint("guest"), keys), order=order
    )

    with django_capture_on_commit_callbacks(execute=True):
        push_after_commit(order_id=order.pk, title="Accepted", body="Ready at 10:30", url="/o/")

    [request] = push_service.received
    assert keys.decrypt(request.body)["tag"] == f"order-{order.pk}"


def test_it_enqueues_nothing_when_nobody_subscribed(settings, django_capture_on_commit_callbacks):
    settings.TASKS = DUMMY_TASKS
    user = make_user()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        push_after_commit(user_id=user.pk, order_id=None, title="t", body="b", url="/")

    assert callbacks == []
    assert queued() == []


def test_it_enqueues_only_once_the_transaction_commits(
    settings, push_service, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    user = make_user()
    push_subscribe(subscription=subscription_json(push_service.endpoint()), user=user)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        push_after_commit(user_id=user.pk, title="t", body="b", url="/")
        assert queued() == []

    assert len(callbacks) == 1
    callbacks[0]()
    [result] = queued()
    assert result.task.name == send_push_task.name
    assert result.kwargs["user_id"] == user.pk
    assert result.kwargs["key"].startswith("push:")


def test_it_refuses_to_open_another_site(django_capture_on_commit_callbacks):
    with pytest.raises(ValueError, match="opens a path on this site"):
        push_after_commit(user_id=1, title="t", body="b", url="https://evil.example/")
    with pytest.raises(ValueError, match="opens a path on this site"):
        push_after_commit(user_id=1, title="t", body="b", url="//evil.example/")


def test_it_refuses_an_event_key_the_delivery_table_cannot_hold():
    with pytest.raises(ValueError, match="An event key has 1 to 200 characters"):
        push_after_commit(user_id=1, title="t", body="b", url="/", key="k" * 201)


def test_it_pushes_an_event_once_even_when_the_task_runs_again(push_service):
    user = make_user()
    push_subscribe(subscription=subscription_json(push_service.endpoint()), user=user)

    assert send_push_task.call(**event(), user_id=user.pk) == 1
    assert send_push_task.call(**event(), user_id=user.pk) == 0

    assert len(push_service.received) == 1
    assert PushDelivery.objects.get().key == "order:1:ready"


def test_it_pushes_a_new_event_to_the_same_phone(push_service):
    user = make_user()
    push_subscribe(subscription=subscription_json(push_service.endpoint()), user=user)

    send_push_task.call(**event(key="order:1:accepted"), user_id=user.pk)
    send_push_task.call(**event(key="order:1:ready"), user_id=user.pk)

    assert len(push_service.received) == 2


def test_it_pushes_once_to_a_phone_subscribed_for_several_audiences(push_service):
    owner = make_user()
    shop = make_shop()
    make_membership(shop, owner, role="owner")
    endpoint = push_service.endpoint()
    keys = browser_keys()
    push_subscribe(subscription=subscription_json(endpoint, keys), user=owner)
    push_subscribe(subscription=subscription_json(endpoint, keys), user=owner, shop=shop)

    sent = send_push_task.call(**event(), user_id=owner.pk, shop_id=shop.pk)

    assert sent == 1
    assert len(push_service.received) == 1


@pytest.mark.parametrize("status", [404, 410])
def test_it_forgets_a_subscription_the_push_service_no_longer_knows(push_service, status):
    user = make_user()
    order = make_order(make_shop())
    keys = browser_keys()
    endpoint = push_service.endpoint()
    push_subscribe(subscription=subscription_json(endpoint, keys), user=user)
    push_subscribe(subscription=subscription_json(endpoint, keys), order=order)
    kept = push_subscribe(subscription=subscription_json(push_service.endpoint("other")), user=user)
    push_service.statuses.append(status)

    sent = send_push_task.call(**event(), user_id=user.pk)

    assert sent == 1
    assert list(PushSubscription.objects.all()) == [kept]


def test_it_retries_a_failed_push_later_without_sending_twice(settings, push_service):
    settings.TASKS = DUMMY_TASKS
    user = make_user()
    failing = push_subscribe(subscription=subscription_json(push_service.endpoint("a")), user=user)
    push_subscribe(subscription=subscription_json(push_service.endpoint("b")), user=user)
    push_service.statuses.extend([503, 201])  # "a" first (lowest pk), then "b"

    before = timezone.now()
    sent = send_push_task.call(**event(), user_id=user.pk)

    assert sent == 1
    failing.refresh_from_db()
    assert failing.failure_count == 1
    assert set(PushDelivery.objects.values_list("endpoint", flat=True)) == {
        push_service.endpoint("b")
    }
    [retry] = queued()
    assert retry.kwargs["endpoints"] == [push_service.endpoint("a")]
    assert retry.kwargs["attempt"] == 2
    assert retry.kwargs["key"] == "order:1:ready"
    run_after = retry.task.run_after
    assert run_after is not None
    assert before + timedelta(seconds=30) <= run_after <= timezone.now() + timedelta(seconds=30)

    # The retry reaches "a" only; "b" already has it.
    assert send_push_task.call(**retry.kwargs) == 1
    assert [r.path for r in push_service.received] == ["/push/a", "/push/b", "/push/a"]
    failing.refresh_from_db()
    assert failing.failure_count == 0
    assert failing.last_success_at is not None


def test_it_gives_up_after_the_last_attempt(settings, push_service):
    settings.TASKS = DUMMY_TASKS
    user = make_user()
    push_subscribe(subscription=subscription_json(push_service.endpoint()), user=user)
    push_service.statuses.append(500)

    sent = send_push_task.call(**event(), user_id=user.pk, attempt=5)

    assert sent == 0
    assert queued() == []
    assert PushDelivery.objects.count() == 0
    assert PushSubscription.objects.get().failure_count == 1


def test_it_does_not_retry_a_push_the_service_refuses_for_good(settings, push_service):
    settings.TASKS = DUMMY_TASKS
    user = make_user()
    push_subscribe(subscription=subscription_json(push_service.endpoint()), user=user)
    push_service.statuses.append(413)

    assert send_push_task.call(**event(), user_id=user.pk) == 0

    assert queued() == []
    assert PushSubscription.objects.get().failure_count == 1


def test_it_retries_when_the_push_service_cannot_be_reached(settings, vapid):
    settings.TASKS = DUMMY_TASKS
    settings.PUSH_SERVICE_HOSTS = ["127.0.0.1"]
    user = make_user()
    # Nothing listens on port 9 (discard) of this machine.
    push_subscribe(subscription=subscription_json("https://127.0.0.1:9/push/x"), user=user)

    assert send_push_task.call(**event(), user_id=user.pk) == 0

    [retry] = queued()
    assert retry.kwargs["endpoints"] == ["https://127.0.0.1:9/push/x"]
    assert PushSubscription.objects.get().failure_count == 1


def test_it_drops_a_phone_that_keeps_failing(settings, push_service):
    settings.TASKS = DUMMY_TASKS
    user = make_user()
    subscription = push_subscribe(
        subscription=subscription_json(push_service.endpoint()), user=user
    )
    PushSubscription.objects.filter(pk=subscription.pk).update(failure_count=19)
    push_service.statuses.append(500)

    send_push_task.call(**event(), user_id=user.pk)

    assert not PushSubscription.objects.exists()


def test_it_pushes_a_desk_alert_only_to_people_still_in_the_shop(push_service):
    shop = make_shop()
    owner, former = make_user(), make_user()
    make_membership(shop, owner, role="owner")
    membership = make_membership(shop, former)
    push_subscribe(
        subscription=subscription_json(push_service.endpoint("owner")), user=owner, shop=shop
    )
    push_subscribe(
        subscription=subscription_json(push_service.endpoint("former")), user=former, shop=shop
    )
    membership.delete()

    assert send_push_task.call(**event(), shop_id=shop.pk) == 1

    assert [r.path for r in push_service.received] == ["/push/owner"]
