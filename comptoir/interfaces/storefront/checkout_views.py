"""Checkout: one page, one "Confirm order", one order per shop.

The views parse the form, call `checkout_place` (then, after its commit,
`checkout_payment_start`: where the customer goes next), and render what
checkout_page.py builds (slots by day, the delivery quote of the address
typed, the summary the law asks for before the final click, refusals mapped
to the right place). A refusal writes nothing: the basket stays as it was,
and the page comes back with the customer's choices. The confirmation page is
in confirmation_views.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.core.errors import DomainError
from comptoir.domain.orders.checkout import checkout_place
from comptoir.domain.orders.errors import EmptyBasket
from comptoir.domain.orders.models import Checkout, Fulfilment
from comptoir.domain.orders.payments import checkout_payment_start
from comptoir.domain.orders.selectors import basket_view
from comptoir.interfaces.storefront import views
from comptoir.interfaces.storefront.basket_session import current_basket
from comptoir.interfaces.storefront.checkout_forms import CheckoutForm, shop_field
from comptoir.interfaces.storefront.checkout_page import (
    PLACED_REMEMBERED,
    PLACED_SESSION_KEY,
    PREFERENCES_SESSION_KEY,
    CheckoutPage,
    basket_url,
    checkout_page,
    city_or_404,
    customer_of,
    remembered_choices,
)
from comptoir.interfaces.storefront.page_frame import page_in_frame, rendered_body

__all__ = ["PLACED_SESSION_KEY", "checkout", "checkout_summary"]

#: The page's frame (base.html's blocks), and what the page shows in it.
PAGE_TEMPLATE = "storefront/checkout.html"
BODY_TEMPLATE = "storefront/_checkout_page.html"


# --- Views ------------------------------------------------------------------


def _remember(request: HttpRequest, form: CheckoutForm, checkout: Checkout) -> None:
    """Remember this checkout for its confirmation page and the choices for the next one."""
    placed = [t for t in request.session.get(PLACED_SESSION_KEY, []) if t != checkout.token]
    request.session[PLACED_SESSION_KEY] = [*placed, checkout.token][-PLACED_REMEMBERED:]
    data = form.cleaned_data
    stored = request.session.get(PREFERENCES_SESSION_KEY, {})
    kinds = dict(stored.get("kinds", {}))
    kinds.update({str(shop.pk): data[shop_field(shop.pk, "fulfilment")] for shop in form.shops})
    address = stored.get("address", {})
    # The city the address is in: another city's checkout does not offer it.
    address_city = stored.get("address_city")
    if any(kind == Fulfilment.DELIVERY for kind in kinds.values()) and data.get("line1"):
        address_city = checkout.city_id
        latitude, longitude = form.coordinates()
        address = {
            "line1": data["line1"],
            "line2": data["line2"],
            "postal_code": data["postal_code"],
            "locality": data["locality"],
            "instructions": data["instructions"],
            "latitude": "" if latitude is None else str(latitude),
            "longitude": "" if longitude is None else str(longitude),
        }
    request.session[PREFERENCES_SESSION_KEY] = {
        "kinds": kinds,
        "address": address,
        "address_city": address_city,
        "contact": {
            "name": checkout.contact_name,
            "email": checkout.contact_email,
            "phone": checkout.contact_phone,
        },
    }


def _body(page: CheckoutPage) -> dict[str, object]:
    """What the page's body (and its summary partial) shows."""
    return {"city": page.city, "page": page, "form": page.form}


def _render_page(request: HttpRequest, page: CheckoutPage) -> HttpResponse:
    """The whole page: its body in the frame's skeleton (page_frame.py), not base.html again."""
    body = rendered_body(request, BODY_TEMPLATE, _body(page))
    # The header's badge: the basket is loaded already, so no query of its own.
    count = page.basket.item_count
    return HttpResponse(
        page_in_frame(request, PAGE_TEMPLATE, {"body": body}, city=page.city, count=count)
    )


@never_cache
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = city_or_404(city_slug)
    now = views.current_time()
    basket = current_basket(request, city)
    if basket is None:
        messages.info(request, gettext("Your basket is empty."))
        return redirect(basket_url(city))
    view = basket_view(basket, now)
    shops = [part.shop for part in view.shops]
    refusal: DomainError | None = None
    remembered = None
    if request.method == "POST":
        form = CheckoutForm(request.POST, shops=shops)
        if form.is_valid() and form.summary_is_current():
            try:
                placed = checkout_place(
                    basket=basket,
                    token=form.cleaned_data["token"],
                    contact=form.contact(),
                    choices=form.choices(),
                    expected=form.cleaned_data["expected"],
                    now=now,
                    customer=customer_of(request),
                    payment_method=form.cleaned_data["payment_method"],
                    expected_vouchers=form.cleaned_data["vouchers"],
                )
            except EmptyBasket as error:
                messages.info(request, str(error))
                return redirect(basket_url(city))
            except DomainError as error:
                refusal = error
            else:
                # Committed: an online provider's payment page, or the confirmation.
                payment = checkout_payment_start(checkout=placed)
                _remember(request, form, placed)
                done = payment.redirect_url or reverse(
                    "storefront:checkout_done",
                    kwargs={"city_slug": city.slug, "token": placed.token},
                )
                return HttpResponseRedirect(done, status=303)
        elif form.is_valid():
            form.add_error(
                None, gettext("Your choices changed: check the summary below, then confirm.")
            )
    else:
        if not view.shops:
            messages.info(request, gettext("Your basket is empty."))
            return redirect(basket_url(city))
        remembered = remembered_choices(request, city)
        form = CheckoutForm(initial=remembered.contact | remembered.address, shops=shops)
    page = checkout_page(
        city=city,
        basket=view,
        form=form,
        now=now,
        remembered=remembered,
        refusal=refusal,
        customer=customer_of(request),
    )
    return _render_page(request, page)


@never_cache
@require_POST
def checkout_summary(request: HttpRequest, city_slug: str) -> HttpResponse:
    """The summary for the choices on the page (htmx refreshes it on every change)."""
    city = city_or_404(city_slug)
    now = views.current_time()
    view = basket_view(current_basket(request, city), now)
    form = CheckoutForm(request.POST, shops=[part.shop for part in view.shops])
    page = checkout_page(city=city, basket=view, form=form, now=now, customer=customer_of(request))
    return render(request, f"{BODY_TEMPLATE}#summary", _body(page))
