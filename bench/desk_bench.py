"""An official's desk queue over a million dossiers: latency of the first page, a deep keyset page
and a search, through `motcua serve`, against the same SQL run directly.

Scenario (d) of issue 6. A throw-away PostgreSQL database gets 1,000,000 dossiers written by one
`INSERT … SELECT generate_series` (the plain indexes dropped before and rebuilt after, as a bulk
load is done), spread like a year of a city's work: 168 communes and the city's centre, busy
communes busier (a power law), the procedures of the shipped catalogue routed to the agencies that
decide them (`competent_agencies_for`), statuses by age (the last days open, older ones mostly
delivered, a few stale ones still open and late), assignees, form data and provenance of a
realistic size. Two officials (receiver + processor) sign in with password and second factor:
one at the city's Public Administration Service Centre (the biggest desk, about a quarter of all
dossiers), one at the busiest ward's centre.

Measured, for each page: p50/p90/p99 under an open-model load at each rate (latency from the
scheduled time), CPU-ms per page, and in the same run the baseline — the page's own SQL (what
`desk_queue` sends, captured in-process) run directly with psycopg, one at a time. Also the SQL
time of every queue for both officials, and (with --explain) the plans.

    .venv/bin/python -m bench.desk_bench --database-url postgres://postgres@127.0.0.1:5432/postgres \\
        [--dossiers 1000000] [--rates 25,50,100] [--duration 5] [--explain] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import re
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

from bench.harness import (
    best_within,
    free_port,
    measure_rate,
    motcua_serve,
    percentile,
    report_line,
    session_for,
    thread_local_client,
    throwaway_database,
)

TARGET_P99_MS = 40.0
COMMUNES = 168
CITY_PROCESSORS = 30
COMMUNE_PROCESSORS = 3
FAMILY = "Nguyễn Nguyễn Nguyễn Nguyễn Trần Trần Lê Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý"
MIDDLE = "Văn Thị Minh Ngọc Hoàng Thanh Quốc Hữu Thu Gia"
GIVEN = "An Bình Chi Dũng Hà Hải Hương Khang Lan Long Mai Nam Phúc Quân Tâm Thảo Trang Tuấn Vy Yến Đức Hùng"
STREETS = "Lê Lợi|Nguyễn Huệ|Hai Bà Trưng|Lý Tự Trọng|Pasteur|Điện Biên Phủ|Cách Mạng Tháng Tám|Võ Văn Tần"

# One row per dossier; the innermost level draws the random numbers once per row (a volatile target
# list is never pulled up into the outer levels), the middle one derives status and names from them.
GENERATE = """
INSERT INTO dossiers_dossier (
    reference, code, procedure_version_id, procedure_code, case_key, channel, applicant_enterprise_code,
    applicant_name, applicant_personal_id, applicant_phone, competent_agency_id, current_agency_id,
    receiving_agency_id, assignee_id, status, stage, step_key, data, provenance, submitted_at,
    received_at, due_at, current_due_at, paused_since, paused_hours, supplement_requests,
    counts_as_late, outcome, finished_at, submission_key, created_at, updated_at
)
SELECT
    'HS' || lpad(g::text, 10, '0'),
    CASE WHEN status = 1 THEN NULL ELSE (%(agency_codes)s::text[])[receiving] || '-'
        || to_char(received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-' || lpad(g::text, 7, '0') END,
    (%(version_ids)s::bigint[])[v + 1], (%(version_codes)s::text[])[v + 1],
    (%(version_cases)s::text[])[v + 1],
    channel, '', name, personal_id, phone, competent,
    CASE WHEN status IN (4, 9, 10) AND r_moved < 0.3 THEN competent ELSE current_id END,
    receiving,
    CASE WHEN status IN (1, 2, 3) THEN NULL
         WHEN provincial THEN (%(city_pool)s::bigint[])[1 + floor(r_assignee * %(city_n)s)::int]
         ELSE (%(commune_pool)s::bigint[])[1 + k * %(commune_n)s + floor(r_assignee * %(commune_n)s)::int]
    END,
    status,
    CASE WHEN status = 4 AND r_stage < 0.2 THEN 'awaiting_signature'
         WHEN status = 4 AND r_stage < 0.8 THEN 'assigned' ELSE '' END,
    '',
    jsonb_build_object(
        'applicant.full_name', name, 'applicant.personal_id', personal_id, 'applicant.phone', phone,
        'applicant.date_of_birth', (date '1950-01-01' + (r_stage * 20000)::int)::text,
        'residence.address', jsonb_build_object(
            'kind', 'text', 'text', (1 + (r_due * 300)::int)::text || ' '
            || (%(streets)s::text[])[1 + (r_moved * 7.99)::int] || ', Thành phố Hồ Chí Minh'),
        'purpose.kind', 'other',
        'purpose.detail', 'Bổ sung hồ sơ xin việc làm tại doanh nghiệp trên địa bàn thành phố',
        'status.marital_status', 'single', 'declaration.agree', true),
    CASE WHEN channel = 2 AND r_channel < 0.42 THEN jsonb_build_object(
        'applicant.full_name', jsonb_build_object('source', 'population', 'record', personal_id,
            'retrieved_at', at, 'verified', true, 'registry_value', name),
        'applicant.date_of_birth', jsonb_build_object('source', 'population', 'record', personal_id,
            'retrieved_at', at, 'verified', true, 'registry_value', null))
    ELSE '{}' END,
    CASE WHEN channel = 2 THEN at END,
    received_at,
    received_at + (3 + floor(r_due * 12)::int) * interval '1 day',
    received_at + (3 + floor(r_due * 12)::int + CASE WHEN status = 5 THEN 2 ELSE 0 END) * interval '1 day',
    CASE WHEN status = 5 THEN received_at + interval '2 days' END,
    0,
    CASE WHEN status = 5 THEN 1 ELSE 0 END,
    false,
    CASE WHEN status IN (9, 10) THEN 'granted' WHEN status = 3 THEN 'refused' ELSE '' END,
    CASE WHEN status IN (3, 8, 10) THEN received_at + (1 + floor(r_due * 10)::int) * interval '1 day' END,
    '',
    at,
    at
FROM (
    SELECT *,
        CASE WHEN status = 1 THEN NULL WHEN channel = 2 THEN at + r_due * interval '8 hours' ELSE at END
            AS received_at,
        (%(route_competent)s::bigint[])[v * %(communes)s + k + 1] AS competent,
        (%(route_current)s::bigint[])[v * %(communes)s + k + 1] AS current_id,
        (%(provincial)s::boolean[])[v + 1] AS provincial,
        CASE WHEN (%(provincial)s::boolean[])[v + 1] AND r_receiving < 0.6 THEN %(city_centre)s::bigint
             WHEN r_receiving < 0.9 OR (%(provincial)s::boolean[])[v + 1] THEN (%(centres)s::bigint[])[k + 1]
             ELSE (%(centres)s::bigint[])[1 + (k * 7 + 13) %% %(communes)s] END AS receiving,
        (%(family)s::text[])[1 + floor(r_name * cardinality(%(family)s::text[]))::int]
            || ' ' || (%(middle)s::text[])[1 + floor(r_middle * cardinality(%(middle)s::text[]))::int]
            || ' ' || (%(given)s::text[])[1 + floor(r_given * cardinality(%(given)s::text[]))::int] AS name
    FROM (
        SELECT *,
            CASE WHEN age < 3 THEN
                    CASE WHEN r_status < 0.35 THEN 1 WHEN r_status < 0.60 THEN 2 WHEN r_status < 0.90 THEN 4
                         WHEN r_status < 0.95 THEN 5 WHEN r_status < 0.98 THEN 9 ELSE 10 END
                 WHEN age < 30 THEN
                    CASE WHEN r_status < 0.01 THEN 1 WHEN r_status < 0.06 THEN 2 WHEN r_status < 0.31 THEN 4
                         WHEN r_status < 0.37 THEN 5 WHEN r_status < 0.38 THEN 6 WHEN r_status < 0.39 THEN 7
                         WHEN r_status < 0.51 THEN 9 WHEN r_status < 0.53 THEN 3 WHEN r_status < 0.54 THEN 8
                         ELSE 10 END
                 ELSE
                    CASE WHEN r_status < 0.001 THEN 2 WHEN r_status < 0.005 THEN 4 WHEN r_status < 0.02 THEN 5
                         WHEN r_status < 0.04 THEN 9 WHEN r_status < 0.07 THEN 3 WHEN r_status < 0.09 THEN 8
                         ELSE 10 END
            END AS status,
            CASE WHEN r_channel < 0.6 THEN 2 WHEN r_channel < 0.98 THEN 1 ELSE 3 END AS channel
        FROM (
            SELECT g,
                %(start)s::timestamptz + (g::float8 / %(n)s) * (%(end)s::timestamptz - %(start)s::timestamptz)
                    AS at,
                (1 - g::float8 / %(n)s) * %(days)s AS age,
                floor(power(random(), 1.5) * %(communes)s)::int AS k,
                floor(random() * %(versions)s)::int AS v,
                random() AS r_status, random() AS r_stage, random() AS r_channel, random() AS r_receiving,
                random() AS r_due, random() AS r_assignee, random() AS r_moved, random() AS r_name,
                random() AS r_middle, random() AS r_given,
                '079' || lpad(floor(random() * 1e9)::bigint::text, 9, '0') AS personal_id,
                '09' || lpad(floor(random() * 1e8)::bigint::text, 8, '0') AS phone
            FROM generate_series(1, %(n)s) AS g
            OFFSET 0
        ) AS drawn
        OFFSET 0
    ) AS aged
    OFFSET 0
) AS routed
"""
PLAIN_INDEXES = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.tablename = 'dossiers_dossier'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)
"""


def generate(bench: Any, *, n: int, days: int, officials: dict[str, Any]) -> dict[str, float]:
    """Write ``n`` dossiers of the last ``days`` days; return how long each step took (s)."""
    import psycopg

    from motcua.accounts.models import User
    from motcua.catalogue.models import ProcedureVersion
    from motcua.core.time import now
    from motcua.dossiers.selectors import competent_agencies_for
    from motcua.places.models import Agency

    took: dict[str, float] = {}
    started = time.perf_counter()
    centres = list(
        Agency.objects.filter(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, valid_to__isnull=True)
        .select_related("unit")
        .order_by("id")
    )
    # The bench's ward comes first: the power law makes the first rank the busiest.
    centres.sort(key=lambda a: (a.unit.name != "Phường Bến Thành", a.id))
    centres = centres[:COMMUNES]
    city_centre = Agency.objects.get(kind=Agency.Kind.PROVINCIAL_SERVICE_CENTRE)
    versions = list(ProcedureVersion.objects.select_related("procedure").order_by("id"))
    route_competent, route_current = [], []
    for version in versions:
        fixed = None
        for centre in centres:
            if version.data["competent_level"] != "commune" and fixed is None:
                fixed = competent_agencies_for(version, centre.unit)
            competent, current = fixed or competent_agencies_for(version, centre.unit)
            route_competent.append(competent.pk)
            route_current.append(current.pk)
    codes = dict(Agency.objects.values_list("id", "electronic_id"))
    pool = User.objects.bulk_create(
        User(username=f"bench.processor.{i}", password="!")
        for i in range(COMMUNES * COMMUNE_PROCESSORS + CITY_PROCESSORS)
    )
    city_pool = [u.pk for u in pool[:CITY_PROCESSORS]]
    commune_pool = [u.pk for u in pool[CITY_PROCESSORS:]]
    city_pool[0] = officials["city"].pk  # the bench's officials work these desks too
    commune_pool[0] = officials["ward"].pk
    took["routing"] = time.perf_counter() - started

    end = now()
    params = {
        "n": n,
        "days": days,
        "start": end - timedelta(days=days),
        "end": end,
        "communes": len(centres),
        "versions": len(versions),
        "version_ids": [v.pk for v in versions],
        "version_codes": [v.procedure.code for v in versions],
        "version_cases": [v.data["cases"][0]["key"] for v in versions],
        "provincial": [v.data["competent_level"] != "commune" for v in versions],
        "route_competent": route_competent,
        "route_current": route_current,
        "centres": [c.pk for c in centres],
        "city_centre": city_centre.pk,
        "agency_codes": [codes.get(i, "") for i in range(1, max(codes) + 1)],
        "city_pool": city_pool,
        "city_n": CITY_PROCESSORS,
        "commune_pool": commune_pool,
        "commune_n": COMMUNE_PROCESSORS,
        "family": FAMILY.split(),
        "middle": MIDDLE.split(),
        "given": GIVEN.split(),
        "streets": STREETS.split("|"),
    }
    with psycopg.connect(bench.database_url, autocommit=True) as raw:
        raw.execute("SET synchronous_commit = off")
        raw.execute("SET maintenance_work_mem = '256MB'")
        # A throw-away database and rows valid by construction: skip the per-row FK triggers.
        with contextlib.suppress(psycopg.Error):
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
        started = time.perf_counter()
        raw.execute("VACUUM (ANALYZE) dossiers_dossier")
        took["vacuum"] = time.perf_counter() - started
    return took


def queue_sql(official: Any, *, one_query: bool = False, **kwargs: Any) -> tuple[list[Any], list[str]]:
    """The page's rows and the statements ``desk_queue`` sends for them, captured in-process. With
    ``one_query``, as ``desk_queue`` reads where a UNION cannot limit its parts (SQLite): one OR over
    the three agency columns, which is also what PostgreSQL ran before the lanes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.core.time import now, today
    from motcua.dossiers.selectors import desk_queue

    kwargs.setdefault("now_at", now())
    official.__dict__.pop("_motcua_grants", None)  # a request starts with no cached grants
    features = connection.features
    if one_query:
        features.supports_slicing_ordering_in_compound = False  # this instance only
    try:
        with CaptureQueriesContext(connection) as captured:
            rows = desk_queue(official=official, on=today(), **kwargs)
    finally:
        features.__dict__.pop("supports_slicing_ordering_in_compound", None)
    return rows, [q["sql"] for q in captured.captured_queries]


def raw_timings(database_url: str, statements: list[str], *, repeat: int) -> list[float]:
    """Milliseconds to run ``statements`` (and fetch every row) on one warm psycopg connection."""
    import psycopg

    samples = []
    with psycopg.connect(database_url, autocommit=True) as raw:
        for _ in range(5):
            for sql in statements:
                raw.execute(sql).fetchall()
        for _ in range(repeat):
            started = time.perf_counter()
            for sql in statements:
                raw.execute(sql).fetchall()
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", required=True, help="a PostgreSQL server URL (a database is created)"
    )
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365, help="the dossiers span this many days")
    parser.add_argument("--workers", type=int, default=3, help="as `motcua serve` on 2 cores")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per rate")
    parser.add_argument("--rates", default="25,50,100")
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page")
    parser.add_argument(
        "--keep", action="store_true", help="wait for Enter before dropping the database (to explore it)"
    )
    args = parser.parse_args()
    args.port = args.port or free_port()
    with throwaway_database(args.database_url) as bench:
        run(bench, args)
        if args.keep:
            input(f"database {bench.database_url} kept until you press Enter … ")


def run(bench: Any, args: argparse.Namespace) -> None:
    import psycopg
    from django.core.management import call_command
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.models import User
    from motcua.accounts.services import membership_grant, roles_ensure_defaults
    from motcua.catalogue.services import catalogue_load
    from motcua.dossiers.selectors import QUEUES
    from motcua.places.models import Agency
    from motcua.places.services import places_load

    print(f"setting up {bench.name} …", flush=True)
    call_command("migrate", verbosity=0)
    places_load()
    catalogue_load()
    roles_ensure_defaults()
    desks = {
        "city": Agency.objects.get(kind=Agency.Kind.PROVINCIAL_SERVICE_CENTRE),
        "ward": Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành"),
    }
    officials, sessions = {}, {}
    for key, agency in desks.items():
        official = User.objects.create_user(username=f"bench.{key}")
        for role in ("receiver", "processor"):
            membership_grant(
                actor=None, user=official, agency=agency, role_key=role, valid_from=date(2025, 7, 1)
            )
        device = TOTPDevice.objects.create(user=official, name="bench", confirmed=True)
        officials[key] = official
        sessions[key] = session_for(official, device=device)

    print(f"generating {args.dossiers:,} dossiers over {args.days} days …", flush=True)
    took = generate(bench, n=args.dossiers, days=args.days, officials=officials)
    with psycopg.connect(bench.database_url) as raw:
        size = raw.execute("SELECT pg_total_relation_size('dossiers_dossier')").fetchone()[0]
        mix = raw.execute(
            "SELECT status, count(*) FROM dossiers_dossier GROUP BY status ORDER BY status"
        ).fetchall()
        shares = raw.execute(
            "SELECT count(*) FILTER (WHERE %(city)s IN (receiving_agency_id, competent_agency_id, "
            "current_agency_id)), count(*) FILTER (WHERE %(ward)s IN (receiving_agency_id, "
            "competent_agency_id, current_agency_id)) FROM dossiers_dossier",
            {"city": desks["city"].pk, "ward": desks["ward"].pk},
        ).fetchone()
    print(
        "generated in "
        + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in took.items())
        + f"; table with indexes {size / 2**20:,.0f} MiB"
    )
    print("by status: " + ", ".join(f"{s}: {c:,}" for s, c in mix))
    print(f"dossiers of the city centre: {shares[0]:,}; of the ward's centre: {shares[1]:,}")

    # Walk the city's processing queue page by page: the keyset pagination must give each row once,
    # newest first; the middle of the walk is the "deep page" measured below.
    walked: list[int] = []
    before = None
    started = time.perf_counter()
    while True:
        rows, _ = queue_sql(officials["city"], queue="processing", before=before)
        walked += [r.pk for r in rows]
        if len(rows) < 50:
            break
        before = rows[-1].pk
    walk_s = time.perf_counter() - started
    assert walked == sorted(set(walked), reverse=True), "keyset pages overlap or are out of order"
    pages_walked = len(walked) // 50 + 1
    print(
        f"city processing queue: {len(walked):,} dossiers in {pages_walked} keyset pages, "
        f"walked in {walk_s:.1f} s ({walk_s * 1000 / pages_walked:.1f} ms per page in-process)"
    )
    deep = walked[len(walked) // 2]
    name = next(r.applicant_name for r in queue_sql(officials["city"], queue="processing", before=deep)[0])

    pages = {
        "city first": ("city", {"queue": "processing"}),
        "city deep": ("city", {"queue": "processing", "before": deep}),
        "city search": ("city", {"queue": "processing", "search": name}),
        "ward first": ("ward", {"queue": "processing"}),
    }
    print(f"deep page: ?truoc={deep} (the middle of the queue); search: ?s={name}")

    # Every queue of both officials, SQL only: the page's statements run directly, as one OR query
    # (what SQLite runs) and as desk_queue sends them on PostgreSQL (a plain page: one lane per agency
    # column, agency and status; a search, a filter or the official's own queue: the same OR query).
    # Both must give the same rows in the same order.
    print()
    print(
        "desk_queue's SQL run directly (psycopg, warm, one at a time), p50/p99 ms, "
        "one OR query → as sent, rows on the page:"
    )
    from motcua.core.time import now

    variants = {q: {"queue": q} for q in QUEUES}
    variants["processing deep"] = {"queue": "processing", "before": deep}
    variants["processing search"] = {"queue": "processing", "search": name}
    variants["late, old page"] = {"queue": "late", "before": walked[-1]}
    for key in officials:
        print(f"  {key}:")
        for label, kwargs in variants.items():
            at = now()
            rows, statements = queue_sql(officials[key], now_at=at, **kwargs)
            same, before_statements = queue_sql(officials[key], now_at=at, one_query=True, **kwargs)
            assert [r.pk for r in rows] == [r.pk for r in same], f"{key} {label}: the two readings differ"
            lanes = raw_timings(bench.database_url, statements, repeat=40)
            single = raw_timings(bench.database_url, before_statements, repeat=40)
            print(
                f"    {label:18s} {percentile(single, 50):6.1f}/{percentile(single, 99):6.1f} → "
                f"{percentile(lanes, 50):5.1f}/{percentile(lanes, 99):5.1f}  "
                f"({len(rows)} rows; one OR / as sent {percentile(single, 50) / percentile(lanes, 50):.1f}×)"
            )

    baselines: dict[str, list[float]] = {}
    expected: dict[str, str] = {}
    paths: dict[str, str] = {}
    for label, (key, kwargs) in pages.items():
        rows, statements = queue_sql(officials[key], **kwargs)
        expected[label] = rows[0].code or rows[0].reference
        baselines[label] = raw_timings(bench.database_url, statements, repeat=200)
        query = {"q": kwargs["queue"], "s": kwargs.get("search"), "truoc": kwargs.get("before")}
        paths[label] = "/van-phong/ho-so/?" + "&".join(f"{k}={v}" for k, v in query.items() if v)
        if args.explain:
            with psycopg.connect(bench.database_url) as raw:
                for sql in statements:
                    if "dossiers_dossier" not in sql:
                        continue
                    plan = raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql).fetchall()
                    flat = re.sub(r"\s+", " ", sql)
                    print(f"\n{label}: {flat[:300]} …")
                    print("\n".join("    " + line for (line,) in plan))
    connection.close()

    base = f"http://127.0.0.1:{args.port}"
    client = thread_local_client()
    pool = ThreadPoolExecutor(max_workers=64)
    rates = [float(r) for r in args.rates.split(",")]
    csrf = secrets.token_hex(16)

    def sender(label: str) -> Any:
        key = pages[label][0]
        url, marker = base + paths[label], expected[label]

        def send(_: int) -> bool:
            response = client().get(
                url,
                cookies={"sessionid": sessions[key], "csrftoken": csrf},
                allow_redirects=False,
            )
            return response.status_code == 200 and marker in response.text

        return send

    results: dict[str, list[dict]] = {}
    sequential: dict[str, list[float]] = {}
    print()
    with motcua_serve(bench, port=args.port, workers=args.workers, threads=args.threads) as server:
        for label in pages:
            send = sender(label)
            for i in range(30):  # warm every worker's connection and template cache
                assert send(i), f"{label}: {paths[label]} did not show {expected[label]}"
            samples = []
            for i in range(100):
                started = time.perf_counter()
                send(i)
                samples.append((time.perf_counter() - started) * 1000)
            sequential[label] = samples
            results[label] = []
            for rate in rates:
                outcome = measure_rate(
                    send, rate=rate, duration=args.duration, pool=pool, server_pid=server.pid
                )
                results[label].append(outcome)
                print(report_line(label, outcome), flush=True)
    pool.shutdown()

    print()
    print(
        f"{'page':12s} {'raw SQL p50/p99':>16s} {'HTTP 1-at-a-time p50/p99':>25s} {'ratio':>6s}"
        f"   best rate with p99 ≤ {TARGET_P99_MS:.0f} ms"
    )
    for label in pages:
        raw50, raw99 = percentile(baselines[label], 50), percentile(baselines[label], 99)
        web50, web99 = percentile(sequential[label], 50), percentile(sequential[label], 99)
        best = best_within(results[label], TARGET_P99_MS)
        verdict = (
            f"{best['throughput']:.0f}/s (p50 {best['p50']:.1f}, p99 {best['p99']:.1f} ms)"
            if best
            else "none of the rates tried"
        )
        print(
            f"{label:12s} {raw50:7.2f}/{raw99:6.2f} ms {web50:14.1f}/{web99:6.1f} ms "
            f"{web50 / raw50:5.1f}×   {verdict}"
        )


if __name__ == "__main__":
    main()
