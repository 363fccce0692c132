"""The operator's log-in: as protected as everyone's (back-off, two-step log-in, e-mailed link).

Each test starts where the operator's browser does, at /operator/, and
posts to whatever log-in page it is sent to: Django's own admin form would
check the password at once, with no back-off and no second step.
"""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth.backends import ModelBackend
from django.core import mail
from django.test import Client

from comptoir.domain.accounts.models import LoginThrottle, RecoveryCode
from comptoir.domain.accounts.two_factor import (
    time_step,
    totp_code,
    two_factor_confirm,
    two_factor_start,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 9, 8, 0, 10, tzinfo=UTC)  # 10:00:10 in Paris
PASSWORD = "tarte-tatin-aux-pommes"
EMAIL = "operateur@comptoir.fr"
ATTACKER_IP = "203.0.113.9"


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
    """The address of every password check, whichever page makes it."""
    calls: list[str] = []
    original = ModelBackend.authenticate

    def spy(backend, request, username=None, password=None, **kwargs):
        calls.append(username)
        return original(backend, request, username=username, password=password, **kwargs)

    with mock.patch.object(ModelBackend, "authenticate", autospec=True, side_effect=spy):
        yield calls


@pytest.fixture
def operator():
    return make_user(email=EMAIL, password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def secret(operator):
    """The operator turned two-step log-in on; returns the TOTP secret."""
    two_factor = two_factor_start(user=operator)
    two_factor_confirm(
        user=operator, code=totp_code(two_factor.secret, step=time_step(NOW)), now=NOW
    )
    return two_factor.secret


def browser(**defaults) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en", **defaults)


@pytest.fixture
def en() -> Client:
    return browser()


def log_in_page(client: Client) -> str:
    """The URL of the log-in page /operator/ sends an anonymous visitor to."""
    response = client.get("/operator/", follow=True)
    assert response.status_code == 200
    return f"{response.request['PATH_INFO']}?{response.request['QUERY_STRING']}"


def log_in(client: Client, password: str, email: str = EMAIL, **extra):
    """Fill the log-in page's form (the accounts' fields and the admin's alike) and post it."""
    data = {"email": email, "username": email, "password": password}
    return client.post(log_in_page(client), data, **extra)


def fail_five_times(client: Client, email: str = EMAIL, **extra):
    return [log_in(client, "pas-le-bon", email, **extra) for _ in range(5)]


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_operator_log_in_page_sends_to_the_protected_log_in_page(en):
    response = en.get("/operator/login/?next=/operator/orders/order/")

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=%2Foperator%2Forders%2Forder%2F"
    assert log_in_page(en) == "/account/login/?next=%2Foperator%2F"


def test_a_password_posted_to_the_operator_log_in_page_is_not_checked(en, operator, checked):
    response = en.post(
        "/operator/login/?next=/operator/", {"username": EMAIL, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=%2Foperator%2F"
    assert checked == []
    assert not is_logged_in(en)


def test_the_fifth_wrong_password_on_the_operator_answers_429_with_when_to_retry(
    en, operator, clock
):
    responses = fail_five_times(en)

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert responses[-1]["Retry-After"] == "30"
    assert "Too many failed log-in attempts for this account." in responses[-1].content.decode()
    assert LoginThrottle.objects.get(scope="login_email", key=EMAIL).count == 5


def test_during_the_back_off_the_operators_right_password_is_refused_and_not_checked(
    en, operator, clock, checked
):
    fail_five_times(en)
    checked.clear()
    clock["now"] = NOW + timedelta(seconds=20)

    response = log_in(en, PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "10"
    assert checked == []
    assert not is_logged_in(en)
    assert en.get("/operator/")["Location"] == "/operator/login/?next=/operator/"


def test_one_ip_is_backed_off_after_20_failures_even_for_the_operator(en, operator, clock, checked):
    for n in range(4):
        fail_five_times(en, email=f"client{n}@example.fr")
    checked.clear()

    refused = log_in(en, PASSWORD)
    from_elsewhere = log_in(browser(REMOTE_ADDR="198.51.100.1"), PASSWORD)

    assert refused.status_code == 429
    assert "Too many failed log-in attempts from your connection." in refused.content.decode()
    assert checked == [EMAIL]  # only the request from the other IP
    assert (from_elsewhere.status_code, from_elsewhere["Location"]) == (302, "/operator/")


def test_an_attacker_on_the_operator_address_does_not_stop_the_emailed_link(
    operator, clock, django_capture_on_commit_callbacks
):
    fail_five_times(browser(REMOTE_ADDR=ATTACKER_IP))
    clock["now"] = NOW + timedelta(seconds=5)
    real = browser()

    # The operator's own password is backed off too (per address)…
    assert log_in(real, PASSWORD).status_code == 429
    # …but their log-in page offers the link, which brings them back to /operator/.
    page = real.get(log_in_page(real)).content.decode()
    ask = re.search(r'href="(/account/login/link/\?next=[^"]+)"', page)
    assert ask is not None
    with django_capture_on_commit_callbacks(execute=True):
        asked = real.post(ask.group(1).replace("&amp;", "&"), {"email": EMAIL})
    link = re.search(r"http://testserver(/account/login/link/[-\w]+/\S*)", str(mail.outbox[0].body))
    assert link is not None
    opened = real.post(link.group(1))

    assert asked.status_code == 302
    assert (opened.status_code, opened["Location"]) == (302, "/operator/")
    assert real.session["_auth_user_id"] == str(operator.pk)
    assert real.get("/operator/").status_code == 200


def test_an_operator_with_two_step_log_in_types_the_code_before_the_back_office(
    en, operator, secret, clock
):
    after_password = log_in(en, PASSWORD)

    assert (after_password.status_code, after_password["Location"]) == (
        302,
        "/account/login/code/",
    )
    assert not is_logged_in(en)
    assert en.get("/operator/").status_code == 302

    clock["now"] = NOW + timedelta(seconds=30)
    wrong = en.post("/account/login/code/", {"code": "000000"})
    assert wrong.status_code == 200
    assert not is_logged_in(en)

    right = en.post(
        "/account/login/code/", {"code": totp_code(secret, step=time_step(clock["now"]))}
    )
    assert (right.status_code, right["Location"]) == (302, "/operator/")
    assert en.session["_auth_user_id"] == str(operator.pk)
    assert en.get("/operator/").status_code == 200


def test_a_recovery_code_lets_the_operator_in(en, operator, clock):
    two_factor = two_factor_start(user=operator)
    codes = two_factor_confirm(
        user=operator, code=totp_code(two_factor.secret, step=time_step(NOW)), now=NOW
    )
    log_in(en, PASSWORD)

    response = en.post("/account/login/code/", {"code": codes[3]})

    assert (response.status_code, response["Location"]) == (302, "/operator/")
    assert en.session["_auth_user_id"] == str(operator.pk)
    assert RecoveryCode.objects.filter(user=operator, used_at__isnull=False).count() == 1


def test_a_staff_user_without_two_step_log_in_gets_in_with_the_password(en, clock):
    staff = make_user(email="support@comptoir.fr", password=PASSWORD, is_staff=True)
    for _ in range(4):
        log_in(en, "pas-le-bon", staff.email)

    response = log_in(en, PASSWORD, staff.email)

    assert (response.status_code, response["Location"]) == (302, "/operator/")
    assert en.session["_auth_user_id"] == str(staff.pk)
    # The failures were counted, and the success forgot the address's (not the IP's).
    assert not LoginThrottle.objects.filter(scope="login_email").exists()
    assert LoginThrottle.objects.get(scope="login_ip", key="127.0.0.1").count == 4


def test_the_index_asks_an_operator_without_two_step_log_in_to_turn_it_on(en, operator):
    en.force_login(operator)

    html = en.get("/operator/").content.decode()

    assert '<a href="/account/two-step/">Turn on the two-step log-in</a>' in html
    assert "Your operator account is protected by its password only." in html


def test_the_index_stops_asking_once_two_step_log_in_is_on(en, operator, secret):
    en.force_login(operator)

    html = en.get("/operator/").content.decode()

    assert "Turn on the two-step log-in" not in html
    assert "Site administration" not in html  # still the operator's index
    assert "Back office" in html


def test_a_logged_in_customer_is_told_the_account_cannot_open_the_back_office(en):
    customer = make_user(email="anne@example.fr")
    en.force_login(customer)

    response = en.get("/operator/", follow=True)

    assert response.status_code == 403
    html = response.content.decode()
    assert (
        "You are logged in as anne@example.fr, "
        "but this account cannot open the operator back office." in html
    )
    assert '<a href="/account/login/?next=%2Foperator%2F">Log in with another account</a>' in html


def test_a_logged_in_operator_is_sent_on_to_next(en, operator):
    en.force_login(operator)

    response = en.get("/operator/login/?next=/operator/orders/order/")

    assert (response.status_code, response["Location"]) == (302, "/operator/orders/order/")


def test_the_operator_logs_out_from_the_back_office(en, operator):
    en.force_login(operator)

    response = en.post("/operator/logout/")

    assert (response.status_code, response["Location"]) == (302, "/")  # LOGOUT_REDIRECT_URL
    assert not is_logged_in(en)


def test_the_operator_changes_the_password_from_the_back_office(en, operator):
    en.force_login(operator)
    new = "un-nouveau-mot-de-passe-solide"

    response = en.post(
        "/operator/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert (response.status_code, response["Location"]) == (302, "/operator/password_change/done/")
    assert en.session["_auth_user_id"] == str(operator.pk)  # still logged in
    operator.refresh_from_db()
    assert operator.check_password(new)
