"""Data tables of the demo: cities, trades with their shelves and products, names.

Plain tuples and dataclasses only, so that generation depends on nothing but
the seed (no set or dict ordering that could change between runs).
"""

from __future__ import annotations

from comptoir.demo.data.bakery import BAKERY, PASTRY
from comptoir.demo.data.cities import CITIES
from comptoir.demo.data.fresh import BUTCHER, CHEESE, FISH, GREENGROCER
from comptoir.demo.data.gifts import BOOKS, FLORIST
from comptoir.demo.data.grocery import COFFEE, DELICATESSEN, ORGANIC, WINE
from comptoir.demo.data.specs import CitySpec, ProductKind, Shelf, Street, TradeSpec, Week
from comptoir.demo.data.sweet import CATERER, CHOCOLATE

# In the order of `Trade`: the first shops of a city take one trade each, in this order.
TRADES: tuple[TradeSpec, ...] = (
    BAKERY,
    PASTRY,
    CHOCOLATE,
    BUTCHER,
    CHEESE,
    FISH,
    GREENGROCER,
    DELICATESSEN,
    WINE,
    FLORIST,
    BOOKS,
    CATERER,
    COFFEE,
    ORGANIC,
)

FAMILY_NAMES: tuple[str, ...] = (
    "Lefebvre", "Leroux", "Duval", "Lecomte", "Lemonnier", "Hébert", "Lecoq",
    "Marie", "Lemaître", "Dumont", "Poulain", "Vautier", "Guérin", "Letellier",
    "Delamare", "Lebourg", "Héron", "Anquetil", "Thorel", "Dubuc", "Lesueur",
    "Legros", "Boutigny", "Quesnel", "Levasseur", "Hamel", "Cavelier", "Osmont",
    "Fleury", "Grenier", "Bellet", "Morin", "Lamy", "Roussel", "Picard", "Aubry",
    "Blondel", "Coquerel", "Deschamps", "Fouquet", "Gosselin", "Hurel", "Jouen",
    "Lucas", "Mauger", "Néel", "Prévost", "Renaud", "Sauvage", "Tougard",
)  # fmt: skip

__all__ = [
    "CITIES",
    "FAMILY_NAMES",
    "TRADES",
    "CitySpec",
    "ProductKind",
    "Shelf",
    "Street",
    "TradeSpec",
    "Week",
]
