"""The weekly deals e-mail: the customer's opt-in page, and the unsubscribe link of each e-mail.

The unsubscribe link works without logging in (a signed token). GET only
shows a button: mail scanners fetch links, and must not unsubscribe anyone.
POST unsubscribes: the button, and the mail client's RFC 8058 one-click POST
(`List-Unsubscribe=One-Click`), which carries no CSRF token. That endpoint
alone is exempt from the CSRF check: it changes nothing without a valid
signed token, and all it can do is stop e-mails.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from comptoir.domain.accounts.models import User
from comptoir.domain.cities.models import City
from comptoir.domain.deals.digest import (
    DigestLinkInvalid,
    digest_subscribe,
    digest_token_read,
    digest_unsubscribe,
    digest_unsubscribe_by_token,
)
from comptoir.domain.deals.models import DigestSubscription
from comptoir.interfaces.accounts.views import current_time


@login_required
@require_http_methods(["GET", "POST"])
def digest_settings(request: HttpRequest) -> HttpResponse:
    """One switch per live city (Rouen alone today): the weekly e-mail of its new deals."""
    customer = cast(User, request.user)
    cities = list(City.objects.filter(is_live=True).order_by("name"))
    status, error = 200, ""
    if request.method == "POST":
        city = next((c for c in cities if c.slug == request.POST.get("city")), None)
        action = request.POST.get("action")
        if city is not None and action == "subscribe":
            digest_subscribe(customer=customer, city=city, now=current_time())
            messages.success(
                request,
                _("Done: you will get the new deals of %(city)s every Monday.")
                % {"city": city.name},
            )
            return redirect("accounts:digest")
        if city is not None and action == "unsubscribe":
            digest_unsubscribe(customer_id=customer.pk, city_id=city.pk)
            messages.success(
                request, _("Done: no more deals e-mails for %(city)s.") % {"city": city.name}
            )
            return redirect("accounts:digest")
        status, error = 400, _("Choose a city and whether you want its e-mail.")
    subscribed = set(
        DigestSubscription.objects.filter(customer=customer).values_list("city_id", flat=True)
    )
    return render(
        request,
        "accounts/digest.html",
        {"cities": [(city, city.pk in subscribed) for city in cities], "error": error},
        status=status,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def digest_unsubscribe_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with one button; POST (the button or the mail client): unsubscribe."""
    try:
        if request.method == "POST":
            city = digest_unsubscribe_by_token(token=token)
            return render(request, "accounts/digest_unsubscribed.html", {"city": city})
        customer_id, city = digest_token_read(token)
    except DigestLinkInvalid as error:
        return render(
            request, "accounts/digest_link_invalid.html", {"error": str(error)}, status=404
        )
    subscribed = DigestSubscription.objects.filter(
        customer_id=customer_id, city_id=city.pk
    ).exists()
    return render(
        request, "accounts/digest_unsubscribe.html", {"city": city, "subscribed": subscribed}
    )
