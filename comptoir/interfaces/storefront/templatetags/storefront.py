"""Template filters for customer pages: money, clock times, phone numbers."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django import template

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
