"""Shops joining Comptoir: the public request form, the invited owner's welcome, going live.

- /shop/apply/ — "join the marketplace": a request for the operator's queue.
- /shop/welcome/<token>/ — the operator's invitation: in one page the future
  owner sets a password (or logs in first), describes the shop, and lands on
  its back office with the first-run checklist. The shop is created hidden.
- /shop/<city>/<shop>/go-live/ — the owner's "Ask to go live" / "Open my shop".
"""

from __future__ import annotations

import hashlib
import time
from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.domain.accounts.errors import EmailAlreadyUsed
from comptoir.domain.accounts.models import User
from comptoir.domain.onboarding.errors import (
    OwnerInvitationForAnotherEmail,
    OwnerInvitationInvalid,
)
from comptoir.domain.onboarding.selectors import owner_invitation_for_token
from comptoir.domain.onboarding.services import (
    GoLiveOutcome,
    owner_invitation_accept,
    owner_invitation_accept_as_new_user,
    shop_go_live,
    signup_request_submit,
)
from comptoir.domain.shops.access import Permission
from comptoir.domain.shops.models import Shop
from comptoir.interfaces.accounts.login import client_ip, finish_login
from comptoir.interfaces.backoffice.shop_forms import add_domain_error
from comptoir.interfaces.backoffice.shop_views import current_time
from comptoir.interfaces.pro.access import shop_view
from comptoir.interfaces.pro.onboarding_forms import ApplyForm, WelcomeForm

#: Requests accepted from one IP address per hour (a shop sends one; an office a few).
APPLY_LIMIT_PER_HOUR = 5


def _apply_allowed(request: HttpRequest) -> bool:
    """Count a request from this IP in a fixed one-hour window (the cache, as the API's limits)."""
    ip = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    key = f"shop-apply:{ip}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=7200)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, timeout=7200)
        count = 1
    return count <= APPLY_LIMIT_PER_HOUR


def apply(request: HttpRequest) -> HttpResponse:
    form = ApplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_robot:
            # Said done, written nowhere: a robot learns nothing.
            return redirect("pro:apply_done")
        if not _apply_allowed(request):
            form.add_error(None, _("Too many requests from your connection: try again in an hour."))
            return render(request, "pro/onboarding/apply.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                signup_request_submit(
                    shop_name=data["shop_name"],
                    trade=data["trade"],
                    city=data["city"],
                    town=data["town"],
                    contact_name=data["contact_name"],
                    email=data["email"],
                    phone=data["phone"],
                    message=data["message"],
                    language=translation.get_language() or "fr",
                    now=current_time(),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return redirect("pro:apply_done")
        status = 422
    return render(request, "pro/onboarding/apply.html", {"form": form}, status=status)


def apply_done(request: HttpRequest) -> HttpResponse:
    return render(request, "pro/onboarding/apply_done.html")


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "pro/onboarding/welcome_refused.html", {"error": str(error)}, status=410)


def welcome(request: HttpRequest, token: str) -> HttpResponse:
    """Accept the operator's invitation: account (or log-in), shop profile, then the back office.

    GET only shows the page: mail scanners that fetch links must not use them up.
    """
    now = current_time()
    try:
        invitation = owner_invitation_for_token(token=token, now=now)
    except DomainError as error:
        return _refused(request, error)
    user = cast(User, request.user)
    signed_in = user.is_authenticated
    known = signed_in or User.objects.filter(email=invitation.email).exists()
    wrong_account = signed_in and user.email.lower() != invitation.email
    initial = {"name": invitation.shop_name, "trade": invitation.trade or None}
    form = WelcomeForm(request.POST or None, initial=initial, new_account=not known)
    if request.method == "POST":
        if signed_in and request.POST.get("action") == "switch":
            logout(request)
            return redirect("pro:welcome", token=token)
        shop: Shop | None = None
        if (signed_in or not known) and not wrong_account and form.is_valid():
            try:
                if signed_in:
                    shop = owner_invitation_accept(
                        token=token, user=user, details=form.details(), now=now
                    )
                else:
                    shop = owner_invitation_accept_as_new_user(
                        token=token,
                        password=form.cleaned_data["password"],
                        first_name=form.cleaned_data["first_name"],
                        details=form.details(),
                        now=now,
                        language=translation.get_language() or "fr",
                    )
            except DomainError as error:
                if isinstance(error, OwnerInvitationInvalid | OwnerInvitationForAnotherEmail):
                    return _refused(request, error)
                if isinstance(error, EmailAlreadyUsed):
                    # The account's address, not the shop's `email` field of the form.
                    form.add_error(None, str(error))
                else:
                    add_domain_error(form, error)
        if shop is not None:
            home = reverse(
                "backoffice:home",
                kwargs={"city_slug": invitation.city.slug, "shop_slug": shop.slug},
            )
            messages.success(
                request,
                _("Welcome! %(shop)s is created. Customers will see it once it goes live.")
                % {"shop": shop.name},
            )
            if signed_in:
                return redirect(home)
            user = User.objects.get(email=invitation.email)
            return finish_login(request, user, redirect_to=home)
    login_url = reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})
    return render(
        request,
        "pro/onboarding/welcome.html",
        {
            "invitation": invitation,
            "form": form,
            "known": known,
            "wrong_account": wrong_account,
            "login_url": login_url,
        },
        status=422 if request.method == "POST" else 200,
    )


@shop_view(Permission.MANAGE_SETTINGS)
@require_POST
def go_live(request: HttpRequest) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    try:
        outcome = shop_go_live(shop=shop, user=cast(User, request.user), now=current_time())
    except DomainError as error:
        messages.error(request, str(error))
    else:
        if outcome is GoLiveOutcome.PUBLISHED:
            messages.success(request, _("Your shop is open: customers can find it and order."))
        else:
            messages.success(
                request,
                _(
                    "Request sent: Comptoir checks your shop and opens it shortly. "
                    "We will e-mail you."
                ),
            )
    return redirect("backoffice:home", city_slug=shop.city.slug, shop_slug=shop.slug)
