"""Account forms: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError, InvalidInput
from comptoir.interfaces.address_fields import (
    delivery_instructions_field,
    locality_field,
    postal_code_field,
    street_field,
    street_more_field,
)


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: on its field when the form has it."""
    if isinstance(error, InvalidInput):
        for field, messages in error.errors.items():
            form.add_error(field if field in form.fields else None, messages)
        return
    name = error.field if error.field in form.fields else None
    form.add_error(name, str(error))


def email_field() -> forms.EmailField:
    return forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class LoginForm(forms.Form):
    email = email_field()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    #: The one message for an unknown address and a wrong password alike.
    invalid_message = _("This e-mail address and password do not match. Check them and try again.")


class SignupForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    email = email_field()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits, not too common."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class LoginLinkForm(forms.Form):
    email = email_field()


class ProfileForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_("So that shops can call you about an order."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class AddressForm(forms.Form):
    label = forms.CharField(
        label=_("Label"), max_length=60, required=False, help_text=_("e.g. Home, Work")
    )
    recipient = forms.CharField(
        label=_("Recipient"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    line1 = street_field(_("Address"))
    line2 = street_more_field(_("Address (continued)"))
    postal_code = postal_code_field()
    locality = locality_field()
    instructions = delivery_instructions_field()
    make_default = forms.BooleanField(label=_("Make it my default address"), required=False)


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6 digits shown by your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
