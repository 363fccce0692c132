"""Shared fixtures. The database (SQLite or PostgreSQL) comes from DATABASE_URL."""

from __future__ import annotations

import pytest
from django.db import connection


def pytest_report_header() -> str:
    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"


@pytest.fixture
def city(db):
    from tests.factories import make_city

    return make_city(name="Rouen", slug="rouen")


@pytest.fixture
def shop(city):
    from tests.factories import make_shop

    return make_shop(city)
