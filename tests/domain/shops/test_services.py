from datetime import date, time
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from comptoir.core.errors import InvalidInput
from comptoir.domain.shops.errors import (
    AlreadyMember,
    ClosureEndsBeforeStart,
    InvalidOpeningHours,
    LastOwner,
    OpeningHoursInverted,
    OpeningHoursOverlap,
    UnknownWeekday,
)
from comptoir.domain.shops.models import Closure, Membership, OpeningHours, Role, Shop, Trade
from comptoir.domain.shops.services import (
    closure_add,
    free_slug,
    membership_add,
    membership_remove,
    shop_create,
    shop_pause,
    shop_resume,
    shop_set_opening_hours,
)
from tests.factories import make_city, make_membership, make_opening_hours, make_shop, make_user

pytestmark = pytest.mark.django_db


def create_shop(city, **fields):
    defaults: dict[str, Any] = {
        "name": "Boulangerie Paul",
        "trade": Trade.BAKERY,
        "street": "12 rue du Gros-Horloge",
        "postal_code": "76000",
        "locality": "Rouen",
        "latitude": Decimal("49.440800"),
        "longitude": Decimal("1.092100"),
    }
    return shop_create(city=city, **(defaults | fields))


def week(shop):
    return list(
        OpeningHours.objects.filter(shop=shop)
        .order_by("weekday", "opens")
        .values_list("weekday", "opens", "closes")
    )


# shop_create


def test_it_creates_a_shop_with_a_slug_from_its_name(city):
    shop = create_shop(city, name="Pâtisserie Éclair & Co")

    shop.refresh_from_db()
    assert (shop.city, shop.name, shop.slug, shop.trade) == (
        city,
        "Pâtisserie Éclair & Co",
        "patisserie-eclair-co",
        Trade.BAKERY,
    )
    assert (shop.is_paused, shop.is_active, shop.collect_enabled) == (False, True, True)
    assert not shop.memberships.exists()


def test_it_numbers_the_slug_of_a_second_shop_of_the_same_name_in_the_city(city):
    first = create_shop(city)
    second = create_shop(city)
    third = create_shop(city)

    assert [first.slug, second.slug, third.slug] == [
        "boulangerie-paul",
        "boulangerie-paul-2",
        "boulangerie-paul-3",
    ]


def test_it_reuses_a_slug_taken_only_in_another_city(city):
    create_shop(make_city())

    shop = create_shop(city)

    assert shop.slug == "boulangerie-paul"


def test_it_never_gives_a_shop_a_slug_reserved_for_city_pages(city):
    # /rouen/search/ is the search page, not a shop named "Search".
    assert create_shop(city, name="Search").slug == "search-2"


def test_it_falls_back_to_a_generic_slug_for_a_name_without_letters(city):
    assert create_shop(city, name="!!!").slug == "shop"


def test_free_slug_keeps_the_suffix_within_the_maximum_length(city):
    make_shop(city, slug="a" * 10)

    assert free_slug("A" * 30, taken=Shop.objects.all(), max_length=10, fallback="x") == (
        "a" * 8 + "-2"
    )


def test_it_makes_the_owner_an_owner_member(city):
    owner = make_user()

    shop = create_shop(city, owner=owner)

    assert list(shop.memberships.values_list("user", "role")) == [(owner.pk, Role.OWNER)]


def test_it_sets_fulfilment_options(city):
    shop = create_shop(
        city,
        phone="02 35 12 34 56",
        slot_minutes=10,
        slot_capacity=2,
        lead_time_minutes=60,
        delivery_enabled=True,
        delivery_fee=Decimal("3.50"),
        delivery_minimum=Decimal("20"),
        delivery_radius_km=Decimal("5"),
    )

    shop.refresh_from_db()
    assert shop.phone == "+33235123456"
    assert (shop.slot_minutes, shop.slot_capacity, shop.lead_time_minutes) == (10, 2, 60)
    assert (shop.delivery_enabled, shop.delivery_fee, shop.delivery_minimum) == (
        True,
        Decimal("3.50"),
        Decimal("20.00"),
    )
    assert shop.delivery_radius_km == Decimal("5.00")


def test_it_refuses_a_float_delivery_fee_and_creates_nothing(city):
    with pytest.raises(TypeError):
        create_shop(city, delivery_fee=3.5)

    assert not Shop.objects.exists()


def test_it_refuses_invalid_fulfilment_options_and_creates_nothing(city):
    owner = make_user()

    with pytest.raises(InvalidInput) as caught:
        create_shop(city, owner=owner, slot_minutes=2)

    assert caught.value.field == "slot_minutes"
    assert not Shop.objects.exists()
    assert not Membership.objects.exists()


def test_it_refuses_an_unknown_trade(city):
    with pytest.raises(InvalidInput) as caught:
        create_shop(city, trade="casino")

    assert caught.value.field == "trade"
    assert not Shop.objects.exists()


# shop_set_opening_hours


def test_it_sets_the_week_of_opening_hours(shop):
    shop_set_opening_hours(
        shop=shop,
        ranges=[
            (1, time(14), time(19)),
            (1, time(7), time(12, 30)),
            (5, time(7), time(13)),
        ],
    )

    assert week(shop) == [
        (1, time(7), time(12, 30)),
        (1, time(14), time(19)),
        (5, time(7), time(13)),
    ]


def test_it_replaces_the_previous_week(shop):
    make_opening_hours(shop, 0, "08:00", "18:00")
    make_opening_hours(shop, 2, "08:00", "18:00")

    shop_set_opening_hours(shop=shop, ranges=[(3, time(9), time(17))])

    assert week(shop) == [(3, time(9), time(17))]


def test_it_closes_the_whole_week_with_no_ranges(shop):
    make_opening_hours(shop, 0, "08:00", "18:00")

    shop_set_opening_hours(shop=shop, ranges=[])

    assert week(shop) == []


def test_it_accepts_ranges_that_touch(shop):
    shop_set_opening_hours(shop=shop, ranges=[(0, time(8), time(12)), (0, time(12), time(18))])

    assert week(shop) == [(0, time(8), time(12)), (0, time(12), time(18))]


def test_it_leaves_other_shops_hours_alone(shop):
    other = make_shop(shop.city)
    make_opening_hours(other, 0, "08:00", "18:00")

    shop_set_opening_hours(shop=shop, ranges=[(0, time(9), time(17))])

    assert week(other) == [(0, time(8), time(18))]


def test_it_refuses_overlapping_ranges_naming_the_day_and_keeps_the_week(shop):
    make_opening_hours(shop, 0, "08:00", "18:00")

    with pytest.raises(OpeningHoursOverlap) as caught:
        shop_set_opening_hours(
            shop=shop,
            ranges=[(2, time(8), time(12)), (4, time(8), time(12)), (4, time(11), time(15))],
        )

    assert isinstance(caught.value, InvalidOpeningHours)
    assert (caught.value.code, caught.value.weekday) == ("opening_hours_overlap", 4)
    with translation.override("en"):
        assert str(caught.value) == "On Friday, two opening ranges overlap."
    assert week(shop) == [(0, time(8), time(18))]


def test_it_refuses_two_ranges_starting_at_the_same_time(shop):
    with pytest.raises(OpeningHoursOverlap):
        shop_set_opening_hours(shop=shop, ranges=[(0, time(8), time(12)), (0, time(8), time(10))])

    assert week(shop) == []


def test_it_refuses_a_range_that_closes_before_it_opens(shop):
    make_opening_hours(shop, 0, "08:00", "18:00")

    with pytest.raises(OpeningHoursInverted) as caught:
        shop_set_opening_hours(shop=shop, ranges=[(6, time(18), time(8))])

    assert (caught.value.code, caught.value.weekday) == ("opening_hours_inverted", 6)
    with translation.override("en"):
        assert str(caught.value) == "On Sunday, the shop must open before it closes."
    assert week(shop) == [(0, time(8), time(18))]


def test_it_refuses_an_empty_range(shop):
    with pytest.raises(OpeningHoursInverted) as caught:
        shop_set_opening_hours(shop=shop, ranges=[(3, time(9), time(9))])

    assert caught.value.weekday == 3
    assert week(shop) == []


def test_it_refuses_an_unknown_weekday(shop):
    with pytest.raises(UnknownWeekday) as caught:
        shop_set_opening_hours(shop=shop, ranges=[(7, time(8), time(12))])

    assert (caught.value.code, caught.value.weekday, caught.value.params) == (
        "unknown_weekday",
        7,
        {"day": "7"},
    )
    assert week(shop) == []


# closure_add


def test_it_adds_a_closure(shop):
    closure = closure_add(
        shop=shop, starts_on=date(2026, 8, 3), ends_on=date(2026, 8, 24), reason=" Congés "
    )

    closure.refresh_from_db()
    assert (closure.shop, closure.starts_on, closure.ends_on, closure.reason) == (
        shop,
        date(2026, 8, 3),
        date(2026, 8, 24),
        "Congés",
    )


def test_it_adds_a_one_day_closure(shop):
    closure = closure_add(shop=shop, starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 1))

    assert (closure.starts_on, closure.ends_on, closure.reason) == (
        date(2026, 5, 1),
        date(2026, 5, 1),
        "",
    )


def test_it_refuses_a_closure_ending_before_it_starts(shop):
    with pytest.raises(ClosureEndsBeforeStart) as caught:
        closure_add(shop=shop, starts_on=date(2026, 8, 24), ends_on=date(2026, 8, 23))

    assert (caught.value.code, caught.value.field) == ("closure_ends_before_start", "ends_on")
    assert not Closure.objects.exists()


# membership_add / membership_remove


def test_it_adds_a_member(shop):
    user = make_user()

    membership = membership_add(shop=shop, user=user, role=Role.STAFF)

    assert list(shop.memberships.values_list("pk", "user", "role")) == [
        (membership.pk, user.pk, Role.STAFF)
    ]


def test_it_refuses_a_second_membership_in_the_same_shop(shop):
    user = make_user()
    make_membership(shop, user, role=Role.STAFF)

    with pytest.raises(AlreadyMember) as caught:
        membership_add(shop=shop, user=user, role=Role.OWNER)

    assert caught.value.code == "already_member"
    assert list(shop.memberships.values_list("user", "role")) == [(user.pk, Role.STAFF)]


def test_it_lets_one_person_work_in_two_shops(shop):
    user = make_user()
    make_membership(shop, user)
    other = make_shop(shop.city)

    membership_add(shop=other, user=user, role=Role.OWNER)

    assert sorted(user.memberships.values_list("shop", "role")) == [
        (shop.pk, Role.STAFF),
        (other.pk, Role.OWNER),
    ]


def test_it_refuses_an_unknown_role(shop):
    with pytest.raises(InvalidInput) as caught:
        membership_add(shop=shop, user=make_user(), role="manager")

    assert caught.value.field == "role"
    assert not Membership.objects.exists()


def test_it_removes_a_staff_member(shop):
    owner = make_membership(shop, role=Role.OWNER)
    staff = make_membership(shop, role=Role.STAFF)

    membership_remove(membership=staff)

    assert list(shop.memberships.values_list("pk", flat=True)) == [owner.pk]


def test_it_removes_an_owner_when_another_remains(shop):
    first = make_membership(shop, role=Role.OWNER)
    second = make_membership(shop, role=Role.OWNER)

    membership_remove(membership=first)

    assert list(shop.memberships.values_list("pk", flat=True)) == [second.pk]


def test_it_refuses_to_remove_the_last_owner(shop):
    owner = make_membership(shop, role=Role.OWNER)
    staff = make_membership(shop, role=Role.STAFF)

    with pytest.raises(LastOwner) as caught:
        membership_remove(membership=owner)

    assert caught.value.code == "last_owner"
    assert sorted(shop.memberships.values_list("pk", flat=True)) == [owner.pk, staff.pk]


def test_it_checks_the_role_in_the_database_not_the_stale_object(shop):
    owner = make_membership(shop, role=Role.OWNER)
    stale = Membership.objects.get(pk=owner.pk)
    stale.role = Role.STAFF  # as if loaded before a promotion to owner

    with pytest.raises(LastOwner):
        membership_remove(membership=stale)

    assert list(shop.memberships.values_list("pk", flat=True)) == [owner.pk]


# shop_pause / shop_resume


def test_it_pauses_orders(shop):
    shop_pause(shop=shop)

    assert Shop.objects.get(pk=shop.pk).is_paused is True


def test_it_resumes_orders(shop):
    Shop.objects.filter(pk=shop.pk).update(is_paused=True)
    shop.refresh_from_db()

    shop_resume(shop=shop)

    assert Shop.objects.get(pk=shop.pk).is_paused is False


def test_it_pauses_only_the_given_shop(shop):
    other = make_shop(shop.city)

    shop_pause(shop=shop)

    assert Shop.objects.get(pk=other.pk).is_paused is False


def test_it_keeps_a_paused_shop_paused_when_paused_again(shop):
    shop_pause(shop=shop)
    shop_pause(shop=shop)

    assert Shop.objects.get(pk=shop.pk).is_paused is True
