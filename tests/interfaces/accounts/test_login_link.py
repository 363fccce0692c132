"""Log in with an e-mailed link: same answer for everyone, GET confirms, POST uses it once."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from comptoir.domain.accounts.models import LoginLink

pytestmark = pytest.mark.django_db

SENT = "If an account exists for this address, we have sent it a log-in link."


def ask(client, email, **extra):
    return client.post("/account/login/link/", {"email": email, **extra}, follow=True)


def without_csrf(response):
    """The page as text, the per-render CSRF token masked out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())


def link_in(message):
    found = re.search(r"http://testserver(/account/login/link/[-\w]+/\S*)", message.body)
    assert found is not None
    return found.group(1)


@pytest.fixture
def clock():
    """Move the account pages' "now"."""
    moment = {"now": timezone.now()}
    with mock.patch(
        "comptoir.interfaces.accounts.views.current_time", side_effect=lambda: moment["now"]
    ):
        yield moment


def test_it_answers_the_same_for_a_known_and_an_unknown_address(
    en, anne, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = ask(en, "anne@example.fr")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = ask(en, "personne@example.fr")

    assert known.redirect_chain == unknown.redirect_chain == [("/account/login/link/sent/", 302)]
    assert without_csrf(known) == without_csrf(unknown)
    assert SENT in known.content.decode()
    assert [m.to for m in mail.outbox] == [["anne@example.fr"]]
    assert LoginLink.objects.filter(user=anne).count() == 1


def test_it_asks_again_for_a_malformed_address(en):
    response = en.post("/account/login/link/", {"email": "pas-une-adresse"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert not LoginLink.objects.exists()


def test_it_logs_in_with_the_link_after_a_confirming_post(
    en, anne, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(en, "anne@example.fr", next="/rouen/")
    url = link_in(mail.outbox[0])
    assert url.endswith("/?next=%2Frouen%2F")

    page = en.get(url)
    assert page.status_code == 200
    assert "_auth_user_id" not in en.session
    assert LoginLink.objects.get().used_at is None

    response = en.post(url)

    assert response.status_code == 302
    assert response["Location"] == "/rouen/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert en.session["_auth_user_id"] == str(anne.pk)
    assert LoginLink.objects.get().used_at is not None


def test_it_refuses_a_link_used_twice(client, en, anne, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(en, "anne@example.fr")
    url = link_in(mail.outbox[0])
    en.post(url)
    used_at = LoginLink.objects.get().used_at
    en.cookies.clear()

    response = en.post(url)

    assert response.status_code == 410
    assert "This log-in link has already been used. Ask for a new one." in response.content.decode()
    assert "_auth_user_id" not in en.session
    assert LoginLink.objects.get().used_at == used_at


def test_it_refuses_an_expired_link(en, anne, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(en, "anne@example.fr")
    url = link_in(mail.outbox[0])
    clock["now"] += timedelta(minutes=15)

    response = en.post(url)

    assert response.status_code == 410
    assert "This log-in link has expired. Ask for a new one." in response.content.decode()
    assert "_auth_user_id" not in en.session
    assert LoginLink.objects.get().used_at is None


def test_it_refuses_a_made_up_link(en, anne):
    response = en.post("/account/login/link/" + "a" * 43 + "/")

    assert response.status_code == 410
    assert "This log-in link is not valid. Ask for a new one." in response.content.decode()
    assert "_auth_user_id" not in en.session


def test_it_refuses_an_offsite_next_carried_by_the_link(
    en, anne, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(en, "anne@example.fr", next="https://evil.example/")
    url = link_in(mail.outbox[0])
    assert url.endswith("/?next=%2Faccount%2F")

    response = en.post(url.split("?")[0] + "?next=https://evil.example/")

    assert response["Location"] == "/account/"
