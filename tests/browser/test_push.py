"""The push opt-in button in real Chromium, and the service worker's push handler.

What headless Chromium can and cannot do here (measured, Chromium 156):

- A Playwright `browser.new_context()` is off the record, and Chromium has no
  Push API in incognito: `pushManager.subscribe()` rejects with "AbortError:
  Registration failed - permission denied" and logs "Chrome currently does
  not support the Push API in incognito mode (crbug.com/41124656)".
- In a persistent profile (`launch_persistent_context`) with the
  notifications permission granted, `subscribe()` never settles (still
  pending after 20 s and after 5 min, with or without
  --disable-background-networking): Chrome subscribes through Google's FCM,
  which this machine cannot reach, and it cannot be pointed at a local push
  service.

So these tests stub `PushManager.prototype.subscribe` (and `getSubscription`)
with an init script that returns a subscription whose keys the test generated,
then check the rest for real: the box appears, the tap asks permission and
calls subscribe with our VAPID key, the server stores the subscription, and a
real encrypted push sent to it (local HTTPS push service) decrypts with the
test's keys. The worker's `push` handler is driven through the DevTools
protocol (`ServiceWorker.deliverPushMessage`), which needs no push service.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from comptoir.domain.notifications.models import PushSubscription
from comptoir.domain.notifications.push import send_push_task
from comptoir.domain.notifications.vapid import b64url_decode, generate_vapid_keys
from comptoir.domain.orders.models import Order
from tests.domain.notifications.support import browser_keys, make_order, run_push_service
from tests.factories import make_city, make_shop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls(__name__),
]

# A page standing in for the order page (another module's) with the include.
PAGE = engines["django"].from_string(
    "{% extends 'base.html' %}{% block content %}<main class='page'>"
    "<h1>Commande {{ order.number }}</h1>"
    "{% include 'notifications/_push_optin.html' with push_scope='order' %}"
    "</main>{% endblock %}"
)


def order_page(request: HttpRequest, number: str) -> HttpResponse:
    order = Order.objects.get(number=number)
    return HttpResponse(PAGE.render({"order": order}, request))


urlpatterns = [
    path("test-order/<str:number>/", order_page),
    path("", include("comptoir.config.urls")),
]

FAKE_PUSH = """
(() => {
  const fake = %s;
  const calls = [];
  window.__pushCalls = calls;
  function subscription(key) {
    return {
      endpoint: fake.endpoint,
      options: { userVisibleOnly: true, applicationServerKey: key },
      toJSON: function () { return fake; },
      unsubscribe: async function () { localStorage.removeItem("fakePushKey"); return true; },
    };
  }
  PushManager.prototype.subscribe = async function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    calls.push({ userVisibleOnly: options.userVisibleOnly, key: Array.from(key) });
    localStorage.setItem("fakePushKey", JSON.stringify(Array.from(key)));
    return subscription(key.buffer);
  };
  PushManager.prototype.getSubscription = async function () {
    const stored = localStorage.getItem("fakePushKey");
    return stored ? subscription(new Uint8Array(JSON.parse(stored)).buffer) : null;
  };
})();
"""


@pytest.fixture
def vapid(settings):
    keys = generate_vapid_keys()
    settings.VAPID_PUBLIC_KEY = keys.public_key
    settings.VAPID_PRIVATE_KEY = keys.private_key
    return keys


@pytest.fixture
def push_service(tmp_path, settings, monkeypatch, vapid):
    with run_push_service(tmp_path) as (service, cert_path):
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_path))
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        monkeypatch.setenv("no_proxy", "127.0.0.1")
        settings.PUSH_SERVICE_HOSTS = ["127.0.0.1"]
        yield service


@pytest.fixture
def guest_order(transactional_db):
    return make_order(make_shop(make_city(slug="rouen")))


def wait_for_state(page, state: str) -> None:
    # A function, not a string: the page's CSP forbids eval.
    page.wait_for_function(
        "state => document.querySelector('[data-push-optin]').dataset.state === state", arg=state
    )


def hold_checkout_token(phone, live_server, order: Order) -> None:
    """The browser's session holds the order's checkout token, as after a guest checkout."""
    session = SessionStore()
    session["comptoir_checkouts"] = [order.checkout.token]
    session.save()
    phone.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


def test_it_subscribes_a_guests_phone_that_then_receives_a_real_push(
    live_server, phone, page, console, screenshot, push_service, vapid, guest_order
):
    keys = browser_keys()
    endpoint = push_service.endpoint("chromium")
    fake = {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": keys.p256dh, "auth": keys.auth},
    }
    phone.add_init_script(FAKE_PUSH % json.dumps(fake))
    phone.grant_permissions(["notifications"], origin=live_server.url)
    hold_checkout_token(phone, live_server, guest_order)

    page.goto(f"{live_server.url}/test-order/{guest_order.number}/")
    box = page.locator("[data-push-optin]")
    button = box.locator("[data-push-toggle]")
    assert box.is_visible()
    wait_for_state(page, "off")
    assert button.get_attribute("aria-pressed") == "false"
    assert button.bounding_box()["height"] >= 44
    screenshot("push-optin-off")

    button.tap()
    wait_for_state(page, "on")

    [call] = page.evaluate("() => window.__pushCalls")
    assert call["userVisibleOnly"] is True
    assert bytes(call["key"]) == b64url_decode(vapid.public_key)
    row = PushSubscription.objects.get()
    assert (row.endpoint, row.p256dh, row.auth) == (endpoint, keys.p256dh, keys.auth)
    assert (row.user, row.order_id) == (None, guest_order.pk)
    assert button.get_attribute("aria-pressed") == "true"
    assert box.locator("[data-push-note='on']").is_visible()
    screenshot("push-optin-on")

    # What the server stored reaches the phone: encrypted for its keys.
    sent = send_push_task.call(
        key="order:1:ready",
        title="Prête",
        body="Commande prête",
        url="/test-order/x/",
        tag="order-1",
        order_id=guest_order.pk,
    )
    assert sent == 1
    [received] = push_service.received
    assert keys.decrypt(received.body)["title"] == "Prête"

    # The state survives a reload (asked to the server), and a tap turns it off.
    page.reload()
    wait_for_state(page, "on")
    button.tap()
    wait_for_state(page, "off")
    assert not PushSubscription.objects.exists()
    assert console.errors == []


def test_it_says_so_when_notifications_are_refused(
    live_server, phone, page, console, push_service, guest_order
):
    fake = {"endpoint": push_service.endpoint(), "keys": {"p256dh": "x", "auth": "y"}}
    phone.add_init_script(FAKE_PUSH % json.dumps(fake))
    phone.add_init_script("Notification.requestPermission = async () => 'denied';")
    hold_checkout_token(phone, live_server, guest_order)

    page.goto(f"{live_server.url}/test-order/{guest_order.number}/")
    page.locator("[data-push-toggle]").tap()
    wait_for_state(page, "denied")

    assert page.locator("[data-push-note='denied']").is_visible()
    assert page.locator("[data-push-toggle]").is_disabled()
    assert page.evaluate("() => window.__pushCalls") == []
    assert not PushSubscription.objects.exists()
    assert console.errors == []


def test_it_stays_hidden_where_the_browser_cannot_push(
    live_server, phone, page, console, guest_order
):
    # Safari in a tab (not on the home screen) has no PushManager.
    phone.add_init_script("delete window.PushManager;")

    page.goto(f"{live_server.url}/test-order/{guest_order.number}/")
    page.wait_for_load_state("load")

    assert page.locator("[data-push-optin]").is_hidden()
    assert page.locator("h1").inner_text() == f"Commande {guest_order.number}"
    assert console.errors == []


def test_the_worker_shows_a_push_as_a_notification_replacing_the_same_order(
    live_server, phone, page, console, guest_order
):
    phone.grant_permissions(["notifications"], origin=live_server.url)
    page.goto(f"{live_server.url}/test-order/{guest_order.number}/")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    cdp = phone.new_cdp_session(page)
    registrations: dict[str, dict] = {}

    def on_update(event: dict) -> None:
        for registration in event["registrations"]:
            if registration["isDeleted"]:
                registrations.pop(registration["registrationId"], None)
            else:
                registrations[registration["registrationId"]] = registration

    cdp.on("ServiceWorker.workerRegistrationUpdated", on_update)
    cdp.send("ServiceWorker.enable")
    for _ in range(100):  # the registrations arrive as events, just after enable
        if registrations:
            break
        page.wait_for_timeout(20)
    [registration] = registrations.values()

    # One push at a time, each waited for: the worker may handle two pushes sent
    # back to back in either order (a CI flake), and the test is about the
    # second replacing the first. Read the notifications in the same poll that
    # sees them (headless Chromium may close one soon after); poll from Python,
    # since wait_for_function takes an async predicate's Promise as truthy.
    shown: list[dict] = []
    for body in ("Acceptée, prête à 10:30", "Prête : venez la chercher"):
        payload = {
            "title": "Boulangerie",
            "body": body,
            "url": "/account/orders/X/",
            "tag": "order-7",
        }
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": live_server.url,
                "registrationId": registration["registrationId"],
                "data": json.dumps(payload),
            },
        )
        for _ in range(750):  # up to 15 s: the worker is slow when the machine is busy
            shown = page.evaluate(
                """async () => {
                     const registration = await navigator.serviceWorker.ready;
                     const shown = await registration.getNotifications();
                     return shown.map(n => ({
                       title: n.title, body: n.body, tag: n.tag, icon: n.icon,
                       badge: n.badge, data: n.data,
                     }));
                   }"""
            )
            if any(notification["body"] == body for notification in shown):
                break
            page.wait_for_timeout(20)
    assert shown == [
        {
            "title": "Boulangerie",
            "body": "Prête : venez la chercher",
            "tag": "order-7",
            "icon": f"{live_server.url}/static/icons/icon-192.png",
            "badge": f"{live_server.url}/static/icons/badge-96.png",
            "data": {"url": "/account/orders/X/"},
        }
    ]
    assert console.errors == []
