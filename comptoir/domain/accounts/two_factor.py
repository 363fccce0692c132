"""Optional second factor for the operator and shop owners: TOTP (RFC 6238) + recovery codes.

No dependency: HMAC-SHA1 over the 30-second step, 6 digits, as every
authenticator app expects. A code is accepted one step early or late (clock
drift), and never twice (`TwoFactor.last_step`, claimed by a conditional
UPDATE). Recovery codes are single-use and stored as SHA-256 hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from datetime import datetime
from urllib.parse import quote, urlencode

from django.db import transaction

from comptoir.domain.accounts.errors import TwoFactorCodeInvalid, TwoFactorNotAllowed
from comptoir.domain.accounts.models import RecoveryCode, TwoFactor, User

STEP_SECONDS = 30
DIGITS = 6
RECOVERY_CODES = 10
ISSUER = "Comptoir"


def totp_code(secret: str, *, step: int) -> str:
    """The RFC 6238 code of base32 `secret` for time step `step` (RFC 4226 truncation)."""
    key = base64.b32decode(secret)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def time_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def two_factor_allowed(user: User) -> bool:
    """The operator (`is_staff`) and shop owners may turn it on."""
    from comptoir.domain.shops.models import Membership, Role

    return user.is_staff or Membership.objects.filter(user=user, role=Role.OWNER).exists()


def two_factor_enabled(user: User) -> bool:
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


def provisioning_uri(*, user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    label = quote(f"{ISSUER}:{user.email}")
    query = urlencode(
        {"secret": secret, "issuer": ISSUER, "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


def two_factor_start(*, user: User) -> TwoFactor:
    """Give `user` a new, unconfirmed secret (replacing an unconfirmed one)."""
    if not two_factor_allowed(user):
        raise TwoFactorNotAllowed
    secret = base64.b32encode(secrets.token_bytes(20)).decode()
    with transaction.atomic():
        two_factor, _ = TwoFactor.objects.select_for_update().get_or_create(
            user=user, defaults={"secret": secret}
        )
        if two_factor.confirmed_at is None:
            two_factor.secret, two_factor.last_step = secret, -1
            two_factor.save(update_fields=["secret", "last_step"])
    return two_factor


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


def _claim_totp(two_factor: TwoFactor, *, code: str, now: datetime) -> bool:
    """Accept `code` for this step or a neighbour, once: the conditional UPDATE claims it."""
    code = code.strip().replace(" ", "")
    current = time_step(now)
    for step in (current, current - 1, current + 1):
        # Bytes: `isdigit()` lets through non-ASCII digits, which compare_digest refuses as str.
        if hmac.compare_digest(totp_code(two_factor.secret, step=step).encode(), code.encode()):
            claimed = TwoFactor.objects.filter(pk=two_factor.pk, last_step__lt=step).update(
                last_step=step
            )
            return claimed == 1
    return False


def two_factor_confirm(*, user: User, code: str, now: datetime) -> list[str]:
    """Turn the second factor on with a first code; return new recovery codes (shown once)."""
    two_factor = TwoFactor.objects.filter(user=user, confirmed_at__isnull=True).first()
    if two_factor is None or not _claim_totp(two_factor, code=code, now=now):
        raise TwoFactorCodeInvalid
    codes = [
        "-".join(secrets.token_hex(5)[i : i + 5] for i in (0, 5)) for _ in range(RECOVERY_CODES)
    ]
    with transaction.atomic():
        TwoFactor.objects.filter(pk=two_factor.pk).update(confirmed_at=now)
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=_hash(recovery)) for recovery in codes
        )
    return codes


def two_factor_verify(*, user: User, code: str, now: datetime) -> None:
    """Accept a current one-time code or an unused recovery code (used up), else refuse."""
    two_factor = TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).first()
    if two_factor is None:
        raise TwoFactorCodeInvalid
    compact = code.strip().replace(" ", "")
    # Six digits are a one-time code. A recovery code has ten characters, and
    # may be all digits (hex digits drawn at random): it is looked up below.
    if len(compact) == DIGITS and compact.isdigit():
        if _claim_totp(two_factor, code=code, now=now):
            return
        raise TwoFactorCodeInvalid
    used = RecoveryCode.objects.filter(
        user=user, code_hash=_hash(code), used_at__isnull=True
    ).update(used_at=now)
    if used != 1:
        raise TwoFactorCodeInvalid
