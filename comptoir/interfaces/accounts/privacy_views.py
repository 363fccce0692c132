"""The customer's data (GDPR): download it as JSON, delete the account.

Both act on the signed-in user only (no id in the URL). Deleting asks the
customer to type their e-mail address, as a deliberate second step, then logs
them out. The rules are in `comptoir.domain.accounts.privacy`.
"""

from __future__ import annotations

import json
from typing import cast

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from comptoir.core.errors import DomainError
from comptoir.domain.accounts.models import User
from comptoir.domain.accounts.privacy import account_delete, account_export
from comptoir.interfaces.accounts.forms import add_domain_error, email_field
from comptoir.interfaces.accounts.views import current_time


class DeleteAccountForm(forms.Form):
    """The customer types their own e-mail address to confirm."""

    email = email_field()

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user
        self.fields["email"].label = _("Type your e-mail address to confirm")
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if email != self.user.email:
            raise forms.ValidationError(
                _("This is not the e-mail address of your account. Nothing was deleted.")
            )
        return email


def _customer(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy.html", {"customer": _customer(request)})


@login_required
@never_cache
def export(request: HttpRequest) -> HttpResponse:
    """The JSON file of everything we hold about the signed-in customer."""
    now = current_time()
    data = account_export(user=_customer(request), now=now)
    day = timezone.localdate(now).isoformat()
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="comptoir-my-data-{day}.json"'
    return response


@login_required
def delete(request: HttpRequest) -> HttpResponse:
    user = _customer(request)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(user=user, now=current_time())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            logout(request)
            return redirect("accounts:account_deleted")
    return render(request, "accounts/privacy_delete.html", {"form": form, "customer": user})


def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy_deleted.html")
