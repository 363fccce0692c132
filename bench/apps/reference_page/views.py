from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from bench.apps.reference_page.models import Category, Product


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def shelf(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    products = Product.objects.filter(category=category).order_by("position", "name")
    return render(
        request,
        "reference_page/shelf.html",
        {"category": category, "products": products},
    )


def product(request: HttpRequest, slug: str, product_slug: str) -> HttpResponse:
    found = get_object_or_404(Product, category__slug=slug, slug=product_slug)
    return render(
        request, "reference_page/shelf.html", {"category": found.category, "products": [found]}
    )
