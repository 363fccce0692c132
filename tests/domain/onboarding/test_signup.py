"""Sign-up requests: queued for the operator, acknowledged by e-mail, declined or invited."""

import pytest
from django.core import mail

from comptoir.domain.onboarding.errors import (
    SignupAlreadyDecided,
    SignupAlreadyPending,
    SignupCityMissing,
    SignupPlaceMissing,
)
from comptoir.domain.onboarding.models import OwnerInvitation, SignupRequest
from comptoir.domain.onboarding.services import (
    owner_invitation_create_from_request,
    signup_request_decline,
    signup_request_submit,
)
from tests.domain.onboarding.support import NOW
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def submit(city=None, town="", email="lea@example.fr", **fields):
    return signup_request_submit(
        **{
            "shop_name": "Au Bon Pain",
            "trade": "bakery",
            "city": city,
            "town": town,
            "contact_name": "Léa Martin",
            "email": email,
            "phone": "02 35 00 00 00",
            "message": "Bonjour !",
            "language": "en",
            "now": NOW,
            **fields,
        }
    )


def link_url(token):
    return f"https://comptoir.test/shop/welcome/{token}/"


def test_it_queues_the_request_and_acknowledges_it_after_commit(
    city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(city, email=" Lea@Example.FR ")

    request.refresh_from_db()
    assert (request.status, request.email, request.city, request.town, request.phone) == (
        SignupRequest.Status.NEW,
        "lea@example.fr",
        city,
        "",
        "+33235000000",
    )
    assert [m.to for m in mail.outbox] == [["lea@example.fr"]]
    assert mail.outbox[0].subject == "Comptoir has received your request"
    assert "Au Bon Pain (Rouen)" in mail.outbox[0].body


def test_a_town_not_open_yet_is_kept_as_text(db):
    request = submit(town=" Évreux ")

    assert (request.city, request.town, request.place) == (None, "Évreux", "Évreux")


def test_it_needs_a_city_or_a_town(db):
    with pytest.raises(SignupPlaceMissing):
        submit(town="  ")

    assert not SignupRequest.objects.exists()


def test_one_request_waits_per_address(city):
    submit(city)

    with pytest.raises(SignupAlreadyPending):
        submit(city, email="LEA@example.fr")

    assert SignupRequest.objects.count() == 1


def test_a_declined_request_can_be_sent_again(city):
    signup_request_decline(signup_request=submit(city), now=NOW)

    submit(city)

    assert sorted(SignupRequest.objects.values_list("status", flat=True)) == ["declined", "new"]


def test_declining_twice_is_refused(city):
    request = submit(city)
    signup_request_decline(signup_request=request, now=NOW)

    with pytest.raises(SignupAlreadyDecided):
        signup_request_decline(signup_request=request, now=NOW)

    request.refresh_from_db()
    assert (request.status, request.decided_at) == (SignupRequest.Status.DECLINED, NOW)


def test_inviting_from_a_request_suggests_its_shop_and_marks_it_invited(
    city, django_capture_on_commit_callbacks
):
    request = submit(city)

    with django_capture_on_commit_callbacks(execute=True):
        invitation = owner_invitation_create_from_request(
            signup_request=request, invited_by=None, now=NOW, link_url=link_url
        )

    assert (invitation.city, invitation.email, invitation.shop_name, invitation.trade) == (
        city,
        "lea@example.fr",
        "Au Bon Pain",
        "bakery",
    )
    request.refresh_from_db()
    assert (request.status, request.decided_at) == (SignupRequest.Status.INVITED, NOW)
    # The request's language: the acknowledgement, then the invitation, in English.
    assert [m.subject for m in mail.outbox][-1] == "Open your shop on Comptoir in Rouen"


def test_a_declined_request_or_one_without_a_city_cannot_be_invited(city):
    declined = submit(city)
    signup_request_decline(signup_request=declined, now=NOW)
    elsewhere = submit(town="Évreux", email="paul@example.fr")

    with pytest.raises(SignupAlreadyDecided):
        owner_invitation_create_from_request(
            signup_request=declined, invited_by=None, now=NOW, link_url=link_url
        )
    with pytest.raises(SignupCityMissing):
        owner_invitation_create_from_request(
            signup_request=elsewhere, invited_by=None, now=NOW, link_url=link_url
        )

    assert not OwnerInvitation.objects.exists()


def test_the_operators_are_emailed_a_new_request_with_its_link(
    city, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://rouen.comptoir.test"
    operator = make_user(email="ops@example.fr", is_staff=True, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        request = submit(city=city)

    [sent] = [message for message in mail.outbox if message.to == [operator.email]]
    assert sent.subject == "New request to join: Au Bon Pain"
    assert f"Au Bon Pain ({city.name}) asks to join Comptoir." in sent.body
    path = f"/operator/onboarding/signuprequest/{request.pk}/change/"
    assert f"https://rouen.comptoir.test{path}" in sent.body
