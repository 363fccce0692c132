"""What the shops services refuse."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError
from comptoir.domain.shops.models import Weekday


class InvalidOpeningHours(DomainError):
    """A week of opening hours that cannot be saved; `weekday` names the day at fault."""

    code = "invalid_opening_hours"
    default_message = _("The opening hours of %(day)s are not valid.")
    field = "opening_hours"

    def __init__(self, weekday: int) -> None:
        self.weekday = weekday
        day = Weekday(weekday).label if weekday in Weekday.values else str(weekday)
        super().__init__(params={"day": day})


class UnknownWeekday(InvalidOpeningHours):
    code = "unknown_weekday"
    default_message = _("%(day)s is not a day of the week (0 is Monday, 6 is Sunday).")


class OpeningHoursInverted(InvalidOpeningHours):
    code = "opening_hours_inverted"
    default_message = _("On %(day)s, the shop must open before it closes.")


class OpeningHoursOverlap(InvalidOpeningHours):
    code = "opening_hours_overlap"
    default_message = _("On %(day)s, two opening ranges overlap.")


class ClosureEndsBeforeStart(DomainError):
    code = "closure_ends_before_start"
    default_message = _("A closure cannot end before it starts.")
    field = "ends_on"


class AlreadyMember(DomainError):
    code = "already_member"
    default_message = _("This person already works in this shop.")
    field = "user"


class LastOwner(DomainError):
    code = "last_owner"
    default_message = _("A shop needs at least one owner: add another owner first.")


class ClosureNotFound(DomainError):
    code = "closure_not_found"
    default_message = _("This closure does not exist or is no longer planned.")


class MemberNotFound(DomainError):
    code = "member_not_found"
    default_message = _("This person does not work in this shop.")


class PauseInThePast(DomainError):
    code = "pause_in_the_past"
    default_message = _("Choose a time later than now to take orders again.")
    field = "until"


class AutoRefuseBeforeEscalation(DomainError):
    code = "auto_refuse_before_escalation"
    default_message = _(
        "Unanswered orders can only be refused after the owner has been alerted: "
        "choose more minutes than for the alert, or leave it empty."
    )
    field = "auto_refuse_after_minutes"


class InvitationInvalid(DomainError):
    code = "invitation_invalid"
    default_message = _("This invitation link is not valid. Ask the shop's owner for a new one.")


class InvitationExpired(InvitationInvalid):
    code = "invitation_expired"
    default_message = _("This invitation has expired. Ask the shop's owner to invite you again.")


class InvitationUsed(InvitationInvalid):
    code = "invitation_used"
    default_message = _(
        "This invitation has already been used or was withdrawn. "
        "Ask the shop's owner for a new one if needed."
    )


class InvitationForAnotherEmail(DomainError):
    code = "invitation_for_another_email"
    default_message = _(
        "This invitation was sent to %(email)s: log in with that address to accept it."
    )


class InvitationNotFound(DomainError):
    code = "invitation_not_found"
    default_message = _("This invitation does not exist or is no longer open.")
