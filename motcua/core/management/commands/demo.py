"""``motcua demo``: set up everything on the embedded defaults and run the system."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from motcua.accounts.demo import demo_officials_ensure, demo_totp_ensure
from motcua.accounts.devidp.services import dev_identities_ensure
from motcua.accounts.services import demo_admin_ensure
from motcua.catalogue.services import catalogue_load
from motcua.dossiers.demo import demo_dossiers_ensure
from motcua.places.selectors import places_loaded
from motcua.registries.selectors import registry_is_empty, registry_sample_adults, registry_sample_born_abroad
from motcua.results.services import signing_demo_ensure

SHOWN = ("admin", "citizens", "benthanh.receiver", "benthanh.processor", "benthanh.signer", "hcm.leader")


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
        if registry_is_empty():
            self.stdout.write("  generating the synthetic population (20,000 people, 2,000 businesses)…")
            call_command("registry", "generate", "--no-progress", verbosity=0)
        report = catalogue_load()
        self.stdout.write(
            f"  procedure catalogue: {len(report.loaded)} new versions, {len(report.unchanged)} unchanged"
        )
        for error in report.errors:
            self.stderr.write(f"  {error}")
        accounts = self._accounts()
        made = demo_dossiers_ensure()
        if made:
            self.stdout.write(f"  {made} sample dossiers at Phường Bến Thành's centre")
        self._operations()
        certificates = signing_demo_ensure()
        if certificates:
            self.stdout.write(f"  demo signing CA and {certificates} agency certificates under var/signing")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"  ready in {time.monotonic() - started:.1f} s")
        if setup_only:
            return
        self._run(bind, accounts)

    def _operations(self) -> None:
        """The operations centre's figures: a synthetic history once, and the summaries counted for
        dossiers made before they existed (an upgraded demo database)."""
        from motcua.operations.generate import history_generate, history_present
        from motcua.operations.summaries import summaries_missing, summaries_rebuild

        if summaries_missing():
            self.stdout.write(f"  counting {summaries_rebuild()} dossiers into the service index's summaries")
        if not history_present():
            self.stdout.write(
                "  loading a synthetic history for the operations centre (5,000 dossiers, 2 years)…"
            )
            history_generate(dossiers=5000, years=2, seed=766)

    def _accounts(self) -> list[dict]:
        """Demo accounts, with passwords and TOTP secrets generated on first run and kept in var/
        (never in git), so they stay the same from one run to the next."""
        path = settings.VAR_DIR / "demo-accounts.json"
        known = {a["username"]: a for a in json.loads(path.read_text())} if path.exists() else {}
        admin = known.get("admin") or {
            "username": "admin",
            "password": secrets.token_urlsafe(12),
            "role": "system administrator (Django admin)",
        }
        admin_user = demo_admin_ensure(username="admin", password=admin["password"])
        admin["totp_secret"] = demo_totp_ensure(user=admin_user, secret_b32=admin.get("totp_secret"))
        citizens = known.get("citizens") or {
            "username": "citizens",
            "password": secrets.token_urlsafe(9),
            "totp_secret": "-",
            "role": "demo citizens at /dev-idp/ (any of them)",
        }
        people = dev_identities_ensure(password=citizens["password"])
        self.citizen_password = citizens["password"]
        examples = registry_sample_adults(count=2) or [(p.personal_id, p.full_name) for p in people[:2]]
        citizens["role"] = "e-ID password of every adult of the synthetic population, e.g. " + ", ".join(
            f"{pid} {name}" for pid, name in examples
        )
        abroad = registry_sample_born_abroad()
        if abroad:
            citizens["role"] += (
                f"; born abroad (civil status goes to the verification queue): {abroad[0]} {abroad[1]}"
            )
        accounts = [admin, citizens, *demo_officials_ensure(known=known)]
        path.write_text(json.dumps(accounts, indent=2, ensure_ascii=False))
        path.chmod(0o600)
        return accounts

    def _run(self, bind: str, accounts: list[dict]) -> None:
        host, _, port = bind.rpartition(":")
        if not _port_free(host, int(port)):
            raise CommandError(
                f"Cổng {bind} đang được dùng — có thể motcua đã chạy rồi. / Port {bind} is in use: is motcua "
                f"already running? Stop it, or choose another port: motcua demo --bind {host}:{int(port) + 1}"
            )
        env = {
            **os.environ,
            "SECURE_COOKIES": os.environ.get("SECURE_COOKIES", "false"),
            "DEMO": "true",
            "DEV_IDP": "true",
            "DEV_IDP_PASSWORD": self.citizen_password,
        }
        manage = [sys.executable, "-m", "motcua.cli"]
        children = {
            "web": subprocess.Popen([*manage, "serve", "--bind", bind], env=env),  # noqa: S603
            "worker": subprocess.Popen([*manage, "worker", "--verbosity", "0"], env=env),  # noqa: S603
        }

        stopping = []

        def stop(*_):
            stopping.append(True)
            for child in children.values():
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"  # noqa: S104
            if not _wait_until_up(f"{url}/healthz", children):
                raise CommandError("The web server did not start; see the messages above.")
            self.stdout.write(_banner(url, accounts))
            while all(child.poll() is None for child in children.values()):
                time.sleep(0.5)
            dead = [name for name, child in children.items() if child.poll() is not None]
            if stopping:
                return
            raise CommandError(f"The {' and '.join(dead)} process stopped; stopping the demo.")
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children.values():
                try:
                    child.wait(timeout=25)
                except subprocess.TimeoutExpired:
                    child.kill()


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does: ignore TIME_WAIT
        try:
            sock.bind((host.strip("[]") or "0.0.0.0", port))  # noqa: S104
        except OSError:
            return False
    return True


def _wait_until_up(url: str, children: dict, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children.values()):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 — our own local server
                return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    return False


def _banner(url: str, accounts: list[dict]) -> str:
    shown = [a for a in accounts if a["username"] in SHOWN] or accounts[:4]
    lines = [
        "",
        "motcua is running — Một cửa đang chạy",
        f"  Cổng dịch vụ công / public portal: {url}/",
        f"  Quản trị / administration:         {url}/admin/",
        f"  Tình trạng / health:               {url}/healthz",
        f"  Văn phòng cán bộ / officials' back office: {url}/van-phong/",
        "  Tài khoản demo (mật khẩu, mã TOTP) / demo accounts (password, TOTP secret):",
        *[f"    {a['username']:<20} {a['password']:<18} {a['totp_secret']}  {a['role']}" for a in shown],
        f"    … {len(accounts) - len(shown)} more in var/demo-accounts.json",
        "  Mã xác thực hiện tại / current 2FA code: DEMO=true .venv/bin/motcua accounts code <username>",
        "  Dừng / stop: Ctrl+C",
        "",
    ]
    return "\n".join(lines)
