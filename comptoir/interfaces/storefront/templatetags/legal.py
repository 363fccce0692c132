"""The footer's legal links and "Change city", city-aware on a live city's pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from comptoir.domain.cities.models import City
from comptoir.domain.legal.models import LegalKind

register = template.Library()


@register.inclusion_tag("storefront/_footer_legal.html", takes_context=True)
def footer_legal(context: template.Context) -> dict[str, Any]:
    """Links to each legal page: the city's on a live city's pages, the platform's elsewhere.

    No query: the kinds are fixed and a city without its own page shows the
    platform's default at the same address.
    """
    city = context.get("city")
    if not isinstance(city, City) or not city.is_live:
        city = None
    links = [
        (
            label,
            reverse("storefront:legal", kwargs={"city_slug": city.slug, "kind": kind})
            if city
            else reverse("storefront:platform_legal", kwargs={"kind": kind}),
        )
        for kind, label in LegalKind.choices
    ]
    return {"city": city, "links": links}
