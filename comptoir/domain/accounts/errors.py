"""What the accounts services refuse."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError, Message


class EmailAlreadyUsed(DomainError):
    code = "email_already_used"
    default_message = _("An account already exists with this e-mail address.")
    field = "email"


class WeakPassword(DomainError):
    """The password fails Django's validators; `reasons` lists each of their messages."""

    code = "weak_password"
    default_message = _("This password is too weak: %(reasons)s")
    field = "password"

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons)
        super().__init__(params={"reasons": " ".join(self.reasons)})


class LoginLinkInvalid(DomainError):
    """No such link (mistyped, forged, or its user is no longer active)."""

    code = "login_link_invalid"
    default_message = _("This log-in link is not valid. Ask for a new one.")


class LoginLinkExpired(DomainError):
    code = "login_link_expired"
    default_message = _("This log-in link has expired. Ask for a new one.")


class LoginLinkUsed(DomainError):
    code = "login_link_used"
    default_message = _("This log-in link has already been used. Ask for a new one.")


class LoginThrottled(DomainError):
    """Too many recent failed log-ins for this address: wait, or use an e-mailed link.

    Raised before the password is checked. `retry_at` is when to try again.
    """

    code = "login_throttled"
    default_message = _(
        "Too many failed log-in attempts for this account. "
        "Try again at %(time)s, or ask for a log-in link by e-mail."
    )

    #: True when the attempt that raised it was itself wrong (it started the back-off).
    after_failure: bool = False

    def __init__(self, *, retry_at: datetime, message: Message | None = None) -> None:
        self.retry_at = retry_at
        time = timezone.localtime(retry_at).strftime("%H:%M:%S")
        super().__init__(message, params={"time": time})


class LoginThrottledFromAddress(LoginThrottled):
    """Too many recent failed log-ins from one IP address, whatever the accounts tried."""

    code = "login_throttled_ip"
    default_message = _(
        "Too many failed log-in attempts from your connection. "
        "Try again at %(time)s, or ask for a log-in link by e-mail."
    )


class LoginLinkThrottled(LoginThrottled):
    """Too many log-in links asked for one address, or from one IP address."""

    code = "login_link_throttled"
    default_message = _(
        "Too many log-in links were asked for this address or from your connection. "
        "Try again at %(time)s."
    )


class AccountHasOpenOrders(DomainError):
    """Deleting the account would leave shops with orders they cannot reach the customer about."""

    code = "account_has_open_orders"
    default_message = _(
        "You still have orders in progress (%(numbers)s). Cancel those the shop has not "
        "accepted yet, or wait until they are handed over, then delete your account."
    )

    def __init__(self, numbers: Sequence[str]) -> None:
        self.numbers = list(numbers)
        super().__init__(params={"numbers": ", ".join(self.numbers)})


class AccountIsLastShopOwner(DomainError):
    """A shop must keep an owner: the last one cannot delete their account."""

    code = "account_is_last_shop_owner"
    default_message = _(
        "You are the only owner of %(shops)s. Make someone else an owner, or ask us to "
        "close the shop, before deleting your account."
    )

    def __init__(self, shops: Sequence[str]) -> None:
        self.shops = list(shops)
        super().__init__(params={"shops": ", ".join(self.shops)})


class OperatorAccountNotDeletable(DomainError):
    """Operators' accounts carry the back office's audit log: another operator removes them."""

    code = "operator_account_not_deletable"
    default_message = _(
        "An operator account cannot be deleted from this page. Ask another operator."
    )


class TwoFactorNotAllowed(DomainError):
    code = "two_factor_not_allowed"
    default_message = _("Two-step log-in is for the operator and shop owners.")


class TwoFactorCodeInvalid(DomainError):
    """Neither a current one-time code nor an unused recovery code."""

    code = "two_factor_code_invalid"
    default_message = _("This code is not valid. Type the current code from your app.")
    field = "code"


class InvalidCredentials(DomainError):
    """Wrong e-mail address or password (which of the two is never said)."""

    code = "invalid_credentials"
    default_message = _("This e-mail address and password do not match an account.")


class TwoFactorCodeRequired(DomainError):
    """The account has a second step: the one-time code must come with the password."""

    code = "two_factor_code_required"
    default_message = _("Enter the code from your authenticator app (or a recovery code).")
    field = "otp"


class ApiTokenNotFound(DomainError):
    code = "api_token_not_found"
    default_message = _("There is no such token.")


class NotAMemberOfShop(DomainError):
    """A shop token asked for a shop where the user has no membership."""

    code = "not_a_member_of_shop"
    default_message = _("You are not a member of this shop.")
    field = "shop"
