"""Writes of onboarding: sign-up requests, the operator's invitations, going live.

Invitations follow the pattern of the team invitations (`shops.invitations`):
only a SHA-256 hash of the token is stored, and what makes a link single-use
is one conditional UPDATE (`used_at IS NULL AND revoked_at IS NULL AND
expires_at > now`) in the transaction that creates the shop: of two
concurrent acceptances (two tabs), exactly one claims the invitation and
creates a shop. E-mails go through the outbox, sent after commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comptoir.core.errors import full_clean_or_raise
from comptoir.core.site import site_url
from comptoir.domain.accounts.models import User
from comptoir.domain.accounts.services import user_register
from comptoir.domain.cities.models import City
from comptoir.domain.fulfilment.geocode import locate
from comptoir.domain.notifications.outbox import email_send_after_commit
from comptoir.domain.onboarding.errors import (
    ChecklistIncomplete,
    OwnerInvitationForAnotherEmail,
    OwnerInvitationUsed,
    ShopAlreadyLive,
    ShopSuspended,
    SignupAlreadyDecided,
    SignupAlreadyPending,
    SignupCityMissing,
    SignupPlaceMissing,
)
from comptoir.domain.onboarding.models import GoLiveRequest, OwnerInvitation, SignupRequest
from comptoir.domain.onboarding.selectors import owner_invitation_for_token
from comptoir.domain.shops.checklist import shop_checklist
from comptoir.domain.shops.invitations import token_hash
from comptoir.domain.shops.models import Role, Shop, Trade
from comptoir.domain.shops.services import shop_create

#: Longer than a team invitation: a shopkeeper may need a quiet evening to do it.
OWNER_INVITATION_LIFETIME = timedelta(days=14)


def normalise_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


# Sign-up requests


def _tell_operators(*, key: str, subject: str, body: str, path: str, **params: str) -> None:
    """E-mail every operator (staff account) that something waits in their queue, after commit.

    `subject` and `body` are English msgids, translated into each operator's language;
    `path` is the admin page to open.
    """
    operators = User.objects.filter(is_staff=True, is_active=True).exclude(email="")
    for operator in operators.order_by("pk"):
        with translation.override(operator.language or settings.LANGUAGE_CODE):
            text = _(body) % {**params, "url": site_url() + path}
            email_send_after_commit(
                key=f"{key}:operator:{operator.pk}",
                to=operator.email,
                subject=_(subject) % params,
                body=text,
            )


def signup_request_submit(
    *,
    shop_name: str,
    trade: Trade | str,
    city: City | None,
    town: str,
    contact_name: str,
    email: str,
    phone: str = "",
    message: str = "",
    language: str = "fr",
    now: datetime,
) -> SignupRequest:
    """Queue a shop's request to join for the operator; acknowledge it by e-mail after commit."""
    town = "" if city is not None else town.strip()
    if city is None and not town:
        raise SignupPlaceMissing
    request = SignupRequest(
        shop_name=shop_name.strip(),
        trade=trade,
        city=city,
        town=town,
        contact_name=contact_name.strip(),
        email=normalise_email(email),
        phone=phone,
        message=message.strip(),
        language=language,
        created_at=now,
    )
    if SignupRequest.objects.filter(email=request.email, status=SignupRequest.Status.NEW).exists():
        raise SignupAlreadyPending
    full_clean_or_raise(request, exclude=["city"])
    with transaction.atomic():
        try:
            with transaction.atomic():
                request.save(force_insert=True)
        except IntegrityError as error:  # the one-new-per-address constraint, lost race
            if SignupRequest.objects.filter(
                email=request.email, status=SignupRequest.Status.NEW
            ).exists():
                raise SignupAlreadyPending from error
            raise
        with translation.override(language):
            subject = _("Comptoir has received your request")
            body = render_to_string(
                "onboarding/email/signup_received.txt",
                {
                    "name": request.contact_name,
                    "shop_name": request.shop_name,
                    "place": request.place,
                },
            )
        email_send_after_commit(
            key=f"signup:{request.pk}:received", to=request.email, subject=subject, body=body
        )
        _tell_operators(
            key=f"signup:{request.pk}:received",
            subject=gettext_noop("New request to join: %(shop)s"),
            body=gettext_noop(
                "%(shop)s (%(place)s) asks to join Comptoir. Invite the shop or decline: %(url)s"
            ),
            path=reverse("admin:onboarding_signuprequest_change", args=[request.pk]),
            shop=request.shop_name,
            place=request.place,
        )
    return request


def signup_request_decline(*, signup_request: SignupRequest, now: datetime) -> SignupRequest:
    """Decline a request still waiting (no e-mail: the operator answers in person if needed)."""
    declined = SignupRequest.objects.filter(
        pk=signup_request.pk, status=SignupRequest.Status.NEW
    ).update(status=SignupRequest.Status.DECLINED, decided_at=now)
    if not declined:
        raise SignupAlreadyDecided
    signup_request.refresh_from_db()
    return signup_request


# The operator's invitations


def owner_invitation_create(
    *,
    city: City,
    email: str,
    invited_by: User | None,
    now: datetime,
    link_url: Callable[[str], str],
    shop_name: str = "",
    trade: Trade | str = "",
    signup_request: SignupRequest | None = None,
    language: str = "fr",
) -> OwnerInvitation:
    """Invite `email` to open a shop in `city`, replacing an earlier open invitation.

    From a sign-up request, the request is marked invited (a declined one is
    refused). `link_url` turns the token into the absolute URL of the e-mail;
    the token itself is never stored.
    """
    token = secrets.token_urlsafe(32)
    invitation = OwnerInvitation(
        city=city,
        email=normalise_email(email),
        shop_name=shop_name.strip(),
        trade=trade,
        token_hash=token_hash(token),
        signup_request=signup_request,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + OWNER_INVITATION_LIFETIME,
    )
    full_clean_or_raise(
        invitation, exclude=["city", "invited_by", "signup_request", "token_hash", "shop"]
    )
    with transaction.atomic():
        if signup_request is not None:
            marked = (
                SignupRequest.objects.filter(pk=signup_request.pk)
                .exclude(status=SignupRequest.Status.DECLINED)
                .update(status=SignupRequest.Status.INVITED, decided_at=now)
            )
            if not marked:
                raise SignupAlreadyDecided
        # Sending again replaces the open invitation: the older link stops working.
        OwnerInvitation.objects.filter(
            city=city, email=invitation.email, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation.save(force_insert=True)
        with translation.override(language):
            subject = _("Open your shop on Comptoir in %(city)s") % {"city": city.name}
            body = render_to_string(
                "onboarding/email/invitation.txt",
                {
                    "city": city.name,
                    "url": link_url(token),
                    "days": OWNER_INVITATION_LIFETIME.days,
                },
            )
        email_send_after_commit(
            key=f"owner-invitation:{invitation.pk}:sent",
            to=invitation.email,
            subject=subject,
            body=body,
        )
    return invitation


def owner_invitation_create_from_request(
    *,
    signup_request: SignupRequest,
    invited_by: User | None,
    now: datetime,
    link_url: Callable[[str], str],
) -> OwnerInvitation:
    """Invite the author of a sign-up request, with its shop name and trade suggested."""
    if signup_request.status == SignupRequest.Status.DECLINED:
        raise SignupAlreadyDecided
    if signup_request.city is None:
        raise SignupCityMissing
    return owner_invitation_create(
        city=signup_request.city,
        email=signup_request.email,
        shop_name=signup_request.shop_name,
        trade=signup_request.trade,
        signup_request=signup_request,
        invited_by=invited_by,
        now=now,
        link_url=link_url,
        language=signup_request.language,
    )


@dataclass(frozen=True, slots=True)
class ShopDetails:
    """What the future owner tells about the shop; the city comes from the invitation."""

    name: str
    trade: Trade | str
    street: str
    postal_code: str
    locality: str
    phone: str = ""
    email: str = ""


def owner_invitation_accept(*, token: str, user: User, details: ShopDetails, now: datetime) -> Shop:
    """`user` (signed in with the invited address) opens the shop, unpublished, as its owner.

    The invitation is claimed with a conditional UPDATE in the transaction
    that creates the shop: used twice at once, it creates one shop.
    """
    invitation = owner_invitation_for_token(token=token, now=now)
    if normalise_email(user.email) != invitation.email:
        raise OwnerInvitationForAnotherEmail(params={"email": invitation.email})
    city = invitation.city
    place = locate(
        line1=details.street,
        postal_code=details.postal_code,
        locality=details.locality,
        country=city.country,
    )
    with transaction.atomic():
        claimed = OwnerInvitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(used_at=now, used_by=user)
        if claimed != 1:
            raise OwnerInvitationUsed
        shop = shop_create(
            city=city,
            name=details.name,
            trade=details.trade,
            street=details.street.strip(),
            postal_code=details.postal_code.strip(),
            locality=details.locality.strip(),
            # Until a street-level geocoder is plugged in: the postcode's centre, else the city's.
            latitude=place.latitude if place else city.latitude,
            longitude=place.longitude if place else city.longitude,
            phone=details.phone,
            email=details.email,
            owner=user,
            is_active=False,
        )
        OwnerInvitation.objects.filter(pk=invitation.pk).update(shop=shop)
    return shop


def owner_invitation_accept_as_new_user(
    *,
    token: str,
    password: str,
    first_name: str,
    details: ShopDetails,
    now: datetime,
    language: str = "fr",
) -> Shop:
    """Someone without an account accepts: their account (the invited address) and shop.

    All or nothing: a refused shop leaves no account behind.
    """
    invitation = owner_invitation_for_token(token=token, now=now)
    with transaction.atomic():
        user = user_register(
            email=invitation.email, password=password, first_name=first_name, language=language
        )
        return owner_invitation_accept(token=token, user=user, details=details, now=now)


# Going live


class GoLiveOutcome(StrEnum):
    PUBLISHED = "published"  # the city lets shops open by themselves
    REQUESTED = "requested"  # waiting for the operator's approval


def _lock_shop(shop: Shop) -> Shop:
    return Shop.objects.select_for_update(of=("self",)).select_related("city").get(pk=shop.pk)


def _check_ready(shop: Shop, *, now: datetime) -> None:
    if shop.suspended_at is not None:
        raise ShopSuspended
    checklist = shop_checklist(shop, now=now)
    if not checklist.is_complete:
        raise ChecklistIncomplete([item.label for item in checklist.required if not item.done])


def _publish(shop: Shop, *, now: datetime) -> Shop:
    Shop.objects.filter(pk=shop.pk).update(is_active=True, approved_at=now)
    shop.is_active, shop.approved_at = True, now
    return shop


def shop_go_live(*, shop: Shop, user: User | None, now: datetime) -> GoLiveOutcome:
    """The owner asks to open the shop: published now, or queued for the operator's approval.

    Refused while the checklist is incomplete, the shop suspended, or already live.
    """
    with transaction.atomic():
        locked = _lock_shop(shop)
        if locked.is_active:
            raise ShopAlreadyLive
        _check_ready(locked, now=now)
        if locked.city.shops_go_live_automatically:
            _publish(locked, now=now)
            shop.is_active, shop.approved_at = locked.is_active, locked.approved_at
            return GoLiveOutcome.PUBLISHED
        _, created = GoLiveRequest.objects.get_or_create(
            shop=locked, defaults={"requested_at": now, "requested_by": user}
        )
        if created:
            _tell_operators(
                key=f"shop:{locked.pk}:go-live",
                subject=gettext_noop("%(shop)s asks to go live"),
                body=gettext_noop(
                    "%(shop)s has completed its checklist and asks to go live. "
                    "Check it and approve it: %(url)s"
                ),
                path=reverse("admin:shops_shop_change", args=[locked.pk]),
                shop=locked.name,
            )
    return GoLiveOutcome.REQUESTED


def shop_approve(*, shop: Shop, now: datetime) -> Shop:
    """The operator approves the shop: it is published, and its owners are told by e-mail.

    Refused while its checklist is incomplete or it is suspended.
    """
    with transaction.atomic():
        locked = _lock_shop(shop)
        if locked.is_active:
            raise ShopAlreadyLive
        _check_ready(locked, now=now)
        _publish(locked, now=now)
        _email_owners_approved(locked)
    shop.is_active, shop.approved_at = locked.is_active, locked.approved_at
    return locked


def _email_owners_approved(shop: Shop) -> None:
    owners = User.objects.filter(
        memberships__shop=shop, memberships__role=Role.OWNER, is_active=True
    ).order_by("pk")
    kwargs = {"city_slug": shop.city.slug, "shop_slug": shop.slug}
    shop_url = site_url() + reverse("storefront:shop_detail", kwargs=kwargs)
    backoffice_url = site_url() + reverse("backoffice:home", kwargs=kwargs)
    for owner in owners:
        with translation.override(owner.language or settings.LANGUAGE_CODE):
            subject = _("%(shop)s is open on Comptoir") % {"shop": shop.name}
            body = render_to_string(
                "onboarding/email/approved.txt",
                {"shop_name": shop.name, "shop_url": shop_url, "backoffice_url": backoffice_url},
            )
        email_send_after_commit(
            key=f"shop:{shop.pk}:approved:{owner.pk}:{shop.approved_at:%Y%m%d%H%M%S}",
            to=owner.email,
            subject=subject,
            body=body,
        )


def owner_invitation_revoke(*, invitation: OwnerInvitation, now: datetime) -> bool:
    """Withdraw an invitation not used yet: its link stops working. False if it was not open."""
    return bool(
        OwnerInvitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
    )
