"""The live loop in real Chromium: a customer orders, the desk rings, each tap reaches the customer.

The pages run on the real server (granian + the ASGI app, tests/servers.py),
so /live/ streams work as in production: the desk and the customer's order
page are two browser contexts that never reload.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from comptoir.domain.fulfilment.selectors import earliest_pickup_slot
from comptoir.domain.orders.checkout import Collect, checkout_place
from comptoir.domain.orders.models import Order, OrderState
from comptoir.domain.orders.services import basket_add, basket_for
from comptoir.domain.shops.models import Role
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import blocking, describe
from tests.browser.test_checkout import NO_HORIZONTAL_SCROLL
from tests.domain.orders.support import CONTACT
from tests.factories import (
    make_city,
    make_membership,
    make_opening_hours,
    make_product,
    make_shop,
    make_user,
)
from tests.servers import free_port, running_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: How long a live update may take to show, at most, in these tests (it takes ~0.1 s).
LIVE = 3000
#: The server pings every second here: the desk's watchdog would notice a dead line in 2 s.
SERVER_ENV = {"LIVE_HEARTBEAT_SECONDS": "1"}


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    return Axe()


@pytest.fixture
def rouen(transactional_db) -> dict[str, Any]:
    city = make_city(name="Rouen", slug="rouen")
    bakery = make_shop(city, name="Au Bon Pain", slug="au-bon-pain", lead_time_minutes=10)
    for weekday in range(7):  # open around the clock: the test may run at any hour
        make_opening_hours(bakery, weekday, "00:00", "23:59")
    product = make_product(
        bakery, name="Baguette tradition", slug="baguette", price=Decimal("1.30")
    )
    owner = make_user(email="jeanne@example.fr", first_name="Jeanne")
    make_membership(bakery, owner, role=Role.OWNER)
    customer = make_user(
        email="camille@example.fr", first_name="Camille", last_name="Martin", phone="+33612345678"
    )
    return {
        "city": city,
        "bakery": bakery,
        "product": product,
        "owner": owner,
        "customer": customer,
    }


def logged_in_context(browser: Any, base_url: str, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(**PHONE)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )
    return context


def watched(context: Any, console: Any) -> Any:
    page = context.new_page()
    page.on("console", console.on_console)
    page.on("pageerror", console.on_page_error)
    return page


def shot(page: Any, name: str) -> None:
    from tests.browser.conftest import SHOTS_DIR

    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS_DIR / f"{name}.png"), full_page=True)


def open_desk(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/shop/rouen/au-bon-pain/desk/")
    page.locator(".desk-status[data-state='connected']").wait_for(timeout=LIVE)
    unlock = page.locator(".desk-unlock")
    if unlock.is_visible():
        unlock.tap()
    unlock.wait_for(state="hidden")


def place_directly(rouen: dict[str, Any], token: str) -> Order:
    """An order placed as checkout does, without a browser (the server may be down)."""
    customer, product = rouen["customer"], rouen["product"]
    basket = basket_for(city=rouen["city"], user=customer, create=True)
    basket_add(basket=basket, product=product)
    now = timezone.now()
    slot = earliest_pickup_slot(shop=rouen["bakery"], products=[product], now=now)
    assert slot is not None
    checkout = checkout_place(
        basket=basket,
        token=token,
        contact=CONTACT,
        choices={rouen["bakery"].pk: Collect(slot_starts_at=slot.starts_at)},
        expected=None,
        now=now,
        customer=customer,
    )
    return checkout.orders.get()


def test_an_order_travels_from_the_customer_to_the_desk_and_back_live(browser, console, axe, rouen):
    basket = basket_for(city=rouen["city"], user=rouen["customer"], create=True)
    basket_add(basket=basket, product=rouen["product"], quantity=2)
    with running_server(env=SERVER_ENV) as base_url:
        desk_context = logged_in_context(browser, base_url, rouen["owner"])
        customer_context = logged_in_context(browser, base_url, rouen["customer"])
        try:
            desk = watched(desk_context, console)
            open_desk(desk, base_url)
            assert desk.locator(".desk-card").count() == 0
            shot(desk, "desk-empty")

            # The customer confirms their basket on their phone.
            customer = watched(customer_context, console)
            customer.goto(f"{base_url}/rouen/checkout/")
            for field, value in (
                ("#id_name", "Camille Martin"),
                ("#id_email", "camille@example.fr"),
                ("#id_phone", "06 12 34 56 78"),
            ):
                if not customer.locator(field).input_value():
                    customer.locator(field).fill(value)
            with customer.expect_navigation(url=f"{base_url}/rouen/checkout/done/**"):
                customer.locator(".co-confirm").tap()
            placed_at = time.monotonic()
            order = Order.objects.get()

            # The desk shows it without a reload, rings, and counts it in the tab's title.
            card = desk.locator(f"#order-{order.number}")
            card.wait_for(timeout=LIVE)
            arrival = time.monotonic() - placed_at
            assert arrival < 1.5, f"the order took {arrival:.2f} s to reach the desk"
            assert card.locator(".pickup-code").inner_text() == order.pickup_code
            assert card.locator(".desk-line").all_inner_texts() == [
                "2 \N{MULTIPLICATION SIGN} Baguette tradition"
            ]
            assert desk.title().startswith("(1) ")
            assert desk.locator("[data-desk]").get_attribute("data-ringing") == "yes"
            shot(desk, "desk-new-order")
            assert desk.evaluate(NO_HORIZONTAL_SCROLL) is True
            violations = blocking(axe.run(desk))
            assert violations == [], describe(violations)

            customer.goto(f"{base_url}/account/orders/{order.number}/")
            status = customer.locator(".order-live")
            assert status.get_attribute("data-state") == OrderState.PLACED

            # Accept (the prefilled ready-by time, plus 5 minutes if the slot allows it).
            card.locator(".desk-accept button[type=submit]").tap()
            customer.locator(".order-live[data-state='accepted']").wait_for(timeout=LIVE)
            assert Order.objects.get().state == OrderState.ACCEPTED
            desk.locator(f"#order-{order.number}.desk-card--accepted").wait_for(timeout=LIVE)
            assert desk.locator("[data-desk]").get_attribute("data-ringing") == "no"
            assert not desk.title().startswith("(")
            # Too late to cancel: the page's cancel button went away by itself.
            assert customer.locator("form[data-live-states='placed']").is_hidden()
            shot(customer, "order-accepted-live")

            # Ready.
            desk.locator(f"#order-{order.number} button[type=submit]").tap()
            customer.locator(".order-live[data-state='ready']").wait_for(timeout=LIVE)
            shot(desk, "desk-ready")

            # A wrong code is refused on the card; the right one hands it over.
            ready_card = desk.locator(f"#order-{order.number}.desk-card--ready")
            ready_card.wait_for(timeout=LIVE)
            assert desk.evaluate(NO_HORIZONTAL_SCROLL) is True
            ready_card.locator("input[name=pickup_code]").fill("ZZZZZZ")
            ready_card.locator(".desk-handover button[type=submit]").tap()
            desk.locator(f"#order-{order.number} [data-card-error]").wait_for(timeout=LIVE)
            assert Order.objects.get().state == OrderState.READY
            ready_card.locator("input[name=pickup_code]").fill(order.pickup_code.lower())
            ready_card.locator(".desk-handover button[type=submit]").tap()
            customer.locator(".order-live[data-state='collected']").wait_for(timeout=LIVE)
            assert Order.objects.get().state == OrderState.COLLECTED
            desk.locator(f".desk-done #order-{order.number}").wait_for(timeout=LIVE)
            assert customer.locator(".pickup").is_hidden()
            shot(customer, "order-collected-live")
            assert console.errors == []
        finally:
            desk_context.close()
            customer_context.close()


def test_the_desk_reconnects_and_shows_what_it_missed(browser, console, rouen):
    port = free_port()
    desk_context = None
    try:
        with running_server(port=port, env=SERVER_ENV) as base_url:
            desk_context = logged_in_context(browser, base_url, rouen["owner"])
            desk = watched(desk_context, console)
            open_desk(desk, base_url)
        # The server is down: the desk says so, and an order arrives meanwhile.
        desk.locator(
            ".desk-status:is([data-state='reconnecting'], [data-state='offline'])"
        ).wait_for(timeout=LIVE)
        shot(desk, "desk-reconnecting")
        order = place_directly(rouen, token="while-the-desk-was-away")
        assert desk.locator(f"#order-{order.number}").count() == 0

        with running_server(port=port, env=SERVER_ENV):
            desk.locator(f"#order-{order.number}").wait_for(timeout=20000)
            assert desk.locator(".desk-status").get_attribute("data-state") == "connected"
            assert desk.title().startswith("(1) ")
    finally:
        if desk_context is not None:
            desk_context.close()


SILENT_FIRST_STREAM = """
window.deskStreams = 0;
const realFetch = window.fetch;
window.fetch = function (url, options) {
  if (String(url).includes("/live/shops/") && ++window.deskStreams === 1) {
    const silent = new ReadableStream({ start() {} });
    return Promise.resolve(
      new Response(silent, { status: 200, headers: { "content-type": "text/event-stream" } })
    );
  }
  return realFetch.apply(this, arguments);
};
"""


def test_the_watchdog_reconnects_a_silent_stream(browser, console, rouen):
    with running_server(env=SERVER_ENV) as base_url:
        desk_context = logged_in_context(browser, base_url, rouen["owner"])
        try:
            desk = watched(desk_context, console)
            # The desk's first stream opens but never says a word (a dead
            # line, as after a phone changed network): the watchdog must drop it.
            desk.add_init_script(SILENT_FIRST_STREAM)
            desk.goto(f"{base_url}/shop/rouen/au-bon-pain/desk/")
            unlock = desk.locator(".desk-unlock")
            if unlock.is_visible():
                unlock.tap()
            # An order arrives while the line is dead, and waits so long it
            # escalates: nothing tells the desk.
            order = place_directly(rouen, token="while-the-line-is-dead")
            Order.objects.filter(pk=order.pk).update(escalated_at=timezone.now())
            assert desk.locator(".desk-status").get_attribute("data-state") == "connecting"

            # 2 heartbeats (2 s) without a byte: dropped, re-opened, re-read.
            desk.locator(f"#order-{order.number}").wait_for(timeout=10000)
            assert desk.evaluate("window.deskStreams") == 2
            assert desk.locator(".desk-status").get_attribute("data-state") == "connected"
            # Escalated: marked on its card, and the alarm rings faster and louder.
            assert desk.locator(f"#order-{order.number}.desk-card--escalated").count() == 1
            assert desk.locator("[data-desk]").get_attribute("data-ringing") == "urgent"
            assert console.errors == []
        finally:
            desk_context.close()
