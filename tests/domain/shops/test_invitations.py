"""Invitations to a shop's team: e-mailed after commit, single use, a week long, hashed."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from comptoir.domain.accounts.errors import EmailAlreadyUsed, WeakPassword
from comptoir.domain.accounts.models import User
from comptoir.domain.shops.errors import (
    AlreadyMember,
    InvitationExpired,
    InvitationForAnotherEmail,
    InvitationInvalid,
    InvitationNotFound,
    InvitationUsed,
)
from comptoir.domain.shops.invitations import (
    invitation_accept,
    invitation_accept_as_new_user,
    invitation_create,
    invitation_for_token,
    invitation_revoke,
    open_invitations,
)
from comptoir.domain.shops.models import Role, ShopInvitation
from tests.domain.violations import refused_by
from tests.factories import make_membership, make_shop, make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)


def invite(shop, email="lea@example.fr", role=Role.STAFF, now=NOW, invited_by=None, language="fr"):
    """Invite; return (invitation, the token put in the e-mail)."""
    tokens: list[str] = []

    def link_url(token):
        tokens.append(token)
        return f"https://comptoir.test/shop/join/{token}/"

    invitation = invitation_create(
        shop=shop,
        email=email,
        role=role,
        invited_by=invited_by,
        now=now,
        link_url=link_url,
        language=language,
    )
    return invitation, tokens[0]


def members(shop):
    return sorted(shop.memberships.values_list("user__email", "role"))


# invitation_create


def test_it_emails_a_link_after_commit_and_stores_only_its_hash(
    shop, django_capture_on_commit_callbacks
):
    owner = make_membership(shop, make_user(email="paul@example.fr"), role=Role.OWNER)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation, token = invite(shop, " Lea@Example.FR ", invited_by=owner.user, language="en")

    assert len(callbacks) == 1
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "lea@example.fr",
        Role.STAFF,
        owner.user,
    )
    assert (invitation.created_at, invitation.expires_at) == (NOW, NOW + timedelta(days=7))
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not ShopInvitation.objects.filter(token_hash=token).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lea@example.fr"]
    assert message.subject == f"{shop.name} invites you to Comptoir"
    assert f"https://comptoir.test/shop/join/{token}/" in message.body


def test_it_sends_nothing_before_the_commit(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(shop)

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_it_refuses_to_invite_someone_already_in_the_shop_and_stores_nothing(shop):
    make_membership(shop, make_user(email="lea@example.fr"))

    with pytest.raises(AlreadyMember) as caught:
        invite(shop, "LEA@example.fr")

    assert caught.value.field == "email"
    assert not ShopInvitation.objects.exists()


def test_inviting_again_replaces_the_open_invitation(shop):
    _first, first_token = invite(shop)
    second, second_token = invite(shop, now=NOW + timedelta(hours=1))

    assert list(open_invitations(shop, now=NOW + timedelta(hours=1))) == [second]
    with pytest.raises(InvitationUsed):
        invitation_for_token(token=first_token, now=NOW + timedelta(hours=1))
    assert invitation_for_token(token=second_token, now=NOW + timedelta(hours=1)) == second


# invitation_revoke


def test_it_revokes_an_open_invitation_and_its_link_stops_working(shop):
    invitation, token = invite(shop)

    invitation_revoke(shop=shop, invitation_id=invitation.pk, now=NOW)

    assert ShopInvitation.objects.get(pk=invitation.pk).revoked_at == NOW
    with pytest.raises(InvitationUsed):
        invitation_for_token(token=token, now=NOW)


def test_it_refuses_to_revoke_another_shops_invitation_and_changes_nothing(shop):
    other = make_shop(shop.city)
    invitation, _ = invite(other)

    with pytest.raises(InvitationNotFound):
        invitation_revoke(shop=shop, invitation_id=invitation.pk, now=NOW)

    assert ShopInvitation.objects.get(pk=invitation.pk).revoked_at is None


# invitation_accept


def test_a_known_user_accepts_and_joins_with_the_invited_role(shop):
    user = make_user(email="lea@example.fr")
    _, token = invite(shop, role=Role.OWNER)

    membership = invitation_accept(token=token, user=user, now=NOW + timedelta(days=6))

    assert (membership.shop, membership.user, membership.role) == (shop, user, Role.OWNER)
    invitation = ShopInvitation.objects.get()
    assert (invitation.accepted_at, invitation.accepted_by) == (NOW + timedelta(days=6), user)


def test_a_link_works_only_once(shop):
    user = make_user(email="lea@example.fr")
    _, token = invite(shop)
    invitation_accept(token=token, user=user, now=NOW)

    with pytest.raises(InvitationUsed):
        invitation_accept(token=token, user=user, now=NOW)

    assert members(shop) == [("lea@example.fr", Role.STAFF)]


def test_it_refuses_an_expired_invitation_and_adds_nobody(shop):
    user = make_user(email="lea@example.fr")
    _, token = invite(shop)

    with pytest.raises(InvitationExpired):
        invitation_accept(token=token, user=user, now=NOW + timedelta(days=7))

    assert members(shop) == []
    assert ShopInvitation.objects.get().accepted_at is None


def test_it_refuses_an_unknown_token(shop):
    with pytest.raises(InvitationInvalid) as caught:
        invitation_for_token(token="not-a-token", now=NOW)

    assert caught.value.code == "invitation_invalid"


def test_it_refuses_a_user_with_another_address_and_adds_nobody(shop):
    intruder = make_user(email="intrus@example.fr")
    _, token = invite(shop)

    with pytest.raises(InvitationForAnotherEmail) as caught:
        invitation_accept(token=token, user=intruder, now=NOW)

    assert caught.value.params == {"email": "lea@example.fr"}
    assert members(shop) == []
    assert ShopInvitation.objects.get().accepted_at is None


def test_a_new_person_gets_an_account_and_joins(shop):
    _, token = invite(shop)

    membership = invitation_accept_as_new_user(
        token=token, password="une-baguette-bien-cuite", first_name="Léa", now=NOW
    )

    user = User.objects.get(email="lea@example.fr")
    assert (membership.user, user.first_name, user.check_password("une-baguette-bien-cuite")) == (
        user,
        "Léa",
        True,
    )
    assert members(shop) == [("lea@example.fr", Role.STAFF)]


def test_a_weak_password_creates_no_account_and_keeps_the_invitation_open(shop):
    _, token = invite(shop)

    with pytest.raises(WeakPassword):
        invitation_accept_as_new_user(token=token, password="123", first_name="Léa", now=NOW)

    assert not User.objects.filter(email="lea@example.fr").exists()
    assert invitation_for_token(token=token, now=NOW).accepted_at is None


def test_an_existing_account_must_log_in_instead(shop):
    make_user(email="lea@example.fr")
    _, token = invite(shop)

    with pytest.raises(EmailAlreadyUsed):
        invitation_accept_as_new_user(
            token=token, password="une-baguette-bien-cuite", first_name="Léa", now=NOW
        )

    assert members(shop) == []


# constraints


def row(shop, **fields):
    defaults = {
        "shop": shop,
        "email": "lea@example.fr",
        "role": Role.STAFF,
        "token_hash": hashlib.sha256(str(fields).encode()).hexdigest(),
        "created_at": NOW,
        "expires_at": NOW + timedelta(days=7),
    }
    return ShopInvitation.objects.create(**(defaults | fields))


def test_it_refuses_an_unknown_invitation_role(shop):
    with refused_by("shops_invitation_role_valid"):
        row(shop, role="boss")

    assert not ShopInvitation.objects.exists()


def test_it_refuses_an_invitation_that_expires_when_it_is_created(shop):
    with refused_by("shops_invitation_expires_after_creation"):
        row(shop, expires_at=NOW)

    assert not ShopInvitation.objects.exists()


def test_it_refuses_an_invitation_both_accepted_and_revoked(shop):
    with refused_by("shops_invitation_accepted_or_revoked_not_both"):
        row(shop, accepted_at=NOW, revoked_at=NOW)

    assert not ShopInvitation.objects.exists()


def test_it_refuses_an_invitation_email_with_capitals(shop):
    with refused_by("shops_invitation_email_lowercase"):
        row(shop, email="Lea@example.fr")

    assert not ShopInvitation.objects.exists()


def test_it_refuses_two_open_invitations_for_one_address_in_one_shop(shop):
    row(shop, token_hash="a" * 64)

    with refused_by(
        "shops_invitation_one_open_per_email",
        sqlite="UNIQUE constraint failed: shops_shopinvitation.shop_id, shops_shopinvitation.email",
    ):
        row(shop, token_hash="b" * 64)

    assert ShopInvitation.objects.count() == 1


def test_it_refuses_two_invitations_with_one_token_hash(shop):
    row(shop, token_hash="a" * 64)

    with refused_by(
        "shops_shopinvitation_token_hash",
        sqlite="UNIQUE constraint failed: shops_shopinvitation.token_hash",
    ):
        row(shop, email="tom@example.fr", token_hash="a" * 64)

    assert ShopInvitation.objects.count() == 1


def test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_shop(shop):
    other = make_shop(shop.city)
    row(shop, token_hash="a" * 64, accepted_at=NOW)
    row(shop, token_hash="b" * 64, revoked_at=NOW)
    row(shop, token_hash="c" * 64)
    row(other, token_hash="d" * 64)
    row(
        shop,
        token_hash="e" * 64,
        email="l.e-a+1@example.fr",
        expires_at=NOW + timedelta(microseconds=1),
    )

    assert ShopInvitation.objects.count() == 5
