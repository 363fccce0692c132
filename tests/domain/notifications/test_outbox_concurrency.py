"""Two workers on one e-mail (STYLE rule 8): first the race, then the guard.

The same row can be in several tasks at once: queued after the commit and
again by a sweep, two workers, a task retried. The control claims the row the
naive way, "read that it is pending and free, then take it", with a barrier
after the read: both workers take it, two e-mails leave. The guarded tests
run the real claim (one conditional UPDATE) from several threads released
together: exactly one e-mail leaves. The service raced from two transactions
records one row (the unique key) and sends one e-mail.
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.db.models import F

from comptoir.domain.notifications import outbox
from comptoir.domain.notifications.models import OutboundEmail
from comptoir.domain.notifications.outbox import (
    Outcome,
    email_deliver,
    email_send_after_commit,
)
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 4
KEY = "order:7:ready:customer"


def pending_row() -> OutboundEmail:
    return OutboundEmail.objects.create(
        key=KEY, to="claire@example.fr", subject="Votre commande est prête", body="Code AB12CD"
    )


def test_without_the_conditional_claim_two_workers_send_one_email_twice(monkeypatch):
    row = pending_row()
    read = threading.Barrier(2)

    def naive_claim(*, email_id: int, now: datetime) -> bool:
        current = OutboundEmail.objects.get(pk=email_id)
        free = current.status == "pending" and (
            current.claimed_until is None or current.claimed_until < now
        )
        read.wait()  # both have read "pending, nobody on it"
        if free:
            OutboundEmail.objects.filter(pk=email_id).update(
                claimed_until=now + outbox.lease(), attempts=F("attempts") + 1
            )
        return free

    monkeypatch.setattr(outbox, "_claim", naive_claim)

    results, errors = run_together([lambda: email_deliver(email_id=row.pk)] * 2)

    assert errors == []
    assert results == [Outcome.SENT, Outcome.SENT]
    assert len(mail.outbox) == 2  # the race: one change, two e-mails


def test_workers_racing_on_one_email_send_it_once(monkeypatch):
    row = pending_row()
    real_claim = outbox._claim
    ready = threading.Barrier(WORKERS)

    def claim_together(*, email_id: int, now: datetime) -> bool:
        ready.wait()  # every worker is at the UPDATE at once
        return real_claim(email_id=email_id, now=now)

    monkeypatch.setattr(outbox, "_claim", claim_together)

    results, errors = run_together([lambda: email_deliver(email_id=row.pk)] * WORKERS)

    assert errors == []
    assert sorted(results) == sorted([Outcome.SENT] + [Outcome.SKIPPED] * (WORKERS - 1))
    assert [m.subject for m in mail.outbox] == ["Votre commande est prête"]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)


def test_one_change_recorded_from_two_transactions_at_once_sends_one_email():
    def announce() -> int:
        with transaction.atomic():
            row = email_send_after_commit(
                key=KEY, to="claire@example.fr", subject="Prête", body="Code AB12CD"
            )
            # Hold the transaction a moment: the other one meets the key meanwhile.
            threading.Event().wait(0.1)
        return row.pk

    results, errors = run_together([announce] * WORKERS)

    assert errors == []
    assert len(set(results)) == 1
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get().status == "sent"
