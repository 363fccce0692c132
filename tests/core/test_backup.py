"""`manage.py backup` / `restore` and comptoir/core/backup.py, on both databases.

Two families:

- tests on *the test run's database* (SQLite file or PostgreSQL), backed up
  for real and restored into a scratch database of the same engine (a file in
  tmp_path, or a PostgreSQL database created and dropped here): the test
  database others use is never overwritten;
- tests on SQLite files made in tmp_path, which run on every run, the
  PostgreSQL one included.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections

from comptoir.core.backup import (
    BackupError,
    backups_of_kind,
    make_backup,
    prune_backups,
    register_django_functions,
    restore_backup,
    sqlite_backup,
)
from comptoir.core.database import SQLITE_PRAGMAS

# `manage.py` in English: the console follows the site language (French) otherwise.
MANAGE_IN_ENGLISH = (
    "import sys, django\n"
    "from django.core.management import execute_from_command_line\n"
    "from django.utils import translation\n"
    "django.setup()\n"
    "translation.activate('en')\n"
    "execute_from_command_line(['manage.py', *sys.argv[1:]])\n"
)
COUNTED_TABLES = ("cities_city", "shops_shop", "catalogue_product", "orders_order")


@pytest.fixture(autouse=True)
def _english():
    """The refusals are checked in English (the French catalogue says the same)."""
    from django.utils import translation

    with translation.override("en"):
        yield


# --- helpers -------------------------------------------------------------------


def sqlite_settings(path: Path) -> dict[str, Any]:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def query(settings_dict: Mapping[str, Any], sql: str) -> list[tuple[Any, ...]]:
    """Run `sql` on a database outside Django's connections (autocommit)."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        db = sqlite3.connect(settings_dict["NAME"], isolation_level=None)
        register_django_functions(db)  # CHECK constraints may call REGEXP
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()
    import psycopg

    with psycopg.connect(postgres_url(settings_dict), autocommit=True) as conn:
        cursor = conn.execute(sql.encode())
        return cursor.fetchall() if cursor.description else []


def postgres_url(settings_dict: Mapping[str, Any]) -> str:
    user = urllib.parse.quote(settings_dict.get("USER") or "", safe="")
    password = urllib.parse.quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{settings_dict['NAME']}"


def database_url(settings_dict: Mapping[str, Any]) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    return postgres_url(settings_dict)


def counts(settings_dict: Mapping[str, Any]) -> dict[str, int]:
    return {t: query(settings_dict, f"SELECT count(*) FROM {t}")[0][0] for t in COUNTED_TABLES}  # noqa: S608


def delete_orders(settings_dict: Mapping[str, Any]) -> None:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        query(settings_dict, "DELETE FROM orders_order")  # foreign keys are off here
    else:
        query(settings_dict, "TRUNCATE orders_order CASCADE")


def manage(
    *args: str, database: Mapping[str, Any], var_dir: Path
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "MEDIA_ROOT"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "comptoir.config.settings",
        "DATABASE_URL": database_url(database),
        "COMPTOIR_VAR_DIR": str(var_dir),
    }
    return subprocess.run(
        [sys.executable, "-c", MANAGE_IN_ENGLISH, *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Inserter(threading.Thread):
    """Inserts one row per transaction into backup_probe until stopped; records each id."""

    def __init__(self, insert_one: Any, on_exit: Any = None) -> None:
        super().__init__(daemon=True)
        self.insert_one = insert_one
        self.on_exit = on_exit
        self.ids: list[int] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.ids.append(self.insert_one())
        except BaseException as error:  # surfaced by the test
            self.error = error
        finally:
            if self.on_exit is not None:
                self.on_exit()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 10
        while len(self.ids) < count and time.monotonic() < deadline and self.error is None:
            time.sleep(0.005)
        assert self.error is None
        assert len(self.ids) >= count


# --- fixtures ------------------------------------------------------------------


@pytest.fixture
def scratch(tmp_path) -> Iterator[dict[str, Any]]:
    """An empty database of the test run's engine, apart from the test database."""
    if connection.vendor == "sqlite":
        yield sqlite_settings(tmp_path / "scratch.sqlite3")
        return
    name = f"comptoir_backup_scratch_{os.getpid()}"
    maintenance = dict(connection.settings_dict, NAME="postgres")
    query(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    query(maintenance, f'CREATE DATABASE "{name}"')
    try:
        yield dict(connection.settings_dict, NAME=name)
    finally:
        query(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def orders(transactional_db) -> int:
    """Five committed orders in two shops of the test database."""
    from tests.factories import make_city, make_order, make_shop

    city = make_city()
    shops = [make_shop(city), make_shop(city)]
    for index in range(5):
        make_order(shops[index % 2])
    return 5


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory) -> Path:
    """A migrated Comptoir SQLite file with six orders, made once and copied by each test."""
    var_dir = tmp_path_factory.mktemp("backup-site")
    template = var_dir / "template.sqlite3"
    database = sqlite_settings(template)
    for args in (
        ("migrate", "--noinput", "-v0"),
        (
            "shell",
            "-c",
            "from tests.factories import make_city, make_shop, make_order\n"
            "shop = make_shop(make_city())\n"
            "for _ in range(6): make_order(shop)\n",
        ),
    ):
        result = manage(*args, database=database, var_dir=var_dir)
        assert result.returncode == 0, result.stderr
    assert not Path(f"{template}-wal").exists()
    return template


@pytest.fixture
def site_db(sqlite_site, tmp_path) -> dict[str, Any]:
    path = tmp_path / "comptoir.sqlite3"
    shutil.copyfile(sqlite_site, path)
    return sqlite_settings(path)


# --- the test run's database (SQLite or PostgreSQL) ---------------------------------


def test_a_backup_taken_while_rows_are_inserted_holds_a_prefix_of_them(
    transactional_db, scratch, tmp_path
):
    key = (
        "INTEGER PRIMARY KEY AUTOINCREMENT"
        if connection.vendor == "sqlite"
        else "bigserial PRIMARY KEY"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE backup_probe (id {key}, n integer NOT NULL)")
        # A few dozen rows to start with.
        cursor.execute("INSERT INTO backup_probe (n) SELECT 0 FROM django_migrations")

    def insert_one() -> int:
        with connections["default"].cursor() as cursor:
            cursor.execute("INSERT INTO backup_probe (n) VALUES (1) RETURNING id")
            return int(cursor.fetchone()[0])

    inserter = Inserter(insert_one, on_exit=connections.close_all)
    try:
        initial = query(connection.settings_dict, "SELECT max(id) FROM backup_probe")[0][0]
        inserter.start()
        inserter.wait_for(20)
        before = len(inserter.ids)
        written = make_backup(settings_dict=connection.settings_dict, directory=tmp_path / "b")
        after = len(inserter.ids)
        inserter.wait_for(after + 20)  # still inserting after the backup
    finally:
        inserter.stop.set()
        inserter.join()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE backup_probe")
    restore_backup(settings_dict=scratch, backup=written.path)
    copied = [row[0] for row in query(scratch, "SELECT id FROM backup_probe ORDER BY id")]

    assert inserter.error is None
    inserted_count = copied[-1] - initial
    assert before <= inserted_count <= after
    # Everything up to some insert, in order, and nothing after it: no gaps.
    assert copied == list(range(1, initial + 1)) + inserter.ids[:inserted_count]


def test_restore_brings_back_the_exact_order_count_after_orders_were_deleted(
    orders, scratch, tmp_path
):
    written = make_backup(settings_dict=connection.settings_dict, directory=tmp_path / "b")
    restore_backup(settings_dict=scratch, backup=written.path)
    assert counts(scratch) == counts(connection.settings_dict)
    assert counts(scratch)["orders_order"] == orders

    delete_orders(scratch)
    assert counts(scratch)["orders_order"] == 0
    result = manage(
        "restore", str(written.path), "--yes", database=scratch, var_dir=tmp_path / "var"
    )

    assert result.returncode == 0, result.stderr
    assert f"{orders} orders" in result.stdout
    assert counts(scratch) == counts(connection.settings_dict)


def test_restore_refuses_a_truncated_backup_and_leaves_the_database_untouched(
    orders, scratch, tmp_path
):
    written = make_backup(settings_dict=connection.settings_dict, directory=tmp_path / "b")
    restore_backup(settings_dict=scratch, backup=written.path)
    delete_orders(scratch)
    truncated = tmp_path / f"truncated{written.path.suffix}"
    truncated.write_bytes(written.path.read_bytes()[: written.size // 2])

    with pytest.raises(BackupError) as refused:
        restore_backup(settings_dict=scratch, backup=truncated)

    assert str(truncated) in str(refused.value)
    expected = "is damaged" if connection.vendor == "sqlite" else "is not a sound PostgreSQL"
    assert expected in str(refused.value)
    assert counts(scratch) == dict(counts(connection.settings_dict), orders_order=0)


# --- SQLite files, on every run ------------------------------------------------------


def test_a_sqlite_backup_taken_while_rows_are_inserted_is_a_consistent_prefix(tmp_path):
    live = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(live, isolation_level=None)
    setup.executescript(SQLITE_PRAGMAS)
    setup.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY)")
    setup.execute("CREATE TABLE backup_probe (id INTEGER PRIMARY KEY, padding BLOB NOT NULL)")
    # ~20 MB, so the copy takes long enough for inserts to run during it.
    setup.execute(
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 20000) "
        "INSERT INTO backup_probe (padding) SELECT randomblob(1000) FROM s"
    )
    setup.close()
    writer = sqlite3.connect(live, isolation_level=None, check_same_thread=False)
    writer.executescript(SQLITE_PRAGMAS)

    def insert_one() -> int:
        return int(
            writer.execute(
                "INSERT INTO backup_probe (padding) VALUES (x'00') RETURNING id"
            ).fetchone()[0]
        )

    inserter = Inserter(insert_one)
    copy = tmp_path / "copy.sqlite3"
    try:
        inserter.start()
        inserter.wait_for(20)
        before = len(inserter.ids)
        sqlite_backup(source=live, target=copy)
        after = len(inserter.ids)
        inserter.wait_for(after + 20)
    finally:
        inserter.stop.set()
        inserter.join()
        writer.close()
    db = sqlite3.connect(copy)
    integrity = db.execute("PRAGMA integrity_check").fetchall()
    journal_mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    copied = [row[0] for row in db.execute("SELECT id FROM backup_probe ORDER BY id")]
    db.close()

    assert integrity == [("ok",)]
    assert journal_mode == "delete"  # one self-contained file
    inserted_count = len(copied) - 20000
    assert before <= inserted_count <= after
    assert copied == list(range(1, 20001)) + inserter.ids[:inserted_count]


def test_the_commands_back_up_and_restore_a_sqlite_site_exactly(site_db, tmp_path):
    media = tmp_path / "var" / "media"
    (media / "products").mkdir(parents=True)
    (media / "products" / "pain.webp").write_bytes(b"RIFF-photo")
    out = tmp_path / "backups"

    backed_up = manage(
        "backup", "--media", f"--output={out}", database=site_db, var_dir=tmp_path / "var"
    )
    delete_orders(site_db)
    [database_copy] = backups_of_kind(out, "sqlite")
    restored = manage(
        "restore", str(database_copy), "--yes", database=site_db, var_dir=tmp_path / "var"
    )

    assert backed_up.returncode == 0, backed_up.stderr
    lines = backed_up.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"Backup written: {database_copy} (")
    assert lines[0].endswith(" s.")
    [archive] = backups_of_kind(out, "media")
    assert lines[1].startswith(f"Backup written: {archive} (")
    assert sorted(p.name for p in out.iterdir()) == sorted([database_copy.name, archive.name])
    assert {p.stat().st_mode & 0o777 for p in out.iterdir()} == {0o600}
    with tarfile.open(archive) as tar:
        photo = tar.extractfile("media/products/pain.webp")
        assert photo is not None
        assert photo.read() == b"RIFF-photo"
    assert restored.returncode == 0, restored.stderr
    assert f"into {site_db['NAME']} in " in restored.stdout
    assert ": 6 orders." in restored.stdout
    assert counts(site_db)["orders_order"] == 6
    assert query(site_db, "PRAGMA integrity_check") == [("ok",)]
    kept = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1
    assert query(sqlite_settings(kept[0]), "SELECT count(*) FROM orders_order") == [(0,)]


def test_restore_refuses_a_truncated_sqlite_backup_and_leaves_the_database_untouched(
    site_db, tmp_path
):
    written = make_backup(settings_dict=site_db, directory=tmp_path / "b")
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(written.path.read_bytes()[: written.size // 2])
    live = Path(site_db["NAME"])
    before = digest(live)

    result = manage("restore", str(truncated), "--yes", database=site_db, var_dir=tmp_path / "var")

    assert result.returncode == 1
    assert result.stderr.startswith(
        f"CommandError: Restore failed, the database is unchanged: {truncated} is damaged"
    )
    assert digest(live) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "b",
        "comptoir.sqlite3",
        "truncated.sqlite3",
        "var",
    ]


def test_restore_refuses_while_another_connection_has_the_database_open(site_db, tmp_path):
    written = make_backup(settings_dict=site_db, directory=tmp_path / "b")
    delete_orders(site_db)
    server = sqlite3.connect(site_db["NAME"])
    server.executescript(SQLITE_PRAGMAS)
    try:
        with pytest.raises(BackupError) as refused:
            restore_backup(settings_dict=site_db, backup=written.path)
        assert "is in use" in str(refused.value)
        assert "stop the server and the task worker" in str(refused.value)
        assert server.execute("SELECT count(*) FROM orders_order").fetchone() == (0,)
    finally:
        server.close()
    assert not list(tmp_path.glob("*.partial"))


def test_restore_replaces_a_database_that_is_not_even_readable(site_db, tmp_path):
    written = make_backup(settings_dict=site_db, directory=tmp_path / "b")
    live = Path(site_db["NAME"])
    live.write_bytes(b"garbage " * 1000)

    restored = restore_backup(settings_dict=site_db, backup=written.path)

    assert counts(site_db)["orders_order"] == 6
    assert restored.previous is not None
    assert restored.previous.read_bytes() == b"garbage " * 1000


def test_restore_asks_for_yes_when_it_cannot_ask_and_changes_nothing(site_db, tmp_path):
    written = make_backup(settings_dict=site_db, directory=tmp_path / "b")
    delete_orders(site_db)
    before = digest(Path(site_db["NAME"]))

    result = manage("restore", str(written.path), database=site_db, var_dir=tmp_path / "var")

    assert result.returncode == 1
    assert "confirm with --yes" in result.stderr
    assert digest(Path(site_db["NAME"])) == before


def test_restore_refuses_a_backup_of_the_other_engine(site_db, tmp_path):
    written = make_backup(settings_dict=site_db, directory=tmp_path / "b")
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "comptoir"}

    with pytest.raises(BackupError) as refused:
        restore_backup(settings_dict=postgres, backup=written.path)

    assert str(refused.value) == (
        f"{written.path} is a SQLite backup, but the configured database is PostgreSQL."
    )


def test_keep_deletes_only_older_backups_of_the_same_kind(site_db, tmp_path):
    out = tmp_path / "backups"
    start = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    written = [
        make_backup(settings_dict=site_db, directory=out, now=start + timedelta(days=day)).path
        for day in range(4)
    ]
    other_kind = out / "media-20261101T030000Z.tar"
    other_kind.write_bytes(b"")
    unrelated = out / "notes.sqlite3"
    unrelated.write_bytes(b"")

    deleted = prune_backups(directory=out, kind="sqlite", keep=2)

    assert deleted == written[:2]
    assert sorted(out.iterdir()) == sorted([*written[2:], other_kind, unrelated])
    assert [p.name for p in written] == [
        "comptoir-20261120T030000Z.sqlite3",
        "comptoir-20261121T030000Z.sqlite3",
        "comptoir-20261122T030000Z.sqlite3",
        "comptoir-20261123T030000Z.sqlite3",
    ]


def test_the_backup_command_applies_keep_after_a_successful_backup(site_db, tmp_path):
    out = tmp_path / "backups"
    for day in range(3):
        make_backup(
            settings_dict=site_db, directory=out, now=datetime(2026, 11, 1 + day, tzinfo=UTC)
        )

    result = manage(
        "backup", f"--output={out}", "--keep=2", database=site_db, var_dir=tmp_path / "var"
    )

    assert result.returncode == 0, result.stderr
    names = [p.name for p in backups_of_kind(out, "sqlite")]
    assert len(names) == 2
    assert names[0] == "comptoir-20261103T000000Z.sqlite3"
    assert result.stdout.splitlines()[1:] == [
        f"Deleted old backup {out / 'comptoir-20261101T000000Z.sqlite3'}.",
        f"Deleted old backup {out / 'comptoir-20261102T000000Z.sqlite3'}.",
    ]


def test_a_failed_backup_leaves_no_file_behind(tmp_path):
    not_comptoir = tmp_path / "other.sqlite3"
    sqlite3.connect(not_comptoir).execute("CREATE TABLE t (x)").connection.close()
    out = tmp_path / "backups"

    with pytest.raises(BackupError) as refused:
        make_backup(settings_dict=sqlite_settings(not_comptoir), directory=out)

    assert "is not a Comptoir database" in str(refused.value)
    assert list(out.iterdir()) == []


def test_the_backup_command_exits_non_zero_with_a_message_when_the_database_is_missing(
    tmp_path,
):
    missing = sqlite_settings(tmp_path / "missing.sqlite3")

    result = manage(
        "backup", f"--output={tmp_path / 'b'}", database=missing, var_dir=tmp_path / "var"
    )

    assert result.returncode == 1
    assert result.stderr == (
        f"CommandError: Backup failed: The database {missing['NAME']} does not exist.\n"
    )
    assert list((tmp_path / "b").iterdir()) == []


def test_a_postgres_backup_without_pg_dump_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "comptoir"}

    with pytest.raises(BackupError) as refused:
        make_backup(settings_dict=postgres, directory=tmp_path / "b")

    assert str(refused.value).startswith(
        "pg_dump was not found: install the PostgreSQL client tools"
    )
    assert list((tmp_path / "b").iterdir()) == []
