"""The team page and joining by invitation."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from comptoir.domain.shops.models import Membership, Role, ShopInvitation
from tests.factories import make_membership, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client, shop):
    user = make_user(email="owner@example.fr")
    make_membership(shop, user, Role.OWNER)
    client.force_login(user)
    return user


def url(shop, name, **kwargs):
    return reverse(
        f"backoffice:{name}", kwargs={"city_slug": shop.city.slug, "shop_slug": shop.slug, **kwargs}
    )


def invite(client, shop, capture, email="lea@example.fr", role="staff"):
    """Invite through the page; return the response and the token e-mailed after commit."""
    with capture(execute=True):
        response = client.post(url(shop, "staff_invite"), {"email": email, "role": role})
    found = re.search(r"/shop/join/([^/]+)/", str(mail.outbox[-1].body))
    assert found is not None
    return response, found.group(1)


def test_it_lists_members_with_their_roles(client, shop, owner):
    make_membership(shop, make_user(email="tom@example.fr"), Role.STAFF)

    response = client.get(url(shop, "staff"))

    assert response.status_code == 200
    assert "owner@example.fr" in response.text
    assert "tom@example.fr" in response.text


def test_an_invited_newcomer_sets_a_password_and_lands_in_the_shop(
    client, shop, owner, django_capture_on_commit_callbacks
):
    response, token = invite(client, shop, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["lea@example.fr"]
    client.logout()

    page = client.get(reverse("pro:join", kwargs={"token": token}))
    joined = client.post(
        reverse("pro:join", kwargs={"token": token}),
        {"first_name": "Léa", "password": "une-baguette-bien-cuite"},
    )

    assert page.status_code == 200
    assert joined.status_code == 302
    assert joined["Location"] == url(shop, "home")
    assert Membership.objects.get(shop=shop, user__email="lea@example.fr").role == Role.STAFF
    assert client.get(joined["Location"]).status_code == 200
    # The link is used up.
    assert client.get(reverse("pro:join", kwargs={"token": token})).status_code == 410


def test_a_known_person_logs_in_then_joins(client, shop, owner, django_capture_on_commit_callbacks):
    lea = make_user(email="lea@example.fr")
    _, token = invite(client, shop, django_capture_on_commit_callbacks, role="owner")
    client.force_login(lea)

    response = client.post(reverse("pro:join", kwargs={"token": token}), {"action": "accept"})

    assert response.status_code == 302
    assert Membership.objects.get(shop=shop, user=lea).role == Role.OWNER


def test_another_account_cannot_use_the_link(
    client, shop, owner, django_capture_on_commit_callbacks
):
    _, token = invite(client, shop, django_capture_on_commit_callbacks)

    response = client.post(reverse("pro:join", kwargs={"token": token}), {"action": "accept"})

    assert response.status_code == 410
    assert not Membership.objects.filter(shop=shop, user__email="lea@example.fr").exists()
    assert ShopInvitation.objects.get().accepted_at is None


def test_an_unknown_link_is_refused(client):
    assert client.get(reverse("pro:join", kwargs={"token": "nope"})).status_code == 410


def test_inviting_a_member_shows_the_error_on_the_email(client, shop, owner):
    response = client.post(
        url(shop, "staff_invite"), {"email": "owner@example.fr", "role": "staff"}
    )

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["email"]
    assert not ShopInvitation.objects.exists()


def test_it_withdraws_an_invitation(client, shop, owner, django_capture_on_commit_callbacks):
    invite(client, shop, django_capture_on_commit_callbacks)
    invitation = ShopInvitation.objects.get()

    client.post(url(shop, "invitation_withdraw", invitation_pk=invitation.pk))

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_it_changes_a_role_and_removes_a_member(client, shop, owner):
    tom = make_membership(shop, make_user(email="tom@example.fr"), Role.STAFF)

    client.post(url(shop, "member_role", member_pk=tom.pk), {"role": "owner"})
    assert Membership.objects.get(pk=tom.pk).role == Role.OWNER

    client.post(url(shop, "member_remove", member_pk=tom.pk))
    assert not Membership.objects.filter(pk=tom.pk).exists()


def test_the_last_owner_can_neither_leave_nor_step_down(client, shop, owner):
    me = Membership.objects.get(shop=shop, user=owner)

    removed = client.post(url(shop, "member_remove", member_pk=me.pk), follow=True)
    demoted = client.post(url(shop, "member_role", member_pk=me.pk), {"role": "staff"}, follow=True)

    assert Membership.objects.get(pk=me.pk).role == Role.OWNER
    assert "bo-message--error" in removed.text
    assert "bo-message--error" in demoted.text
