"""The shop's catalogue as a CSV file that Excel (French) opens as is and imports back.

UTF-8 with a BOM (so Excel reads accents), `;` separators, decimal commas,
allergens by name separated by `|`: exactly what `plan_import` reads.
"""

from __future__ import annotations

import csv
import io

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.csv_io import cells
from comptoir.domain.catalogue.csv_io.plan import COLUMNS
from comptoir.domain.catalogue.models import Product
from comptoir.domain.shops.models import Shop


def _row(product: Product) -> list[str]:
    allergens = Allergen(product.allergens)
    return [
        product.reference,
        product.name,
        product.category.name if product.category else "",
        product.description,
        cells.format_decimal(product.price),
        product.unit,
        cells.format_rate(product.vat_rate),
        "|".join(str(a.label) for a in allergens.members()) if allergens else "",
        "" if product.stock is None else str(product.stock),
        "" if product.lead_time_minutes is None else str(product.lead_time_minutes),
        "" if product.daily_quota is None else str(product.daily_quota),
        product.preorder_on.isoformat() if product.preorder_on else "",
        cells.format_bool(product.is_active),
    ]


def catalogue_export_csv(*, shop: Shop) -> str:
    """Every product of the shop (on sale or not), by category then position (one query)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    products = (
        Product.objects.filter(shop=shop)
        .select_related("category")
        .order_by("category__position", "category__name", "position", "name", "pk")
    )
    for product in products:
        writer.writerow(_row(product))
    return out.getvalue()
