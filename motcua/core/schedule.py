"""Periodic jobs run by the task worker, without cron ("lịch chạy định kỳ").

``core`` sits below every app, so it never imports them: an app registers a job — a name, an
interval and a django-tasks task — in its ``AppConfig.ready()``. ``motcua worker`` runs a scheduler
thread that, every minute, enqueues the jobs that are due (``schedule_tick``); the worker then runs
them like any other task, with its retries and records.

Several workers may run against one database. A job is taken by moving its ``PeriodicRun.next_due_at``
forward inside a transaction, with a compare-and-set on the old value: two workers never enqueue the
same job twice in one interval. On PostgreSQL the row is also locked with ``SKIP LOCKED``, so a
second worker skips a job being taken instead of waiting; on SQLite transactions that write are
serialised already (``BEGIN IMMEDIATE``). Due times stay on the job's grid (every 15 minutes from
its first run), so a slow tick does not make the interval drift; a worker that was stopped for a day
runs a job once, not once per missed interval.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import close_old_connections, connection, connections, transaction
from django.db.models import F

from motcua.core.time import now

logger = logging.getLogger(__name__)

TICK_SECONDS = 60


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    task: Any  # a django-tasks Task: ``task.enqueue()`` puts one run in the queue


_JOBS: dict[str, PeriodicJob] = {}


def periodic_job_register(name: str, *, every: timedelta, task: Any) -> None:
    """Add (or replace) the job called ``name``: ``task`` is enqueued every ``every``. ``ready()`` may
    run more than once."""
    if not name or len(name) > 100:
        raise ValueError("a periodic job needs a name of 1–100 characters")
    if every < timedelta(minutes=1):
        raise ValueError(f"{name}: the scheduler ticks every minute; an interval below it cannot be kept")
    if not callable(getattr(task, "enqueue", None)):
        raise TypeError(f"{name}: the job must be a django-tasks task (decorated with @task)")
    _JOBS[name] = PeriodicJob(name=name, every=every, task=task)


def periodic_jobs() -> dict[str, PeriodicJob]:
    return dict(_JOBS)


def _next_on_grid(due: datetime, every: timedelta, at: datetime) -> datetime:
    """The first moment of ``due + k × every`` after ``at``."""
    missed = (at - due) // every
    return due + (missed + 1) * every


def schedule_tick(*, at: datetime | None = None) -> list[str]:
    """Enqueue every registered job that is due at ``at`` (now); returns the names enqueued."""
    from motcua.core.models import PeriodicRun

    moment = at or now()
    jobs = periodic_jobs()
    if not jobs:
        return []
    # A job seen for the first time is due at once; a concurrent worker's row wins.
    PeriodicRun.objects.bulk_create(
        [PeriodicRun(name=name, next_due_at=moment) for name in jobs], ignore_conflicts=True
    )
    enqueued = []
    for name, job in sorted(jobs.items()):
        with transaction.atomic():
            due = PeriodicRun.objects.filter(name=name, next_due_at__lte=moment)
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            row = due.first()
            if row is None:  # not due, or another worker is taking it right now
                continue
            taken = PeriodicRun.objects.filter(name=name, next_due_at=row.next_due_at).update(
                next_due_at=_next_on_grid(row.next_due_at, job.every, moment)
            )
            if not taken:  # another worker moved it first
                continue
            result = job.task.enqueue()
            PeriodicRun.objects.filter(name=name).update(
                last_run_at=moment, last_task_id=str(result.id)[:64], runs=F("runs") + 1
            )
        enqueued.append(name)
        logger.info("periodic job %s enqueued", name)
    return enqueued


class Scheduler(threading.Thread):
    """The worker's scheduler thread: a tick every ``tick_seconds``. A failing tick is logged and
    the next one tries again; the thread never takes the worker down."""

    def __init__(self, *, tick_seconds: float = TICK_SECONDS) -> None:
        super().__init__(name="motcua-scheduler", daemon=True)
        self.tick_seconds = tick_seconds
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            close_old_connections()
            try:
                schedule_tick()
            except Exception:  # the database away for a moment: the next tick tries again
                logger.exception("periodic jobs: the tick failed")
            finally:
                connections.close_all()  # this thread's connections only
            self._stopping.wait(self.tick_seconds)

    def stop(self) -> None:
        self._stopping.set()
