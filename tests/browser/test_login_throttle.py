"""A phone after five wrong passwords: the page says when to retry and offers the link."""

from __future__ import annotations

import pytest

from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_HORIZONTAL_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"


def test_it_shows_the_back_off_and_the_link_button_on_a_phone(
    live_server, page, console, screenshot
):
    make_user(email="anne@example.fr", first_name="Anne", language="fr")

    page.goto(f"{live_server.url}/account/login/")
    for _ in range(5):
        page.locator("input[name=email]").fill("anne@example.fr")
        page.locator("input[name=password]").fill("pas-le-bon")
        with page.expect_navigation():
            page.locator(".account-form__submit").tap()

    errors = page.locator(".account-form").inner_text()
    assert "Réessayez à" in errors or "Try again at" in errors
    assert page.locator("a.account__primary").is_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("account-login-throttled")
    # The 429 itself is logged by Chromium as a failed resource: nothing else is.
    assert [e for e in console.errors if "429" not in e] == []


def test_an_owner_turns_on_two_step_log_in_on_a_phone(live_server, page, console, screenshot):
    from django.utils import timezone

    from comptoir.domain.accounts.models import TwoFactor
    from comptoir.domain.accounts.two_factor import time_step, totp_code
    from comptoir.domain.shops.models import Role
    from tests.factories import make_membership, make_shop

    owner = make_user(email="olga@example.fr", password="tarte-tatin-aux-pommes")
    make_membership(make_shop(), owner, role=Role.OWNER)
    page.goto(f"{live_server.url}/account/login/")
    page.locator("input[name=email]").fill("olga@example.fr")
    page.locator("input[name=password]").fill("tarte-tatin-aux-pommes")
    with page.expect_navigation():
        page.locator(".account-form__submit").tap()

    page.goto(f"{live_server.url}/account/two-step/")
    with page.expect_navigation():
        page.locator(".account-form__submit").tap()
    assert page.locator("img.pickup__qr").is_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("account-two-step-qr")

    secret = TwoFactor.objects.get().secret
    page.locator("input[name=code]").fill(totp_code(secret, step=time_step(timezone.now())))
    with page.expect_navigation():
        page.locator(".account-form__submit").tap()
    assert page.locator(".two-factor__codes li").count() == 10
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("account-two-step-codes")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/account/login/")
    page.locator("input[name=email]").fill("olga@example.fr")
    page.locator("input[name=password]").fill("tarte-tatin-aux-pommes")
    with page.expect_navigation(url=f"{live_server.url}/account/login/code/"):
        page.locator(".account-form__submit").tap()
    screenshot("account-login-code")
    assert console.errors == []
