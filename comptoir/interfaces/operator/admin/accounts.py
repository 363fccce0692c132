"""People: customers, shop staff and operators, who log in with an e-mail address."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from comptoir.domain.accounts.models import Address, User
from comptoir.domain.shops.models import Membership


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


class MembershipInline(admin.TabularInline):
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

    def get_inlines(self, request: HttpRequest, obj: User | None) -> Any:
        # Addresses and shops are edited once the account exists, like the
        # rest of the profile (the add page says so).
        return self.inlines if obj is not None else ()

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, user: User) -> str:
        return f"{user.first_name} {user.last_name}".strip()
