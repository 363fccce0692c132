"""Customer account pages: log in (password or e-mailed link), sign up, profile, addresses.

Thin views: parse with a form, call one service, map its domain error onto
the form, render or redirect. `finish_login` ends every log-in path.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.domain.accounts.authentication import password_check
from comptoir.domain.accounts.errors import InvalidCredentials, LoginLinkThrottled, LoginThrottled
from comptoir.domain.accounts.models import Address, User
from comptoir.domain.accounts.services import (
    address_add,
    address_delete,
    address_set_default,
    login_link_consume,
    login_link_request,
    user_register,
    user_update_profile,
)
from comptoir.domain.accounts.throttle import (
    login_link_throttle,
    login_success_record,
)
from comptoir.domain.accounts.two_factor import two_factor_allowed, two_factor_enabled
from comptoir.domain.insights.selectors import partner_cities
from comptoir.interfaces.accounts.forms import (
    AddressForm,
    LoginForm,
    LoginLinkForm,
    ProfileForm,
    SignupForm,
    add_domain_error,
)
from comptoir.interfaces.accounts.login import (
    TWO_FACTOR_PENDING,
    client_ip,
    finish_login,
    safe_next,
    set_language_cookie,
)


def current_time() -> datetime:
    """The account pages' clock: one seam so tests can move "now"."""
    return timezone.now()


def _next_context(next_url: str) -> dict[str, str]:
    """`next` for hidden inputs, and as a query string for links between the log-in pages."""
    return {"next": next_url, "next_query": urlencode({"next": next_url})}


def _customer(request: HttpRequest) -> User:
    return cast(User, request.user)


def second_step_or_login(
    request: HttpRequest, user: User, *, redirect_to: str, password_checked: bool
) -> HttpResponse:
    """Log `user` in, or first ask for their code if they turned two-step log-in on.

    A right password clears the account's failures only without a second
    step: with one, only the right code does (else the password alone would
    reset the back-off between bursts of code guesses).
    """
    if not two_factor_enabled(user):
        if password_checked:
            login_success_record(email=user.email)
        return finish_login(request, user, redirect_to=redirect_to)
    request.session.cycle_key()
    request.session[TWO_FACTOR_PENDING] = {
        "user": user.pk,
        "next": redirect_to,
        "since": current_time().isoformat(),
    }
    return redirect("accounts:login_code")


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, ip, now = form.cleaned_data["email"], client_ip(request), current_time()
        try:
            # Throttled (the password not even checked during a back-off), counted.
            user = password_check(
                email=email, password=form.cleaned_data["password"], ip=ip, now=now
            )
        except LoginThrottled as error:
            if error.after_failure:
                form.add_error(None, str(form.invalid_message))
            return _login_refused(request, form, next_url, error)
        except InvalidCredentials:
            form.add_error(None, str(form.invalid_message))
        else:
            return second_step_or_login(request, user, redirect_to=next_url, password_checked=True)
    return render(request, "accounts/login.html", {"form": form, **_next_context(next_url)})


def _login_refused(
    request: HttpRequest, form: LoginForm, next_url: str, error: LoginThrottled
) -> HttpResponse:
    """429 Too Many Requests, with the form, the message and when to retry."""
    form.add_error(None, str(error))
    response = render(
        request, "accounts/login.html", {"form": form, **_next_context(next_url)}, status=429
    )
    response["Retry-After"] = str(seconds_until(error.retry_at))
    return response


def seconds_until(moment: datetime) -> int:
    """Whole seconds from now to `moment` (at least 1): the `Retry-After` value."""
    return max(1, math.ceil((moment - current_time()).total_seconds()))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def signup(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    # The guest's confirmation page links here with the e-mail of the order.
    initial = {"email": request.GET.get("email", "").strip()[:254]}
    form = SignupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data["first_name"],
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return finish_login(request, user, redirect_to=next_url)
    return render(request, "accounts/signup.html", {"form": form, **_next_context(next_url)})


def login_link_ask(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    form = LoginLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        query = f"?{urlencode({'next': next_url})}"

        def link_url(token: str) -> str:
            path = reverse("accounts:login_link_open", kwargs={"token": token})
            return request.build_absolute_uri(path + query)

        email, now = form.cleaned_data["email"], current_time()
        try:
            # Counted per address and per IP, so nobody floods a mailbox with links.
            login_link_throttle(email=email, ip=client_ip(request), now=now)
        except LoginLinkThrottled as error:
            form.add_error(None, str(error))
            response = render(
                request,
                "accounts/login_link_ask.html",
                {"form": form, **_next_context(next_url)},
                status=429,
            )
            response["Retry-After"] = str(seconds_until(error.retry_at))
            return response
        # The same answer whether or not the address has an account.
        login_link_request(email=email, now=now, link_url=link_url)
        return redirect("accounts:login_link_sent")
    return render(
        request, "accounts/login_link_ask.html", {"form": form, **_next_context(next_url)}
    )


def login_link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/login_link_sent.html")


def login_link_open(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button: mail scanners that fetch links must not use them up."""
    next_url = safe_next(request)
    if request.method == "POST":
        try:
            user = login_link_consume(token=token, now=current_time())
        except DomainError as error:
            return render(
                request, "accounts/login_link_refused.html", {"error": str(error)}, status=410
            )
        return second_step_or_login(request, user, redirect_to=next_url, password_checked=False)
    return render(request, "accounts/login_link_open.html", _next_context(next_url))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _customer(request)
    return render(
        request,
        "accounts/home.html",
        {
            "customer": user,
            "addresses": list(Address.objects.filter(user=user)),
            "two_factor_allowed": two_factor_allowed(user),
            # A city partner (metropolis, office of commerce) reads the city's figures.
            "reads_city_figures": partner_cities(user=user).exists(),
        },
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _customer(request)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "language": user.language,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user_update_profile(user=user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            translation.activate(user.language)
            messages.success(request, _("Your details are saved."))
            response = redirect("accounts:home")
            set_language_cookie(response, user.language)
            return response
    return render(request, "accounts/profile.html", {"form": form, "customer": user})


@login_required
def address_new(request: HttpRequest) -> HttpResponse:
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            address_add(user=_customer(request), **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Address saved."))
            return redirect("accounts:home")
    return render(request, "accounts/address_form.html", {"form": form})


@login_required
@require_POST
def address_make_default(request: HttpRequest, pk: int) -> HttpResponse:
    address = get_object_or_404(Address.objects.select_related("user"), pk=pk, user=request.user)
    address_set_default(address=address)
    messages.success(request, _("Default address changed."))
    return redirect("accounts:home")


@login_required
@require_POST
def address_remove(request: HttpRequest, pk: int) -> HttpResponse:
    address = get_object_or_404(Address.objects.select_related("user"), pk=pk, user=request.user)
    address_delete(address=address)
    messages.success(request, _("Address deleted."))
    return redirect("accounts:home")
