"""The database refuses API tokens that make no sense, even past the services."""

from datetime import UTC, datetime, timedelta

import pytest

from comptoir.domain.accounts.models import ApiToken
from tests.domain.violations import refused_by
from tests.factories import make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def make_token(**fields):
    defaults = {
        "name": "iPhone",
        "prefix": "cpt_abcdef",
        "token_hash": "a" * 64,
        "created_at": NOW,
        "expires_at": NOW + timedelta(days=90),
    }
    return ApiToken.objects.create(
        user=fields.pop("user", None) or make_user(), **(defaults | fields)
    )


def test_it_refuses_a_token_that_expires_when_it_is_made():
    with refused_by("accounts_apitoken_expires_after_creation"):
        make_token(expires_at=NOW)

    assert not ApiToken.objects.exists()


def test_it_accepts_a_token_that_expires_a_microsecond_after_it_is_made():
    make_token(expires_at=NOW + timedelta(microseconds=1))

    assert ApiToken.objects.count() == 1


def test_it_refuses_a_token_without_a_name():
    with refused_by("accounts_apitoken_name_not_empty"):
        make_token(name="")


def test_it_accepts_a_one_character_name():
    assert make_token(name="A").name == "A"


def test_it_refuses_two_tokens_with_one_hash():
    make_token()

    with refused_by(
        "accounts_apitoken_token_hash",
        sqlite="UNIQUE constraint failed: accounts_apitoken.token_hash",
    ):
        make_token()

    assert ApiToken.objects.count() == 1
