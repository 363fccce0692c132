"""API tokens: only a hash stored; expired, revoked and inactive ones read as unknown."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from comptoir.domain.accounts.errors import ApiTokenNotFound, NotAMemberOfShop
from comptoir.domain.accounts.models import ApiToken
from comptoir.domain.accounts.tokens import (
    LIFETIME,
    api_token_authenticate,
    api_token_issue,
    api_token_revoke,
    api_tokens_of,
)
from comptoir.domain.shops.models import Role
from tests.factories import make_membership, make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_only_a_hash_of_the_secret_is_stored_and_the_secret_works():
    user = make_user()
    token, secret = api_token_issue(user=user, name="iPhone", now=NOW)

    assert secret.startswith("cpt_")
    assert len(secret) >= 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in {stored.token_hash, stored.prefix, stored.name}
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert api_token_authenticate(secret=secret, now=NOW) == token


def test_unknown_expired_revoked_and_inactive_read_the_same():
    user = make_user()
    token, secret = api_token_issue(user=user, name="a", now=NOW)

    assert api_token_authenticate(secret="cpt_" + "x" * 43, now=NOW) is None
    assert api_token_authenticate(secret="not-a-token", now=NOW) is None
    assert api_token_authenticate(secret=secret, now=NOW + LIFETIME) is None
    api_token_revoke(user=user, token_id=token.pk, now=NOW)
    assert api_token_authenticate(secret=secret, now=NOW) is None

    _, other = api_token_issue(user=user, name="b", now=NOW)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api_token_authenticate(secret=other, now=NOW) is None


def test_last_use_is_written_at_most_every_five_minutes():
    token, secret = api_token_issue(user=make_user(), name="a", now=NOW)

    api_token_authenticate(secret=secret, now=NOW)
    api_token_authenticate(secret=secret, now=NOW + timedelta(minutes=4))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == NOW
    api_token_authenticate(secret=secret, now=NOW + timedelta(minutes=5))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == NOW + timedelta(minutes=5)


def test_a_shop_token_needs_a_membership(shop):
    user = make_user()
    with pytest.raises(NotAMemberOfShop):
        api_token_issue(user=user, name="a", now=NOW, shop_id=shop.pk)
    make_membership(shop, user, role=Role.STAFF)

    token, _ = api_token_issue(user=user, name="a", now=NOW, shop_id=shop.pk)

    assert token.shop_id == shop.pk


def test_nobody_revokes_another_users_token():
    token, secret = api_token_issue(user=make_user(), name="a", now=NOW)

    with pytest.raises(ApiTokenNotFound):
        api_token_revoke(user=make_user(), token_id=token.pk, now=NOW)
    assert api_token_authenticate(secret=secret, now=NOW) is not None


def test_my_tokens_lists_the_live_ones_newest_first():
    user = make_user()
    old, _ = api_token_issue(user=user, name="old", now=NOW)
    new, _ = api_token_issue(user=user, name="new", now=NOW + timedelta(hours=1))
    gone, _ = api_token_issue(user=user, name="gone", now=NOW)
    api_token_revoke(user=user, token_id=gone.pk, now=NOW)

    assert api_tokens_of(user) == [new, old]
