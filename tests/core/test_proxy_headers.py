"""Behind a reverse proxy: the client address from X-Forwarded-For, only if a trusted proxy sent it.

The log-in throttle and the API's rate limits key on REMOTE_ADDR. Checked on
a real server by a failed API log-in: the throttle row's key is the address
the server believed.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from comptoir.domain.accounts.models import LoginThrottle
from tests.servers import running_server

pytestmark = pytest.mark.django_db(transaction=True)


def failed_log_in(base_url: str, forwarded_for: str) -> None:
    request = urllib.request.Request(  # noqa: S310 (a loopback test server)
        f"{base_url}/api/v1/auth/tokens",
        data=json.dumps({"email": "nobody@example.fr", "password": "wrong"}).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded_for},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310  # nosec B310
    assert refused.value.code == 401


def ip_keys() -> set[str]:
    return set(LoginThrottle.objects.filter(scope="login_ip").values_list("key", flat=True))


def test_a_trusted_proxys_forwarded_address_is_the_client(city):
    with running_server(env={"TRUSTED_PROXIES": "127.0.0.1"}) as base_url:
        failed_log_in(base_url, "203.0.113.7")

    assert ip_keys() == {"203.0.113.7"}


def test_a_proxy_trusted_by_network_works_too(city):
    with running_server(env={"TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.0/8"}) as base_url:
        failed_log_in(base_url, "198.51.100.20")

    assert ip_keys() == {"198.51.100.20"}


def test_control_without_trusted_proxies_the_header_is_ignored(city):
    with running_server(env={"TRUSTED_PROXIES": ""}) as base_url:
        failed_log_in(base_url, "203.0.113.7")

    assert ip_keys() == {"127.0.0.1"}


def test_a_client_that_is_not_the_trusted_proxy_cannot_forge_its_address(city):
    with running_server(env={"TRUSTED_PROXIES": "10.1.2.3"}) as base_url:
        failed_log_in(base_url, "203.0.113.7")

    assert ip_keys() == {"127.0.0.1"}
