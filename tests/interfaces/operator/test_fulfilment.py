"""Fulfilment in the back office: delivery settings and postcodes on the shop page
(saved by the fulfilment services), slot and quota counters read-only, product fields."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from comptoir.domain.catalogue.models import Product
from comptoir.domain.fulfilment.models import (
    DailyQuotaUsage,
    DeliveryPostcode,
    DeliverySettings,
    PostcodeArea,
    SlotBooking,
)
from comptoir.domain.fulfilment.services import delivery_postcodes_set
from tests.factories import make_shop
from tests.interfaces.operator.test_catalogue import product_form
from tests.interfaces.operator.test_orders import place_orders
from tests.interfaces.operator.test_shops import new_shop_form

NBSP = "\xa0"


def shop_change(shop):
    return reverse("admin:shops_shop_change", args=[shop.pk])


def delivery_form(shop, **fields: str) -> dict[str, str]:
    """The shop's change form with one delivery settings form and no postcode."""
    return (
        new_shop_form(shop.city)
        | {
            "name": shop.name,
            "slug": shop.slug,
            "opening_hours-TOTAL_FORMS": "0",
            "delivery_settings-TOTAL_FORMS": "1",
            "delivery_settings-0-shop": str(shop.pk),
            "delivery_settings-0-free_above": "40.00",
            "delivery_settings-0-slot_minutes": "30",
            "delivery_settings-0-slot_capacity": "5",
        }
        | fields
    )


def test_it_shows_delivery_settings_and_postcodes_on_the_shop_page(operator_client, shop):
    delivery_postcodes_set(shop=shop, postal_codes=["76100", "76000"])

    response = operator_client.get(shop_change(shop))

    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    assert [form.instance.postal_code for form in formsets["delivery_postcodes"].forms] == [
        "76000",
        "76100",
    ]
    assert formsets["delivery_settings"].max_num == 1
    assert formsets["delivery_settings"].can_delete is False


def test_it_saves_delivery_settings_and_postcodes_through_the_services(operator_client, shop):
    form = delivery_form(
        shop,
        **{
            "delivery_postcodes-TOTAL_FORMS": "2",
            "delivery_postcodes-0-postal_code": "76 000",
            "delivery_postcodes-1-postal_code": "76100",
        },
    )

    response = operator_client.post(shop_change(shop), form)

    assert response.status_code == 302
    settings = DeliverySettings.objects.get(shop=shop)
    assert (settings.free_above, settings.slot_minutes, settings.slot_capacity) == (
        Decimal("40.00"),
        30,
        5,
    )
    # "76 000" normalised: the postcodes service saved them.
    assert list(
        DeliveryPostcode.objects.filter(shop=shop).values_list("postal_code", flat=True)
    ) == ["76000", "76100"]


def test_it_removes_a_postcode(operator_client, shop):
    delivery_postcodes_set(shop=shop, postal_codes=["76000", "76100"])
    first, second = DeliveryPostcode.objects.filter(shop=shop).order_by("postal_code")
    form = new_shop_form(shop.city) | {
        "name": shop.name,
        "slug": shop.slug,
        "opening_hours-TOTAL_FORMS": "0",
        "delivery_postcodes-TOTAL_FORMS": "2",
        "delivery_postcodes-INITIAL_FORMS": "2",
        "delivery_postcodes-0-id": str(first.pk),
        "delivery_postcodes-0-shop": str(shop.pk),
        "delivery_postcodes-0-postal_code": "76000",
        "delivery_postcodes-1-id": str(second.pk),
        "delivery_postcodes-1-shop": str(shop.pk),
        "delivery_postcodes-1-postal_code": "76100",
        "delivery_postcodes-1-DELETE": "on",
    }

    response = operator_client.post(shop_change(shop), form)

    assert response.status_code == 302
    assert list(
        DeliveryPostcode.objects.filter(shop=shop).values_list("postal_code", flat=True)
    ) == ["76000"]


def test_it_refuses_a_slot_capacity_of_zero_and_saves_nothing(operator_client, shop):
    response = operator_client.post(
        shop_change(shop), delivery_form(shop, **{"delivery_settings-0-slot_capacity": "0"})
    )

    assert response.status_code == 200
    assert response.context["errors"]
    assert not DeliverySettings.objects.filter(shop=shop).exists()


def test_it_lists_slot_bookings_in_local_time_read_only(operator_client, city):
    place_orders(city)
    booking = SlotBooking.objects.get(kind="collect")

    response = operator_client.get(reverse("admin:fulfilment_slotbooking_changelist"))
    refused = operator_client.post(
        reverse("admin:fulfilment_slotbooking_change", args=[booking.pk]), {"booked": "0"}
    )

    html = response.content.decode()
    assert '<td class="field-starts_local">10/03/2026 10:00</td>' in html
    assert '<td class="field-starts_local">10/03/2026 11:00</td>' in html
    assert refused.status_code == 403
    assert SlotBooking.objects.get(pk=booking.pk).booked == 1


def test_it_lists_daily_quota_usage_with_the_quota_read_only(operator_client, city):
    scene, _, _ = place_orders(city)
    Product.objects.filter(pk=scene.croissant.pk).update(daily_quota=10)
    DailyQuotaUsage.objects.create(
        city=city, product=scene.croissant, day=date(2026, 3, 10), used=3
    )

    response = operator_client.get(reverse("admin:fulfilment_dailyquotausage_changelist"))
    usage = DailyQuotaUsage.objects.get()
    refused = operator_client.post(
        reverse("admin:fulfilment_dailyquotausage_change", args=[usage.pk]), {"used": "0"}
    )

    html = response.content.decode()
    assert '<td class="field-shop">Boulangerie Jeanne</td>' in html
    assert '<td class="field-used">3</td><td class="field-quota">10</td>' in html
    assert refused.status_code == 403
    assert DailyQuotaUsage.objects.get().used == 3


def test_it_lists_slot_bookings_with_a_fixed_number_of_queries(
    operator_client, city, django_assert_max_num_queries
):
    place_orders(city)
    url = reverse("admin:fulfilment_slotbooking_changelist")
    with CaptureQueriesContext(connection) as few:
        operator_client.get(url)
    for n in range(5):
        SlotBooking.objects.create(
            city=city,
            shop=make_shop(city),
            kind="collect",
            starts_at=datetime(2026, 3, 11, 9, n, tzinfo=UTC),
            booked=1,
        )

    with django_assert_max_num_queries(len(few)):
        response = operator_client.get(url)

    assert len(response.context["cl"].result_list) == 7


def test_it_shows_and_saves_the_products_fulfilment_fields(operator_client, shop):
    response = operator_client.post(
        reverse("admin:catalogue_product_add"),
        product_form(shop, lead_time_minutes="2880", daily_quota="12", preorder_on="2026-12-24"),
    )

    assert response.status_code == 302
    product = Product.objects.get()
    assert (product.lead_time_minutes, product.daily_quota, product.preorder_on) == (
        2880,
        12,
        date(2026, 12, 24),
    )
    page = operator_client.get(reverse("admin:catalogue_product_change", args=[product.pk]))
    with translation.override("en"):
        fieldsets = [
            (str(name), options["fields"]) for name, options in page.context["adminform"].fieldsets
        ]
    assert ("Fulfilment", ("lead_time_minutes", "daily_quota", "preorder_on")) in fieldsets


def test_it_lists_and_finds_postcode_areas(operator_client):
    url = reverse("admin:fulfilment_postcodearea_changelist")

    html = operator_client.get(url, {"q": "Mont-Saint"}).content.decode()

    assert "76130" in html
    assert "Mont-Saint-Aignan" in html
    assert "76000" not in html


def test_it_adds_a_postcode_area_for_a_new_city(operator_client):
    url = reverse("admin:fulfilment_postcodearea_add")

    response = operator_client.post(
        url,
        {
            "country": "FR",
            "postal_code": "14000",
            "name": "Caen",
            "latitude": "49.182863",
            "longitude": "-0.370679",
        },
    )

    assert response.status_code == 302
    area = PostcodeArea.objects.get(postal_code="14000")
    assert (area.name, area.latitude, area.longitude) == (
        "Caen",
        Decimal("49.182863"),
        Decimal("-0.370679"),
    )
