"""Background tasks shared by every app, and the one way to enqueue after commit.

Tasks run in the `db_worker` process (started by `manage.py serve`), so their
arguments must be JSON-serialisable: pass ids and strings, not model instances.
"""

from __future__ import annotations

import base64
import email.message
import email.policy
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import Task, task


def build_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    from_email: str | None = None,
    inline_images: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> EmailWithInlineImages:
    """One e-mail: plain text, plus an HTML alternative if given.

    `inline_images` maps a Content-ID to a base64 PNG that the HTML shows as
    `<img src="cid:…">` (a QR code): mail clients block `data:` images but
    show inline parts.
    """
    message = EmailWithInlineImages(
        subject=subject,
        body=body,
        from_email=from_email or None,
        to=to,
        headers=headers,
        inline_images={cid: base64.b64decode(png) for cid, png in (inline_images or {}).items()},
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


@task
def send_email_task(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    from_email: str | None = None,
    inline_images: dict[str, str] | None = None,
) -> int:
    """Send one e-mail now; return the count sent. At most once: no retry, no record.

    A worker killed while it runs loses the e-mail (django-tasks-db leaves the
    task RUNNING for ever). Domain code sends through the outbox instead
    (`email_send_after_commit` in comptoir/domain/notifications/outbox.py).
    """
    return build_email(
        subject=subject,
        body=body,
        to=to,
        html=html,
        from_email=from_email,
        inline_images=inline_images,
    ).send()


class EmailWithInlineImages(EmailMultiAlternatives):
    """Text + HTML, the HTML part carrying PNG images it shows by `cid:` (multipart/related)."""

    def __init__(self, *args: Any, inline_images: dict[str, bytes], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inline_images = inline_images

    def message(self, *, policy: Any = email.policy.default) -> Any:
        msg = super().message(policy=policy)
        html = msg.get_body(preferencelist=("html",)) if self.inline_images else None
        if isinstance(html, email.message.EmailMessage):
            for content_id, png in self.inline_images.items():
                html.add_related(
                    png,
                    maintype="image",
                    subtype="png",
                    cid=f"<{content_id}>",
                    disposition="inline",
                    filename=f"{content_id}.png",
                )
        return msg


def enqueue_after_commit(task: Task, /, **kwargs: Any) -> None:
    """Enqueue `task` once the current transaction commits (now, outside one).

    A rolled-back order must not e-mail anyone, and the worker must not run a
    task before the rows it reads are visible to it.
    """
    transaction.on_commit(lambda: task.enqueue(**kwargs))
