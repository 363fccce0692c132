"""Shared set-up of the back-office catalogue tests: one shop, its owner, its staff."""

from __future__ import annotations

import io

from django.test import Client
from django.urls import reverse
from PIL import Image

from comptoir.domain.accounts.models import User
from comptoir.domain.shops.models import Role, Shop
from tests.factories import make_membership, make_user


def url(shop: Shop, name: str, *args: object) -> str:
    return reverse(f"backoffice:{name}", args=[shop.city.slug, shop.slug, *args])


def member(client: Client, shop: Shop, role: str) -> User:
    user = make_user()
    make_membership(shop, user, role)
    client.force_login(user)
    return user


def as_owner(client: Client, shop: Shop) -> User:
    return member(client, shop, Role.OWNER)


def as_staff(client: Client, shop: Shop) -> User:
    return member(client, shop, Role.STAFF)


def jpeg(size: tuple[int, int] = (1200, 900), name: str = "photo.jpg") -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, format="JPEG")
    out.seek(0)
    out.name = name
    return out
