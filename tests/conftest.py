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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: no page, list or rate count of an earlier test."""
    from django.core.cache import cache

    from comptoir.core.recent import clear_all

    cache.clear()
    clear_all()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's default language (French).

    A view that activates a language (log-in applies the customer's) leaves
    it active in the thread; without this reset, later tests would read
    messages in whatever language an earlier test left behind.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
