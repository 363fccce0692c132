"""The shop's settings, one short section per page, each saved on its own.

Every section is a GET (the form, prefilled) and a POST (one service call,
then back to the same page with a success message; a refusal is shown on the
field it concerns). Pausing orders is on the settings index, where it is
found fast.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.domain.fulfilment.models import DeliverySettings
from comptoir.domain.fulfilment.services import delivery_update
from comptoir.domain.shops.access import Permission
from comptoir.domain.shops.errors import InvalidOpeningHours
from comptoir.domain.shops.hours import local_datetime
from comptoir.domain.shops.models import Closure, OpeningHours, Shop
from comptoir.domain.shops.services import (
    closure_add,
    closure_remove,
    shop_pause,
    shop_pause_until,
    shop_resume,
    shop_set_opening_hours,
    shop_update_collect,
    shop_update_desk_settings,
    shop_update_profile,
)
from comptoir.interfaces.backoffice.shop_forms import (
    ClosureForm,
    CollectForm,
    DeliveryForm,
    DeskForm,
    HoursForm,
    PauseUntilForm,
    ProfileForm,
    add_domain_error,
    copy_monday,
)
from comptoir.interfaces.backoffice.shop_views import current_time, shop_context
from comptoir.interfaces.pro.access import shop_view


def _shop(request: HttpRequest) -> Shop:
    return request.shop  # type: ignore[attr-defined]


def _section(request: HttpRequest, template: str, **extra: Any) -> HttpResponse:
    return render(
        request, f"backoffice/{template}", shop_context(request, pro_tab="settings", **extra)
    )


def _back(request: HttpRequest, name: str, message: str) -> HttpResponse:
    messages.success(request, message)
    shop = _shop(request)
    return redirect(f"backoffice:{name}", city_slug=shop.city.slug, shop_slug=shop.slug)


@shop_view(Permission.MANAGE_SETTINGS)
def settings_index(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    now = current_time()
    hours = list(OpeningHours.objects.filter(shop=shop).order_by("weekday", "opens"))
    return _section(
        request,
        "settings.html",
        pause_form=PauseUntilForm(),
        paused=shop.orders_paused_at(now),
        paused_until=shop.paused_until if shop.paused_until and shop.paused_until > now else None,
        open_days=len({h.weekday for h in hours}),
        upcoming_closures=Closure.objects.filter(
            shop=shop, ends_on__gte=now.astimezone(shop.city.zone).date()
        ).count(),
    )


@shop_view(Permission.MANAGE_SETTINGS)
@require_POST
def settings_pause(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    now = current_time()
    action = request.POST.get("action")
    if action == "resume":
        shop_resume(shop=shop)
        return _back(request, "settings", _("You are taking orders again."))
    if action == "pause":
        shop_pause(shop=shop)
        return _back(request, "settings", _("Orders are paused until you resume them."))
    form = PauseUntilForm(request.POST)
    if form.is_valid():
        zone = shop.city.zone
        local_now = now.astimezone(zone)
        until = local_datetime(local_now.date(), form.cleaned_data["until"], zone)
        if until <= now:
            until = local_datetime(
                local_now.date() + timedelta(days=1), form.cleaned_data["until"], zone
            )
        try:
            shop_pause_until(shop=shop, until=until, now=now)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _back(
                request,
                "settings",
                _("Orders are paused until %(time)s.") % {"time": _when(until, now, shop)},
            )
    return _section(
        request,
        "settings.html",
        pause_form=form,
        paused=shop.orders_paused_at(now),
        paused_until=None,
        open_days=None,
        upcoming_closures=None,
    )


def _when(moment: datetime, now: datetime, shop: Shop) -> str:
    local = moment.astimezone(shop.city.zone)
    if local.date() == now.astimezone(shop.city.zone).date():
        return local.strftime("%H:%M")
    return _("tomorrow at %(time)s") % {"time": local.strftime("%H:%M")}


@shop_view(Permission.MANAGE_SETTINGS)
def settings_profile(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    initial = {
        "name": shop.name,
        "tagline": shop.tagline,
        "description": shop.description,
        "phone": shop.phone,
        "email": shop.email,
    }
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shop_update_profile(
                shop=shop,
                name=data["name"],
                tagline=data["tagline"],
                description=data["description"],
                phone=data["phone"],
                email=data["email"],
                photo=data["photo"] or None,
                remove_photo=data["remove_photo"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _back(request, "settings_profile", _("Shop profile saved."))
    return _section(request, "settings_profile.html", form=form)


def _week(shop: Shop) -> list[tuple[int, Any, Any]]:
    return list(
        OpeningHours.objects.filter(shop=shop)
        .order_by("weekday", "opens")
        .values_list("weekday", "opens", "closes")
    )


@shop_view(Permission.MANAGE_SETTINGS)
def settings_hours(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    if request.method != "POST":
        form = HoursForm(initial=HoursForm.initial_for(_week(shop)))
        return _section(request, "settings_hours.html", form=form)
    copying = "copy_monday" in request.POST
    form = HoursForm(copy_monday(request.POST) if copying else request.POST)
    if form.is_valid():
        try:
            shop_set_opening_hours(shop=shop, ranges=form.ranges())
        except InvalidOpeningHours as error:
            form.add_day_error(error.weekday, str(error))
        else:
            message = (
                _("Monday's hours copied to Tuesday–Friday and saved.")
                if copying
                else _("Opening hours saved.")
            )
            return _back(request, "settings_hours", message)
    return _section(request, "settings_hours.html", form=form)


@shop_view(Permission.MANAGE_SETTINGS)
def settings_closures(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure_add(shop=shop, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _back(request, "settings_closures", _("Closure added."))
    today = current_time().astimezone(shop.city.zone).date()
    closures = Closure.objects.filter(shop=shop, ends_on__gte=today).order_by("starts_on")
    return _section(request, "settings_closures.html", form=form, closures=list(closures))


@shop_view(Permission.MANAGE_SETTINGS)
@require_POST
def closure_delete(request: HttpRequest, closure_pk: int) -> HttpResponse:
    try:
        closure_remove(shop=_shop(request), closure_id=closure_pk)
    except DomainError as error:
        messages.error(request, str(error))
        shop = _shop(request)
        return redirect(
            "backoffice:settings_closures", city_slug=shop.city.slug, shop_slug=shop.slug
        )
    return _back(request, "settings_closures", _("Closure removed."))


@shop_view(Permission.MANAGE_SETTINGS)
def settings_collect(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    initial = {
        "collect_enabled": shop.collect_enabled,
        "slot_minutes": shop.slot_minutes,
        "slot_capacity": shop.slot_capacity,
        "lead_time_minutes": shop.lead_time_minutes,
    }
    form = CollectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            shop_update_collect(shop=shop, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _back(request, "settings_collect", _("Click & collect saved."))
    return _section(request, "settings_collect.html", form=form)


@shop_view(Permission.MANAGE_SETTINGS)
def settings_delivery(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    extra = DeliverySettings.objects.filter(shop=shop).first()
    initial = {
        "delivery_enabled": shop.delivery_enabled,
        "delivery_fee": shop.delivery_fee,
        "free_above": extra.free_above if extra else None,
        "delivery_minimum": shop.delivery_minimum,
        "delivery_radius_km": shop.delivery_radius_km,
        "postal_codes": ", ".join(
            shop.delivery_postcodes.order_by("postal_code").values_list("postal_code", flat=True)
        ),
    }
    form = DeliveryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            delivery_update(
                shop=shop,
                enabled=data["delivery_enabled"],
                fee=data["delivery_fee"],
                minimum=data["delivery_minimum"],
                radius_km=data["delivery_radius_km"],
                free_above=data["free_above"],
                postal_codes=data["postal_codes"],
            )
        except DomainError as error:
            add_domain_error(
                form,
                error,
                aliases={
                    "postal_code": "postal_codes",
                    "fee": "delivery_fee",
                    "minimum": "delivery_minimum",
                },
            )
        else:
            return _back(request, "settings_delivery", _("Delivery saved."))
    return _section(request, "settings_delivery.html", form=form)


@shop_view(Permission.MANAGE_SETTINGS)
def settings_desk(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    initial = {
        "escalate_after_minutes": shop.escalate_after_minutes,
        "auto_refuse_after_minutes": shop.auto_refuse_after_minutes,
        "auto_accept": shop.auto_accept,
    }
    form: forms.Form = DeskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            shop_update_desk_settings(shop=shop, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _back(request, "settings_desk", _("Order desk settings saved."))
    return _section(request, "settings_desk.html", form=form)
