"""The VAPID key pair that signs our pushes (RFC 8292).

Keys travel as unpadded base64url: the public key as the uncompressed P-256
point the browser's `applicationServerKey` takes (65 bytes), the private key
as its raw 32-byte scalar. Settings win; without them a pair is generated
once into `VAR_DIR/vapid.json`, so push works out of the box in development.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid02  # type: ignore[import-untyped]


@dataclass(frozen=True, slots=True)
class VapidKeys:
    public_key: str
    private_key: str


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_vapid_keys() -> VapidKeys:
    """A fresh P-256 pair in the encodings above."""
    private = ec.generate_private_key(ec.SECP256R1())
    scalar = private.private_numbers().private_value.to_bytes(32, "big")
    point = private.public_key().public_bytes(
        encoding=serialization.Encoding.X962,
        format=serialization.PublicFormat.UncompressedPoint,
    )
    return VapidKeys(public_key=b64url(point), private_key=b64url(scalar))


def keys_file() -> Path:
    return Path(settings.VAR_DIR) / "vapid.json"


def _read_or_create(path: Path) -> VapidKeys:
    if not path.exists():
        keys = generate_vapid_keys()
        # Written atomically: two processes starting together keep one pair.
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"public_key": keys.public_key, "private_key": keys.private_key}))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    data = json.loads(path.read_text())
    return VapidKeys(public_key=data["public_key"], private_key=data["private_key"])


def vapid_keys() -> VapidKeys:
    """The configured pair, else the one generated once for this machine."""
    if settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY:
        return VapidKeys(
            public_key=settings.VAPID_PUBLIC_KEY, private_key=settings.VAPID_PRIVATE_KEY
        )
    return _read_or_create(keys_file())


@cache
def _signer(private_key: str) -> Vapid02:
    return Vapid02.from_raw(private_key.encode("ascii"))


def vapid_signer() -> Vapid02:
    """A py_vapid signer for the current private key (parsed once per key)."""
    return _signer(vapid_keys().private_key)
