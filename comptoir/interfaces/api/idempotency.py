"""`Idempotency-Key`: a retried POST gets the first answer again, and runs once.

The contract (as Stripe's and the IETF draft's):

- same key, same request body → the first answer, status and body byte for
  byte, with `Idempotent-Replayed: true`; the operation ran once;
- same key, another body → 422 `idempotency_key_reused`;
- a second request while the first still runs → 409
  `idempotency_request_in_progress` with `Retry-After: 1`;
- keys are per user and forgotten after 24 hours (`KEY_LIFETIME`).

Answers to refusals (4xx domain errors) are kept and replayed like successes;
a crash or a 5xx forgets the key so that a retry runs the operation again. A
request whose process died while running leaves its row "running": after
`LEASE` another retry takes it over. The checkout under the key is itself
idempotent (its token is derived from the key), so a retry after such a crash
finds the order already placed rather than placing it twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError
from comptoir.domain.accounts.models import User
from comptoir.interfaces.api.models import IdempotentRequest
from comptoir.interfaces.api.problems import problem_for

HEADER = "Idempotency-Key"
KEY_LIFETIME = timedelta(hours=24)
LEASE = timedelta(seconds=60)
MAX_KEY_LENGTH = 255


class IdempotencyKeyMissing(DomainError):
    code = "idempotency_key_missing"
    default_message = _(
        "This request needs an Idempotency-Key header: a unique value per attempt "
        "(a UUID), sent again unchanged when the request is retried."
    )


class IdempotencyKeyInvalid(DomainError):
    code = "idempotency_key_invalid"
    default_message = _("The Idempotency-Key header must be 1 to 255 visible ASCII characters.")


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    default_message = _(
        "This Idempotency-Key was already used for another request. "
        "Use a new key for a new request."
    )


class IdempotentRequestInProgress(DomainError):
    code = "idempotency_request_in_progress"
    default_message = _(
        "A request with this Idempotency-Key is still running. Try again in a moment."
    )


def request_key(request: HttpRequest) -> str:
    """The request's key, checked (missing or malformed keys are refused)."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        raise IdempotencyKeyMissing
    if len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise IdempotencyKeyInvalid
    return key


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotentRequest) -> HttpResponse:
    content_type = "application/json" if record.status and record.status < 400 else None
    response = HttpResponse(
        record.body,
        status=record.status or 200,
        content_type=content_type or "application/problem+json",
    )
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(
    *, user: User, key: str, fingerprint: str, now: datetime
) -> IdempotentRequest | HttpResponse:
    """Our row for this key, now "running" and ours; or the answer to replay; or a refusal."""
    with transaction.atomic():
        record = IdempotentRequest.objects.select_for_update().filter(user=user, key=key).first()
        if record is not None and record.created_at <= now - KEY_LIFETIME:
            record.delete()
            record = None
        if record is None:
            try:
                with transaction.atomic():
                    return IdempotentRequest.objects.create(
                        user=user,
                        key=key,
                        fingerprint=fingerprint,
                        state=IdempotentRequest.State.RUNNING,
                        lease_until=now + LEASE,
                        created_at=now,
                    )
            except IntegrityError:
                # A concurrent request with this key inserted it first.
                raise IdempotentRequestInProgress from None
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused
        if record.state == IdempotentRequest.State.DONE:
            return _replay(record)
        if record.lease_until > now:
            raise IdempotentRequestInProgress
        # The request that held it died: this retry runs the operation again.
        record.lease_until = now + LEASE
        record.save(update_fields=["lease_until"])
        return record


def idempotent(
    request: HttpRequest, *, user: User, run: Callable[[str], HttpResponse]
) -> HttpResponse:
    """Run `run(token)` once per (user, Idempotency-Key) and replay its answer to retries.

    `token` identifies this use of the key (user, key and when it was first
    seen: a key reused after 24 hours is a new use) for the operation's own
    idempotency, e.g. the checkout token. `run` returns the response; a
    `DomainError` it raises becomes the stored problem answer.
    """
    key = request_key(request)
    claimed = _claim(user=user, key=key, fingerprint=_fingerprint(request), now=timezone.now())
    if isinstance(claimed, HttpResponse):
        return claimed
    try:
        try:
            response = run(_use_token(claimed))
        except DomainError as error:
            response = problem_for(error)
    except BaseException:
        IdempotentRequest.objects.filter(pk=claimed.pk).delete()
        raise
    if response.status_code >= 500:
        IdempotentRequest.objects.filter(pk=claimed.pk).delete()
        return response
    IdempotentRequest.objects.filter(pk=claimed.pk).update(
        state=IdempotentRequest.State.DONE,
        status=response.status_code,
        body=response.content.decode(),
    )
    return response


def _use_token(record: IdempotentRequest) -> str:
    seed = f"{record.user_id}:{record.created_at.isoformat()}:{record.key}"
    return hashlib.sha256(seed.encode()).hexdigest()


def idempotency_purge(*, now: datetime) -> int:
    """Forget keys older than `KEY_LIFETIME`; return how many."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lte=now - KEY_LIFETIME).delete()
    return deleted
