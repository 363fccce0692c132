"""Onboarding: the queue of sign-up requests, and inviting a shop to open on Comptoir.

Every write goes through the onboarding services: "Invite a shop" (the add
form of invitations) and the "Invite" action on requests e-mail a single-use
link to /shop/welcome/<token>/; approving a shop is an action of the shops
list (`shops.py`, filter "awaiting approval").
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.core.errors import DomainError
from comptoir.domain.accounts.models import User
from comptoir.domain.onboarding.models import OwnerInvitation, SignupRequest
from comptoir.domain.onboarding.services import (
    normalise_email,
    owner_invitation_create,
    owner_invitation_create_from_request,
    owner_invitation_revoke,
    signup_request_decline,
)


def welcome_link(request: HttpRequest) -> Any:
    def link_url(token: str) -> str:
        return request.build_absolute_uri(reverse("pro:welcome", kwargs={"token": token}))

    return link_url


def _operator(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@admin.register(SignupRequest)
class SignupRequestAdmin(admin.ModelAdmin):
    list_display = (
        "shop_name",
        "trade",
        "place",
        "contact_name",
        "email",
        "phone",
        "status",
        "created_at",
    )
    list_filter = ("status", "city", "trade")
    list_select_related = ("city",)
    search_fields = ("shop_name", "contact_name", "email", "town")
    date_hierarchy = "created_at"
    actions = ("invite", "decline")
    # Only the city can be set: a request from a town opened since can then be invited.
    fields = (
        "shop_name",
        "trade",
        "city",
        "town",
        "contact_name",
        "email",
        "phone",
        "message",
        "language",
        "status",
        "created_at",
        "decided_at",
    )
    readonly_fields = tuple(f for f in fields if f != "city")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("town"), ordering="city__name")
    def place(self, signup: SignupRequest) -> str:
        return signup.place

    @admin.action(description=_("Invite: e-mail them a link to create their shop"))
    def invite(self, request: HttpRequest, queryset: QuerySet[SignupRequest]) -> None:
        sent = 0
        for signup in queryset.select_related("city").order_by("pk"):
            try:
                owner_invitation_create_from_request(
                    signup_request=signup,
                    invited_by=_operator(request),
                    now=timezone.now(),
                    link_url=welcome_link(request),
                )
            except DomainError as error:
                self.message_user(request, f"{signup.shop_name}: {error}", messages.ERROR)
            else:
                sent += 1
        if sent:
            message = ngettext(
                "%(count)d invitation sent.", "%(count)d invitations sent.", sent
            ) % {"count": sent}
            self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Decline the selected requests"))
    def decline(self, request: HttpRequest, queryset: QuerySet[SignupRequest]) -> None:
        declined = 0
        for signup in queryset.order_by("pk"):
            try:
                signup_request_decline(signup_request=signup, now=timezone.now())
            except DomainError as error:
                self.message_user(request, f"{signup.shop_name}: {error}", messages.ERROR)
            else:
                declined += 1
        if declined:
            message = ngettext(
                "%(count)d request declined.", "%(count)d requests declined.", declined
            ) % {"count": declined}
            self.message_user(request, message, messages.SUCCESS)


class InviteShopForm(forms.ModelForm):
    class Meta:
        model = OwnerInvitation
        fields = ("city", "email", "shop_name", "trade")
        help_texts = {
            "email": _("The future owner's address: the link is e-mailed there."),
            "shop_name": _("Optional: fills the owner's form in advance."),
        }

    def clean_email(self) -> str:
        # As the service stores it (the database refuses capitals).
        return normalise_email(self.cleaned_data["email"])


class InvitationStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("open", _("waiting")),
            ("used", _("used")),
            ("revoked", _("withdrawn")),
            ("expired", _("expired")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[OwnerInvitation]
    ) -> QuerySet[OwnerInvitation]:
        now = timezone.now()
        waiting = {"used_at__isnull": True, "revoked_at__isnull": True}
        match self.value():
            case "open":
                return queryset.filter(**waiting, expires_at__gt=now)
            case "used":
                return queryset.filter(used_at__isnull=False)
            case "revoked":
                return queryset.filter(revoked_at__isnull=False)
            case "expired":
                return queryset.filter(**waiting, expires_at__lte=now)
        return queryset


@admin.register(OwnerInvitation)
class OwnerInvitationAdmin(admin.ModelAdmin):
    """The "Invite a shop" form (add), and the invitations sent, read-only."""

    form = InviteShopForm
    list_display = ("email", "city", "shop_name", "state", "created_at", "expires_at", "shop")
    list_filter = (InvitationStateFilter, "city")
    list_select_related = ("city", "shop")
    search_fields = ("email", "shop_name")
    actions = ("withdraw",)
    readonly_fields = (
        "city",
        "email",
        "shop_name",
        "trade",
        "signup_request",
        "invited_by",
        "created_at",
        "expires_at",
        "used_at",
        "used_by",
        "shop",
        "revoked_at",
    )

    def get_readonly_fields(
        self, request: HttpRequest, obj: OwnerInvitation | None = None
    ) -> tuple[str, ...]:
        return self.readonly_fields if obj is not None else ()

    def get_fields(
        self, request: HttpRequest, obj: OwnerInvitation | None = None
    ) -> tuple[str, ...]:
        return self.readonly_fields if obj is not None else ("city", "email", "shop_name", "trade")

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Sent is sent: the page shows it; "Withdraw" or a new invitation change it.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description=_("state"))
    def state(self, invitation: OwnerInvitation) -> str:
        if invitation.used_at is not None:
            return str(_("used"))
        if invitation.revoked_at is not None:
            return str(_("withdrawn"))
        if invitation.expires_at <= timezone.now():
            return str(_("expired"))
        return str(_("waiting"))

    def save_model(
        self, request: HttpRequest, obj: OwnerInvitation, form: Any, change: bool
    ) -> None:
        created = owner_invitation_create(
            city=obj.city,
            email=obj.email,
            shop_name=obj.shop_name,
            trade=obj.trade,
            invited_by=_operator(request),
            now=timezone.now(),
            link_url=welcome_link(request),
        )
        # The admin goes on with `obj` (message, history): make it the row created.
        obj.pk = created.pk
        obj.token_hash, obj.created_at, obj.expires_at = (
            created.token_hash,
            created.created_at,
            created.expires_at,
        )

    @admin.action(description=_("Withdraw the selected invitations (their links stop working)"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[OwnerInvitation]) -> None:
        now = timezone.now()
        count = sum(
            owner_invitation_revoke(invitation=invitation, now=now)
            for invitation in queryset.order_by("pk")
        )
        message = ngettext(
            "%(count)d invitation withdrawn.", "%(count)d invitations withdrawn.", count
        ) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)
