"""Forms of the shop's own pages (settings, staff): they parse input; the services decide."""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.core.errors import DomainError, InvalidInput
from comptoir.domain.shops.models import Role, Weekday

#: Ranges a day can have in the week grid (morning, afternoon, evening).
RANGES_PER_DAY = 3
WEEKDAYS = (0, 1, 2, 3, 4)  # "copy Monday" fills Tuesday to Friday


def add_domain_error(
    form: forms.Form, error: DomainError, *, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's refusal on the form: on its field when the form has it.

    `aliases` maps a model field name to the form's (postal_code → postal_codes).
    """
    aliases = aliases or {}
    if isinstance(error, InvalidInput):
        for field, messages in error.errors.items():
            name = aliases.get(field, field)
            form.add_error(name if name in form.fields else None, messages)
        return
    target: str | None = aliases.get(error.field or "", error.field)
    form.add_error(target if target in form.fields else None, str(error))


def _minutes(
    label: Any, *, minimum: int, maximum: int, required: bool = True, help_text: Any = ""
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _money(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        required=required,
        help_text=help_text,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Shop name"), max_length=120)
    tagline = forms.CharField(
        label=_("Tagline"),
        max_length=160,
        required=False,
        help_text=_("One line under the name, e.g. “Organic sourdough since 1998”."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    photo = forms.ImageField(
        label=_("Photo"),
        required=False,
        help_text=_("Your shop front or your window: JPEG, PNG or WebP."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove the current photo"), required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("Shop e-mail"), required=False)


class HoursForm(forms.Form):
    """The week grid: for each day, up to three ranges (opens, closes); empty rows are ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.day_errors: dict[int, list[str]] = {}
        for day in Weekday.values:
            for index in range(RANGES_PER_DAY):
                for end in ("opens", "closes"):
                    self.fields[self.field_name(day, index, end)] = forms.TimeField(
                        label=_("Opens") if end == "opens" else _("Closes"),
                        required=False,
                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    )

    @staticmethod
    def field_name(day: int, index: int, end: str) -> str:
        return f"d{day}_{index}_{end}"

    @staticmethod
    def initial_for(ranges: list[tuple[int, time, time]]) -> dict[str, time]:
        initial: dict[str, time] = {}
        counts: dict[int, int] = {}
        for day, opens, closes in ranges:
            index = counts.get(day, 0)
            if index >= RANGES_PER_DAY:
                continue
            counts[day] = index + 1
            initial[HoursForm.field_name(day, index, "opens")] = opens
            initial[HoursForm.field_name(day, index, "closes")] = closes
        return initial

    def add_day_error(self, day: int, message: str) -> None:
        self.day_errors.setdefault(day, []).append(message)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for day in Weekday.values:
            for index in range(RANGES_PER_DAY):
                opens = cleaned.get(self.field_name(day, index, "opens"))
                closes = cleaned.get(self.field_name(day, index, "closes"))
                if (opens is None) != (closes is None):
                    missing = "closes" if closes is None else "opens"
                    self.add_error(
                        self.field_name(day, index, missing),
                        _("Give both the opening and the closing time, or neither."),
                    )
        return cleaned

    def ranges(self) -> list[tuple[int, time, time]]:
        found = []
        for day in Weekday.values:
            for index in range(RANGES_PER_DAY):
                opens = self.cleaned_data.get(self.field_name(day, index, "opens"))
                closes = self.cleaned_data.get(self.field_name(day, index, "closes"))
                if opens is not None and closes is not None:
                    found.append((day, opens, closes))
        return found

    def days(self) -> list[dict[str, Any]]:
        """The grid for the template: each day with its rows of (opens, closes) fields."""
        return [
            {
                "weekday": day,
                "label": Weekday(day).label,
                "rows": [
                    (
                        self[self.field_name(day, i, "opens")],
                        self[self.field_name(day, i, "closes")],
                    )
                    for i in range(RANGES_PER_DAY)
                ],
                "errors": self.day_errors.get(day, []),
            }
            for day in Weekday.values
        ]


def copy_monday(data: Any) -> dict[str, Any]:
    """The posted week with Monday's rows copied onto Tuesday to Friday."""
    copied = {key: data.get(key, "") for key in data}
    for day in WEEKDAYS[1:]:
        for index in range(RANGES_PER_DAY):
            for end in ("opens", "closes"):
                copied[HoursForm.field_name(day, index, end)] = data.get(
                    HoursForm.field_name(0, index, end), ""
                )
    return copied


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ClosureForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until (inclusive)"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=120,
        required=False,
        help_text=_("Shown to customers, e.g. “Summer holidays”."),
    )


class PauseUntilForm(forms.Form):
    until = forms.TimeField(
        label=_("Take orders again at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Today, or tomorrow if that time has passed."),
    )


class CollectForm(forms.Form):
    collect_enabled = forms.BooleanField(label=_("Offer click & collect"), required=False)
    slot_minutes = _minutes(
        _("Pickup slot length (minutes)"),
        minimum=5,
        maximum=240,
        help_text=_("Customers choose a pickup time every this many minutes."),
    )
    slot_capacity = _minutes(_("Orders per pickup slot"), minimum=1, maximum=100)
    lead_time_minutes = _minutes(
        _("Preparation time (minutes)"),
        minimum=0,
        maximum=10080,
        help_text=_("Earliest pickup is this long after the order."),
    )


POSTCODE = re.compile(r"^[0-9A-Za-z]{2,10}$")


class DeliveryForm(forms.Form):
    delivery_enabled = forms.BooleanField(label=_("Offer home delivery"), required=False)
    delivery_fee = _money(_("Delivery fee (€)"))
    free_above = _money(
        _("Free delivery from (€)"),
        required=False,
        help_text=_("Orders of at least this amount are delivered free. Empty: never free."),
    )
    delivery_minimum = _money(_("Minimum order (€)"))
    delivery_radius_km = forms.DecimalField(
        label=_("Delivery radius (km)"),
        min_value=Decimal("0.1"),
        max_digits=5,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Used when you list no postcodes below."),
    )
    postal_codes = forms.CharField(
        label=_("Postcodes you deliver to"),
        required=False,
        help_text=_("Separated by spaces or commas, e.g. 76000, 76100. Empty: the radius decides."),
    )

    def clean_postal_codes(self) -> list[str]:
        codes = [code for code in re.split(r"[\s,;]+", self.cleaned_data["postal_codes"]) if code]
        wrong = [code for code in codes if not POSTCODE.match(code)]
        if wrong:
            raise ValidationError(
                _("Not a postcode: %(codes)s."), params={"codes": ", ".join(wrong)}
            )
        return codes


class DeskForm(forms.Form):
    escalate_after_minutes = _minutes(
        _("Alert me when an order waits (minutes)"),
        minimum=1,
        maximum=240,
        help_text=_("The desk rings louder and you get a message."),
    )
    auto_refuse_after_minutes = _minutes(
        _("Refuse unanswered orders after (minutes)"),
        minimum=2,
        maximum=1440,
        required=False,
        help_text=_("Empty: never. The customer gets an apology."),
    )
    auto_accept = forms.BooleanField(
        label=_("Accept new orders automatically"),
        required=False,
        help_text=_("With your usual preparation time. Only if your stock is always right."),
    )


ROLE_CHOICES = [
    (Role.STAFF.value, pgettext_lazy("shop role", "Staff: orders and stock")),
    (Role.OWNER.value, pgettext_lazy("shop role", "Owner: everything, settings and sales too")),
]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Their e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=ROLE_CHOICES, initial=Role.STAFF, widget=forms.RadioSelect
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class JoinForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits, not too common."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
