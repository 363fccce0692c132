"""The example clients (examples/) against a real server with the demo city.

As a new user would run them: the shop script for each of two shops (the
demo staff account works in both), then the customer script, each as a
plain `python` process without site-packages (so standard library only).
The customer's script must see each of its orders accepted live.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.models import Product
from comptoir.domain.fulfilment.selectors import pickup_slots
from comptoir.domain.orders.models import Order
from comptoir.domain.shops.models import Membership, Role, Shop
from tests.servers import running_server

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = Path(settings.BASE_DIR) / "examples"
TIMEOUT = 90


def python(script: str, *args: str) -> list[str]:
    # -S: no site-packages, so the script can only use the standard library.
    return [sys.executable, "-S", str(EXAMPLES / script), *args]


def takes_pickup_orders(shop: Shop) -> bool:
    return bool(pickup_slots(shop=shop, products=[], now=timezone.now(), days=7))


def sells_croissants(shop: Shop) -> bool:
    return Product.objects.filter(shop=shop, name__icontains="croissant", is_active=True).exists()


def demo_with_two_staffed_shops() -> list[Shop]:
    """The demo city, whose staff account works in two shops (a second one added if needed)."""
    call_command("demo_city", shops=8, products_per_shop=25, seed=1, stdout=io.StringIO())
    staff = User.objects.get(email="vendeur@demo.comptoir.fr")
    shops = [
        m.shop for m in Membership.objects.filter(user=staff).select_related("shop").order_by("pk")
    ]
    if len(shops) < 2:
        others = sorted(
            Shop.objects.exclude(pk=shops[0].pk), key=lambda s: (not sells_croissants(s), s.pk)
        )
        second = next(s for s in others if takes_pickup_orders(s))
        Membership.objects.create(user=staff, shop=second, role=Role.STAFF)
        shops.append(second)
    assert all(takes_pickup_orders(shop) for shop in shops[:2])
    return shops[:2]


def test_the_shop_scripts_accept_what_the_customer_script_orders_live():
    shops = demo_with_two_staffed_shops()
    customer = User.objects.get(email="client@demo.comptoir.fr")
    shop_ids = [arg for shop in shops for arg in ("--shop-id", str(shop.pk))]

    with running_server() as base_url:
        desks = [
            subprocess.Popen(
                python(
                    "shop_accept.py",
                    base_url,
                    "--shop-id",
                    str(shop.pk),
                    "--count",
                    "1",
                    "--timeout",
                    str(TIMEOUT),
                ),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for shop in shops
        ]
        try:
            ordered = subprocess.run(
                python("customer_order.py", base_url, *shop_ids, "--timeout", str(TIMEOUT)),
                capture_output=True,
                text=True,
                timeout=TIMEOUT + 30,
            )
            desk_outputs = [desk.communicate(timeout=TIMEOUT + 30)[0] for desk in desks]
        finally:
            for desk in desks:
                if desk.poll() is None:
                    desk.kill()
                    desk.wait()

    orders = list(Order.objects.filter(customer=customer).select_related("shop"))
    assert ordered.returncode == 0, ordered.stdout + ordered.stderr + "".join(desk_outputs)
    assert {order.shop for order in orders} == set(shops)
    assert {order.state for order in orders} == {"accepted"}
    lines = ordered.stdout.splitlines()
    for order in orders:
        placed = f"Ordered {order.number} at {order.shop.name}: "
        (answer,) = [line for line in lines if line.startswith(placed)]
        if answer.startswith(placed + "accepted"):
            # The shop's script was faster than the checkout's answer (it is read after
            # the commit that told the desk): nothing was left to hear live.
            continue
        # Heard on the order's stream, not read back afterwards.
        assert f"{order.number} at {order.shop.name}: accepted" in lines, ordered.stdout
    assert lines[-1] == "All 2 orders accepted."
    order_of = {order.shop_id: order for order in orders}
    for shop, desk, output in zip(shops, desks, desk_outputs, strict=True):
        assert desk.returncode == 0, output
        assert f"[{shop.name}] accepted {order_of[shop.pk].number}" in output, output


def test_the_shop_script_says_which_shops_it_could_serve():
    shops = demo_with_two_staffed_shops()
    stranger = Shop.objects.exclude(memberships__user__email="vendeur@demo.comptoir.fr").first()
    assert stranger is not None

    with running_server() as base_url:
        unknown = subprocess.run(
            python("shop_accept.py", base_url, "--shop-id", str(stranger.pk)),
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert unknown.returncode == 2
    assert f"does not work in shop {stranger.pk}" in unknown.stdout
    assert "Which shop? Pass --shop-id ID" in unknown.stdout
    # The account's own shops, from GET /api/v1/auth/shops.
    for shop in shops:
        assert f"{shop.pk:>6}  {shop.name} (staff)" in unknown.stdout
    assert f"{stranger.pk:>6}  {stranger.name}" not in unknown.stdout
