"""The installable app: the service worker registers, and offline pages fall back."""

from __future__ import annotations

import pytest

from tests.factories import make_city, make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORKER_READY = """async () => {
  const registration = await navigator.serviceWorker.ready;
  return registration.active.scriptURL;
}"""


@pytest.fixture
def rouen(transactional_db):
    city = make_city(name="Rouen", slug="rouen")
    make_shop(city, name="Au Bon Pain", slug="au-bon-pain")
    make_shop(city, name="La Mie du Soir", slug="la-mie-du-soir")
    return city


def test_it_registers_the_worker_and_shows_the_offline_page_without_network(
    live_server, phone, page, console, screenshot, rouen
):
    page.goto(f"{live_server.url}/rouen/")
    assert page.evaluate(WORKER_READY) == f"{live_server.url}/sw.js"
    # The worker takes the page it was installed from (clients.claim()).
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.goto(f"{live_server.url}/rouen/au-bon-pain/")  # through the worker: kept

    phone.set_offline(True)
    try:
        page.goto(f"{live_server.url}/rouen/la-mie-du-soir/")
        assert page.url == f"{live_server.url}/rouen/la-mie-du-soir/"
        assert page.locator("h1").inner_text() == "Vous êtes hors connexion"
        # Precached, so the page is styled: the header is the brand green.
        header = page.locator(".site-header")
        assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(31, 92, 69)"
        screenshot("offline")

        # A page seen through the worker is read from its copy.
        page.goto(f"{live_server.url}/rouen/au-bon-pain/")
        assert page.locator("h1").inner_text() == "Au Bon Pain"
    finally:
        phone.set_offline(False)

    # "Try again" reloads the page asked for, which the network now brings.
    page.goto(f"{live_server.url}/rouen/la-mie-du-soir/")
    assert page.locator("h1").inner_text() == "La Mie du Soir"
    assert console.errors == []


def test_it_never_keeps_a_posted_or_personal_page(live_server, phone, page, console, rouen):
    page.goto(f"{live_server.url}/rouen/")
    page.evaluate(WORKER_READY)
    kept = page.evaluate(
        """async () => {
          const names = await caches.keys();
          const urls = [];
          for (const name of names) {
            for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
          }
          return urls;
        }"""
    )
    paths = sorted(url.removeprefix(live_server.url) for url in kept)
    assert "/offline/" in paths
    assert "/static/css/comptoir.css" in paths
    assert [p for p in paths if "/i18n/" in p or "/operator/" in p or "basket" in p] == []
    assert console.errors == []
