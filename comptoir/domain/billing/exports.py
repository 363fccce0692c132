"""The operator's billing exports, as CSV rows (written by `deals.exports.csv_stream`:
UTF-8 with a BOM, `;`, formula-safe cells).

- `invoice_rows`: every invoice of a city's shops issued between two dates (inclusive).
- `payment_rows`: every payment recorded between two dates (city time).
- `seller_year_rows`: the yearly per-seller report a marketplace files
  (DAC7-style): the seller's identity, then the number of sales (handed-over
  orders) and their gross revenue (what customers paid, VAT included) for each
  quarter of the year, quarters in the city's time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils.translation import gettext as _

from comptoir.domain.billing.models import BillingDetails, BillingEvent, EventKind, Invoice
from comptoir.domain.billing.periods import quarter_bounds
from comptoir.domain.billing.selectors import ZERO, Sales, sales_per_shop
from comptoir.domain.cities.models import City
from comptoir.domain.shops.models import Shop


def invoice_header() -> list[str]:
    return [
        _("Number"),
        _("Issued on"),
        _("Due on"),
        _("Month billed"),
        _("Shop"),
        _("Buyer"),
        _("Buyer SIRET"),
        _("Buyer VAT number"),
        _("Total excl. VAT"),
        _("VAT rate"),
        _("VAT"),
        _("Total incl. VAT"),
        _("Status"),
        _("Paid on"),
    ]


def invoice_rows(*, first: date, last: date, city: City) -> list[list[Any]]:
    invoices = (
        Invoice.objects.filter(shop__city=city, issued_on__gte=first, issued_on__lte=last)
        .select_related("shop__city")
        .order_by("year", "sequence")
    )
    return [
        [
            invoice.number,
            invoice.issued_on.isoformat(),
            invoice.due_on.isoformat(),
            invoice.period.strftime("%Y-%m"),
            invoice.shop.name,
            invoice.buyer_name,
            invoice.buyer_siret,
            invoice.buyer_vat_number,
            invoice.total_excl_vat,
            invoice.vat_rate,
            invoice.vat_amount,
            invoice.total_incl_vat,
            invoice.get_status_display(),
            invoice.paid_at.astimezone(invoice.shop.city.zone).date().isoformat()
            if invoice.paid_at
            else "",
        ]
        for invoice in invoices
    ]


def payment_header() -> list[str]:
    return [_("Date"), _("Invoice"), _("Shop"), _("Amount incl. VAT"), _("Outcome"), _("Note")]


def payment_rows(*, first: date, last: date, city: City) -> list[list[Any]]:
    zone = city.zone
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    events = (
        BillingEvent.objects.filter(
            shop__city=city, kind__in=(EventKind.PAID, EventKind.FAILED), at__gte=start, at__lt=end
        )
        .select_related("shop", "invoice")
        .order_by("at", "pk")
    )
    return [
        [
            event.at.astimezone(zone).date().isoformat(),
            event.invoice.number if event.invoice else "",
            event.shop.name,
            event.invoice.total_incl_vat if event.invoice else "",
            event.get_kind_display(),
            event.note,
        ]
        for event in events
    ]


def seller_year_header() -> list[str]:
    header = [
        _("Shop"),
        _("Legal name"),
        _("Address"),
        _("SIRET"),
        _("VAT number"),
    ]
    for quarter in range(1, 5):
        header += [
            _("Q%(n)s sales") % {"n": quarter},
            _("Q%(n)s gross revenue") % {"n": quarter},
        ]
    return [*header, _("Year sales"), _("Year gross revenue")]


def seller_year_rows(*, city: City, year: int) -> list[list[Any]]:
    """One row per shop of the city with at least one sale in the year, by shop name."""
    shops = {shop.pk: shop for shop in Shop.objects.filter(city=city).order_by("name", "pk")}
    quarters: list[dict[int, Sales]] = []
    for quarter in range(1, 5):
        start, end = quarter_bounds(year, quarter, city)
        quarters.append(sales_per_shop(shop_ids=list(shops), starts_at=start, ends_at=end))
    details = {d.shop_id: d for d in BillingDetails.objects.filter(shop_id__in=list(shops))}
    rows: list[list[Any]] = []
    for pk, shop in shops.items():
        figures = [q.get(pk, Sales(0, ZERO)) for q in quarters]
        if not any(f.orders for f in figures):
            continue
        detail = details.get(pk)
        address = (
            f"{detail.street}, {detail.postal_code} {detail.locality}"
            if detail and detail.street
            else f"{shop.street}, {shop.postal_code} {shop.locality}"
        )
        row: list[Any] = [
            shop.name,
            (detail.legal_name if detail else "") or shop.name,
            address,
            detail.siret if detail else "",
            detail.vat_number if detail else "",
        ]
        for f in figures:
            row += [f.orders, f"{f.gross:.2f}"]
        row += [sum(f.orders for f in figures), f"{sum(f.gross for f in figures):.2f}"]
        rows.append(row)
    return rows
