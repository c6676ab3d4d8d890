from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the background task worker (database queue by default)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is queued now, then exit.")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="Seconds between polls when the queue is empty (default 1).")

    def handle(self, *args, batch, interval, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        if backend != "django_tasks_db.DatabaseBackend":
            raise CommandError(
                f"The task backend is {backend}; run that backend's own worker instead of `motcua worker`."
            )
        call_command("db_worker", queue_name="*", interval=interval, batch=batch, reload=False,
                     verbosity=options["verbosity"])
