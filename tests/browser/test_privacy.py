"""My data on a phone: download the JSON file, then delete the account for good."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from comptoir.domain.accounts.models import User
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_HORIZONTAL_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"
PASSWORD = "tarte-tatin-aux-pommes"


def test_a_customer_downloads_their_data_then_deletes_their_account(
    live_server, page, console, screenshot, tmp_path: Path
):
    make_user(email="anne@example.fr", first_name="Anne", password=PASSWORD)
    page.goto(f"{live_server.url}/account/login/?next=/account/")
    page.locator("input[name=email]").fill("anne@example.fr")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation(url=f"{live_server.url}/account/"):
        page.locator(".account-form__submit").tap()

    screenshot("account-home-with-data-link")
    with page.expect_navigation(url=f"{live_server.url}/account/data/"):
        page.locator(".account__data a").tap()
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("account-privacy")

    with page.expect_download() as download:
        page.locator("a.account__primary").tap()
    assert download.value.suggested_filename.startswith("comptoir-my-data-")
    saved = tmp_path / "data.json"
    download.value.save_as(saved)
    assert json.loads(saved.read_text())["profile"]["email"] == "anne@example.fr"

    with page.expect_navigation(url=f"{live_server.url}/account/delete/"):
        page.locator("a.button--danger").tap()
    page.locator("input[name=email]").fill("someone-else@example.fr")
    with page.expect_navigation():
        page.locator(".account-form__submit").tap()
    assert page.locator(".field__error").count() == 1
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("account-delete-refused")
    assert User.objects.filter(email="anne@example.fr").exists()

    page.locator("input[name=email]").fill("anne@example.fr")
    with page.expect_navigation(url=f"{live_server.url}/account/deleted/"):
        page.locator(".account-form__submit").tap()
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("account-deleted")
    assert not User.objects.filter(email="anne@example.fr").exists()
    assert console.errors == []
