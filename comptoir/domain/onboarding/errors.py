"""What the onboarding services refuse."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError, Message


class OwnerInvitationInvalid(DomainError):
    code = "owner_invitation_invalid"
    default_message = _(
        "This invitation link is not valid. Check that you copied all of it, "
        "or ask Comptoir for a new one."
    )


class OwnerInvitationExpired(OwnerInvitationInvalid):
    code = "owner_invitation_expired"
    default_message = _("This invitation has expired. Ask Comptoir to send you a new one.")


class OwnerInvitationUsed(OwnerInvitationInvalid):
    code = "owner_invitation_used"
    default_message = _(
        "This invitation has already been used or was withdrawn. "
        "If your shop is already created, log in to find it."
    )


class OwnerInvitationForAnotherEmail(DomainError):
    code = "owner_invitation_for_another_email"
    default_message = _(
        "This invitation was sent to %(email)s: log in with that address to accept it."
    )


class SignupAlreadyPending(DomainError):
    code = "signup_already_pending"
    default_message = _(
        "We already have a request from this address: "
        "we will answer it soon, no need to send it again."
    )
    field = "email"


class SignupPlaceMissing(DomainError):
    code = "signup_place_missing"
    default_message = _("Choose your town in the list, or type its name if it is not there.")
    field = "city"


class SignupAlreadyDecided(DomainError):
    code = "signup_already_decided"
    default_message = _("This request was already declined.")


class SignupCityMissing(DomainError):
    code = "signup_city_missing"
    default_message = _(
        "This request names a town that is not open yet: set its city before inviting."
    )


class ShopAlreadyLive(DomainError):
    code = "shop_already_live"
    default_message = _("This shop is already open to customers.")


class ShopSuspended(DomainError):
    code = "shop_suspended"
    default_message = _(
        "This shop is suspended for unpaid invoices: it can open again once they are paid."
    )


class _Missing:
    """The checklist items left, listed in the language active when the error is shown."""

    def __init__(self, labels: Sequence[Message]) -> None:
        self.labels = list(labels)

    def __str__(self) -> str:
        return ", ".join(str(label)[:1].lower() + str(label)[1:] for label in self.labels)


class ChecklistIncomplete(DomainError):
    code = "checklist_incomplete"
    default_message = _("The shop is not ready yet: %(missing)s.")

    def __init__(self, missing: Sequence[Message]) -> None:
        self.missing = list(missing)
        super().__init__(params={"missing": _Missing(missing)})
