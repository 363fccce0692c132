"""Reading a CSV file and its cells as a French spreadsheet writes them.

Excel in French saves `;`-separated files in Windows-1252 with decimal commas
("3,50"); LibreOffice and Google Sheets save UTF-8 (with or without a BOM)
and often commas. All of them are read; a cell that makes no sense raises
`CellError` with the words to show the owner.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from comptoir.core.errors import DomainError
from comptoir.domain.catalogue.allergens import ALLERGEN_LABELS, Allergen
from comptoir.domain.catalogue.models import MAX_LEAD_TIME_MINUTES, VAT_RATES, Unit
from comptoir.domain.catalogue.vat import normalize

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_PRICE = Decimal("99999999.99")
CENT = Decimal("0.01")

# "3,50 €", "1 234,50", "1.234,50", "3.5", "5,5 %"
SPACES = re.compile(r"[\s\u00a0\u202f']+")
NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
WHOLE = re.compile(r"[0-9]{1,9}")
FRENCH_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")

TRUE_WORDS = {"oui", "o", "yes", "y", "1", "vrai", "true", "x", "en vente", "on sale"}
FALSE_WORDS = {"non", "n", "no", "0", "faux", "false", "retire", "hors vente", "not on sale"}


class CsvUnreadable(DomainError):
    """The file as a whole cannot be read (not text, no header, unknown columns…)."""

    code = "csv_unreadable"
    default_message = _("This file cannot be read as a CSV file.")
    field = "file"


class CellError(ValueError):
    """One cell's problem, said in words (the row's line number is added by the caller)."""

    def __init__(self, message: Promise | str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(str(message))

    def text(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (BOM or not), else Windows-1252 (Excel's French default)."""
    if len(data) > MAX_FILE_BYTES:
        raise CsvUnreadable(
            _("This file is larger than %(limit)s MB. Split it into several files."),
            params={"limit": MAX_FILE_BYTES // 1024 // 1024},
        )
    if b"\x00" in data[:4096]:
        raise CsvUnreadable(
            _("This file is not a CSV text file (is it an .xlsx?). In your spreadsheet, "
              "choose File > Save as > CSV.")
        )  # fmt: skip
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # every byte is a character: never fails


def read_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows with their line numbers in the file (header = line 1)."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise CsvUnreadable(_("This file is empty."))
    # The separator is whichever the header uses most: Excel FR writes ";".
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = cells
                continue
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                raise CsvUnreadable(
                    _("This file has more than %(max)s products. Split it into several files."),
                    params={"max": MAX_ROWS},
                )
    except csv.Error as error:
        raise CsvUnreadable(
            _("Line %(line)s cannot be read (%(error)s)."),
            params={"line": reader.line_num, "error": error},
        ) from error
    return header or [], rows


def parse_decimal(raw: str) -> Decimal:
    """A number as a French or English spreadsheet writes it; `ValueError` otherwise."""
    text = SPACES.sub("", raw).removesuffix("€").removesuffix("EUR").removesuffix("%")
    if "," in text and "." in text:
        # The last one is the decimal mark: "1.234,50" or "1,234.50".
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    text = text.replace(",", ".")
    if not NUMBER.fullmatch(text):
        raise ValueError(raw)
    try:
        return Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the pattern already refused it
        raise ValueError(raw) from error


def parse_price(raw: str) -> Decimal:
    text = raw.strip()
    if not text:
        raise CellError(_("the price is missing"))
    if text.startswith("-"):
        raise CellError(_("the price “%(value)s” is negative"), value=text)
    try:
        value = parse_decimal(text)
    except ValueError:
        raise CellError(_("the price “%(value)s” is not a number"), value=text) from None
    if value > MAX_PRICE:
        raise CellError(_("the price “%(value)s” is too large"), value=text)
    return value


def parse_vat_rate(raw: str) -> Decimal | None:
    """A French VAT rate ("5,5", "5.5 %", "20"); None for an empty cell."""
    text = raw.strip()
    if not text:
        return None
    try:
        value = parse_decimal(text)
    except ValueError:
        value = Decimal(-1)
    for rate in VAT_RATES:
        if value == rate:
            return rate
    raise CellError(
        _("the VAT rate “%(value)s” is not a French rate (2.1, 5.5, 10 or 20)"), value=text
    )


@functools.cache
def _names_in_both_languages() -> dict[str, str]:
    units: dict[str, str] = {}
    for language in ("fr", "en"):
        with translation.override(language):
            for value, label in Unit.choices:
                units[normalize(str(label))] = value
    for value in Unit.values:
        units[normalize(value)] = value
    return units


def parse_unit(raw: str) -> str:
    text = raw.strip()
    if not text:
        return Unit.PIECE
    found = _names_in_both_languages().get(normalize(text))
    if found is None:
        raise CellError(
            _("the unit “%(value)s” is unknown (%(choices)s)"),
            value=text,
            choices=", ".join(Unit.values),
        )
    return found


@functools.cache
def _allergen_names() -> dict[str, Allergen]:
    names: dict[str, Allergen] = {}
    for language in ("fr", "en"):
        with translation.override(language):
            for allergen, label in ALLERGEN_LABELS.items():
                names[normalize(str(label))] = allergen
    for allergen in Allergen:
        names[normalize(allergen.name or "")] = allergen
    # Words people write that differ from the labels.
    names |= {"oeuf": Allergen.EGGS, "fruits a coque": Allergen.NUTS, "lactose": Allergen.MILK}
    return names


def parse_allergens(raw: str) -> Allergen:
    """Allergen names separated by `|` (or `,` / `;` inside a quoted cell), any language."""
    value = Allergen(0)
    names = _allergen_names()
    for part in re.split(r"[|,;/]", raw):
        if not part.strip():
            continue
        allergen = names.get(normalize(part))
        if allergen is None:
            raise CellError(_("the allergen “%(value)s” is unknown"), value=part.strip())
        value |= allergen
    return value


def parse_whole(
    raw: str, message: Promise, *, minimum: int = 0, maximum: int | None = None
) -> int | None:
    """A whole number in bounds; None for an empty cell ("3,0" and "3.0" are 3)."""
    text = SPACES.sub("", raw)
    if not text:
        return None
    text = re.sub(r"[.,]0+$", "", text)
    if not WHOLE.fullmatch(text):
        raise CellError(message, value=raw.strip())
    value = int(text)
    if value < minimum or (maximum is not None and value > maximum):
        raise CellError(message, value=raw.strip())
    return value


def parse_stock(raw: str) -> int | None:
    return parse_whole(raw, _("the stock “%(value)s” is not a whole number of 0 or more"))


def parse_lead_time(raw: str) -> int | None:
    return parse_whole(
        raw,
        _("the preparation time “%(value)s” is not a number of minutes (at most 43200)"),
        maximum=MAX_LEAD_TIME_MINUTES,
    )


def parse_daily_quota(raw: str) -> int | None:
    return parse_whole(
        raw, _("the daily quota “%(value)s” is not a whole number of 1 or more"), minimum=1
    )


def parse_date(raw: str) -> date | None:
    """24/12/2026 (French) or 2026-12-24 (ISO); None for an empty cell."""
    text = raw.strip()
    if not text:
        return None
    try:
        french = FRENCH_DATE.fullmatch(text)
        if french:
            day, month, year = (int(g) for g in french.groups())
            return date(year, month, day)
        return datetime.strptime(text, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise CellError(
            _("the pre-order date “%(value)s” is not a date (24/12/2026)"), value=text
        ) from None


def parse_bool(raw: str) -> bool:
    """yes/no in French or English (oui, non, 1, 0, x…); an empty cell means yes."""
    text = normalize(raw)
    if not text or text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("“%(value)s” in on_sale is neither yes nor no"), value=raw.strip())


def format_decimal(value: Decimal) -> str:
    """3.50 → "3,50"; 5.50 → "5,5" for rates (trailing zeros of a rate dropped)."""
    return str(value).replace(".", ",")


def format_rate(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def format_bool(value: bool) -> str:
    return pgettext("csv on_sale", "yes") if value else pgettext("csv on_sale", "no")
