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
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench.harness import (
    RAW_DOSSIER,
    RAW_EVENT,
    bench_world,
    best_within,
    form_data,
    free_port,
    motcua_serve,
    open_model,
    report_line,
    server_cpu_seconds,
    session_for,
    thread_local_client,
    throwaway_database,
)

TARGETS_MS = {"submit": 150.0, "receive": 100.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", required=True, help="a PostgreSQL server URL (a database is created)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--rates", default="25,50,100,200")
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    args.port = args.port or free_port()
    with throwaway_database(args.database_url) as bench:
        run(bench, args, rates)


def run(bench, args, rates: list[float]) -> None:

    import psycopg
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.models import User
    from motcua.catalogue.selectors import procedure_version_in_force
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.services import dossier_submit_online, dossier_transition

    print(f"setting up {bench.name} …", flush=True)
    centre, officials, version = bench_world(("receiver",), prefix="bench")
    receiver = officials["receiver"]
    device = TOTPDevice.objects.create(user=receiver, name="bench", confirmed=True)
    version = procedure_version_in_force(code="1.004873")
    form = submission_form(version, centre.unit.code)

    citizens = [
        User.objects.create_user(
            username=f"vneid-bench-{i}", oidc_subject=f"bench-{i}", personal_id=f"0791{i:08d}"[:12]
        )
        for i in range(int(max(rates) * args.duration) + 10)
    ]
    citizen_sessions = [session_for(c) for c in citizens]
    official_session = session_for(receiver, device=device)

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

    base = f"http://127.0.0.1:{args.port}"
    pool = ThreadPoolExecutor(max_workers=64)
    client = thread_local_client()
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

    results: dict[str, list[dict]] = {}
    with motcua_serve(bench, port=args.port, workers=args.workers, threads=args.threads) as server:
        for scenario, send in (("submit", submit), ("receive", receive)):
            results[scenario] = []
            for rate in rates:
                cpu_before = server_cpu_seconds(server.pid)
                outcome = open_model(send, rate=rate, duration=args.duration, pool=pool)
                outcome["cpu_ms"] = (
                    (server_cpu_seconds(server.pid) - cpu_before) * 1000 / max(1, outcome["done"])
                )
                results[scenario].append(outcome)
                print(report_line(scenario, outcome), flush=True)
    pool.shutdown()

    # Baseline: the same rows inserted with raw psycopg, one transaction each, durable commits.
    with psycopg.connect(bench.database_url) as raw:
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
        best = best_within(rows, target)
        if best:
            line = f"{scenario}: {best['throughput']:.1f}/s with p99 {best['p99']:.1f} ms ≤ {target:.0f} ms"
            if scenario == "submit":
                line += f" ({best['throughput'] / raw_rate:.2%} of the raw insert rate)"
            print(line)
        else:
            print(f"{scenario}: no tried rate kept p99 ≤ {target:.0f} ms")
    print(f"statuses: {Dossier.objects.filter(status=2).count()} received in total")


def submission_form(version, unit_code: str) -> dict[str, str]:
    """What the application page posts for ``version``: ``form_data`` as a browser sends it."""
    form = {"action": "submit", "case": "standard", "unit": unit_code}
    form.update({k: "on" if v is True else str(v) for k, v in form_data(version).items()})
    return form


if __name__ == "__main__":
    main()
