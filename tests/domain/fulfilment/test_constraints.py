"""The database refuses what fulfilment must never hold, even past the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from comptoir.domain.catalogue.models import MAX_LEAD_TIME_MINUTES, Product
from comptoir.domain.fulfilment.models import (
    DailyQuotaUsage,
    DeliveryPostcode,
    DeliverySettings,
    PostcodeArea,
    SlotBooking,
)
from tests.domain.fulfilment.support import paris
from tests.domain.violations import refused_by
from tests.factories import make_product, make_shop

pytestmark = pytest.mark.django_db

NINE = paris("2026-03-10 09:00")
CHRISTMAS_EVE = date(2026, 12, 24)


# Products


def test_it_refuses_a_product_lead_time_over_30_days(shop):
    product = make_product(shop, lead_time_minutes=60)

    with refused_by("catalogue_product_lead_time_at_most_30_days"):
        Product.objects.filter(pk=product.pk).update(lead_time_minutes=MAX_LEAD_TIME_MINUTES + 1)

    assert Product.objects.get(pk=product.pk).lead_time_minutes == 60


def test_it_accepts_a_product_lead_time_of_30_days_zero_or_the_shops(shop):
    products = [
        make_product(shop, lead_time_minutes=MAX_LEAD_TIME_MINUTES),
        make_product(shop, lead_time_minutes=0),
        make_product(shop, lead_time_minutes=None),
    ]

    assert [Product.objects.get(pk=p.pk).lead_time_minutes for p in products] == [
        43200,
        0,
        None,
    ]


def test_it_refuses_a_daily_quota_of_zero(shop):
    product = make_product(shop, daily_quota=5)

    with refused_by("catalogue_product_daily_quota_positive"):
        Product.objects.filter(pk=product.pk).update(daily_quota=0)

    assert Product.objects.get(pk=product.pk).daily_quota == 5


def test_it_accepts_a_daily_quota_of_one_or_none(shop):
    one, none = make_product(shop, daily_quota=1), make_product(shop, daily_quota=None)

    assert [Product.objects.get(pk=p.pk).daily_quota for p in (one, none)] == [1, None]


# Delivery settings


def test_it_refuses_a_negative_free_delivery_amount(shop):
    with refused_by("fulfilment_deliverysettings_free_above_non_negative"):
        DeliverySettings.objects.create(shop=shop, free_above=Decimal("-0.01"))

    assert not DeliverySettings.objects.exists()


def test_it_refuses_delivery_slots_shorter_than_five_minutes(shop):
    with refused_by("fulfilment_deliverysettings_slot_minutes_min"):
        DeliverySettings.objects.create(shop=shop, slot_minutes=4)

    assert not DeliverySettings.objects.exists()


def test_it_refuses_delivery_slots_taking_no_order(shop):
    with refused_by("fulfilment_deliverysettings_slot_capacity_min"):
        DeliverySettings.objects.create(shop=shop, slot_capacity=0)

    assert not DeliverySettings.objects.exists()


def test_it_accepts_the_smallest_delivery_settings(shop):
    other = make_shop(shop.city)
    DeliverySettings.objects.create(
        shop=shop, free_above=Decimal("0"), slot_minutes=5, slot_capacity=1
    )
    DeliverySettings.objects.create(shop=other, free_above=None)

    assert list(
        DeliverySettings.objects.order_by("shop_id").values_list(
            "free_above", "slot_minutes", "slot_capacity"
        )
    ) == [(Decimal("0.00"), 5, 1), (None, 60, 3)]


def test_it_refuses_one_postcode_twice_for_a_shop(shop):
    DeliveryPostcode.objects.create(shop=shop, postal_code="76000")

    with refused_by(
        "fulfilment_deliverypostcode_unique",
        sqlite="UNIQUE constraint failed: "
        "fulfilment_deliverypostcode.shop_id, fulfilment_deliverypostcode.postal_code",
    ):
        DeliveryPostcode.objects.create(shop=shop, postal_code="76000")

    assert DeliveryPostcode.objects.count() == 1


def test_it_accepts_one_postcode_for_two_shops(shop):
    DeliveryPostcode.objects.create(shop=shop, postal_code="76000")
    DeliveryPostcode.objects.create(shop=make_shop(shop.city), postal_code="76000")

    assert DeliveryPostcode.objects.filter(postal_code="76000").count() == 2


def test_it_refuses_a_blank_postcode(shop):
    with refused_by("fulfilment_deliverypostcode_not_blank"):
        DeliveryPostcode.objects.create(shop=shop, postal_code="")

    assert not DeliveryPostcode.objects.exists()


def test_it_accepts_a_short_postcode(shop):
    DeliveryPostcode.objects.create(shop=shop, postal_code="1")

    assert list(DeliveryPostcode.objects.values_list("postal_code", flat=True)) == ["1"]


# Slot bookings


def booking(shop, **fields) -> SlotBooking:
    defaults = {"city": shop.city, "shop": shop, "kind": "collect", "starts_at": NINE}
    return SlotBooking.objects.create(**(defaults | fields))


def test_it_refuses_two_booking_rows_for_one_slot(shop):
    booking(shop, booked=1)

    with refused_by(
        "fulfilment_slotbooking_unique_slot",
        sqlite="UNIQUE constraint failed: fulfilment_slotbooking.shop_id, "
        "fulfilment_slotbooking.kind, fulfilment_slotbooking.starts_at",
    ):
        booking(shop, booked=1)

    assert list(SlotBooking.objects.values_list("booked", flat=True)) == [1]


def test_it_accepts_one_start_for_two_kinds_and_two_shops(shop):
    booking(shop)
    booking(shop, kind="delivery")
    booking(make_shop(shop.city))

    assert SlotBooking.objects.filter(starts_at=NINE).count() == 3


def test_it_refuses_a_negative_booking_count(shop):
    row = booking(shop, booked=1)

    # The column is unsigned too: both databases report that unnamed check
    # first; the named constraint states the rule in the model.
    unnamed = {"postgresql": "fulfilment_slotbooking_booked_check", "sqlite": "failed: booked"}
    with refused_by(unnamed[connection.vendor]):
        SlotBooking.objects.filter(pk=row.pk).update(booked=-1)

    assert SlotBooking.objects.get(pk=row.pk).booked == 1


def test_it_refuses_an_unknown_slot_kind(shop):
    with refused_by("fulfilment_slotbooking_kind_valid"):
        booking(shop, kind="drone")

    assert not SlotBooking.objects.exists()


def test_it_accepts_an_empty_slot_of_each_kind(shop):
    booking(shop, kind="collect", booked=0)
    booking(shop, kind="delivery", booked=0)

    assert sorted(SlotBooking.objects.values_list("kind", "booked")) == [
        ("collect", 0),
        ("delivery", 0),
    ]


# Daily quota usage


def usage(product, **fields) -> DailyQuotaUsage:
    defaults = {"city_id": product.city_id, "product": product, "day": CHRISTMAS_EVE}
    return DailyQuotaUsage.objects.create(**(defaults | fields))


def test_it_refuses_two_usage_rows_for_one_product_and_day(shop):
    log = make_product(shop, daily_quota=5)
    usage(log, used=2)

    with refused_by(
        "fulfilment_dailyquotausage_unique_day",
        sqlite="UNIQUE constraint failed: "
        "fulfilment_dailyquotausage.product_id, fulfilment_dailyquotausage.day",
    ):
        usage(log, used=1)

    assert list(DailyQuotaUsage.objects.values_list("used", flat=True)) == [2]


def test_it_accepts_one_product_on_two_days_and_two_products_on_one(shop):
    log, galette = make_product(shop, daily_quota=5), make_product(shop, daily_quota=5)
    usage(log)
    usage(log, day=date(2026, 12, 31))
    usage(galette)

    assert DailyQuotaUsage.objects.count() == 3


def test_it_refuses_a_negative_quota_usage(shop):
    row = usage(make_product(shop, daily_quota=5), used=1)

    unnamed = {"postgresql": "fulfilment_dailyquotausage_used_check", "sqlite": "failed: used"}
    with refused_by(unnamed[connection.vendor]):
        DailyQuotaUsage.objects.filter(pk=row.pk).update(used=-1)

    assert DailyQuotaUsage.objects.get(pk=row.pk).used == 1


def test_it_accepts_a_quota_usage_of_zero(shop):
    row = usage(make_product(shop, daily_quota=5), used=0)

    assert DailyQuotaUsage.objects.get(pk=row.pk).used == 0


def test_it_refuses_two_areas_for_one_postcode_of_a_country():
    with refused_by(
        "fulfilment_postcodearea_unique",
        sqlite="UNIQUE constraint failed: "
        "fulfilment_postcodearea.country, fulfilment_postcodearea.postal_code",
    ):
        PostcodeArea.objects.create(
            country="FR",
            postal_code="76000",
            name="Rouen again",
            latitude=Decimal("49.4"),
            longitude=Decimal("1.1"),
        )

    assert PostcodeArea.objects.filter(postal_code="76000").count() == 1


def test_it_accepts_one_postcode_in_two_countries():
    PostcodeArea.objects.create(
        country="BE", postal_code="76000", name="Ailleurs", latitude=0, longitude=0
    )

    assert PostcodeArea.objects.filter(postal_code="76000").count() == 2


def test_it_refuses_an_area_without_a_postcode():
    with refused_by("fulfilment_postcodearea_not_blank"):
        PostcodeArea.objects.create(
            country="FR", postal_code="", name="Nowhere", latitude=0, longitude=0
        )

    assert not PostcodeArea.objects.filter(postal_code="").exists()


@pytest.mark.parametrize(
    ("latitude", "longitude", "constraint"),
    [
        (Decimal("90.000001"), Decimal("0"), "fulfilment_postcodearea_latitude_range"),
        (Decimal("-90.000001"), Decimal("0"), "fulfilment_postcodearea_latitude_range"),
        (Decimal("0"), Decimal("180.000001"), "fulfilment_postcodearea_longitude_range"),
        (Decimal("0"), Decimal("-180.000001"), "fulfilment_postcodearea_longitude_range"),
    ],
)
def test_it_refuses_an_area_centre_off_the_globe(latitude, longitude, constraint):
    with refused_by(constraint):
        PostcodeArea.objects.create(
            country="XX", postal_code="1", name="Off", latitude=latitude, longitude=longitude
        )

    assert not PostcodeArea.objects.filter(country="XX").exists()


def test_it_accepts_area_centres_at_the_limits():
    for code, (latitude, longitude) in enumerate([(90, 180), (-90, -180)]):
        PostcodeArea.objects.create(
            country="XX", postal_code=str(code), name="Pole", latitude=latitude, longitude=longitude
        )

    assert PostcodeArea.objects.filter(country="XX").count() == 2
