"""E-mails rendered when sent: the row written with the change, the content drawn by the worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from comptoir.core.tasks import EmailWithInlineImages
from comptoir.domain.notifications import outbox
from comptoir.domain.notifications.models import OutboundEmail
from comptoir.domain.notifications.outbox import (
    Outcome,
    Rendered,
    RenderLater,
    email_deliver,
    email_renderer,
    email_send_after_commit,
)

pytestmark = pytest.mark.django_db

KEY = "checkout:7:placed:customer"
calls: list[dict[str, object]] = []


@email_renderer("tests.greeting")
def greeting(*, name: str, count: int) -> Rendered:
    calls.append({"name": name, "count": count})
    return Rendered(
        body=f"Bonjour {name}, {count} commandes.",
        html=f"<p>Bonjour {name}</p>",
        inline_images={"qr-1": "iVBORw0KGgo="},
    )


@pytest.fixture(autouse=True)
def _no_calls():
    calls.clear()


def later(**args: object) -> RenderLater:
    return RenderLater("tests.greeting", {"name": "Claire", "count": 2} | args)


def test_the_row_is_written_with_the_change_and_rendered_only_by_the_sender(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        email_send_after_commit(
            key=KEY, to="claire@example.fr", subject="Votre commande", render=later()
        )
        row = OutboundEmail.objects.get()
        assert (row.body, row.html, row.inline_images) == ("", "", {})
        assert row.render == {"renderer": "tests.greeting", "args": {"name": "Claire", "count": 2}}
        assert calls == []  # nothing drawn inside the transaction

    assert len(callbacks) == 1
    [message] = mail.outbox
    assert isinstance(message, EmailWithInlineImages)
    assert message.subject == "Votre commande"
    assert message.body == "Bonjour Claire, 2 commandes."
    assert message.alternatives == [("<p>Bonjour Claire</p>", "text/html")]
    assert [part["Content-ID"] for part in message.message().walk() if part["Content-ID"]] == [
        "<qr-1>"
    ]
    assert calls == [{"name": "Claire", "count": 2}]
    assert OutboundEmail.objects.get().status == "sent"


def test_a_rolled_back_change_leaves_no_row_and_renders_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email_send_after_commit(key=KEY, to="claire@example.fr", subject="x", render=later())
        transaction.set_rollback(True)

    assert OutboundEmail.objects.count() == 0
    assert (mail.outbox, calls) == ([], [])


def test_an_email_has_a_body_or_a_renderer_and_only_a_known_one():
    with pytest.raises(ValueError, match="not both and not neither"):
        email_send_after_commit(key=KEY, to="claire@example.fr", subject="x")
    with pytest.raises(ValueError, match="not both and not neither"):
        email_send_after_commit(
            key=KEY, to="claire@example.fr", subject="x", body="Bonjour", render=later()
        )
    with pytest.raises(ValueError, match="No e-mail renderer is named 'nobody'"):
        email_send_after_commit(
            key=KEY, to="claire@example.fr", subject="x", render=RenderLater("nobody", {})
        )
    assert OutboundEmail.objects.count() == 0


def test_two_renderers_cannot_share_a_name():
    with pytest.raises(ValueError, match=r"Two e-mail renderers are named 'tests\.greeting'"):

        @email_renderer("tests.greeting")
        def other(**_: object) -> Rendered:
            return Rendered("")


def pending_row(render: dict[str, object]) -> OutboundEmail:
    now = timezone.now()
    return OutboundEmail.objects.create(
        key=KEY,
        to="claire@example.fr",
        subject="Votre commande",
        render=render,
        created_at=now,
        available_at=now,
    )


def test_a_renderer_that_fails_is_a_failed_attempt_tried_again_later():
    row = pending_row({"renderer": "tests.greeting", "args": {"name": "Claire"}})  # no count

    assert email_deliver(email_id=row.pk) is Outcome.RETRY

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("TypeError:")
    assert mail.outbox == []
    # Mended (here: the arguments), the next attempt sends it.
    OutboundEmail.objects.filter(pk=row.pk).update(
        render={"renderer": "tests.greeting", "args": {"name": "Claire", "count": 1}},
        available_at=timezone.now() - timedelta(seconds=1),
    )
    assert email_deliver(email_id=row.pk) is Outcome.SENT
    assert mail.outbox[0].body == "Bonjour Claire, 1 commandes."


def test_a_row_whose_renderer_is_gone_is_not_lost_silently(monkeypatch):
    row = pending_row({"renderer": "tests.greeting", "args": {"name": "Claire", "count": 1}})
    monkeypatch.delitem(outbox._RENDERERS, "tests.greeting")

    assert email_deliver(email_id=row.pk) is Outcome.RETRY

    row.refresh_from_db()
    assert row.last_error == "LookupError: No e-mail renderer is named 'tests.greeting'."
