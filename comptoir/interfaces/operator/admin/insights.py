"""Insights: the city partners (who reads a city's anonymised figures under /partner/),
and the operator's own dashboard with every figure (/operator/insights/).

The dashboard is a view of the admin site (`OperatorSite.get_urls`), not of a
model: it reads through `domain.insights` and draws the same charts as the
partners' pages, without the anonymity rule.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from comptoir.domain.cities.models import City
from comptoir.domain.deals.exports import csv_stream
from comptoir.domain.insights.exports import figures_header, figures_rows
from comptoir.domain.insights.figures import city_figures, last_weeks
from comptoir.domain.insights.models import CityPartner
from comptoir.domain.insights.report import METRICS, breakdown
from comptoir.interfaces.operator.admin.widgets import SafeAutocomplete
from comptoir.interfaces.partner import views as partner_views
from comptoir.interfaces.partner.forms import FiguresForm


@admin.register(CityPartner)
class CityPartnerAdmin(SafeAutocomplete, admin.ModelAdmin):
    list_display = ("organisation", "user", "city", "created_at", "dashboard")
    list_filter = ("city",)
    list_select_related = ("user", "city")
    search_fields = ("organisation", "user__email")
    autocomplete_fields = ("user",)
    fields = ("user", "city", "organisation", "created_at", "dashboard")
    readonly_fields = ("created_at", "dashboard")

    @admin.display(description=_("their page"))
    def dashboard(self, partner: CityPartner) -> str:
        """The address to give the partner (they log in with their e-mail address)."""
        if partner.city_id is None:
            return "–"
        url = reverse("partner:dashboard", kwargs={"city_slug": partner.city.slug})
        return format_html('<a href="{}">{}</a>', url, url)


class CityChoiceForm(forms.Form):
    city = forms.ModelChoiceField(
        queryset=City.objects.order_by("name"),
        required=False,
        label=_("City"),
        to_field_name="slug",
    )


def _chosen_city(request: HttpRequest) -> tuple[City | None, CityChoiceForm]:
    form = CityChoiceForm(request.GET or None)
    city = form.cleaned_data.get("city") if form.is_bound and form.is_valid() else None
    return city or City.objects.order_by("name").first(), form


def _allowed(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_active and user.is_staff):
        raise PermissionDenied


def insights_view(request: HttpRequest, site: admin.AdminSite) -> HttpResponseBase:
    """Every figure of a city, per week, trade and district; every city over the period."""
    _allowed(request)
    city, city_form = _chosen_city(request)
    context: dict[str, Any] = {
        **site.each_context(request),
        "title": _("Insights"),
        "city_form": city_form,
        "cities": City.objects.order_by("name"),
    }
    status = 200
    if city is not None:
        dashboard, status = partner_views.dashboard_context(request, city, anonymous=False)
        context |= dashboard
        context["extra_choices"] = [("city", city.slug)]
        context["city_rows"] = _cities_over_period(dashboard["weeks_count"])
        context["weekly_rows"] = list(
            zip(dashboard["weeks"], dashboard["whole_city"][0]["row"].weeks, strict=True)
        )
    if city_form.is_bound and not city_form.is_valid():
        status = 400
    request.current_app = site.name
    return TemplateResponse(request, "operator/insights/dashboard.html", context, status=status)


def _cities_over_period(weeks_count: int) -> list[dict[str, Any]]:
    """Each city's figures over the period (four queries per city: cities are few)."""
    now = partner_views.current_time()
    rows = []
    for city in City.objects.order_by("name"):
        figures = city_figures(
            city=city, weeks=last_weeks(city=city, now=now, count=weeks_count), now=now
        )
        (row,) = breakdown(figures, "city", anonymous=False)
        rows.append({"city": city, "period": row.period})
    return rows


def insights_export(request: HttpRequest, site: admin.AdminSite) -> HttpResponseBase:
    """Every figure of the chosen city as CSV, nothing withheld."""
    _allowed(request)
    city, _form = _chosen_city(request)
    if city is None:
        raise PermissionDenied
    choices = FiguresForm(request.GET or None).choices()
    now = partner_views.current_time()
    figures = city_figures(
        city=city, weeks=last_weeks(city=city, now=now, count=choices["weeks"]), now=now
    )
    response = StreamingHttpResponse(
        csv_stream(figures_header(), figures_rows(figures, anonymous=False)),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"comptoir-{city.slug}-all-{figures.weeks[0].label}-{figures.weeks[-1].label}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


__all__ = ["METRICS", "CityPartnerAdmin", "insights_export", "insights_view"]
