"""The operator's invitations: e-mailed, hashed, single use; accepting creates a hidden shop."""

import hashlib
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation

from comptoir.core.errors import InvalidInput
from comptoir.domain.accounts.errors import EmailAlreadyUsed, WeakPassword
from comptoir.domain.accounts.models import User
from comptoir.domain.fulfilment.geocode import locate
from comptoir.domain.onboarding.errors import (
    OwnerInvitationExpired,
    OwnerInvitationForAnotherEmail,
    OwnerInvitationInvalid,
    OwnerInvitationUsed,
)
from comptoir.domain.onboarding.models import OwnerInvitation
from comptoir.domain.onboarding.selectors import owner_invitation_for_token
from comptoir.domain.onboarding.services import (
    owner_invitation_accept,
    owner_invitation_accept_as_new_user,
    owner_invitation_revoke,
)
from comptoir.domain.shops.models import Membership, Role, Shop
from tests.domain.onboarding.support import DETAILS, NOW, invite
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_it_emails_a_link_after_commit_and_stores_only_its_hash(
    city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation, token = invite(city, " Lea@Example.FR ", shop_name="Au Bon Pain", language="en")

    assert len(callbacks) == 1
    assert (invitation.email, invitation.city, invitation.shop_name) == (
        "lea@example.fr",
        city,
        "Au Bon Pain",
    )
    assert (invitation.created_at, invitation.expires_at) == (NOW, NOW + timedelta(days=14))
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not OwnerInvitation.objects.filter(token_hash=token).exists()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["lea@example.fr"]
    assert sent.subject == "Open your shop on Comptoir in Rouen"
    assert f"https://comptoir.test/shop/welcome/{token}/" in sent.body
    assert "14 days" in sent.body


def test_inviting_again_replaces_the_open_invitation(city):
    first, first_token = invite(city)
    second, _ = invite(city, now=NOW + timedelta(hours=1))

    first.refresh_from_db()
    assert first.revoked_at == NOW + timedelta(hours=1)
    assert second.revoked_at is None
    with pytest.raises(OwnerInvitationUsed):
        owner_invitation_for_token(token=first_token, now=NOW + timedelta(hours=2))


def test_it_refuses_a_malformed_address_and_writes_nothing(city):
    with pytest.raises(InvalidInput):
        invite(city, "not-an-address")

    assert not OwnerInvitation.objects.exists()
    assert mail.outbox == []


def test_accepting_creates_the_shop_unpublished_with_its_owner(city):
    invitation, token = invite(city)
    lea = make_user(email="lea@example.fr")

    shop = owner_invitation_accept(token=token, user=lea, details=DETAILS, now=NOW)

    shop.refresh_from_db()
    assert (shop.city, shop.name, shop.slug, shop.trade) == (
        city,
        "Au Bon Pain",
        "au-bon-pain",
        "bakery",
    )
    assert (shop.street, shop.postal_code, shop.locality) == (
        "12 rue du Gros-Horloge",
        "76000",
        "Rouen",
    )
    assert (shop.phone, shop.email) == ("+33235000000", "contact@aubonpain.fr")
    assert (shop.is_active, shop.approved_at) == (False, None)
    # Placed at the postcode's centre until a street-level geocoder is plugged in.
    place = locate(line1="", postal_code="76000", locality="Rouen", country="FR")
    assert place is not None
    assert (shop.latitude, shop.longitude) == (place.latitude, place.longitude)
    assert list(Membership.objects.filter(shop=shop).values_list("user", "role")) == [
        (lea.pk, Role.OWNER)
    ]
    invitation.refresh_from_db()
    assert (invitation.used_at, invitation.used_by, invitation.shop) == (NOW, lea, shop)


def test_a_new_person_gets_an_account_and_the_shop(city):
    _, token = invite(city)

    shop = owner_invitation_accept_as_new_user(
        token=token,
        password="un-mot-de-passe-solide",
        first_name="Léa",
        details=DETAILS,
        now=NOW,
        language="en",
    )

    lea = User.objects.get(email="lea@example.fr")
    assert (lea.first_name, lea.language, lea.check_password("un-mot-de-passe-solide")) == (
        "Léa",
        "en",
        True,
    )
    assert Membership.objects.get(shop=shop).user == lea


def test_a_weak_password_creates_nothing_and_leaves_the_link_usable(city):
    _, token = invite(city)

    with pytest.raises(WeakPassword):
        owner_invitation_accept_as_new_user(
            token=token, password="12345678", first_name="Léa", details=DETAILS, now=NOW
        )

    assert not User.objects.exists()
    assert not Shop.objects.exists()
    assert owner_invitation_for_token(token=token, now=NOW).used_at is None


def test_a_refused_shop_leaves_no_account_and_the_link_usable(city):
    _, token = invite(city)
    bad = replace(DETAILS, trade="not-a-trade")

    with pytest.raises(InvalidInput):
        owner_invitation_accept_as_new_user(
            token=token, password="un-mot-de-passe-solide", first_name="Léa", details=bad, now=NOW
        )

    assert not User.objects.exists()
    assert not Shop.objects.exists()
    assert owner_invitation_for_token(token=token, now=NOW).used_at is None


def test_an_existing_address_must_log_in(city):
    _, token = invite(city)
    make_user(email="lea@example.fr")

    with pytest.raises(EmailAlreadyUsed):
        owner_invitation_accept_as_new_user(
            token=token,
            password="un-mot-de-passe-solide",
            first_name="Léa",
            details=DETAILS,
            now=NOW,
        )

    assert not Shop.objects.exists()


def test_it_refuses_another_account(city):
    _, token = invite(city)

    with pytest.raises(OwnerInvitationForAnotherEmail) as refused:
        owner_invitation_accept(token=token, user=make_user(), details=DETAILS, now=NOW)

    with translation.override("en"):
        assert "lea@example.fr" in str(refused.value)
    assert not Shop.objects.exists()


def test_it_works_once(city):
    _, token = invite(city)
    lea = make_user(email="lea@example.fr")
    owner_invitation_accept(token=token, user=lea, details=DETAILS, now=NOW)

    with pytest.raises(OwnerInvitationUsed):
        owner_invitation_accept(token=token, user=lea, details=DETAILS, now=NOW)

    assert Shop.objects.count() == 1


def test_it_refuses_an_expired_a_withdrawn_and_a_forged_link(city):
    invitation, token = invite(city)
    lea = make_user(email="lea@example.fr")

    with pytest.raises(OwnerInvitationExpired):
        owner_invitation_accept(
            token=token, user=lea, details=DETAILS, now=NOW + timedelta(days=14)
        )
    with pytest.raises(OwnerInvitationInvalid):
        owner_invitation_accept(token="forged", user=lea, details=DETAILS, now=NOW)
    assert owner_invitation_revoke(invitation=invitation, now=NOW) is True
    assert owner_invitation_revoke(invitation=invitation, now=NOW) is False
    with pytest.raises(OwnerInvitationUsed):
        owner_invitation_accept(token=token, user=lea, details=DETAILS, now=NOW)

    assert not Shop.objects.exists()


def test_an_unknown_postcode_places_the_shop_at_the_city_centre(city):
    _, token = invite(city)
    lea = make_user(email="lea@example.fr")

    shop = owner_invitation_accept(
        token=token, user=lea, details=replace(DETAILS, postal_code="99999"), now=NOW
    )

    assert (shop.latitude, shop.longitude) == (city.latitude, city.longitude)


def test_two_shops_of_the_same_name_get_two_slugs(city):
    _, first = invite(city, "a@example.fr")
    _, second = invite(city, "b@example.fr")

    one = owner_invitation_accept(
        token=first, user=make_user(email="a@example.fr"), details=DETAILS, now=NOW
    )
    two = owner_invitation_accept(
        token=second, user=make_user(email="b@example.fr"), details=DETAILS, now=NOW
    )

    assert (one.slug, two.slug) == ("au-bon-pain", "au-bon-pain-2")
