"""Dossiers under load: online submissions and officials' transitions against the production server.

An open-model load generator: requests are *scheduled* at a fixed arrival rate and each latency is
measured from its scheduled time, so a slow server cannot slow the clients down and hide its queue
(no coordinated omission). The server under test is `motcua serve` (gunicorn, several workers) on a
throw-away PostgreSQL database with durable commits. In the same run a baseline inserts the same
rows with raw psycopg, so the figures are read as ratios on this machine.

    .venv/bin/python -m bench.dossier_bench --database-url postgres://postgres@127.0.0.1:5432/postgres \\
        [--workers 2] [--threads 4] [--duration 10] [--rates 25,50,100,200]

Scenarios: (a) an online submission of the certificate-of-marital-status form; (c) a receiver's
reception of a submitted dossier (code from the day's counter, due date from the calendar). For
each rate: throughput achieved, p50/p90/p99 latency, errors; and the highest rate whose p99 is
within the issue's target. Also: SQL statements and server CPU-ms per operation.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TARGETS_MS = {"submit": 150.0, "receive": 100.0}
RAW_DOSSIER = """
INSERT INTO dossiers_dossier (
    reference, procedure_version_id, procedure_code, case_key, channel, applicant_enterprise_code,
    applicant_name, applicant_personal_id, applicant_phone, competent_agency_id, current_agency_id,
    receiving_agency_id, status, stage, step_key, data, provenance, paused_hours,
    supplement_requests, counts_as_late, outcome, submission_key, created_at, updated_at
) VALUES (
    %s, %s, '1.004873', 'standard', 2, '', 'A', '079090123456', '', %s, %s, %s, 1, '', '', %s,
    '{}', 0, 0, false, '', '', now(), now()
) RETURNING id
"""
RAW_EVENT = """
INSERT INTO dossiers_dossierevent
    (dossier_id, action, to_status, from_stage, to_stage, step_key, at, note, payload)
VALUES (%s, 'submit', 1, '', '', '', now(), '', '{}')
"""


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _server_cpu_seconds(pid: int) -> float:
    """CPU time of the gunicorn master and its workers, from /proc (Linux)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid, utime, stime = int(fields[1]), int(fields[11]), int(fields[12])
        if int(entry.name) == pid or ppid == pid:
            total += (utime + stime) / tick
    return total


def open_model(send, *, rate: float, duration: float, pool: ThreadPoolExecutor) -> dict:
    """Fire ``send(i)`` at ``rate`` per second for ``duration`` s; latency from the scheduled time."""
    count = int(rate * duration)
    start = time.perf_counter() + 0.2
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def one(i: int) -> None:
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        ok = send(i)
        elapsed = (time.perf_counter() - scheduled) * 1000
        with lock:
            latencies.append(elapsed)
            if not ok:
                errors[0] += 1

    futures = [pool.submit(one, i) for i in range(count)]
    for future in futures:
        future.result()
    took = time.perf_counter() - start
    return {
        "rate": rate,
        "done": len(latencies) - errors[0],
        "errors": errors[0],
        "throughput": (len(latencies) - errors[0]) / took,
        "p50": percentile(latencies, 50),
        "p90": percentile(latencies, 90),
        "p99": percentile(latencies, 99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", required=True, help="a PostgreSQL server URL (a database is created)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--rates", default="25,50,100,200")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]

    import psycopg

    name = f"motcua_bench_{secrets.token_hex(3)}"
    with psycopg.connect(args.database_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database_url = _with_database(args.database_url, name)
    workdir = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MOTCUA_VAR_DIR": str(workdir),
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "STATIC_MANIFEST": "false",
        "SECURE_COOKIES": "false",
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
    }
    os.environ.update(env)
    server = None
    try:
        import django

        django.setup()
        from datetime import date

        from django.contrib.sessions.backends.db import SessionStore
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from motcua.accounts.models import User
        from motcua.accounts.services import membership_grant, roles_ensure_defaults
        from motcua.catalogue.selectors import procedure_version_in_force
        from motcua.catalogue.services import catalogue_load
        from motcua.dossiers.models import Dossier
        from motcua.dossiers.services import dossier_submit_online, dossier_transition
        from motcua.places.models import Agency
        from motcua.places.services import places_load

        print(f"setting up {name} …", flush=True)
        call_command("migrate", verbosity=0)
        places_load()
        catalogue_load()
        roles_ensure_defaults()
        centre = Agency.objects.get(kind="commune_centre", unit__name="Phường Bến Thành")
        receiver = User.objects.create_user(username="bench.receiver")
        membership_grant(
            actor=None, user=receiver, agency=centre, role_key="receiver", valid_from=date(2025, 7, 1)
        )
        device = TOTPDevice.objects.create(user=receiver, name="bench", confirmed=True)
        version = procedure_version_in_force(code="1.004873")
        fields = [f for s in version.data["form"]["sections"] for f in s["fields"]]
        form = {"action": "submit", "case": "standard", "unit": centre.unit.code, "purpose.kind": "other"}
        typed = {
            "date": "1990-05-12",
            "personal_id": "079090123456",
            "phone": "0912345678",
            "email": "an@example.vn",
            "country": "VN",
            "checkbox": "on",
            "integer": "1",
        }
        for spec in fields:
            if spec.get("required") and spec["key"] not in form:
                options = spec.get("options")
                form[spec["key"]] = (
                    options[0]["value"] if options else typed.get(spec["type"], "Nội dung " * 3)
                )
        form["status.marital_status"] = "single"

        def session_for(user, *, otp: bool) -> str:
            store = SessionStore()
            store["_auth_user_id"] = str(user.pk)
            store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
            store["_auth_user_hash"] = user.get_session_auth_hash()
            if otp:
                store["otp_device_id"] = device.persistent_id
                store["backoffice_last_seen"] = time.time()
            store.save()
            return store.session_key

        citizens = [
            User.objects.create_user(
                username=f"vneid-bench-{i}", oidc_subject=f"bench-{i}", personal_id=f"0791{i:08d}"[:12]
            )
            for i in range(int(max(rates) * args.duration) + 10)
        ]
        citizen_sessions = [session_for(c, otp=False) for c in citizens]
        official_session = session_for(receiver, otp=True)

        # Statements per operation, measured in-process once.
        with CaptureQueriesContext(connection) as submit_sql:
            sample = dossier_submit_online(
                applicant=citizens[-1],
                version=version,
                case_key="standard",
                data={k: v for k, v in form.items() if "." in k},
                documents={},
                unit=centre.unit,
                submission_key="sql-count",
            )
        with CaptureQueriesContext(connection) as receive_sql:
            dossier_transition(actor=receiver, dossier=sample, action="receive")

        # Dossiers waiting for reception, for the transition scenario.
        print("creating submitted dossiers for the reception scenario …", flush=True)
        to_receive = []
        for i in range(int(sum(rates) * args.duration) + 10):
            to_receive.append(
                dossier_submit_online(
                    applicant=citizens[i % len(citizens)],
                    version=version,
                    case_key="standard",
                    data={k: v for k, v in form.items() if "." in k},
                    documents={},
                    unit=centre.unit,
                    submission_key=f"pre-{i}",
                ).pk
            )
        connection.close()

        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "motcua.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
            ],
            env={**env, "ALLOWED_HOSTS": "127.0.0.1,localhost"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import requests

        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        pool = ThreadPoolExecutor(max_workers=64)
        local = threading.local()

        def client() -> requests.Session:
            if not hasattr(local, "session"):
                local.session = requests.Session()
            return local.session

        csrf = secrets.token_hex(16)  # the double-submit cookie and header agree
        cookies_base = {"csrftoken": csrf}
        headers = {"X-CSRFToken": csrf, "Referer": base + "/"}
        counter = {"submit": 0, "receive": 0}
        lock = threading.Lock()

        def submit(_: int) -> bool:
            with lock:
                index = counter["submit"]
                counter["submit"] += 1
            cookies = {**cookies_base, "sessionid": citizen_sessions[index % len(citizen_sessions)]}
            response = client().post(
                f"{base}/tai-khoan/nop/1.004873",
                data=form,
                cookies=cookies,
                headers=headers,
                allow_redirects=False,
            )
            return response.status_code == 302 and "/tai-khoan/ho-so" in response.headers.get("Location", "")

        def receive(_: int) -> bool:
            with lock:
                pk = to_receive[counter["receive"]]
                counter["receive"] += 1
            cookies = {**cookies_base, "sessionid": official_session}
            response = client().post(
                f"{base}/van-phong/ho-so/{pk}/receive",
                cookies=cookies,
                headers=headers,
                allow_redirects=False,
            )
            return response.status_code == 302 and f"/van-phong/ho-so/{pk}" in response.headers.get(
                "Location", ""
            )

        results = {}
        for scenario, send in (("submit", submit), ("receive", receive)):
            results[scenario] = []
            for rate in rates:
                cpu_before = _server_cpu_seconds(server.pid)
                outcome = open_model(send, rate=rate, duration=args.duration, pool=pool)
                outcome["cpu_ms"] = (
                    (_server_cpu_seconds(server.pid) - cpu_before) * 1000 / max(1, outcome["done"])
                )
                results[scenario].append(outcome)
                o = outcome
                print(
                    f"{scenario:8s} rate {rate:6.0f}/s → {o['throughput']:7.1f}/s ok, {o['errors']} errors, "
                    f"p50 {o['p50']:7.1f} ms, p90 {o['p90']:7.1f} ms, p99 {o['p99']:7.1f} ms, "
                    f"{o['cpu_ms']:.1f} CPU-ms per operation",
                    flush=True,
                )

        # Baseline: the same rows inserted with raw psycopg, one transaction each, durable commits.
        with psycopg.connect(database_url) as raw:
            template = raw.execute(
                "SELECT procedure_version_id, competent_agency_id, current_agency_id, receiving_agency_id "
                "FROM dossiers_dossier LIMIT 1"
            ).fetchone()
            n = 500
            started = time.perf_counter()
            for i in range(n):
                with raw.transaction():
                    values = (f"RAW-{i}", *template, psycopg.types.json.Jsonb(form))
                    row = raw.execute(RAW_DOSSIER, values).fetchone()
                    raw.execute(RAW_EVENT, (row[0],))
            raw_rate = n / (time.perf_counter() - started)

        print()
        print(f"SQL statements: submission {len(submit_sql)}, reception {len(receive_sql)}")
        print(f"baseline: raw psycopg insert of a dossier and its event: {raw_rate:.0f}/s (one connection)")
        for scenario, rows in results.items():
            target = TARGETS_MS[scenario]
            good = [r for r in rows if r["p99"] <= target and r["errors"] == 0]
            best = max(good, key=lambda r: r["throughput"]) if good else None
            if best:
                line = (
                    f"{scenario}: {best['throughput']:.1f}/s with p99 {best['p99']:.1f} ms ≤ {target:.0f} ms"
                )
                if scenario == "submit":
                    line += f" ({best['throughput'] / raw_rate:.2%} of the raw insert rate)"
                print(line)
            else:
                print(f"{scenario}: no tried rate kept p99 ≤ {target:.0f} ms")
        print(f"statuses: {Dossier.objects.filter(status=2).count()} received in total")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        from django.db import connections

        connections.close_all()
        with psycopg.connect(args.database_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
