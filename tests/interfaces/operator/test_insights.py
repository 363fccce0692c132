"""The operator's insights dashboard: every figure per city, trade and week; charts; CSV."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.domain.insights.models import CityPartner
from comptoir.domain.orders.models import OrderState
from comptoir.domain.shops.models import Trade
from comptoir.interfaces.partner import views as partner_views
from tests.domain.insights.support import NOW, live_shops, paris
from tests.factories import make_city, make_membership, make_order, make_user

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def _frozen_now(monkeypatch):
    monkeypatch.setattr(partner_views, "current_time", lambda: NOW)


@pytest.fixture
def rouen(city):
    """6 bakeries and 2 cheese shops, one completed 12.00 order each this week."""
    shops = live_shops(city, 6, trade=Trade.BAKERY) + live_shops(city, 2, trade=Trade.CHEESE)
    for shop in shops:
        make_order(
            shop,
            placed_at=paris(2026, 3, 10, 9, 0),
            state=OrderState.COLLECTED,
            subtotal=12,
            total=12,
        )
    return city


def test_the_index_links_to_the_dashboard(operator_client):
    response = operator_client.get(reverse("admin:index"), headers=EN)

    assert reverse("admin:insights") in response.content.decode()


def test_the_dashboard_shows_every_figure_even_of_small_groups(operator_client, rouen):
    response = operator_client.get(
        reverse("admin:insights") + "?city=rouen&metric=orders_placed", headers=EN
    )

    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index('id="trades-table"') :]
    cheese_row = table[table.index("Cheese shop") :]
    cheese_row = cheese_row[: cheese_row.index("</tr>")]
    assert "<td>2</td>" in cheese_row
    assert "insights-withheld" not in html
    assert "<svg" in html
    assert 'id="cities-table"' in html
    assert 'id="weekly-table"' in html


def test_the_dashboard_shows_the_gmv_and_average_basket(operator_client, rouen):
    response = operator_client.get(reverse("admin:insights") + "?city=rouen&metric=gmv", headers=EN)

    html = response.content.decode()
    weekly = html[html.index('id="weekly-table"') :]
    weekly = weekly[: weekly.index("</table>")]
    assert "€96.00" in weekly  # 8 orders of 12.00
    assert "€12.00" in weekly


def test_the_csv_holds_every_figure(operator_client, rouen):
    response = operator_client.get(
        reverse("admin:insights_export") + "?city=rouen&weeks=2", headers=EN
    )

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffWeek;")
    (cheese_this_week,) = [
        line for line in text.splitlines() if line.startswith("2026-W11;trade;Cheese shop;")
    ]
    cells = cheese_this_week.split(";")
    assert cells[3] == "2"  # active shops
    assert cells[-1] == ""


def test_an_unknown_city_gets_a_message(operator_client, rouen):
    response = operator_client.get(reverse("admin:insights") + "?city=nowhere", headers=EN)

    assert response.status_code == 400
    assert "Unknown city" in response.content.decode()


def test_bad_weeks_get_a_message(operator_client, rouen):
    response = operator_client.get(reverse("admin:insights") + "?city=rouen&weeks=-3", headers=EN)

    assert response.status_code == 400
    assert "The usual choices are shown instead." in response.content.decode()


def test_the_dashboard_opens_without_any_city(operator_client):
    assert operator_client.get(reverse("admin:insights")).status_code == 200


def test_it_sends_anonymous_visitors_to_log_in(rouen):
    response = Client().get(reverse("admin:insights"))

    assert response.status_code == 302


@pytest.mark.parametrize("who", ["customer", "owner", "partner"])
def test_it_keeps_everyone_but_operators_out(rouen, who):
    user = make_user()
    if who == "owner":
        make_membership(live_shops(rouen, 1)[0], user=user, role="owner")
    if who == "partner":
        CityPartner.objects.create(user=user, city=rouen, organisation="Métropole")
    client = Client()
    client.force_login(user)

    for url in (reverse("admin:insights"), reverse("admin:insights_export") + "?city=rouen"):
        assert client.get(url).status_code in (302, 403)


def test_the_operator_manages_city_partners(operator_client, rouen):
    user = make_user(email="partenaire@metropole-rouen-normandie.fr")
    url = reverse("admin:insights_citypartner_add")

    response = operator_client.post(
        url, {"user": user.pk, "city": rouen.pk, "organisation": "Métropole Rouen Normandie"}
    )

    assert response.status_code == 302
    assert CityPartner.objects.get(user=user).city == rouen
    assert operator_client.get(reverse("admin:insights_citypartner_changelist")).status_code == 200


def test_the_dashboard_compares_cities(operator_client, rouen):
    make_city(name="Le Havre")

    html = operator_client.get(reverse("admin:insights"), headers=EN).content.decode()

    table = html[html.index('id="cities-table"') :]
    assert "Le Havre" in table
    assert "Rouen" in table


def test_the_partners_list_gives_the_address_of_their_page(operator_client, rouen):
    CityPartner.objects.create(user=make_user(), city=rouen, organisation="CCI Rouen Métropole")

    response = operator_client.get(reverse("admin:insights_citypartner_changelist"))

    assert reverse("partner:dashboard", kwargs={"city_slug": "rouen"}) in response.content.decode()


def test_a_partners_change_page_opens(operator_client, rouen):
    partner = CityPartner.objects.create(user=make_user(), city=rouen, organisation="CCI")

    url = reverse("admin:insights_citypartner_change", args=[partner.pk])

    assert operator_client.get(url).status_code == 200
