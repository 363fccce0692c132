"""Shared set-up of the push tests: browser keys, orders, and a local push service.

`PushService` is a real HTTPS server on 127.0.0.1 playing the browser vendor's
push service: it records each POST and answers with the statuses a test
queues (201 by default). Its certificate is generated here and trusted by
`requests` through REQUESTS_CA_BUNDLE, so pywebpush talks TLS to it exactly
as it would to fcm.googleapis.com, and no request leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import json
import os
import ssl
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import http_ece  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import NameOID

from comptoir.domain.notifications.vapid import b64url, b64url_decode
from comptoir.domain.orders.models import Checkout, Order
from comptoir.domain.shops.models import Shop

PUSH_HOST = "fcm.googleapis.com"


@dataclass(frozen=True)
class BrowserKeys:
    """What a browser generates when it subscribes: an ECDH pair and an auth secret."""

    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def decrypt(self, body: bytes) -> dict[str, object]:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return json.loads(plain)


def browser_keys() -> BrowserKeys:
    return BrowserKeys(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))


def subscription_json(
    endpoint: str = f"https://{PUSH_HOST}/fcm/send/abc123", keys: BrowserKeys | None = None
) -> dict[str, Any]:
    keys = keys or browser_keys()
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": keys.p256dh, "auth": keys.auth},
    }


_orders = iter(range(1, 1_000_000))


def make_order(shop: Shop, *, customer=None, token: str | None = None) -> Order:
    """A placed order (collect), by `customer` or by a guest holding `token`."""
    n = next(_orders)
    now = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)
    checkout = Checkout.objects.create(
        city=shop.city,
        customer=customer,
        token=token or f"push-token-{n}",
        contact_name="Camille",
        contact_email="camille@example.fr",
        contact_phone="+33612345678",
        created_at=now,
    )
    return Order.objects.create(
        city=shop.city,
        shop=shop,
        checkout=checkout,
        customer=customer,
        contact_name="Camille",
        contact_email="camille@example.fr",
        contact_phone="+33612345678",
        number=f"PUSH-{n:04d}",
        pickup_code=f"PSH{n % 1000:03d}",
        fulfilment="collect",
        slot_starts_at=now + timedelta(hours=2),
        slot_ends_at=now + timedelta(hours=2, minutes=15),
        subtotal=Decimal("6.05"),
        delivery_fee=Decimal("0.00"),
        total=Decimal("6.05"),
        placed_at=now,
    )


# --- VAPID ----------------------------------------------------------------


def verify_vapid(authorization: str, *, public_key: str, audience: str) -> dict[str, Any]:
    """Check `vapid t=<JWT>, k=<key>` as a push service does; return the JWT claims."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid", authorization
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key
    header_b64, claims_b64, signature_b64 = fields["t"].split(".")
    assert json.loads(b64url_decode(header_b64)) == {"typ": "JWT", "alg": "ES256"}
    signature = b64url_decode(signature_b64)
    assert len(signature) == 64
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(public_key))
    # Raises InvalidSignature when the JWT was not signed with our private key.
    key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    claims = json.loads(b64url_decode(claims_b64))
    assert claims["aud"] == audience
    return claims


# --- The local push service --------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    origin: str
    received: list[Received] = field(default_factory=list)
    statuses: deque[int] = field(default_factory=deque)
    #: Seconds each POST waits before answering (to keep a push in flight).
    delay: float = 0.0

    def endpoint(self, name: str = "sub") -> str:
        return f"{self.origin}/push/{name}"


def _certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "push-cert.pem", directory / "push-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@contextmanager
def run_push_service(directory: Path) -> Iterator[tuple[PushService, Path]]:
    """Serve HTTPS on a free port of 127.0.0.1; yield the service and its certificate."""
    cert_path, key_path = _certificate(directory)
    service = PushService(origin="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {name.lower(): value for name, value in self.headers.items()}
            service.received.append(Received(self.path, headers, body))
            status = service.statuses.popleft() if service.statuses else 201
            time.sleep(service.delay)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    service.origin = f"https://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service, cert_path
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
