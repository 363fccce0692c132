"""The city partners' pages: who gets in, what they see, what they never see."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.domain.insights.models import CityPartner
from comptoir.domain.orders.models import OrderState
from comptoir.domain.shops.models import Trade
from comptoir.interfaces.partner import views
from tests.domain.insights.support import NOW, live_shops, paris, set_fields
from tests.factories import make_city, make_order, make_user

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def _frozen_now(monkeypatch):
    monkeypatch.setattr(views, "current_time", lambda: NOW)


@pytest.fixture
def rouen(city):
    """6 bakeries and 4 cheese shops; each sold once to a customer who must never show."""
    shops = live_shops(city, 6, trade=Trade.BAKERY, name="Maison Secrète") + live_shops(
        city, 4, trade=Trade.CHEESE, postal_code="76100", name="Maison Secrète"
    )
    for shop in shops:
        make_order(
            shop,
            placed_at=paris(2026, 3, 10, 9, 0),
            state=OrderState.COLLECTED,
            contact_name="Dominique Secret",
            contact_email="dominique.secret@example.fr",
        )
    return city


def partner_client(city, organisation="Métropole Rouen Normandie") -> Client:
    user = make_user()
    CityPartner.objects.create(user=user, city=city, organisation=organisation)
    client = Client()
    client.force_login(user)
    return client


def dashboard_url(city) -> str:
    return reverse("partner:dashboard", kwargs={"city_slug": city.slug})


def export_url(city) -> str:
    return reverse("partner:export", kwargs={"city_slug": city.slug})


def test_a_partner_sees_their_citys_dashboard(rouen):
    response = partner_client(rouen).get(dashboard_url(rouen), headers=EN)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Local commerce in Rouen" in html
    assert "Métropole Rouen Normandie" in html
    assert 'id="trades-table"' in html
    assert "<svg" in html


def test_the_dashboard_shows_the_suppression_of_small_groups(rouen):
    response = partner_client(rouen).get(dashboard_url(rouen), headers=EN)

    html = response.content.decode()
    assert "fewer than 5 shops" in html
    assert 'class="insights-withheld"' in html
    table = html[html.index('id="trades-table"') :]
    table = table[: table.index("</table>")]
    cheese_row = table[table.index("Cheese shop") :]
    cheese_row = cheese_row[: cheese_row.index("</tr>")]
    assert "—" in cheese_row
    assert ">4<" not in cheese_row


def test_the_page_names_no_shop_and_no_customer(rouen):
    html = partner_client(rouen).get(dashboard_url(rouen), headers=EN).content.decode()

    assert "Maison Secrète" not in html
    assert "Dominique" not in html
    assert "dominique.secret" not in html


def test_the_page_has_no_form_that_posts_but_the_language_switch(rouen):
    html = partner_client(rouen).get(dashboard_url(rouen), headers=EN).content.decode()

    assert html.count('method="post"') == html.count('action="/i18n/setlang/"')


def test_the_csv_holds_the_same_withheld_figures_and_no_customer(rouen):
    response: Any = partner_client(rouen).get(export_url(rouen), headers=EN)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffWeek;Breakdown;Group;")
    cheese = [line for line in text.splitlines() if ";trade;Cheese shop;" in line]
    assert cheese
    assert all(line.endswith("fewer than 5 shops") for line in cheese)
    assert all(";;;;;;;;;;;" in line for line in cheese)
    assert "Dominique" not in text
    assert "Maison Secrète" not in text
    assert "@" not in text


def test_a_partner_of_another_city_gets_a_404(rouen):
    client = partner_client(make_city())

    assert client.get(dashboard_url(rouen)).status_code == 404
    assert client.get(export_url(rouen)).status_code == 404


def test_a_customer_gets_a_404(rouen):
    client = Client()
    client.force_login(make_user())

    assert client.get(dashboard_url(rouen)).status_code == 404
    assert client.get(export_url(rouen)).status_code == 404
    assert client.get(reverse("partner:index")).status_code == 404


def test_a_visitor_is_sent_to_log_in(rouen):
    for url in (reverse("partner:index"), dashboard_url(rouen), export_url(rouen)):
        response = Client().get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_city_is_a_404(rouen):
    client = partner_client(rouen)

    assert client.get("/partner/nowhere/").status_code == 404


def test_an_operator_sees_every_city(rouen):
    operator = make_user(is_staff=True)
    client = Client()
    client.force_login(operator)

    assert client.get(dashboard_url(rouen)).status_code == 200


def test_the_index_takes_a_one_city_partner_to_their_city(rouen):
    response = partner_client(rouen).get(reverse("partner:index"))

    assert response.status_code == 302
    assert response["Location"] == dashboard_url(rouen)


def test_the_index_lists_the_cities_of_a_partner_of_several(rouen):
    other = make_city(name="Le Havre")
    client = partner_client(rouen)
    user = CityPartner.objects.get(city=rouen).user
    CityPartner.objects.create(user=user, city=other, organisation="Le Havre Seine Métropole")

    response = client.get(reverse("partner:index"), headers=EN)

    assert response.status_code == 200
    assert dashboard_url(other) in response.content.decode()
    assert dashboard_url(rouen) in response.content.decode()


@pytest.mark.parametrize(
    "query", ["?weeks=0", "?weeks=999", "?weeks=abc", "?metric=nope", "?weeks=" + "9" * 40]
)
def test_bad_choices_get_a_message_and_the_usual_figures(rouen, query):
    response = partner_client(rouen).get(dashboard_url(rouen) + query, headers=EN)

    assert response.status_code == 400
    assert "The usual choices are shown instead." in response.content.decode()


def test_the_chosen_figure_and_weeks_are_shown(rouen):
    response = partner_client(rouen).get(dashboard_url(rouen) + "?metric=gmv&weeks=4", headers=EN)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<th scope="col">2026-W') == 4 * 3  # three tables of four weeks
    assert '<option value="gmv" selected>' in html


def test_the_dashboard_takes_a_handful_of_queries(rouen, django_assert_max_num_queries):
    client = partner_client(rouen)

    with django_assert_max_num_queries(12):
        client.get(dashboard_url(rouen))


def test_a_week_withheld_in_a_chart_is_a_marked_gap(city):
    bakeries = live_shops(city, 5, trade=Trade.BAKERY)
    live_shops(city, 6, trade=Trade.CHEESE)
    live_shops(city, 7, trade=Trade.BUTCHER)
    # Suspended on Tuesday 3 March: 5 bakeries in W10, 4 in W11.
    set_fields(bakeries[0], is_active=False, suspended_at=paris(2026, 3, 3, 10, 0))

    response = partner_client(city).get(
        dashboard_url(city) + "?metric=active_shops&weeks=3", headers=EN
    )

    html = response.content.decode()
    charts = html[html.index('id="trades-title"') : html.index('id="trades-table"')]
    bakery = charts[charts.index(">Bakery<") :]
    bakery = bakery[: bakery.index("</figure>")]
    assert bakery.count('class="insights-chart__bar"') == 2
    assert bakery.count('class="insights-chart__gap"') == 1
    assert "2026-W11: — (fewer than 5 shops)" in bakery
