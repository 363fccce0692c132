"""The e-mail outbox: recorded with the change, sent once after the commit, retried, swept."""

from __future__ import annotations

import base64
import logging
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comptoir.core.tasks import EmailWithInlineImages, send_email_task
from comptoir.domain.notifications import outbox
from comptoir.domain.notifications.models import OutboundEmail
from comptoir.domain.notifications.outbox import (
    MAX_ATTEMPTS,
    Outcome,
    SweepReport,
    email_deliver,
    email_send_after_commit,
    message_id,
    outbox_sweep,
    send_outbound_email_task,
)
from comptoir.domain.orders.notifications import notify_cancelled, pickup_qr_png
from tests.sales_orders import make_order

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
KEY = "order:12:accepted:customer"


class Rollback(Exception):
    pass


def record(**fields) -> OutboundEmail:
    """A row as the service writes it, without queueing its task."""
    now = timezone.now()
    defaults = {
        "key": KEY,
        "to": "claire@example.fr",
        "subject": "Commande acceptée",
        "body": "Prête à 12 h.",
        "created_at": now,
        "available_at": now,
        "enqueued_at": now,
    }
    return OutboundEmail.objects.create(**(defaults | fields))


def lease() -> timedelta:
    return outbox.lease()


def test_it_records_the_email_in_the_transaction_and_sends_it_after_the_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        email_send_after_commit(
            key=KEY,
            to="claire@example.fr",
            subject="Commande acceptée",
            body="Prête à 12 h.",
            html="<p>Prête à 12 h.</p>",
        )
        assert OutboundEmail.objects.get().status == "pending"
        assert mail.outbox == []

    assert len(callbacks) == 1
    [message] = mail.outbox
    assert isinstance(message, EmailWithInlineImages)
    row = OutboundEmail.objects.get()
    assert (message.subject, message.body, message.to) == (
        "Commande acceptée",
        "Prête à 12 h.",
        ["claire@example.fr"],
    )
    assert message.from_email == "Comptoir <bonjour@comptoir.local>"
    assert message.alternatives == [("<p>Prête à 12 h.</p>", "text/html")]
    assert message.message()["Message-ID"] == message_id(row)
    assert (row.status, row.attempts, row.claimed_until, row.last_error) == ("sent", 1, None, "")
    assert row.sent_at is not None


def test_it_forgets_the_content_once_sent_but_keeps_who_and_what(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        email_send_after_commit(
            key="login-link:5",
            to="claire@example.fr",
            subject="Your Comptoir log-in link",
            body="https://comptoir.example/login/secret-token/",
            html="<a href='https://comptoir.example/login/secret-token/'>log in</a>",
            inline_images={"qr": pickup_qr_png("AB12CD")},
        )

    row = OutboundEmail.objects.get()
    assert (row.key, row.to, row.subject) == (
        "login-link:5",
        "claire@example.fr",
        "Your Comptoir log-in link",
    )
    assert (row.body, row.html, row.inline_images) == ("", "", {})


def test_it_records_and_sends_nothing_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    def change_then_fail() -> None:
        with transaction.atomic():
            email_send_after_commit(key=KEY, to="claire@example.fr", subject="S", body="B")
            raise Rollback

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Rollback):
        change_then_fail()

    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_one_change_announced_twice_is_recorded_and_sent_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = email_send_after_commit(key=KEY, to="claire@example.fr", subject="S", body="B")
        # In the same transaction: the caller's transaction survives the known key.
        again = email_send_after_commit(key=KEY, to="claire@example.fr", subject="S2", body="B2")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        later = email_send_after_commit(key=KEY, to="claire@example.fr", subject="S3", body="B3")

    assert first.pk == again.pk == later.pk
    assert callbacks == []
    assert OutboundEmail.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["S"]


def test_a_task_run_twice_sends_once(django_capture_on_commit_callbacks):
    row = record()

    assert email_deliver(email_id=row.pk) is Outcome.SENT
    assert send_outbound_email_task.call(email_id=row.pk) == "skipped"

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)


def test_it_refuses_an_empty_or_overlong_key_and_a_missing_recipient():
    with pytest.raises(ValueError, match="key"):
        email_send_after_commit(key="", to="a@b.fr", subject="S", body="B")
    with pytest.raises(ValueError, match="key"):
        email_send_after_commit(key="k" * 201, to="a@b.fr", subject="S", body="B")
    with pytest.raises(ValueError, match="recipient"):
        email_send_after_commit(key=KEY, to="", subject="S", body="B")

    assert not OutboundEmail.objects.exists()


def test_the_qr_codes_travel_as_inline_images_of_the_html():
    png = pickup_qr_png("AB12CD")
    row = record(html='<img src="cid:qr-1">', inline_images={"qr-1": png})

    email_deliver(email_id=row.pk)

    [message] = mail.outbox
    assert isinstance(message, EmailWithInlineImages)
    parts = {part.get_content_type(): part for part in message.message().walk()}
    assert "multipart/related" in parts
    assert parts["image/png"]["Content-ID"] == "<qr-1>"
    assert parts["image/png"].get_content() == base64.b64decode(png)


def test_the_message_id_comes_from_the_row_and_the_senders_domain():
    row = record()

    assert message_id(row) == message_id(OutboundEmail.objects.get(pk=row.pk))
    assert message_id(row).startswith(f"<{row.created_at:%Y%m%d%H%M%S}.{row.pk}.")
    assert message_id(row).endswith("@comptoir.local>")
    assert message_id(row) != message_id(record(key="order:12:ready:customer"))


def failing_mailer(monkeypatch) -> None:
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailWithInlineImages, "send", refuse)


def test_a_failed_send_records_the_error_and_backs_off(monkeypatch):
    failing_mailer(monkeypatch)
    row = record()
    before = timezone.now()

    assert email_deliver(email_id=row.pk) is Outcome.RETRY

    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_until) == ("pending", 1, None)
    assert row.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert before + timedelta(seconds=60) <= row.available_at
    assert row.available_at <= timezone.now() + timedelta(seconds=60)
    # The immediate backend cannot defer a task: the sweep queues it when due.
    assert row.enqueued_at is None
    # Not due yet: a task run now does nothing.
    assert email_deliver(email_id=row.pk) is Outcome.SKIPPED
    assert outbox_sweep() == SweepReport()
    assert row.attempts == OutboundEmail.objects.get(pk=row.pk).attempts


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_retry_is_queued_for_when_it_is_due(monkeypatch, settings):
    settings.TASKS = DATABASE_TASKS
    failing_mailer(monkeypatch)
    row = record()

    email_deliver(email_id=row.pk)

    row.refresh_from_db()
    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY
    assert queued.run_after == row.available_at == row.enqueued_at
    assert queued.args_kwargs["kwargs"] == {"email_id": row.pk}


def test_it_gives_up_after_the_last_attempt_and_logs_it(monkeypatch, caplog):
    failing_mailer(monkeypatch)
    row = record()

    outcomes = []
    for _ in range(MAX_ATTEMPTS + 1):
        OutboundEmail.objects.filter(pk=row.pk).update(available_at=timezone.now())
        outcomes.append(email_deliver(email_id=row.pk))

    assert outcomes == [Outcome.RETRY] * (MAX_ATTEMPTS - 1) + [Outcome.FAILED, Outcome.SKIPPED]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert row.body == "Prête à 12 h."  # kept for whoever looks into it
    [given_up] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert given_up.getMessage() == (
        f"e-mail {row.pk} ({KEY}) not sent after 5 attempts: "
        "SMTPServerDisconnected: Connection unexpectedly closed"
    )


def test_the_sweep_queues_a_row_whose_task_was_lost_and_leaves_a_fresh_one(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    lost = record(key="lost", enqueued_at=now - lease() - timedelta(seconds=1))
    fresh = record(key="fresh", enqueued_at=now)
    never = record(key="never-queued", enqueued_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep() == SweepReport(queued=2)

    assert sorted(m.subject for m in mail.outbox) == ["Commande acceptée"] * 2
    statuses = dict(OutboundEmail.objects.values_list("key", "status"))
    assert statuses == {"lost": "sent", "fresh": "pending", "never-queued": "sent"}
    assert {lost.pk, never.pk, fresh.pk} == set(OutboundEmail.objects.values_list("pk", flat=True))


def test_the_sweep_leaves_a_row_that_a_live_worker_holds():
    now = timezone.now()
    row = record(
        enqueued_at=now - 2 * lease(), attempts=1, claimed_until=now + timedelta(seconds=1)
    )

    assert outbox_sweep(now=now) == SweepReport()
    assert OutboundEmail.objects.get(pk=row.pk).status == "pending"
    assert mail.outbox == []


def test_the_sweep_takes_back_a_row_whose_worker_died_mid_send(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    row = record(
        enqueued_at=now - 2 * lease(), attempts=1, claimed_until=now - timedelta(seconds=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep() == SweepReport(queued=1)

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_the_sweep_gives_up_a_row_whose_last_attempt_died_with_its_worker(caplog):
    now = timezone.now()
    row = record(
        enqueued_at=now - 2 * lease(),
        attempts=MAX_ATTEMPTS,
        claimed_until=now - timedelta(seconds=1),
    )

    assert outbox_sweep(now=now) == SweepReport(given_up=1)

    row.refresh_from_db()
    assert (row.status, row.claimed_until) == ("failed", None)
    assert row.last_error == "The worker stopped while sending the last attempt."
    assert mail.outbox == []
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        f"e-mail {row.pk} ({KEY}) not sent after 5 attempts: its worker died"
    ]


@pytest.mark.django_db(transaction=True)
def test_the_sweep_fails_outbox_tasks_left_running_by_a_dead_worker_and_only_those(settings):
    settings.TASKS = DATABASE_TASKS
    now = timezone.now()
    dead = send_outbound_email_task.enqueue(email_id=1).id
    running = send_outbound_email_task.enqueue(email_id=2).id
    other = send_email_task.enqueue(subject="S", body="B", to=["a@b.fr"]).id
    DBTaskResult.objects.update(
        status=TaskResultStatus.RUNNING, started_at=now - lease() - timedelta(seconds=1)
    )
    DBTaskResult.objects.filter(pk=running).update(started_at=now)

    assert outbox_sweep(now=now) == SweepReport(tasks_failed=1)

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert {str(k): v for k, v in statuses.items()} == {
        dead: "FAILED",
        running: "RUNNING",
        other: "RUNNING",
    }
    result = send_outbound_email_task.get_result(dead)
    assert [e.exception_class_path for e in result.errors] == [
        "comptoir.domain.notifications.outbox.WorkerLost"
    ]


def test_the_sweep_deletes_sent_and_failed_rows_after_thirty_days_but_no_pending_one():
    old = timezone.now() - timedelta(days=30, seconds=1)
    record(key="sent", status="sent", sent_at=old, created_at=old)
    record(key="failed", status="failed", attempts=5, created_at=old)
    record(key="pending", created_at=old, attempts=1, claimed_until=timezone.now() + lease())
    record(key="recent", status="sent", sent_at=timezone.now())

    assert outbox_sweep() == SweepReport(purged=2)
    assert set(OutboundEmail.objects.values_list("key", flat=True)) == {"pending", "recent"}


def test_a_worker_killed_after_the_mail_server_accepted_resends_the_same_message_id(
    monkeypatch, django_capture_on_commit_callbacks
):
    """The one window left: the e-mail left, the row was not marked. Same Message-ID again."""
    real_send = EmailWithInlineImages.send

    def send_then_die(self, *args, **kwargs):
        real_send(self, *args, **kwargs)
        raise SystemExit  # SIGKILL, as far as the row can tell

    monkeypatch.setattr(EmailWithInlineImages, "send", send_then_die)
    row = record()
    with pytest.raises(SystemExit):
        email_deliver(email_id=row.pk)
    monkeypatch.setattr(EmailWithInlineImages, "send", real_send)
    # One lease later.
    OutboundEmail.objects.filter(pk=row.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1),
        enqueued_at=timezone.now() - lease() - timedelta(seconds=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep() == SweepReport(queued=1)

    first, second = mail.outbox
    assert first.message()["Message-ID"] == second.message()["Message-ID"] == message_id(row)
    assert OutboundEmail.objects.get(pk=row.pk).status == "sent"


def test_the_servers_periodic_sweep_sweeps_the_outbox_even_when_the_desk_sweep_fails(
    monkeypatch, django_capture_on_commit_callbacks
):
    from comptoir.config import asgi
    from comptoir.domain.orders import escalation

    def broken_desk_sweep():
        raise RuntimeError("desk sweep broke")

    monkeypatch.setattr(escalation, "desk_sweep", broken_desk_sweep)
    record(enqueued_at=None)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="desk sweep broke"),
    ):
        asgi.run_desk_sweep()

    assert OutboundEmail.objects.get().status == "sent"
    assert len(mail.outbox) == 1


def test_the_command_sweeps_and_says_what_it_did(capsys, django_capture_on_commit_callbacks):
    record(enqueued_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("outbox_sweep")

    assert capsys.readouterr().out == "queued again: 1; given up: 0; dead tasks: 0; purged: 0\n"
    assert OutboundEmail.objects.get().status == "sent"


def test_an_order_change_told_twice_reaches_the_customer_once(
    shop, django_capture_on_commit_callbacks
):
    order = make_order(shop, placed_at=timezone.now(), state="cancelled")

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_cancelled(order=order)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_cancelled(order=order)

    assert list(OutboundEmail.objects.values_list("key", "to", "status")) == [
        (f"order:{order.pk}:cancelled:customer", "camille@example.fr", "sent")
    ]
    assert len(mail.outbox) == 1
