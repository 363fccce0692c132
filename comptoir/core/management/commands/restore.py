"""`manage.py restore <file>`: put a backup made by `manage.py backup` back in place.

The server and the task worker must be stopped first: the restore refuses
while other connections hold the database. The file is verified before
anything changes; an unsound file leaves the database untouched. See
docs/configuration.md ("Backups").
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from comptoir.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Replace the database with a backup made by `manage.py backup` (server stopped)."
    # System checks open a database connection (JSONField support): on SQLite
    # that would create a missing file or touch the damaged one being replaced.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("backup", type=Path, help="The .sqlite3 or .pgdump file to restore.")
        parser.add_argument(
            "--yes", action="store_true", help="Replace the database without asking."
        )

    def handle(self, *, backup: Path, yes: bool, **options: Any) -> None:
        settings_dict = connections["default"].settings_dict
        # Our own connection would count as "in use" (and on SQLite it would
        # keep reading the replaced file).
        connections.close_all()
        if not yes:
            self.confirm(backup, str(settings_dict["NAME"]))
        try:
            restored = restore_backup(settings_dict=settings_dict, backup=backup)
        except (BackupError, OSError) as error:
            raise CommandError(
                _("Restore failed, the database is unchanged: %(error)s") % {"error": error}
            ) from error
        finally:
            connections.close_all()
        from comptoir.domain.orders.models import Order

        self.stdout.write(
            _("Restored %(path)s into %(database)s in %(seconds).2f s: %(orders)s orders.")
            % {
                "path": backup,
                "database": settings_dict["NAME"],
                "seconds": restored.seconds,
                "orders": Order.objects.count(),
            }
        )
        if restored.previous is not None:
            self.stdout.write(
                _("The replaced database is kept as %(path)s.") % {"path": restored.previous}
            )

    def confirm(self, backup: Path, database: str) -> None:
        if not sys.stdin.isatty():
            raise CommandError(_("Restoring replaces the whole database: confirm with --yes."))
        answer = input(
            _("Replace the database %(database)s with %(path)s? Type yes to go on: ")
            % {"database": database, "path": backup}
        )
        if answer.strip().lower() not in {"yes", "oui"}:
            raise CommandError(_("Restore cancelled; nothing was changed."))
