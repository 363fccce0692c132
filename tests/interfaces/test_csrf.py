"""Every cookie-session form carries a CSRF token, and a POST without it changes nothing.

The pages are those of tests/core/test_security_headers.py (every route of
the resolver, filled from a demo scene, each visited by the person it is
for). Each <form method="post"> found must hold the csrfmiddlewaretoken
input; then its action is posted, with the form's own fields but no token,
by the same signed-in person: the answer is Django's 403 and no row of any
Comptoir table changes.

The JSON API's CSRF rules (token or bearer auth) come with issue #6.
"""

from __future__ import annotations

import html.parser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.test import Client

from tests.core.test_security_headers import Page, client_for, demo_scene, is_html, page_urls

pytestmark = pytest.mark.django_db

TOKEN = "csrfmiddlewaretoken"


class PostForms(html.parser.HTMLParser):
    """The page's POST forms: their action and fields (name → first value)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "form":
            if (names.get("method") or "get").lower() == "post":
                self._form = {"action": names.get("action") or "", "fields": {}}
                self.forms.append(self._form)
            else:
                self._form = None
        elif self._form is not None and tag in {"input", "textarea", "select", "button"}:
            name = names.get("name")
            if name and name not in self._form["fields"]:
                self._form["fields"][name] = names.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every Comptoir table."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model.__module__.startswith("comptoir.")
    }


def post_forms(scene: Any) -> list[tuple[Page, str, dict[str, str]]]:
    """(page, action path, fields) of every POST form of every page."""
    found = []
    for page in page_urls(scene):
        response = client_for(page, scene).get(page.url)
        if response.status_code != 200 or not is_html(response):
            continue
        parser = PostForms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = urlsplit(urljoin(page.url, form["action"]))
            found.append((page, action.path, form["fields"]))
    return found


def test_every_post_form_carries_the_csrf_token():
    scene = demo_scene()
    forms = post_forms(scene)
    missing = [
        f"{page.name}: form to {action}" for page, action, fields in forms if TOKEN not in fields
    ]

    assert missing == []
    # Forms of every audience were found: the walk is not vacuous.
    pages = {page.name.split(":")[0] for page, _, _ in forms}
    assert {"storefront", "accounts", "backoffice", "desk", "admin"} <= pages
    assert len(forms) >= 25


def test_a_post_without_the_token_is_refused_and_changes_nothing():
    scene = demo_scene()
    targets: dict[tuple[str, str], tuple[Page, dict[str, str]]] = {}
    for page, action, fields in post_forms(scene):
        targets.setdefault((page.name, action), (page, fields))
    # Signed in first: logging in updates last_login, which is not the POST's doing.
    clients: dict[tuple[str, str], Client] = {
        target: client_for(page, scene, enforce_csrf_checks=True)
        for target, (page, _) in targets.items()
    }
    before = snapshot()

    answers = {}
    for (name, action), (_, fields) in sorted(targets.items()):
        data = {key: value for key, value in fields.items() if key != TOKEN}
        response = clients[name, action].post(action, data)
        answers[f"{name} → {action}"] = response.status_code

    assert {target: status for target, status in answers.items() if status != 403} == {}
    assert snapshot() == before
    # The actions that matter most were among those posted.
    actions = {target.split(" → ")[1] for target in answers}
    assert f"/{scene.city.slug}/basket/add/" in actions
    assert "/account/login/" in actions
    assert (
        f"/shop/{scene.city.slug}/{scene.shop.slug}/desk/orders/{scene.order.number}/accept/"
        in actions
    )
