"""`manage.py outbox_sweep`: queue again the e-mails a dead worker or a lost task left behind.

The server process already sweeps the outbox every `DESK_SWEEP_SECONDS`;
this command is for operations: a cron safety net when that is turned off,
or a manual run after an incident. It prints what it did.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from comptoir.domain.notifications.outbox import outbox_sweep


class Command(BaseCommand):
    help = "Queue pending e-mails whose task was lost, and give up those that ran out of attempts."

    def handle(self, *args: Any, **options: Any) -> None:
        report = outbox_sweep()
        self.stdout.write(
            f"queued again: {report.queued}; given up: {report.given_up}; "
            f"dead tasks: {report.tasks_failed}; purged: {report.purged}"
        )
