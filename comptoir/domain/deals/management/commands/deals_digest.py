"""`manage.py deals_digest`: write and queue the weekly deals e-mails that are due.

The server process already runs this every `DESK_SWEEP_SECONDS` (with the
desk sweep); this command is for cron when that is turned off, or a manual
run. Running it again, or in several places at once, sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from comptoir.domain.deals.digest import digest_due


class Command(BaseCommand):
    help = "Queue the weekly deals digests that are due (from Monday 08:00, city time)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = digest_due(now=timezone.now())
        self.stdout.write(f"digests due: {report.due}; queued: {report.queued}")
