"""The first-run checklist: what a new shop has set up, in one query."""

from datetime import UTC, datetime, timedelta

import pytest

from comptoir.domain.shops.checklist import shop_checklist
from comptoir.domain.shops.models import Role, ShopInvitation
from tests.factories import make_membership, make_opening_hours, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)


def done(checklist):
    return {item.key: item.done for item in checklist.items}


def test_a_bare_shop_has_only_fulfilment_done(city, django_assert_num_queries):
    shop = make_shop(city, collect_enabled=True)
    make_membership(shop, role=Role.OWNER)

    with django_assert_num_queries(1):
        checklist = shop_checklist(shop, now=NOW)

    assert done(checklist) == {
        "photo": False,
        "hours": False,
        "products": False,
        "fulfilment": True,
        "staff": False,
    }
    assert (checklist.done_count, checklist.total, checklist.percent) == (1, 4, 25)
    assert checklist.is_complete is False


def test_a_ready_shop_is_complete_without_the_optional_staff(city):
    shop = make_shop(city, photo="shops/front.jpg")
    make_opening_hours(shop, 1, "08:00", "19:00")
    for _ in range(5):
        make_product(shop)

    checklist = shop_checklist(shop, now=NOW)

    assert (checklist.done_count, checklist.percent, checklist.is_complete) == (4, 100, True)
    assert checklist.products_on_sale == 5


def test_it_counts_only_products_on_sale_of_this_shop(city):
    shop = make_shop(city)
    for _ in range(4):
        make_product(shop)
    make_product(shop, is_active=False)
    make_product(make_shop(city))

    checklist = shop_checklist(shop, now=NOW)

    assert (checklist.products_on_sale, done(checklist)["products"]) == (4, False)


def test_a_shop_without_collect_nor_delivery_has_fulfilment_to_do(city):
    shop = make_shop(city, collect_enabled=False, delivery_enabled=False)

    assert done(shop_checklist(shop, now=NOW))["fulfilment"] is False


def test_staff_is_done_with_a_second_member_or_an_open_invitation(city):
    shop = make_shop(city)
    make_membership(shop, role=Role.OWNER)
    invitation = ShopInvitation.objects.create(
        shop=shop,
        email="lea@example.fr",
        token_hash="a" * 64,
        created_at=NOW,
        expires_at=NOW + timedelta(days=7),
    )

    assert done(shop_checklist(shop, now=NOW))["staff"] is True
    assert done(shop_checklist(shop, now=invitation.expires_at))["staff"] is False

    make_membership(shop, make_user())
    assert done(shop_checklist(shop, now=invitation.expires_at))["staff"] is True
