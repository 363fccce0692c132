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
