"""Every page of the site, filled with real objects and visited by the person it is for.

The pages are discovered from the URL resolver (a new page is covered the day
it is added) and filled with a small demo scene: a city, a shop with a
product, a customer with an order, the shop's owner. Each URL prefix is
visited as the person it is for: /account/ as the customer, /shop/ as the
owner, /operator/ as a superuser, the rest (and the log-in pages) anonymously.

`post_forms` then reads every `<form method="post">` of those pages the way
a browser would submit it. Shared by tests/core/test_security_headers.py,
tests/interfaces/test_csrf.py and tests/reliability/test_fuzz_forms.py.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.domain.accounts.models import Address
from comptoir.domain.billing.periods import Month
from comptoir.domain.billing.services import invoice_issue
from comptoir.domain.catalogue.models import CatalogueImport
from comptoir.domain.deals.services import voucher_claim
from comptoir.domain.insights.models import CityPartner
from comptoir.domain.legal.models import ShopTerms
from comptoir.domain.shops.models import Closure, Role, ShopInvitation
from tests.access import named_routes
from tests.domain.billing.support import RUN_AT, make_issuer, make_plan, subscribe
from tests.domain.deals.support import make_deal
from tests.factories import (
    make_category,
    make_city,
    make_membership,
    make_opening_hours,
    make_order,
    make_product,
    make_shop,
    make_user,
)

#: URLs not visited, with the reason.
SKIPPED = {
    "admin:logout": "POST only (Django's admin log-out)",
    "accounts:logout": "a log-out, it would end the visitor's session mid-walk",
    "set_language": "POST only, redirects",
    "admin:view_on_site": "a redirect to the object's public page",
}

#: The JSON API (issue #6): no HTML pages, no forms; tests/interfaces/api/ walks it.
JSON_API = "api-v1:"


@dataclass
class Scene:
    city: Any
    shop: Any
    product: Any
    owner: Any
    customer: Any
    superuser: Any
    order: Any
    partner: Any
    objects: dict[str, Any] = field(default_factory=dict)


def demo_scene() -> Scene:
    city = make_city(name="Rouen", slug="rouen")
    shop = make_shop(city, slug="la-fournee")
    make_opening_hours(shop, 0, "08:00", "19:00")
    category = make_category(shop)
    product = make_product(shop, category=category, slug="baguette")
    owner_membership = make_membership(shop, make_user(email="owner@example.fr"), Role.OWNER)
    staff_membership = make_membership(shop, make_user(email="staff@example.fr"), Role.STAFF)
    customer = make_user(email="client@example.fr")
    order = make_order(
        shop,
        lines=[(product, 2)],
        customer=customer,
        placed_at=timezone.now() - timedelta(minutes=5),
        slot_starts_at=timezone.now() + timedelta(hours=1),
    )
    address = Address.objects.create(
        user=customer,
        recipient="Camille Martin",
        line1="1 place du Vieux-Marché",
        postal_code="76000",
        locality="Rouen",
    )
    closure = Closure.objects.create(
        shop=shop, starts_on=date(2030, 8, 1), ends_on=date(2030, 8, 15)
    )
    now = timezone.now()
    invitation = ShopInvitation.objects.create(
        shop=shop,
        email="new@example.fr",
        role=Role.STAFF,
        token_hash="f" * 64,
        created_at=now,
        expires_at=now + timedelta(days=7),
    )
    catalogue_import = CatalogueImport.objects.create(shop=shop, content="name;price\n")
    superuser = make_user(email="operator@example.fr", is_staff=True, is_superuser=True)
    deal = make_deal(shop, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=2))
    voucher = voucher_claim(deal=deal, customer=customer, now=now)
    ShopTerms.objects.create(shop=shop, body="Paiement au retrait.")
    make_issuer()
    invoice = invoice_issue(
        subscription=subscribe(shop, make_plan(city)), month=Month(2026, 3), now=RUN_AT
    )
    partner = make_user(email="partner@example.fr")
    CityPartner.objects.create(user=partner, city=city, organisation="Métropole Rouen Normandie")
    return Scene(
        city=city,
        shop=shop,
        product=product,
        owner=owner_membership.user,
        customer=customer,
        superuser=superuser,
        order=order,
        partner=partner,
        objects={
            "address": address,
            "closure": closure,
            "invitation": invitation,
            "member": staff_membership,
            "import": catalogue_import,
            "deal": deal,
            "voucher": voucher,
            "invoice": invoice,
        },
    )


def _params(route: str) -> list[str]:
    """Parameter names of a route: <conv:name> and (?P<name>…)."""
    return re.findall(r"<(?:\w+:)?(\w+)>", route.replace("(?P<", "<"))


def _admin_object(name: str) -> Any:
    """The scene's first row of the model an admin URL name is about."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model._default_manager.order_by("pk").first()
    raise AssertionError(f"{name}: no admin model")


def fill(name: str, params: list[str], scene: Scene) -> dict[str, Any] | None:
    """Values of the scene for the route's parameters; None when there is no such object."""
    values: dict[str, Any] = {
        "city_slug": scene.city.slug,
        "shop_slug": scene.shop.slug,
        "product_slug": scene.product.slug,
        "product_id": scene.product.pk,
        "number": scene.order.number,
        "closure_pk": scene.objects["closure"].pk,
        "invitation_pk": scene.objects["invitation"].pk,
        "member_pk": scene.objects["member"].pk,
        "deal_id": scene.objects["deal"].pk,
        "code": scene.objects["voucher"].code,
        "kind": "privacy",
        "app_label": "shops",
    }
    kwargs: dict[str, Any] = {}
    for param in params:
        if param == "pk" and name.startswith("accounts:address"):
            kwargs[param] = scene.objects["address"].pk
        elif param == "pk" and name.startswith(("backoffice:invoice", "admin:billing_invoice_")):
            kwargs[param] = scene.objects["invoice"].pk
        elif param == "pk" and name.startswith("backoffice:deal"):
            kwargs[param] = scene.objects["deal"].pk
        elif param == "pk" and name.startswith("backoffice:products_import"):
            kwargs[param] = scene.objects["import"].pk
        elif param == "pk":
            kwargs[param] = scene.product.pk
        elif param == "token" and name == "storefront:checkout_done":
            kwargs[param] = scene.order.checkout.token
        elif param == "token":
            kwargs[param] = "no-such-token"
        elif param == "id" and name == "admin:auth_user_password_change":
            kwargs[param] = scene.customer.pk
        elif param == "object_id":
            row = _admin_object(name)
            if row is None:
                return None
            kwargs[param] = row.pk
        elif param in values:
            kwargs[param] = values[param]
        else:
            raise AssertionError(f"{name}: give {param!r} a value in fill()")
    return kwargs


@dataclass(frozen=True)
class Page:
    name: str
    url: str


def page_urls(scene: Scene) -> list[Page]:
    """Every named route of the site, filled from the scene (SKIPPED left out)."""
    pages = []
    for route, name in named_routes():
        if name in SKIPPED or name.startswith(JSON_API):
            continue
        kwargs = fill(name, _params(route), scene)
        if kwargs is None:
            continue
        pages.append(Page(name, reverse(name, kwargs=kwargs)))
    return sorted(set(pages), key=lambda page: page.url)


#: Pages for people not signed in yet (a signed-in visitor is sent away).
ANONYMOUS_PAGES = {
    "accounts:login",
    "accounts:signup",
    "accounts:login_link",
    "accounts:login_link_sent",
    "accounts:login_link_open",
    "admin:login",
}


def visitor(page: Page, scene: Scene) -> Any:
    """The person a page is for: None means anonymous."""
    url = page.url
    if page.name in ANONYMOUS_PAGES:
        return None
    if url.startswith("/account/"):
        return scene.customer
    if url.startswith("/shop/"):
        return scene.owner
    if url.startswith("/operator/"):
        return scene.superuser
    if url.startswith("/partner/"):
        return scene.partner
    return None


def client_for(page: Page, scene: Scene, **options: Any) -> Client:
    client = Client(**options)
    user = visitor(page, scene)
    if user is not None:
        client.force_login(user)
    return client


def is_html(response: Any) -> bool:
    return str(response.get("Content-Type", "")).startswith("text/html")


# --- forms ---------------------------------------------------------------------

CSRF_TOKEN = "csrfmiddlewaretoken"
#: Input types that post nothing by themselves, or only when clicked.
NOT_POSTED = {"file", "image", "reset"}
BUTTON_TYPES = {"submit", "button"}


@dataclass
class FormField:
    """One named control of a form; a name shared by several controls is one field."""

    name: str
    kind: str
    #: What the page posts unchanged (a checked box's value, the selected options…).
    values: list[str] = field(default_factory=list)
    #: Every value the page offers (options, radio and button values).
    choices: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    page: Page
    action: str
    enctype: str
    fields: dict[str, FormField] = field(default_factory=dict)

    def add(self, name: str, kind: str) -> FormField:
        if name not in self.fields:
            self.fields[name] = FormField(name, kind)
        return self.fields[name]

    def submission(self) -> list[tuple[str, str]]:
        """The (name, value) pairs a browser posts when the first button is clicked."""
        pairs = []
        clicked = False
        for entry in self.fields.values():
            if entry.kind in BUTTON_TYPES:
                if not clicked and entry.choices:
                    pairs.append((entry.name, entry.choices[0]))
                    clicked = True
                continue
            pairs += [(entry.name, value) for value in entry.values]
        return pairs


class PostForms(html.parser.HTMLParser):
    """The POST forms of a page, their action and every named control."""

    def __init__(self, page: Page) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: FormField | None = None
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._select_had_selection = False
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "form":
            self._form = None
            if (names.get("method") or "get").lower() == "post":
                action = urlsplit(urljoin(self.page.url, names.get("action") or "")).path
                enctype = names.get("enctype") or "application/x-www-form-urlencoded"
                self._form = Form(self.page, action or self.page.url, enctype)
                self.forms.append(self._form)
            return
        form, name = self._form, names.get("name")
        if form is None:
            return
        if tag == "option" and self._select is not None:
            self._option, self._option_text = (names.get("value"), "selected" in names), ""
            return
        if not name or "disabled" in names:
            return
        value = names.get("value")
        if tag == "input":
            kind = (names.get("type") or "text").lower()
            if kind in NOT_POSTED:
                form.add(name, kind)
                return
            entry = form.add(name, "submit" if kind == "submit" else kind)
            if kind == "submit":
                entry.choices.append(value or "")
            elif kind in {"checkbox", "radio"}:
                entry.choices.append(value or "on")
                if "checked" in names:
                    entry.values.append(value or "on")
            else:
                entry.values.append(value or "")
        elif tag == "button":
            if (names.get("type") or "submit").lower() == "submit":
                form.add(name, "submit").choices.append(value or "")
        elif tag == "select":
            self._select = form.add(name, "select")
            self._select.multiple = "multiple" in names
            self._select_had_selection = False
        elif tag == "textarea":
            self._textarea = form.add(name, "textarea")
            self._textarea.values.append("")

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text += data
        if self._textarea is not None:
            self._textarea.values[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected = self._option
            value = self._option_text.strip() if value is None else value
            self._select.choices.append(value)
            if selected and (self._select.multiple or not self._select_had_selection):
                self._select.values.append(value)
                self._select_had_selection = True
            self._option = None
        elif tag == "select" and self._select is not None:
            if (
                not self._select_had_selection
                and self._select.choices
                and not self._select.multiple
            ):
                self._select.values.append(self._select.choices[0])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the newline right after <textarea>.
            text = self._textarea.values[-1]
            self._textarea.values[-1] = text[1:] if text.startswith("\n") else text
            self._textarea = None


def page_forms(page: Page, response: Any) -> list[Form]:
    parser = PostForms(page)
    parser.feed(response.content.decode())
    parser.close()
    return parser.forms


def post_forms(scene: Scene) -> list[Form]:
    """Every POST form of every page, as the page's visitor sees it."""
    found = []
    for page in page_urls(scene):
        response = client_for(page, scene).get(page.url)
        if response.status_code != 200 or not is_html(response):
            continue
        found += page_forms(page, response)
    return found
