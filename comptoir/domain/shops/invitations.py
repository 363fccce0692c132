"""Inviting people to work in a shop: an e-mailed, single-use link that expires in a week.

As with log-in links (`accounts.services`), only a SHA-256 hash of the token
is stored, and what makes a link single-use is one conditional UPDATE
(`accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now`): of two
concurrent acceptances, the database lets exactly one claim the invitation.
The e-mail is sent by the task worker after commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.core.errors import full_clean_or_raise
from comptoir.domain.accounts.models import User
from comptoir.domain.accounts.services import user_register
from comptoir.domain.notifications.outbox import email_send_after_commit
from comptoir.domain.shops.errors import (
    AlreadyMember,
    InvitationExpired,
    InvitationForAnotherEmail,
    InvitationInvalid,
    InvitationNotFound,
    InvitationUsed,
)
from comptoir.domain.shops.models import Membership, Role, Shop, ShopInvitation

INVITATION_LIFETIME = timedelta(days=7)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _normalise_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def open_invitations(shop: Shop, *, now: datetime) -> QuerySet[ShopInvitation]:
    """The shop's invitations still waiting for an answer, newest first."""
    return ShopInvitation.objects.filter(
        shop=shop, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).order_by("-created_at", "-pk")


def invitation_create(
    *,
    shop: Shop,
    email: str,
    role: Role | str,
    invited_by: User | None,
    now: datetime,
    link_url: Callable[[str], str],
    language: str = "fr",
) -> ShopInvitation:
    """Invite `email` to work in `shop` as `role`, replacing an earlier open invitation.

    Refuses someone who already works in the shop. `link_url` turns the token
    into the absolute URL put in the e-mail; the token itself is never stored.
    """
    email = _normalise_email(email)
    if Membership.objects.filter(shop=shop, user__email=email).exists():
        raise AlreadyMember(field="email")
    token = secrets.token_urlsafe(32)
    invitation = ShopInvitation(
        shop=shop,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    full_clean_or_raise(invitation, exclude=["shop", "invited_by", "token_hash"])
    with transaction.atomic():
        # Sending again replaces the open invitation: the older link stops working.
        ShopInvitation.objects.filter(
            shop=shop, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation.save()
        url = link_url(token)
        inviter = (invited_by.get_full_name() or invited_by.email) if invited_by else shop.name
        with translation.override(language):
            subject = _("%(shop)s invites you to Comptoir") % {"shop": shop.name}
            body = _(
                "Hello,\n\n"
                "%(inviter)s invites you to work in %(shop)s on Comptoir, as %(role)s.\n\n"
                "Open this link to accept:\n%(url)s\n\n"
                "It works once, for %(days)s days. "
                "If you did not expect it, ignore this e-mail."
            ) % {
                "inviter": inviter,
                "shop": shop.name,
                "role": Role(role).label.lower(),
                "url": url,
                "days": INVITATION_LIFETIME.days,
            }
        email_send_after_commit(
            key=f"invitation:{invitation.pk}:sent", to=email, subject=subject, body=body
        )
    return invitation


def invitation_revoke(*, shop: Shop, invitation_id: int, now: datetime) -> None:
    """Withdraw an open invitation of the shop (never another shop's): its link stops working."""
    revoked = ShopInvitation.objects.filter(
        shop=shop, pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    if not revoked:
        raise InvitationNotFound


def invitation_for_token(*, token: str, now: datetime) -> ShopInvitation:
    """The open invitation of `token`, shop and city loaded; or why it cannot be used."""
    invitation = (
        ShopInvitation.objects.select_related("shop", "shop__city")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationInvalid
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvitationUsed
    if invitation.expires_at <= now:
        raise InvitationExpired
    return invitation


def invitation_accept(*, token: str, user: User, now: datetime) -> Membership:
    """`user` (signed in with the invited address) joins the shop with the invited role."""
    invitation = invitation_for_token(token=token, now=now)
    if _normalise_email(user.email) != invitation.email:
        raise InvitationForAnotherEmail(params={"email": invitation.email})
    with transaction.atomic():
        claimed = ShopInvitation.objects.filter(
            pk=invitation.pk,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        ).update(accepted_at=now, accepted_by=user)
        if claimed != 1:
            raise InvitationUsed
        if Membership.objects.filter(shop_id=invitation.shop_id, user=user).exists():
            raise AlreadyMember
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    shop_id=invitation.shop_id, user=user, role=invitation.role
                )
        except IntegrityError:
            raise AlreadyMember from None
    membership.shop = invitation.shop
    return membership


def invitation_accept_as_new_user(
    *, token: str, password: str, first_name: str, now: datetime, language: str = "fr"
) -> Membership:
    """Someone without an account accepts: their account (the invited address) and membership.

    Both or neither: a refused invitation leaves no account behind.
    """
    invitation = invitation_for_token(token=token, now=now)
    with transaction.atomic():
        user = user_register(
            email=invitation.email, password=password, first_name=first_name, language=language
        )
        return invitation_accept(token=token, user=user, now=now)
