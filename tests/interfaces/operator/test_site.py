"""The back office as a whole: who gets in, in which language, and every page renders."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult, get_date_max

from comptoir.domain.catalogue.models import Product
from comptoir.domain.deals.digest import digest_subscribe
from comptoir.domain.deals.services import voucher_claim
from tests.domain.deals.support import NOW, make_deal
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
