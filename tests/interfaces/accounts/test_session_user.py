"""A session's user read with one lean statement (comptoir/domain/accounts/backends.py)."""

from unittest import mock

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, authenticate
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comptoir.domain.accounts.backends import LOGIN_BACKEND, SessionUserBackend, user_by_pk
from comptoir.domain.accounts.models import User
from tests.interfaces.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

USERS_TABLE = User._meta.db_table


def logged_in(client: Client, user: User) -> Client:
    response = client.post("/account/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def user_reads(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if USERS_TABLE in q["sql"]]


def test_a_log_in_names_the_lean_backend_and_its_requests_read_the_user_in_one_statement(
    client, anne
):
    logged_in(client, anne)
    assert client.session[BACKEND_SESSION_KEY] == LOGIN_BACKEND

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/account/")

    assert response.status_code == 200
    assert response.wsgi_request.user == anne
    (read,) = user_reads(queries)
    # Written once per process; the ORM's `get()` adds a LIMIT 21 (and compiles it all).
    assert "LIMIT" not in read
    assert "JOIN" not in read


def test_it_reads_every_field_as_the_orm_does(anne):
    User.objects.filter(pk=anne.pk).update(language="en", is_staff=True)
    from_orm = User.objects.get(pk=anne.pk)

    lean = user_by_pk(anne.pk)

    assert lean is not None
    for field in User._meta.concrete_fields:
        assert getattr(lean, field.attname) == getattr(from_orm, field.attname), field.name
        assert type(getattr(lean, field.attname)) is type(getattr(from_orm, field.attname))
    assert lean._state.adding is False
    assert lean._state.db == "default"


def test_an_unknown_or_deactivated_user_is_nobody(anne):
    backend = SessionUserBackend()
    assert backend.get_user(anne.pk + 1000) is None
    assert user_by_pk(anne.pk + 1000) is None
    User.objects.filter(pk=anne.pk).update(is_active=False)
    assert backend.get_user(anne.pk) is None


def test_a_deactivated_customer_is_signed_out_at_the_next_request(client, anne):
    logged_in(client, anne)
    User.objects.filter(pk=anne.pk).update(is_active=False)

    response = client.get("/account/")

    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_a_new_password_still_signs_out_the_other_sessions(client, anne):
    logged_in(client, anne)
    anne.set_password("une-autre-tarte-aux-prunes")
    anne.save()

    response = client.get("/account/")

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_a_session_opened_before_still_reads_its_user_through_model_backend(client, anne):
    client.force_login(anne, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get("/account/")

    assert response.status_code == 200
    assert response.wsgi_request.user == anne


def test_a_wrong_password_is_hashed_once_not_once_per_backend(anne):
    with mock.patch.object(
        User, "check_password", autospec=True, side_effect=User.check_password
    ) as checked:
        assert authenticate(None, username=anne.email, password="pas-le-bon") is None
    assert checked.call_count == 1
