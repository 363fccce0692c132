"""The settings services: profile, collect, desk, timed pause, closures, roles."""

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from comptoir.core.errors import InvalidInput
from comptoir.core.images import PhotoRefused
from comptoir.domain.shops.errors import (
    AutoRefuseBeforeEscalation,
    ClosureNotFound,
    LastOwner,
    MemberNotFound,
    PauseInThePast,
)
from comptoir.domain.shops.models import Closure, Membership, Role, Shop
from comptoir.domain.shops.services import (
    closure_add,
    closure_remove,
    membership_remove,
    membership_set_role,
    shop_pause,
    shop_pause_until,
    shop_resume,
    shop_update_collect,
    shop_update_desk_settings,
    shop_update_profile,
)
from tests.core.test_images import GPS_IFD, ORIENTATION, gps_exif
from tests.factories import make_membership, make_shop

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)


def png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (4, 3), "green").save(buffer, format="PNG")
    return SimpleUploadedFile("front.png", buffer.getvalue(), "image/png")


def test_it_updates_the_profile_and_keeps_the_slug(shop):
    slug = shop.slug

    shop_update_profile(
        shop=shop, name=" Au Bon Pain ", tagline="Levain", email="A@B.FR", photo=png()
    )

    fresh = Shop.objects.get(pk=shop.pk)
    assert (fresh.name, fresh.slug, fresh.tagline, fresh.email) == (
        "Au Bon Pain",
        slug,
        "Levain",
        "a@b.fr",
    )
    assert str(fresh.photo.name).startswith("shops/front")
    assert str(fresh.photo.name).endswith(".webp")


def test_a_shop_photo_is_re_encoded_upright_and_without_its_gps_position(shop):
    buffer = BytesIO()
    Image.new("RGB", (40, 20), "green").save(buffer, format="JPEG", exif=gps_exif(orientation=6))
    upload = SimpleUploadedFile("front.jpg", buffer.getvalue(), "image/jpeg")
    assert Image.open(BytesIO(buffer.getvalue())).getexif().get_ifd(GPS_IFD)  # the control

    shop_update_profile(shop=shop, name="Au Bon Pain", photo=upload)

    with Shop.objects.get(pk=shop.pk).photo.open("rb") as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("WEBP", (20, 40))
        assert image.getexif().get_ifd(GPS_IFD) == {}
        assert ORIENTATION not in image.getexif()


def test_it_refuses_a_file_that_is_not_an_image_and_changes_nothing(shop):
    name = shop.name
    fake = SimpleUploadedFile("x.png", b"GIF89a nope", "image/png")

    with pytest.raises(PhotoRefused) as caught:
        shop_update_profile(shop=shop, name="Autre", photo=fake)

    assert caught.value.field == "photo"
    assert (shop.name, Shop.objects.get(pk=shop.pk).name) == (name, name)


def test_it_refuses_an_empty_name_on_its_field_and_leaves_the_instance_alone(shop):
    name = shop.name

    with pytest.raises(InvalidInput) as caught:
        shop_update_profile(shop=shop, name="  ")

    assert list(caught.value.errors) == ["name"]
    assert (shop.name, Shop.objects.get(pk=shop.pk).name) == (name, name)


def test_it_updates_click_and_collect_and_refuses_a_slot_under_five_minutes(shop):
    shop_update_collect(
        shop=shop, collect_enabled=False, slot_minutes=30, slot_capacity=2, lead_time_minutes=0
    )
    fresh = Shop.objects.get(pk=shop.pk)
    assert (
        fresh.collect_enabled,
        fresh.slot_minutes,
        fresh.slot_capacity,
        fresh.lead_time_minutes,
    ) == (
        False,
        30,
        2,
        0,
    )

    with pytest.raises(InvalidInput) as caught:
        shop_update_collect(
            shop=shop, collect_enabled=True, slot_minutes=4, slot_capacity=2, lead_time_minutes=0
        )
    assert list(caught.value.errors) == ["slot_minutes"]
    assert Shop.objects.get(pk=shop.pk).slot_minutes == 30


def test_it_refuses_an_auto_refusal_not_after_the_alert_and_changes_nothing(shop):
    with pytest.raises(AutoRefuseBeforeEscalation) as caught:
        shop_update_desk_settings(
            shop=shop, escalate_after_minutes=5, auto_refuse_after_minutes=5, auto_accept=True
        )

    assert caught.value.field == "auto_refuse_after_minutes"
    fresh = Shop.objects.get(pk=shop.pk)
    assert (fresh.escalate_after_minutes, fresh.auto_refuse_after_minutes, fresh.auto_accept) == (
        3,
        15,
        False,
    )


def test_it_accepts_the_tightest_desk_settings_and_never_refusing(shop):
    shop_update_desk_settings(
        shop=shop, escalate_after_minutes=1, auto_refuse_after_minutes=2, auto_accept=False
    )
    assert Shop.objects.get(pk=shop.pk).auto_refuse_after_minutes == 2

    shop_update_desk_settings(
        shop=shop, escalate_after_minutes=1, auto_refuse_after_minutes=None, auto_accept=True
    )
    assert Shop.objects.get(pk=shop.pk).auto_refuse_after_minutes is None


def test_a_timed_pause_counts_until_its_time_only(shop):
    until = NOW + timedelta(hours=2)

    shop_pause_until(shop=shop, until=until, now=NOW)

    fresh = Shop.objects.get(pk=shop.pk)
    assert (fresh.is_paused, fresh.paused_until) == (False, until)
    assert fresh.orders_paused_at(NOW) is True
    assert fresh.orders_paused_at(until - timedelta(microseconds=1)) is True
    assert fresh.orders_paused_at(until) is False


def test_it_refuses_a_pause_ending_now_or_before(shop):
    with pytest.raises(PauseInThePast):
        shop_pause_until(shop=shop, until=NOW, now=NOW)

    assert Shop.objects.get(pk=shop.pk).paused_until is None


def test_pausing_for_good_clears_a_timed_pause_and_resuming_clears_both(shop):
    shop_pause_until(shop=shop, until=NOW + timedelta(hours=1), now=NOW)
    shop_pause(shop=shop)
    assert Shop.objects.values_list("is_paused", "paused_until").get(pk=shop.pk) == (True, None)

    shop_pause_until(shop=shop, until=NOW + timedelta(hours=1), now=NOW)
    shop_resume(shop=shop)
    assert Shop.objects.values_list("is_paused", "paused_until").get(pk=shop.pk) == (False, None)


def test_it_removes_a_closure_of_the_shop_only(shop):
    other = make_shop(shop.city)
    mine = closure_add(shop=shop, starts_on=date(2030, 8, 1), ends_on=date(2030, 8, 2))
    theirs = closure_add(shop=other, starts_on=date(2030, 8, 1), ends_on=date(2030, 8, 2))

    with pytest.raises(ClosureNotFound):
        closure_remove(shop=shop, closure_id=theirs.pk)
    closure_remove(shop=shop, closure_id=mine.pk)

    assert list(Closure.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_it_changes_a_role_but_never_demotes_the_last_owner(shop):
    owner = make_membership(shop, role=Role.OWNER)
    staff = make_membership(shop, role=Role.STAFF)

    with pytest.raises(LastOwner):
        membership_set_role(shop=shop, membership_id=owner.pk, role=Role.STAFF)
    assert Membership.objects.get(pk=owner.pk).role == Role.OWNER

    membership_set_role(shop=shop, membership_id=staff.pk, role=Role.OWNER)
    membership_set_role(shop=shop, membership_id=owner.pk, role=Role.STAFF)
    assert dict(Membership.objects.values_list("pk", "role")) == {
        owner.pk: Role.STAFF,
        staff.pk: Role.OWNER,
    }


def test_it_refuses_to_touch_another_shops_member_and_changes_nothing(shop):
    other = make_shop(shop.city)
    stranger = make_membership(other, role=Role.STAFF)
    make_membership(other, role=Role.OWNER)

    with pytest.raises(MemberNotFound):
        membership_set_role(shop=shop, membership_id=stranger.pk, role=Role.OWNER)
    with pytest.raises(MemberNotFound):
        membership_remove(membership=stranger, shop=shop)

    assert Membership.objects.get(pk=stranger.pk).role == Role.STAFF
