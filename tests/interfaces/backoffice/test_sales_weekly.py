"""The sales page's weekly figures: the city dashboards' figures, for this shop only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.domain.shops.models import Role
from comptoir.interfaces.backoffice import shop_views
from tests.domain.insights.support import NOW, paris
from tests.factories import make_membership, make_shop, make_user
from tests.sales_orders import make_order

pytestmark = pytest.mark.django_db


def test_it_links_to_and_shows_this_shops_weekly_figures(client, shop, monkeypatch):
    monkeypatch.setattr(shop_views, "current_time", lambda: NOW)
    user = make_user()
    make_membership(shop, user, Role.OWNER)
    make_order(shop, placed_at=paris(2026, 3, 9, 0, 30), total=Decimal("20.00"))
    make_order(shop, placed_at=paris(2026, 3, 8, 23, 30), total=Decimal("7.00"))
    make_order(make_shop(shop.city), placed_at=paris(2026, 3, 10, 9, 0), total=Decimal("99.00"))
    client.force_login(user)

    response = client.get(
        reverse("backoffice:sales", args=[shop.city.slug, shop.slug]), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert 'href="#weekly-title"' in response.text
    this_week, last_week = response.context["weekly"][:2]
    assert this_week[0].label == "2026-W11"
    assert (this_week[1].orders_completed, this_week[1].gmv) == (1, Decimal("20.00"))
    assert (last_week[1].orders_completed, last_week[1].gmv) == (1, Decimal("7.00"))
    assert response.text.count('class="bo-weekly__week"') == 12
    assert "€99.00" not in response.text


def test_staff_do_not_see_the_sales_page(client, shop):
    user = make_user()
    make_membership(shop, user, Role.STAFF)
    client.force_login(user)

    response = client.get(reverse("backoffice:sales", args=[shop.city.slug, shop.slug]))

    assert response.status_code in (403, 404)
