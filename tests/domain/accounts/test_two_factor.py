"""Two-step log-in: RFC 6238 codes, one use per code, recovery codes, who may turn it on."""

import base64
from datetime import UTC, datetime, timedelta

import pytest

from comptoir.domain.accounts import two_factor as two_factor_module
from comptoir.domain.accounts.errors import TwoFactorCodeInvalid, TwoFactorNotAllowed
from comptoir.domain.accounts.models import RecoveryCode, TwoFactor
from comptoir.domain.accounts.two_factor import (
    provisioning_uri,
    time_step,
    totp_code,
    two_factor_allowed,
    two_factor_confirm,
    two_factor_enabled,
    two_factor_start,
    two_factor_verify,
)
from comptoir.domain.shops.models import Role
from tests.domain.violations import refused_by
from tests.factories import make_membership, make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 9, 8, 0, 10, tzinfo=UTC)
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def code_at(two_factor, moment):
    return totp_code(two_factor.secret, step=time_step(moment))


@pytest.fixture
def operator():
    return make_user(email="ops@example.fr", is_staff=True)


@pytest.fixture
def enabled(operator):
    two_factor = two_factor_start(user=operator)
    codes = two_factor_confirm(user=operator, code=code_at(two_factor, NOW), now=NOW)
    two_factor.refresh_from_db()
    return two_factor, codes


@pytest.mark.parametrize(
    ("seconds", "code"), [(59, "287082"), (1111111109, "081804"), (1234567890, "005924")]
)
def test_it_computes_the_rfc_6238_test_vectors(seconds, code):
    moment = datetime.fromtimestamp(seconds, tz=UTC)

    assert totp_code(RFC_SECRET, step=time_step(moment)) == code


def test_it_is_for_the_operator_and_shop_owners_only(operator, shop):
    owner, staff, customer = make_user(), make_user(), make_user()
    make_membership(shop, owner, role=Role.OWNER)
    make_membership(shop, staff, role=Role.STAFF)

    assert [two_factor_allowed(u) for u in (operator, owner, staff, customer)] == [
        True,
        True,
        False,
        False,
    ]
    with pytest.raises(TwoFactorNotAllowed):
        two_factor_start(user=customer)
    assert not TwoFactor.objects.filter(user=customer).exists()


def test_a_started_second_factor_is_not_on_until_confirmed(operator):
    two_factor = two_factor_start(user=operator)

    assert len(two_factor.secret) == 32
    assert two_factor_enabled(operator) is False
    uri = provisioning_uri(user=operator, secret=two_factor.secret)
    assert uri == (
        f"otpauth://totp/Comptoir%3Aops%40example.fr?secret={two_factor.secret}"
        "&issuer=Comptoir&digits=6&period=30"
    )


def test_a_wrong_first_code_does_not_turn_it_on(operator):
    two_factor = two_factor_start(user=operator)
    wrong = str((int(code_at(two_factor, NOW)) + 1) % 1_000_000).zfill(6)

    with pytest.raises(TwoFactorCodeInvalid):
        two_factor_confirm(user=operator, code=wrong, now=NOW)

    assert two_factor_enabled(operator) is False
    assert not RecoveryCode.objects.exists()


def test_the_right_first_code_turns_it_on_with_ten_recovery_codes(operator, enabled):
    two_factor, codes = enabled

    assert two_factor.confirmed_at == NOW
    assert two_factor_enabled(operator) is True
    assert len(set(codes)) == 10
    assert RecoveryCode.objects.filter(user=operator, used_at=None).count() == 10
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()  # only hashes


def test_it_accepts_the_next_code_once_and_never_again(operator, enabled):
    two_factor, _ = enabled
    later = NOW + timedelta(seconds=30)
    code = code_at(two_factor, later)

    two_factor_verify(user=operator, code=code, now=later)
    with pytest.raises(TwoFactorCodeInvalid):
        two_factor_verify(user=operator, code=code, now=later)


def test_it_refuses_the_code_used_to_turn_it_on(operator, enabled):
    two_factor, _ = enabled

    with pytest.raises(TwoFactorCodeInvalid):
        two_factor_verify(user=operator, code=code_at(two_factor, NOW), now=NOW)


def test_it_accepts_one_step_of_clock_drift_but_not_two(operator, enabled):
    two_factor, _ = enabled
    now = NOW + timedelta(minutes=5)

    with pytest.raises(TwoFactorCodeInvalid):
        two_factor_verify(
            user=operator, code=code_at(two_factor, now - timedelta(seconds=60)), now=now
        )
    two_factor_verify(user=operator, code=code_at(two_factor, now - timedelta(seconds=30)), now=now)


def test_a_recovery_code_works_once_whatever_its_case_and_dashes(operator, enabled):
    _, codes = enabled
    later = NOW + timedelta(minutes=1)

    two_factor_verify(user=operator, code=codes[0].upper().replace("-", " "), now=later)

    with pytest.raises(TwoFactorCodeInvalid):
        two_factor_verify(user=operator, code=codes[0], now=later)
    assert RecoveryCode.objects.filter(used_at=later).count() == 1


def test_a_recovery_code_of_digits_only_is_not_taken_for_a_one_time_code(operator, monkeypatch):
    """Hex digits drawn at random are all decimal digits about once in 110 codes."""
    two_factor = two_factor_start(user=operator)
    # A code's halves come from two draws of 5 random bytes' hex: 2 draws per code.
    drawn = iter(["2606018156", "2606018156", *(f"{n:010d}" for n in range(18))])
    monkeypatch.setattr(two_factor_module.secrets, "token_hex", lambda _: next(drawn))
    codes = two_factor_confirm(user=operator, code=code_at(two_factor, NOW), now=NOW)
    assert codes[0] == "26060-18156"
    later = NOW + timedelta(minutes=1)

    two_factor_verify(user=operator, code="26060 18156", now=later)

    assert RecoveryCode.objects.filter(used_at=later).count() == 1
    two_factor_verify(user=operator, code="0000000001", now=later)  # typed without its dash
    assert RecoveryCode.objects.filter(used_at=later).count() == 2


def test_it_refuses_any_code_without_a_confirmed_second_factor(operator):
    two_factor = two_factor_start(user=operator)

    with pytest.raises(TwoFactorCodeInvalid):
        two_factor_verify(user=operator, code=code_at(two_factor, NOW), now=NOW)


def test_it_refuses_a_secret_that_is_not_base32(operator):
    with refused_by("accounts_twofactor_secret_base32"):
        TwoFactor.objects.create(user=operator, secret="a" * 32)

    assert not TwoFactor.objects.exists()


def test_it_accepts_a_32_character_base32_secret(operator):
    TwoFactor.objects.create(user=operator, secret="A2" * 16)

    assert TwoFactor.objects.get().secret == "A2" * 16


def test_it_refuses_two_second_factors_for_one_user(operator):
    TwoFactor.objects.create(user=operator, secret="A" * 32)

    with refused_by(
        "accounts_twofactor_user_id",
        sqlite="UNIQUE constraint failed: accounts_twofactor.user_id",
    ):
        TwoFactor.objects.create(user=operator, secret="B" * 32)

    assert TwoFactor.objects.count() == 1


def test_it_refuses_two_recovery_codes_with_one_hash(operator):
    RecoveryCode.objects.create(user=operator, code_hash="a" * 64)

    with refused_by(
        "accounts_recoverycode_code_hash",
        sqlite="UNIQUE constraint failed: accounts_recoverycode.code_hash",
    ):
        RecoveryCode.objects.create(user=make_user(), code_hash="a" * 64)

    assert RecoveryCode.objects.count() == 1
