"""Background tasks: e-mail goes out only once the transaction that asked for it commits."""

from __future__ import annotations

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
from comptoir.core.tasks import enqueue_after_commit, send_email_task

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
