"""Every HTML page carries the security headers, and nothing its CSP would block.

The pages are discovered from the URL resolver (a new page is covered the day
it is added) and filled with a small demo scene: a city, a shop with a
product, a customer with an order, the shop's owner. Each URL prefix is
visited as the person it is for: /account/ as the customer, /shop/ as the
owner, /operator/ as a superuser, the rest (and the log-in pages) anonymously.

`demo_scene`, `page_urls` and `client_for` are shared with
tests/interfaces/test_csrf.py, which walks the same pages.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from comptoir.domain.accounts.models import Address
from comptoir.domain.catalogue.models import CatalogueImport
from comptoir.domain.shops.models import Closure, Role, ShopInvitation
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
    "admin:None": "the admin's catch-all redirect, not a page",
    "admin:logout": "POST only (Django's admin log-out)",
    "accounts:logout": "a log-out, it would end the visitor's session mid-walk",
    "set_language": "POST only, redirects",
    "admin:view_on_site": "a redirect to the object's public page",
}

#: Event-handler attributes a strict CSP blocks (onclick, onload, onsubmit…).
EVENT_HANDLER = re.compile(r"^on[a-z]+$")
#: Script types that are data, never executed (json_script, structured data).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


@dataclass
class Scene:
    city: Any
    shop: Any
    product: Any
    owner: Any
    customer: Any
    superuser: Any
    order: Any
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
    return Scene(
        city=city,
        shop=shop,
        product=product,
        owner=owner_membership.user,
        customer=customer,
        superuser=superuser,
        order=order,
        objects={
            "address": address,
            "closure": closure,
            "invitation": invitation,
            "member": staff_membership,
            "import": catalogue_import,
        },
    )


def _walk(patterns: list[Any], prefix: str, namespace: str | None) -> list[tuple[str, str]]:
    found = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _walk(entry.url_patterns, route, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            found.append((route, f"{namespace}:{entry.name}" if namespace else str(entry.name)))
    return found


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
        "app_label": "shops",
    }
    kwargs: dict[str, Any] = {}
    for param in params:
        if param == "pk" and name.startswith("accounts:address"):
            kwargs[param] = scene.objects["address"].pk
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
    for route, name in _walk(get_resolver().url_patterns, "", None):
        if name in SKIPPED:
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
    return None


def client_for(page: Page, scene: Scene, **options: Any) -> Client:
    client = Client(**options)
    user = visitor(page, scene)
    if user is not None:
        client.force_login(user)
    return client


def is_html(response: Any) -> bool:
    return str(response.get("Content-Type", "")).startswith("text/html")


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


class InlineCode(html.parser.HTMLParser):
    """Collects what a strict CSP would block: inline scripts, styles, handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.style_elements = 0
        self.handlers: list[str] = []
        self.style_attributes: list[str] = []
        self._in_script: dict[str, str | None] | None = None
        self._script_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for attribute in names:
            if EVENT_HANDLER.match(attribute):
                self.handlers.append(f"<{tag} {attribute}>")
        if "style" in names:
            self.style_attributes.append(f"<{tag} style={names['style']!r}>")
        if tag == "script" and "src" not in names:
            self._in_script, self._script_text = names, ""
        if tag == "style":
            self.style_elements += 1

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._script_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            if self._script_text.strip():
                self.scripts.append(self._in_script)
            self._in_script = None


def security_problems(response: Any) -> list[str]:
    problems = []
    header = response.get("Content-Security-Policy")
    if not header:
        return ["no Content-Security-Policy header"]
    csp = csp_directives(header)
    scripts = csp.get("script-src", csp.get("default-src"))
    if scripts is None:
        problems.append("neither script-src nor default-src")
    elif {"'unsafe-inline'", "'unsafe-eval'"} & set(scripts):
        problems.append(f"unsafe script-src: {scripts}")
    if csp.get("object-src") != ["'none'"]:
        problems.append(f"object-src is {csp.get('object-src')}, not 'none'")
    for directive in ("base-uri", "frame-ancestors"):
        if directive not in csp:
            problems.append(f"no {directive}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not response.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")

    parser = InlineCode()
    parser.feed(response.content.decode())
    nonces = {word[len("'nonce-") : -1] for word in scripts or [] if word.startswith("'nonce-")}
    for script in parser.scripts:
        if script.get("type") in DATA_SCRIPT_TYPES:
            continue
        if script.get("nonce") not in nonces:
            problems.append(f"inline <script> without the request's nonce: {script}")
    if parser.style_elements:
        problems.append(f"{parser.style_elements} inline <style> element(s)")
    problems += [f"inline event handler {handler}" for handler in parser.handlers]
    problems += [f"style attribute {attribute}" for attribute in parser.style_attributes]
    return problems


@pytest.mark.django_db
def test_the_walk_finds_the_pages_of_every_audience():
    scene = demo_scene()
    names = {page.name for page in page_urls(scene)}

    assert {
        "storefront:index",
        "storefront:product_detail",
        "accounts:order_detail",
        "pro:home",
        "desk:desk",
        "backoffice:product_edit",
        "admin:index",
        "admin:shops_shop_change",
    } <= names
    assert set(SKIPPED) & names == set()


@pytest.mark.django_db
def test_every_html_page_has_a_strict_csp_and_no_inline_code():
    scene = demo_scene()
    checked, problems = [], {}
    for page in page_urls(scene):
        response = client_for(page, scene).get(page.url)
        if not is_html(response):
            continue
        checked.append(page.url)
        if found := security_problems(response):
            problems[f"{page.name} {page.url} ({response.status_code})"] = found

    assert problems == {}
    # The walk really rendered pages of every audience (not just error pages).
    assert len(checked) >= 60
    for prefix in ("/account/", "/shop/", "/operator/", "/rouen/"):
        assert any(url.startswith(prefix) for url in checked), prefix


@pytest.mark.django_db
def test_the_policy_names_every_directive_the_checks_rely_on(client):
    response = client.get("/")

    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_checker_catches_what_the_policy_would_block():
    from django.http import HttpResponse

    response = HttpResponse(
        '<script>alert(1)</script><button onclick="go()" style="color:red">x</button>'
        "<style>p{}</style>"
        '<script type="application/json">{"ok": true}</script>',
        content_type="text/html",
    )
    response["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'unsafe-inline'"

    assert security_problems(response) == [
        "unsafe script-src: [\"'self'\", \"'unsafe-inline'\"]",
        "object-src is None, not 'none'",
        "no base-uri",
        "no frame-ancestors",
        "no X-Content-Type-Options: nosniff",
        "no Referrer-Policy",
        "inline <script> without the request's nonce: {}",
        "1 inline <style> element(s)",
        "inline event handler <button onclick>",
        "style attribute <button style='color:red'>",
    ]
