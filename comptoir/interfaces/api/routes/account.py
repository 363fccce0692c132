"""The customer's account with a customer token: profile, addresses, data export, deletion.

Sign-up is here too (no token: it returns the first one), so a new app user
orders without ever opening the site.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.http import Http404, HttpRequest
from ninja import Router, Status
from pydantic import Field

from comptoir.domain.accounts.errors import InvalidCredentials
from comptoir.domain.accounts.models import Address
from comptoir.domain.accounts.privacy import account_delete, account_export
from comptoir.domain.accounts.services import (
    address_add,
    address_delete,
    address_set_default,
    user_register,
    user_update_profile,
)
from comptoir.domain.accounts.tokens import api_token_issue
from comptoir.interfaces.api import schemas as s
from comptoir.interfaces.api.auth import CustomerToken, user_of
from comptoir.interfaces.api.present import clock, token_out

router = Router(tags=["account"], auth=CustomerToken())

Language = Literal["fr", "en"]


class SignupIn(s.Schema):
    email: str = Field(max_length=254, examples=["anne@example.fr"])
    password: str = Field(max_length=4096, description="At least 8 characters, not too common.")
    first_name: str = Field(default="", max_length=150)
    last_name: str = Field(default="", max_length=150)
    phone: str = Field(default="", max_length=32)
    language: Language = "fr"
    device: str = Field(default="App", max_length=100, description="The token's name.")


@router.post(
    "/signup",
    response={201: s.TokenIssued, 409: s.Problem, 422: s.Problem},
    auth=None,
    summary="Create an account (and get its first token)",
)
def signup(request: HttpRequest, payload: SignupIn) -> Status[s.TokenIssued]:
    """A customer account, with the site's password rules; 409 `email_already_used`."""
    user = user_register(
        email=payload.email,
        password=payload.password,
        first_name=payload.first_name.strip(),
        last_name=payload.last_name.strip(),
        phone=payload.phone.strip(),
        language=payload.language,
    )
    token, secret = api_token_issue(user=user, name=payload.device, now=clock())
    return Status(201, s.TokenIssued(**token_out(token).model_dump(), token=secret))


class ProfileOut(s.Schema):
    email: str
    first_name: str
    last_name: str
    phone: str
    language: str


class ProfileIn(s.Schema):
    first_name: str = Field(max_length=150)
    last_name: str = Field(default="", max_length=150)
    phone: str = Field(default="", max_length=32)
    language: Language = "fr"


def _profile(request: HttpRequest) -> ProfileOut:
    user = user_of(request)
    return ProfileOut(
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        phone=str(user.phone or ""),
        language=user.language or settings.LANGUAGE_CODE,
    )


@router.get("/me", response=ProfileOut, summary="My profile")
def me(request: HttpRequest) -> ProfileOut:
    return _profile(request)


@router.put("/me", response={200: ProfileOut, 422: s.Problem}, summary="Update my profile")
def me_update(request: HttpRequest, payload: ProfileIn) -> ProfileOut:
    """Name, phone and language (the e-mail address is the log-in: not changed here)."""
    user_update_profile(
        user=user_of(request),
        first_name=payload.first_name,
        last_name=payload.last_name,
        phone=payload.phone,
        language=payload.language,
    )
    return _profile(request)


class AddressIn(s.Schema):
    label: str = Field(default="", max_length=60, examples=["Maison"])
    recipient: str = Field(max_length=150)
    line1: str = Field(max_length=200)
    line2: str = Field(default="", max_length=200)
    postal_code: str = Field(max_length=10, examples=["76000"])
    locality: str = Field(max_length=100, examples=["Rouen"])
    instructions: str = Field(default="", max_length=300)
    latitude: Decimal | None = Field(default=None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180, max_digits=9, decimal_places=6)
    make_default: bool = False


class AddressOut(s.Schema):
    id: int
    label: str
    recipient: str
    line1: str
    line2: str
    postal_code: str
    locality: str
    instructions: str
    latitude: str | None
    longitude: str | None
    is_default: bool


def _address_out(address: Address) -> AddressOut:
    return AddressOut(
        id=address.pk,
        label=address.label,
        recipient=address.recipient,
        line1=address.line1,
        line2=address.line2,
        postal_code=address.postal_code,
        locality=address.locality,
        instructions=address.instructions,
        latitude=None if address.latitude is None else str(address.latitude),
        longitude=None if address.longitude is None else str(address.longitude),
        is_default=address.is_default,
    )


def _addresses(request: HttpRequest) -> list[AddressOut]:
    return [_address_out(a) for a in Address.objects.filter(user=user_of(request))]


@router.get("/me/addresses", response=list[AddressOut], summary="My addresses")
def addresses(request: HttpRequest) -> list[AddressOut]:
    """Saved delivery addresses, the default first."""
    return _addresses(request)


@router.post("/me/addresses", response={201: AddressOut, 422: s.Problem}, summary="Save an address")
def address_create(request: HttpRequest, payload: AddressIn) -> Status[AddressOut]:
    """The first address becomes the default."""
    address = address_add(user=user_of(request), **payload.model_dump())
    return Status(201, _address_out(address))


def _my_address(request: HttpRequest, address_id: int) -> Address:
    address = (
        Address.objects.filter(pk=address_id, user=user_of(request)).select_related("user").first()
    )
    if address is None:
        raise Http404(address_id)
    return address


@router.post(
    "/me/addresses/{int:address_id}/default",
    response={200: list[AddressOut], 404: s.Problem},
    summary="Make an address the default",
)
def address_default(request: HttpRequest, address_id: int) -> list[AddressOut]:
    address_set_default(address=_my_address(request, address_id))
    return _addresses(request)


@router.delete(
    "/me/addresses/{int:address_id}",
    response={200: list[AddressOut], 404: s.Problem},
    summary="Delete an address",
)
def address_remove(request: HttpRequest, address_id: int) -> list[AddressOut]:
    address_delete(address=_my_address(request, address_id))
    return _addresses(request)


@router.get("/me/export", response=dict[str, Any], summary="Download all my data (GDPR)")
def export(request: HttpRequest) -> dict[str, Any]:
    """Everything Comptoir holds about the account, as the site's "my data" file:
    profile, addresses, consents, orders in every shop."""
    return account_export(user=user_of(request), now=clock())


class DeleteIn(s.Schema):
    email: str = Field(max_length=254, description="The account's e-mail address, to confirm.")


@router.post(
    "/me/delete",
    response={204: None, 401: s.Problem, 409: s.Problem},
    summary="Delete my account (GDPR)",
)
def delete(request: HttpRequest, payload: DeleteIn) -> Status[None]:
    """Personal data is erased; orders stay, anonymised, for the shops' accounts (10 years).
    Refused while an order is still open (409 `account_has_open_orders`). Every token
    of the account stops working."""
    user = user_of(request)
    if payload.email.strip().lower() != user.email:
        raise InvalidCredentials
    account_delete(user=user, now=clock())
    return Status(204, None)
