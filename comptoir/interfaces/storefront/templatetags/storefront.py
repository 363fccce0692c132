"""Template filters and tags for customer pages: money, clock times, phone numbers.

The checkout page's repeated parts (its slot pickers, its form fields) are
written here in one pass each, not by template loops and includes: the page
is drawn for every order (docs/benchmarks.md, "What this issue's work
changed").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time
from decimal import Decimal
from typing import Protocol

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from comptoir.core.fields import format_phone
from comptoir.core.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "EUR") -> str:
    """A price in the reader's language: "1,30 €" in French, "€1.30" in English."""
    if amount is None:
        return ""
    return format_money(amount, currency)


@register.filter
def clock(value: time | datetime | None) -> str:
    """A wall-clock time as shop signs write it: 7:30, 19:00."""
    if value is None:
        return ""
    return f"{value.hour}:{value.minute:02d}"


@register.filter
def phone_national(value: str) -> str:
    """A stored E.164 number as written in France: 02 35 00 00 00."""
    return format_phone(value)


class _Slot(Protocol):
    @property
    def value(self) -> str: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def checked(self) -> bool: ...


SLOT_RADIO = (
    '<label class="co-slot"><input type="radio" name="{name}" value="{value}"{checked}>'
    '<span>{starts}<span class="visually-hidden">–{ends}</span></span></label>'
)


@register.simple_tag
def slot_radios(options: Iterable[_Slot], name: str) -> SafeString:
    """One day's slot radios on the checkout page.

    A page shows 100–250 of them: written in one pass here, not by a
    template loop, they cost ~1.2 ms less a page (docs/benchmarks.md, "What
    this issue's work changed"). Every value is escaped; the clock times
    are digits.
    """
    name = escape(name)
    html = "\n".join(
        SLOT_RADIO.format(
            name=name,
            value=escape(option.value),
            checked=" checked" if option.checked else "",
            starts=clock(option.starts_at),
            ends=clock(option.ends_at),
        )
        for option in options
    )
    return mark_safe(html)  # noqa: S308 # nosec B308 B703 - every value escaped above


class _Day(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def options(self) -> Sequence[_Slot]: ...
    @property
    def has_checked(self) -> bool: ...


@register.simple_tag
def slot_days(days: Iterable[_Day], name: str) -> SafeString:
    """The checkout's days of slots, one folding `<details>` each, open on the chosen slot."""
    return mark_safe(  # noqa: S308 # nosec B308 B703 - every value escaped by format_html
        "\n".join(
            format_html(
                '<details class="co-day"{}>\n'
                '<summary class="co-day__summary">{} <span class="co-day__count">{}</span>'
                '</summary>\n<div class="co-day__slots">\n{}\n</div>\n</details>',
                " open" if day.has_checked else "",
                day.label,
                ngettext("%(n)s time", "%(n)s times", len(day.options)) % {"n": len(day.options)},
                slot_radios(day.options, name),
            )
            for day in days
        )
    )


@register.simple_tag
def checkout_field(field: BoundField, *, required: bool = False) -> SafeString:
    """One field of the checkout form: label, widget, help and error, tied by ids.

    A field the form does not require is marked "(optional)", unless the page
    requires it anyway (`required`: the address, once delivery is chosen).
    """
    errors = field.errors
    optional = (
        ""
        if field.field.required or required
        else format_html(' <span class="field__optional">{}</span>', gettext("(optional)"))
    )
    parts: list[str] = [
        format_html(
            '<div class="field{}">\n<label class="field__label" for="{}">{}{}</label>\n{}\n',
            " field--invalid" if errors else "",
            field.auto_id,
            field.label,
            optional,
            field,
        )
    ]
    if field.help_text:
        parts.append(
            format_html(
                '<p class="field__help" id="{}_helptext">{}</p>\n', field.auto_id, field.help_text
            )
        )
    if errors:
        parts.append(
            format_html(
                '<p class="field__error" id="{}_error">{}</p>\n',
                field.auto_id,
                " ".join(conditional_escape(str(error)) for error in errors),
            )
        )
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 # nosec B308 B703 - parts escaped above
