"""Database sessions read with one lean statement (comptoir/core/sessions.py)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved(**data: object) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    assert store.session_key
    return store.session_key


def test_it_is_the_sessions_engine():
    assert settings.SESSION_ENGINE == "comptoir.core.sessions"


def test_a_session_reads_back_in_one_statement_of_its_data_only():
    key = saved(basket="k" * 32, count=3)

    with CaptureQueriesContext(connection) as queries:
        store = SessionStore(key)
        assert dict(store.items()) == {"basket": "k" * 32, "count": 3}

    (query,) = queries.captured_queries
    data, table = (connection.ops.quote_name(n) for n in ("session_data", "django_session"))
    assert query["sql"].startswith(" ".join(["SELECT", data, "FROM", table, "WHERE"]))
    assert store.session_key == key


def test_an_expired_session_is_empty_and_its_key_dropped_not_revived():
    key = saved(user="12")
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    store = SessionStore(key)
    assert dict(store.items()) == {}
    assert store.session_key is None

    store["user"] = "13"
    store.save()
    assert store.session_key not in {None, key}


def test_an_unknown_or_tampered_session_is_empty():
    unknown = SessionStore("x" * 32)
    assert dict(unknown.items()) == {}
    assert unknown.session_key is None

    key = saved(user="12")
    Session.objects.filter(session_key=key).update(session_data="not-signed:data")
    assert dict(SessionStore(key).items()) == {}


def test_a_session_still_being_valid_is_read_up_to_its_expiry():
    key = saved(user="12")
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(seconds=30)
    )
    assert SessionStore(key)["user"] == "12"
