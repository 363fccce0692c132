"""Every shop-side page is closed to strangers, and owner-only pages to staff.

The routes are discovered from the URL resolver: every pattern under
/shop/<city_slug>/<shop_slug>/ (the desk's, the catalogue's, the shop's own)
is walked, so a new page is covered the day it is added. Path parameters are
filled with shop B's real objects, so "not found" means "not yours", not
"no such object". Each request is followed by a check that nothing in the
database changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.domain.billing.periods import Month
from comptoir.domain.billing.services import invoice_issue
from comptoir.domain.catalogue.models import CatalogueImport
from comptoir.domain.deals.models import Voucher
from comptoir.domain.deals.services import voucher_claim
from comptoir.domain.shops.models import Closure, Membership, Role, ShopInvitation
from tests.access import named_routes, route_params, snapshot
from tests.domain.billing.support import RUN_AT, make_issuer, make_plan, subscribe
from tests.domain.deals.support import make_deal
from tests.factories import make_membership, make_opening_hours, make_product, make_shop, make_user
from tests.sales_orders import make_order

pytestmark = pytest.mark.django_db

SHOP_PREFIX = "shop/<slug:city_slug>/<slug:shop_slug>/"
#: The code of the voucher the customer holds for shop B's deal.
VOUCHER_CODE = "K7QF-3M2X"

#: Pages only owners may use (staff of the shop get a 403 page).
OWNER_ONLY = {
    "backoffice:settings",
    "backoffice:settings_pause",
    "backoffice:settings_profile",
    "backoffice:settings_hours",
    "backoffice:settings_closures",
    "backoffice:closure_remove",
    "backoffice:settings_collect",
    "backoffice:settings_delivery",
    "backoffice:settings_desk",
    "backoffice:staff",
    "backoffice:staff_invite",
    "backoffice:invitation_withdraw",
    "backoffice:member_role",
    "backoffice:member_remove",
    "backoffice:sales",
    "backoffice:product_new",
    "backoffice:product_edit",
    "backoffice:product_vat_hint",
    "backoffice:products_export",
    "backoffice:products_import",
    "backoffice:products_import_preview",
    "backoffice:products_import_progress",
    "backoffice:deals",
    "backoffice:deal_new",
    "backoffice:deal_preview",
    "backoffice:deal_edit",
    "backoffice:deal_pause",
    "backoffice:deal_resume",
    "backoffice:deal_end",
    "backoffice:deal_duplicate",
    "backoffice:deal_figures",
    "backoffice:invoices",
    "backoffice:invoice",
    "backoffice:invoice_pdf",
    "pro:go_live",
}

#: Pages every member (owner or staff) may use.
MEMBERS = {
    "backoffice:home",
    "backoffice:products",
    "backoffice:product_stock",
    "backoffice:product_sold_out",
    "backoffice:product_on_sale",
    "desk:desk",
    "desk:board",
    "desk:prep",
    "desk:search",
    "desk:ticket",
    "desk:accept",
    "desk:refuse",
    "desk:ready",
    "desk:hand_over",
    "desk:send_out",
    "desk:delivered",
    "desk:no_show",
    "desk:voucher",
    "desk:voucher_redeem",
}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced: "backoffice:settings"
    params: tuple[str, ...]  # beyond city_slug and shop_slug


def shop_routes() -> list[Route]:
    routes = [
        Route(name, route_params(route[len(SHOP_PREFIX) :]))
        for route, name in named_routes()
        if route.startswith(SHOP_PREFIX)
    ]
    return sorted(set(routes), key=lambda r: r.name)


def test_the_walk_finds_the_shop_side_pages():
    names = {route.name for route in shop_routes()}

    assert {"backoffice:home", "backoffice:settings", "backoffice:sales", "desk:desk"} <= names
    assert "pro:home" not in names


def test_every_shop_side_page_is_listed_as_owner_only_or_for_members():
    names = {route.name for route in shop_routes()}

    assert names - OWNER_ONLY - MEMBERS == set(), "classify the new page in test_shop_access.py"
    assert set() == OWNER_ONLY & MEMBERS
    assert (OWNER_ONLY | MEMBERS) - names == set(), "a listed page is gone: remove it"


@dataclass
class World:
    shop_a: Any
    shop_b: Any
    owner_a: Any
    staff_a: Any
    owner_b: Any
    staff_b: Any
    customer: Any
    objects_b: dict[str, Any]


@pytest.fixture
def world(city):
    shop_a, shop_b = make_shop(city, slug="shop-a"), make_shop(city, slug="shop-b")
    owner_a = make_membership(shop_a, make_user(email="owner-a@example.fr"), Role.OWNER).user
    staff_a = make_membership(shop_a, make_user(email="staff-a@example.fr"), Role.STAFF).user
    owner_b_member = make_membership(shop_b, make_user(email="owner-b@example.fr"), Role.OWNER)
    staff_b_member = make_membership(shop_b, make_user(email="staff-b@example.fr"), Role.STAFF)
    make_opening_hours(shop_b, 0, "08:00", "19:00")
    product = make_product(shop_b, stock=5)
    order = make_order(
        shop_b,
        placed_at=timezone.now() - timedelta(minutes=5),
        state="placed",
        lines=[(product.name, 1, Decimal("1.30"))],
    )
    closure = Closure.objects.create(
        shop=shop_b, starts_on=date(2030, 8, 1), ends_on=date(2030, 8, 15)
    )
    now = timezone.now()
    invitation = ShopInvitation.objects.create(
        shop=shop_b,
        email="new@example.fr",
        role=Role.STAFF,
        token_hash="f" * 64,
        created_at=now,
        expires_at=now + timedelta(days=7),
    )
    catalogue_import = CatalogueImport.objects.create(shop=shop_b, content="name;price\n")
    deal = make_deal(shop_b, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=2))
    customer = make_user(email="client@example.fr")
    # The voucher belongs to another deal, so that pausing `deal` leaves it usable.
    other_deal = make_deal(
        shop_b,
        title="Café offert",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=2),
    )
    voucher = voucher_claim(deal=other_deal, customer=customer, now=now)
    make_issuer()
    invoice = invoice_issue(
        subscription=subscribe(shop_b, make_plan(city)), month=Month(2026, 3), now=RUN_AT
    )
    Voucher.objects.filter(pk=voucher.pk).update(code=VOUCHER_CODE)
    return World(
        shop_a=shop_a,
        shop_b=shop_b,
        owner_a=owner_a,
        staff_a=staff_a,
        owner_b=owner_b_member.user,
        staff_b=staff_b_member.user,
        customer=customer,
        objects_b={
            "deal": deal,
            "invoice": invoice,
            "product": product,
            "order": order,
            "closure": closure,
            "invitation": invitation,
            "member": staff_b_member,
            "import": catalogue_import,
        },
    )


def fill(route: Route, world: World) -> dict[str, Any]:
    """Shop B's real objects for the route's parameters."""
    objects = world.objects_b
    kwargs: dict[str, Any] = {"city_slug": world.shop_b.city.slug, "shop_slug": world.shop_b.slug}
    for param in route.params:
        if param == "number":
            kwargs[param] = objects["order"].number
        elif param == "closure_pk":
            kwargs[param] = objects["closure"].pk
        elif param == "invitation_pk":
            kwargs[param] = objects["invitation"].pk
        elif param == "member_pk":
            kwargs[param] = objects["member"].pk
        elif param == "pk" and route.name.startswith("backoffice:invoice"):
            kwargs[param] = objects["invoice"].pk
        elif param == "pk" and route.name.startswith("backoffice:deal"):
            kwargs[param] = objects["deal"].pk
        elif param == "pk" and route.name.startswith("backoffice:products_import"):
            kwargs[param] = objects["import"].pk
        elif param == "pk":
            kwargs[param] = objects["product"].pk
        else:
            raise AssertionError(f"{route.name}: give {param!r} a value of shop B in fill()")
    return kwargs


#: A POST that would change something if the gate let it through.
PAYLOADS: dict[str, dict[str, str]] = {
    "backoffice:settings_pause": {"action": "pause"},
    "backoffice:settings_profile": {"name": "Piratée"},
    "backoffice:settings_hours": {"d0_0_opens": "06:00", "d0_0_closes": "07:00"},
    "backoffice:settings_closures": {"starts_on": "2031-01-01", "ends_on": "2031-01-02"},
    "backoffice:settings_collect": {
        "slot_minutes": "60",
        "slot_capacity": "9",
        "lead_time_minutes": "5",
    },
    "backoffice:settings_delivery": {
        "delivery_enabled": "on",
        "delivery_fee": "9",
        "delivery_minimum": "0",
        "delivery_radius_km": "9",
    },
    "backoffice:settings_desk": {"escalate_after_minutes": "9", "auto_accept": "on"},
    "backoffice:staff_invite": {"email": "pirate@example.fr", "role": "owner"},
    "backoffice:member_role": {"role": "owner"},
    "backoffice:deal_pause": {},
    "desk:voucher_redeem": {"code": VOUCHER_CODE},
}


GHOST = 405  # a status that means "answered before the shop was looked at"


def request_all(client, world: World, routes: list[Route]) -> list[tuple[str, str, int, Any]]:
    """Each route by GET and POST, as the client's user.

    A view may refuse a method (405) before its shop gate runs: that answer is
    the same for every shop, real or not, so it tells nothing and is accepted
    here only when the same request to a shop that does not exist gets it too.
    """
    outcomes = []
    for route in routes:
        kwargs = fill(route, world)
        url = reverse(route.name, kwargs=kwargs)
        ghost = reverse(route.name, kwargs=kwargs | {"shop_slug": "no-such-shop"})
        for method in ("get", "post"):
            data = PAYLOADS.get(route.name, {}) if method == "post" else None
            response = getattr(client, method)(url, data)
            status = response.status_code
            if status == 405 and getattr(client, method)(ghost, data).status_code == 405:
                status = GHOST
            outcomes.append((route.name, method, status, response))
    return outcomes


@pytest.mark.parametrize("who", ["owner_a", "staff_a", "customer"])
def test_people_not_working_in_shop_b_get_404_on_all_its_pages_and_change_nothing(
    client, world, who
):
    client.force_login(getattr(world, who))
    before = snapshot()

    outcomes = request_all(client, world, shop_routes())

    assert [
        (name, method, status) for name, method, status, _ in outcomes if status not in (404, GHOST)
    ] == []
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(client, world):
    before = snapshot()

    outcomes = request_all(client, world, shop_routes())

    wrong = [
        (name, method, status)
        for name, method, status, response in outcomes
        if status != GHOST
        and (status != 302 or not response["Location"].startswith(reverse("accounts:login")))
    ]
    assert wrong == []
    assert snapshot() == before


def test_staff_of_shop_b_get_403_on_owner_only_pages_and_change_nothing(client, world):
    client.force_login(world.staff_b)
    routes = [route for route in shop_routes() if route.name in OWNER_ONLY]
    before = snapshot()

    outcomes = request_all(client, world, routes)

    assert [
        (name, method, status) for name, method, status, _ in outcomes if status not in (403, GHOST)
    ] == []
    assert snapshot() == before


def test_the_payloads_do_change_shop_b_when_its_owner_sends_them(client, world):
    """The denied requests above were real attempts: the same ones work for the owner."""
    client.force_login(world.owner_b)
    routes = {route.name: route for route in shop_routes()}

    for name in sorted(PAYLOADS):
        before = snapshot()
        response = client.post(reverse(name, kwargs=fill(routes[name], world)), PAYLOADS[name])
        # The desk's voucher screen answers its verdict in place (200); the rest redirect.
        assert response.status_code in (200, 302), (name, response.status_code)
        assert snapshot() != before, name
    assert Membership.objects.get(pk=world.objects_b["member"].pk).role == Role.OWNER
