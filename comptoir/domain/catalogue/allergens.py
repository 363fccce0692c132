"""The 14 allergens that EU regulation 1169/2011 (annex II) requires us to show.

A product stores its allergens as a bit set in one integer column: compact,
indexable, and checked by the database (no bit outside the 14 known ones).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Allergen(enum.IntFlag):
    GLUTEN = 1 << 0
    CRUSTACEANS = 1 << 1
    EGGS = 1 << 2
    FISH = 1 << 3
    PEANUTS = 1 << 4
    SOY = 1 << 5
    MILK = 1 << 6
    NUTS = 1 << 7
    CELERY = 1 << 8
    MUSTARD = 1 << 9
    SESAME = 1 << 10
    SULPHITES = 1 << 11
    LUPIN = 1 << 12
    MOLLUSCS = 1 << 13

    @property
    def label(self) -> Promise:
        return ALLERGEN_LABELS[self]

    @classmethod
    def from_names(cls, names: Iterable[str]) -> Allergen:
        value = cls(0)
        for name in names:
            value |= cls[name.upper()]
        return value

    def members(self) -> list[Allergen]:
        return [a for a in Allergen if a in self]


ALLERGEN_LABELS: dict[Allergen, Promise] = {
    Allergen.GLUTEN: _("Gluten"),
    Allergen.CRUSTACEANS: _("Crustaceans"),
    Allergen.EGGS: _("Eggs"),
    Allergen.FISH: _("Fish"),
    Allergen.PEANUTS: _("Peanuts"),
    Allergen.SOY: _("Soy"),
    Allergen.MILK: _("Milk"),
    Allergen.NUTS: _("Tree nuts"),
    Allergen.CELERY: _("Celery"),
    Allergen.MUSTARD: _("Mustard"),
    Allergen.SESAME: _("Sesame"),
    Allergen.SULPHITES: _("Sulphites"),
    Allergen.LUPIN: _("Lupin"),
    Allergen.MOLLUSCS: _("Molluscs"),
}
ALL_ALLERGENS = int(Allergen(sum(Allergen)))


class AllergenFormField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        for unused in ("max_length", "min_value", "max_value", "empty_value", "coerce"):
            kwargs.pop(unused, None)
        kwargs["choices"] = [(int(a), ALLERGEN_LABELS[a]) for a in Allergen]
        super().__init__(coerce=int, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return [int(a) for a in Allergen(value).members()]
        return value

    def clean(self, value: Any) -> Allergen:
        cleaned = super().clean(value) or []
        return Allergen(sum(cleaned))

    def has_changed(self, initial: Any, data: Any) -> bool:
        initial_set = set(self.prepare_value(initial) or [])
        return initial_set != {int(v) for v in (data or [])}


class AllergenSetField(models.PositiveIntegerField):
    """Stores an `Allergen` flag set as an integer; forms show 14 checkboxes."""

    description = "Set of EU allergens"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", 0)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: int | None, expression: Any, connection: Any) -> Allergen | None:
        return None if value is None else Allergen(value)

    def to_python(self, value: Any) -> Allergen | None:
        if value is None or isinstance(value, Allergen):
            return value
        if isinstance(value, list | tuple | set | frozenset):
            return Allergen(sum(int(v) for v in value))
        return Allergen(int(value))

    def get_prep_value(self, value: Any) -> int | None:
        value = super().get_prep_value(value)
        return None if value is None else int(value)

    def formfield(self, **kwargs: Any) -> Any:
        kwargs["form_class"] = AllergenFormField
        kwargs.pop("choices_form_class", None)
        return models.Field.formfield(self, **kwargs)
