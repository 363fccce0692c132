"""An owner on a phone sets two opening ranges on a day and pauses orders until a time;
the shop's page then tells customers it is not taking orders."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from comptoir.domain.shops.models import OpeningHours, Role, Shop
from tests.factories import make_city, make_membership, make_shop, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_HORIZONTAL_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"


def test_an_owner_sets_two_ranges_and_pauses_until_a_time(live_server, page, console, screenshot):
    city = make_city(name="Rouen", slug="rouen")
    shop = make_shop(city, name="Au Bon Pain", slug="au-bon-pain")
    make_membership(
        shop, make_user(email="paul@example.fr", password="une-baguette-bien-cuite"), Role.OWNER
    )
    base = f"{live_server.url}/shop/rouen/au-bon-pain"

    page.goto(f"{base}/settings/hours/")
    page.fill("input[name=email]", "paul@example.fr")
    page.fill("input[name=password]", "une-baguette-bien-cuite")
    with page.expect_navigation(url=f"{base}/settings/hours/"):
        page.locator("form.account-form button[type=submit]").click()

    tuesday = page.locator("#day-1")
    tuesday.locator("input[name=d1_0_opens]").fill("07:30")
    tuesday.locator("input[name=d1_0_closes]").fill("12:30")
    tuesday.locator("summary").click()
    tuesday.locator("input[name=d1_1_opens]").fill("15:00")
    tuesday.locator("input[name=d1_1_closes]").fill("19:00")
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    with page.expect_navigation(url=f"{base}/settings/hours/"):
        page.locator(".bo-hours > .bo-form__submit").click()

    assert page.locator(".bo-message--success").count() == 1
    assert list(
        OpeningHours.objects.filter(shop=shop).values_list("weekday", "opens", "closes")
    ) == [
        (1, time(7, 30), time(12, 30)),
        (1, time(15, 0), time(19, 0)),
    ]
    assert page.locator("#day-1 details").get_attribute("open") == ""
    screenshot("backoffice-settings-hours")

    page.goto(f"{base}/settings/")
    later = (timezone.now() + timedelta(hours=2)).astimezone(city.zone)
    page.fill("input[name=until]", later.strftime("%H:%M"))
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    with page.expect_navigation(url=f"{base}/settings/"):
        page.locator("button[value=until]").click()

    assert page.locator(".bo-pause--on").count() == 1
    assert later.strftime("%H:%M") in page.locator(".bo-pause").inner_text()
    screenshot("backoffice-settings-paused")
    paused_until = Shop.objects.get(pk=shop.pk).paused_until
    assert paused_until is not None
    assert paused_until.astimezone(city.zone).strftime("%H:%M") == later.strftime("%H:%M")

    page.goto(f"{live_server.url}/rouen/au-bon-pain/")
    assert page.locator(".chip--paused").count() == 1
    assert page.locator(".shop__header .alert").count() == 1
    screenshot("backoffice-storefront-paused")
    assert console.errors == []
