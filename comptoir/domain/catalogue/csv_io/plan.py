"""What an import would do, row by row, before anything is written.

`plan_import` reads the whole file, checks every cell and matches each row to
a product of the shop (two queries, whatever the file's size): by
`reference`; else, for a reference not yet known or an empty one, by name
when exactly one product has it (and no reference of its own). Each row is a
`create`, an `update` (with the fields that change) or `unchanged`; or it has
errors, in plain words with their line number.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.csv_io import cells
from comptoir.domain.catalogue.csv_io.cells import CellError, CsvUnreadable
from comptoir.domain.catalogue.models import Category, Product
from comptoir.domain.catalogue.vat import normalize, suggest_vat_rate
from comptoir.domain.shops.models import Shop

#: The documented columns, in export order (docs/backoffice.md).
COLUMNS = (
    "reference",
    "name",
    "category",
    "description",
    "price",
    "unit",
    "vat_rate",
    "allergens",
    "stock",
    "lead_time_minutes",
    "daily_quota",
    "preorder_on",
    "on_sale",
)

# French headers people type, accents and case ignored.
ALIASES = {
    "ref": "reference",
    "code": "reference",
    "nom": "name",
    "produit": "name",
    "categorie": "category",
    "rayon": "category",
    "prix": "price",
    "prix ttc": "price",
    "unite": "unit",
    "tva": "vat_rate",
    "taux tva": "vat_rate",
    "taux de tva": "vat_rate",
    "allergenes": "allergens",
    "delai": "lead_time_minutes",
    "delai minutes": "lead_time_minutes",
    "quota": "daily_quota",
    "quota jour": "daily_quota",
    "precommande": "preorder_on",
    "date precommande": "preorder_on",
    "en vente": "on_sale",
}

MAX_NAME = Product._meta.get_field("name").max_length or 120
MAX_REFERENCE = Product._meta.get_field("reference").max_length or 40
MAX_CATEGORY = Category._meta.get_field("name").max_length or 80

# Column → the Product attribute it sets.
ATTRIBUTES = {
    "reference": "reference",
    "name": "name",
    "description": "description",
    "price": "price",
    "unit": "unit",
    "vat_rate": "vat_rate",
    "allergens": "allergens",
    "stock": "stock",
    "lead_time_minutes": "lead_time_minutes",
    "daily_quota": "daily_quota",
    "preorder_on": "preorder_on",
    "on_sale": "is_active",
}


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(slots=True)
class PlannedRow:
    line: int
    name: str = ""
    reference: str = ""
    #: Parsed values by Product attribute, only for the file's columns.
    values: dict[str, Any] = field(default_factory=dict)
    #: The category's name as written, when the file has the column ("" = none).
    category: str | None = None
    action: Action | None = None
    product: Product | None = None
    #: Product attributes that change (updates), for the preview.
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ImportPlan:
    columns: list[str]
    rows: list[PlannedRow]
    new_categories: list[str]

    @property
    def errors(self) -> list[str]:
        return [error for row in self.rows for error in row.errors]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    def count(self, action: Action) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)


def _columns(header: list[str]) -> list[str]:
    columns: list[str] = []
    unknown: list[str] = []
    for raw in header:
        key = normalize(raw).replace(" ", "_")
        name = key if key in COLUMNS else ALIASES.get(normalize(raw).replace("_", " "))
        if name is None:
            if raw.strip():
                unknown.append(raw.strip())
            columns.append("")  # an empty header cell: column ignored
            continue
        if name in columns:
            raise CsvUnreadable(
                _("The column “%(column)s” appears twice in the first line."),
                params={"column": raw.strip()},
            )
        columns.append(name)
    if unknown:
        raise CsvUnreadable(
            _("Unknown columns in the first line: %(columns)s. The columns are: %(expected)s."),
            params={"columns": ", ".join(unknown), "expected": ", ".join(COLUMNS)},
        )
    if "name" not in columns and "reference" not in columns:
        raise CsvUnreadable(
            _("The first line must name the columns, with at least “name” or “reference”."),
        )
    return columns


def _parse_cell(column: str, raw: str, row: PlannedRow) -> None:
    text = raw.strip()
    match column:
        case "reference":
            if len(text) > MAX_REFERENCE:
                raise CellError(
                    _("the reference is longer than %(max)s characters"), max=MAX_REFERENCE
                )
            row.reference = text
            row.values["reference"] = text
        case "name":
            if not text:
                raise CellError(_("the name is missing"))
            if len(text) > MAX_NAME:
                raise CellError(_("the name is longer than %(max)s characters"), max=MAX_NAME)
            row.name = text
            row.values["name"] = text
        case "category":
            if len(text) > MAX_CATEGORY:
                raise CellError(
                    _("the category is longer than %(max)s characters"), max=MAX_CATEGORY
                )
            row.category = text
        case "description":
            row.values["description"] = raw.strip()
        case "price":
            row.values["price"] = cells.parse_price(text)
        case "unit":
            row.values["unit"] = cells.parse_unit(text)
        case "vat_rate":
            rate = cells.parse_vat_rate(text)
            if rate is not None:
                row.values["vat_rate"] = rate
        case "allergens":
            row.values["allergens"] = cells.parse_allergens(text)
        case "stock":
            row.values["stock"] = cells.parse_stock(text)
        case "lead_time_minutes":
            row.values["lead_time_minutes"] = cells.parse_lead_time(text)
        case "daily_quota":
            row.values["daily_quota"] = cells.parse_daily_quota(text)
        case "preorder_on":
            row.values["preorder_on"] = cells.parse_date(text)
        case "on_sale":
            row.values["is_active"] = cells.parse_bool(text)


def _line_error(line: int, problem: str) -> str:
    return gettext("Line %(line)s: %(problem)s.") % {"line": line, "problem": problem}


def _parse_row(line: int, columns: list[str], values: list[str]) -> PlannedRow:
    row = PlannedRow(line=line)
    extra = [v for v in values[len(columns) :] if v.strip()]
    if extra:
        row.errors.append(
            _line_error(
                line,
                gettext("this line has %(count)s cells, the first line names %(expected)s")
                % {"count": len(values), "expected": len(columns)},
            )
        )
        return row
    for column, raw in zip(columns, values + [""] * (len(columns) - len(values)), strict=True):
        if not column:
            continue
        try:
            _parse_cell(column, raw, row)
        except CellError as error:
            row.errors.append(_line_error(line, error.text()))
    return row


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, Decimal) and isinstance(new, Decimal):
        return current.quantize(cells.CENT) == new.quantize(cells.CENT)
    if isinstance(current, Allergen) or isinstance(new, Allergen):
        return int(current or 0) == int(new or 0)
    return bool(current == new)


def _changes(product: Product, row: PlannedRow) -> list[str]:
    changed = [
        attribute
        for attribute, value in row.values.items()
        if not _same(getattr(product, attribute), value)
    ]
    if row.category is not None:
        current = product.category.name if product.category else ""
        if normalize(current) != normalize(row.category):
            changed.append("category")
    return changed


def plan_import(*, shop: Shop, data: bytes | str) -> ImportPlan:
    """Read `data` (the uploaded bytes, or text already decoded) against the shop's catalogue."""
    text = cells.decode(data) if isinstance(data, bytes) else data
    header, raw_rows = cells.read_rows(text)
    columns = _columns(header)
    if not raw_rows:
        raise CsvUnreadable(_("This file has a first line but no product under it."))

    products = list(Product.objects.filter(shop=shop).select_related("category"))
    by_reference = {p.reference: p for p in products if p.reference}
    by_name: dict[str, list[Product]] = {}
    for product in products:
        by_name.setdefault(normalize(product.name), []).append(product)
    categories = {normalize(c.name) for c in Category.objects.filter(shop=shop)}

    rows: list[PlannedRow] = []
    taken: dict[int, int] = {}  # product pk → line that claimed it
    references: dict[str, int] = {}
    names: dict[str, int] = {}
    new_categories: dict[str, str] = {}
    for line, values in raw_rows:
        row = _parse_row(line, columns, values)
        rows.append(row)
        if row.errors:
            continue
        if row.reference:
            other = references.setdefault(row.reference, line)
            if other != line:
                row.errors.append(
                    _line_error(
                        line,
                        gettext("the reference “%(value)s” is already on line %(other)s")
                        % {"value": row.reference, "other": other},
                    )
                )
                continue
        match = by_reference.get(row.reference) if row.reference else None
        if match is None and row.name:
            key = normalize(row.name)
            candidates = [p for p in by_name.get(key, []) if not p.reference or not row.reference]
            if not row.reference:
                other = names.setdefault(key, line)
                if other != line:
                    row.errors.append(
                        _line_error(
                            line,
                            gettext("the product “%(value)s” is already on line %(other)s")
                            % {"value": row.name, "other": other},
                        )
                    )
                    continue
                if len(candidates) > 1:
                    row.errors.append(
                        _line_error(
                            line,
                            gettext("several products are named “%(value)s”: add a reference")
                            % {"value": row.name},
                        )
                    )
                    continue
            if len(candidates) == 1:
                match = candidates[0]
        if match is not None:
            claimed = taken.setdefault(match.pk, line)
            if claimed != line:
                row.errors.append(
                    _line_error(
                        line,
                        gettext("“%(value)s” is the same product as line %(other)s")
                        % {"value": match.name, "other": claimed},
                    )
                )
                continue
            row.product = match
            row.name = row.name or match.name
            row.changes = _changes(match, row)
            row.action = Action.UPDATE if row.changes else Action.UNCHANGED
        else:
            if not row.name or "price" not in row.values:
                if not row.name and "price" not in row.values:
                    problem = gettext("a new product needs a name and a price")
                elif not row.name:
                    problem = gettext("a new product needs a name")
                else:
                    problem = gettext("a new product needs a price")
                row.errors.append(_line_error(line, problem))
                continue
            row.action = Action.CREATE
            if "vat_rate" not in row.values:
                row.values["vat_rate"] = suggest_vat_rate(
                    trade=shop.trade, category_name=row.category or "", product_name=row.name
                ).rate
        if row.category and normalize(row.category) not in categories:
            new_categories.setdefault(normalize(row.category), row.category)
    return ImportPlan(
        columns=[c for c in columns if c], rows=rows, new_categories=list(new_categories.values())
    )
