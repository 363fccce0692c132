"""The database refuses push rows the services never write (STYLE rule 5)."""

import pytest

from comptoir.domain.notifications.models import PushDelivery, PushSubscription
from tests.domain.notifications.support import browser_keys, make_order
from tests.domain.violations import refused_by
from tests.factories import make_shop, make_user

pytestmark = pytest.mark.django_db

ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc"


def subscription(**fields):
    keys = browser_keys()
    defaults = {"endpoint": ENDPOINT, "p256dh": keys.p256dh, "auth": keys.auth}
    return PushSubscription.objects.create(**(defaults | fields))


def test_it_refuses_a_subscription_for_nobody():
    with refused_by("notifications_pushsubscription_one_audience"):
        subscription()

    assert not PushSubscription.objects.exists()


def test_it_refuses_a_subscription_for_a_user_and_a_guest_order(shop):
    with refused_by("notifications_pushsubscription_one_audience"):
        subscription(user=make_user(), order=make_order(shop))

    assert not PushSubscription.objects.exists()


def test_it_refuses_a_desk_subscription_without_its_member(shop):
    with refused_by("notifications_pushsubscription_one_audience"):
        subscription(order=make_order(shop), shop=shop)

    assert not PushSubscription.objects.exists()


def test_it_accepts_each_audience_for_one_phone(shop):
    user = make_user()
    subscription(user=user)
    subscription(order=make_order(shop))
    subscription(user=user, shop=shop)

    assert PushSubscription.objects.filter(endpoint=ENDPOINT).count() == 3


def test_it_refuses_one_phone_twice_for_a_user():
    user = make_user()
    subscription(user=user)

    with refused_by(
        "notifications_pushsubscription_unique_for_user",
        sqlite="notifications_pushsubscription.endpoint, notifications_pushsubscription.user_id",
    ):
        subscription(user=user)

    assert PushSubscription.objects.count() == 1


def test_it_refuses_one_phone_twice_for_an_order(shop):
    order = make_order(shop)
    subscription(order=order)

    with refused_by(
        "notifications_pushsubscription_unique_for_order",
        sqlite="notifications_pushsubscription.endpoint, notifications_pushsubscription.order_id",
    ):
        subscription(order=order)

    assert PushSubscription.objects.count() == 1


def test_it_refuses_one_phone_twice_on_a_desk(shop):
    subscription(user=make_user(), shop=shop)

    with refused_by(
        "notifications_pushsubscription_unique_for_shop",
        sqlite="notifications_pushsubscription.endpoint, notifications_pushsubscription.shop_id",
    ):
        subscription(user=make_user(), shop=shop)

    assert PushSubscription.objects.count() == 1


def test_it_accepts_one_phone_for_two_users_two_orders_and_two_desks(city):
    shop, other_shop = make_shop(city), make_shop(city)
    user, other_user = make_user(), make_user()
    subscription(user=user)
    subscription(user=other_user)
    subscription(order=make_order(shop))
    subscription(order=make_order(shop))
    subscription(user=user, shop=shop)
    subscription(user=user, shop=other_shop)

    assert PushSubscription.objects.count() == 6


def test_it_refuses_an_endpoint_that_is_not_https():
    with refused_by("notifications_pushsubscription_endpoint_https"):
        subscription(user=make_user(), endpoint="http://fcm.googleapis.com/fcm/send/abc")

    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "keys",
    [
        {"p256dh": "A" * 86},
        {"p256dh": ""},
        {"auth": "A" * 21},
        {"auth": ""},
    ],
)
def test_it_refuses_keys_of_the_wrong_length(keys):
    with refused_by("notifications_pushsubscription_key_lengths"):
        subscription(user=make_user(), **keys)

    assert not PushSubscription.objects.exists()


def test_it_accepts_keys_of_exactly_the_browsers_lengths():
    row = subscription(user=make_user(), p256dh="B" * 87, auth="C" * 22)

    assert (len(row.p256dh), len(row.auth)) == (87, 22)


def test_it_refuses_to_record_one_event_twice_for_a_phone():
    PushDelivery.objects.create(key="order:1:ready", endpoint=ENDPOINT)

    with refused_by(
        "notifications_pushdelivery_once",
        sqlite="notifications_pushdelivery.key, notifications_pushdelivery.endpoint",
    ):
        PushDelivery.objects.create(key="order:1:ready", endpoint=ENDPOINT)

    assert PushDelivery.objects.count() == 1


def test_it_accepts_one_event_for_two_phones_and_two_events_for_one():
    PushDelivery.objects.create(key="order:1:ready", endpoint=ENDPOINT)
    PushDelivery.objects.create(key="order:1:ready", endpoint=ENDPOINT + "2")
    PushDelivery.objects.create(key="order:1:accepted", endpoint=ENDPOINT)

    assert PushDelivery.objects.count() == 3


def test_it_refuses_an_event_without_a_key():
    with refused_by("notifications_pushdelivery_key_not_empty"):
        PushDelivery.objects.create(key="", endpoint=ENDPOINT)

    assert not PushDelivery.objects.exists()
