"""Every customer-side page is closed to everyone but the customer (or the guest) it is about.

The routes are discovered from the URL resolver: every pattern under
/account/, /api/push/, /<city>/basket/ and /<city>/checkout/ is walked, so a
new page is covered the day it is added (and must be classified below).
Path parameters (and the push API's JSON body) are filled with the real
objects of Albertine, a signed-in customer, and of Gaston, a guest: her
order number, her address, her checkout token; his order number and
checkout token. Each request is made as a stranger — a visitor, another
guest, another customer, staff of another shop, staff and owner of the
order's own shop (the shop uses its desk, not the customer's pages) — and
must be turned away, show none of their personal data and change nothing.
The same URLs, used by Albertine or Gaston, do show their data: the walk is
not vacuous. The live order stream (/live/orders/<number>, served by the
ASGI app, not the URL conf) is walked the same way.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.core.event_bus import set_bus
from comptoir.core.event_bus.inprocess import InProcessBus
from comptoir.domain.accounts.models import Address, User
from comptoir.domain.deals.models import Voucher
from comptoir.domain.deals.services import voucher_claim
from comptoir.domain.notifications.services import push_subscribe
from comptoir.domain.orders.models import Basket, BasketLine, Checkout, Order, OrderState
from comptoir.domain.shops.models import Role, Shop
from comptoir.interfaces import live
from tests.access import named_routes, route_params, snapshot
from tests.domain.deals.support import make_deal
from tests.domain.notifications.support import subscription_json
from tests.factories import (
    make_membership,
    make_opening_hours,
    make_order,
    make_product,
    make_shop,
    make_user,
)
from tests.interfaces.live.test_streams import (
    disconnect,
    guest_session,
    open_until_hello,
    run_refused,
    signed_in,
    stream,
)

CUSTOMER_PREFIXES = (
    "account/",
    "api/push/",
    "<slug:city_slug>/basket/",
    "<slug:city_slug>/checkout/",
)

#: Pages about one object of one customer or guest, named in the URL:
#: anyone else gets a 404 (or, signed out, the log-in page first).
OBJECT_PAGES = {
    "accounts:order_detail",
    "accounts:order_status",
    "accounts:order_cancel",
    "accounts:order_again",
    "accounts:address_default",
    "accounts:address_delete",
    "accounts:voucher",
    "storefront:checkout_done",
}

#: The push API: the order is named in the JSON body; anyone else gets a 404.
PUSH_API = {"push:subscribe", "push:unsubscribe", "push:status"}

#: The signed-in customer's own pages, with no id in the URL: they show the
#: visitor's own account, so a visitor is sent to log in first.
OWN_ACCOUNT = {
    "accounts:home",
    "accounts:profile",
    "accounts:address_new",
    "accounts:privacy",
    "accounts:privacy_export",
    "accounts:account_delete",
    "accounts:orders",
    "accounts:two_factor",
    "accounts:vouchers",
    "accounts:digest",
}

#: The visitor's own basket and checkout (found by user or session, never by id).
OWN_BASKET = {
    "storefront:basket",
    "storefront:basket_add",
    "storefront:basket_line",
    "storefront:checkout",
    "storefront:checkout_summary",
}

#: About nobody: the log-in pages, the VAPID public key.
PUBLIC = {
    "accounts:login",
    "accounts:logout",
    "accounts:signup",
    "accounts:login_link",
    "accounts:login_link_sent",
    "accounts:login_link_open",
    "accounts:login_code",
    "accounts:account_deleted",
    # A signed token names the subscription: whoever holds the link may unsubscribe.
    "accounts:digest_unsubscribe",
    "push:key",
}

CLASSES = (OBJECT_PAGES, PUSH_API, OWN_ACCOUNT, OWN_BASKET, PUBLIC)

#: Routes not walked here: the shop side (tests/interfaces/test_shop_access.py),
#: the operator's admin (Django's staff gate)...
ELSEWHERE_PREFIXES = (
    "shop/<slug:city_slug>/<slug:shop_slug>/",
    "operator/",
    # ...and, not walked yet, the bearer-token JSON API landing in parallel:
    # its customer routes (/api/v1/orders/…, /api/v1/cities/<city>/basket…)
    # need the same walk with tokens.
    "api/v1/",
    # The city partners' dashboards: tests/interfaces/partner/ walks their access.
    "partner/",
)
#: ...and pages about nobody: the catalogue, the app shell, the API's schema,
#: the shop picker (the signed-in user's own) and invitations (a bearer token).
ELSEWHERE = {
    "healthz",
    "set_language",
    "manifest",
    "service_worker",
    "offline",
    "api_openapi",
    "api_docs",
    "pro:home",
    "pro:join",
    # Joining the marketplace: the public request form, the owner's invitation (a token).
    "pro:apply",
    "pro:apply_done",
    "pro:welcome",
    "storefront:index",
    "storefront:city_home",
    "storefront:search",
    "storefront:shop_detail",
    "storefront:product_detail",
    # The city's deals: anyone may read them; a claim makes the visitor's own voucher.
    "storefront:deals",
    "storefront:deal_detail",
    "storefront:deal_claim",
    # Legal pages: the city's, the platform's, a shop's terms of sale.
    "storefront:platform_legal",
    "storefront:legal",
    "storefront:shop_terms",
}


@dataclass(frozen=True)
class Route:
    name: str
    params: tuple[str, ...]


def customer_routes() -> list[Route]:
    routes = {
        Route(name, route_params(route))
        for route, name in named_routes()
        if route.startswith(CUSTOMER_PREFIXES)
    }
    return sorted(routes, key=lambda r: r.name)


def test_the_walk_finds_the_customer_side_pages():
    names = {route.name for route in customer_routes()}

    assert {"accounts:order_detail", "storefront:checkout_done", "push:subscribe"} <= names
    assert "desk:ticket" not in names
    assert "storefront:shop_detail" not in names


def test_every_customer_side_page_is_classified():
    names = {route.name for route in customer_routes()}
    listed = set().union(*CLASSES)

    assert names - listed == set(), "classify the new page in test_customer_access.py"
    assert sum(len(group) for group in CLASSES) == len(listed), "a page is in two classes"
    assert listed - names == set(), "a listed page is gone: remove it"


def test_every_route_of_the_site_is_walked_by_an_access_test_or_listed_as_elsewhere():
    unaccounted = [
        name
        for route, name in named_routes()
        if not route.startswith(CUSTOMER_PREFIXES + ELSEWHERE_PREFIXES) and name not in ELSEWHERE
    ]

    assert unaccounted == [], "a new route: walk it in an access test, or list it here"


# --- The world: Albertine's and Gaston's things, and the strangers -------------------

ENDPOINT_A = "https://fcm.googleapis.com/fcm/send/albertine-phone"
ENDPOINT_G = "https://fcm.googleapis.com/fcm/send/gaston-phone"
ENDPOINT_NEW = "https://fcm.googleapis.com/fcm/send/new-phone"


@dataclass
class World:
    city: Any
    shop: Shop
    albertine: User
    address: Address  # not her default one
    order: Order  # hers
    guest_order: Order  # Gaston's, placed without an account
    other_guest_order: Order  # a third person's, placed without an account
    product: Any  # in her basket
    voucher: Voucher  # hers, claimed from the shop's deal
    people: dict[str, User | None] = field(default_factory=dict)

    #: What must never reach a stranger: her name, e-mail, address, what her
    #: basket and order hold, her order number and pickup code; the guest's likewise.
    MARKERS_A = (
        "Albertine",
        "Zanzibar",
        "albertine@example.fr",
        "12 rue des Secrets",
        "Pain de campagne",
    )
    MARKERS_G = ("Gaston", "Guestly", "gaston@example.fr")

    @property
    def markers(self) -> tuple[str, ...]:
        return (
            self.MARKERS_A
            + self.MARKERS_G
            + (self.order.number, self.order.pickup_code)
            + (self.guest_order.number, self.guest_order.pickup_code)
            + (self.voucher.code,)
        )


def build_world(city) -> World:
    shop = make_shop(city, name="Boulangerie du Port")
    for weekday in range(7):  # open whenever the test runs: "order again" refills the basket
        make_opening_hours(shop, weekday, "00:00", "23:59")
    product = make_product(shop, name="Pain de campagne", stock=50)
    albertine = make_user(
        email="albertine@example.fr", first_name="Albertine", last_name="Zanzibar"
    )
    Address.objects.create(
        user=albertine,
        recipient="Albertine Zanzibar",
        line1="3 impasse Zanzibar",
        postal_code="76000",
        locality="Rouen",
        is_default=True,
    )
    address = Address.objects.create(
        user=albertine,
        recipient="Albertine Zanzibar",
        line1="12 rue des Secrets",
        postal_code="76000",
        locality="Rouen",
    )
    placed_at = timezone.now() - timedelta(minutes=10)
    her_contact: dict[str, Any] = {
        "contact_name": "Albertine Zanzibar",
        "contact_email": "albertine@example.fr",
    }
    order = make_order(
        shop,
        customer=albertine,
        number="K7QF-3M2X",
        pickup_code="Q7XK3M",
        state=OrderState.PLACED,
        placed_at=placed_at,
        lines=[(product, 2)],
        **her_contact,
    )
    Checkout.objects.filter(pk=order.checkout_id).update(customer=albertine, **her_contact)
    guest_contact: dict[str, Any] = {
        "contact_name": "Gaston Guestly",
        "contact_email": "gaston@example.fr",
    }
    guest_order = make_order(
        shop,
        number="G4ST-2N8P",
        pickup_code="W9PR5T",
        state=OrderState.PLACED,
        placed_at=placed_at,
        **guest_contact,
    )
    Checkout.objects.filter(pk=guest_order.checkout_id).update(**guest_contact)
    other_guest_order = make_order(
        make_shop(city),
        contact_name="Henri Autre",
        contact_email="henri@example.fr",
        placed_at=placed_at,
    )
    basket = Basket.objects.create(city=city, user=albertine)
    BasketLine.objects.create(city=city, basket=basket, product=product, quantity=1)
    push_subscribe(subscription=subscription_json(ENDPOINT_A), user=albertine)
    push_subscribe(subscription=subscription_json(ENDPOINT_G), order=guest_order)

    now = timezone.now()
    deal = make_deal(shop, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=2))
    voucher = voucher_claim(deal=deal, customer=albertine, now=now)

    other_shop = make_shop(city)
    people: dict[str, User | None] = {
        "visitor": None,
        "customer": make_user(email="bertrand@example.fr", first_name="Bertrand"),
        "staff_of_another_shop": make_membership(other_shop, make_user(), Role.STAFF).user,
        "owner_of_another_shop": make_membership(other_shop, make_user(), Role.OWNER).user,
        "staff_of_the_shop": make_membership(shop, make_user(), Role.STAFF).user,
        "owner_of_the_shop": make_membership(shop, make_user(), Role.OWNER).user,
    }
    return World(
        city=city,
        shop=shop,
        albertine=albertine,
        address=address,
        order=order,
        guest_order=guest_order,
        other_guest_order=other_guest_order,
        product=product,
        voucher=voucher,
        people=people,
    )


@pytest.fixture
def world(city) -> World:
    return build_world(city)


#: Who must be turned away: "another_guest" placed an order of their own, as a guest.
STRANGERS = [
    "visitor",
    "another_guest",
    "customer",
    "staff_of_another_shop",
    "owner_of_another_shop",
    "staff_of_the_shop",
    "owner_of_the_shop",
]


def guest_client(*checkouts: Checkout) -> Client:
    """A browser that placed these checkouts without an account (their tokens in its session)."""
    client = Client(headers={"accept-language": "en"})
    session = client.session
    session["comptoir_checkouts"] = [checkout.token for checkout in checkouts]
    session.save()
    return client


@pytest.fixture(autouse=True)
def _last_login_untouched() -> Iterator[None]:
    """Logging the strangers in for each request must not count as a change of their row."""
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    yield
    user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")


def browser(world: World, who: str) -> Callable[[], Client]:
    """A fresh browser for each request: a log-out or a deleted session never carries over."""

    def fresh() -> Client:
        if who == "another_guest":
            return guest_client(world.other_guest_order.checkout)
        if who == "guest":
            return guest_client(world.guest_order.checkout)
        user = world.albertine if who == "albertine" else world.people[who]
        client = Client(headers={"accept-language": "en"})
        if user is not None:
            client.force_login(user)
        return client

    return fresh


# --- The attempts: each route, by GET and POST, with each object it may name ----------


@dataclass(frozen=True)
class Attempt:
    route: str
    method: str
    path: str
    data: dict[str, Any] | None
    ghost: tuple[str, dict[str, Any] | None]  # the same request about no object at all
    owner: str  # "albertine", "guest" or "" (about nobody)

    def send(self, client: Client, *, ghost: bool = False) -> Any:
        path, data = self.ghost if ghost else (self.path, self.data)
        if self.route in PUSH_API and self.method == "post":
            return client.post(path, json.dumps(data), content_type="application/json")
        return getattr(client, self.method)(path, data)


#: Links that carry a token of their own (a log-in link, an unsubscribe link).
TOKEN_LINKS = ("accounts:login_link_open", "accounts:digest_unsubscribe")


def _objects(route: Route, world: World) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(owner, kwargs, ghost kwargs) for each object of Albertine or Gaston the route may name."""
    base = {"city_slug": world.city.slug}
    kwargs = {param: base[param] for param in route.params if param in base}
    rest = [param for param in route.params if param not in base]
    if rest == []:
        return [("", kwargs, kwargs)]
    if rest == ["number"]:
        return [
            (owner, kwargs | {"number": order.number}, kwargs | {"number": "ZZZZ-ZZZZ"})
            for owner, order in (("albertine", world.order), ("guest", world.guest_order))
        ]
    if rest == ["token"] and route.name == "storefront:checkout_done":
        return [
            (owner, kwargs | {"token": order.checkout.token}, kwargs | {"token": "no-such-token"})
            for owner, order in (("albertine", world.order), ("guest", world.guest_order))
        ]
    if rest == ["token"] and route.name in (
        "accounts:login_link_open",
        "accounts:digest_unsubscribe",
    ):
        return [("", kwargs | {"token": "no-such-token"}, kwargs | {"token": "no-such-token"})]
    if rest == ["code"]:
        return [
            ("albertine", kwargs | {"code": world.voucher.code}, kwargs | {"code": "ZZZZ-ZZZZ"})
        ]
    if rest == ["pk"]:
        return [("albertine", kwargs | {"pk": world.address.pk}, kwargs | {"pk": 999_999})]
    if rest == ["product_id"]:
        return [
            ("albertine", kwargs | {"product_id": world.product.pk}, kwargs | {"product_id": 0})
        ]
    raise AssertionError(f"{route.name}: give {rest!r} a value in _objects()")


def _push_body(name: str, order: Order, endpoint: str) -> dict[str, Any]:
    body: dict[str, Any] = {"scope": "order", "order": order.number}
    if name == "push:subscribe":
        body["subscription"] = subscription_json(ENDPOINT_NEW)
    else:
        body["endpoint"] = endpoint
    return body


#: A POST that would change something if the gate let it through.
PAYLOADS: dict[str, dict[str, str]] = {
    # Takes the product out of the basket it acts on.
    "storefront:basket_line": {"quantity": "0"},
}


def attempts(world: World, routes: list[Route]) -> list[Attempt]:
    found = []
    for route in routes:
        if route.name in PUSH_API:
            for owner, order, endpoint in (
                ("albertine", world.order, ENDPOINT_A),
                ("guest", world.guest_order, ENDPOINT_G),
            ):
                path = reverse(route.name)
                body = _push_body(route.name, order, endpoint)
                ghost = (path, body | {"order": "ZZZZ-ZZZZ"})
                found.append(Attempt(route.name, "get", path, None, (path, None), owner))
                found.append(Attempt(route.name, "post", path, body, ghost, owner))
            continue
        for owner, kwargs, ghost_kwargs in _objects(route, world):
            path, ghost_path = (
                reverse(route.name, kwargs=kwargs),
                reverse(route.name, kwargs=ghost_kwargs),
            )
            data = PAYLOADS.get(route.name, {})
            found.append(Attempt(route.name, "get", path, None, (ghost_path, None), owner))
            found.append(Attempt(route.name, "post", path, data, (ghost_path, data), owner))
    return found


GHOST = 405  # answered before the object was looked at: the same for no object at all


@dataclass(frozen=True)
class Outcome:
    attempt: Attempt
    status: int
    location: str
    body: str


def walk(world: World, who: str, routes: list[Route]) -> list[Outcome]:
    fresh = browser(world, who)
    outcomes = []
    for attempt in attempts(world, routes):
        response = attempt.send(fresh())
        status = response.status_code
        if status == 405 and attempt.send(fresh(), ghost=True).status_code == 405:
            status = GHOST
        body = (b"".join(response) if response.streaming else response.content).decode()
        # The header's log-in and language links repeat the path asked for: the
        # stranger typed that number; anything else of it would be a leak.
        body = body.replace(attempt.path, "")
        outcomes.append(Outcome(attempt, status, response.get("Location", ""), body))
    return outcomes


def sent_to_log_in(outcome: Outcome) -> bool:
    return outcome.status == 302 and outcome.location.startswith(reverse("accounts:login"))


def expected(outcome: Outcome, who: str) -> bool:
    """Turned away as the class of the page and the kind of stranger say."""
    name, signed_in = outcome.attempt.route, who not in ("visitor", "another_guest")
    if outcome.status == GHOST:
        return True
    if name in OBJECT_PAGES:
        return outcome.status == 404 or (not signed_in and sent_to_log_in(outcome))
    if name in PUSH_API:
        return outcome.status == 404
    if name in OWN_ACCOUNT and not signed_in:
        return sent_to_log_in(outcome)
    # Their own account or basket, or a public page: anything but an error.
    return outcome.status < 500


@pytest.mark.parametrize("who", STRANGERS)
def test_strangers_are_turned_away_see_no_personal_data_and_change_nothing(world, who):
    before = snapshot()

    outcomes = walk(world, who, customer_routes())

    wrong = [
        (o.attempt.route, o.attempt.method, o.attempt.owner, o.status)
        for o in outcomes
        if not expected(o, who)
    ]
    assert wrong == []
    leaks = [
        (o.attempt.route, o.attempt.method, o.attempt.owner, marker)
        for o in outcomes
        for marker in world.markers
        if marker in o.body
    ]
    assert leaks == []
    assert snapshot() == before
    # The walk did name their objects, and every one was refused by a look-up, not a method.
    assert {(o.attempt.route, o.attempt.owner) for o in outcomes if o.status in (302, 404)} >= {
        ("accounts:order_detail", "albertine"),
        ("accounts:order_detail", "guest"),
        ("accounts:address_delete", "albertine"),
        ("storefront:checkout_done", "albertine"),
        ("storefront:checkout_done", "guest"),
    }


# --- The control: the same URLs, used by their owner -------------------------------

#: How Albertine (and, where guests may, Gaston) uses each page about one object:
#: the method, the status, and whether the request changes the database.
OWNER_USE: dict[str, tuple[str, int, bool]] = {
    "accounts:order_detail": ("get", 200, False),
    "accounts:order_status": ("get", 200, False),
    "accounts:order_cancel": ("post", 302, True),
    "accounts:order_again": ("post", 302, True),
    "accounts:address_default": ("post", 302, True),
    "accounts:address_delete": ("post", 302, True),
    "storefront:checkout_done": ("get", 200, False),
    "accounts:voucher": ("get", 200, False),
    "push:subscribe": ("post", 201, True),
    "push:unsubscribe": ("post", 200, True),
    "push:status": ("post", 200, False),
}
#: What a guest may reach with the checkout token in their session; the
#: account pages send them to log in (their order is not linked to an account).
#: Guests have no saved addresses nor vouchers: these pages only ever name Albertine's.
ADDRESS_PAGES = {"accounts:address_default", "accounts:address_delete", "accounts:voucher"}
GUEST_USE = {
    "accounts:order_status",
    "storefront:checkout_done",
    "push:subscribe",
    "push:unsubscribe",
    "push:status",
}


def test_every_page_about_one_object_has_a_control():
    assert set(OWNER_USE) == OBJECT_PAGES | PUSH_API
    assert set(OWNER_USE) >= GUEST_USE


def owner_attempts(world: World, name: str, owner: str) -> list[Attempt]:
    method = OWNER_USE[name][0]
    route = next(route for route in customer_routes() if route.name == name)
    return [a for a in attempts(world, [route]) if a.owner == owner and a.method == method]


@pytest.mark.parametrize("name", sorted(OWNER_USE))
def test_albertine_uses_the_same_urls_and_sees_her_data(world, name):
    method, status, changes = OWNER_USE[name]
    (attempt,) = owner_attempts(world, name, "albertine")
    before = snapshot()

    response = attempt.send(browser(world, "albertine")())

    assert response.status_code == status
    assert (snapshot() != before) is changes
    if name == "accounts:voucher":
        assert world.voucher.code in response.content.decode()
    elif method == "get":
        assert world.order.number in response.content.decode()
    if name == "storefront:checkout_done":
        assert world.order.pickup_code in response.content.decode()
        assert "Albertine Zanzibar" in response.content.decode()
    if name == "accounts:order_detail":
        assert world.order.pickup_code in response.content.decode()
    if name == "push:status":
        assert response.json() == {"subscribed": True}


@pytest.mark.parametrize("name", sorted(set(OWNER_USE) - ADDRESS_PAGES))
def test_the_guest_uses_the_same_urls_where_guests_may(world, name):
    method, status, changes = OWNER_USE[name]
    (attempt,) = owner_attempts(world, name, "guest")
    before = snapshot()

    response = attempt.send(browser(world, "guest")())

    if name not in GUEST_USE:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert snapshot() == before
        return
    assert response.status_code == status
    assert (snapshot() != before) is changes
    if method == "get":
        assert world.guest_order.number in response.content.decode()
    if name == "storefront:checkout_done":
        assert world.guest_order.pickup_code in response.content.decode()
        assert "gaston@example.fr" in response.content.decode()
    if name == "push:status":
        assert response.json() == {"subscribed": True}


#: Her own pages (no id in the URL) and what they show of her.
OWN_PAGES_SHOW = {
    "accounts:home": ("albertine@example.fr", "12 rue des Secrets"),
    "accounts:profile": ("Albertine", "Zanzibar"),
    "accounts:orders": ("K7QF-3M2X",),
    "accounts:privacy_export": ("albertine@example.fr", "12 rue des Secrets", "K7QF-3M2X"),
    "storefront:basket": ("Pain de campagne",),
    "storefront:checkout": ("Pain de campagne",),
}


@pytest.mark.parametrize("name", sorted(OWN_PAGES_SHOW))
def test_albertine_sees_her_data_on_her_own_pages(world, name):
    path = reverse(name, kwargs={"city_slug": world.city.slug} if "storefront" in name else {})

    response = browser(world, "albertine")().get(path)

    assert response.status_code == 200
    for marker in OWN_PAGES_SHOW[name]:
        assert marker in response.content.decode()


# --- The live order stream (ASGI app, not the URL conf) ----------------------------

#: The stream routes the ASGI app answers: "module.PATTERN" of comptoir/interfaces/live/.
LIVE_ROUTES = {
    "streams.ORDER_PATH": "customer",  # walked here
    "streams.DESK_PATH": "shop",  # walked in tests/interfaces/live/test_streams.py
    # Not walked yet: the bearer-token JSON API's order stream, landing in parallel.
    "api_streams.ORDER_EVENTS_PATH": "api",
}


def test_every_live_stream_route_is_classified():
    patterns = set()
    for module_info in pkgutil.iter_modules(live.__path__):
        module = importlib.import_module(f"{live.__name__}.{module_info.name}")
        patterns |= {
            f"{module_info.name}.{name}"
            for name, value in vars(module).items()
            if isinstance(value, re.Pattern) and value.pattern.startswith("/")
        }

    assert patterns == set(LIVE_ROUTES), "classify the new stream in test_customer_access.py"


@pytest.fixture
def live_bus() -> Iterator[InProcessBus]:
    bus = InProcessBus()
    previous = set_bus(bus)
    yield bus
    set_bus(previous)


def _live_session(world: World, who: str) -> str | None:
    if who == "another_guest":
        return guest_session(comptoir_checkouts=[world.other_guest_order.checkout.token])
    if who == "guest":
        return guest_session(comptoir_checkouts=[world.guest_order.checkout.token])
    user = world.albertine if who == "albertine" else world.people[who]
    return None if user is None else signed_in(user)


@pytest.mark.django_db(transaction=True)
def test_strangers_cannot_follow_her_order_or_the_guests_live(live_bus, city):
    world = build_world(city)
    sessions = {who: _live_session(world, who) for who in STRANGERS}
    before = snapshot()

    answers = {
        (who, order.number): (exchange.status, exchange.body)
        for who, key in sessions.items()
        for order in (world.order, world.guest_order)
        for exchange in [run_refused(stream(f"/live/orders/{order.number}", key))]
    }

    assert set(answers.values()) == {(404, b"Not Found")}
    assert len(answers) == 2 * len(STRANGERS)
    assert snapshot() == before
    assert live_bus.fanout.channels() == set()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["albertine", "guest"])
def test_the_same_stream_opens_for_its_owner(live_bus, city, who):
    world = build_world(city)
    order = world.order if who == "albertine" else world.guest_order
    exchange = stream(f"/live/orders/{order.number}", _live_session(world, who))

    async def scenario() -> None:
        await open_until_hello(exchange)
        await disconnect(exchange)

    asyncio.run(scenario())

    assert exchange.status == 200
    assert b"event: hello" in exchange.body
