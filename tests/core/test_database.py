import sqlite3

import pytest
from django.db.utils import ConnectionHandler

from comptoir.core.database import SQLITE_PRAGMAS, database_from_url


def test_it_configures_sqlite_for_wal_immediate_transactions_and_a_busy_timeout(tmp_path):
    config = database_from_url(f"sqlite:///{tmp_path}/comptoir.sqlite3")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == f"{tmp_path}/comptoir.sqlite3"
    assert config["OPTIONS"] == {
        "init_command": SQLITE_PRAGMAS,
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
    assert "TEST" not in config


def test_a_django_connection_to_a_sqlite_file_runs_in_wal_mode(tmp_path, django_db_blocker):
    # A fresh connection to a file, as `make run` opens, not the in-memory test database.
    config = database_from_url(f"sqlite:///{tmp_path}/db.sqlite3")
    connection = ConnectionHandler({"default": config})["default"]
    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            pragmas = {
                name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        connection.close()

    assert pragmas == {
        "journal_mode": "wal",  # an in-memory database would say "memory"
        "synchronous": 1,  # NORMAL
        "foreign_keys": 1,
        "busy_timeout": 10000,
    }


def test_the_pragmas_alone_put_a_plain_sqlite_file_in_wal_mode(tmp_path):
    db = sqlite3.connect(tmp_path / "plain.sqlite3")
    try:
        db.executescript(SQLITE_PRAGMAS)
        journal_mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        synchronous = db.execute("PRAGMA synchronous").fetchone()[0]
    finally:
        db.close()

    assert (journal_mode, synchronous) == ("wal", 1)


def test_it_keeps_postgres_connections_alive_and_health_checked():
    config = database_from_url("postgres://comptoir:secret@db.example:5433/comptoir")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == (
        "comptoir",
        "comptoir",
        "secret",
    )
    assert (config["HOST"], config["PORT"]) == ("db.example", 5433)
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (60, True)
    assert config["OPTIONS"] == {
        "options": "-c jit=off",
        "server_side_binding": True,
        "prepare_threshold": 5,
    }


@pytest.mark.parametrize("value", ["off", "OFF", "false", "0", "no"])
def test_prepared_off_in_the_url_keeps_django_s_client_side_binding(value):
    """For a pooler in transaction mode, which cannot keep a connection's prepared statements."""
    config = database_from_url(f"postgres://localhost/comptoir?prepared={value}")

    assert config["OPTIONS"] == {"options": "-c jit=off"}


def test_prepared_on_in_the_url_is_the_default():
    config = database_from_url("postgres://localhost/comptoir?prepared=on")

    assert config["OPTIONS"]["server_side_binding"] is True
    assert "prepared" not in config["OPTIONS"]


def test_it_turns_postgres_jit_off_and_keeps_other_server_options():
    config = database_from_url(
        "postgres://localhost/comptoir?options=-c%20statement_timeout%3D5000"
    )

    assert config["OPTIONS"]["options"] == "-c statement_timeout=5000 -c jit=off"


def test_it_leaves_an_explicit_jit_setting_alone():
    config = database_from_url("postgres://localhost/comptoir?options=-c%20jit%3Don")

    assert config["OPTIONS"]["options"] == "-c jit=on"


def test_it_accepts_the_postgresql_scheme_too():
    assert database_from_url("postgresql://localhost/comptoir")["CONN_MAX_AGE"] == 60


def test_it_refuses_a_supported_but_unsupported_engine():
    with pytest.raises(
        ValueError, match=r"^Unsupported DATABASE_URL engine: django\.db\.backends\.mysql$"
    ):
        database_from_url("mysql://localhost/comptoir")


def test_it_refuses_an_unknown_scheme():
    with pytest.raises(ValueError, match="nosql"):
        database_from_url("nosql://localhost/comptoir")


@pytest.mark.django_db
def test_the_test_database_is_configured_like_production():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A file in WAL mode (settings_test), not pytest-django's in-memory default.
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        else:
            cursor.execute("SHOW server_encoding")
            assert cursor.fetchone()[0] == "UTF8"
            assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
            # A statement run a sixth time on a connection is prepared: its plan is kept.
            query = "SELECT count(*) FROM django_migrations WHERE app = %s"
            for _ in range(6):
                cursor.execute(query, ["catalogue"])
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%FROM django_migrations WHERE app = $1%"],
            )
            assert cursor.fetchone()[0] == 1
