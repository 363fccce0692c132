"""What the accounts services refuse."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError


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
