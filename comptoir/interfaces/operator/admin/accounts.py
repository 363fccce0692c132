"""People: customers, shop staff and operators, who log in with an e-mail address."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.core.errors import DomainError
from comptoir.domain.accounts.models import Address, User
from comptoir.domain.accounts.privacy import account_delete
from comptoir.domain.shops.models import Membership
from comptoir.interfaces.operator.admin.widgets import SafeAutocomplete


class UserCreationForm(AdminUserCreationForm):
    """Django's admin creation form, keyed on the e-mail address."""

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()


class HasMembershipFilter(admin.SimpleListFilter):
    title = _("works in a shop")
    parameter_name = "works_in_shop"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        works_in_shop = Exists(Membership.objects.filter(user=OuterRef("pk")))
        match self.value():
            case "yes":
                return queryset.filter(works_in_shop)
            case "no":
                return queryset.filter(~works_in_shop)
        return queryset


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0


class MembershipInline(SafeAutocomplete, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("shop",)
    fields = ("shop", "role", "created_at")
    readonly_fields = ("created_at",)
    verbose_name = _("shop")
    verbose_name_plural = _("shops this person works in")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "full_name", "phone", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_active", "language", HasMembershipFilter)
    search_fields = ("email", "first_name", "last_name", "phone")
    ordering = ("email",)
    inlines = (AddressInline, MembershipInline)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identity"), {"fields": ("first_name", "last_name", "phone", "language")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    actions = ("delete_accounts",)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # A plain delete would leave names and addresses on the person's
        # orders: accounts go through `account_delete` (the action below).
        return False

    @admin.action(description=_("Delete the accounts (their orders are kept, anonymised)"))
    def delete_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        deleted = 0
        for user in queryset:
            try:
                account_delete(user=user, now=timezone.now())
            except DomainError as refused:
                self.message_user(request, f"{user.email}: {refused}", messages.ERROR)
            else:
                deleted += 1
        if deleted:
            message = ngettext(
                "%(count)s account deleted, its orders anonymised.",
                "%(count)s accounts deleted, their orders anonymised.",
                deleted,
            )
            self.message_user(request, message % {"count": deleted}, messages.SUCCESS)

    def get_inlines(self, request: HttpRequest, obj: User | None) -> Any:
        # Addresses and shops are edited once the account exists, like the
        # rest of the profile (the add page says so).
        return self.inlines if obj is not None else ()

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, user: User) -> str:
        return f"{user.first_name} {user.last_name}".strip()
