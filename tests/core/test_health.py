"""/healthz: load balancers and `manage.py serve` ask whether the database answers."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection


@pytest.mark.django_db
def test_it_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_reports_503_without_details_when_the_database_fails(client, caplog):
    def unreachable(execute, sql, params, many, context):
        raise OperationalError("connection to server at 10.0.0.9 failed: secret detail")

    with connection.execute_wrapper(unreachable):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b'{"status": "error", "database": "error"}'
    logged = [(r.name, r.message) for r in caplog.records if r.name.startswith("comptoir")]
    assert logged == [("comptoir.core.health", "Health check: database unreachable")]


@pytest.mark.django_db
def test_it_only_answers_get(client):
    response = client.post("/healthz")

    assert response.status_code == 405
