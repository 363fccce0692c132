"""The shop's deals ("bons plans"): the list, the one-screen form, preview, pause/end, figures.

Owners only (Permission.MANAGE_CATALOGUE; the figures, VIEW_SALES): staff
get the 403 page like every owner page. Thin views over the deals services
(`deal_create`, `deal_update`, `deal_pause`…), the same ones the JSON API
calls; a refusal is a message on the form or the list, never a 500.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.core.errors import DomainError
from comptoir.core.images import PhotoRefused, PreparedPhoto, prepare_photo
from comptoir.domain.catalogue.models import Product
from comptoir.domain.deals.models import Deal
from comptoir.domain.deals.selectors import DealDay, deal_figures, deals_of_shop
from comptoir.domain.deals.services import (
    deal_create,
    deal_end,
    deal_pause,
    deal_resume,
    deal_set_photo,
    deal_update,
)
from comptoir.domain.shops.access import Permission
from comptoir.domain.shops.models import Shop
from comptoir.interfaces.backoffice import shop_views
from comptoir.interfaces.backoffice.deals_forms import DealForm
from comptoir.interfaces.backoffice.shop_views import shop_context, shop_url
from comptoir.interfaces.pro.access import shop_view


def _shop(request: HttpRequest) -> Shop:
    return request.shop  # type: ignore[attr-defined]


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return shop_context(request, pro_tab="deals", city=_shop(request).city, **extra)


def _deal(request: HttpRequest, pk: int) -> Deal:
    deal = (
        Deal.objects.filter(shop=_shop(request), pk=pk)
        .select_related("city", "shop", "free_product")
        .first()
    )
    if deal is None:
        raise Http404("No such deal in this shop.")
    return deal


def _products(shop: Shop) -> Any:
    return Product.objects.filter(shop=shop).order_by("name", "pk")


def _list_url(shop: Shop) -> str:
    return shop_url("deals", shop)


@require_GET
@shop_view(Permission.MANAGE_CATALOGUE)
def deals(request: HttpRequest) -> HttpResponse:
    listed = deals_of_shop(_shop(request))
    prefetch_related_objects(listed, "free_product")  # named by the offer's label
    return render(
        request,
        "backoffice/deals/list.html",
        _context(request, deals=listed, now=shop_views.current_time()),
    )


# --- The form: new, edit, duplicate -----------------------------------------------------

#: What the form is for: "new", "edit" or "duplicate" (with the deal's id for the last two).
type Mode = tuple[str, Deal | None]


def _form_url(shop: Shop, mode: Mode) -> str:
    name, deal = mode
    if deal is None:
        return shop_url("deal_new", shop)
    return shop_url("deal_edit" if name == "edit" else "deal_duplicate", shop, pk=deal.pk)


def _mode_value(mode: Mode) -> str:
    name, deal = mode
    return name if deal is None else f"{name}:{deal.pk}"


def _bind(request: HttpRequest, mode: Mode) -> DealForm:
    """The posted form, validated with its dates read in the city's time zone."""
    shop = _shop(request)
    form = DealForm(
        request.POST,
        request.FILES,
        products=_products(shop),
        deal=mode[1] if mode[0] == "edit" else None,
    )
    with timezone.override(shop.city.zone):
        form.is_valid()
    return form


def _copied_photo(deal: Deal) -> PreparedPhoto | None:
    """The duplicated deal's photo, through the same checks as an upload."""
    if not deal.photo:
        return None
    try:
        with deal.photo.open("rb") as source:
            return prepare_photo(source, name="deal")
    except (OSError, PhotoRefused):
        return None  # a missing file: the copy goes without a photo


def _save(request: HttpRequest, form: DealForm, mode: Mode) -> Deal:
    shop = _shop(request)
    name, source = mode
    photo = form.cleaned_data.get("photo")
    with transaction.atomic():
        if name == "edit" and source is not None:
            deal = deal_update(
                deal=source, products=form.chosen_products(), **form.service_fields()
            )
        else:
            deal = deal_create(shop=shop, products=form.chosen_products(), **form.service_fields())
            if photo is None and source is not None:
                photo = _copied_photo(source)
        if photo is not None:
            deal_set_photo(deal=deal, photo=photo)
        elif form.cleaned_data.get("remove_photo"):
            deal_set_photo(deal=deal, photo=None)
    return deal


def _render_form(
    request: HttpRequest, form: DealForm, mode: Mode, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "backoffice/deals/form.html",
        _context(
            request,
            form=form,
            mode=mode[0],
            mode_value=_mode_value(mode),
            source=mode[1],
            form_url=_form_url(_shop(request), mode),
        ),
        status=status,
    )


def _deal_form(request: HttpRequest, mode: Mode, initial: dict[str, Any]) -> HttpResponse:
    shop = _shop(request)
    if request.method != "POST":
        form = DealForm(
            initial=initial,
            products=_products(shop),
            deal=mode[1] if mode[0] == "edit" else None,
        )
        return _render_form(request, form, mode)
    form = _bind(request, mode)
    if form.is_valid():
        try:
            deal = _save(request, form, mode)
        except DomainError as error:
            form.add_refusal(error)
        else:
            done = (
                _("“%(title)s” is saved.") if mode[0] == "edit" else _("“%(title)s” is published.")
            )
            messages.success(request, done % {"title": deal.title})
            return redirect(_list_url(shop))
    return _render_form(request, form, mode, status=422)


@shop_view(Permission.MANAGE_CATALOGUE)
def deal_new(request: HttpRequest) -> HttpResponse:
    zone = _shop(request).city.zone
    return _deal_form(
        request, ("new", None), DealForm.initial_new(now=shop_views.current_time(), zone=zone)
    )


@shop_view(Permission.MANAGE_CATALOGUE)
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal(request, pk)
    return _deal_form(request, ("edit", deal), DealForm.initial_for(deal, zone=deal.city.zone))


def _new_dates(deal: Deal, now: datetime) -> tuple[datetime, datetime]:
    """A copy starts at the next full hour (city time) and lasts as long as the original."""
    zone = deal.city.zone
    start = (now.astimezone(zone) + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return start, start + (deal.ends_at - deal.starts_at)


@shop_view(Permission.MANAGE_CATALOGUE)
def deal_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal(request, pk)
    dates = _new_dates(deal, shop_views.current_time())
    initial = DealForm.initial_for(deal, zone=deal.city.zone, dates=dates)
    return _deal_form(request, ("duplicate", deal), initial)


# --- Preview -------------------------------------------------------------------------------


def _mode_of(request: HttpRequest, value: str) -> Mode:
    name, _sep, pk = value.partition(":")
    if name in {"edit", "duplicate"} and pk.isdigit():
        return name, _deal(request, int(pk))
    return "new", None


@require_POST
@shop_view(Permission.MANAGE_CATALOGUE)
def deal_preview(request: HttpRequest) -> HttpResponse:
    """The customer's card from the unsaved form (nothing is written).

    htmx gets the card alone; a plain post gets a page with the card and the
    form again, to change it or publish it.
    """
    shop = _shop(request)
    mode = _mode_of(request, request.POST.get("mode", "")[:40])
    form = _bind(request, mode)
    deal = None
    if form.is_valid():
        deal = Deal(shop=shop, city=shop.city, **form.service_fields())
        if mode[1] is not None and mode[1].photo and not form.cleaned_data.get("remove_photo"):
            deal.photo = mode[1].photo
    context = _context(
        request,
        form=form,
        deal=deal,
        preview=True,
        mode=mode[0],
        mode_value=_mode_value(mode),
        source=mode[1],
        form_url=_form_url(shop, mode),
    )
    template = (
        "backoffice/deals/_preview.html"
        if request.headers.get("HX-Request") == "true"
        else "backoffice/deals/preview.html"
    )
    return render(request, template, context)


# --- Pause, resume, end ------------------------------------------------------------------


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    deal = _deal(request, pk)
    try:
        action(deal=deal)
    except DomainError:
        messages.error(
            request,
            _("“%(title)s” cannot be changed this way any more: the list below is up to date.")
            % {"title": deal.title},
        )
    else:
        messages.success(request, done % {"title": deal.title})
    return redirect(_list_url(_shop(request)))


@require_POST
@shop_view(Permission.MANAGE_CATALOGUE)
def deal_pause_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, deal_pause, _("“%(title)s” is paused: customers no longer see it."))


@require_POST
@shop_view(Permission.MANAGE_CATALOGUE)
def deal_resume_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, deal_resume, _("“%(title)s” is live again."))


@require_POST
@shop_view(Permission.MANAGE_CATALOGUE)
def deal_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, deal_end, _("“%(title)s” has ended."))


# --- Figures -----------------------------------------------------------------------------

# One pair of bars per day (claims, redemptions) in a 300 by 120 viewBox, like the sales chart.
CHART_WIDTH = shop_views.CHART_WIDTH
CHART_HEIGHT = shop_views.CHART_HEIGHT


def chart_bars(days: list[DealDay]) -> tuple[list[dict[str, Any]], int]:
    """Two bars per day, scaled to the busiest day."""
    peak = max((max(day.claims, day.redemptions) for day in days), default=0)
    if not days:
        return [], peak
    slot = Decimal(CHART_WIDTH) / len(days)
    width = slot * 4 / 10
    bars = []
    for index, day in enumerate(days):
        left = slot * index + slot / 10
        for offset, value, kind in ((0, day.claims, "claims"), (1, day.redemptions, "redemptions")):
            height = Decimal(value) / peak * CHART_HEIGHT if peak else Decimal(0)
            bars.append(
                {
                    "day": day,
                    "kind": kind,
                    "value": value,
                    "x": f"{left + width * offset:.2f}",
                    "width": f"{width:.2f}",
                    "y": f"{CHART_HEIGHT - height:.2f}",
                    "height": f"{height:.2f}",
                }
            )
    return bars, peak


@require_GET
@shop_view(Permission.VIEW_SALES)
def deal_figures_view(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal(request, pk)
    figures = deal_figures(deal, now=shop_views.current_time())
    bars, peak = chart_bars(figures.days)
    return render(
        request,
        "backoffice/deals/figures.html",
        _context(
            request,
            deal=deal,
            figures=figures,
            bars=bars,
            peak=peak,
            chart_width=CHART_WIDTH,
            chart_height=CHART_HEIGHT,
        ),
    )
