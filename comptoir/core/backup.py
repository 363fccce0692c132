"""Consistent database backups taken while the site runs, and their restore.

- **SQLite**: SQLite's online backup API (`sqlite3.Connection.backup`) copies
  the database in one step inside a read transaction. In WAL mode writers go on
  meanwhile and the copy is the database as of the moment the step started.
  The copy is switched to a rollback journal (one self-contained file) and
  passes `PRAGMA integrity_check` before it gets its final name.
- **PostgreSQL**: `pg_dump --format=custom`, whose snapshot is consistent by
  design; the archive is read through once (`pg_restore --file=/dev/null`)
  before it gets its final name.

Every file is written as `<name>.partial`, fsynced, then renamed: a crash never
leaves a half-written file under a backup's name. Restore verifies the file
first and changes nothing when it is unsound; it refuses while other clients
hold the database open (the server and the task worker must be stopped).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import time
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from django.db.backends.sqlite3._functions import (  # type: ignore[import-untyped]
    register as register_django_functions,
)
from django.utils.translation import gettext as _

type Kind = Literal["sqlite", "postgres", "media"]

SQLITE_ENGINE = "django.db.backends.sqlite3"
POSTGRES_ENGINE = "django.db.backends.postgresql"
SUFFIXES: dict[Kind, str] = {"sqlite": ".sqlite3", "postgres": ".pgdump", "media": ".tar"}
PREFIXES: dict[Kind, str] = {"sqlite": "comptoir", "postgres": "comptoir", "media": "media"}
ENGINE_NAMES: dict[Kind, str] = {"sqlite": "SQLite", "postgres": "PostgreSQL", "media": "media"}
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# A restore waits this long for a table lock, then gives up and changes nothing.
PG_RESTORE_LOCK_TIMEOUT = "30s"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    size: int
    seconds: float


@dataclass(frozen=True)
class Restored:
    seconds: float
    # SQLite only: the replaced database, kept under another name (None if there was none).
    previous: Path | None


# --- names and retention --------------------------------------------------------


def database_kind(settings_dict: Mapping[str, Any]) -> Kind:
    engine = settings_dict["ENGINE"]
    if engine == SQLITE_ENGINE:
        return "sqlite"
    if engine == POSTGRES_ENGINE:
        return "postgres"
    raise BackupError(
        _("Backups support SQLite and PostgreSQL, not %(engine)s.") % {"engine": engine}
    )


def backup_name(kind: Kind, now: datetime) -> str:
    """`comptoir-20261126T030000Z.sqlite3`: UTC, so names sort by time across DST changes."""
    return f"{PREFIXES[kind]}-{now.astimezone(UTC).strftime(STAMP_FORMAT)}{SUFFIXES[kind]}"


def backups_of_kind(directory: Path, kind: Kind) -> list[Path]:
    """This kind's finished backups in `directory`, oldest first; never anything else."""
    pattern = re.compile(
        rf"{re.escape(PREFIXES[kind])}-\d{{8}}T\d{{6}}Z{re.escape(SUFFIXES[kind])}\Z"
    )
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if pattern.match(p.name) and p.is_file())


def prune_backups(*, directory: Path, kind: Kind, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups of `kind`; return what was deleted."""
    if keep < 1:
        raise BackupError(_("--keep must be at least 1."))
    doomed = backups_of_kind(directory, kind)[:-keep]
    for path in doomed:
        path.unlink()
    return doomed


# --- writing files safely -----------------------------------------------------------


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_directory(path: Path) -> None:
    """Make a rename in `path` durable (it lives in the directory's own blocks)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def written_atomically(target: Path) -> Iterator[Path]:
    """Yield `<target>.partial` (empty, mode 600) to fill; then fsync and rename it.

    On any failure the partial file is removed and `target` never appears.
    """
    if target.exists():
        raise BackupError(
            _("%(path)s already exists (one backup per second): run again.") % {"path": target}
        )
    partial = target.with_name(target.name + ".partial")
    try:
        # Owner-only from the first byte: backups hold customers' personal data.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        yield partial
        fsync_file(partial)
        os.replace(partial, target)
        fsync_directory(target.parent)
    finally:
        partial.unlink(missing_ok=True)


def make_backup(
    *, settings_dict: Mapping[str, Any], directory: Path, now: datetime | None = None
) -> BackupFile:
    """Back up the database described by `settings_dict` into `directory`."""
    kind = database_kind(settings_dict)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = directory / backup_name(kind, now or datetime.now(UTC))
    started = time.monotonic()
    with written_atomically(target) as partial:
        if kind == "sqlite":
            sqlite_backup(source=Path(settings_dict["NAME"]), target=partial)
        else:
            pg_dump(settings_dict=settings_dict, target=partial)
    return BackupFile(target, target.stat().st_size, time.monotonic() - started)


def make_media_backup(
    *, media_root: Path, directory: Path, now: datetime | None = None
) -> BackupFile:
    """Archive MEDIA_ROOT (photos are already compressed: a plain tar)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = directory / backup_name("media", now or datetime.now(UTC))
    started = time.monotonic()
    with written_atomically(target) as partial, tarfile.open(partial, "w") as archive:
        if media_root.is_dir():
            archive.add(media_root, arcname="media")
    return BackupFile(target, target.stat().st_size, time.monotonic() - started)


def restore_backup(*, settings_dict: Mapping[str, Any], backup: Path) -> Restored:
    """Replace the database described by `settings_dict` with `backup`, verified first."""
    kind = database_kind(settings_dict)
    found = file_kind(backup)
    if found != kind:
        raise BackupError(
            _("%(path)s is a %(found)s backup, but the configured database is %(kind)s.")
            % {"path": backup, "found": ENGINE_NAMES[found], "kind": ENGINE_NAMES[kind]}
        )
    started = time.monotonic()
    previous = None
    if kind == "sqlite":
        previous = sqlite_restore(backup=backup, database=Path(settings_dict["NAME"]))
    else:
        pg_restore(settings_dict=settings_dict, backup=backup)
    return Restored(time.monotonic() - started, previous)


def file_kind(path: Path) -> Kind:
    """Which database a backup file belongs to, from its first bytes."""
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
        ) from error
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgres"
    raise BackupError(_("%(path)s is not a Comptoir database backup.") % {"path": path})


# --- SQLite ---------------------------------------------------------------------


def sqlite_backup(*, source: Path, target: Path) -> None:
    """Copy `source` into the new file `target` with the online backup API, then check it."""
    if not source.is_file():
        raise BackupError(_("The database %(path)s does not exist.") % {"path": source})
    # A plain connection: it reads, and must not change the live file's settings.
    with (
        closing(sqlite3.connect(source, timeout=10)) as live,
        closing(sqlite3.connect(target)) as copy,
    ):
        # One step (pages=-1): a single read transaction, so the copy is one
        # consistent snapshot and concurrent writers are never copied
        # half-way. In WAL mode they are not blocked either.
        live.backup(copy, pages=-1)
        # A rollback journal makes the copy one self-contained file.
        copy.execute("PRAGMA journal_mode=DELETE")
    sqlite_verify(target, shown=source)


def sqlite_verify(path: Path, *, shown: Path | None = None) -> None:
    """Raise BackupError unless `path` is a sound SQLite database with Django's tables.

    Messages name `shown` (the file the operator gave) when `path` is a copy of it.
    """
    try:
        with closing(sqlite3.connect(path)) as db:
            # integrity_check also evaluates CHECK constraints, some of which
            # call Django's SQL functions (REGEXP for `__regex`).
            register_django_functions(db)
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
            has_migrations = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
    except sqlite3.DatabaseError as error:
        problems = [str(error)]
        has_migrations = None
    if problems != ["ok"]:
        raise BackupError(
            _("%(path)s is damaged (SQLite integrity check: %(problems)s).")
            % {"path": shown or path, "problems": "; ".join(problems[:3])}
        )
    if not has_migrations:
        raise BackupError(_("%(path)s is not a Comptoir database.") % {"path": shown or path})


def sqlite_restore(*, backup: Path, database: Path) -> Path | None:
    """Put a verified copy of `backup` in place of `database`; return where the old one went.

    The copy is made and checked next to the database (same file system), so
    the switch is one atomic rename. The replaced database stays beside it as
    `<name>.before-restore-<stamp>` (a hard link: no copy, no extra time).
    """
    if not backup.is_file():
        raise BackupError(_("%(path)s does not exist.") % {"path": backup})
    stamp = datetime.now(UTC).strftime(STAMP_FORMAT)
    staged = database.with_name(f"{database.name}.restore-{stamp}.partial")
    try:
        shutil.copyfile(backup, staged)
        if database.exists():
            shutil.copymode(database, staged)  # the server's user must keep its access
        sqlite_verify(staged, shown=backup)  # the very bytes that will go live
        fsync_file(staged)
        with sqlite_taken(database) as previous_taken:
            previous = None
            if previous_taken:
                previous = database.with_name(f"{database.name}.before-restore-{stamp}")
                os.link(database, previous)
            # A WAL file left by the old database (when it could not be folded
            # in) must never be replayed into the new one: it goes with the old.
            wal = database.with_name(database.name + "-wal")
            if wal.exists() and previous is not None:
                os.replace(wal, previous.with_name(previous.name + "-wal"))
            wal.unlink(missing_ok=True)
            database.with_name(database.name + "-shm").unlink(missing_ok=True)
            os.replace(staged, database)
            fsync_directory(database.parent)
    finally:
        staged.unlink(missing_ok=True)
    return previous


@contextmanager
def sqlite_taken(database: Path) -> Iterator[bool]:
    """Hold `database` exclusively, with its WAL folded in; yield whether it exists.

    Any other open connection (a running server or task worker) makes this
    fail at once: restoring under a live process would hand it a file that
    changed beneath it.
    """
    if not database.exists():
        yield False
        return
    try:
        db = sqlite3.connect(database, timeout=0, isolation_level=None)
    except sqlite3.DatabaseError as error:
        raise BackupError(str(error)) from error
    with closing(db):
        try:
            db.execute("PRAGMA locking_mode=EXCLUSIVE")
            db.execute("BEGIN EXCLUSIVE")
            db.execute("COMMIT")  # exclusive mode keeps the lock after commit
        except sqlite3.OperationalError as error:
            raise BackupError(
                _(
                    "The database %(path)s is in use (%(error)s): stop the server and the "
                    "task worker, then restore again."
                )
                % {"path": database, "error": error}
            ) from error
        except sqlite3.DatabaseError:
            # Not even readable ("file is not a database"): no process can be
            # using it, and replacing it is what it needs.
            yield True
            return
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.DatabaseError:
            pass  # a damaged database is what restores are for; its WAL is set aside
        yield True


# --- PostgreSQL -------------------------------------------------------------------


def pg_binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "%(name)s was not found: install the PostgreSQL client tools "
                "(Debian: apt install postgresql-client), of the server's version or newer."
            )
            % {"name": name}
        )
    return path


def pg_environment(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """libpq variables for the configured database: the password never shows in `ps`."""
    env = dict(os.environ)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        values[variable] = options.get(option)
    env.update({key: str(value) for key, value in values.items() if value})
    env["PGAPPNAME"] = "comptoir-backup"
    return env


def run_pg_tool(args: list[str], *, env: Mapping[str, str], failure: str) -> None:
    result = subprocess.run(  # noqa: S603 - fixed argv from pg_binary, no shell  # nosec B603
        args, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = " ".join(result.stderr.strip().splitlines()[-3:]) or f"exit {result.returncode}"
        raise BackupError(f"{failure} {detail}")


def pg_dump(*, settings_dict: Mapping[str, Any], target: Path) -> None:
    run_pg_tool(
        [pg_binary("pg_dump"), "--format=custom", "--no-password", f"--file={target}"],
        env=pg_environment(settings_dict),
        failure=_("pg_dump failed:"),
    )
    pg_verify(target)


def pg_verify(path: Path) -> None:
    """Read the whole archive (table of contents and data) without touching a database."""
    run_pg_tool(
        [pg_binary("pg_restore"), f"--file={os.devnull}", str(path)],
        env=dict(os.environ),
        failure=_("%(path)s is not a sound PostgreSQL archive:") % {"path": path},
    )


def pg_other_clients(settings_dict: Mapping[str, Any]) -> int:
    """How many other client sessions are connected to the configured database."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    env = pg_environment(settings_dict)
    params = {
        "host": env.get("PGHOST"),
        "port": env.get("PGPORT"),
        "user": env.get("PGUSER"),
        "password": env.get("PGPASSWORD"),
        "dbname": env["PGDATABASE"],
        "sslmode": env.get("PGSSLMODE"),
    }
    conninfo = make_conninfo(**{key: value for key, value in params.items() if value})
    try:
        with psycopg.connect(conninfo) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            ).fetchone()
    except psycopg.Error as error:
        raise BackupError(str(error).strip()) from error
    return int(row[0]) if row else 0


def pg_restore(*, settings_dict: Mapping[str, Any], backup: Path) -> None:
    """Restore `backup` into the configured database in one transaction: all or nothing."""
    pg_verify(backup)
    if clients := pg_other_clients(settings_dict):
        raise BackupError(
            _(
                "The database %(name)s has %(count)s other connection(s): stop the server "
                "and the task worker, then restore again."
            )
            % {"name": settings_dict["NAME"], "count": clients}
        )
    env = pg_environment(settings_dict)
    env["PGOPTIONS"] = f"-c lock_timeout={PG_RESTORE_LOCK_TIMEOUT}"
    run_pg_tool(
        [
            pg_binary("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={settings_dict['NAME']}",
            str(backup),
        ],
        env=env,
        failure=_("pg_restore failed, nothing was changed:"),
    )
