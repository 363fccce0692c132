"""Log-in protection: progressive back-off after repeated failures, per account and per IP.

Each key (a normalised e-mail address, or an IP address) has one
`LoginThrottle` row per scope. Failures are forgotten after `window` without
any (counted from the end of the last back-off). The `limit`-th failure in a
row starts a back-off of `first_delay`; each failure after a back-off starts
the next one, twice as long, up to `max_delay`. During a back-off the
password is not even checked.

A real user is never locked out: the e-mailed log-in link has its own, much
looser limit and keeps working while the password is backed off, and
attempts on an address from anywhere (an attacker) cannot stop its owner
from asking for a link. A successful password log-in forgets the address's
failures, but not the IP's: one valid account must not reset a spray.

Counting is exact under concurrency: every change reads the row locked
(`SELECT … FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE transactions
serialise writers) and a concurrent first insert is retried as an update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from comptoir.domain.accounts.errors import (
    LoginLinkThrottled,
    LoginThrottled,
    LoginThrottledFromAddress,
)
from comptoir.domain.accounts.models import LoginThrottle, User

Scope = LoginThrottle.Scope


@dataclass(frozen=True)
class Rule:
    #: Failures (or requests) in a row that start the first back-off.
    limit: int
    #: Quiet time after which the failures are forgotten.
    window: timedelta
    first_delay: timedelta
    max_delay: timedelta

    def delay(self, backoffs: int) -> timedelta:
        """The length of the back-off that follows `backoffs` earlier ones: 30 s, 60 s, 120 s…"""
        return min(self.first_delay * 2 ** min(backoffs, 30), self.max_delay)


QUARTER = timedelta(minutes=15)
RULES: dict[str, Rule] = {
    Scope.LOGIN_EMAIL: Rule(5, QUARTER, timedelta(seconds=30), QUARTER),
    # Looser: several people may share one IP (a household, an office, a phone network).
    Scope.LOGIN_IP: Rule(20, QUARTER, timedelta(seconds=30), QUARTER),
    # A real user asks for one link, maybe two: the third one in a row waits.
    Scope.LINK_EMAIL: Rule(3, QUARTER, timedelta(seconds=30), QUARTER),
    Scope.LINK_IP: Rule(10, QUARTER, timedelta(seconds=30), QUARTER),
}


def normalise_email(email: str) -> str:
    """The account key: the address as the accounts store it (lower-cased)."""
    return User.objects.normalize_email(email.strip()).lower()[:254]


def _blocked_until(*, scope: str, key: str, now: datetime) -> datetime | None:
    return (
        LoginThrottle.objects.filter(scope=scope, key=key, blocked_until__gt=now)
        .values_list("blocked_until", flat=True)
        .first()
    )


def _locked_row(*, scope: str, key: str, now: datetime) -> LoginThrottle:
    """The row of (scope, key), locked, created if missing (inside `transaction.atomic`)."""
    row = LoginThrottle.objects.select_for_update().filter(scope=scope, key=key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():  # a savepoint: the outer transaction survives a clash
            return LoginThrottle.objects.create(scope=scope, key=key, last_at=now)
    except IntegrityError:
        # Another request created it since the read above: lock theirs.
        return LoginThrottle.objects.select_for_update().get(scope=scope, key=key)


def _count(row: LoginThrottle, *, now: datetime) -> LoginThrottle:
    """Count one failure (or request) on a locked row; start a back-off at the limit."""
    rule = RULES[row.scope]
    quiet_since = max(row.last_at, row.blocked_until or row.last_at)
    if now - quiet_since >= rule.window:
        row.count, row.backoffs, row.blocked_until = 0, 0, None
    row.count += 1
    row.last_at = now
    if row.count >= rule.limit:
        row.blocked_until = now + rule.delay(row.backoffs)
        row.backoffs += 1
    row.save(update_fields=["count", "backoffs", "last_at", "blocked_until"])
    return row


def login_throttle_check(*, email: str, ip: str, now: datetime) -> None:
    """Refuse a password log-in during a back-off, before the password is checked.

    Raises `LoginThrottled` (the address) or `LoginThrottledFromAddress` (the IP).
    """
    account_until = _blocked_until(scope=Scope.LOGIN_EMAIL, key=normalise_email(email), now=now)
    if account_until is not None:
        raise LoginThrottled(retry_at=account_until)
    ip_until = _blocked_until(scope=Scope.LOGIN_IP, key=ip, now=now)
    if ip_until is not None:
        raise LoginThrottledFromAddress(retry_at=ip_until)


def login_failure_record(*, email: str, ip: str, now: datetime) -> datetime | None:
    """Count a failed password log-in for the address and the IP.

    Returns when the back-off this failure started ends (the later of the
    two), or None when the next attempt may come at once.
    """
    with transaction.atomic():
        # Always the address first, then the IP: concurrent requests lock in one order.
        account = _count(
            _locked_row(scope=Scope.LOGIN_EMAIL, key=normalise_email(email), now=now), now=now
        )
        by_ip = _count(_locked_row(scope=Scope.LOGIN_IP, key=ip, now=now), now=now)
    ends = [until for until in (account.blocked_until, by_ip.blocked_until) if until]
    return max(ends) if ends and max(ends) > now else None


def login_success_record(*, email: str) -> None:
    """Forget the address's failures after a successful log-in (the IP's stay counted)."""
    LoginThrottle.objects.filter(scope=Scope.LOGIN_EMAIL, key=normalise_email(email)).delete()


def login_link_throttle(*, email: str, ip: str, now: datetime) -> None:
    """Count a log-in link request, or refuse it with `LoginLinkThrottled` during a back-off.

    Counted whether or not the address has an account, so that the refusal
    tells nobody which addresses have one. Refused requests are not counted.
    """
    with transaction.atomic():
        # Lock both rows before deciding, the address first: concurrent requests queue here.
        rows = [
            _locked_row(scope=Scope.LINK_EMAIL, key=normalise_email(email), now=now),
            _locked_row(scope=Scope.LINK_IP, key=ip, now=now),
        ]
        for row in rows:
            if row.blocked_until is not None and row.blocked_until > now:
                raise LoginLinkThrottled(retry_at=row.blocked_until)
        for row in rows:
            _count(row, now=now)


#: Counters quiet for this long are forgotten for good (every rule's window is shorter).
FORGET_AFTER = timedelta(days=1)


def login_throttle_purge(*, now: datetime) -> int:
    """Delete counters with no failure for a day and no back-off running; return how many.

    A row only matters within its rule's window (15 minutes) or while its
    back-off runs: older ones are dead weight (and IP addresses are personal data).
    """
    deleted, _ = (
        LoginThrottle.objects.filter(last_at__lt=now - FORGET_AFTER)
        .exclude(blocked_until__gt=now)
        .delete()
    )
    return deleted
