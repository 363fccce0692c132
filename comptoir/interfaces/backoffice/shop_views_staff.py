"""The shop's team: members and their roles, invitations, and accepting one.

Inviting e-mails a single-use link (`shops.invitations`); the person opens
it at /shop/join/<token>/ (`join`, wired in `pro/urls.py` since it belongs to
no shop's pages yet), sets a password or logs in, and joins.
"""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.domain.accounts.models import User
from comptoir.domain.shops.access import Permission
from comptoir.domain.shops.invitations import (
    invitation_accept,
    invitation_accept_as_new_user,
    invitation_create,
    invitation_for_token,
    invitation_revoke,
    open_invitations,
)
from comptoir.domain.shops.models import Membership, Role, Shop
from comptoir.domain.shops.services import membership_remove, membership_set_role
from comptoir.interfaces.accounts.login import finish_login
from comptoir.interfaces.backoffice.shop_forms import (
    InviteForm,
    JoinForm,
    RoleForm,
    add_domain_error,
)
from comptoir.interfaces.backoffice.shop_views import current_time, shop_context
from comptoir.interfaces.pro.access import shop_view


def _shop(request: HttpRequest) -> Shop:
    return request.shop  # type: ignore[attr-defined]


def _to_staff(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    return redirect("backoffice:staff", city_slug=shop.city.slug, shop_slug=shop.slug)


def _staff_page(request: HttpRequest, form: InviteForm, *, status: int = 200) -> HttpResponse:
    shop = _shop(request)
    members = (
        Membership.objects.filter(shop=shop).select_related("user").order_by("role", "user__email")
    )
    return render(
        request,
        "backoffice/staff.html",
        shop_context(
            request,
            pro_tab="settings",
            form=form,
            members=[(member, RoleForm(initial={"role": member.role})) for member in members],
            invitations=list(open_invitations(shop, now=current_time())),
        ),
        status=status,
    )


@shop_view(Permission.MANAGE_STAFF)
def staff(request: HttpRequest) -> HttpResponse:
    return _staff_page(request, InviteForm())


@shop_view(Permission.MANAGE_STAFF)
@require_POST
def staff_invite(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    form = InviteForm(request.POST)
    if form.is_valid():

        def link_url(token: str) -> str:
            return request.build_absolute_uri(reverse("pro:join", kwargs={"token": token}))

        try:
            invitation = invitation_create(
                shop=shop,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=cast(User, request.user),
                now=current_time(),
                link_url=link_url,
                language=translation.get_language() or "fr",
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works for 7 days.")
                % {"email": invitation.email},
            )
            return _to_staff(request)
    return _staff_page(request, form, status=422)


@shop_view(Permission.MANAGE_STAFF)
@require_POST
def invitation_withdraw(request: HttpRequest, invitation_pk: int) -> HttpResponse:
    try:
        invitation_revoke(shop=_shop(request), invitation_id=invitation_pk, now=current_time())
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Invitation withdrawn: its link no longer works."))
    return _to_staff(request)


@shop_view(Permission.MANAGE_STAFF)
@require_POST
def member_role(request: HttpRequest, member_pk: int) -> HttpResponse:
    shop = _shop(request)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose owner or staff."))
        return _to_staff(request)
    try:
        member = membership_set_role(
            shop=shop, membership_id=member_pk, role=form.cleaned_data["role"]
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(person)s is now %(role)s.")
            % {"person": member.user.email, "role": Role(member.role).label.lower()},
        )
    return _to_staff(request)


@shop_view(Permission.MANAGE_STAFF)
@require_POST
def member_remove(request: HttpRequest, member_pk: int) -> HttpResponse:
    shop = _shop(request)
    member = get_object_or_404(Membership.objects.select_related("user"), shop=shop, pk=member_pk)
    try:
        membership_remove(membership=member, shop=shop)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(person)s no longer works in the shop.") % {"person": member.user.email}
        )
    return _to_staff(request)


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "backoffice/invitation_refused.html", {"error": str(error)}, status=410)


def join(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: a new person sets a password, a known one logs in first.

    GET only shows the page: mail scanners that fetch links must not use them up.
    """
    now = current_time()
    try:
        invitation = invitation_for_token(token=token, now=now)
    except DomainError as error:
        return _refused(request, error)
    user = cast(User, request.user)
    signed_in = user.is_authenticated
    known = signed_in or User.objects.filter(email=invitation.email).exists()
    form = JoinForm(request.POST or None)
    if request.method == "POST":
        if signed_in and request.POST.get("action") == "switch":
            logout(request)
            return redirect("pro:join", token=token)
        try:
            if signed_in:
                membership = invitation_accept(token=token, user=user, now=now)
            elif not known and form.is_valid():
                membership = invitation_accept_as_new_user(
                    token=token,
                    password=form.cleaned_data["password"],
                    first_name=form.cleaned_data["first_name"],
                    now=now,
                    language=translation.get_language() or "fr",
                )
            else:
                membership = None
        except DomainError as error:
            if known:
                return _refused(request, error)
            add_domain_error(form, error)
            membership = None
        if membership is not None:
            shop = membership.shop
            home = reverse(
                "backoffice:home", kwargs={"city_slug": shop.city.slug, "shop_slug": shop.slug}
            )
            messages.success(request, _("Welcome to %(shop)s!") % {"shop": shop.name})
            if signed_in:
                return redirect(home)
            return finish_login(request, membership.user, redirect_to=home)
    login_url = reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})
    return render(
        request,
        "backoffice/invitation.html",
        {
            "invitation": invitation,
            "invited_shop": invitation.shop,
            "form": form,
            "known": known,
            "wrong_account": signed_in and user.email != invitation.email,
            "login_url": login_url,
        },
        status=422 if request.method == "POST" else 200,
    )
