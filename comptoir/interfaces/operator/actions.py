"""The admin's list actions, safe with ids no list page would send."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

#: The largest primary key the databases hold (a 64-bit signed integer).
MAX_PK = 2**63 - 1


class SafeActions:
    """Mixed into every ModelAdmin of the operator's site (see `OperatorSite.register`).

    A list page's action filters the table with the ticked rows' ids as posted:
    "1e400" raises ValueError and 10**30 OverflowError while Django runs the
    action, a 500. Ids that cannot be ids of the table make the action do
    nothing, with a message, as when the rows were deleted meanwhile.

    A list edited in place (`list_editable`) posted with more rows than it
    showed (a stale or altered form) made Django answer a bare 400 ("does not
    allow adding"): the whole save is rolled back, and the list comes back
    with a message instead.
    """

    def changelist_view(self, request: Any, extra_context: Any = None) -> Any:
        try:
            return super().changelist_view(request, extra_context)  # type: ignore[misc]
        except BadRequest:
            if request.method != "POST" or "_save" not in request.POST:
                raise
            self.message_user(  # type: ignore[attr-defined]
                request,
                _(
                    "This list no longer matches what was sent: nothing was saved. "
                    "Here is the list as it is now."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

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
