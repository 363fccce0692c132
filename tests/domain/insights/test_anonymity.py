"""The partners' rule: no figure for a group of fewer than 5 shops, on every breakdown."""

from __future__ import annotations

from collections.abc import Hashable

import pytest
from django.utils import translation

from comptoir.domain.insights.anonymity import withheld, withheld_cells
from comptoir.domain.insights.exports import figures_header, figures_rows
from comptoir.domain.insights.figures import city_figures, last_weeks
from comptoir.domain.insights.report import PROTECTS_ANOTHER, TOO_FEW, breakdown, cross_table
from comptoir.domain.orders.models import OrderState
from comptoir.domain.shops.models import Trade
from tests.domain.insights.support import NOW, live_shops, paris, set_fields
from tests.factories import make_order

pytestmark = pytest.mark.django_db


def test_a_group_of_4_shops_is_withheld_and_one_of_5_is_shown():
    assert withheld({"four": 4, "five": 5, "nine": 9}) >= {"four"}
    assert "five" not in withheld({"five": 5, "nine": 9, "ten": 10})
    assert withheld({"five": 5, "six": 6}) == set()


def test_a_lone_small_group_takes_the_smallest_other_with_it():
    # Shown, "five" and the city total would give the 4-shop group away.
    assert withheld({"four": 4, "five": 5, "nine": 9}) == {"four", "five"}


def test_small_groups_that_together_cover_5_shops_need_no_company():
    assert withheld({"three": 3, "two": 2, "nine": 9}) == {"three", "two"}


def test_an_empty_group_reveals_nothing_and_withholds_nothing_else():
    assert withheld({"none": 0, "nine": 9}) == {"none"}


def test_a_two_way_table_withholds_along_rows_and_columns():
    cells: dict[tuple[Hashable, Hashable], int] = {
        ("a", "x"): 4,
        ("a", "y"): 6,
        ("b", "x"): 7,
        ("b", "y"): 8,
    }

    hidden = withheld_cells(cells)

    assert ("a", "x") in hidden
    # Row a and column x would each give (a, x) away: another cell goes in each.
    assert ("a", "y") in hidden
    assert ("b", "x") in hidden


@pytest.fixture
def rouen(city):
    """Bakeries: 5 in 76000 and 4 in 76100; cheese shops: 4 in 76000; butchers: 6 in 76100
    and 1 in 76200. One order each, by a customer whose name must never show."""
    named = {"name": "Maison Secrète"}
    shops = (
        live_shops(city, 5, trade=Trade.BAKERY, postal_code="76000", **named)
        + live_shops(city, 4, trade=Trade.BAKERY, postal_code="76100", **named)
        + live_shops(city, 4, trade=Trade.CHEESE, postal_code="76000", **named)
        + live_shops(city, 6, trade=Trade.BUTCHER, postal_code="76100", **named)
        + live_shops(city, 1, trade=Trade.BUTCHER, postal_code="76200", **named)
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


def figures_of(city):
    return city_figures(city=city, weeks=last_weeks(city=city, now=NOW, count=2), now=NOW)


def test_trades_under_5_shops_are_withheld_for_partners(rouen):
    rows = {row.key: row for row in breakdown(figures_of(rouen), "trade", anonymous=True)}

    assert rows["bakery"].period.value("orders_placed") == 9
    assert rows["bakery"].weeks[-1].value("orders_placed") == 9
    assert rows["cheese"].period.figures is None
    assert rows["cheese"].period.reason == TOO_FEW
    assert [cell.reason for cell in rows["cheese"].weeks] == [TOO_FEW, TOO_FEW]
    # Butchers (7) are shown alone with the city's total: they would give cheese away.
    assert rows["butcher"].period.reason == PROTECTS_ANOTHER


def test_districts_withhold_the_1_shop_one_and_protect_it_from_subtraction(rouen):
    rows = {row.key: row for row in breakdown(figures_of(rouen), "district", anonymous=True)}

    assert rows["76200"].period.reason == TOO_FEW
    assert rows["76000"].period.reason == PROTECTS_ANOTHER  # the smallest of the others
    assert rows["76100"].period.value("orders_placed") == 10


def test_the_whole_city_is_shown_from_5_shops(rouen):
    (row,) = breakdown(figures_of(rouen), "city", anonymous=True)

    assert row.period.value("orders_placed") == 20
    assert row.period.value("active_shops") == 20


def test_a_city_of_4_shops_shows_nothing(city):
    live_shops(city, 4)

    (row,) = breakdown(figures_of(city), "city", anonymous=True)

    assert row.period.figures is None
    assert all(cell.figures is None for cell in row.weeks)


def test_district_by_trade_cells_under_5_shops_are_withheld(rouen):
    table = cross_table(figures_of(rouen), anonymous=True)
    cells = {
        (district, trade): cell
        for district, row in table.rows()
        for (trade, _label), cell in zip(table.trades, row, strict=True)
    }

    assert cells[("76000", "cheese")].reason == TOO_FEW
    assert cells[("76100", "bakery")].reason == TOO_FEW
    assert cells[("76200", "butcher")].reason == TOO_FEW
    assert cells[("76200", "bakery")].reason == TOO_FEW  # no shop at all
    assert all(cell.figures is None or cell.figures.shops_covered >= 5 for cell in cells.values())
    # Exactly 5 and 6 shops, but each would give a small neighbour away.
    assert cells[("76000", "bakery")].figures is None
    assert cells[("76100", "butcher")].figures is None


def test_a_cell_of_exactly_5_shops_is_shown_when_nothing_small_sits_beside_it(city):
    live_shops(city, 5, trade=Trade.BAKERY, postal_code="76000")
    live_shops(city, 6, trade=Trade.CHEESE, postal_code="76000")

    table = cross_table(figures_of(city), anonymous=True)
    ((_district, (bakery, cheese)),) = table.rows()

    assert bakery.value("active_shops") == 5
    assert cheese.value("active_shops") == 6


def test_a_week_where_a_group_drops_to_4_shops_is_withheld_that_week_only(city):
    bakeries = live_shops(city, 5, trade=Trade.BAKERY)
    live_shops(city, 6, trade=Trade.CHEESE)
    live_shops(city, 7, trade=Trade.BUTCHER)
    # Suspended on Tuesday 3 March: live (covered) part of W10, gone for the whole of W11.
    set_fields(bakeries[0], is_active=False, suspended_at=paris(2026, 3, 3, 10, 0))
    figures = city_figures(city=city, weeks=last_weeks(city=city, now=NOW, count=3), now=NOW)

    rows = {row.key: row for row in breakdown(figures, "trade", anonymous=True)}

    assert [cell.value("active_shops") for cell in rows["bakery"].weeks] == [5, 4, None]
    assert rows["bakery"].weeks[-1].reason == TOO_FEW
    assert rows["cheese"].weeks[-1].reason == PROTECTS_ANOTHER
    assert rows["butcher"].weeks[-1].value("active_shops") == 7
    assert rows["bakery"].period.value("churned") == 1


def test_the_operator_sees_every_figure(rouen):
    rows = {row.key: row for row in breakdown(figures_of(rouen), "trade", anonymous=False)}

    assert rows["cheese"].period.value("orders_placed") == 4


def test_the_partner_csv_withholds_the_same_and_holds_no_customer_data(rouen):
    with translation.override("en"):
        rows = list(figures_rows(figures_of(rouen), anonymous=True))
    text = "\n".join(";".join(str(cell) for cell in row) for row in rows)
    header = figures_header()

    assert all(len(row) == len(header) for row in rows)
    cheese = [row for row in rows if row[1] == "trade" and row[2] == "Cheese shop"]
    assert len(cheese) == 3  # two weeks and the whole period
    assert all(set(row[3:-1]) == {""} for row in cheese)
    assert "Dominique" not in text
    assert "secret" not in text.lower()
    assert "@" not in text
    assert "Secrète" not in text  # no shop name


def test_the_partner_figures_hold_no_shop_nor_customer(rouen):
    figures = figures_of(rouen)

    assert set(figures.cells()) == {
        ("bakery", "76000"),
        ("bakery", "76100"),
        ("cheese", "76000"),
        ("butcher", "76100"),
        ("butcher", "76200"),
    }
