"""Background tasks shared by every app, and the one way to enqueue after commit.

Tasks run in the `db_worker` process (started by `manage.py serve`), so their
arguments must be JSON-serialisable: pass ids and strings, not model instances.
"""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import Task, task


@task
def send_email_task(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    from_email: str | None = None,
) -> int:
    """Send one e-mail (plain text, plus an HTML alternative if given); return the count sent."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def enqueue_after_commit(task: Task, /, **kwargs: Any) -> None:
    """Enqueue `task` once the current transaction commits (now, outside one).

    A rolled-back order must not e-mail anyone, and the worker must not run a
    task before the rows it reads are visible to it.
    """
    transaction.on_commit(lambda: task.enqueue(**kwargs))
