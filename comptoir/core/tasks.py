"""Background tasks shared by every app, and the one way to enqueue after commit.

Tasks run in the `db_worker` process (started by `manage.py serve`), so their
arguments must be JSON-serialisable: pass ids and strings, not model instances.
"""

from __future__ import annotations

import base64
import email.headerregistry
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


class RememberedHeaders(email.headerregistry.HeaderRegistry):
    """Python's header registry, parsing once per process the headers every e-mail repeats.

    Building a message parses each of its headers into an object (~29 for
    an order's confirmation): most of its MIME cost, ~3 ms. The values that
    e-mails repeat (`MIME-Version: 1.0`, a part's type, encoding and
    disposition, the sender) are parsed once and the objects shared: a
    header object is never changed in place (a message that changes a
    header replaces it). At most `limit` are kept; past it, they are all
    forgotten and parsed again as they come.
    """

    NAMES = frozenset(
        {"MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "From"}
    )

    def __init__(self, *, limit: int = 512) -> None:
        super().__init__()
        self.limit = limit
        self._parsed: dict[tuple[str, str], Any] = {}

    def __len__(self) -> int:
        return len(self._parsed)

    def __call__(self, name: str, value: Any) -> Any:
        if name not in self.NAMES or not isinstance(value, str):
            return super().__call__(name, value)
        header = self._parsed.get((name, value))
        if header is None:
            if len(self._parsed) >= self.limit:
                self._parsed.clear()
            header = self._parsed[name, value] = super().__call__(name, value)
        return header


_HEADERS = RememberedHeaders()
#: Python's policies that Django's mail backends pass, each with the remembered headers.
_REMEMBERING = {
    policy: policy.clone(header_factory=_HEADERS)
    for policy in (email.policy.default, email.policy.SMTP, email.policy.SMTPUTF8)
}


class EmailWithInlineImages(EmailMultiAlternatives):
    """Text + HTML, the HTML part carrying PNG images it shows by `cid:` (multipart/related).

    Its headers are parsed through `RememberedHeaders` when the backend asks
    for one of Python's own policies: the same bytes, in 60–70 % of the time.
    """

    def __init__(self, *args: Any, inline_images: dict[str, bytes], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inline_images = inline_images

    def message(self, *, policy: Any = email.policy.default) -> Any:
        msg = super().message(policy=_REMEMBERING.get(policy, policy))
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
