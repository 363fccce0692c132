"""An operator logged in to the back office."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import make_user


@pytest.fixture
def operator(db):
    return make_user(email="operateur@comptoir.fr", is_staff=True, is_superuser=True)


@pytest.fixture
def operator_client(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client
