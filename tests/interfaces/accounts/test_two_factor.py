"""Two-step log-in pages: the code after the password or the link, and turning it on."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail

from comptoir.domain.accounts.models import LoginThrottle, RecoveryCode, TwoFactor
from comptoir.domain.accounts.two_factor import (
    time_step,
    totp_code,
    two_factor_confirm,
    two_factor_start,
)
from comptoir.domain.shops.models import Role
from tests.factories import make_membership, make_user
from tests.interfaces.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 9, 8, 0, 10, tzinfo=UTC)
INVALID = "This code is not valid. Type the current code from your app."


@pytest.fixture
def clock():
    moment = {"now": NOW}
    with mock.patch(
        "comptoir.interfaces.accounts.views.current_time", side_effect=lambda: moment["now"]
    ):
        yield moment


@pytest.fixture
def owner(shop):
    user = make_user(email="olga@example.fr", password=PASSWORD)
    make_membership(shop, user, role=Role.OWNER)
    return user


@pytest.fixture
def secret(owner):
    two_factor = two_factor_start(user=owner)
    two_factor_confirm(user=owner, code=totp_code(two_factor.secret, step=time_step(NOW)), now=NOW)
    return two_factor.secret


def code(secret, moment):
    return totp_code(secret, step=time_step(moment))


def log_in(client, **extra):
    return client.post(
        "/account/login/", {"email": "olga@example.fr", "password": PASSWORD, **extra}
    )


def test_the_right_password_asks_for_the_code_without_logging_in(en, owner, secret, clock):
    response = log_in(en, next="/shop/")

    assert response.status_code == 302
    assert response["Location"] == "/account/login/code/"
    assert "_auth_user_id" not in en.session
    page = en.get("/account/login/code/")
    assert 'autocomplete="one-time-code"' in page.content.decode()


def test_the_right_code_logs_in_and_follows_next(en, owner, secret, clock):
    log_in(en, next="/shop/")
    clock["now"] = NOW + timedelta(seconds=30)

    response = en.post("/account/login/code/", {"code": code(secret, clock["now"])})

    assert response.status_code == 302
    assert response["Location"] == "/shop/"
    assert en.session["_auth_user_id"] == str(owner.pk)
    assert not LoginThrottle.objects.filter(scope="login_email").exists()


def test_a_wrong_code_is_refused_and_counted(en, owner, secret, clock):
    log_in(en)

    response = en.post("/account/login/code/", {"code": "000000"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": [INVALID]}
    assert "_auth_user_id" not in en.session
    assert LoginThrottle.objects.get(scope="login_email", key="olga@example.fr").count == 1


def test_five_wrong_codes_back_off_even_with_the_right_password_in_between(
    en, owner, secret, clock
):
    log_in(en)
    for _ in range(4):
        en.post("/account/login/code/", {"code": "000000"})
    log_in(en)  # the right password does not clear the count of a two-step account

    fifth = en.post("/account/login/code/", {"code": "000000"})
    right = en.post("/account/login/code/", {"code": code(secret, NOW + timedelta(seconds=30))})

    assert fifth.status_code == right.status_code == 429
    assert "_auth_user_id" not in en.session
    assert TwoFactor.objects.get().last_step == time_step(NOW)  # the right code was not used


def test_a_recovery_code_logs_in(en, owner, clock):
    two_factor = two_factor_start(user=owner)
    codes = two_factor_confirm(user=owner, code=code(two_factor.secret, NOW), now=NOW)
    log_in(en)

    response = en.post("/account/login/code/", {"code": codes[3]})

    assert response.status_code == 302
    assert RecoveryCode.objects.filter(used_at=NOW).count() == 1


def test_the_code_page_expires_after_5_minutes(en, owner, secret, clock):
    log_in(en)
    clock["now"] = NOW + timedelta(minutes=5, seconds=1)

    response = en.post("/account/login/code/", {"code": code(secret, clock["now"])})

    assert response.status_code == 302
    assert response["Location"] == "/account/login/"
    assert "_auth_user_id" not in en.session


def test_the_code_page_without_a_first_step_goes_to_log_in(en, owner, secret):
    assert en.get("/account/login/code/")["Location"] == "/account/login/"


def test_the_emailed_link_asks_for_the_code_too(
    en, owner, secret, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        en.post("/account/login/link/", {"email": "olga@example.fr"})
    path = re.search(r"http://testserver(/account/login/link/[-\w]+/)", str(mail.outbox[0].body))
    assert path is not None

    response = en.post(path.group(1))

    assert response["Location"] == "/account/login/code/"
    assert "_auth_user_id" not in en.session


def test_an_account_without_two_step_logs_in_at_once(en, owner, clock):
    assert log_in(en)["Location"] == "/account/"
    assert en.session["_auth_user_id"] == str(owner.pk)


def test_a_customer_cannot_turn_it_on(en, clock):
    en.force_login(make_user())

    assert en.get("/account/two-step/").status_code == 404
    assert en.post("/account/two-step/", {"action": "start"}).status_code == 404
    assert not TwoFactor.objects.exists()


def test_an_owner_turns_it_on_with_the_qr_code_and_a_first_code(en, owner, clock):
    en.force_login(owner)
    assert "/account/two-step/" in en.get("/account/").content.decode()

    started = en.post("/account/two-step/", {"action": "start"})
    secret = TwoFactor.objects.get(user=owner).secret
    confirmed = en.post("/account/two-step/", {"action": "confirm", "code": code(secret, NOW)})

    assert 'src="data:image/svg+xml' in started.content.decode()
    assert secret in started.content.decode()
    assert confirmed.status_code == 200
    assert len(confirmed.context["codes"]) == 10
    assert TwoFactor.objects.get().confirmed_at == NOW
    assert "Two-step log-in is on" in en.get("/account/two-step/").content.decode()


def test_a_wrong_first_code_keeps_it_off(en, owner, clock):
    en.force_login(owner)
    en.post("/account/two-step/", {"action": "start"})

    response = en.post("/account/two-step/", {"action": "confirm", "code": "12"})

    assert response.context["form"].errors == {"code": [INVALID]}
    assert TwoFactor.objects.get().confirmed_at is None
