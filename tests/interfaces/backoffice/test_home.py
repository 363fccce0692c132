"""The shop's home: the first-run checklist and today's figures."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.domain.orders.models import OrderState
from comptoir.domain.shops.models import Role
from tests.factories import make_membership, make_opening_hours, make_product, make_user
from tests.sales_orders import make_order

pytestmark = pytest.mark.django_db


def home(shop):
    return reverse("backoffice:home", kwargs={"city_slug": shop.city.slug, "shop_slug": shop.slug})


def test_a_new_shop_shows_its_checklist_with_a_link_per_item(client, shop):
    user = make_user()
    make_membership(shop, user, Role.OWNER)
    make_opening_hours(shop, 0, "08:00", "12:00")
    client.force_login(user)

    response = client.get(home(shop))

    assert response.status_code == 200
    checklist = response.context["checklist"]
    assert [(item.key, item.done) for item in checklist.items] == [
        ("photo", False),
        ("hours", True),
        ("products", False),
        ("fulfilment", True),
        ("staff", False),
    ]
    assert (checklist.done_count, checklist.total) == (2, 4)
    assert '<progress id="checklist-progress" max="4" value="2">' in response.text
    for name in ("settings_profile", "settings_hours", "products", "settings_collect", "staff"):
        assert reverse(f"backoffice:{name}", args=[shop.city.slug, shop.slug]) in response.text


def test_the_owner_sees_todays_figures(client, shop):
    user = make_user()
    make_membership(shop, user, Role.OWNER)
    now = timezone.now()
    make_order(shop, placed_at=now, state=OrderState.PLACED, total=Decimal("3.00"))
    make_order(shop, placed_at=now, total=Decimal("12.40"))
    client.force_login(user)

    response = client.get(home(shop))

    today = response.context["today"]
    assert (today.orders, today.waiting, today.revenue) == (2, 1, Decimal("12.40"))
    assert "12,40" in response.text


def test_staff_see_a_reduced_page_without_revenue_nor_checklist(client, shop):
    user = make_user()
    make_membership(shop, user, Role.STAFF)
    make_order(shop, placed_at=timezone.now(), total=Decimal("12.40"))
    for _ in range(5):
        make_product(shop)
    client.force_login(user)

    response = client.get(home(shop))

    assert response.status_code == 200
    assert "checklist" not in response.context
    assert "12,40" not in response.text
    assert reverse(
        "backoffice:settings", args=[shop.city.slug, shop.slug]
    ) + '"' not in response.text.replace("pro-tabs", "")
