"""Periodic jobs run by the worker: a job is enqueued once per interval, however many workers tick."""

import threading
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connections
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from motcua.core import schedule
from motcua.core.models import PeriodicRun
from motcua.core.schedule import periodic_job_register, schedule_tick
from motcua.core.time import VN_TZ

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=VN_TZ)


@task()
def count_a_run() -> str:
    return "ran"


TASK_PATH = f"{__name__}.count_a_run"


@pytest.fixture
def only_our_job(monkeypatch):
    """The registry holds only the test's job (the apps' own jobs are tested with their apps)."""
    monkeypatch.setattr(schedule, "_JOBS", {})
    periodic_job_register("test.count", every=timedelta(minutes=15), task=count_a_run)


def _enqueued() -> int:
    return DBTaskResult.objects.filter(task_path=TASK_PATH).count()


@pytest.mark.django_db
def test_a_job_runs_once_per_interval_and_keeps_to_its_grid(only_our_job):
    assert schedule_tick(at=T0) == ["test.count"]  # seen for the first time: due at once
    assert schedule_tick(at=T0 + timedelta(minutes=1)) == []
    assert schedule_tick(at=T0 + timedelta(minutes=14, seconds=59)) == []
    assert _enqueued() == 1
    assert schedule_tick(at=T0 + timedelta(minutes=15, seconds=40)) == ["test.count"]  # a late tick
    row = PeriodicRun.objects.get(name="test.count")
    assert row.next_due_at == T0 + timedelta(minutes=30)  # the grid, not 15 minutes after the late tick
    assert (row.runs, row.last_run_at) == (2, T0 + timedelta(minutes=15, seconds=40))
    assert row.last_task_id == str(DBTaskResult.objects.filter(task_path=TASK_PATH).latest("enqueued_at").id)


@pytest.mark.django_db
def test_a_worker_stopped_for_a_day_runs_the_job_once(only_our_job):
    schedule_tick(at=T0)
    assert schedule_tick(at=T0 + timedelta(days=1, minutes=3)) == ["test.count"]
    assert schedule_tick(at=T0 + timedelta(days=1, minutes=4)) == []
    assert _enqueued() == 2
    assert PeriodicRun.objects.get().next_due_at == T0 + timedelta(days=1, minutes=15)


@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_once_enqueue_the_job_once(only_our_job):
    schedule_tick(at=T0)
    barrier = threading.Barrier(4)
    taken: list[list[str]] = []

    def worker() -> None:
        close_old_connections()
        try:
            barrier.wait()
            taken.append(schedule_tick(at=T0 + timedelta(minutes=15)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(len(names) for names in taken) == [0, 0, 0, 1]
    assert _enqueued() == 2


def test_a_job_must_be_a_task_with_a_sensible_interval(monkeypatch):
    monkeypatch.setattr(schedule, "_JOBS", {})
    with pytest.raises(TypeError):
        periodic_job_register("test.plain", every=timedelta(minutes=5), task=lambda: None)
    with pytest.raises(ValueError):
        periodic_job_register("test.fast", every=timedelta(seconds=10), task=count_a_run)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_the_worker_in_batch_mode_runs_the_due_jobs(only_our_job):
    call_command("worker", "--batch", verbosity=0)
    result = DBTaskResult.objects.get(task_path=TASK_PATH)
    assert result.status == "SUCCESSFUL" and result.return_value == "ran"
    call_command("worker", "--batch", "--no-schedule", verbosity=0)
    assert _enqueued() == 1


def test_the_scheduler_thread_ticks_until_stopped(monkeypatch):
    ticks = threading.Event()
    monkeypatch.setattr(schedule, "schedule_tick", lambda: ticks.set() or [])
    monkeypatch.setattr(schedule, "connections", type("C", (), {"close_all": staticmethod(lambda: None)}))
    monkeypatch.setattr(schedule, "close_old_connections", lambda: None)
    scheduler = schedule.Scheduler(tick_seconds=0.01)
    scheduler.start()
    assert ticks.wait(5)
    scheduler.stop()
    scheduler.join(5)
    assert not scheduler.is_alive()
