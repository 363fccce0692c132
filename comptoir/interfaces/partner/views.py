"""The city partners' pages: aggregated, anonymised figures, read-only.

Only the city's partners (and operators) see a city's page; anyone else gets
a 404, as if it did not exist; a visitor who is not logged in is sent to the
log-in page. Every figure goes through `report` with `anonymous=True`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone

from comptoir.core.charts import HEIGHT, WIDTH, bar_chart
from comptoir.domain.accounts.models import User
from comptoir.domain.cities.models import City
from comptoir.domain.deals.exports import csv_stream
from comptoir.domain.insights.anonymity import MIN_SHOPS
from comptoir.domain.insights.exports import figures_header, figures_rows, reason_text
from comptoir.domain.insights.figures import CityFigures, city_figures, last_weeks
from comptoir.domain.insights.models import CityPartner
from comptoir.domain.insights.report import (
    METRICS,
    METRICS_BY_KEY,
    Row,
    breakdown,
    cross_table,
)
from comptoir.domain.insights.selectors import partner_cities, partner_city
from comptoir.interfaces.partner.forms import FiguresForm


def current_time() -> datetime:
    """The dashboards' clock: one seam so tests can move "now"."""
    return timezone.now()


def _city_or_404(request: HttpRequest, city_slug: str) -> City:
    city = partner_city(user=request.user, city_slug=city_slug)  # type: ignore[arg-type]
    if city is None:
        raise Http404
    return city


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The partner's city, or the list of them when there are several."""
    cities = list(partner_cities(user=request.user))  # type: ignore[arg-type]
    if not cities:
        raise Http404
    if len(cities) == 1:
        return redirect("partner:dashboard", city_slug=cities[0].slug)
    return render(request, "partner/index.html", {"cities": cities})


def charted(rows: list[Row], metric: str, figures: CityFigures) -> list[dict[str, Any]]:
    """Each row with its bar chart of `metric` per week (withheld weeks get no bar)."""
    charts = []
    for row in rows:
        items = [
            {"week": week, "withheld": cell.figures is None, "reason": reason_text(cell.reason)}
            for week, cell in zip(figures.weeks, row.weeks, strict=True)
        ]
        bars, peak = bar_chart(items, [cell.value(metric) for cell in row.weeks])
        charts.append({"row": row, "bars": bars, "peak": peak})
    return charts


def dashboard_context(
    request: HttpRequest, city: City, *, anonymous: bool, shop: Any = None
) -> tuple[dict[str, Any], int]:
    """What the partner page and the operator page show: the chosen figure per group and week."""
    form = FiguresForm(request.GET or None)
    choices = form.choices()
    now = current_time()
    weeks = last_weeks(city=city, now=now, count=choices["weeks"])
    figures = city_figures(city=city, weeks=weeks, now=now, shop=shop)
    metric = choices["metric"]
    context = {
        "city": city,
        "form": form,
        "metric": METRICS_BY_KEY[metric],
        "metrics": METRICS,
        "weeks": weeks,
        "weeks_count": choices["weeks"],
        "whole_city": charted(breakdown(figures, "city", anonymous=anonymous), metric, figures),
        "trades": charted(breakdown(figures, "trade", anonymous=anonymous), metric, figures),
        "districts": charted(breakdown(figures, "district", anonymous=anonymous), metric, figures),
        "cross": cross_table(figures, anonymous=anonymous),
        "chart_width": WIDTH,
        "chart_height": HEIGHT,
        "min_shops": MIN_SHOPS,
        "now": now,
    }
    return context, 400 if form.is_bound and not form.is_valid() else 200


@login_required
def dashboard(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _city_or_404(request, city_slug)
    context, status = dashboard_context(request, city, anonymous=True)
    context["organisations"] = list(
        CityPartner.objects.filter(city=city, user=cast(User, request.user)).values_list(
            "organisation", flat=True
        )
    )
    return render(request, "partner/dashboard.html", context, status=status)


@login_required
def export(request: HttpRequest, city_slug: str) -> HttpResponseBase:
    """The page's figures as CSV, withheld the same way."""
    city = _city_or_404(request, city_slug)
    choices = FiguresForm(request.GET or None).choices()
    now = current_time()
    figures = city_figures(
        city=city, weeks=last_weeks(city=city, now=now, count=choices["weeks"]), now=now
    )
    response = StreamingHttpResponse(
        csv_stream(figures_header(), figures_rows(figures, anonymous=True)),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"comptoir-{city.slug}-{figures.weeks[0].label}-{figures.weeks[-1].label}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
