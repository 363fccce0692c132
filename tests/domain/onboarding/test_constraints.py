"""The database refuses onboarding rows that break its rules, whatever the services check."""

from datetime import timedelta

import pytest

from comptoir.domain.onboarding.models import GoLiveRequest, OwnerInvitation, SignupRequest
from tests.domain.onboarding.support import NOW
from tests.domain.violations import refused_by
from tests.factories import make_city, make_shop

pytestmark = pytest.mark.django_db


def signup(city=None, **fields):
    defaults = {
        "shop_name": "Au Bon Pain",
        "trade": "bakery",
        "city": city,
        "town": "" if city else "Évreux",
        "contact_name": "Léa",
        "email": "lea@example.fr",
        "created_at": NOW,
    }
    return SignupRequest.objects.create(**(defaults | fields))


_tokens = iter(range(10**6))


def invitation(city, **fields):
    defaults = {
        "email": "lea@example.fr",
        "token_hash": f"{next(_tokens):064d}",
        "created_at": NOW,
        "expires_at": NOW + timedelta(days=14),
    }
    return OwnerInvitation.objects.create(city=city, **(defaults | fields))


# Sign-up requests


def test_it_refuses_an_unknown_request_status(city):
    with refused_by("onboarding_signup_status_valid"):
        signup(city, status="maybe", decided_at=NOW)


def test_it_refuses_an_unknown_request_trade(city):
    with refused_by("onboarding_signup_trade_valid"):
        signup(city, trade="casino")


def test_it_refuses_a_request_with_neither_city_nor_town(db):
    with refused_by("onboarding_signup_city_or_town"):
        signup(town="")


def test_it_refuses_a_request_address_in_capitals(city):
    with refused_by("onboarding_signup_email_lowercase"):
        signup(city, email="Lea@example.fr")


def test_it_refuses_a_decision_without_its_time_and_a_time_without_decision(city):
    with refused_by("onboarding_signup_decided_when_not_new"):
        signup(city, status="declined")
    with refused_by("onboarding_signup_decided_when_not_new"):
        signup(city, email="paul@example.fr", decided_at=NOW)


def test_it_refuses_two_new_requests_from_one_address(city):
    signup(city)

    with refused_by(
        "onboarding_signup_one_new_per_email",
        sqlite="UNIQUE constraint failed: onboarding_signuprequest.email",
    ):
        signup(city)


def test_it_accepts_every_status_with_its_decision_a_town_alone_and_decided_duplicates(city):
    signup(city)
    signup(city, status="invited", decided_at=NOW)
    signup(city, status="declined", decided_at=NOW)
    for trade in ("bakery", "organic"):
        signup(None, town="Évreux", email=f"{trade}@example.fr", trade=trade)

    assert SignupRequest.objects.count() == 5


# Owner invitations


def test_it_refuses_an_invitation_that_does_not_expire_after_it_is_sent(city):
    with refused_by("onboarding_invitation_expires_after_creation"):
        invitation(city, expires_at=NOW)


def test_it_refuses_an_invitation_both_used_and_withdrawn(city):
    with refused_by("onboarding_invitation_used_or_revoked_not_both"):
        invitation(city, used_at=NOW, revoked_at=NOW)


def test_it_refuses_a_shop_on_an_unused_invitation(city):
    with refused_by("onboarding_invitation_shop_only_when_used"):
        invitation(city, shop=make_shop(city))


def test_it_refuses_an_invitation_address_in_capitals(city):
    with refused_by("onboarding_invitation_email_lowercase"):
        invitation(city, email="Lea@example.fr")


def test_it_refuses_an_unknown_invitation_trade(city):
    with refused_by("onboarding_invitation_trade_valid"):
        invitation(city, trade="casino")


def test_it_refuses_two_open_invitations_of_one_address_in_one_city(city):
    invitation(city)

    with refused_by(
        "onboarding_invitation_one_open_per_email",
        sqlite="UNIQUE constraint failed: onboarding_ownerinvitation.city_id, "
        "onboarding_ownerinvitation.email",
    ):
        invitation(city)


def test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_city(city):
    invitation(city)
    invitation(city, used_at=NOW, shop=make_shop(city))
    invitation(city, revoked_at=NOW)
    invitation(make_city())
    invitation(city, email="paul@example.fr", trade="bakery", expires_at=NOW + timedelta(seconds=1))

    assert OwnerInvitation.objects.count() == 5


def test_it_refuses_two_invitations_with_one_token_hash(city):
    invitation(city, token_hash="a" * 64)

    with refused_by(
        "token_hash",
        sqlite="UNIQUE constraint failed: onboarding_ownerinvitation.token_hash",
    ):
        invitation(make_city(), token_hash="a" * 64)


def test_it_refuses_one_shop_created_by_two_invitations(city):
    shop = make_shop(city)
    invitation(city, used_at=NOW, shop=shop)

    with refused_by(
        "shop_id", sqlite="UNIQUE constraint failed: onboarding_ownerinvitation.shop_id"
    ):
        invitation(city, email="paul@example.fr", used_at=NOW, shop=shop)


# Requests to go live


def test_it_refuses_two_requests_to_go_live_for_one_shop(shop):
    GoLiveRequest.objects.create(shop=shop, requested_at=NOW)

    with refused_by("shop_id", sqlite="UNIQUE constraint failed: onboarding_goliverequest.shop_id"):
        GoLiveRequest.objects.create(shop=shop, requested_at=NOW)


def test_it_accepts_one_request_to_go_live_per_shop(city):
    for shop in (make_shop(city), make_shop(city)):
        GoLiveRequest.objects.create(shop=shop, requested_at=NOW)

    assert GoLiveRequest.objects.count() == 2
