"""Issue #5, guarantee 11: a worker killed mid-send loses no e-mail and sends none twice.

Everything runs in real processes on the test database: `manage.py db_worker`
(the worker `manage.py serve` starts), with a mailer that stops in the middle
of the send (tests/reliability/blocking_mail.py), so that SIGKILL lands while
the e-mail is on its way out. Then a new worker, and `manage.py outbox_sweep`.

- The outbox (`email_send_after_commit`): the killed worker's claim expires,
  the sweep queues the row again and marks the dead task failed, the new
  worker sends it: exactly one e-mail is delivered, with the row's
  Message-ID.
- The control, the direct `send_email_task` it replaced: django-tasks-db
  leaves the task RUNNING for ever, no worker ever takes it again, and the
  e-mail is lost.
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comptoir.core.tasks import enqueue_after_commit, send_email_task
from comptoir.domain.notifications.models import OutboundEmail
from comptoir.domain.notifications.outbox import email_send_after_commit, message_id
from tests.reliability.blocking_mail import MAIL_DIR_ENV, RELEASE, delivered, sending
from tests.servers import server_env

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
#: Short, so the test waits little for the dead worker's claim to expire.
LEASE_SECONDS = 2.0
TIMEOUT = 60.0
KEY = "order:41:accepted:customer"


@pytest.fixture
def mail_dir(settings, tmp_path):
    """Tasks queued in the database (for the worker) and the test's lease, in this process too."""
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_OUTBOX_LEASE_SECONDS = LEASE_SECONDS
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


def worker_env(folder: Path) -> dict[str, str]:
    # The production settings (tasks in the database), on the test database.
    return server_env(
        {
            "DJANGO_SETTINGS_MODULE": "comptoir.config.settings",
            "MAIL_BACKEND": "tests.reliability.blocking_mail.BlockingEmailBackend",
            MAIL_DIR_ENV: str(folder),
            "EMAIL_OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        }
    )


def manage(*args: str) -> list[str]:
    return [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]


WORKER = ("db_worker", "--no-reload", "--no-startup-delay", "--queue-name=*", "--interval=0.1")


@contextmanager
def worker(folder: Path, *extra: str) -> Iterator[subprocess.Popen[bytes]]:
    """A real `manage.py db_worker`; its output is added to a failing test's report."""
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            manage(*WORKER, *extra),
            cwd=settings.BASE_DIR,
            env=worker_env(folder),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        except BaseException as failure:
            output.seek(0)
            failure.add_note(f"--- worker output ---\n{output.read().decode(errors='replace')}")
            raise
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()


def kill_mid_send(folder: Path) -> None:
    """Start a worker, wait until it is inside the mailer, SIGKILL it."""
    with worker(folder) as process:
        deadline = time.monotonic() + TIMEOUT
        while not sending(folder):
            assert process.poll() is None, "the worker exited before sending"
            assert time.monotonic() < deadline, "the worker never started sending"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=TIMEOUT) == -signal.SIGKILL


def run_batch_worker(folder: Path) -> None:
    """A new worker that runs whatever is queued, then exits."""
    with worker(folder, "--batch") as process:
        assert process.wait(timeout=TIMEOUT) == 0


def test_a_worker_killed_mid_send_loses_no_email_and_sends_it_once(mail_dir):
    with transaction.atomic():
        email_send_after_commit(
            key=KEY, to="claire@example.fr", subject="Commande acceptée", body="Prête à 12 h."
        )
    row = OutboundEmail.objects.get()

    kill_mid_send(mail_dir)

    (mail_dir / RELEASE).touch()  # from now on the mailer delivers at once
    row.refresh_from_db()
    assert (row.status, row.attempts, delivered(mail_dir)) == ("pending", 1, [])
    dead_task = DBTaskResult.objects.get()
    assert dead_task.status == TaskResultStatus.RUNNING

    # A new worker alone finds nothing to run: the task is stuck RUNNING.
    run_batch_worker(mail_dir)
    assert delivered(mail_dir) == []

    # Once the dead worker's claim has expired, the sweep hands the row over again.
    assert row.claimed_until is not None
    while OutboundEmail.objects.filter(pk=row.pk, claimed_until__gte=timezone.now()).exists():
        time.sleep(0.1)
    sweep = subprocess.run(
        manage("outbox_sweep"),
        cwd=settings.BASE_DIR,
        env=worker_env(mail_dir),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    assert "queued again: 1; given up: 0; dead tasks: 1" in sweep.stdout, sweep.stdout
    run_batch_worker(mail_dir)
    # Sweeping again (another server process, a cron) sends nothing more.
    run_batch_worker(mail_dir)

    (message,) = delivered(mail_dir)
    parsed = email.message_from_bytes(message, policy=email.policy.default)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert parsed["Subject"] == "Commande acceptée"
    assert parsed["To"] == "claire@example.fr"
    assert parsed["Message-ID"] == message_id(row)
    dead_task.refresh_from_db()
    assert dead_task.status == TaskResultStatus.FAILED
    assert dead_task.exception_class_path.endswith("outbox.WorkerLost")


def test_without_the_outbox_a_worker_killed_mid_send_loses_the_email(mail_dir):
    with transaction.atomic():
        enqueue_after_commit(
            send_email_task, subject="Commande acceptée", body="Prête à 12 h.", to=["c@example.fr"]
        )

    kill_mid_send(mail_dir)

    (mail_dir / RELEASE).touch()
    time.sleep(LEASE_SECONDS + 0.2)
    subprocess.run(
        manage("outbox_sweep"),
        cwd=settings.BASE_DIR,
        env=worker_env(mail_dir),
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
    )
    run_batch_worker(mail_dir)

    assert delivered(mail_dir) == []
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    assert not OutboundEmail.objects.exists()
