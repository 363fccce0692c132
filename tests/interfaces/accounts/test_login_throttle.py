"""Log-in page under attack: 429 and a back-off, the password unchecked, the link still works."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.core import mail

from comptoir.domain.accounts.models import LoginThrottle
from tests.factories import make_user
from tests.interfaces.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)  # 10:00 in Paris
WRONG = "This e-mail address and password do not match. Check them and try again."
BACKED_OFF = (
    "Too many failed log-in attempts for this account. "
    "Try again at 10:00:30, or ask for a log-in link by e-mail."
)


@pytest.fixture
def clock():
    """Move the account pages' "now"."""
    moment = {"now": NOW}
    with mock.patch(
        "comptoir.interfaces.accounts.views.current_time", side_effect=lambda: moment["now"]
    ):
        yield moment


@pytest.fixture
def checked():
    """Every password check the log-in view makes (through `password_check`)."""
    calls: list[str] = []

    def spy(request, **credentials):
        calls.append(credentials["username"])
        return authenticate(request, **credentials)

    with mock.patch("comptoir.domain.accounts.authentication.authenticate", side_effect=spy):
        yield calls


def log_in(client, email, password, **extra):
    return client.post("/account/login/", {"email": email, "password": password}, **extra)


def errors_of(response):
    return response.context["form"].non_field_errors()


def fail_five_times(client, email="anne@example.fr"):
    return [log_in(client, email, "pas-le-bon") for _ in range(5)]


def test_four_wrong_passwords_get_the_usual_message(en, anne, clock):
    responses = [log_in(en, "anne@example.fr", "pas-le-bon") for _ in range(4)]

    assert [r.status_code for r in responses] == [200] * 4
    assert errors_of(responses[-1]) == [WRONG]


def test_the_fifth_wrong_password_answers_429_with_when_to_retry(en, anne, clock):
    fifth = fail_five_times(en)[-1]

    assert fifth.status_code == 429
    assert fifth["Retry-After"] == "30"
    assert errors_of(fifth) == [WRONG, BACKED_OFF]
    assert BACKED_OFF in fifth.content.decode()


def test_during_the_back_off_the_right_password_is_refused_and_not_checked(
    en, anne, clock, checked
):
    fail_five_times(en)
    checked.clear()
    clock["now"] = NOW + timedelta(seconds=20)

    response = log_in(en, "anne@example.fr", PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "10"
    assert errors_of(response) == [BACKED_OFF]
    assert checked == []
    assert "_auth_user_id" not in en.session
    assert LoginThrottle.objects.get(scope="login_email").count == 5


def test_after_the_back_off_the_right_password_works_and_resets_the_count(en, anne, clock):
    fail_five_times(en)
    clock["now"] = NOW + timedelta(seconds=30)

    response = log_in(en, "Anne@Example.fr", PASSWORD)

    assert response.status_code == 302
    assert en.session["_auth_user_id"] == str(anne.pk)
    assert not LoginThrottle.objects.filter(scope="login_email").exists()
    assert LoginThrottle.objects.get(scope="login_ip", key="127.0.0.1").count == 5


def test_a_wrong_password_after_the_back_off_doubles_it(en, anne, clock):
    fail_five_times(en)
    clock["now"] = NOW + timedelta(seconds=30)

    response = log_in(en, "anne@example.fr", "encore-faux")

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Try again at 10:01:30" in errors_of(response)[1]


def test_another_account_from_the_same_ip_is_not_blocked_until_the_ip_limit(en, anne, clock):
    bob = make_user(email="bob@example.fr", password=PASSWORD)
    fail_five_times(en)  # anne's account: 5 failures, the IP: 5

    assert log_in(en, "bob@example.fr", PASSWORD).status_code == 302
    assert en.session["_auth_user_id"] == str(bob.pk)


def test_one_ip_is_backed_off_after_20_failures_on_many_accounts(en, anne, clock, checked):
    for n in range(4):
        fail_five_times(en, email=f"client{n}@example.fr")
    checked.clear()

    response = log_in(en, "anne@example.fr", PASSWORD)
    from_elsewhere = log_in(en, "anne@example.fr", PASSWORD, REMOTE_ADDR="198.51.100.1")

    assert response.status_code == 429
    assert errors_of(response) == [
        "Too many failed log-in attempts from your connection. "
        "Try again at 10:00:30, or ask for a log-in link by e-mail."
    ]
    assert checked == ["anne@example.fr"]  # only the request from the other IP
    assert from_elsewhere.status_code == 302


def test_the_emailed_link_still_logs_in_during_the_back_off(
    en, anne, clock, django_capture_on_commit_callbacks
):
    fail_five_times(en)
    clock["now"] = NOW + timedelta(seconds=5)

    with django_capture_on_commit_callbacks(execute=True):
        asked = en.post("/account/login/link/", {"email": "anne@example.fr"})
    path = re.search(r"http://testserver(/account/login/link/[-\w]+/\S*)", str(mail.outbox[0].body))
    assert path is not None
    opened = en.post(path.group(1))

    assert asked.status_code == 302
    assert opened.status_code == 302
    assert en.session["_auth_user_id"] == str(anne.pk)


def test_the_back_off_message_is_in_french_for_a_french_visitor(client, anne, clock):
    fifth = fail_five_times(client)[-1]

    assert errors_of(fifth)[1] == (
        "Trop de tentatives de connexion échouées pour ce compte. Réessayez à 10:00:30, "
        "ou demandez un lien de connexion par e-mail."
    )


def test_a_fourth_link_request_for_one_address_is_refused_with_429(
    en, anne, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        asked = [en.post("/account/login/link/", {"email": "anne@example.fr"}) for _ in range(4)]

    assert [r.status_code for r in asked] == [302, 302, 302, 429]
    assert asked[-1]["Retry-After"] == "30"
    assert errors_of(asked[-1]) == [
        "Too many log-in links were asked for this address or from your connection. "
        "Try again at 10:00:30."
    ]
    assert len(mail.outbox) == 3


def test_an_unknown_address_is_refused_the_same_way(en, anne, clock):
    asked = [en.post("/account/login/link/", {"email": "personne@example.fr"}) for _ in range(4)]

    assert [r.status_code for r in asked] == [302, 302, 302, 429]
    assert mail.outbox == []
