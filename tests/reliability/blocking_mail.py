"""A mailer for crash tests: it stops in the middle of each send until told to go on.

Selected in a real worker process with `MAIL_BACKEND=tests.reliability.blocking_mail.
BlockingEmailBackend` and `COMPTOIR_TEST_MAIL_DIR=<folder>`. For each message it
writes `sending-<n>` (the test now knows the worker is mid-send and may kill
it), waits until the folder holds a `release` file, then delivers the message
as `delivered-<n>.eml` (written whole, then renamed: a killed worker leaves no
half message). A worker killed before `release` delivers nothing, like an
SMTP session cut before the server accepted the mail.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

MAIL_DIR_ENV = "COMPTOIR_TEST_MAIL_DIR"
RELEASE = "release"
POLL_SECONDS = 0.05


class BlockingEmailBackend(BaseEmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.folder = Path(os.environ[MAIL_DIR_ENV])

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            name = uuid.uuid4().hex
            raw = message.message().as_bytes()
            (self.folder / f"sending-{name}").touch()
            while not (self.folder / RELEASE).exists():
                time.sleep(POLL_SECONDS)
            partial = self.folder / f".{name}.partial"
            partial.write_bytes(raw)
            partial.rename(self.folder / f"delivered-{name}.eml")
        return len(email_messages)


def delivered(folder: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted(folder.glob("delivered-*.eml"))]


def sending(folder: Path) -> list[Path]:
    return sorted(folder.glob("sending-*"))
