import pytest

from comptoir.domain.notifications.vapid import generate_vapid_keys
from tests.domain.notifications.support import PUSH_HOST, run_push_service


@pytest.fixture
def vapid(settings):
    """A VAPID pair of the test's own, in the settings."""
    keys = generate_vapid_keys()
    settings.VAPID_PUBLIC_KEY = keys.public_key
    settings.VAPID_PRIVATE_KEY = keys.private_key
    settings.VAPID_SUBJECT = "mailto:tests@comptoir.local"
    return keys


@pytest.fixture
def push_service(tmp_path, settings, monkeypatch, vapid):
    """The local HTTPS push service, trusted by requests and allowed as a push host."""
    with run_push_service(tmp_path) as (service, cert_path):
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_path))
        # Straight to 127.0.0.1, whatever proxy the machine is configured with.
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        monkeypatch.setenv("no_proxy", "127.0.0.1")
        settings.PUSH_SERVICE_HOSTS = [PUSH_HOST, "127.0.0.1"]
        yield service
