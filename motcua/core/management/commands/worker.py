import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from motcua.core.schedule import Scheduler, schedule_tick
from motcua.core.tasks import ping


class Command(BaseCommand):
    help = (
        "Run the background task worker (database queue by default) and the scheduler of periodic jobs "
        "(e.g. the early-warning sweep every 15 minutes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Enqueue the periodic jobs that are due, run what is queued now, then exit.",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Do not run periodic jobs from this worker (another worker or process schedules them).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between polls when the queue is empty (default 1).",
        )
        parser.add_argument(
            "--check",
            type=float,
            metavar="SECONDS",
            default=None,
            help="Do not work: enqueue a ping and report whether a running worker "
            "completes it within SECONDS.",
        )

    def handle(self, *args, batch, interval, check, no_schedule=False, **options):
        if check is not None:
            return self._check(check)
        backend = settings.TASKS["default"]["BACKEND"]
        if backend != "django_tasks_db.DatabaseBackend":
            raise CommandError(
                f"The task backend is {backend}; run that backend's own worker instead of `motcua worker`."
            )
        scheduler = None
        if not no_schedule:
            if batch:
                schedule_tick()
            else:
                scheduler = Scheduler()
                scheduler.start()
        try:
            call_command(
                "db_worker",
                queue_name="*",
                interval=interval,
                batch=batch,
                reload=False,
                verbosity=options["verbosity"],
            )
        finally:
            if scheduler is not None:
                scheduler.stop()

    def _check(self, timeout: float) -> None:
        started = time.monotonic()
        result = ping.enqueue()
        while time.monotonic() - started < timeout:
            result.refresh()
            if result.is_finished:
                elapsed = time.monotonic() - started
                self.stdout.write(self.style.SUCCESS(f"A worker completed a ping in {elapsed:.1f} s."))
                return
            time.sleep(0.2)
        raise CommandError(
            f"No worker completed a ping within {timeout:g} s: start one with `motcua worker`."
        )
