"""Two-step log-in pages: the code asked after the password (or the link), and enrolment.

After the first step (`views.second_step_or_login`) the session holds only
who is half logged in, where to go next and since when (`TWO_FACTOR_PENDING`);
the user is logged in once the code is right. Wrong codes count as failed
log-ins of the account (same back-off).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from comptoir.core.errors import DomainError
from comptoir.core.qr import qr_svg_data_uri
from comptoir.domain.accounts.authentication import second_step_check
from comptoir.domain.accounts.errors import LoginThrottled, TwoFactorCodeInvalid
from comptoir.domain.accounts.models import TwoFactor, User
from comptoir.domain.accounts.two_factor import (
    provisioning_uri,
    two_factor_allowed,
    two_factor_confirm,
    two_factor_start,
)
from comptoir.interfaces.accounts import views
from comptoir.interfaces.accounts.forms import TwoFactorCodeForm, add_domain_error
from comptoir.interfaces.accounts.login import TWO_FACTOR_PENDING, client_ip, finish_login

PENDING_LIFETIME = timedelta(minutes=5)


def _pending_user(request: HttpRequest) -> tuple[User, str] | None:
    pending = request.session.get(TWO_FACTOR_PENDING)
    if not isinstance(pending, dict):
        return None
    since = datetime.fromisoformat(pending["since"])
    if views.current_time() - since > PENDING_LIFETIME:
        del request.session[TWO_FACTOR_PENDING]
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return (user, str(pending["next"])) if user is not None else None


def login_code(request: HttpRequest) -> HttpResponse:
    pending = _pending_user(request)
    if pending is None:
        return redirect("accounts:login")
    user, next_url = pending
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        now, ip = views.current_time(), client_ip(request)
        try:
            second_step_check(user=user, code=form.cleaned_data["code"], ip=ip, now=now)
        except LoginThrottled as error:
            if error.after_failure:
                add_domain_error(form, TwoFactorCodeInvalid())
            form.add_error(None, str(error))
            response = render(request, "accounts/login_code.html", {"form": form}, status=429)
            response["Retry-After"] = str(views.seconds_until(error.retry_at))
            return response
        except DomainError as error:
            add_domain_error(form, error)
        else:
            del request.session[TWO_FACTOR_PENDING]
            return finish_login(request, user, redirect_to=next_url)
    return render(request, "accounts/login_code.html", {"form": form})


def _qr(user: User, two_factor: TwoFactor) -> str:
    uri = provisioning_uri(user=user, secret=two_factor.secret)
    return qr_svg_data_uri(uri, scale=5)


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Turn two-step log-in on: a QR code for the app, then a first code to confirm it."""
    user = cast(User, request.user)
    if not two_factor_allowed(user):
        raise Http404
    current = TwoFactor.objects.filter(user=user).first()
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "start":
        current = two_factor_start(user=user)
        form = TwoFactorCodeForm()
    elif request.method == "POST" and current is not None and form.is_valid():
        try:
            codes = two_factor_confirm(
                user=user, code=form.cleaned_data["code"], now=views.current_time()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return render(request, "accounts/two_factor_codes.html", {"codes": codes})
    context: dict[str, object] = {"form": form, "two_factor": current}
    if current is not None and current.confirmed_at is None:
        context["qr_code"] = _qr(user, current)
    return render(request, "accounts/two_factor.html", context)
