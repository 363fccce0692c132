"""Background tasks: e-mail goes out only once the transaction that asked for it commits."""

from __future__ import annotations

import email.policy
import random
import signal

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command, get_commands
from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from comptoir.core.management.commands.db_worker import Worker
from comptoir.core.qr import qr_png_base64
from comptoir.core.tasks import (
    EmailWithInlineImages,
    RememberedHeaders,
    build_email,
    enqueue_after_commit,
    send_email_task,
)

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class Rollback(Exception):
    pass


def test_it_sends_nothing_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    def order_then_fail() -> None:
        with transaction.atomic():
            enqueue_after_commit(
                send_email_task, subject="Commande prête", body="À tout de suite", to=["a@b.fr"]
            )
            raise Rollback

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Rollback):
        order_then_fail()

    assert callbacks == []
    assert mail.outbox == []


def test_it_sends_the_mail_once_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        enqueue_after_commit(
            send_email_task,
            subject="Commande prête",
            body="Votre commande vous attend.",
            to=["claire@example.fr"],
            html="<p>Votre commande vous attend.</p>",
        )
        assert mail.outbox == []

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    assert message.subject == "Commande prête"
    assert message.body == "Votre commande vous attend."
    assert message.to == ["claire@example.fr"]
    assert message.from_email == "Comptoir <bonjour@comptoir.local>"
    assert message.alternatives == [("<p>Votre commande vous attend.</p>", "text/html")]


def test_it_sends_plain_text_only_when_no_html_is_given():
    send_email_task.call(subject="Bonjour", body="Texte seul", to=["a@b.fr"])

    assert len(mail.outbox) == 1
    assert isinstance(mail.outbox[0], EmailMultiAlternatives)
    assert mail.outbox[0].alternatives == []


# Real commits: the worker closes connections found inside a transaction.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_it_runs_queued_mail_through_the_database_worker():
    with transaction.atomic():
        enqueue_after_commit(
            send_email_task, subject="Nouvelle commande", body="n° 42", to=["boutique@example.fr"]
        )
        assert not DBTaskResult.objects.exists()
    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY
    assert mail.outbox == []

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    result = queued.task_result
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Nouvelle commande", ["boutique@example.fr"])
    ]


def make_worker() -> Worker:
    return Worker(
        queue_names=["default"],
        interval=0.01,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def test_manage_py_db_worker_is_comptoirs_which_stops_between_transactions():
    assert get_commands()["db_worker"] == "comptoir.core"


# Real commits: the claim's transaction must commit for the task to run.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_stop_signal_inside_the_claim_lets_it_commit_then_runs_the_task_and_stops():
    """django-tasks-db's own worker leaves from inside the claim's transaction (sys.exit):

    on PostgreSQL in the middle of its COMMIT, which kills the worker with
    status 1 and can leave a claimed task never run. Here the signal is
    delivered (its handler called) on the claim's first statement.
    """
    with transaction.atomic():
        enqueue_after_commit(send_email_task, subject="Commande", body="n° 7", to=["a@b.fr"])
    queued = DBTaskResult.objects.get()
    worker = make_worker()
    signalled: list[str] = []

    def stop_inside_the_claim(execute, sql, params, many, context):
        if not signalled and connection.in_atomic_block:
            signalled.append(sql)
            worker.shutdown(signal.SIGTERM, None)  # what the signal handler runs
        return execute(sql, params, many, context)

    with connection.execute_wrapper(stop_inside_the_claim):
        worker.run()  # returns: no SystemExit inside the transaction

    assert signalled
    result = queued.task_result
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert [m.subject for m in mail.outbox] == ["Commande"]


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_a_stop_signal_outside_a_transaction_still_leaves_at_once():
    worker = make_worker()

    with pytest.raises(SystemExit) as leaving:
        worker.shutdown(signal.SIGTERM, None)

    assert leaving.value.code == 0
    assert worker.running is False


# --- The MIME headers every e-mail repeats, parsed once per process --------------------


def confirmation(n: int) -> EmailWithInlineImages:
    """An order's confirmation as the outbox builds it: text, HTML, two QR codes inline."""
    png = qr_png_base64(f"CODE{n}", scale=4)
    return build_email(
        subject=f"Votre commande n°{n} est confirmée",
        body=f"Bonjour,\nvotre commande n°{n} est confirmée.",
        to=[f"client{n}@example.fr"],
        html=f'<p>Commande n°{n}</p><img src="cid:pickup-{n}"><img src="cid:order-{n}">',
        inline_images={f"pickup-{n}": png, f"order-{n}": png},
        # A fixed date: two builds a second apart would differ there.
        headers={
            "Message-ID": f"<{n}.confirmation@comptoir.local>",
            "Date": "Tue, 10 Mar 2026 09:00:00 +0100",
        },
    )


@pytest.mark.parametrize("policy", [email.policy.default, email.policy.SMTP])
def test_an_e_mail_is_the_same_bytes_with_its_headers_remembered(policy):
    """Python's own parsing of every header, against headers parsed once and shared."""
    for n in range(6):
        random.seed(n)  # the MIME boundaries
        remembered = confirmation(n).message(policy=policy).as_bytes()
        random.seed(n)
        parsed_each_time = confirmation(n).message(policy=policy.clone()).as_bytes()

        assert remembered == parsed_each_time
    assert b"Content-ID: <pickup-5>" in remembered


def test_the_headers_every_e_mail_repeats_are_parsed_once():
    first, second = (confirmation(n).message() for n in (1, 2))

    assert first["MIME-Version"] is second["MIME-Version"]
    assert first["From"] is second["From"]
    assert first.get_body(("plain",))["Content-Type"] is second.get_body(("plain",))["Content-Type"]
    assert first["Subject"] is not second["Subject"]


def test_it_remembers_a_bounded_number_of_headers():
    headers = RememberedHeaders(limit=3)
    parsed = [headers("Content-Type", f"text/plain; charset=utf-{n}") for n in range(5)]

    assert len(headers) <= 3
    assert headers("Content-Type", "text/plain; charset=utf-4") is parsed[4]
    assert headers("Subject", "Bonjour") is not headers("Subject", "Bonjour")
