"""``motcua demo``: set up everything on the embedded defaults and run the system."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from motcua.accounts.services import demo_admin_ensure
from motcua.places.selectors import places_loaded


class Command(BaseCommand):
    help = "Migrate, load the demo data, then run the web server and the task worker on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--setup-only", action="store_true", help="Prepare everything, start nothing.")
        parser.add_argument("--bind", default="127.0.0.1:8000")

    def handle(self, *args, setup_only, bind, **options):
        started = time.monotonic()
        self.stdout.write("motcua demo: preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        if places_loaded():
            self.stdout.write("  units and agencies: already loaded")
        else:
            self.stdout.write("  loading 34 provinces, 3,321 communes, pre-2025 units and demo agencies…")
            call_command("places", "load", verbosity=options["verbosity"])
        accounts = self._accounts()
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"  ready in {time.monotonic() - started:.1f} s")
        if setup_only:
            return
        self._run(bind, accounts)

    def _accounts(self) -> list[dict]:
        """Demo accounts, with passwords generated on first run and kept in var/ (never in git)."""
        path = settings.VAR_DIR / "demo-accounts.json"
        accounts = json.loads(path.read_text()) if path.exists() else []
        if not accounts:
            accounts = [
                {
                    "username": "admin",
                    "password": secrets.token_urlsafe(12),
                    "role": "catalogue and calendar administrator (Django admin)",
                }
            ]
            path.write_text(json.dumps(accounts, indent=2))
            path.chmod(0o600)
        for account in accounts:
            if account["username"] == "admin":
                demo_admin_ensure(username=account["username"], password=account["password"])
        return accounts

    def _run(self, bind: str, accounts: list[dict]) -> None:
        env = {**os.environ, "SECURE_COOKIES": os.environ.get("SECURE_COOKIES", "false")}
        manage = [sys.executable, "-m", "motcua.cli"]
        children = [
            subprocess.Popen([*manage, "serve", "--bind", bind], env=env),  # noqa: S603
            subprocess.Popen([*manage, "worker", "--verbosity", "0"], env=env),  # noqa: S603
        ]
        host = bind if not bind.startswith("0.0.0.0") else bind.replace("0.0.0.0", "127.0.0.1")  # noqa: S104
        lines = [
            "",
            "motcua is running — Một cửa đang chạy",
            f"  Cổng dịch vụ công / public portal: http://{host}/",
            f"  Quản trị / administration:         http://{host}/admin/",
            f"  Kiểm tra sức khỏe / health:         http://{host}/healthz",
            "  Tài khoản demo / demo accounts:",
            *[f"    {a['username']:<12} {a['password']:<20} {a['role']}" for a in accounts],
            "  Dừng / stop: Ctrl+C",
            "",
        ]
        self.stdout.write("\n".join(lines))

        def stop(*_):
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=25)
                except subprocess.TimeoutExpired:
                    child.kill()
