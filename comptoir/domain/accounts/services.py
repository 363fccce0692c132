"""Writes on people: registration and saved delivery addresses."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from comptoir.core.errors import full_clean_or_raise
from comptoir.domain.accounts.errors import EmailAlreadyUsed, WeakPassword
from comptoir.domain.accounts.models import Address, User


def user_register(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    language: str = "fr",
) -> User:
    """Create a customer account; the e-mail address is stored lower-cased."""
    email = User.objects.normalize_email(email.strip()).lower()
    user = User(
        email=email, first_name=first_name, last_name=last_name, phone=phone, language=language
    )
    if User.objects.filter(email=email).exists():
        raise EmailAlreadyUsed
    full_clean_or_raise(user, exclude={"password"})
    try:
        # The validators compare the password with the e-mail address and names.
        validate_password(password, user=user)
    except ValidationError as error:
        raise WeakPassword(error.messages) from error
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Another request registered the same address since the check above.
        if User.objects.filter(email=email).exists():
            raise EmailAlreadyUsed from None
        raise
    return user


def _lock_addresses(user: User) -> list[Address]:
    """Lock the user, then their addresses in pk order: every default change queues here.

    Locking the user row too covers the first address, when there is no
    address row to lock yet. On SQLite `select_for_update` is a no-op and the
    IMMEDIATE transactions serialise writers instead.
    """
    User.objects.select_for_update().filter(pk=user.pk).get()
    return list(Address.objects.select_for_update().filter(user=user).order_by("pk"))


def address_add(
    *,
    user: User,
    recipient: str,
    line1: str,
    postal_code: str,
    locality: str,
    line2: str = "",
    label: str = "",
    instructions: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    make_default: bool = False,
) -> Address:
    """Save a delivery address; a customer's first address becomes their default."""
    with transaction.atomic():
        existing = _lock_addresses(user)
        is_default = make_default or not existing
        address = Address(
            user=user,
            recipient=recipient,
            line1=line1,
            line2=line2,
            postal_code=postal_code,
            locality=locality,
            label=label,
            instructions=instructions,
            latitude=latitude,
            longitude=longitude,
            is_default=False,
        )
        full_clean_or_raise(address)
        if is_default:
            Address.objects.filter(user=user, is_default=True).update(is_default=False)
            address.is_default = True
        address.save()
    return address


def address_set_default(*, address: Address) -> Address:
    """Make `address` its owner's default, unsetting the previous one first."""
    with transaction.atomic():
        _lock_addresses(address.user)
        Address.objects.filter(user_id=address.user_id, is_default=True).exclude(
            pk=address.pk
        ).update(is_default=False)
        Address.objects.filter(pk=address.pk).update(is_default=True)
    address.is_default = True
    return address
