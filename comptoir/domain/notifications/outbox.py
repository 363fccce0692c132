"""The e-mail outbox: each e-mail is a row written with the change it announces.

`email_send_after_commit(key=…, to=…, subject=…, body=…)` inserts an
`OutboundEmail` *in the caller's transaction* and queues
`send_outbound_email_task` once it commits. A rolled-back change leaves no
row and sends nothing; a committed one leaves a row that some worker will
send, even if the process dies before the task is queued, or the worker dies
while sending:

- The task receives only the row's id. It claims the row with a conditional
  UPDATE (pending, due, not claimed or claim expired): of two tasks for one
  row (queued twice, two workers), one sends, the other finds it taken.
- The claim is a lease of `EMAIL_OUTBOX_LEASE_SECONDS`. A worker killed
  mid-send leaves a lease that expires; `outbox_sweep` (every
  `DESK_SWEEP_SECONDS` in each server process, and `manage.py outbox_sweep`)
  then queues the row again, as it does for a row whose task never ran.
- A failed send records `last_error` and is tried again 1 min, 5 min, 30 min
  and 2 h later; after 5 attempts the row is `failed` and logged.

One window remains: the mail server accepted the e-mail and the worker died
before marking the row sent. The row is then sent again after its lease, with
the same Message-ID (derived from the row), which mail clients show once.

Rendered when sent: a row may carry, instead of its body, the name of a
registered renderer and its arguments (`RenderLater`). The row is still
written in the change's transaction (so the e-mail exists if, and only if,
the change does), but the templates, and images such as QR codes, are
rendered by the worker that sends it, from the committed rows: a checkout
holds SQLite's write lock for a third less time without its confirmation's
rendering (docs/benchmarks.md, "Checkout"). A renderer that fails is a failed
attempt like a mailer's, tried again later.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from enum import StrEnum

from django.conf import settings
from django.core.mail.utils import DNS_NAME
from django.db import IntegrityError
from django.db.models import F, Q
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comptoir.core.inserts import insert_unless_taken
from comptoir.core.tasks import build_email, enqueue_after_commit
from comptoir.domain.notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

#: Seconds to wait before attempts 2, 3, 4 and 5 of an e-mail that failed.
RETRY_DELAYS_SECONDS = (60, 300, 1800, 7200)
MAX_ATTEMPTS = len(RETRY_DELAYS_SECONDS) + 1
#: Sent and failed rows (address, subject) are deleted after this.
KEEP_FOR = timedelta(days=30)
#: Rows handed to the queue by one sweep, at most.
SWEEP_BATCH = 500
KEY_MAX_LENGTH = OutboundEmail._meta.get_field("key").max_length or 200
ERROR_MAX_LENGTH = 2000

Status = OutboundEmail.Status


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # sent, failed, not due, or claimed by another worker
    RETRY = "retry"  # the mailer failed: tried again later
    FAILED = "failed"  # the mailer failed on the last attempt: given up


class WorkerLost(Exception):
    """Recorded on a django-tasks-db task whose worker died while it ran (see `outbox_sweep`)."""


@dataclass(frozen=True)
class SweepReport:
    queued: int = 0  # rows handed to the queue again
    given_up: int = 0  # rows whose last attempt died with its worker
    tasks_failed: int = 0  # django-tasks-db tasks left RUNNING by a dead worker
    purged: int = 0  # old sent or failed rows deleted


@dataclass(frozen=True)
class Rendered:
    """An e-mail's content: plain text, an HTML alternative, inline images (Content-ID → PNG)."""

    body: str
    html: str = ""
    inline_images: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderLater:
    """Render the content when sending: `renderer` (a registered name) called with `args`.

    `args` are JSON values (ids, a language code), read again by the worker.
    """

    renderer: str
    args: Mapping[str, object]


Renderer = Callable[..., Rendered]
_RENDERERS: dict[str, Renderer] = {}


def email_renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Register the decorated function as the renderer `name` (`RenderLater(name, …)`).

    Register at import time of a module that the app's `ready()` imports, so
    that every worker process knows it.
    """

    def register(function: Renderer) -> Renderer:
        if _RENDERERS.get(name, function) is not function:
            raise ValueError(f"Two e-mail renderers are named {name!r}.")
        _RENDERERS[name] = function
        return function

    return register


def _content(email: OutboundEmail) -> Rendered:
    """What the row says to send: its own content, or its renderer's."""
    if not email.render:
        return Rendered(email.body, email.html, email.inline_images)
    name = email.render.get("renderer", "")
    if name not in _RENDERERS:
        raise LookupError(f"No e-mail renderer is named {name!r}.")
    return _RENDERERS[name](**email.render.get("args", {}))


def lease() -> timedelta:
    return timedelta(seconds=settings.EMAIL_OUTBOX_LEASE_SECONDS)


def email_send_after_commit(
    *,
    key: str,
    to: str,
    subject: str,
    body: str = "",
    html: str = "",
    inline_images: dict[str, str] | None = None,
    from_email: str = "",
    headers: dict[str, str] | None = None,
    render: RenderLater | None = None,
) -> OutboundEmail:
    """Record one e-mail in the current transaction; it is sent once that commits.

    `key` names the change and the reader (`order:12:accepted:customer`): a
    second call with a known key records and sends nothing more, and returns
    the first row. Call it inside the transaction that makes the change, so
    that the e-mail exists if, and only if, the change does. `headers` are
    added to the message (`List-Unsubscribe`…); the outbox sets Message-ID.
    The content is `body` (+ `html`, `inline_images`), or, with `render`,
    rendered by the worker when it sends.
    """
    if not 0 < len(key) <= KEY_MAX_LENGTH:
        raise ValueError(f"An e-mail key has 1 to {KEY_MAX_LENGTH} characters: {key!r}.")
    if not to:
        raise ValueError("An e-mail needs a recipient.")
    if (render is None) == (not body):
        raise ValueError("An e-mail has a body or a renderer, not both and not neither.")
    if render is not None and render.renderer not in _RENDERERS:
        raise ValueError(f"No e-mail renderer is named {render.renderer!r}.")
    now = timezone.now()
    email = OutboundEmail(
        key=key,
        to=to,
        from_email=from_email,
        subject=subject,
        body=body,
        html=html,
        inline_images=inline_images or {},
        headers=headers or {},
        render={"renderer": render.renderer, "args": dict(render.args)} if render else {},
        created_at=now,
        available_at=now,
        enqueued_at=now,
    )
    # One statement, no savepoint: a known key inserts nothing and does not
    # break the caller's transaction.
    if not insert_unless_taken(email, key=["key"]):
        existing = OutboundEmail.objects.filter(key=key).first()
        if existing is None:  # pragma: no cover - a taken key is a committed row
            raise IntegrityError(f"e-mail key {key!r} taken, but no e-mail has it")
        return existing
    enqueue_after_commit(send_outbound_email_task, email_id=email.pk)
    return email


@task
def send_outbound_email_task(*, email_id: int) -> str:
    """Send one e-mail of the outbox, unless another worker has it or it is done."""
    return str(email_deliver(email_id=email_id))


def message_id(email: OutboundEmail) -> str:
    """A Message-ID of this row, the same at every attempt (so a resend shows once)."""
    digest = hashlib.sha256(email.key.encode()).hexdigest()[:16]
    sender = email.from_email or settings.DEFAULT_FROM_EMAIL
    domain = parseaddr(sender)[1].rpartition("@")[2] or DNS_NAME
    return f"<{email.created_at:%Y%m%d%H%M%S}.{email.pk}.{digest}@{domain}>"


def _claim(*, email_id: int, now: datetime) -> bool:
    """Take the row for one lease, if it is pending, due and nobody holds it.

    One conditional UPDATE: of two workers racing for a row, the database
    lets one through. The attempt is counted here, so a row that kills its
    worker every time still runs out of attempts.
    """
    claimed = OutboundEmail.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk=email_id,
        status=Status.PENDING,
        available_at__lte=now,
        attempts__lt=MAX_ATTEMPTS,
    ).update(claimed_until=now + lease(), attempts=F("attempts") + 1)
    return claimed == 1


def email_deliver(*, email_id: int) -> Outcome:
    """Claim, send, mark sent (or record the failure). Never inside a transaction."""
    now = timezone.now()
    if not _claim(email_id=email_id, now=now):
        return Outcome.SKIPPED
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        content = _content(email)
        build_email(
            subject=email.subject,
            body=content.body,
            to=[email.to],
            html=content.html,
            from_email=email.from_email,
            inline_images=content.inline_images,
            headers={**email.headers, "Message-ID": message_id(email)},
        ).send()
    except Exception as error:  # any renderer or mailer failure: retried later, then given up
        return _record_failure(email, error)
    # The content goes: log-in links and addresses in bodies are not kept.
    OutboundEmail.objects.filter(pk=email.pk, status=Status.PENDING).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        claimed_until=None,
        last_error="",
        body="",
        html="",
        inline_images={},
        headers={},
    )
    return Outcome.SENT


def _record_failure(email: OutboundEmail, error: Exception) -> Outcome:
    text = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
    rows = OutboundEmail.objects.filter(pk=email.pk, status=Status.PENDING)
    if email.attempts >= MAX_ATTEMPTS:
        rows.update(status=Status.FAILED, claimed_until=None, last_error=text)
        logger.error(
            "e-mail %s (%s) not sent after %d attempts: %s",
            email.pk,
            email.key,
            email.attempts,
            text,
        )
        return Outcome.FAILED
    retry_at = timezone.now() + timedelta(seconds=RETRY_DELAYS_SECONDS[email.attempts - 1])
    deferred = send_outbound_email_task.get_backend().supports_defer
    rows.update(
        available_at=retry_at,
        enqueued_at=retry_at if deferred else None,
        claimed_until=None,
        last_error=text,
    )
    if deferred:
        send_outbound_email_task.using(run_after=retry_at).enqueue(email_id=email.pk)
    logger.warning(
        "e-mail %s (%s) failed (attempt %d), trying again at %s: %s",
        email.pk,
        email.key,
        email.attempts,
        retry_at.isoformat(),
        text,
    )
    return Outcome.RETRY


def outbox_sweep(*, now: datetime | None = None) -> SweepReport:
    """Hand forgotten e-mails to the queue again; tidy what dead workers left.

    - A pending row that is due, not held by a live lease, and whose task
      should have run more than one lease ago (or was never queued) is queued
      again: its task was lost (process killed before queueing it, worker
      killed mid-send) or the queue is that far behind (then the extra task
      finds the row taken, and does nothing).
    - A pending row whose last attempt died with its worker is given up.
    - A django-tasks-db task of this outbox still RUNNING one lease after it
      started lost its worker (its claim has expired: the row is someone
      else's now). It is marked FAILED, so it stops showing as running and
      `prune_db_task_results` can delete it. Other tasks are left alone: we do
      not know how long they may run.
    - Sent and failed rows older than `KEEP_FOR` are deleted.

    Idempotent, and safe in several processes at once: each row is handed
    over by a conditional UPDATE of its `enqueued_at`.
    """
    now = now or timezone.now()
    held = Q(claimed_until__gte=now)
    pending = OutboundEmail.objects.filter(status=Status.PENDING).exclude(held)

    given_up = 0
    for email in pending.filter(attempts__gte=MAX_ATTEMPTS):
        given_up += pending.filter(pk=email.pk, attempts__gte=MAX_ATTEMPTS).update(
            status=Status.FAILED,
            claimed_until=None,
            last_error="The worker stopped while sending the last attempt.",
        )
        logger.error(
            "e-mail %s (%s) not sent after %d attempts: its worker died",
            email.pk,
            email.key,
            email.attempts,
        )

    stale = now - lease()
    due = pending.filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=stale),
        available_at__lte=now,
        attempts__lt=MAX_ATTEMPTS,
    )
    queued = 0
    for email_id, enqueued_at in due.order_by("available_at").values_list("pk", "enqueued_at")[
        :SWEEP_BATCH
    ]:
        # Another process sweeping at the same moment hands it over, or we do.
        if OutboundEmail.objects.filter(pk=email_id, enqueued_at=enqueued_at).update(
            enqueued_at=now
        ):
            enqueue_after_commit(send_outbound_email_task, email_id=email_id)
            queued += 1

    tasks_failed = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING,
        task_path=send_outbound_email_task.module_path,
        started_at__lt=stale,
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback="The worker stopped while running this task; the e-mail outbox took it back.",
    )

    purged, _by_model = OutboundEmail.objects.filter(
        status__in=[Status.SENT, Status.FAILED], created_at__lt=now - KEEP_FOR
    ).delete()
    if queued or given_up or tasks_failed:
        logger.info(
            "outbox sweep: %d queued again, %d given up, %d dead tasks",
            queued,
            given_up,
            tasks_failed,
        )
    return SweepReport(queued=queued, given_up=given_up, tasks_failed=tasks_failed, purged=purged)


def email_retry_failed(*, email_ids: list[int], now: datetime | None = None) -> int:
    """Give failed e-mails a new round of attempts (the operator's "retry"); return how many.

    Each row goes back to pending, with its attempts reset, through a
    conditional UPDATE (only rows still failed), and its task is queued once
    this commits: the same sending path as any e-mail of the outbox.
    """
    now = now or timezone.now()
    retried = 0
    for email_id in sorted(set(email_ids)):
        if OutboundEmail.objects.filter(pk=email_id, status=Status.FAILED).update(
            status=Status.PENDING,
            attempts=0,
            available_at=now,
            enqueued_at=now,
            claimed_until=None,
        ):
            enqueue_after_commit(send_outbound_email_task, email_id=email_id)
            retried += 1
    if retried:
        logger.info("outbox: %d failed e-mails handed back to the queue", retried)
    return retried
