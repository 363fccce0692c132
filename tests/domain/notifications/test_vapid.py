"""The VAPID pair: from the settings, else generated once per machine; `push_keys`."""

import json
from io import StringIO

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command

from comptoir.domain.notifications.vapid import b64url_decode, generate_vapid_keys, vapid_keys


def public_point_of(private_key: str) -> bytes:
    scalar = int.from_bytes(b64url_decode(private_key), "big")
    public = ec.derive_private_key(scalar, ec.SECP256R1()).public_key()
    return public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def test_it_generates_a_matching_p256_pair():
    keys = generate_vapid_keys()

    assert len(b64url_decode(keys.private_key)) == 32
    assert b64url_decode(keys.public_key) == public_point_of(keys.private_key)
    assert (len(keys.public_key), "=" in keys.public_key) == (87, False)


def test_it_uses_the_keys_of_the_settings(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    keys = generate_vapid_keys()
    settings.VAPID_PUBLIC_KEY = keys.public_key
    settings.VAPID_PRIVATE_KEY = keys.private_key

    assert vapid_keys() == keys
    assert not (tmp_path / "vapid.json").exists()


def test_it_generates_a_pair_once_into_the_var_directory(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""

    first = vapid_keys()
    second = vapid_keys()

    assert first == second
    stored = json.loads((tmp_path / "vapid.json").read_text())
    assert stored == {"public_key": first.public_key, "private_key": first.private_key}
    assert (tmp_path / "vapid.json").stat().st_mode & 0o777 == 0o600
    assert b64url_decode(first.public_key) == public_point_of(first.private_key)
    assert list(tmp_path.iterdir()) == [tmp_path / "vapid.json"]


def test_push_keys_prints_a_fresh_pair_as_environment_lines(settings):
    settings.VAPID_SUBJECT = "mailto:ops@comptoir.example"
    out = StringIO()

    call_command("push_keys", stdout=out)

    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert set(lines) == {"VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"}
    assert b64url_decode(lines["VAPID_PUBLIC_KEY"]) == public_point_of(lines["VAPID_PRIVATE_KEY"])
    assert lines["VAPID_SUBJECT"] == "mailto:ops@comptoir.example"
