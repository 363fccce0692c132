"""Which French VAT rate a product most likely takes: a suggestion the owner can override.

The rule, from the most specific clue to the least (CGI art. 278 ff.):

1. alcohol (wine, beer, cider, spirits…) → 20 %;
2. confectionery and chocolate sold as such (a box of chocolates, sweets) → 20 %;
   a flavour ("éclair au chocolat", "pain au chocolat") is still pastry → 5.5 %;
3. non-food goods (a vase, a candle, a gift box) → 20 %;
4. ready to eat (sandwiches, dishes, hot drinks served) → 10 %;
5. flowers and plants → 10 %;
6. otherwise the shop's trade: a wine merchant 20 %, a chocolate maker 20 %,
   a caterer 10 %, a florist 10 %, every other food trade (and books) 5.5 %.

Clues are looked for in the category name first, then in the product name.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comptoir.domain.shops.models import Trade

REDUCED = Decimal("5.50")
INTERMEDIATE = Decimal("10.00")
STANDARD = Decimal("20.00")


class VatReason(enum.StrEnum):
    FOOD = "food"
    BOOKS = "books"
    READY_TO_EAT = "ready_to_eat"
    FLOWERS = "flowers"
    CONFECTIONERY = "confectionery"
    ALCOHOL = "alcohol"
    NON_FOOD = "non_food"

    @property
    def label(self) -> Promise:
        return REASON_LABELS[self]


REASON_LABELS: dict[VatReason, Promise] = {
    VatReason.FOOD: _("food"),
    VatReason.BOOKS: _("books"),
    VatReason.READY_TO_EAT: _("ready to eat"),
    VatReason.FLOWERS: _("flowers and plants"),
    VatReason.CONFECTIONERY: _("confectionery and chocolate"),
    VatReason.ALCOHOL: _("alcohol"),
    VatReason.NON_FOOD: _("non-food"),
}

RATES: dict[VatReason, Decimal] = {
    VatReason.FOOD: REDUCED,
    VatReason.BOOKS: REDUCED,
    VatReason.READY_TO_EAT: INTERMEDIATE,
    VatReason.FLOWERS: INTERMEDIATE,
    VatReason.CONFECTIONERY: STANDARD,
    VatReason.ALCOHOL: STANDARD,
    VatReason.NON_FOOD: STANDARD,
}

TRADE_REASONS: dict[str, VatReason] = {
    Trade.WINE: VatReason.ALCOHOL,
    Trade.CHOCOLATE: VatReason.CONFECTIONERY,
    Trade.CATERER: VatReason.READY_TO_EAT,
    Trade.FLORIST: VatReason.FLOWERS,
    Trade.BOOKS: VatReason.BOOKS,
}

# Word stems (accents removed, lower case), checked in this order.
KEYWORDS: tuple[tuple[VatReason, tuple[str, ...]], ...] = (
    (
        VatReason.ALCOHOL,
        (
            "vin", "vins", "wine", "biere", "bieres", "beer", "cidre", "cider", "champagne",
            "cremant", "spiritueux", "spirits", "alcool", "alcohol", "liqueur", "rhum", "rum",
            "whisky", "gin", "vodka", "calvados", "pommeau", "poire williams", "cognac",
        ),
    ),
    (
        VatReason.CONFECTIONERY,
        (
            "chocolat", "chocolats", "chocolate", "chocolates", "confiserie", "confiseries",
            "confectionery", "bonbon", "bonbons", "sweets", "candy", "praline", "pralines",
            "truffe", "truffes", "guimauve", "guimauves", "nougat", "caramels", "calisson",
            "calissons", "dragees", "pate de fruits", "pates de fruits",
        ),
    ),
    (
        VatReason.NON_FOOD,
        (
            "vase", "vases", "bougie", "bougies", "candle", "candles", "coffret cadeau",
            "carte cadeau", "gift card", "sac", "tote bag", "mug", "mugs", "vaisselle",
            "decoration", "non alimentaire", "non-food",
        ),
    ),
    (
        VatReason.READY_TO_EAT,
        (
            "sandwich", "sandwichs", "sandwiches", "wrap", "wraps", "burger", "burgers",
            "pizza", "pizzas", "plat du jour", "plats", "plat cuisine", "plats cuisines",
            "salade", "salades", "quiche", "quiches", "croque", "formule", "formules",
            "menu", "snacking", "traiteur", "a emporter", "takeaway", "ready meal",
            "cafe servi", "boisson chaude", "boissons chaudes", "hot drinks",
        ),
    ),
    (
        VatReason.FLOWERS,
        (
            "fleur", "fleurs", "flower", "flowers", "bouquet", "bouquets", "plante",
            "plantes", "plant", "plants", "orchidee", "rose", "roses",
        ),
    ),
)  # fmt: skip

# "pain au chocolat", "éclair au chocolat", "gâteau aux pralines": a flavour, not a sweet.
FLAVOUR = re.compile(r"\b(?:au|aux|a la|with|flavoured)\s+(?:\w+\s+)?$")


@dataclass(frozen=True, slots=True)
class VatSuggestion:
    rate: Decimal
    reason: VatReason

    @property
    def label(self) -> Promise:
        return self.reason.label


def normalize(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: "Pâtés & Cie" → "pates cie"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


PATTERNS = tuple(
    (reason, re.compile(r"\b(?:" + "|".join(map(re.escape, keywords)) + r")\b"))
    for reason, keywords in KEYWORDS
)


@functools.lru_cache(maxsize=1024)
def _clue(text: str) -> VatReason | None:
    words = normalize(text)
    if not words:
        return None
    for reason, pattern in PATTERNS:
        for match in pattern.finditer(words):
            if reason is VatReason.CONFECTIONERY and FLAVOUR.search(words[: match.start()]):
                continue
            return reason
    return None


def suggest_vat_rate(
    *, trade: str, category_name: str = "", product_name: str = ""
) -> VatSuggestion:
    """The likely VAT rate of a product, and why (see the module docstring)."""
    reason = _clue(category_name) or _clue(product_name) or TRADE_REASONS.get(trade, VatReason.FOOD)
    return VatSuggestion(rate=RATES[reason], reason=reason)
