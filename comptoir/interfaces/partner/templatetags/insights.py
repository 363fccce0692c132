"""Figures of the insights dashboards in words: a value by its kind, or "—" and why."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from comptoir.core.money import format_money
from comptoir.domain.insights.exports import reason_text
from comptoir.domain.insights.report import METRICS_BY_KEY, Cell

register = template.Library()


def metric_text(value: Decimal | int | None, kind: str, currency: str) -> str:
    if value is None:
        return ""
    if kind == "money":
        return format_money(Decimal(value), currency)
    if kind == "percent":
        return f"{number_format(value, decimal_pos=1)} %"
    return number_format(value)


@register.simple_tag
def figure(cell: Cell, key: str, currency: str = "EUR") -> SafeString:
    """A cell's figure for `key`; a withheld one is "—" with the reason for screen readers."""
    if cell.figures is None:
        reason = reason_text(cell.reason)
        return format_html(
            '<span class="insights-withheld" title="{}">—'
            '<span class="visually-hidden"> ({})</span></span>',
            reason,
            reason,
        )
    value = cell.value(key)
    if value is None:
        return format_html('<span class="{}">–</span>', "insights-none")
    return format_html("{}", metric_text(value, METRICS_BY_KEY[key].kind, currency))


@register.simple_tag
def bar_value(value: Decimal | int | None, key: str, currency: str = "EUR") -> str:
    return metric_text(value, METRICS_BY_KEY[key].kind, currency)
