"""Subscribing a phone: the browser's JSON is checked before anything is stored."""

import pytest
from django.utils import translation

from comptoir.domain.notifications.errors import InvalidPushSubscription, PushServiceNotAllowed
from comptoir.domain.notifications.models import PushSubscription
from comptoir.domain.notifications.selectors import push_is_subscribed
from comptoir.domain.notifications.services import push_subscribe, push_unsubscribe
from comptoir.domain.shops.access import ShopNotFound
from tests.domain.notifications.support import browser_keys, make_order, subscription_json
from tests.factories import make_membership, make_user

pytestmark = pytest.mark.django_db

ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


@pytest.fixture(autouse=True)
def _english():
    # The messages are asserted in English, whatever the site's default language.
    with translation.override("en"):
        yield


def test_it_stores_a_customers_phone():
    user = make_user()
    keys = browser_keys()

    row = push_subscribe(subscription=subscription_json(ENDPOINT, keys), user=user)

    assert (row.endpoint, row.p256dh, row.auth) == (ENDPOINT, keys.p256dh, keys.auth)
    assert (row.user, row.order, row.shop) == (user, None, None)
    assert row.failure_count == 0
    assert row.last_success_at is None


def test_it_accepts_padded_keys_and_stores_them_unpadded():
    keys = browser_keys()
    data = {"endpoint": ENDPOINT, "keys": {"p256dh": keys.p256dh + "=", "auth": keys.auth + "=="}}

    row = push_subscribe(subscription=data, user=make_user())

    assert (row.p256dh, row.auth) == (keys.p256dh, keys.auth)


def test_it_stores_a_guests_phone_for_one_order(shop):
    order = make_order(shop)

    row = push_subscribe(subscription=subscription_json(ENDPOINT), order=order)

    assert (row.user, row.order, row.shop) == (None, order, None)


def test_it_stores_a_phone_following_a_desk_for_staff(shop):
    staff = make_user()
    make_membership(shop, staff)

    row = push_subscribe(subscription=subscription_json(ENDPOINT), user=staff, shop=shop)

    assert (row.user, row.order, row.shop) == (staff, None, shop)


def test_it_refuses_a_desk_subscription_from_a_stranger(shop):
    with pytest.raises(ShopNotFound):
        push_subscribe(subscription=subscription_json(ENDPOINT), user=make_user(), shop=shop)

    assert not PushSubscription.objects.exists()


def test_it_keeps_one_row_when_a_phone_subscribes_again_with_new_keys(shop):
    user = make_user()
    order = make_order(shop)
    push_subscribe(subscription=subscription_json(ENDPOINT), user=user)
    push_subscribe(subscription=subscription_json(ENDPOINT), order=order)
    new_keys = browser_keys()

    push_subscribe(subscription=subscription_json(ENDPOINT, new_keys), user=user)

    assert PushSubscription.objects.count() == 2
    # The browser has one subscription: every row of the phone gets its new keys.
    assert set(PushSubscription.objects.values_list("p256dh", "auth")) == {
        (new_keys.p256dh, new_keys.auth)
    }


def test_it_gives_a_phone_on_a_desk_to_the_last_member_who_subscribed(shop):
    first, second = make_user(), make_user()
    make_membership(shop, first)
    make_membership(shop, second)
    push_subscribe(subscription=subscription_json(ENDPOINT), user=first, shop=shop)

    push_subscribe(subscription=subscription_json(ENDPOINT), user=second, shop=shop)

    assert list(PushSubscription.objects.values_list("user", "shop")) == [(second.pk, shop.pk)]


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        (None, "The push subscription has no endpoint."),
        ("", "The push subscription has no endpoint."),
        (
            "http://fcm.googleapis.com/fcm/send/abc",
            "The push endpoint must be an https:// address.",
        ),
        ("fcm.googleapis.com/fcm/send/abc", "The push endpoint must be an https:// address."),
        ("https://fcm.googleapis.com/" + "a" * 2048, "The push endpoint is too long."),
    ],
)
def test_it_refuses_an_endpoint_it_cannot_use(endpoint, message):
    data = subscription_json() | {"endpoint": endpoint}

    with pytest.raises(InvalidPushSubscription) as caught:
        push_subscribe(subscription=data, user=make_user())

    assert caught.value.code == "invalid_push_subscription"
    assert caught.value.message == message
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.0.0.1/push",
        "https://internal.example/push",
        "https://fcm.googleapis.com.evil.example/push",
        "https://notify.windows.com.evil.example/push",
    ],
)
def test_it_refuses_an_endpoint_outside_the_known_push_services(endpoint):
    with pytest.raises(PushServiceNotAllowed) as caught:
        push_subscribe(subscription=subscription_json(endpoint), user=make_user())

    assert caught.value.code == "push_service_not_allowed"
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QGuQyavXutnMH",
        "https://wns2-par02p.notify.windows.com/w/?token=abc",
    ],
)
def test_it_accepts_the_push_services_of_the_main_browsers(endpoint):
    row = push_subscribe(subscription=subscription_json(endpoint), user=make_user())

    assert row.endpoint == endpoint


def keys_of(data, **keys):
    return data | {"keys": data["keys"] | keys}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"p256dh": None}, "p256dh"),
        ({"p256dh": "A" * 86}, "p256dh"),
        ({"p256dh": "A" * 87}, "p256dh"),  # 65 bytes, but not a point of P-256
        ({"p256dh": "!" * 87}, "p256dh"),
        ({"auth": None}, "auth"),
        ({"auth": "A" * 21}, "auth"),
        ({"auth": "+/" * 11}, "auth"),
        ({"auth": 1234}, "auth"),
    ],
)
def test_it_refuses_malformed_keys_and_names_the_key(change, key):
    data = keys_of(subscription_json(ENDPOINT), **change)

    with pytest.raises(InvalidPushSubscription) as caught:
        push_subscribe(subscription=data, user=make_user())

    assert str(caught.value) == f"The push subscription's {key} key is missing or malformed."
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "data", [None, [], "subscription", {"endpoint": ENDPOINT}, {"endpoint": ENDPOINT, "keys": []}]
)
def test_it_refuses_what_is_not_a_subscription(data):
    with pytest.raises(InvalidPushSubscription):
        push_subscribe(subscription=data, user=make_user())

    assert not PushSubscription.objects.exists()


def test_it_forgets_a_phone_for_one_audience_only(shop):
    user = make_user()
    order = make_order(shop)
    keys = browser_keys()
    push_subscribe(subscription=subscription_json(ENDPOINT, keys), user=user)
    kept = push_subscribe(subscription=subscription_json(ENDPOINT, keys), order=order)

    assert push_unsubscribe(endpoint=ENDPOINT, user=user) == 1

    assert list(PushSubscription.objects.all()) == [kept]
    assert not push_is_subscribed(endpoint=ENDPOINT, user=user)
    assert push_is_subscribed(endpoint=ENDPOINT, order=order)


def test_it_forgets_nothing_of_another_user():
    owner, other = make_user(), make_user()
    push_subscribe(subscription=subscription_json(ENDPOINT), user=owner)

    assert push_unsubscribe(endpoint=ENDPOINT, user=other) == 0

    assert PushSubscription.objects.get().user == owner


def test_it_forgets_a_phone_on_a_desk(shop):
    staff = make_user()
    make_membership(shop, staff)
    push_subscribe(subscription=subscription_json(ENDPOINT), user=staff, shop=shop)
    push_subscribe(subscription=subscription_json(ENDPOINT), user=staff)

    assert push_unsubscribe(endpoint=ENDPOINT, user=staff, shop=shop) == 1

    assert list(PushSubscription.objects.values_list("user", "shop")) == [(staff.pk, None)]
