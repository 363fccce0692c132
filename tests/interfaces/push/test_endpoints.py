"""The JSON endpoints behind "Be notified on this phone"."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.domain.notifications.models import PushSubscription
from comptoir.domain.notifications.services import push_subscribe
from comptoir.domain.notifications.vapid import generate_vapid_keys
from tests.domain.notifications.support import browser_keys, make_order, subscription_json
from tests.factories import make_membership, make_user

pytestmark = pytest.mark.django_db

ENDPOINT = "https://fcm.googleapis.com/fcm/send/phone-1"


def post(client, name, data, **extra):
    body = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.post(
        reverse(f"push:{name}"),
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def guest_client(order):
    client = Client()
    session = client.session
    session["comptoir_checkouts"] = [order.checkout.token]
    session.save()
    return client


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_it_gives_the_vapid_public_key(settings):
    keys = generate_vapid_keys()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = keys.public_key, keys.private_key

    response = Client().get(reverse("push:key"))

    assert response.status_code == 200
    assert response.json() == {"public_key": keys.public_key}
    assert response["Cache-Control"] == "public, max-age=3600"


def test_it_subscribes_a_customers_phone_for_all_their_orders(shop):
    customer = make_user()
    order = make_order(shop, customer=customer)

    response = post(
        signed_in(customer),
        "subscribe",
        {"scope": "order", "order": order.number, "subscription": subscription_json(ENDPOINT)},
    )

    assert response.status_code == 201
    assert response.json() == {"subscribed": True}
    row = PushSubscription.objects.get()
    assert (row.endpoint, row.user, row.order, row.shop) == (ENDPOINT, customer, None, None)


def test_it_subscribes_a_guest_holding_the_checkout_token_for_that_order(shop):
    order = make_order(shop)

    response = post(
        guest_client(order),
        "subscribe",
        {"scope": "order", "order": order.number, "subscription": subscription_json(ENDPOINT)},
    )

    assert response.status_code == 201
    row = PushSubscription.objects.get()
    assert (row.user, row.order) == (None, order)


def test_it_hides_a_guest_order_from_a_visitor_without_its_token(shop):
    order = make_order(shop)
    other = make_order(shop)

    response = post(
        guest_client(other),
        "subscribe",
        {"scope": "order", "order": order.number, "subscription": subscription_json(ENDPOINT)},
    )

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "This order or shop does not exist or is not yours."
    assert not PushSubscription.objects.exists()


def test_it_hides_a_customers_order_from_another_customer_and_from_guests(shop):
    order = make_order(shop, customer=make_user())
    data = {"scope": "order", "order": order.number, "subscription": subscription_json(ENDPOINT)}

    assert post(signed_in(make_user()), "subscribe", data).status_code == 404
    assert post(Client(), "subscribe", data).status_code == 404
    assert not PushSubscription.objects.exists()


def test_it_answers_not_found_for_an_unknown_order():
    data = {"scope": "order", "order": "ZZZZ-9999", "subscription": subscription_json(ENDPOINT)}

    assert post(Client(), "subscribe", data).status_code == 404


def test_it_subscribes_a_member_handling_orders_to_the_desk(shop):
    staff = make_user()
    make_membership(shop, staff)
    data = {
        "scope": "shop",
        "city": shop.city.slug,
        "shop": shop.slug,
        "subscription": subscription_json(ENDPOINT),
    }

    response = post(signed_in(staff), "subscribe", data)

    assert response.status_code == 201
    row = PushSubscription.objects.get()
    assert (row.user, row.order, row.shop) == (staff, None, shop)


def test_it_hides_a_desk_from_strangers_and_anonymous_visitors(shop):
    data = {
        "scope": "shop",
        "city": shop.city.slug,
        "shop": shop.slug,
        "subscription": subscription_json(ENDPOINT),
    }

    assert post(signed_in(make_user()), "subscribe", data).status_code == 404
    assert post(Client(), "subscribe", data).status_code == 404
    assert not PushSubscription.objects.exists()


def test_it_refuses_a_post_without_the_csrf_token(shop):
    customer = make_user()
    order = make_order(shop, customer=customer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    data = {"scope": "order", "order": order.number, "subscription": subscription_json(ENDPOINT)}

    assert post(client, "subscribe", data).status_code == 403
    assert not PushSubscription.objects.exists()

    client.cookies["csrftoken"] = "a" * 32
    assert post(client, "subscribe", data, HTTP_X_CSRFTOKEN="a" * 32).status_code == 201
    assert PushSubscription.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("{not json", "The request body must be JSON."),
        (b"\xff\xfe", "The request body must be JSON."),
        ("[1, 2]", "The request body must be a JSON object."),
        ({"scope": "planet"}, "The scope must be “order” or “shop”."),
        ({"scope": "order"}, "The field “order” is missing."),
        ({"scope": "shop", "city": "rouen"}, "The field “shop” is missing."),
        ("x" * 9000, "The request is too large."),
    ],
)
def test_it_answers_a_clear_bad_request(body, detail):
    response = post(Client(), "subscribe", body)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "bad_request",
        "title": "bad request",
        "status": 400,
        "detail": detail,
    }
    assert not PushSubscription.objects.exists()


def test_it_answers_a_clear_bad_request_without_a_subscription(shop):
    order = make_order(shop)

    response = post(guest_client(order), "subscribe", {"scope": "order", "order": order.number})

    assert response.status_code == 400
    assert response.json()["detail"] == "The field “subscription” is missing."


@pytest.mark.parametrize("name", ["subscribe", "unsubscribe", "status"])
@pytest.mark.parametrize("bad", ["\u0000", "\ud800"], ids=["nul", "lone-surrogate"])
def test_it_refuses_text_the_database_cannot_hold(shop, name, bad):
    # PostgreSQL refuses NUL in text, no driver encodes a lone surrogate: both were a 500.
    customer = make_user()
    order = make_order(shop, customer=customer)
    endpoint = ENDPOINT + bad
    data = {"scope": "order", "order": order.number, "endpoint": endpoint}

    response = post(signed_in(customer), name, data | {"subscription": subscription_json(endpoint)})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "The request contains a NUL character or invalid Unicode."
    assert not PushSubscription.objects.exists()


def test_it_answers_deeply_nested_json_with_a_bad_request():
    body = '{"a":' * 1300 + "1" + "}" * 1300  # deeper than Python's recursion limit, under 8 KB

    response = post(Client(), "subscribe", body)

    assert response.status_code == 400
    assert response.json()["detail"] == "The scope must be “order” or “shop”."


def test_it_explains_a_subscription_it_refuses(shop):
    order = make_order(shop)
    data = subscription_json(ENDPOINT)
    data["keys"]["auth"] = "short"

    response = post(
        guest_client(order),
        "subscribe",
        {"scope": "order", "order": order.number, "subscription": data},
    )

    assert response.status_code == 422
    assert response.json() == {
        "type": "invalid_push_subscription",
        "title": "invalid push subscription",
        "status": 422,
        "detail": "The push subscription's auth key is missing or malformed.",
    }
    assert not PushSubscription.objects.exists()


def test_it_refuses_a_push_service_it_does_not_know(shop):
    order = make_order(shop)
    data = {
        "scope": "order",
        "order": order.number,
        "subscription": subscription_json("https://10.0.0.1/x"),
    }

    response = post(guest_client(order), "subscribe", data)

    assert response.status_code == 422
    assert response.json()["type"] == "push_service_not_allowed"
    assert response.json()["detail"] == "Notifications from 10.0.0.1 are not supported."


def test_it_tells_whether_this_phone_is_subscribed_and_unsubscribes_it(shop):
    order = make_order(shop)
    client = guest_client(order)
    keys = browser_keys()
    push_subscribe(subscription=subscription_json(ENDPOINT, keys), order=order)
    audience = {"scope": "order", "order": order.number}

    assert post(client, "status", audience | {"endpoint": ENDPOINT}).json() == {"subscribed": True}
    assert post(client, "status", audience | {"endpoint": ENDPOINT + "x"}).json() == {
        "subscribed": False
    }

    response = post(client, "unsubscribe", audience | {"endpoint": ENDPOINT})

    assert response.status_code == 200
    assert response.json() == {"subscribed": False}
    assert not PushSubscription.objects.exists()
    assert post(client, "status", audience | {"endpoint": ENDPOINT}).json() == {"subscribed": False}


def test_it_does_not_let_a_stranger_unsubscribe_a_guests_phone(shop):
    order = make_order(shop)
    push_subscribe(subscription=subscription_json(ENDPOINT), order=order)

    response = post(
        Client(), "unsubscribe", {"scope": "order", "order": order.number, "endpoint": ENDPOINT}
    )

    assert response.status_code == 404
    assert PushSubscription.objects.count() == 1


@pytest.mark.parametrize("name", ["subscribe", "unsubscribe", "status"])
def test_it_only_takes_posts(name):
    assert Client().get(reverse(f"push:{name}")).status_code == 405
