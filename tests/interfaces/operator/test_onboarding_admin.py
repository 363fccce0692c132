"""The operator's side of onboarding: inviting a shop, the queue of requests, approving shops."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from comptoir.domain.onboarding.models import GoLiveRequest, OwnerInvitation, SignupRequest
from comptoir.domain.shops.models import Role, Shop
from tests.domain.onboarding.support import make_ready
from tests.factories import make_membership, make_shop, make_user
from tests.interfaces.operator.changelist import listed

pytestmark = pytest.mark.django_db

INVITATIONS = reverse("admin:onboarding_ownerinvitation_changelist")
INVITE_A_SHOP = reverse("admin:onboarding_ownerinvitation_add")
REQUESTS = reverse("admin:onboarding_signuprequest_changelist")
SHOPS = reverse("admin:shops_shop_changelist")


def signup(city=None, email="lea@example.fr", **fields):
    return SignupRequest.objects.create(
        **{
            "shop_name": "Au Bon Pain",
            "trade": "bakery",
            "city": city,
            "town": "" if city else "Évreux",
            "contact_name": "Léa",
            "email": email,
            "language": "en",
            "created_at": timezone.now(),
            **fields,
        }
    )


def welcome_path(body):
    found = re.search(r"https?://[^/]+(/shop/welcome/[^/]+/)", body)
    assert found is not None, body
    return found.group(1)


def test_invite_a_shop_e_mails_a_working_link(
    operator_client, operator, city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            INVITE_A_SHOP,
            {"city": city.pk, "email": "Lea@Example.fr", "shop_name": "Au Bon Pain", "trade": ""},
        )

    assert response.status_code == 302
    invitation = OwnerInvitation.objects.get()
    assert (invitation.email, invitation.city, invitation.invited_by) == (
        "lea@example.fr",
        city,
        operator,
    )
    assert [m.to for m in mail.outbox] == [["lea@example.fr"]]
    assert operator_client.get(welcome_path(mail.outbox[0].body)).status_code == 200


def test_inviting_the_same_address_again_replaces_the_first_link(
    operator_client, city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            response = operator_client.post(
                INVITE_A_SHOP, {"city": city.pk, "email": "lea@example.fr", "trade": "bakery"}
            )
            assert response.status_code == 302

    first, second = OwnerInvitation.objects.order_by("pk")
    assert (first.revoked_at is not None, second.revoked_at) == (True, None)
    assert operator_client.get(welcome_path(mail.outbox[0].body)).status_code == 410
    assert operator_client.get(welcome_path(mail.outbox[1].body)).status_code == 200


def test_a_bad_address_is_a_form_error(operator_client, city):
    response = operator_client.post(INVITE_A_SHOP, {"city": city.pk, "email": "nope"})

    assert response.status_code == 200
    assert not OwnerInvitation.objects.exists()


def test_invitations_are_listed_filtered_and_read_only(operator_client, city):
    operator_client.post(INVITE_A_SHOP, {"city": city.pk, "email": "lea@example.fr"})
    invitation = OwnerInvitation.objects.get()

    assert listed(operator_client.get(INVITATIONS, {"state": "open"})) == [invitation]
    assert listed(operator_client.get(INVITATIONS, {"state": "used"})) == []
    page = operator_client.get(
        reverse("admin:onboarding_ownerinvitation_change", args=[invitation.pk])
    )
    assert page.status_code == 200
    assert 'name="email"' not in page.text


def test_withdrawing_stops_the_link(operator_client, city):
    operator_client.post(INVITE_A_SHOP, {"city": city.pk, "email": "lea@example.fr"})
    invitation = OwnerInvitation.objects.get()

    operator_client.post(INVITATIONS, {"action": "withdraw", "_selected_action": [invitation.pk]})

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_the_queue_lists_requests_by_status(operator_client, city):
    new = signup(city)
    declined = signup(city, email="paul@example.fr", status="declined", decided_at=timezone.now())

    assert set(listed(operator_client.get(REQUESTS))) == {new, declined}
    assert listed(operator_client.get(REQUESTS, {"status__exact": "new"})) == [new]
    page = operator_client.get(reverse("admin:onboarding_signuprequest_change", args=[new.pk]))
    assert page.status_code == 200


def test_invite_from_a_request(operator_client, city, django_capture_on_commit_callbacks):
    request = signup(city)

    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(REQUESTS, {"action": "invite", "_selected_action": [request.pk]})

    request.refresh_from_db()
    assert request.status == "invited"
    invitation = OwnerInvitation.objects.get()
    assert (invitation.signup_request, invitation.shop_name, invitation.trade) == (
        request,
        "Au Bon Pain",
        "bakery",
    )
    assert mail.outbox[-1].subject == "Open your shop on Comptoir in Rouen"


def test_a_request_from_a_town_not_open_needs_a_city_first(operator_client, city):
    request = signup(None)

    response = operator_client.post(
        REQUESTS,
        {"action": "invite", "_selected_action": [request.pk]},
        follow=True,
        headers={"accept-language": "en"},
    )

    assert "set its city before inviting" in response.text
    assert not OwnerInvitation.objects.exists()
    request.refresh_from_db()
    assert request.status == "new"


def test_decline_a_request(operator_client, city):
    request = signup(city)

    operator_client.post(REQUESTS, {"action": "decline", "_selected_action": [request.pk]})

    request.refresh_from_db()
    assert request.status == "declined"
    assert request.decided_at is not None


@pytest.fixture
def waiting(city):
    shop = make_ready(make_shop(city, is_active=False))
    make_membership(shop, make_user(email="paul@example.fr"), Role.OWNER)
    GoLiveRequest.objects.create(shop=shop, requested_at=timezone.now())
    return shop


def test_shops_awaiting_approval_are_filtered(operator_client, waiting, shop):
    assert listed(operator_client.get(SHOPS, {"awaiting_approval": "yes"})) == [waiting]


def test_approve_and_publish(operator_client, waiting, city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(
            SHOPS, {"action": "approve_and_publish", "_selected_action": [waiting.pk]}
        )

    waiting.refresh_from_db()
    assert waiting.is_active is True
    assert waiting.approved_at is not None
    assert [m.to for m in mail.outbox] == [["paul@example.fr"]]
    assert listed(operator_client.get(SHOPS, {"awaiting_approval": "yes"})) == []


def test_approval_is_refused_for_a_shop_not_ready(operator_client, city):
    shop = make_shop(city, is_active=False)

    response = operator_client.post(
        SHOPS,
        {"action": "approve_and_publish", "_selected_action": [shop.pk]},
        follow=True,
        headers={"accept-language": "en"},
    )

    assert "The shop is not ready yet" in response.text
    shop.refresh_from_db()
    assert shop.is_active is False
    assert Shop.objects.filter(approved_at__isnull=False).count() == 0
