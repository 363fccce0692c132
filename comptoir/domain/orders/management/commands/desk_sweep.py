"""`manage.py desk_sweep`: escalate and auto-refuse orders that waited too long.

Once by default (for cron); `--loop SECONDS` repeats until stopped (Ctrl-C or
SIGTERM ends it between two sweeps). The server process already sweeps every
few seconds; this command is for operations (a cron safety net, a manual run).
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from comptoir.domain.orders.escalation import desk_sweep


class Command(BaseCommand):
    help = "Escalate orders waiting for their shop, and refuse those waiting too long."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            default=None,
            help="Sweep again every SECONDS seconds until stopped (default: sweep once).",
        )

    def handle(self, *args: Any, loop: float | None = None, **options: Any) -> None:
        if loop is not None and loop <= 0:
            raise CommandError("--loop takes a number of seconds above 0.")
        while True:
            report = desk_sweep()
            if report or options["verbosity"] > 1:
                failed = f"; failed: {', '.join(report.failed)}" if report.failed else ""
                self.stdout.write(
                    f"escalated: {', '.join(report.escalated) or '-'}; "
                    f"refused: {', '.join(report.refused) or '-'}{failed}"
                )
            if loop is None:
                return
            connection.close()  # do not hold a connection while sleeping
            try:
                time.sleep(loop)
            except KeyboardInterrupt:
                return
