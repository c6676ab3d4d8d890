"""Where a submission and an official's transitions spend their time, in-process.

Runs N online submissions, receptions and hand-overs through the services on a throw-away
PostgreSQL database (durable commits, one transaction each, as a request makes them) and prints,
per operation: SQL statements, CPU-ms in Python, CPU-ms in the PostgreSQL backend (from /proc) and
wall-ms — beside a baseline in the same run, a transaction inserting a dossier row and an event row
through Django's cursor. ``--profile`` adds cProfile's top functions over the three operations.

    .venv/bin/python -m bench.profile_transitions \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres \\
        [--n 300] [--profile [--only receive] [--top 40]] [--prepared]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time
from collections.abc import Callable
from pathlib import Path

from bench.harness import RAW_DOSSIER, RAW_EVENT, bench_world, form_data, throwaway_database


def backend_cpu_seconds(pid: int) -> float:
    """CPU time of one PostgreSQL backend (same machine), from /proc; 0 when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", required=True, help="a PostgreSQL server URL (a database is created)"
    )
    parser.add_argument("--n", type=int, default=300, help="dossiers to submit, receive and hand over")
    parser.add_argument("--profile", action="store_true", help="also print cProfile's top functions")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--prepared",
        action="store_true",
        help="server-side binding with prepared statements (psycopg's prepare_threshold) for the run",
    )
    parser.add_argument(
        "--only", choices=("submit", "receive", "hand_over"), help="profile this operation alone"
    )
    args = parser.parse_args()
    with throwaway_database(args.database_url, prefix="motcua_profile") as bench:
        run(bench.name, args)


def run(name: str, args: argparse.Namespace) -> None:

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from motcua.accounts.models import User
    from motcua.dossiers.services import dossier_submit_online, dossier_transition

    print(f"setting up {name} …", flush=True)
    centre, officials, version = bench_world(("receiver", "processor"), prefix="profile")
    data = form_data(version)
    n = args.n
    warm = 5
    citizens = [  # an e-mail and a phone: the notice goes in-app, by e-mail and by SMS
        User.objects.create_user(
            username=f"vneid-profile-{i}",
            personal_id=f"0791{i:08d}",
            last_name="Nguyễn Văn An",
            phone="0912345678",
            email=f"an{i}@example.vn",
        )
        for i in range(n + warm)
    ]

    def fresh(user: User) -> User:
        user.__dict__.pop("_motcua_grants", None)  # a request starts with no cached grants
        return user

    def submit(i: int, key: str = "profile"):
        return dossier_submit_online(
            applicant=citizens[i],
            version=version,
            case_key="standard",
            data=data,
            documents={},
            unit=centre.unit,
            submission_key=f"{key}-{i}",
        )

    def receive(dossier):
        return dossier_transition(actor=fresh(officials["receiver"]), dossier=dossier, action="receive")

    def hand_over(dossier):
        return dossier_transition(
            actor=fresh(officials["receiver"]),
            dossier=dossier,
            action="hand_over",
            to_person=officials["processor"],
        )

    def raw(i: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(RAW_DOSSIER, [f"RAW-{i}", version.pk, centre.pk, centre.pk, centre.pk, "{}"])
            cursor.execute(RAW_EVENT, [cursor.fetchone()[0]])

    # Statements per operation (a warm one, after the first of each).
    dossiers = [submit(i) for i in range(warm)]
    for d in dossiers:
        hand_over(receive(d))
    counts = {}
    sample_i = n + warm - 1
    with CaptureQueriesContext(connection) as sql:
        sample = submit(sample_i)
    counts["submit"] = sql.captured_queries
    with CaptureQueriesContext(connection) as sql:
        sample = receive(sample)
    counts["receive"] = sql.captured_queries
    with CaptureQueriesContext(connection) as sql:
        hand_over(sample)
    counts["hand_over"] = sql.captured_queries
    with CaptureQueriesContext(connection) as sql:
        raw(-1)
    counts["raw insert"] = sql.captured_queries

    if args.prepared:
        connection.close()
        connection.settings_dict["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
        for i in range(warm):  # past the threshold on the new connection
            hand_over(receive(submit(i, key="prepared")))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    results: dict[str, list[float]] = {}

    def measure(label: str, items: list, op: Callable) -> list:
        out = []
        cpu, db, wall = time.process_time(), backend_cpu_seconds(backend), time.perf_counter()
        for item in items:
            out.append(op(item))
        count = max(1, len(items))
        results[label] = [
            (time.process_time() - cpu) * 1000 / count,
            (backend_cpu_seconds(backend) - db) * 1000 / count,
            (time.perf_counter() - wall) * 1000 / count,
        ]
        return out

    profiler = cProfile.Profile(time.process_time) if args.profile else None

    def profiled(label: str, op: Callable) -> Callable:
        if profiler is None or args.only not in (None, label):
            return op

        def run_profiled(item):
            profiler.enable()
            try:
                return op(item)
            finally:
                profiler.disable()

        return run_profiled

    measure("raw insert", list(range(n)), raw)
    submitted = measure("submit", list(range(warm, warm + n - 1)), profiled("submit", submit))
    received = measure("receive", submitted, profiled("receive", receive))
    measure("hand_over", received, profiled("hand_over", hand_over))

    print(f"\n{n - 1} of each on PostgreSQL (durable commits), one transaction per operation")
    print(f"{'operation':<12}{'SQL':>5}{'CPU-ms py':>11}{'CPU-ms pg':>11}{'wall-ms':>9}{'× raw (py)':>12}")
    base = results["raw insert"][0]
    for label in ("raw insert", "submit", "receive", "hand_over"):
        py, pg, wall = results[label]
        print(f"{label:<12}{len(counts[label]):>5}{py:>11.2f}{pg:>11.2f}{wall:>9.2f}{py / base:>12.1f}")
    if os.environ.get("PROFILE_SQL"):
        for label in ("submit", "receive", "hand_over"):
            print(f"\n-- {label}")
            for q in counts[label]:
                print("  ", q["sql"][:160])
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
