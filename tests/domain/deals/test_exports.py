"""The operator's monthly exports: rows, month boundaries in Paris time, safe cells."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.utils import translation

from comptoir.domain.deals.exports import (
    Month,
    csv_stream,
    deal_month_header,
    deal_month_rows,
    redemption_month_header,
    redemption_month_rows,
    spreadsheet_safe,
)
from comptoir.domain.deals.models import Deal, RedeemedVia
from comptoir.domain.deals.services import voucher_claim, voucher_redeem
from tests.domain.deals.support import PARIS, make_deal
from tests.factories import make_city, make_shop, make_user
from tests.sales_orders import make_order

pytestmark = pytest.mark.django_db

MARCH = Month(2026, 3)
#: 1 March 2026 00:00 and 1 April 2026 00:00 in Rouen (winter then summer time).
MARCH_STARTS = datetime(2026, 3, 1, 0, 0, tzinfo=PARIS)
APRIL_STARTS = datetime(2026, 4, 1, 0, 0, tzinfo=PARIS)
SECOND = timedelta(seconds=1)


def claimed_and_redeemed(deal: Deal, *, claimed: datetime, redeemed: datetime, **options):
    voucher = voucher_claim(deal=deal, customer=make_user(), now=claimed)
    return voucher_redeem(code=voucher.code, shop=deal.shop, now=redeemed, **options)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def march_deal(shop):
    return make_deal(
        shop,
        title="Galettes",
        starts_at=MARCH_STARTS - timedelta(days=3),
        ends_at=APRIL_STARTS + timedelta(days=3),
        total_cap=50,
    )


def test_month_bounds_are_midnight_in_the_citys_zone(city):
    start, end = MARCH.bounds(city)

    assert (start, end) == (MARCH_STARTS, APRIL_STARTS)
    assert start.utcoffset() == timedelta(hours=1)
    assert end.utcoffset() == timedelta(hours=2)
    assert Month(2026, 12).next() == Month(2027, 1)


def test_a_deal_row_counts_what_happened_in_the_month(shop, march_deal):
    # Claimed and redeemed just before March (Paris time), in March, and just after.
    claimed_and_redeemed(march_deal, claimed=MARCH_STARTS - SECOND, redeemed=MARCH_STARTS - SECOND)
    claimed_and_redeemed(march_deal, claimed=MARCH_STARTS, redeemed=MARCH_STARTS)
    claimed_and_redeemed(march_deal, claimed=APRIL_STARTS - SECOND, redeemed=APRIL_STARTS - SECOND)
    order = make_order(shop, placed_at=MARCH_STARTS + timedelta(days=2))
    claimed_and_redeemed(
        march_deal,
        claimed=MARCH_STARTS + timedelta(days=1),
        redeemed=MARCH_STARTS + timedelta(days=2),
        via=RedeemedVia.ONLINE,
        order_id=order.pk,
    )
    claimed_and_redeemed(march_deal, claimed=APRIL_STARTS, redeemed=APRIL_STARTS)
    Deal.objects.filter(pk=march_deal.pk).update(view_count=42)

    [row] = deal_month_rows(city=shop.city, month=MARCH, shop=shop)

    assert row == [
        shop.name,
        march_deal.pk,
        "Galettes",
        "Percentage off",
        "\u221220 %",
        "2026-02-26 00:00",
        "2026-04-04 00:00",
        50,
        3,  # claimed in March: at 00:00 on the 1st, the 2nd, 23:59:59 on the 31st
        2,  # redeemed in the shop in March
        1,  # online
        42,
    ]
    assert len(row) == len(deal_month_header())


def test_only_deals_active_in_the_month_are_listed(shop):
    make_deal(
        shop, title="Before", starts_at=MARCH_STARTS - timedelta(days=9), ends_at=MARCH_STARTS
    )
    make_deal(
        shop, title="Last second", starts_at=MARCH_STARTS - SECOND, ends_at=MARCH_STARTS + SECOND
    )
    make_deal(
        shop, title="Inside", starts_at=MARCH_STARTS + timedelta(days=9), ends_at=APRIL_STARTS
    )
    make_deal(shop, title="After", starts_at=APRIL_STARTS, ends_at=APRIL_STARTS + timedelta(days=1))
    other = make_shop(shop.city)
    make_deal(other, title="Other shop", starts_at=MARCH_STARTS, ends_at=APRIL_STARTS)
    make_deal(
        make_shop(make_city()), title="Other city", starts_at=MARCH_STARTS, ends_at=APRIL_STARTS
    )

    mine = [row[2] for row in deal_month_rows(city=shop.city, month=MARCH, shop=shop)]
    city_wide = [row[2] for row in deal_month_rows(city=shop.city, month=MARCH)]

    assert mine == ["Last second", "Inside"]
    assert sorted(city_wide) == ["Inside", "Last second", "Other shop"]


def test_a_redemption_row_per_voucher_redeemed_in_the_month(shop, march_deal):
    claimed_and_redeemed(march_deal, claimed=MARCH_STARTS - SECOND, redeemed=MARCH_STARTS - SECOND)
    first = claimed_and_redeemed(march_deal, claimed=MARCH_STARTS, redeemed=MARCH_STARTS)
    order = make_order(shop, placed_at=APRIL_STARTS - timedelta(minutes=5))
    last = claimed_and_redeemed(
        march_deal,
        claimed=MARCH_STARTS,
        redeemed=APRIL_STARTS - SECOND,
        via=RedeemedVia.ONLINE,
        order_id=order.pk,
    )
    claimed_and_redeemed(march_deal, claimed=MARCH_STARTS, redeemed=APRIL_STARTS)
    voucher_claim(deal=march_deal, customer=make_user(), now=MARCH_STARTS)  # never redeemed

    rows = redemption_month_rows(city=shop.city, month=MARCH, shop=shop)

    assert rows == [
        [
            "2026-03-01",
            "00:00",
            shop.name,
            march_deal.pk,
            "Galettes",
            first.code,
            "in the shop",
            "",
        ],
        [
            "2026-03-31",
            "23:59",
            shop.name,
            march_deal.pk,
            "Galettes",
            last.code,
            "with an online order",
            order.number,
        ],
    ]
    assert len(rows[0]) == len(redemption_month_header())
    assert redemption_month_rows(city=shop.city, month=MARCH, shop=make_shop(shop.city)) == []


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+33 2 35", "'+33 2 35"),
        ("-20 % sur les galettes", "'-20 % sur les galettes"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r=1"),
        ("Galettes = bonheur", "Galettes = bonheur"),
        ("\u221220 %", "\u221220 %"),
        (42, "42"),
        (None, ""),
    ],
)
def test_cells_a_spreadsheet_would_run_are_made_text(cell, safe):
    assert spreadsheet_safe(cell) == safe


def test_the_file_has_a_bom_semicolons_and_defused_cells(shop):
    make_deal(shop, title="=cmd|' /C calc'!A0", starts_at=MARCH_STARTS, ends_at=APRIL_STARTS)

    text = "".join(csv_stream(deal_month_header(), deal_month_rows(city=shop.city, month=MARCH)))

    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == deal_month_header()
    assert rows[1][2] == "'=cmd|' /C calc'!A0"
    assert text.endswith("\r\n")
