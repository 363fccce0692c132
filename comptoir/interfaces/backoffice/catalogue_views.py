"""The shop's products: the list (stock +/-, sold out today) and the one-screen product form.

Staff may use the list (Permission.UPDATE_STOCK); creating and editing
products, prices and photos is for owners (Permission.MANAGE_CATALOGUE).
Buttons of the list answer htmx with the product's row re-rendered, and a
plain form post with a redirect back to the list.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.core.errors import DomainError
from comptoir.domain.catalogue import selectors
from comptoir.domain.catalogue.models import Category, Product
from comptoir.domain.catalogue.services import (
    category_get_or_create,
    product_adjust_stock,
    product_back_on_sale,
    product_create,
    product_mark_sold_out_today,
    product_set_photo,
    product_update,
)
from comptoir.domain.catalogue.vat import VatSuggestion, suggest_vat_rate
from comptoir.domain.shops.access import Permission, can
from comptoir.domain.shops.models import Shop
from comptoir.interfaces.backoffice.catalogue_forms import ProductForm, add_domain_error
from comptoir.interfaces.pro.access import shop_view

STEPS = {"-1": -1, "1": 1, "+1": 1}


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _shop(request: HttpRequest) -> Shop:
    return request.shop  # type: ignore[attr-defined]


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    membership = request.membership  # type: ignore[attr-defined]
    return {
        "shop": _shop(request),
        "membership": membership,
        "pro_tab": "products",
        "can_manage": can(membership, Permission.MANAGE_CATALOGUE),
        **extra,
    }


def _product(request: HttpRequest, pk: int) -> Product:
    product = selectors.product_of_shop(_shop(request), pk)
    if product is None:
        raise Http404("No such product in this shop.")
    return product


def _list_url(shop: Shop) -> str:
    return reverse("backoffice:products", args=[shop.city.slug, shop.slug])


@require_GET
@shop_view(Permission.UPDATE_STOCK)
def products(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    items = selectors.products_for_backoffice(shop)
    return render(request, "backoffice/products.html", _context(request, products=items))


def _row(request: HttpRequest, product: Product) -> HttpResponse:
    return render(request, "backoffice/products_row.html", _context(request, product=product))


def _after_row_action(request: HttpRequest, product: Product, message: str) -> HttpResponse:
    if is_htmx(request):
        return _row(request, product)
    messages.success(request, message)
    return redirect(_list_url(_shop(request)))


@require_POST
@shop_view(Permission.UPDATE_STOCK)
def product_stock(request: HttpRequest, pk: int) -> HttpResponse:
    """+1 / -1 from the list, as one `stock = MAX(stock + n, 0)` statement."""
    product = _product(request, pk)
    delta = STEPS.get(request.POST.get("delta", "").strip())
    if delta is None:
        return HttpResponse(_("Choose + or -."), status=400)
    try:
        product_adjust_stock(product=product, delta=delta, shop=_shop(request))
    except DomainError as error:
        if is_htmx(request):
            return _row(request, product)
        messages.error(request, str(error))
        return redirect(_list_url(_shop(request)))
    return _after_row_action(
        request,
        product,
        _("%(name)s: %(stock)s left.") % {"name": product.name, "stock": product.stock},
    )


@require_POST
@shop_view(Permission.UPDATE_STOCK)
def product_sold_out(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk)
    product_mark_sold_out_today(product=product, now=timezone.now(), shop=_shop(request))
    return _after_row_action(
        request, product, _("%(name)s is sold out for today.") % {"name": product.name}
    )


@require_POST
@shop_view(Permission.UPDATE_STOCK)
def product_on_sale_again(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk)
    product_back_on_sale(product=product, shop=_shop(request))
    return _after_row_action(
        request, product, _("%(name)s is back on sale.") % {"name": product.name}
    )


# --- The product form (owners) -------------------------------------------------


def _suggestion(
    shop: Shop, category: Category | None, new_category: str, name: str
) -> VatSuggestion:
    category_name = new_category.strip() or (category.name if category else "")
    return suggest_vat_rate(trade=shop.trade, category_name=category_name, product_name=name)


def _suggested_label(suggestion: VatSuggestion) -> str:
    return _("Suggested: %(rate)s %% (%(reason)s)") % {
        "rate": f"{suggestion.rate.normalize():f}".replace(".", ","),
        "reason": suggestion.label,
    }


def _save(request: HttpRequest, form: ProductForm, product: Product | None) -> Product:
    """Create or update from a valid form, photo included, in one transaction."""
    shop = _shop(request)
    data = form.cleaned_data
    with transaction.atomic():
        category = data["category"]
        if data["new_category"].strip():
            category = category_get_or_create(shop=shop, name=data["new_category"])
        vat_rate = form.vat_rate_value()
        if vat_rate is None:
            vat_rate = _suggestion(shop, category, "", data["name"]).rate
        fields = {
            "name": data["name"],
            "price": data["price"],
            "vat_rate": vat_rate,
            "unit": data["unit"],
            "category": category,
            "description": data["description"],
            "allergens": data["allergens"],
            "stock": data["stock"],
            "reference": data["reference"],
            "lead_time_minutes": data["lead_time_minutes"],
            "daily_quota": data["daily_quota"],
            "preorder_on": data["preorder_on"],
            "is_active": data["is_active"],
        }
        if product is None:
            product = product_create(shop=shop, **fields)
        else:
            product = product_update(product=product, **fields)
        if data["photo"] is not None:
            product_set_photo(product=product, photo=data["photo"])
        elif data.get("remove_photo"):
            product_set_photo(product=product, photo=None)
    return product


def _product_form(request: HttpRequest, product: Product | None) -> HttpResponse:
    shop = _shop(request)
    categories = selectors.categories_of(shop)
    name = request.POST.get("name", product.name if product else "")
    category = product.category if product else None
    suggestion = _suggestion(shop, category, request.POST.get("new_category", ""), name)
    form_kwargs = {"categories": categories, "product": product}
    if request.method == "POST":
        form = ProductForm(request.POST, request.FILES, **form_kwargs)  # type: ignore[arg-type]
        if form.is_valid():
            try:
                saved = _save(request, form, product)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("%(name)s is saved.") % {"name": saved.name})
                return redirect(_list_url(shop))
        status = 422 if form.errors else 200
    else:
        form = ProductForm(initial=ProductForm.initial_for(product), **form_kwargs)  # type: ignore[arg-type]
        status = 200
    return render(
        request,
        "backoffice/products_form.html",
        _context(
            request,
            form=form,
            product=product,
            suggestion=suggestion,
            suggestion_label=_suggested_label(suggestion),
        ),
        status=status,
    )


@shop_view(Permission.MANAGE_CATALOGUE)
def product_new(request: HttpRequest) -> HttpResponse:
    return _product_form(request, None)


@shop_view(Permission.MANAGE_CATALOGUE)
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _product_form(request, _product(request, pk))


@require_GET
@shop_view(Permission.MANAGE_CATALOGUE)
def product_vat_hint(request: HttpRequest) -> HttpResponse:
    """The suggested VAT rate for the category and name being typed (htmx fragment)."""
    shop = _shop(request)
    categories = {str(c.pk): c for c in selectors.categories_of(shop)}
    suggestion = _suggestion(
        shop,
        categories.get(request.GET.get("category", "")),
        request.GET.get("new_category", "")[:80],
        request.GET.get("name", "")[:120],
    )
    return render(
        request,
        "backoffice/products_vat_hint.html",
        {"suggestion": suggestion, "label": _suggested_label(suggestion)},
    )
