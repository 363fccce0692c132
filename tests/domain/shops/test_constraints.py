"""The database refuses what shops must never hold, even past the services."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.utils import timezone

from comptoir.domain.shops.models import Closure, Membership, OpeningHours, Role, Shop
from tests.domain.violations import refused_by
from tests.factories import make_membership, make_opening_hours, make_shop, make_user

pytestmark = pytest.mark.django_db


def test_it_refuses_two_shops_with_one_slug_in_a_city(city):
    make_shop(city, slug="chez-paul")

    with refused_by(
        "shops_shop_slug_unique_in_city",
        sqlite="UNIQUE constraint failed: shops_shop.city_id, shops_shop.slug",
    ):
        make_shop(city, slug="chez-paul")

    assert Shop.objects.count() == 1


def test_it_accepts_one_slug_in_two_cities(city):
    make_shop(city, slug="chez-paul")
    make_shop(slug="chez-paul")

    assert Shop.objects.filter(slug="chez-paul").count() == 2


def test_it_refuses_an_unknown_trade(city):
    with refused_by("shops_shop_trade_valid"):
        make_shop(city, trade="casino")

    assert not Shop.objects.exists()


@pytest.mark.parametrize("latitude", [Decimal("90.000001"), Decimal("-90.000001")])
def test_it_refuses_a_latitude_out_of_range(city, latitude):
    with refused_by("shops_shop_latitude_range"):
        make_shop(city, latitude=latitude)

    assert not Shop.objects.exists()


@pytest.mark.parametrize("longitude", [Decimal("180.000001"), Decimal("-180.000001")])
def test_it_refuses_a_longitude_out_of_range(city, longitude):
    with refused_by("shops_shop_longitude_range"):
        make_shop(city, longitude=longitude)

    assert not Shop.objects.exists()


def test_it_accepts_coordinates_at_the_limits(city):
    make_shop(city, latitude=Decimal("90"), longitude=Decimal("180"))
    make_shop(city, latitude=Decimal("-90"), longitude=Decimal("-180"))

    assert Shop.objects.count() == 2


def test_it_refuses_pickup_slots_shorter_than_five_minutes(shop):
    with refused_by("shops_shop_slot_minutes_min"):
        Shop.objects.filter(pk=shop.pk).update(slot_minutes=4)

    assert Shop.objects.get(pk=shop.pk).slot_minutes == 15


def test_it_refuses_pickup_slots_taking_no_order(shop):
    with refused_by("shops_shop_slot_capacity_min"):
        Shop.objects.filter(pk=shop.pk).update(slot_capacity=0)

    assert Shop.objects.get(pk=shop.pk).slot_capacity == 4


def test_it_refuses_a_negative_delivery_fee(shop):
    with refused_by("shops_shop_delivery_fee_non_negative"):
        Shop.objects.filter(pk=shop.pk).update(delivery_fee=Decimal("-0.01"))

    assert Shop.objects.get(pk=shop.pk).delivery_fee == Decimal("0.00")


def test_it_refuses_a_negative_delivery_minimum(shop):
    with refused_by("shops_shop_delivery_minimum_non_negative"):
        Shop.objects.filter(pk=shop.pk).update(delivery_minimum=Decimal("-0.01"))

    assert Shop.objects.get(pk=shop.pk).delivery_minimum == Decimal("0.00")


@pytest.mark.parametrize("radius", [Decimal("0"), Decimal("-1")])
def test_it_refuses_a_delivery_radius_that_is_not_positive(shop, radius):
    with refused_by("shops_shop_delivery_radius_positive"):
        Shop.objects.filter(pk=shop.pk).update(delivery_radius_km=radius)

    assert Shop.objects.get(pk=shop.pk).delivery_radius_km == Decimal("3.00")


def test_it_accepts_the_smallest_fulfilment_settings(shop):
    Shop.objects.filter(pk=shop.pk).update(
        slot_minutes=5,
        slot_capacity=1,
        delivery_fee=Decimal("0"),
        delivery_minimum=Decimal("0"),
        delivery_radius_km=Decimal("0.01"),
    )

    shop.refresh_from_db()
    assert (shop.slot_minutes, shop.slot_capacity, shop.delivery_radius_km) == (
        5,
        1,
        Decimal("0.01"),
    )


def test_it_refuses_to_escalate_orders_after_zero_minutes(shop):
    with refused_by("shops_shop_escalate_after_positive"):
        Shop.objects.filter(pk=shop.pk).update(escalate_after_minutes=0)

    assert Shop.objects.get(pk=shop.pk).escalate_after_minutes == 3


@pytest.mark.parametrize("refuse_after", [3, 2])
def test_it_refuses_an_auto_refusal_before_the_owner_is_alerted(shop, refuse_after):
    with refused_by("shops_shop_auto_refuse_after_escalation"):
        Shop.objects.filter(pk=shop.pk).update(
            escalate_after_minutes=3, auto_refuse_after_minutes=refuse_after
        )

    assert Shop.objects.get(pk=shop.pk).auto_refuse_after_minutes == 15


def test_it_accepts_the_tightest_desk_escalation_or_none_at_all(shop):
    Shop.objects.filter(pk=shop.pk).update(escalate_after_minutes=1, auto_refuse_after_minutes=2)
    other = make_shop(city=shop.city)
    Shop.objects.filter(pk=other.pk).update(auto_refuse_after_minutes=None)

    shop.refresh_from_db()
    other.refresh_from_db()
    assert (shop.escalate_after_minutes, shop.auto_refuse_after_minutes) == (1, 2)
    assert other.auto_refuse_after_minutes is None


def test_it_refuses_a_weekday_after_sunday(shop):
    with refused_by("shops_openinghours_weekday_range"):
        make_opening_hours(shop, 7, "08:00", "12:00")

    assert not OpeningHours.objects.exists()


def test_it_accepts_monday_and_sunday(shop):
    make_opening_hours(shop, 0, "08:00", "12:00")
    make_opening_hours(shop, 6, "08:00", "12:00")

    assert sorted(OpeningHours.objects.values_list("weekday", flat=True)) == [0, 6]


@pytest.mark.parametrize("closes", ["08:00", "07:59"])
def test_it_refuses_opening_hours_that_do_not_open_before_closing(shop, closes):
    with refused_by("shops_openinghours_opens_before_closes"):
        make_opening_hours(shop, 0, "08:00", closes)

    assert not OpeningHours.objects.exists()


def test_it_accepts_opening_hours_one_minute_long(shop):
    make_opening_hours(shop, 0, "08:00", "08:01")

    assert OpeningHours.objects.get().closes == time(8, 1)


def test_it_refuses_two_ranges_starting_together_on_one_day(shop):
    make_opening_hours(shop, 0, "08:00", "12:00")

    with refused_by(
        "shops_openinghours_unique_start",
        sqlite="UNIQUE constraint failed: shops_openinghours.shop_id, shops_openinghours.weekday, "
        "shops_openinghours.opens",
    ):
        make_opening_hours(shop, 0, "08:00", "10:00")

    assert OpeningHours.objects.count() == 1


def test_it_accepts_one_start_time_on_two_days_and_in_two_shops(shop):
    make_opening_hours(shop, 0, "08:00", "12:00")
    make_opening_hours(shop, 1, "08:00", "12:00")
    make_opening_hours(make_shop(shop.city), 0, "08:00", "12:00")

    assert OpeningHours.objects.count() == 3


def test_it_refuses_a_closure_ending_before_it_starts(shop):
    with refused_by("shops_closure_ends_after_start"):
        Closure.objects.create(shop=shop, starts_on=date(2026, 8, 2), ends_on=date(2026, 8, 1))

    assert not Closure.objects.exists()


def test_it_accepts_a_one_day_closure(shop):
    Closure.objects.create(shop=shop, starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 1))

    assert Closure.objects.count() == 1


def test_it_refuses_two_memberships_of_one_person_in_one_shop(shop):
    user = make_user()
    make_membership(shop, user, role=Role.STAFF)

    with refused_by(
        "shops_membership_unique",
        sqlite="UNIQUE constraint failed: shops_membership.user_id, shops_membership.shop_id",
    ):
        make_membership(shop, user, role=Role.OWNER)

    assert list(Membership.objects.values_list("role", flat=True)) == [Role.STAFF]


def test_it_accepts_one_person_in_two_shops(shop):
    user = make_user()
    make_membership(shop, user)
    make_membership(make_shop(shop.city), user)

    assert Membership.objects.filter(user=user).count() == 2


def test_it_refuses_an_unknown_role(shop):
    with refused_by("shops_membership_role_valid"):
        make_membership(shop, role="manager")

    assert not Membership.objects.exists()


def test_it_accepts_every_role(shop):
    make_membership(shop, role=Role.OWNER)
    make_membership(shop, role=Role.STAFF)

    assert sorted(Membership.objects.values_list("role", flat=True)) == ["owner", "staff"]


@pytest.mark.parametrize("slug", ["search", "basket", "checkout"])
def test_it_refuses_a_shop_slug_reserved_for_city_pages(city, slug):
    with refused_by("shops_shop_slug_not_reserved"):
        make_shop(city, slug=slug)

    assert not Shop.objects.filter(slug=slug).exists()


def test_it_accepts_a_shop_slug_that_only_starts_like_a_reserved_one(city):
    assert make_shop(city, slug="search-2").slug == "search-2"


def test_it_refuses_a_suspended_shop_that_is_still_published(city):
    shop = make_shop(city)

    with refused_by("shops_shop_suspended_is_unpublished"):
        Shop.objects.filter(pk=shop.pk).update(suspended_at=timezone.now())


def test_it_accepts_a_suspended_shop_once_unpublished(city):
    shop = make_shop(city)

    Shop.objects.filter(pk=shop.pk).update(suspended_at=timezone.now(), is_active=False)

    assert Shop.objects.get(pk=shop.pk).suspended_at is not None
