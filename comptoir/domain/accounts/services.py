"""Writes on people: registration, profile, saved delivery addresses, e-mailed log-in links."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.core.errors import InvalidInput, full_clean_or_raise
from comptoir.domain.accounts.errors import (
    EmailAlreadyUsed,
    LoginLinkExpired,
    LoginLinkInvalid,
    LoginLinkUsed,
    WeakPassword,
)
from comptoir.domain.accounts.models import Address, LoginLink, User
from comptoir.domain.notifications.outbox import email_send_after_commit

LOGIN_LINK_LIFETIME = timedelta(minutes=15)


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


def user_update_profile(
    *, user: User, first_name: str, last_name: str, phone: str, language: str
) -> User:
    """Change what a customer may edit themselves; the e-mail address is not one of them.

    (Changing the log-in address needs a confirmation sent to the new one: not built yet.)
    """
    fields = ["first_name", "last_name", "phone", "language"]
    before = {name: getattr(user, name) for name in fields}
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.phone, user.language = phone.strip(), language
    try:
        full_clean_or_raise(user, exclude={"password"})
    except InvalidInput:
        for name, value in before.items():  # the caller's instance stays as it was
            setattr(user, name, value)
        raise
    user.save(update_fields=fields)
    return user


def address_delete(*, address: Address) -> None:
    """Delete a saved address; if it was the default, the newest remaining one takes over."""
    with transaction.atomic():
        remaining = [a for a in _lock_addresses(address.user) if a.pk != address.pk]
        Address.objects.filter(pk=address.pk).delete()
        if address.is_default and remaining:
            newest = max(remaining, key=lambda a: (a.created_at, a.pk))
            Address.objects.filter(pk=newest.pk).update(is_default=True)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login_link_request(
    *, email: str, now: datetime, link_url: Callable[[str], str]
) -> LoginLink | None:
    """E-mail a single-use log-in link to the active account of `email`, if there is one.

    Returns None when there is no such account; callers must answer the same
    either way, so that nobody learns which addresses have an account.
    `link_url` turns the token into the absolute URL put in the e-mail (the
    interface knows its host and routes). The token itself is only e-mailed:
    the database keeps its hash.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        return None
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = LoginLink.objects.create(
            user=user,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + LOGIN_LINK_LIFETIME,
        )
        url = link_url(token)
        with translation.override(user.language):
            subject = _("Your Comptoir log-in link")
            body = _(
                "Hello,\n\n"
                "Open this link to log in to Comptoir:\n%(url)s\n\n"
                "It works once, for %(minutes)s minutes. "
                "If you did not ask for it, ignore this e-mail: nobody can log in without it."
            ) % {"url": url, "minutes": int(LOGIN_LINK_LIFETIME.total_seconds() // 60)}
        email_send_after_commit(
            key=f"login-link:{link.pk}", to=user.email, subject=subject, body=body
        )
    return link


def _find_login_link(token_hash: str) -> LoginLink | None:
    """Read step of `login_link_consume` (a seam for the forced-interleaving test)."""
    return LoginLink.objects.select_related("user").filter(token_hash=token_hash).first()


def login_link_consume(*, token: str, now: datetime) -> User:
    """Use a log-in link: return its user, once, if it has not expired.

    The checks below give a clear refusal; what makes the link single-use is
    the conditional UPDATE (`used_at IS NULL`): of two concurrent requests,
    the database lets exactly one claim it, and no lock is held before that.
    """
    link = _find_login_link(_token_hash(token))
    if link is None or not link.user.is_active:
        raise LoginLinkInvalid
    if link.used_at is not None:
        raise LoginLinkUsed
    if link.expires_at <= now:
        raise LoginLinkExpired
    with transaction.atomic():
        claimed = LoginLink.objects.filter(
            pk=link.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
    if claimed != 1:
        raise LoginLinkUsed
    return link.user
