import os
import sys

from django.core.management.base import BaseCommand


def default_workers() -> int:
    # On 2 cores, more sync workers than cores + 1 did not help (DESIGN.md, performance defaults).
    return (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = "Run the production web server (gunicorn) for motcua."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=os.environ.get("BIND", "127.0.0.1:8000"),
            help="host:port to listen on (env BIND; default 127.0.0.1:8000)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", 0)) or None,
            help="worker processes (env WEB_CONCURRENCY; default cores + 1)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", 4)),
            help="threads per worker; keep workers × threads below the database's "
            "max_connections (env WEB_THREADS; default 4)",
        )

    def handle(self, *args, bind, workers, threads, **options):
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "motcua.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers or default_workers()),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--max-requests",
            "20000",
            "--max-requests-jitter",
            "2000",
            "--graceful-timeout",
            "20",
            "--log-level",
            "warning",
        ]
        os.execv(sys.executable, argv)  # noqa: S606 — replace this process so signals reach gunicorn
