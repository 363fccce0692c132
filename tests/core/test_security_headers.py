"""Every HTML page carries the security headers, and nothing its CSP would block.

The pages are discovered from the URL resolver (a new page is covered the day
it is added) and filled with a small demo scene: a city, a shop with a
product, a customer with an order, the shop's owner. Each URL prefix is
visited as the person it is for: /account/ as the customer, /shop/ as the
owner, /operator/ as a superuser, the rest (and the log-in pages) anonymously.

The walk (`demo_scene`, `page_urls`, `client_for`) lives in tests/site_walk.py,
shared with tests/interfaces/test_csrf.py and tests/reliability/test_fuzz_forms.py.
"""

from __future__ import annotations

import html.parser
import re
from typing import Any

import pytest

from tests.site_walk import SKIPPED, client_for, demo_scene, is_html, page_urls

#: Event-handler attributes a strict CSP blocks (onclick, onload, onsubmit…).
EVENT_HANDLER = re.compile(r"^on[a-z]+$")
#: Script types that are data, never executed (json_script, structured data).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


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
