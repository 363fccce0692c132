"""The admin's list actions, safe with ids no list page would send."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: The largest primary key the databases hold (a 64-bit signed integer).
MAX_PK = 2**63 - 1


class SafeActions:
    """Mixed into every ModelAdmin of the operator's site (see `OperatorSite.register`).

    A list page's action filters the table with the ticked rows' ids as posted:
    "1e400" raises ValueError and 10**30 OverflowError while Django runs the
    action, a 500. Ids that cannot be ids of the table make the action do
    nothing, with a message, as when the rows were deleted meanwhile.
    """

    def response_action(self, request: Any, queryset: Any, **options: Any) -> Any:
        pk = self.model._meta.pk  # type: ignore[attr-defined]
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                key = pk.to_python(value)
                if isinstance(key, int) and not -MAX_PK <= key <= MAX_PK:
                    raise ValueError(value)
        except (ValidationError, ValueError, TypeError, OverflowError):
            self.message_user(  # type: ignore[attr-defined]
                request, _("Those items cannot be found: nothing was done."), messages.WARNING
            )
            return None
        return super().response_action(request, queryset, **options)  # type: ignore[misc]
