"""Log in on a phone with an e-mailed link: ask, read the e-mail, open, confirm."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_HORIZONTAL_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"


def test_it_logs_in_with_an_emailed_link_on_a_phone(live_server, page, console, screenshot):
    make_user(email="anne@example.fr", first_name="Anne", language="fr")

    page.goto(f"{live_server.url}/account/")
    assert page.url == f"{live_server.url}/account/login/?next=/account/"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("account-login")

    with page.expect_navigation():
        page.locator("a.account__primary").tap()
    page.locator("input[name=email]").fill("Anne@Example.fr")
    with page.expect_navigation(url=f"{live_server.url}/account/login/link/sent/"):
        page.locator(".account-form__submit").tap()
    screenshot("account-link-sent")

    [message] = mail.outbox
    assert message.to == ["anne@example.fr"]
    found = re.search(r"(http://\S+/account/login/link/[-\w]+/\S*)", str(message.body))
    assert found is not None
    url = found.group(1)
    assert url.startswith(live_server.url)

    page.goto(url)
    assert page.locator("h1").count() == 1
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("account-link-confirm")
    with page.expect_navigation(url=f"{live_server.url}/account/"):
        page.locator("form.account-form button[type=submit]").tap()

    assert page.locator(".details__email").inner_text() == "anne@example.fr"
    assert page.locator(".details__name").inner_text() == "Anne"
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("account-home")

    # The link worked once: opening it again is refused, clearly.
    page.goto(url)
    with page.expect_navigation() as navigation:
        page.locator("form.account-form button[type=submit]").tap()
    response = navigation.value
    assert response is not None
    assert response.status == 410
    assert page.locator(".form-errors").count() == 1

    # The browser logs the 410 status of the refused page itself; nothing else may fail.
    assert [e for e in console.errors if "410" not in e] == []
