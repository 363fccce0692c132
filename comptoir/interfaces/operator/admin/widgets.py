"""The admin's autocomplete widget, safe to re-render with a value the form refused."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.widgets import AutocompleteSelect


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's widget shows a refused value by filtering the related table with it:
    "1e400" raises ValueError and 10**30 OverflowError (SQLite) while the page renders,
    a 500 instead of the form's "Select a valid choice". Such a value shows as no choice.
    """

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        try:
            return super().optgroups(name, value, attr)
        except (ValueError, TypeError, OverflowError):
            return super().optgroups(name, [], attr)


class SafeAutocomplete:
    """Mixed into a ModelAdmin or inline with `autocomplete_fields`."""

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        autocomplete = self.get_autocomplete_fields(request)  # type: ignore[attr-defined]
        if "widget" not in kwargs and db_field.name in autocomplete:
            site = self.admin_site  # type: ignore[attr-defined]
            kwargs["widget"] = SafeAutocompleteSelect(db_field, site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
