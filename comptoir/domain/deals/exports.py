"""The operator's monthly exports of deals, per shop (or every shop of a city), as CSV.

- `deal_month_rows`: one row per deal active during the month (its period
  overlaps the month), with what happened in the month: vouchers claimed,
  redeemed in the shop and online (views are the deal's total: they are not
  counted per day).
- `redemption_month_rows`: one row per voucher redeemed during the month.

Months are read in the city's time zone (Europe/Paris for Rouen): a voucher
redeemed on 1 April at 00:30 in Rouen (22:30 UTC on 31 March) belongs to
April. `csv_stream` writes what Excel
(French) opens as is: UTF-8 with a BOM, `;` separators, and every cell that
a spreadsheet would read as a formula (= + - @, tab, carriage return) made
plain text with a leading apostrophe (CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from comptoir.domain.cities.models import City
from comptoir.domain.deals.models import Deal, RedeemedVia, Voucher
from comptoir.domain.deals.wording import offer_label
from comptoir.domain.shops.models import Shop

#: What a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class Month:
    year: int
    month: int

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def bounds(self, city: City) -> tuple[datetime, datetime]:
        """The month's first and next month's first instant, at midnight in the city's zone."""
        zone = city.zone
        start = datetime.combine(self.first_day, time(0), tzinfo=zone)
        end = datetime.combine(self.next().first_day, time(0), tzinfo=zone)
        return start, end

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def spreadsheet_safe(value: object) -> str:
    """The cell as text that a spreadsheet shows and never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV, line by line (for a streaming response): BOM, header, safe cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def line(cells: Sequence[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
        return buffer.getvalue()

    yield "\ufeff" + line(header)
    for row in rows:
        yield line(row)


def _local(moment: datetime | None, city: City, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(city.zone).strftime(pattern) if moment else ""


def _shops(city: City, shop: Shop | None) -> Q:
    return Q(shop=shop) if shop is not None else Q(city=city)


def deal_month_header() -> list[str]:
    return [
        _("Shop"),
        _("Deal no."),
        _("Title"),
        _("Kind"),
        _("Offer"),
        _("Starts (local time)"),
        _("Ends (local time)"),
        _("Vouchers in all"),
        _("Claimed in the month"),
        _("Redeemed in the shop in the month"),
        _("Redeemed online in the month"),
        _("Views (total)"),
    ]


def deal_month_rows(*, city: City, month: Month, shop: Shop | None = None) -> list[list[Any]]:
    """Every deal of the shop (or of the city) active during `month`, by shop then start."""
    start, end = month.bounds(city)
    in_month = Q(vouchers__claimed_at__gte=start, vouchers__claimed_at__lt=end)
    redeemed = Q(vouchers__redeemed_at__gte=start, vouchers__redeemed_at__lt=end)
    deals = (
        Deal.objects.filter(_shops(city, shop), city=city, starts_at__lt=end, ends_at__gt=start)
        .select_related("shop", "free_product")
        .annotate(
            claimed_in_month=Count("vouchers", filter=in_month),
            store_in_month=Count(
                "vouchers", filter=redeemed & Q(vouchers__redeemed_via=RedeemedVia.STORE)
            ),
            online_in_month=Count(
                "vouchers", filter=redeemed & Q(vouchers__redeemed_via=RedeemedVia.ONLINE)
            ),
        )
        .order_by("shop__name", "starts_at", "pk")
    )
    return [
        [
            deal.shop.name,
            deal.pk,
            deal.title,
            deal.get_kind_display(),
            offer_label(deal),
            _local(deal.starts_at, city),
            _local(deal.ends_at, city),
            "" if deal.total_cap is None else deal.total_cap,
            deal.claimed_in_month,
            deal.store_in_month,
            deal.online_in_month,
            deal.view_count,
        ]
        for deal in deals
    ]


def redemption_month_header() -> list[str]:
    return [
        _("Date (local)"),
        _("Time (local)"),
        _("Shop"),
        _("Deal no."),
        _("Deal"),
        _("Voucher code"),
        _("Redeemed"),
        _("Order no."),
    ]


def redemption_month_rows(*, city: City, month: Month, shop: Shop | None = None) -> list[list[Any]]:
    """Every voucher redeemed during `month` at the shop (or in the city), oldest first."""
    start, end = month.bounds(city)
    vouchers = (
        Voucher.objects.filter(
            _shops(city, shop), city=city, redeemed_at__gte=start, redeemed_at__lt=end
        )
        .select_related("shop", "deal", "order")
        .order_by("redeemed_at", "pk")
    )
    return [
        [
            _local(voucher.redeemed_at, city, "%Y-%m-%d"),
            _local(voucher.redeemed_at, city, "%H:%M"),
            voucher.shop.name,
            voucher.deal_id,
            voucher.deal.title,
            voucher.code,
            voucher.get_redeemed_via_display(),
            voucher.order.number if voucher.order is not None else "",
        ]
        for voucher in vouchers
    ]
