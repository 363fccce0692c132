"""Who may read which city's figures."""

from __future__ import annotations

from django.db.models import QuerySet

from comptoir.domain.accounts.models import User
from comptoir.domain.cities.models import City


def partner_cities(*, user: User) -> QuerySet[City]:
    """The cities whose figures `user` may read: theirs as a partner, every one for operators."""
    if not user.is_authenticated or not user.is_active:
        return City.objects.none()
    if user.is_staff:
        return City.objects.order_by("name")
    return City.objects.filter(partners__user=user).distinct().order_by("name")


def partner_city(*, user: User, city_slug: str) -> City | None:
    """The city `city_slug` if `user` may read its figures, else None (the page says 404)."""
    return partner_cities(user=user).filter(slug=city_slug).first()
