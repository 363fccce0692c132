"""Every cookie-session form carries a CSRF token, and a POST without it changes nothing.

The pages are those of tests/site_walk.py (every route of
the resolver, filled from a demo scene, each visited by the person it is
for). Each <form method="post"> found must hold the csrfmiddlewaretoken
input; then its action is posted, with the form's own fields but no token,
by the same signed-in person: the answer is Django's 403 and no row of any
Comptoir table changes.

The JSON API's CSRF rules (token or bearer auth) come with issue #6.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.access import snapshot
from tests.site_walk import CSRF_TOKEN as TOKEN
from tests.site_walk import Page, client_for, demo_scene, post_forms

pytestmark = pytest.mark.django_db


def test_every_post_form_carries_the_csrf_token():
    scene = demo_scene()
    forms = post_forms(scene)
    missing = [
        f"{form.page.name}: form to {form.action}" for form in forms if TOKEN not in form.fields
    ]

    assert missing == []
    # Forms of every audience were found: the walk is not vacuous.
    pages = {form.page.name.split(":")[0] for form in forms}
    assert {"storefront", "accounts", "backoffice", "desk", "admin"} <= pages
    assert len(forms) >= 25


def test_a_post_without_the_token_is_refused_and_changes_nothing():
    scene = demo_scene()
    targets: dict[tuple[str, str], tuple[Page, list[tuple[str, str]]]] = {}
    for form in post_forms(scene):
        targets.setdefault((form.page.name, form.action), (form.page, form.submission()))
    # Signed in first: logging in updates last_login, which is not the POST's doing.
    clients: dict[tuple[str, str], Client] = {
        target: client_for(page, scene, enforce_csrf_checks=True)
        for target, (page, _) in targets.items()
    }
    before = snapshot()

    answers = {}
    for (name, action), (_, fields) in sorted(targets.items()):
        data = {key: value for key, value in fields if key != TOKEN}
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
