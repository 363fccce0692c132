"""`manage.py billing_run`: issue last month's missing invoices, then remind and suspend."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from comptoir.domain.billing.services import billing_run


class Command(BaseCommand):
    help = "Issue last month's invoices (idempotent), mark late ones, send reminders, suspend."

    def handle(self, *args: Any, **options: Any) -> None:
        report = billing_run()
        self.stdout.write(
            f"{report.issued} issued, {report.late} late, {report.reminders} reminders, "
            f"{report.suspended} suspended."
        )
