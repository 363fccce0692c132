"""Writes on shops: creation, opening hours, closures, staff, pausing orders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import InvalidInput, full_clean_or_raise
from comptoir.core.images import prepare_photo
from comptoir.domain.accounts.models import User
from comptoir.domain.cities.models import City
from comptoir.domain.shops.errors import (
    AlreadyMember,
    AutoRefuseBeforeEscalation,
    ClosureEndsBeforeStart,
    ClosureNotFound,
    LastOwner,
    MemberNotFound,
    OpeningHoursInverted,
    OpeningHoursOverlap,
    PauseInThePast,
    UnknownWeekday,
)
from comptoir.domain.shops.models import (
    RESERVED_SHOP_SLUGS,
    Closure,
    Membership,
    OpeningHours,
    Role,
    Shop,
    Trade,
    Weekday,
)

# A slug race (two shops of the same name created at once) is retried this often.
SLUG_ATTEMPTS = 3

# A shop photo: a phone picture, not a poster.


def free_slug(
    name: str,
    *,
    taken: models.QuerySet,
    max_length: int,
    fallback: str,
    reserved: frozenset[str] = frozenset(),
) -> str:
    """The slug of `name` not yet used in `taken` nor reserved: "paul", "paul-2", "paul-3"…"""
    base = slugify(name)[:max_length].strip("-") or fallback
    used = set(taken.filter(slug__startswith=base[: max_length - 4]).values_list("slug", flat=True))
    used |= reserved
    candidate, n = base, 1
    while candidate in used:
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].strip("-") + suffix
    return candidate


def save_with_free_slug[M: models.Model](
    instance: M,
    *,
    name: str,
    taken: models.QuerySet[M],
    fallback: str,
    reserved: frozenset[str] = frozenset(),
) -> M:
    """Give `instance` a free slug, validate it and insert it, retrying a lost slug race."""
    field = instance._meta.get_field("slug")
    assert isinstance(field, models.SlugField)
    for attempt in range(SLUG_ATTEMPTS):
        slug = free_slug(
            name,
            taken=taken,
            max_length=field.max_length or 50,
            fallback=fallback,
            reserved=reserved,
        )
        setattr(instance, field.attname, slug)
        full_clean_or_raise(instance)
        try:
            with transaction.atomic():
                instance.save(force_insert=True)
        except IntegrityError:
            if attempt + 1 == SLUG_ATTEMPTS or not taken.filter(slug=slug).exists():
                raise
        else:
            return instance
    raise AssertionError("unreachable")  # pragma: no cover


def shop_create(
    *,
    city: City,
    name: str,
    trade: Trade | str,
    street: str,
    postal_code: str,
    locality: str,
    latitude: Decimal,
    longitude: Decimal,
    owner: User | None = None,
    tagline: str = "",
    description: str = "",
    phone: str = "",
    email: str = "",
    collect_enabled: bool = True,
    slot_minutes: int = 15,
    slot_capacity: int = 4,
    lead_time_minutes: int = 30,
    delivery_enabled: bool = False,
    delivery_fee: Decimal = Decimal("0.00"),
    delivery_minimum: Decimal = Decimal("0.00"),
    delivery_radius_km: Decimal = Decimal("3.00"),
    is_active: bool = True,
) -> Shop:
    """Open a shop in `city` with a slug unique in the city; `owner` becomes its owner.

    `is_active=False` creates it unpublished (onboarding: hidden until it goes live).
    """
    for amount in (delivery_fee, delivery_minimum, delivery_radius_km):
        if isinstance(amount, float):
            raise TypeError("Money and distances are Decimal, never float.")
    shop = Shop(
        city=city,
        name=name.strip(),
        trade=trade,
        street=street,
        postal_code=postal_code,
        locality=locality,
        latitude=latitude,
        longitude=longitude,
        tagline=tagline,
        description=description,
        phone=phone,
        email=email,
        collect_enabled=collect_enabled,
        slot_minutes=slot_minutes,
        slot_capacity=slot_capacity,
        lead_time_minutes=lead_time_minutes,
        delivery_enabled=delivery_enabled,
        delivery_fee=delivery_fee,
        delivery_minimum=delivery_minimum,
        delivery_radius_km=delivery_radius_km,
        is_active=is_active,
    )
    with transaction.atomic():
        save_with_free_slug(
            shop,
            name=shop.name,
            taken=Shop.objects.filter(city=city),
            fallback="shop",
            reserved=RESERVED_SHOP_SLUGS,
        )
        if owner is not None:
            Membership.objects.create(shop=shop, user=owner, role=Role.OWNER)
    return shop


def _check_day(weekday: int, ranges: list[tuple[time, time]]) -> None:
    previous_closes: time | None = None
    for opens, closes in sorted(ranges):
        if opens >= closes:
            raise OpeningHoursInverted(weekday)
        # Ranges may touch (closes 12:00, opens 12:00) but not overlap.
        if previous_closes is not None and opens < previous_closes:
            raise OpeningHoursOverlap(weekday)
        previous_closes = closes


def shop_set_opening_hours(*, shop: Shop, ranges: Iterable[tuple[int, time, time]]) -> None:
    """Replace the shop's whole week of opening hours; a day with no range is closed."""
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, opens, closes in ranges:
        if weekday not in Weekday.values:
            raise UnknownWeekday(weekday)
        by_day.setdefault(weekday, []).append((opens, closes))
    for weekday in sorted(by_day):
        _check_day(weekday, by_day[weekday])
    with transaction.atomic():
        # The shop row is the lock: two owners saving the week at once queue here.
        Shop.objects.select_for_update().filter(pk=shop.pk).get()
        OpeningHours.objects.filter(shop=shop).delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(shop=shop, weekday=weekday, opens=opens, closes=closes)
            for weekday in sorted(by_day)
            for opens, closes in sorted(by_day[weekday])
        )


def closure_add(*, shop: Shop, starts_on: date, ends_on: date, reason: str = "") -> Closure:
    """Close the shop exceptionally from `starts_on` to `ends_on`, both days included."""
    if ends_on < starts_on:
        raise ClosureEndsBeforeStart
    closure = Closure(shop=shop, starts_on=starts_on, ends_on=ends_on, reason=reason.strip())
    full_clean_or_raise(closure)
    closure.save()
    return closure


def membership_add(*, shop: Shop, user: User, role: Role | str) -> Membership:
    """Let `user` work in `shop` as owner or staff."""
    if Membership.objects.filter(shop=shop, user=user).exists():
        raise AlreadyMember
    membership = Membership(shop=shop, user=user, role=role)
    full_clean_or_raise(membership)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        if Membership.objects.filter(shop=shop, user=user).exists():
            raise AlreadyMember from None
        raise
    return membership


def membership_remove(*, membership: Membership, shop: Shop | None = None) -> None:
    """Remove someone from a shop's staff, never its last owner.

    With `shop`, a membership of another shop is refused (`MemberNotFound`).
    """
    if shop is not None and membership.shop_id != shop.pk:
        raise MemberNotFound
    with transaction.atomic():
        # Lock the shop: two owners removing each other at once would both see
        # "another owner is left" and leave the shop with none.
        Shop.objects.select_for_update().filter(pk=membership.shop_id).get()
        role = Membership.objects.filter(pk=membership.pk).values_list("role", flat=True).first()
        if role == Role.OWNER:
            owners = Membership.objects.filter(shop_id=membership.shop_id, role=Role.OWNER)
            if not owners.exclude(pk=membership.pk).exists():
                raise LastOwner
        Membership.objects.filter(pk=membership.pk).delete()


def _set_paused(shop: Shop, paused: bool, until: datetime | None = None) -> Shop:
    shop.is_paused, shop.paused_until = paused, until
    shop.save(update_fields=["is_paused", "paused_until", "updated_at"])
    return shop


def shop_pause(*, shop: Shop) -> Shop:
    """Stop taking new orders (the shop stays visible); orders already placed go on."""
    return _set_paused(shop, True)


def shop_pause_until(*, shop: Shop, until: datetime, now: datetime) -> Shop:
    """Stop taking new orders until `until`; the shop takes them again by itself then."""
    if until <= now:
        raise PauseInThePast
    return _set_paused(shop, False, until)


def shop_resume(*, shop: Shop) -> Shop:
    """Take orders again after a pause, timed or not."""
    return _set_paused(shop, False)


def closure_remove(*, shop: Shop, closure_id: int) -> None:
    """Cancel one of the shop's exceptional closures (never another shop's)."""
    deleted, _ = Closure.objects.filter(shop=shop, pk=closure_id).delete()
    if not deleted:
        raise ClosureNotFound


def membership_set_role(*, shop: Shop, membership_id: int, role: Role | str) -> Membership:
    """Make a member owner or staff; the last owner cannot step down."""
    if role not in Role.values:
        raise InvalidInput(ValidationError({"role": [_("Choose owner or staff.")]}))
    with transaction.atomic():
        # The shop row is the lock, as in `membership_remove`.
        Shop.objects.select_for_update().filter(pk=shop.pk).get()
        membership = Membership.objects.filter(shop=shop, pk=membership_id).first()
        if membership is None:
            raise MemberNotFound
        if membership.role == Role.OWNER and role != Role.OWNER:
            owners = Membership.objects.filter(shop=shop, role=Role.OWNER)
            if not owners.exclude(pk=membership.pk).exists():
                raise LastOwner
        Membership.objects.filter(pk=membership.pk).update(role=role)
    membership.role = role
    return membership


def _update_shop(shop: Shop, values: dict[str, Any]) -> Shop:
    """Validate `values` on a fresh copy of the shop, save only them, then update `shop`.

    The caller's instance is left untouched when the values are refused, so
    the page can still show the shop as it is.
    """
    with transaction.atomic():
        fresh = Shop.objects.select_for_update().get(pk=shop.pk)
        for name, value in values.items():
            setattr(fresh, name, value)
        full_clean_or_raise(fresh)
        fresh.save(update_fields=[*values, "updated_at"])
    for name in (*values, "updated_at"):
        setattr(shop, name, getattr(fresh, name))
    return shop


def shop_update_profile(
    *,
    shop: Shop,
    name: str,
    tagline: str = "",
    description: str = "",
    phone: str = "",
    email: str = "",
    photo: File | None = None,
    remove_photo: bool = False,
) -> Shop:
    """What customers read about the shop. The slug (its address) does not change."""
    values: dict[str, Any] = {
        "name": name.strip(),
        "tagline": tagline.strip(),
        "description": description.strip(),
        "phone": phone.strip(),
        "email": email.strip().lower(),
    }
    if photo is not None:
        # Re-encoded, upright, without metadata (GPS), bounded: like product photos.
        values["photo"] = prepare_photo(photo, name=photo.name or "photo").image
    elif remove_photo:
        values["photo"] = ""
    return _update_shop(shop, values)


def shop_update_collect(
    *,
    shop: Shop,
    collect_enabled: bool,
    slot_minutes: int,
    slot_capacity: int,
    lead_time_minutes: int,
) -> Shop:
    """Click & collect: on or off, how slots are cut and how many orders each takes."""
    return _update_shop(
        shop,
        {
            "collect_enabled": collect_enabled,
            "slot_minutes": slot_minutes,
            "slot_capacity": slot_capacity,
            "lead_time_minutes": lead_time_minutes,
        },
    )


def shop_update_desk_settings(
    *,
    shop: Shop,
    escalate_after_minutes: int,
    auto_refuse_after_minutes: int | None,
    auto_accept: bool,
) -> Shop:
    """How the order desk treats an unanswered order: alert, refuse, or accept at once."""
    if auto_refuse_after_minutes is not None and auto_refuse_after_minutes <= (
        escalate_after_minutes
    ):
        raise AutoRefuseBeforeEscalation
    return _update_shop(
        shop,
        {
            "escalate_after_minutes": escalate_after_minutes,
            "auto_refuse_after_minutes": auto_refuse_after_minutes,
            "auto_accept": auto_accept,
        },
    )
