"""The API docs page (/api/docs) lists every endpoint, on a phone and a desktop, under the CSP."""

from __future__ import annotations

import pytest

from comptoir.interfaces.api.urls import openapi_schema
from tests.browser.conftest import SHOTS_DIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}
METHODS = {"get", "put", "post", "delete", "patch"}


def _documented() -> list[tuple[str, str]]:
    return sorted(
        (method.upper(), path)
        for path, item in openapi_schema()["paths"].items()
        for method in item
        if method in METHODS
    )


def _endpoints_on(page, url: str) -> list[tuple[str, str]]:
    page.goto(url)
    blocks = page.locator(".opblock-summary")
    blocks.first.wait_for()
    methods = blocks.locator(".opblock-summary-method").all_inner_texts()
    paths = blocks.locator(".opblock-summary-path").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('data-path'))"
    )
    return sorted(zip(methods, paths, strict=True))


def test_it_lists_every_endpoint_on_a_phone_without_csp_errors(
    live_server, page, console, screenshot
):
    listed = _endpoints_on(page, f"{live_server.url}/api/docs")
    assert listed == _documented()
    assert len(listed) >= 30
    # Opening one shows its error responses as problem+json.
    page.locator(".opblock-summary", has_text="/api/v1/orders/{number}").first.click()
    page.locator(".responses-table").first.wait_for()
    assert "application/problem+json" in page.locator(".opblock.is-open").inner_text()
    assert console.errors == []
    screenshot("api-docs-phone")


def test_it_lists_every_endpoint_on_a_desktop_without_csp_errors(live_server, browser, console):
    context = browser.new_context(**DESKTOP)
    try:
        page = context.new_page()
        page.on("console", console.on_console)
        page.on("pageerror", console.on_page_error)
        assert _endpoints_on(page, f"{live_server.url}/api/docs") == _documented()
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS_DIR / "api-docs-desktop.png"))
    finally:
        context.close()
    assert console.errors == []
