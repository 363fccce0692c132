"""Checking who logs in, throttled: the one rule every log-in path uses.

The HTML log-in form, the operator's log-in and the JSON API's token
endpoint all go through these two steps:

- `password_check`: during a back-off the password is not even checked
  (`LoginThrottled`); a wrong pair counts as a failure for the address and the
  IP (`InvalidCredentials`). A right password forgets the address's failures
  only when the account has no second step: with one, only the right code
  does, or the password alone would reset the back-off between bursts of code
  guesses.
- `second_step_check` (accounts with two-step log-in on): the one-time or
  recovery code, throttled and counted the same way.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate

from comptoir.core.errors import DomainError
from comptoir.domain.accounts.errors import InvalidCredentials, LoginThrottled
from comptoir.domain.accounts.models import User
from comptoir.domain.accounts.throttle import (
    login_failure_record,
    login_success_record,
    login_throttle_check,
)
from comptoir.domain.accounts.two_factor import two_factor_enabled, two_factor_verify


def _failed(*, email: str, ip: str, now: datetime) -> None:
    if login_failure_record(email=email, ip=ip, now=now) is not None:
        # This failure started a back-off: say so now, not on the next try
        # (flagged, so a form can also say that this attempt was wrong).
        try:
            login_throttle_check(email=email, ip=ip, now=now)
        except LoginThrottled as error:
            error.after_failure = True
            raise


def password_check(*, email: str, password: str, ip: str, now: datetime) -> User:
    """The active user with this e-mail and password, or `LoginThrottled`/`InvalidCredentials`.

    The caller then asks `two_factor_enabled(user)` and, if so, the second step.
    """
    email = email.strip()
    if not email:  # no account has one (and throttle rows need a key)
        raise InvalidCredentials
    login_throttle_check(email=email, ip=ip, now=now)
    user = authenticate(None, username=email.lower(), password=password)
    if not isinstance(user, User):
        _failed(email=email, ip=ip, now=now)
        raise InvalidCredentials
    if not two_factor_enabled(user):
        login_success_record(email=email)
    return user


def second_step_check(*, user: User, code: str, ip: str, now: datetime) -> None:
    """Accept `user`'s one-time or recovery code, or refuse (`TwoFactorCodeInvalid`, throttled)."""
    login_throttle_check(email=user.email, ip=ip, now=now)
    try:
        two_factor_verify(user=user, code=code, now=now)
    except DomainError:
        _failed(email=user.email, ip=ip, now=now)
        raise
    login_success_record(email=user.email)
