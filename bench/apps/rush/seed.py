"""The rush's data, run in a child process with Django set up (`python -m bench.apps.rush.seed`).

    python -m bench.apps.rush.seed prepare CUSTOMERS  # seeds, then prints what `describe` prints
    python -m bench.apps.rush.seed describe           # JSON of what the virtual users need
    python -m bench.apps.rush.seed reset              # stock back to its start, baskets emptied
    python -m bench.apps.rush.seed verify SINCE       # oversell check of the orders after SINCE
    python -m bench.apps.rush.seed verify SINCE reset # both, one process (a Django start is 1.5 s)

Seeding, not user actions: rows are written with `bulk_create` / `update`,
as the demo generator does. The large city stays as `make demo-large` built
it for browsing and search; every tenth shop becomes a "rush shop" that is
always open (00:00–23:59 every day, no closure, not paused) with hour-long
pickup slots of 30,000 orders, and its products become orderable now (no
lead time, quota, pre-order date or "sold out today"). Their stock is finite
so that the oversell check means something: HOT_PRODUCTS of them hold
HOT_STOCK units (they sell out within seconds, and later checkouts must be
refused), the others BIG_STOCK.

Customers are signed in: CUSTOMERS users (unusable passwords) each get a
database session row as a log-in would write it, so a virtual user only
presents the session cookie, and every request pays what a signed-in
customer's request pays (session row, user row).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections import Counter
from datetime import timedelta
from typing import Any

CITY = "rouen"
RUSH_SHOP_EVERY = 10  # every tenth shop (pk order) takes orders: 160 of 1,600
HOT_PRODUCTS = 8
HOT_STOCK = 3
BIG_STOCK = 100_000
BROWSE_PRODUCTS = 4000  # product pages visited, drawn over the whole city
SEARCH_WORDS = 80
SLOT_CAPACITY = 30_000
BATCH = 2000
SESSION_LIFE = timedelta(days=14)


def _setup() -> None:
    import django

    django.setup()


def _rush_products() -> tuple[list[int], list[int]]:
    """(hot product ids, other orderable product ids), both in pk order."""
    from comptoir.domain.catalogue.models import Product

    ids = list(
        Product.objects.filter(
            shop_id__in=_rush_shop_ids(), is_active=True, price__gt=0
        ).values_list("pk", flat=True)
    )
    ids.sort()
    # Spread the hot ones over the rush shops.
    hot = ids[:: max(1, len(ids) // HOT_PRODUCTS)][:HOT_PRODUCTS]
    hot_set = set(hot)
    return hot, [pk for pk in ids if pk not in hot_set]


def _rush_shop_ids() -> list[int]:
    from comptoir.domain.shops.models import Shop

    shops = Shop.objects.filter(city__slug=CITY, is_active=True).order_by("pk")
    return list(shops.values_list("pk", flat=True))[::RUSH_SHOP_EVERY]


def session_key(n: int) -> str:
    """Customer n's session key: derived, so that `describe` finds it without decoding rows."""
    return hashlib.sha256(f"comptoir-rush-{n}".encode()).hexdigest()[:32]


def prepare(customers: int) -> dict[str, Any]:
    """Make the rush shops orderable, create the customers; what the client needs."""
    _setup()
    from datetime import time as clock

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone

    from comptoir.domain.accounts.backends import LOGIN_BACKEND
    from comptoir.domain.accounts.models import User
    from comptoir.domain.catalogue.models import Product
    from comptoir.domain.shops.models import Closure, OpeningHours, Shop

    rush = _rush_shop_ids()
    with transaction.atomic():
        OpeningHours.objects.filter(shop_id__in=rush).delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(shop_id=shop, weekday=day, opens=clock(0, 0), closes=clock(23, 59))
            for shop in rush
            for day in range(7)
        )
        Closure.objects.filter(shop_id__in=rush).delete()
        Shop.objects.filter(pk__in=rush).update(
            collect_enabled=True,
            slot_minutes=60,
            slot_capacity=SLOT_CAPACITY,
            lead_time_minutes=5,
            is_paused=False,
            paused_until=None,
        )
        Product.objects.filter(shop_id__in=rush).update(
            sold_out_until=None, lead_time_minutes=None, daily_quota=None, preorder_on=None
        )
    _reset_stock(*_rush_products())

    # Customers, signed in: a session row each, as django.contrib.auth.login writes it.
    hasher_free = make_password(None)  # one unusable hash is as good as 20,000
    users = [
        User(
            email=f"rush{n}@example.fr", password=hasher_free, first_name="Client", last_name=str(n)
        )
        for n in range(customers)
    ]
    users = User.objects.bulk_create(users, batch_size=BATCH)
    store = SessionStore()
    expires = timezone.now() + SESSION_LIFE
    backend = LOGIN_BACKEND  # what a log-in names (comptoir/domain/accounts/backends.py)
    rows = []
    for n, user in enumerate(users):
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(
            Session(
                session_key=session_key(n), session_data=store.encode(data), expire_date=expires
            )
        )
    Session.objects.bulk_create(rows, batch_size=BATCH)
    return describe()


def describe() -> dict[str, Any]:
    """What the client needs from a prepared city (read only: the same for each copy)."""
    _setup()
    from django.urls import reverse

    from comptoir.domain.accounts.models import User
    from comptoir.domain.catalogue.models import Product
    from comptoir.domain.shops.models import Shop

    rng = random.Random(7)
    rush = _rush_shop_ids()
    hot, orderable = _rush_products()
    customers = User.objects.filter(email__startswith="rush", email__endswith="@example.fr").count()
    shops = list(Shop.objects.filter(city__slug=CITY, is_active=True).values_list("slug", "trade"))
    product_rows = list(
        Product.objects.filter(city__slug=CITY, is_active=True, shop__is_active=True)
        .order_by("pk")
        .values_list("shop__slug", "slug", "name")
    )
    pages = rng.sample(product_rows, min(BROWSE_PRODUCTS, len(product_rows)))
    words = Counter(
        word
        for _, _, name in product_rows[::7]
        for word in re.findall(r"[^\W\d_]{4,}", name.lower())
    )
    by_shop: dict[int, list[int]] = {}
    wanted = set(orderable)
    for pk, shop_id in Product.objects.filter(shop_id__in=rush).values_list("pk", "shop_id"):
        if pk in wanted:
            by_shop.setdefault(shop_id, []).append(pk)
    return {
        "city": CITY,
        "shops": sorted(slug for slug, _ in shops),
        "trades": sorted({trade for _, trade in shops}),
        "products": [[shop, slug] for shop, slug, _ in pages],
        "words": [word for word, _ in words.most_common(SEARCH_WORDS)],
        "hot": hot,
        "orderable": [sorted(ids) for _, ids in sorted(by_shop.items())],
        "rush_shops": len(rush),
        "sessions": [session_key(n) for n in range(customers)],
        # The header links a signed-in customer here (a visitor signed out: to log in).
        "account_path": reverse("accounts:home"),
    }


def _reset_stock(hot: list[int], orderable: list[int]) -> None:
    from comptoir.domain.catalogue.models import Product

    Product.objects.filter(pk__in=hot).update(stock=HOT_STOCK)
    for start in range(0, len(orderable), BATCH):
        Product.objects.filter(pk__in=orderable[start : start + BATCH]).update(stock=BIG_STOCK)


def reset() -> dict[str, Any]:
    """Stock back to HOT_STOCK / BIG_STOCK, every basket emptied, sessions valid; the last order id.

    The customers' sessions come from the template, which may be older than
    their lifetime: they are made valid again.
    """
    _setup()
    from django.contrib.sessions.models import Session
    from django.db.models import Max
    from django.utils import timezone

    from comptoir.domain.orders.models import Basket, Order

    _reset_stock(*_rush_products())
    Basket.objects.all().delete()
    Session.objects.update(expire_date=timezone.now() + SESSION_LIFE)
    return {"since": Order.objects.aggregate(last=Max("pk"))["last"] or 0}


def verify(since: int) -> dict[str, Any]:
    """For the orders placed after order `since`: stock consumed == quantities ordered."""
    _setup()
    from django.db.models import Sum

    from comptoir.domain.catalogue.models import Product
    from comptoir.domain.orders.models import Order, OrderLine

    hot, orderable = _rush_products()
    start = dict.fromkeys(hot, HOT_STOCK) | dict.fromkeys(orderable, BIG_STOCK)
    ordered = dict(
        OrderLine.objects.filter(order_id__gt=since)
        .values("product_id")
        .annotate(units=Sum("quantity"))
        .values_list("product_id", "units")
    )
    stock: dict[int, int | None] = {}
    ids = list(start)
    for first in range(0, len(ids), BATCH):
        stock |= dict(
            Product.objects.filter(pk__in=ids[first : first + BATCH]).values_list("pk", "stock")
        )
    mismatched = [
        pk
        for pk, initial in start.items()
        if (left := stock[pk]) is None or initial - left != ordered.get(pk, 0)
    ]
    return {
        "orders": Order.objects.filter(pk__gt=since).count(),
        "checkouts": Order.objects.filter(pk__gt=since).values("checkout_id").distinct().count(),
        "units": sum(ordered.values()),
        "negative": Product.objects.filter(stock__lt=0).count(),
        "mismatched": len(mismatched),
        "outside": sum(units for pk, units in ordered.items() if pk not in start),
        "hot_sold_out": sum(1 for pk in hot if stock[pk] == 0),
        "hot": len(hot),
    }


def main() -> None:
    command, *args = sys.argv[1:]
    if command == "prepare":
        result = prepare(int(args[0]))
    elif command == "describe":
        result = describe()
    elif command == "reset":
        result = reset()
    elif command == "verify":
        result = verify(int(args[0]))
        if args[1:] == ["reset"]:  # and ready for the next rush, in the same process
            result["next_since"] = reset()["since"]
    else:
        raise SystemExit(f"unknown command {command}")
    print("@@RUSH@@" + json.dumps(result))


if __name__ == "__main__":
    main()
