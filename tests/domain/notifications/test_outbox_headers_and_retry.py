"""The outbox carries extra headers (List-Unsubscribe…) and hands failed e-mails back on request."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from comptoir.domain.notifications.models import OutboundEmail
from comptoir.domain.notifications.outbox import (
    email_deliver,
    email_retry_failed,
    email_send_after_commit,
    message_id,
)

pytestmark = pytest.mark.django_db

HEADERS = {
    "List-Unsubscribe": "<https://comptoir.example/account/digest/unsubscribe/t/>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


def test_extra_headers_are_sent_and_dropped_with_the_content(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_send_after_commit(
            key="digest:1:2026-W50", to="claire@example.fr", subject="S", body="B", headers=HEADERS
        )

    [message] = mail.outbox
    sent = message.message()
    assert sent["List-Unsubscribe"] == HEADERS["List-Unsubscribe"]
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The outbox's own Message-ID is kept, whatever the caller gives.
    assert sent["Message-ID"] == message_id(email)
    assert OutboundEmail.objects.get().headers == {}


def test_a_failed_email_is_handed_back_and_sent(django_capture_on_commit_callbacks):
    now = timezone.now()
    failed = OutboundEmail.objects.create(
        key="order:1:accepted:customer",
        to="claire@example.fr",
        subject="S",
        body="B",
        status=OutboundEmail.Status.FAILED,
        attempts=5,
        last_error="SMTPServerDisconnected: gone",
        created_at=now,
        available_at=now,
    )
    sent = OutboundEmail.objects.create(
        key="order:2:accepted:customer",
        to="leo@example.fr",
        subject="S",
        status=OutboundEmail.Status.SENT,
        sent_at=now,
        created_at=now,
        available_at=now,
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert email_retry_failed(email_ids=[failed.pk, sent.pk, failed.pk]) == 1

    failed.refresh_from_db()
    assert failed.status == OutboundEmail.Status.SENT
    assert failed.attempts == 1
    assert [m.to for m in mail.outbox] == [["claire@example.fr"]]
    # A row that is not failed is left alone.
    assert email_retry_failed(email_ids=[sent.pk]) == 0
    assert email_deliver(email_id=sent.pk) == "skipped"
