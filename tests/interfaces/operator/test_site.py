"""The back office as a whole: who gets in, in which language, and every page renders."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult, get_date_max

from comptoir.domain.accounts.models import User
from comptoir.domain.billing.models import BillingDetails
from comptoir.domain.billing.periods import Month
from comptoir.domain.billing.services import invoice_issue
from comptoir.domain.catalogue.models import Product
from comptoir.domain.deals.digest import digest_subscribe
from comptoir.domain.deals.services import voucher_claim
from comptoir.domain.insights.models import CityPartner
from comptoir.domain.legal.models import ShopTerms
from comptoir.domain.onboarding.models import SignupRequest
from comptoir.interfaces.operator.admin.widgets import SafeAutocomplete
from tests.access import snapshot
from tests.domain.billing.support import RUN_AT, make_issuer, make_plan, subscribe
from tests.domain.deals.support import NOW, make_deal
from tests.domain.onboarding.support import invite
from tests.domain.orders.support import make_scene
from tests.domain.orders.test_checkout import place
from tests.factories import make_category, make_membership, make_product, make_shop, make_user

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_url(model: type[models.Model], view: str, *args: object) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def one_of_each(city):
    """At least one row of every registered model, so that each change page can open."""
    shop = make_shop(city)
    make_product(shop, category=make_category(shop))
    make_membership(shop, role="owner")
    Group.objects.create(name="Support")
    # A placed checkout: orders, their lines and events, slot bookings, a
    # daily quota's usage, and the (emptied) basket it came from.
    scene = make_scene(city)
    Product.objects.filter(pk=scene.croissant.pk).update(daily_quota=10)
    place(scene)
    # A deal with a claimed voucher, a digest subscription, and the claim's e-mail.
    deal = make_deal(shop)
    customer = make_user()
    voucher_claim(deal=deal, customer=customer, now=NOW)
    digest_subscribe(customer=customer, city=city, now=NOW)
    ShopTerms.objects.create(shop=shop, body="Paiement au retrait.")
    CityPartner.objects.create(user=make_user(), city=city, organisation="Métropole Rouen")
    # Onboarding: a sign-up request and the invitation sent from it.
    signup = SignupRequest.objects.create(
        shop_name="Au Bon Pain",
        trade="bakery",
        city=city,
        contact_name="Léa Martin",
        email="lea@example.fr",
        created_at=NOW,
    )
    invite(city, signup_request=signup)
    # Billing: an issuer, a plan, a subscription, billing details, an invoice and its event.
    make_issuer()
    BillingDetails.objects.create(shop=shop, legal_name="SARL Test")
    invoice_issue(subscription=subscribe(shop, make_plan(city)), month=Month(2026, 3), now=RUN_AT)
    DBTaskResult.objects.create(
        task_path="comptoir.tasks.retired_task",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
    )


def test_it_brands_the_site():
    with translation.override("en"):
        assert str(admin.site.site_header) == "Comptoir — operator"
        assert str(admin.site.site_title) == "Comptoir operator"
        assert str(admin.site.index_title) == "Back office"
    with translation.override("fr"):
        assert str(admin.site.site_header) == "Comptoir — opérateur"


def test_it_serves_the_back_office_under_operator():
    assert reverse("admin:index") == "/operator/"


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/operator/")

    assert response.status_code == 302
    assert response["Location"] == "/operator/login/?next=/operator/"


def test_it_sends_customers_to_the_login_page(db):
    client = Client()
    client.force_login(make_user())

    response = client.get(admin_url(Group, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith("/operator/login/?next=")


def test_it_speaks_french_by_default(operator_client):
    response = operator_client.get("/operator/")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"
    html = response.content.decode()
    assert "Comptoir — opérateur" in html
    # Our catalogue's "Log out" (account pages) wins over the admin's own.
    assert "Se déconnecter" in html
    assert "Ajouter" in html
    assert "Log out" not in html


def test_it_speaks_english_when_the_browser_asks(operator_client):
    response = operator_client.get("/operator/", headers={"Accept-Language": "en"})

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    html = response.content.decode()
    assert "Comptoir — operator" in html
    assert "Log out" in html
    assert "Se déconnecter" not in html


def test_it_links_the_operator_stylesheet(operator_client):
    response = operator_client.get("/operator/")

    assert '<link rel="stylesheet" href="/static/operator/admin.css"' in response.content.decode()


@pytest.mark.parametrize(
    "model", [model for model, _ in REGISTERED], ids=[m._meta.label for m, _ in REGISTERED]
)
def test_it_renders_the_change_list_of_every_model(operator_client, one_of_each, model):
    response = operator_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == model._default_manager.count()


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED]
)
def test_it_renders_the_add_page_of_every_model_that_can_be_added(
    operator_client, operator, rf, model, model_admin
):
    request = rf.get("/")
    request.user = operator

    response = operator_client.get(admin_url(model, "add"))

    assert response.status_code == (200 if model_admin.has_add_permission(request) else 403)


@pytest.mark.parametrize(
    "model", [model for model, _ in REGISTERED], ids=[m._meta.label for m, _ in REGISTERED]
)
def test_it_renders_the_change_page_of_every_model(operator_client, one_of_each, model):
    obj = model._default_manager.first()
    assert obj is not None, f"Add a {model._meta.label} to the one_of_each fixture."

    response = operator_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200
    assert response.context["original"] == obj


def test_every_autocomplete_field_uses_the_safe_widget():
    """Django's autocomplete widget answers a 500 to a refused value like "1e400" (see
    widgets.py); every admin and inline with autocomplete fields mixes in SafeAutocomplete."""
    unsafe = []
    for model_admin in admin.site._registry.values():
        for owner in [
            model_admin,
            *(inline(model_admin.model, admin.site) for inline in model_admin.inlines),
        ]:
            if owner.autocomplete_fields and not isinstance(owner, SafeAutocomplete):
                unsafe.append(type(owner).__name__)

    assert unsafe == []


def _first_action(model_admin: Any) -> str | None:
    """The first list action an operator (a superuser) sees, read without the database."""
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return next(iter(model_admin.get_actions(request)), None)


WITH_ACTIONS = [(m, a, _first_action(a)) for m, a in REGISTERED if _first_action(a)]


@pytest.mark.parametrize("forged", ["1e400", str(10**30), "abc"])
@pytest.mark.parametrize(
    ("model", "action"),
    [(m, action) for m, _, action in WITH_ACTIONS],
    ids=[m._meta.label for m, _, _ in WITH_ACTIONS],
)
def test_a_list_action_on_forged_ids_does_nothing_and_says_so(
    operator_client, one_of_each, model, action, forged
):
    before = snapshot()

    response = operator_client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [forged], "index": "0"},
        headers={"accept-language": "en"},
    )

    assert response.status_code == 302
    assert snapshot() == before
    followed = operator_client.get(response["Location"], headers={"accept-language": "en"})
    assert "Those items cannot be found: nothing was done." in followed.text
