"""`manage.py backup`: a consistent copy of the database, taken while the site runs.

SQLite through its online backup API, PostgreSQL through `pg_dump`; see
comptoir/core/backup.py and docs/configuration.md ("Backups"). Prints one line
per file written (path, size, duration); exits non-zero with a message on any
failure, leaving no partial file behind.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from comptoir.core.backup import (
    BackupError,
    BackupFile,
    database_kind,
    make_backup,
    make_media_backup,
    prune_backups,
)


def default_directory() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def describe(written: BackupFile) -> str:
    return _("Backup written: %(path)s (%(size)s) in %(seconds).2f s.") % {
        "path": written.path,
        "size": filesizeformat(written.size),
        "seconds": written.seconds,
    }


class Command(BaseCommand):
    help = "Back up the database (and, with --media, the uploaded photos) while the site runs."
    # System checks open a database connection (JSONField support): on SQLite
    # that would create a missing file or touch the damaged one being replaced.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Directory for the backup files (default: VAR_DIR/backups).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="Then delete all but the N newest backups of each kind written.",
        )
        parser.add_argument(
            "--media", action="store_true", help="Also archive MEDIA_ROOT as a .tar file."
        )

    def handle(self, *, output: Path | None, keep: int | None, media: bool, **options: Any) -> None:
        directory = output or default_directory()
        settings_dict = connections["default"].settings_dict
        if keep is not None and keep < 1:
            raise CommandError(_("--keep must be at least 1."))
        try:
            written = make_backup(settings_dict=settings_dict, directory=directory)
            self.stdout.write(describe(written))
            kinds = [database_kind(settings_dict)]
            if media:
                archive = make_media_backup(
                    media_root=Path(settings.MEDIA_ROOT), directory=directory
                )
                self.stdout.write(describe(archive))
                kinds.append("media")
            if keep is not None:
                for kind in kinds:
                    for path in prune_backups(directory=directory, kind=kind, keep=keep):
                        self.stdout.write(_("Deleted old backup %(path)s.") % {"path": path})
        except (BackupError, OSError) as error:
            raise CommandError(_("Backup failed: %(error)s") % {"error": error}) from error
