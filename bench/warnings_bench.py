"""The early-warning sweep over 200,000 open dossiers on PostgreSQL, against a naive per-dossier
working-hours computation over the same rows, in one run.

A throw-away PostgreSQL database gets the province's units and agencies, the catalogue, five
officials per ward of 168 (three processors and a head at the ward's centre, the leader of its
People's Committee) and ``--open`` dossiers being processed (status 2, 4 or 7: received, being
processed, withdrawal asked) plus ``--closed`` finished ones, written by one ``INSERT … SELECT
generate_series`` (plain indexes dropped and rebuilt, as a bulk load is done). The open dossiers'
appointments are spread around now: about 3 % more than 48 working hours late, 5 % late by less,
12 % due within a day and a half, the rest later; a few have no assignee; 1 % were guided twice.

Measured:
- the baseline: every open dossier read with its due time, its working hours to now computed one by
  one with the agency's calendar, classified, and compared with the warnings already recorded — what
  a sweep written without boundaries does; its answer is kept to check the sweep's;
- the first sweep (everything near-due or late is new: thousands of warnings and the officials'
  notices written in one transaction), reported apart;
- the steady state: sweeps 15 minutes apart, then repeated at the same moment (nothing new to send),
  p50/p95 over ``--repeat`` runs, and the ratio baseline / steady-state sweep;
- the board's queries for the province's leader (backlog per agency, by official, the first page of
  the list, the dossiers guided more than once).

    .venv/bin/python -m bench.warnings_bench --database-url postgres://postgres@127.0.0.1:5432/postgres \\
        [--open 200000] [--closed 300000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import contextlib
import time
from datetime import date, timedelta
from typing import Any

from bench.harness import percentile, throwaway_database

TARGET_SECONDS = 1.0
COMMUNES = 168
PROCESSORS = 3

GENERATE = """
INSERT INTO dossiers_dossier (
    reference, code, procedure_version_id, procedure_code, case_key, channel, applicant_enterprise_code,
    applicant_name, applicant_personal_id, applicant_phone, competent_agency_id, current_agency_id,
    receiving_agency_id, assignee_id, status, stage, step_key, data, provenance, submitted_at,
    received_at, due_at, current_due_at, statistics_due_at, paused_hours, supplement_requests,
    counts_as_late, outcome, finished_at, e_result_code, submission_key, created_at, updated_at
)
SELECT
    'WB' || lpad(g::text, 10, '0'),
    (%(centre_codes)s::text[])[k + 1] || '-' || to_char(received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYMMDD')
        || '-' || lpad(g::text, 7, '0'),
    %(version_id)s, %(version_code)s, 'standard', 1, '', 'Nguyễn Văn An', '079090123456', '',
    (%(committees)s::bigint[])[k + 1], (%(centres)s::bigint[])[k + 1], (%(centres)s::bigint[])[k + 1],
    CASE WHEN status = 2 OR r_assignee < 0.1 THEN NULL
         ELSE (%(processors)s::bigint[])[1 + k * %(per_ward)s + floor(r_assignee * %(per_ward)s)::int] END,
    status, CASE WHEN status = 4 THEN 'assigned' ELSE '' END, '', '{}', '{}', NULL,
    received_at, due, due, due, 0,
    CASE WHEN r_guided < 0.01 THEN 2 WHEN r_guided < 0.05 THEN 1 ELSE 0 END,
    r_guided < 0.01, CASE WHEN status = 10 THEN 'granted' ELSE '' END,
    CASE WHEN status = 10 THEN due - interval '1 day' END, '', '', received_at, received_at
FROM (
    SELECT *, due - interval '5 days' AS received_at
    FROM (
        SELECT *,
            CASE WHEN g > %(open)s THEN 10
                 WHEN r_status < 0.2 THEN 2 WHEN r_status < 0.98 THEN 4 ELSE 7 END AS status,
            CASE WHEN g > %(open)s THEN %(now)s::timestamptz - (1 + r_due * 700) * interval '1 day'
                 WHEN r_level < 0.03 THEN %(now)s::timestamptz - (7 + r_due * 30) * interval '1 day'
                 WHEN r_level < 0.08 THEN %(now)s::timestamptz - r_due * interval '2 days'
                 WHEN r_level < 0.20 THEN %(now)s::timestamptz + r_due * interval '36 hours'
                 ELSE %(now)s::timestamptz + (2 + r_due * 28) * interval '1 day' END AS due
        FROM (
            SELECT g, floor(power(random(), 1.5) * %(communes)s)::int AS k,
                random() AS r_status, random() AS r_level, random() AS r_due, random() AS r_assignee,
                random() AS r_guided
            FROM generate_series(1, %(n)s) AS g
            OFFSET 0
        ) AS drawn
        OFFSET 0
    ) AS dated
    OFFSET 0
) AS ready
"""
PLAIN_INDEXES = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.tablename = 'dossiers_dossier'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)
"""


def setup(bench: Any) -> dict[str, Any]:
    """Units, agencies, catalogue, roles and five officials per ward; the wards' agencies."""
    from django.core.management import call_command

    from motcua.accounts.models import Membership, Role, User
    from motcua.accounts.services import roles_ensure_defaults
    from motcua.catalogue.selectors import procedure_version_in_force
    from motcua.catalogue.services import catalogue_load
    from motcua.places.models import Agency
    from motcua.places.services import places_load

    call_command("migrate", verbosity=0)
    places_load()
    catalogue_load()
    roles_ensure_defaults()
    centres = list(
        Agency.objects.filter(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, valid_to__isnull=True)
        .select_related("unit")
        .order_by("id")
    )[:COMMUNES]
    committees = {a.unit_id: a for a in Agency.objects.filter(kind=Agency.Kind.COMMUNE_PEOPLES_COMMITTEE)}
    wards = [(centre, committees[centre.unit_id]) for centre in centres if centre.unit_id in committees]
    roles = dict(Role.objects.values_list("key", "pk"))
    users, memberships, processors = [], [], []
    for i, (centre, committee) in enumerate(wards):
        people = [
            (
                User(username=f"wb.{i}.processor{j}", password="!", email=f"xl{i}.{j}@example.vn"),
                centre,
                "processor",
            )
            for j in range(PROCESSORS)
        ]
        people.append(
            (User(username=f"wb.{i}.head", password="!", email=f"tp{i}@example.vn"), centre, "head")
        )
        people.append((User(username=f"wb.{i}.leader", password="!"), committee, "leader"))
        users += [u for u, _, _ in people]
        memberships.append(people)
    User.objects.bulk_create(users)
    rows = []
    for people in memberships:
        for user, agency, role in people:
            rows.append(
                Membership(user=user, agency=agency, role_id=roles[role], valid_from=date(2025, 7, 1))
            )
            if role == "processor":
                processors.append(user.pk)
    Membership.objects.bulk_create(rows)
    version = procedure_version_in_force(code="1.004873")
    return {
        "centres": [c.pk for c, _ in wards],
        "centre_codes": [c.electronic_id for c, _ in wards],
        "committees": [p.pk for _, p in wards],
        "processors": processors,
        "version": version,
        "officials": len(users),
    }


def generate(bench: Any, world: dict[str, Any], *, open_n: int, closed_n: int, at: Any) -> dict[str, float]:
    import psycopg

    params = {
        "n": open_n + closed_n,
        "open": open_n,
        "now": at,
        "communes": len(world["centres"]),
        "centres": world["centres"],
        "centre_codes": world["centre_codes"],
        "committees": world["committees"],
        "processors": world["processors"],
        "per_ward": PROCESSORS,
        "version_id": world["version"].pk,
        "version_code": world["version"].code,
    }
    took = {}
    with psycopg.connect(bench.database_url, autocommit=True) as raw:
        raw.execute("SET synchronous_commit = off")
        raw.execute("SET maintenance_work_mem = '256MB'")
        with contextlib.suppress(psycopg.Error):  # rows valid by construction: no per-row FK triggers
            raw.execute("SET session_replication_role = replica")
        plain = raw.execute(PLAIN_INDEXES).fetchall()
        for name, _ in plain:
            raw.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        raw.execute(GENERATE, params)
        took["insert"] = time.perf_counter() - started
        started = time.perf_counter()
        for _, definition in plain:
            raw.execute(definition)
        took["indexes"] = time.perf_counter() - started
        raw.execute("VACUUM (ANALYZE) dossiers_dossier")
    return took


def naive_sweep(at: Any) -> set[tuple[int, str]]:
    """The baseline: every open dossier read, its working hours to ``at`` computed one by one with its
    agency's calendar (the calendars themselves resolved once, as the sweep does), classified, less
    the warnings already recorded."""
    from motcua.dossiers.models import Dossier
    from motcua.operations.models import Escalation
    from motcua.operations.selectors import OPEN_STATUSES
    from motcua.operations.warnings import calendar_groups, warning_config

    config = warning_config()
    groups = calendar_groups()
    sent = set(Escalation.objects.values_list("dossier_id", "level", "due_at"))
    found = set()
    rows = Dossier.objects.filter(
        status__in=OPEN_STATUSES, parent__isnull=True, paused_since__isnull=True, current_due_at__isnull=False
    ).values_list("pk", "competent_agency_id", "current_due_at")
    for pk, agency_id, due in rows.iterator(chunk_size=5000):
        calendar = next(g.calendar for g in groups if g.holds(agency_id))
        hours = calendar.working_hours_between(at, due)  # positive: still ahead
        if due >= at:
            level = "remind" if hours <= config.remind_within_hours else None
        else:
            level = "department" if -hours <= config.department_late_up_to_hours else "agency"
        if level is not None and (pk, level, due) not in sent:
            found.add((pk, level))
    return found


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", required=True, help="a PostgreSQL server URL (a database is created)"
    )
    parser.add_argument("--open", type=int, default=200_000, help="open dossiers (default 200,000)")
    parser.add_argument("--closed", type=int, default=300_000, help="finished dossiers beside them")
    parser.add_argument("--repeat", type=int, default=20, help="steady-state sweeps timed (default 20)")
    args = parser.parse_args()
    with throwaway_database(args.database_url, prefix="motcua_bench_warn") as bench:
        run(bench, args)


def run(bench: Any, args: Any) -> None:
    from django.db import connection

    from motcua.core.time import now
    from motcua.notifications.models import Message
    from motcua.operations.models import Escalation
    from motcua.operations.warning_selectors import (
        BoardScope,
        backlog_by_agency,
        multi_supplement_dossiers,
        warning_clock,
        warning_dossiers,
        warnings_by_official,
    )
    from motcua.operations.warnings import warnings_sweep
    from motcua.places.models import Agency

    started = time.perf_counter()
    world = setup(bench)
    print(
        f"set-up (places, catalogue, {world['officials']} officials): {time.perf_counter() - started:.1f} s"
    )
    at = now()
    took = generate(bench, world, open_n=args.open, closed_n=args.closed, at=at)
    print(
        f"{args.open:,} open + {args.closed:,} finished dossiers: insert {took['insert']:.1f} s, "
        f"indexes {took['indexes']:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(" on ")[0])

    # The baseline first, on the untouched rows: its answer is what the first sweep must send.
    naive_first_s, expected = timed(naive_sweep, at)
    first_s, first = timed(warnings_sweep, at=at)
    recorded = set(Escalation.objects.values_list("dossier_id", "level"))
    print(
        f"\nfirst sweep (everything near-due or late is new): {first_s * 1000:8.1f} ms — {first.total:,} "
        f"warnings ({first.counts['remind']:,} reminders, {first.counts['department']:,} to heads of "
        f"department, {first.counts['agency']:,} to heads of agency), {Message.objects.count():,} messages"
    )
    print(
        f"baseline over the same rows:                        {naive_first_s * 1000:8.1f} ms — "
        f"{len(expected):,} found; differences from the sweep: {len(expected ^ recorded)}"
    )

    # Steady state: the worker's cadence (15 minutes later: a few dossiers crossed a boundary), then
    # sweeps with nothing new to send.
    later = at + timedelta(minutes=15)
    cadence_s, cadence = timed(warnings_sweep, at=later)
    print(f"\nsweep 15 minutes later: {cadence_s * 1000:8.1f} ms — {cadence.total:,} new warnings")
    samples, naive_samples = [], []
    for _ in range(args.repeat):
        seconds, report = timed(warnings_sweep, at=later)
        assert report.total == 0, str(report)
        samples.append(seconds * 1000)
    for _ in range(max(3, args.repeat // 5)):
        seconds, found = timed(naive_sweep, later)
        assert not found, f"the baseline found {len(found)} the sweep did not send"
        naive_samples.append(seconds * 1000)
    p50, p95, naive50 = percentile(samples, 50), percentile(samples, 95), percentile(naive_samples, 50)
    print(
        f"steady state (nothing new), {args.repeat} sweeps:   p50 {p50:8.1f} ms, p95 {p95:8.1f} ms, "
        f"max {max(samples):8.1f} ms"
    )
    print(f"baseline (per-dossier working hours), p50:       {naive50:8.1f} ms")
    print(f"ratio baseline / sweep (p50): {naive50 / p50:.0f}×; target: a sweep under {TARGET_SECONDS:.0f} s")

    # The board, as the province's leader reads it.
    province = Agency.objects.get(pk=world["committees"][0]).unit.parent_id
    agencies = Agency.objects.filter(unit__parent_id=province).values_list("pk", flat=True)
    scope = BoardScope(agency_ids=frozenset(agencies), province_id=province)
    clock = warning_clock(later)
    print("\nthe board for the province's leader (p50 of 10, ms):")
    for label, call in (
        ("backlog per agency", lambda: backlog_by_agency(scope, clock)),
        ("by official", lambda: warnings_by_official(scope, clock)),
        ("first page of the list", lambda: warning_dossiers(scope, clock, limit=50)),
        ("guided more than once", lambda: multi_supplement_dossiers(scope, limit=20)),
    ):
        call()
        runs = [timed(call)[0] * 1000 for _ in range(10)]
        print(f"  {label:24s} {percentile(runs, 50):8.1f}")


if __name__ == "__main__":
    main()
