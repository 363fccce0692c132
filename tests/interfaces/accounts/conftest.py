import pytest

from tests.factories import make_user

PASSWORD = "tarte-tatin-aux-pommes"


@pytest.fixture
def anne(db):
    return make_user(email="anne@example.fr", first_name="Anne", password=PASSWORD)


@pytest.fixture
def en(client):
    """Pages in English: the client sends Accept-Language: en on every request."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
