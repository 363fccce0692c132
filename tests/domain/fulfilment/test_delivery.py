"""Delivery: the zone (radius or postcodes), the fee, the minimum, and delivery slots."""

from decimal import Decimal
from typing import TypedDict

import pytest
from django.utils import translation

from comptoir.core.errors import InvalidInput
from comptoir.domain.fulfilment.errors import (
    AddressNotLocated,
    BelowDeliveryMinimum,
    DeliveryUnavailable,
    OutsideDeliveryZone,
)
from comptoir.domain.fulfilment.models import DeliveryPostcode, DeliverySettings
from comptoir.domain.fulfilment.selectors import (
    DeliveryQuote,
    delivery_postcodes_of,
    delivery_quote,
    delivery_settings_of,
    delivery_slots,
    load_delivery,
)
from comptoir.domain.fulfilment.services import delivery_postcodes_set, delivery_settings_set
from comptoir.domain.shops.models import Shop
from tests.domain.fulfilment.support import hhmm, open_every_day, paris
from tests.factories import make_shop

pytestmark = pytest.mark.django_db


class Point(TypedDict):
    latitude: Decimal
    longitude: Decimal


# The shop sits at 49.440800, 1.092100 (Gros-Horloge, Rouen).
NEARBY = Point(latitude=Decimal("49.449800"), longitude=Decimal("1.092100"))  # 1.00 km north
FAR = Point(latitude=Decimal("49.530700"), longitude=Decimal("1.092100"))  # 10.00 km north


@pytest.fixture
def delivering(city) -> Shop:
    return make_shop(
        city,
        delivery_enabled=True,
        delivery_fee=Decimal("3.50"),
        delivery_minimum=Decimal("15.00"),
        delivery_radius_km=Decimal("3.00"),
    )


def test_it_quotes_the_fee_for_an_address_inside_the_radius(delivering):
    quote = delivery_quote(
        shop=delivering, **NEARBY, postal_code="76000", subtotal=Decimal("20.00")
    )

    assert quote == DeliveryQuote(
        fee=Decimal("3.50"),
        free_above=None,
        minimum=Decimal("15.00"),
        distance_km=Decimal("1.00"),
    )


def test_it_refuses_an_address_outside_the_radius_and_suggests_click_and_collect(delivering):
    with pytest.raises(OutsideDeliveryZone) as refused:
        delivery_quote(shop=delivering, **FAR, postal_code="76000", subtotal=Decimal("20.00"))

    assert refused.value.code == "outside_delivery_zone"
    with translation.override("en"):
        assert str(refused.value) == (
            "This address is outside the shop's delivery area. "
            "You can choose click & collect and pick up your order at the shop."
        )


def test_it_refuses_an_address_it_cannot_place_when_the_radius_decides(delivering):
    # 75001 (Paris) is not in the postcode areas that ship with Comptoir.
    with pytest.raises(AddressNotLocated) as refused:
        delivery_quote(
            shop=delivering,
            latitude=None,
            longitude=None,
            postal_code="75001",
            subtotal=Decimal("20.00"),
        )

    assert refused.value.code == "address_not_located"
    assert isinstance(refused.value, OutsideDeliveryZone)


def test_without_coordinates_it_measures_from_the_postcode_centre_and_says_so(delivering):
    # 76000's centre (49.443200, 1.099300) is 0.58 km from the shop.
    quote = delivery_quote(
        shop=delivering,
        latitude=None,
        longitude=None,
        postal_code="76 000",
        subtotal=Decimal("20.00"),
    )

    assert quote == DeliveryQuote(
        fee=Decimal("3.50"),
        free_above=None,
        minimum=Decimal("15.00"),
        distance_km=Decimal("0.58"),
        approximate=True,
    )


def test_a_postcode_centre_outside_the_radius_is_outside_the_zone(delivering):
    # Elbeuf (76500) is about 17 km south of the shop.
    with pytest.raises(OutsideDeliveryZone) as refused:
        delivery_quote(
            shop=delivering,
            latitude=None,
            longitude=None,
            postal_code="76500",
            subtotal=Decimal("20.00"),
        )

    assert refused.value.code == "outside_delivery_zone"


def test_known_coordinates_win_over_the_postcode_centre(delivering):
    # Coordinates 10 km north, postcode of the centre: the coordinates decide.
    with pytest.raises(OutsideDeliveryZone):
        delivery_quote(shop=delivering, **FAR, postal_code="76000", subtotal=Decimal("20.00"))


def test_a_shop_listing_postcodes_delivers_to_those_only(delivering):
    delivery_postcodes_set(shop=delivering, postal_codes=["76000", "76 100"])

    far_but_listed = delivery_quote(
        shop=delivering, **FAR, postal_code="76 100", subtotal=Decimal("20.00")
    )
    unlocated_but_listed = delivery_quote(
        shop=delivering, latitude=None, longitude=None, postal_code="76000", subtotal=Decimal("20")
    )
    with pytest.raises(OutsideDeliveryZone) as refused:
        delivery_quote(shop=delivering, **NEARBY, postal_code="76130", subtotal=Decimal("20.00"))

    assert far_but_listed.distance_km == Decimal("10.00")
    assert far_but_listed.fee == Decimal("3.50")
    assert unlocated_but_listed.distance_km is None
    assert refused.value.code == "outside_delivery_zone"


def test_delivery_is_free_from_the_free_above_amount(delivering):
    delivery_settings_set(shop=delivering, free_above=Decimal("40.00"))

    below = delivery_quote(
        shop=delivering, **NEARBY, postal_code="76000", subtotal=Decimal("39.99")
    )
    at = delivery_quote(shop=delivering, **NEARBY, postal_code="76000", subtotal=Decimal("40.00"))

    assert (below.fee, below.free_above) == (Decimal("3.50"), Decimal("40.00"))
    assert (at.fee, at.free_above) == (Decimal("0.00"), Decimal("40.00"))


def test_it_refuses_an_order_below_the_minimum_naming_what_is_missing(delivering):
    with pytest.raises(BelowDeliveryMinimum) as refused:
        delivery_quote(shop=delivering, **NEARBY, postal_code="76000", subtotal=Decimal("12.50"))

    assert refused.value.code == "below_delivery_minimum"
    assert refused.value.params == {"minimum": Decimal("15.00"), "missing": Decimal("2.50")}
    with translation.override("en"):
        assert str(refused.value) == (
            "Delivery starts from an order of €15.00: add €2.50 more, or choose click & collect."
        )
    with translation.override("fr"):
        assert "15,00\xa0€" in str(refused.value)


def test_it_accepts_an_order_of_exactly_the_minimum(delivering):
    quote = delivery_quote(
        shop=delivering, **NEARBY, postal_code="76000", subtotal=Decimal("15.00")
    )

    assert quote.fee == Decimal("3.50")


def test_the_zone_is_checked_before_the_minimum(delivering):
    with pytest.raises(OutsideDeliveryZone):
        delivery_quote(shop=delivering, **FAR, postal_code="76000", subtotal=Decimal("1.00"))


def test_a_shop_that_does_not_deliver_says_so(shop):
    with pytest.raises(DeliveryUnavailable) as refused:
        delivery_quote(shop=shop, **NEARBY, postal_code="76000", subtotal=Decimal("50.00"))

    assert refused.value.code == "delivery_unavailable"


def test_it_refuses_a_float_subtotal(delivering):
    with pytest.raises(TypeError):
        delivery_quote(shop=delivering, **NEARBY, postal_code="76000", subtotal=20.0)  # type: ignore[arg-type]


def test_delivery_slots_default_to_an_hour_for_three_orders(delivering):
    open_every_day(delivering, ("09:00", "12:30"))

    slots = delivery_slots(shop=delivering, products=[], now=paris("2026-03-10 08:00"), days=1)

    assert hhmm(slots) == ["09:00", "10:00", "11:00"]
    assert {(s.kind, s.remaining) for s in slots} == {("delivery", 3)}
    assert not DeliverySettings.objects.exists()


def test_delivery_slots_follow_the_shops_delivery_settings(delivering):
    delivery_settings_set(shop=delivering, slot_minutes=90, slot_capacity=2)
    open_every_day(delivering, ("09:00", "12:30"))
    reloaded = Shop.objects.get(pk=delivering.pk)

    slots = delivery_slots(shop=reloaded, products=[], now=paris("2026-03-10 08:00"), days=1)

    assert hhmm(slots) == ["09:00", "10:30"]
    assert {s.remaining for s in slots} == {2}


def test_a_shop_that_does_not_deliver_offers_no_delivery_slot(shop):
    open_every_day(shop, ("09:00", "12:30"))

    assert delivery_slots(shop=shop, products=[], now=paris("2026-03-10 08:00")) == []


def test_delivery_settings_are_validated_and_nothing_is_saved_when_refused(delivering):
    with pytest.raises(InvalidInput) as refused:
        delivery_settings_set(shop=delivering, slot_minutes=4)

    assert list(refused.value.errors) == ["slot_minutes"]
    assert not DeliverySettings.objects.exists()


def test_setting_postcodes_replaces_the_list_with_one_spelling_each(delivering):
    delivery_postcodes_set(shop=delivering, postal_codes=["76130"])

    codes = delivery_postcodes_set(shop=delivering, postal_codes=[" 76 000", "76000", "76100", ""])

    assert codes == ["76000", "76100"]
    assert list(
        DeliveryPostcode.objects.filter(shop=delivering).values_list("postal_code", flat=True)
    ) == ["76000", "76100"]


def test_a_postcode_too_long_is_refused_and_the_list_is_kept(delivering):
    delivery_postcodes_set(shop=delivering, postal_codes=["76000"])

    with pytest.raises(InvalidInput):
        delivery_postcodes_set(shop=delivering, postal_codes=["76100", "12345678901"])

    assert list(DeliveryPostcode.objects.values_list("postal_code", flat=True)) == ["76000"]


def test_the_delivery_rules_of_several_shops_load_in_two_queries_then_ask_nothing(
    city, django_assert_num_queries
):
    listing, plain = make_shop(city), make_shop(city)
    delivery_postcodes_set(shop=listing, postal_codes=["76000", "76 100"])
    delivery_settings_set(shop=listing, free_above=Decimal("40.00"), slot_minutes=45)
    shops = list(Shop.objects.filter(pk__in=[listing.pk, plain.pk]).order_by("pk"))

    with django_assert_num_queries(2):
        load_delivery(shops)
    with django_assert_num_queries(0):
        loaded, bare = delivery_settings_of(shops[0]), delivery_settings_of(shops[1])
        assert (loaded.free_above, loaded.slot_minutes, loaded.shop) == (
            Decimal("40.00"),
            45,
            shops[0],
        )
        # No row: the defaults, unsaved, as without load_delivery.
        assert (bare._state.adding, bare.free_above, bare.shop) == (True, None, shops[1])
        assert delivery_postcodes_of(shops[0]) == frozenset({"76000", "76100"})
        assert delivery_postcodes_of(shops[1]) == frozenset()
