"""Log-in throttle: back-off per address and per IP, doubling, never a lock-out."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from comptoir.domain.accounts.errors import (
    LoginLinkThrottled,
    LoginThrottled,
    LoginThrottledFromAddress,
)
from comptoir.domain.accounts.models import LoginThrottle
from comptoir.domain.accounts.throttle import (
    RULES,
    login_failure_record,
    login_link_throttle,
    login_success_record,
    login_throttle_check,
)
from tests.domain.violations import refused_by

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)  # 10:00 in Paris
IP = "203.0.113.7"
EMAIL = "anne@example.fr"
Scope = LoginThrottle.Scope


def fail(times, *, email=EMAIL, ip=IP, now=NOW, step=timedelta(seconds=1)):
    """Record `times` failures, `step` apart from `now`; return the last back-off end."""
    retry_at = None
    for n in range(times):
        retry_at = login_failure_record(email=email, ip=ip, now=now + n * step)
    return retry_at


def row(scope, key):
    return LoginThrottle.objects.get(scope=scope, key=key)


def test_it_lets_four_failures_through_without_a_back_off():
    assert fail(4) is None

    login_throttle_check(email=EMAIL, ip=IP, now=NOW + timedelta(seconds=4))
    assert row(Scope.LOGIN_EMAIL, EMAIL).count == 4
    assert row(Scope.LOGIN_IP, IP).count == 4


def test_the_fifth_failure_starts_a_30_second_back_off_for_the_account():
    last = NOW + timedelta(seconds=4)

    assert fail(5) == last + timedelta(seconds=30)

    with pytest.raises(LoginThrottled) as refused:
        login_throttle_check(email=EMAIL, ip=IP, now=last + timedelta(seconds=29))
    assert type(refused.value) is LoginThrottled
    assert refused.value.code == "login_throttled"
    assert refused.value.retry_at == last + timedelta(seconds=30)


def test_the_message_says_when_to_retry_in_paris_time_and_offers_a_link():
    fail(5)

    with pytest.raises(LoginThrottled) as refused:
        login_throttle_check(email=EMAIL, ip=IP, now=NOW)

    with translation.override("en"):
        assert str(refused.value) == (
            "Too many failed log-in attempts for this account. "
            "Try again at 10:00:34, or ask for a log-in link by e-mail."
        )


def test_it_matches_the_address_whatever_its_case_and_spaces():
    fail(5, email=" Anne@Example.FR ")

    with pytest.raises(LoginThrottled):
        login_throttle_check(email="anne@example.fr", ip="198.51.100.1", now=NOW)


def test_the_back_off_ends_on_time():
    retry_at = fail(5)

    login_throttle_check(email=EMAIL, ip=IP, now=retry_at)


def test_each_failure_after_a_back_off_doubles_the_next_one_up_to_15_minutes():
    retry_at = fail(5)
    delays = []
    for _ in range(7):
        next_retry = login_failure_record(email=EMAIL, ip="198.51.100.1", now=retry_at)
        delays.append(int((next_retry - retry_at).total_seconds()))
        retry_at = next_retry

    assert delays == [60, 120, 240, 480, 900, 900, 900]
    assert RULES[Scope.LOGIN_EMAIL].delay(40) == timedelta(minutes=15)


def test_failures_are_forgotten_after_15_quiet_minutes():
    fail(4)
    later = NOW + timedelta(seconds=3, minutes=15)

    assert login_failure_record(email=EMAIL, ip=IP, now=later) is None
    assert row(Scope.LOGIN_EMAIL, EMAIL).count == 1


def test_the_quiet_minutes_count_from_the_end_of_the_back_off():
    retry_at = fail(5)  # blocked until NOW + 34 s

    # 15 minutes after the last failure, but not after the back-off: it doubles.
    later = NOW + timedelta(seconds=4, minutes=15)
    assert login_failure_record(email=EMAIL, ip=IP, now=later) == later + timedelta(seconds=60)
    assert retry_at == NOW + timedelta(seconds=34)


def test_a_success_forgets_the_account_failures_but_not_the_ip_ones():
    fail(4)

    login_success_record(email="ANNE@example.fr")

    assert not LoginThrottle.objects.filter(scope=Scope.LOGIN_EMAIL).exists()
    assert row(Scope.LOGIN_IP, IP).count == 4
    assert fail(4, now=NOW + timedelta(seconds=10)) is None


def test_one_ip_trying_many_accounts_is_backed_off_at_20_failures():
    for n in range(19):
        assert login_failure_record(email=f"client{n}@example.fr", ip=IP, now=NOW) is None

    retry_at = login_failure_record(email="client19@example.fr", ip=IP, now=NOW)

    assert retry_at == NOW + timedelta(seconds=30)
    with pytest.raises(LoginThrottledFromAddress) as refused:
        login_throttle_check(email="someone-else@example.fr", ip=IP, now=NOW)
    assert refused.value.code == "login_throttled_ip"
    # The same account from another connection is not refused.
    login_throttle_check(email="someone-else@example.fr", ip="198.51.100.1", now=NOW)


def test_the_account_back_off_is_reported_before_the_ip_one():
    fail(20, email=EMAIL, step=timedelta(0))

    with pytest.raises(LoginThrottled) as refused:
        login_throttle_check(email=EMAIL, ip=IP, now=NOW)

    assert type(refused.value) is LoginThrottled


def test_it_allows_three_link_requests_then_backs_off_the_address():
    for _ in range(3):
        login_link_throttle(email=EMAIL, ip=IP, now=NOW)

    with pytest.raises(LoginLinkThrottled) as refused:
        login_link_throttle(email=EMAIL, ip="198.51.100.1", now=NOW + timedelta(seconds=29))

    assert refused.value.retry_at == NOW + timedelta(seconds=30)
    assert row(Scope.LINK_EMAIL, EMAIL).count == 3  # a refused request is not counted
    login_link_throttle(email=EMAIL, ip=IP, now=NOW + timedelta(seconds=30))


def test_it_backs_off_one_ip_asking_links_for_many_addresses_at_10():
    for n in range(10):
        login_link_throttle(email=f"client{n}@example.fr", ip=IP, now=NOW)

    with pytest.raises(LoginLinkThrottled):
        login_link_throttle(email="client10@example.fr", ip=IP, now=NOW)

    assert not LoginThrottle.objects.filter(key="client10@example.fr").exists()


def test_password_failures_do_not_block_the_log_in_link():
    fail(20, step=timedelta(0))

    login_link_throttle(email=EMAIL, ip=IP, now=NOW)

    assert row(Scope.LINK_EMAIL, EMAIL).count == 1


def test_it_refuses_two_rows_for_one_scope_and_key():
    LoginThrottle.objects.create(scope=Scope.LOGIN_IP, key=IP, last_at=NOW)

    with refused_by(
        "accounts_loginthrottle_one_per_key",
        sqlite="UNIQUE constraint failed: accounts_loginthrottle.scope, accounts_loginthrottle.key",
    ):
        LoginThrottle.objects.create(scope=Scope.LOGIN_IP, key=IP, last_at=NOW)

    assert LoginThrottle.objects.count() == 1


def test_it_accepts_one_key_in_several_scopes():
    LoginThrottle.objects.create(scope=Scope.LOGIN_EMAIL, key=EMAIL, last_at=NOW)
    LoginThrottle.objects.create(scope=Scope.LINK_EMAIL, key=EMAIL, last_at=NOW)

    assert LoginThrottle.objects.count() == 2


def test_it_refuses_an_unknown_scope():
    with refused_by("accounts_loginthrottle_scope_valid"):
        LoginThrottle.objects.create(scope="login_phone", key=EMAIL, last_at=NOW)

    assert not LoginThrottle.objects.exists()


def test_it_refuses_an_empty_key():
    with refused_by("accounts_loginthrottle_key_not_empty"):
        LoginThrottle.objects.create(scope=Scope.LOGIN_IP, key="", last_at=NOW)

    assert not LoginThrottle.objects.exists()


def test_it_accepts_a_one_character_key():
    LoginThrottle.objects.create(scope=Scope.LOGIN_IP, key="x", last_at=NOW)

    assert LoginThrottle.objects.get().key == "x"
