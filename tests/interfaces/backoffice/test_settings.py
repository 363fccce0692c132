"""The settings pages: one section saved at a time, refusals on the right field."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.domain.fulfilment.models import DeliveryPostcode, DeliverySettings
from comptoir.domain.shops.models import Closure, OpeningHours, Role, Shop
from tests.factories import make_membership, make_opening_hours, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client, shop):
    user = make_user(email="owner@example.fr")
    make_membership(shop, user, Role.OWNER)
    client.force_login(user)
    return user


def url(shop, name, **kwargs):
    return reverse(
        f"backoffice:{name}", kwargs={"city_slug": shop.city.slug, "shop_slug": shop.slug, **kwargs}
    )


def week(shop):
    return list(OpeningHours.objects.filter(shop=shop).values_list("weekday", "opens", "closes"))


def test_the_index_lists_every_section_and_the_pause(client, shop, owner):
    response = client.get(url(shop, "settings"))

    assert response.status_code == 200
    for name in (
        "settings_profile",
        "settings_hours",
        "settings_closures",
        "settings_collect",
        "settings_delivery",
        "settings_desk",
        "staff",
        "settings_pause",
    ):
        assert url(shop, name) in response.text


def test_it_saves_two_ranges_on_a_day_and_leaves_empty_days_closed(client, shop, owner):
    response = client.post(
        url(shop, "settings_hours"),
        {
            "d1_0_opens": "07:30",
            "d1_0_closes": "12:30",
            "d1_1_opens": "15:00",
            "d1_1_closes": "19:00",
        },
    )

    assert response.status_code == 302
    assert week(shop) == [(1, time(7, 30), time(12, 30)), (1, time(15, 0), time(19, 0))]
    page = client.get(response["Location"])
    assert "Horaires enregistrés." in page.text or "Opening hours saved." in page.text


def test_it_shows_overlapping_ranges_on_the_day_and_saves_nothing(client, shop, owner):
    make_opening_hours(shop, 0, "08:00", "12:00")

    response = client.post(
        url(shop, "settings_hours"),
        {
            "d2_0_opens": "08:00",
            "d2_0_closes": "13:00",
            "d2_1_opens": "12:00",
            "d2_1_closes": "18:00",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].day_errors == {
        2: [str(response.context["form"].day_errors[2][0])]
    }
    assert 'id="day-2"' in response.text
    assert "bo-day--invalid" in response.text
    assert week(shop) == [(0, time(8, 0), time(12, 0))]


def test_it_refuses_half_a_range_on_its_field(client, shop, owner):
    response = client.post(url(shop, "settings_hours"), {"d3_0_opens": "08:00"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["d3_0_closes"]
    assert week(shop) == []


def test_copy_monday_fills_tuesday_to_friday_and_saves(client, shop, owner):
    response = client.post(
        url(shop, "settings_hours"),
        {
            "d0_0_opens": "07:00",
            "d0_0_closes": "13:00",
            "d5_0_opens": "08:00",
            "d5_0_closes": "12:00",
            "d3_0_opens": "10:00",
            "d3_0_closes": "11:00",
            "copy_monday": "1",
        },
    )

    assert response.status_code == 302
    assert week(shop) == [(day, time(7, 0), time(13, 0)) for day in range(5)] + [
        (5, time(8, 0), time(12, 0))
    ]


def test_it_adds_and_removes_a_closure(client, shop, owner):
    response = client.post(
        url(shop, "settings_closures"),
        {"starts_on": "2030-08-01", "ends_on": "2030-08-15", "reason": "Congés"},
    )
    closure = Closure.objects.get(shop=shop)

    assert response.status_code == 302
    assert (closure.starts_on, closure.ends_on, closure.reason) == (
        date(2030, 8, 1),
        date(2030, 8, 15),
        "Congés",
    )
    assert client.post(url(shop, "closure_remove", closure_pk=closure.pk)).status_code == 302
    assert not Closure.objects.exists()


def test_it_shows_a_closure_ending_before_it_starts_on_the_end_date(client, shop, owner):
    response = client.post(
        url(shop, "settings_closures"), {"starts_on": "2030-08-15", "ends_on": "2030-08-01"}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["ends_on"]
    assert not Closure.objects.exists()


def test_it_pauses_until_a_time_and_resumes(client, shop, owner):
    later = (timezone.now() + timedelta(hours=2)).astimezone(shop.city.zone)

    response = client.post(
        url(shop, "settings_pause"), {"action": "until", "until": later.strftime("%H:%M")}
    )
    shop.refresh_from_db()

    assert response.status_code == 302
    assert shop.is_paused is False
    assert shop.paused_until is not None
    assert timedelta(0) < shop.paused_until - timezone.now() <= timedelta(hours=24)
    assert shop.orders_paused is True

    client.post(url(shop, "settings_pause"), {"action": "resume"})
    shop.refresh_from_db()
    assert (shop.is_paused, shop.paused_until, shop.orders_paused) == (False, None, False)


def test_it_pauses_until_resumed(client, shop, owner):
    client.post(url(shop, "settings_pause"), {"action": "pause"})

    assert Shop.objects.get(pk=shop.pk).is_paused is True


def test_it_saves_the_profile(client, shop, owner):
    response = client.post(
        url(shop, "settings_profile"),
        {"name": "Au Bon Pain", "tagline": "Levain", "phone": "", "email": "Pain@Example.fr"},
    )
    shop.refresh_from_db()

    assert response.status_code == 302
    assert (shop.name, shop.tagline, shop.email) == ("Au Bon Pain", "Levain", "pain@example.fr")


def test_it_refuses_a_file_that_is_not_a_photo_and_saves_nothing(client, shop, owner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    name = shop.name
    response = client.post(
        url(shop, "settings_profile"),
        {"name": "Autre", "photo": SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["photo"]
    assert Shop.objects.get(pk=shop.pk).name == name


def test_it_saves_click_and_collect(client, shop, owner):
    client.post(
        url(shop, "settings_collect"),
        {"slot_minutes": "30", "slot_capacity": "6", "lead_time_minutes": "45"},
    )
    shop.refresh_from_db()

    assert (
        shop.collect_enabled,
        shop.slot_minutes,
        shop.slot_capacity,
        shop.lead_time_minutes,
    ) == (
        False,
        30,
        6,
        45,
    )


def test_it_saves_delivery_with_postcodes_and_free_above(client, shop, owner):
    response = client.post(
        url(shop, "settings_delivery"),
        {
            "delivery_enabled": "on",
            "delivery_fee": "3,50",
            "free_above": "40",
            "delivery_minimum": "15",
            "delivery_radius_km": "4",
            "postal_codes": "76000, 76100 76000",
        },
    )
    shop.refresh_from_db()

    assert response.status_code == 302
    assert (
        shop.delivery_enabled,
        shop.delivery_fee,
        shop.delivery_minimum,
        shop.delivery_radius_km,
    ) == (
        True,
        Decimal("3.50"),
        Decimal("15.00"),
        Decimal("4.00"),
    )
    assert DeliverySettings.objects.get(shop=shop).free_above == Decimal("40.00")
    assert list(
        DeliveryPostcode.objects.filter(shop=shop).values_list("postal_code", flat=True)
    ) == [
        "76000",
        "76100",
    ]


def test_it_shows_a_wrong_postcode_on_its_field(client, shop, owner):
    response = client.post(
        url(shop, "settings_delivery"),
        {
            "delivery_fee": "0",
            "delivery_minimum": "0",
            "delivery_radius_km": "3",
            "postal_codes": "76000 ??",
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["postal_codes"]
    assert not DeliveryPostcode.objects.exists()


def test_it_shows_auto_refusal_before_the_alert_on_its_field(client, shop, owner):
    response = client.post(
        url(shop, "settings_desk"),
        {"escalate_after_minutes": "10", "auto_refuse_after_minutes": "5"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["auto_refuse_after_minutes"]
    shop.refresh_from_db()
    assert (shop.escalate_after_minutes, shop.auto_refuse_after_minutes) == (3, 15)


def test_it_saves_desk_settings_with_no_auto_refusal(client, shop, owner):
    client.post(url(shop, "settings_desk"), {"escalate_after_minutes": "5", "auto_accept": "on"})
    shop.refresh_from_db()

    assert (shop.escalate_after_minutes, shop.auto_refuse_after_minutes, shop.auto_accept) == (
        5,
        None,
        True,
    )
