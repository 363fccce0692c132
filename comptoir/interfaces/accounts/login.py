"""What every log-in path shares: a safe `next`, the post-login hook, the redirect."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from comptoir.domain.accounts.backends import LOGIN_BACKEND
from comptoir.domain.accounts.models import User
from comptoir.interfaces.storefront.basket_session import merge_visitor_baskets

#: Session key of a log-in waiting for its second step (see `two_factor_views`).
TWO_FACTOR_PENDING = "comptoir_two_factor"


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, as the log-in throttle keys it: `REMOTE_ADDR`.

    Behind a reverse proxy REMOTE_ADDR is the proxy's address unless the
    server rewrites it from the proxy's `X-Forwarded-For`: set
    `TRUSTED_PROXIES` (comptoir/config/asgi.py `behind_proxies`, trusting only
    the proxy). Never read X-Forwarded-For here: any client can forge it.
    """
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:254]


def safe_next(request: HttpRequest, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    """The `next` URL from POST or GET if it stays on this site, else `default` resolved."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


def after_login(request: HttpRequest, user: User) -> None:
    """Run once `user` is logged in, by every log-in path (password, e-mailed link, sign-up).

    Today it applies the user's language to this request; `finish_login` then
    stores it in the language cookie so the next pages follow it.
    """
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language
    # What the visitor put in a basket before logging in is kept, added to
    # what the customer already had.
    merge_visitor_baskets(request, user)


def finish_login(request: HttpRequest, user: User, *, redirect_to: str) -> HttpResponse:
    """Log `user` in, run `after_login`, and redirect with the user's language cookie set."""
    # Its sessions read their user with one lean statement (accounts/backends.py).
    login(request, user, backend=LOGIN_BACKEND)
    after_login(request, user)
    response = redirect(redirect_to)
    set_language_cookie(response, request.LANGUAGE_CODE)
    return response


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """Remember `language` as Django's language view does (LocaleMiddleware reads it)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
