"""`manage.py db_worker`: django-tasks-db's task worker, stopped between transactions.

django-tasks-db's worker leaves at once (`sys.exit`) when SIGTERM or SIGINT
comes and no task is running, even inside the transaction in which it
claims the next task. On PostgreSQL the exit then lands in the middle of
that transaction's COMMIT: the connection is left mid-command, Django's
clean-up fails with "can't change 'autocommit' now", and the worker dies
with status 1 where `manage.py serve` (and the benchmarks) expect a clean
stop; a task whose claim did commit stays "running", never run (its e-mail
waits for the outbox's sweep). Seen under load, in a rush benchmark's stop.

This worker is the library's, but a signal that comes inside a transaction
only ends its loop: the transaction commits, the task it claimed runs, and
the worker leaves. Elsewhere (asleep between polls, running a task) the
library's own handling stays. This command replaces the library's of the
same name (`comptoir.core` comes first in INSTALLED_APPS), with the same
options.
"""

from __future__ import annotations

import logging
import os
import signal
from types import FrameType
from typing import Any

from django.core.management.base import CommandError
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as library

logger = logging.getLogger("django_tasks_db")


class Worker(library.Worker):
    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if self.running and not self.running_task and in_transaction():
            logger.warning(
                "Received %s - stopping once this transaction ends.", signal.strsignal(signum)
            )
            self.running = False
            return
        super().shutdown(signum, frame)


def in_transaction() -> bool:
    """Whether this thread is inside a transaction on any database."""
    return any(connection.in_atomic_block for connection in connections.all(initialized_only=True))


class Command(library.Command):
    help = "Run the database task worker; a stop signal waits for the transaction it lands in."

    def handle(  # the library's, with this module's Worker
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("--reload and --batch cannot be specified together: no autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloader's child
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
