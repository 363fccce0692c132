"""The sales page: figures, best sellers, the chart and its table."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.domain.shops.models import Role
from tests.factories import make_membership, make_user
from tests.sales_orders import make_order

pytestmark = pytest.mark.django_db


def test_it_shows_the_figures_the_chart_and_a_table(client, shop):
    user = make_user()
    make_membership(shop, user, Role.OWNER)
    make_order(shop, placed_at=timezone.now(), lines=[("Baguette", 3, Decimal("1.30"))])
    client.force_login(user)

    response = client.get(reverse("backoffice:sales", args=[shop.city.slug, shop.slug]))

    assert response.status_code == 200
    assert [f.revenue for f in response.context["figures"]] == [Decimal("3.90")] * 3
    assert response.text.count('class="bo-chart__bar"') == 30
    assert 'role="img"' in response.text
    assert response.text.count("<tr>") == 31  # header + 30 days
    assert "Baguette" in response.text
    assert response.context["by_quantity"][0].quantity == 3


def test_it_renders_with_no_sale_at_all(client, shop):
    user = make_user()
    make_membership(shop, user, Role.OWNER)
    client.force_login(user)

    response = client.get(reverse("backoffice:sales", args=[shop.city.slug, shop.slug]))

    assert response.status_code == 200
    assert response.context["peak"] == Decimal("0")
