"""The dashboards' choices, read from the query string (GET only: the pages change nothing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.domain.insights.figures import DEFAULT_WEEKS, MAX_WEEKS
from comptoir.domain.insights.report import METRICS

DEFAULT_METRIC = "orders_placed"


class FiguresForm(forms.Form):
    metric = forms.ChoiceField(
        label=_("Figure"),
        choices=[(metric.key, metric.label) for metric in METRICS],
        required=False,
    )
    weeks = forms.IntegerField(
        label=_("Weeks"),
        min_value=1,
        max_value=MAX_WEEKS,
        required=False,
        help_text=_("How many weeks, up to this one (1 to 53)."),
    )

    def choices(self) -> dict[str, Any]:
        """The valid choices, or the defaults for whatever was wrong."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "metric": data.get("metric") or DEFAULT_METRIC,
            "weeks": data.get("weeks") or DEFAULT_WEEKS,
        }
