"""E-mailed log-in links: single use, 15 minutes, only a hash in the database."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import translation

from comptoir.domain.accounts.errors import LoginLinkExpired, LoginLinkInvalid, LoginLinkUsed
from comptoir.domain.accounts.models import LoginLink
from comptoir.domain.accounts.services import login_link_consume, login_link_request
from tests.domain.violations import refused_by
from tests.factories import make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)


def request_link(email, now=NOW):
    """Ask for a link; return (link or None, the token put in the e-mail or None)."""
    tokens: list[str] = []

    def link_url(token):
        tokens.append(token)
        return f"https://comptoir.test/account/login/link/{token}/"

    link = login_link_request(email=email, now=now, link_url=link_url)
    return link, (tokens[0] if tokens else None)


def test_it_emails_a_link_after_commit_and_stores_only_its_hash(
    django_capture_on_commit_callbacks,
):
    user = make_user(email="anne@example.fr", language="en")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        link, token = request_link(" Anne@Example.FR ")

    assert len(callbacks) == 1
    assert link is not None
    assert token is not None
    assert len(token) == 43
    assert (link.user, link.created_at, link.expires_at, link.used_at) == (
        user,
        NOW,
        NOW + timedelta(minutes=15),
        None,
    )
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not LoginLink.objects.filter(token_hash=token).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anne@example.fr"]
    assert message.subject == "Your Comptoir log-in link"
    assert f"https://comptoir.test/account/login/link/{token}/" in message.body
    assert "It works once, for 15 minutes." in message.body


def test_it_writes_the_email_in_the_users_language_not_the_requests(
    django_capture_on_commit_callbacks,
):
    make_user(email="anne@example.fr", language="en")

    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        request_link("anne@example.fr")

    assert mail.outbox[0].subject == "Your Comptoir log-in link"


def test_it_sends_nothing_and_stores_nothing_for_an_unknown_address(
    django_capture_on_commit_callbacks,
):
    make_user(email="anne@example.fr")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        link, token = request_link("inconnu@example.fr")

    assert (link, token) == (None, None)
    assert callbacks == []
    assert mail.outbox == []
    assert not LoginLink.objects.exists()


def test_it_sends_nothing_to_an_inactive_account(django_capture_on_commit_callbacks):
    make_user(email="anne@example.fr", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        link, _ = request_link("anne@example.fr")

    assert link is None
    assert mail.outbox == []
    assert not LoginLink.objects.exists()


def test_it_logs_in_with_a_fresh_link_and_marks_it_used():
    user = make_user(email="anne@example.fr")
    link, token = request_link("anne@example.fr")

    assert login_link_consume(token=token, now=NOW + timedelta(minutes=14, seconds=59)) == user

    link.refresh_from_db()
    assert link.used_at == NOW + timedelta(minutes=14, seconds=59)


def test_it_refuses_a_link_used_once_already():
    make_user(email="anne@example.fr")
    link, token = request_link("anne@example.fr")
    login_link_consume(token=token, now=NOW + timedelta(minutes=1))

    with pytest.raises(LoginLinkUsed) as caught:
        login_link_consume(token=token, now=NOW + timedelta(minutes=2))

    assert caught.value.code == "login_link_used"
    link.refresh_from_db()
    assert link.used_at == NOW + timedelta(minutes=1)


def test_it_refuses_a_link_at_its_expiry():
    make_user(email="anne@example.fr")
    link, token = request_link("anne@example.fr")

    with pytest.raises(LoginLinkExpired) as caught:
        login_link_consume(token=token, now=NOW + timedelta(minutes=15))

    assert caught.value.code == "login_link_expired"
    link.refresh_from_db()
    assert link.used_at is None


def test_it_refuses_an_unknown_token():
    make_user(email="anne@example.fr")
    link, token = request_link("anne@example.fr")

    with pytest.raises(LoginLinkInvalid) as caught:
        login_link_consume(token=token[:-1] + ("A" if token[-1] != "A" else "B"), now=NOW)

    assert caught.value.code == "login_link_invalid"
    link.refresh_from_db()
    assert link.used_at is None


def test_it_refuses_the_link_of_an_account_deactivated_since():
    user = make_user(email="anne@example.fr")
    link, token = request_link("anne@example.fr")
    user.is_active = False
    user.save()

    with pytest.raises(LoginLinkInvalid):
        login_link_consume(token=token, now=NOW)

    link.refresh_from_db()
    assert link.used_at is None


def test_it_keeps_older_links_valid_when_a_new_one_is_asked_for():
    user = make_user(email="anne@example.fr")
    _, first = request_link("anne@example.fr")
    _, second = request_link("anne@example.fr", now=NOW + timedelta(minutes=1))

    assert login_link_consume(token=first, now=NOW + timedelta(minutes=2)) == user
    assert login_link_consume(token=second, now=NOW + timedelta(minutes=2)) == user


# Database constraints (registered in tests/domain/test_constraint_coverage.py).


def test_it_refuses_a_link_that_expires_when_it_is_created():
    user = make_user()

    with refused_by("accounts_loginlink_expires_after_creation"):
        LoginLink.objects.create(user=user, token_hash="a" * 64, created_at=NOW, expires_at=NOW)

    assert not LoginLink.objects.exists()


def test_it_accepts_a_link_that_expires_a_microsecond_after_creation():
    user = make_user()

    LoginLink.objects.create(
        user=user,
        token_hash="a" * 64,
        created_at=NOW,
        expires_at=NOW + timedelta(microseconds=1),
    )

    assert LoginLink.objects.get().expires_at == NOW + timedelta(microseconds=1)


def test_it_refuses_two_links_with_one_token_hash():
    user = make_user()
    fields = {"created_at": NOW, "expires_at": NOW + timedelta(minutes=15)}
    LoginLink.objects.create(user=user, token_hash="a" * 64, **fields)

    with refused_by(
        "accounts_loginlink_token_hash",
        sqlite="UNIQUE constraint failed: accounts_loginlink.token_hash",
    ):
        LoginLink.objects.create(user=make_user(), token_hash="a" * 64, **fields)

    assert LoginLink.objects.count() == 1
