"""The service index read from the summaries vs the same numbers aggregated from the dossiers table,
on a synthetic history of millions of dossiers on PostgreSQL, in one run.

    .venv/bin/python -m bench.operations_bench \\
        --database-url postgres://postgres@127.0.0.1:5432/motcua_bench10m [--dossiers 10000000] \\
        [--runs 40] [--naive-runs 3] [--explain]

The database is kept: when it holds no synthetic history yet, it is migrated, the places and the
catalogue loaded and ``--dossiers`` dossiers generated (``motcua operations generate``, timed); a
later run reuses them. Then, for one calendar year (its whole months: month rows) and for the last
365 days (edge days from the day rows), it times p50/p95 over ``--runs`` runs of

- (a) the province's index, ``selectors.index_for(Scope(province), period)``;
- (b) one unit's drill-down — the busiest commune with the most pre-2025 predecessors: its index,
  ``ranking_by(..., "agency_id")`` and ``ranking_by(..., "procedure_code")``;

and the same numbers computed naively in the same run: every measure aggregated over the dossiers
table joined to their sign events (reception measures from ``received_at``), per agency and per
procedure for the drill-down (``GROUPING SETS``), fed to the same index arithmetic with the same
catalogue and open-dossier inputs. Both must agree — every indicator, every agency's and procedure's
row — or the script says where they differ. It prints the ratio of the medians, the history's rows
and the database size; ``--explain`` adds PostgreSQL's plan (EXPLAIN ANALYZE, BUFFERS) of the
summary queries. Nothing is asserted: figures are of this machine in this run.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

TARGET_MS = 100.0

# Every measure of models.MEASURES from the dossiers and their sign events, by the rules of
# facts.fact_of: guided more than once is late; online counts only with its e-result where the
# procedure issues one (or a refusal); interconnected children are left out.
RESOLVED_SQL = """
SELECT {group_select}
    count(*) AS resolved,
    count(*) FILTER (WHERE NOT late AND timeliness IN ('early', 'on_time')) AS resolved_in_time,
    count(*) FILTER (WHERE NOT late AND timeliness = 'early') AS resolved_early,
    count(*) FILTER (WHERE late) AS resolved_late,
    count(*) FILTER (WHERE supplement_requests > 1) AS multi_supplement,
    coalesce(sum(working_minutes), 0) AS processing_minutes,
    count(*) FILTER (WHERE channel = 2 AND (NOT needs_e_result OR refused OR e_result)) AS online_counted,
    count(*) FILTER (WHERE e_result) AS e_result,
    count(*) FILTER (WHERE (flags->>'digitised')::boolean) AS digitised,
    count(*) FILTER (WHERE (flags->>'reuses_data')::boolean) AS reuses_data,
    count(*) FILTER (WHERE (flags->>'store_linked')::boolean) AS store_linked,
    count(*) FILTER (WHERE (flags->>'population_data')::boolean) AS population_data
FROM (
    SELECT d.competent_agency_id, d.procedure_code, d.channel, d.supplement_requests,
           e.payload->>'timeliness' AS timeliness,
           (e.payload->>'timeliness' = 'late' OR d.supplement_requests > 1) AS late,
           (e.payload->>'working_minutes')::bigint AS working_minutes,
           e.payload ? 'result' AS e_result,
           e.payload->>'outcome' = 'refused' AS refused,
           coalesce((v.data->'result'->>'signed')::boolean, false) AS needs_e_result,
           e.payload->'index' AS flags
    FROM dossiers_dossier d
    JOIN dossiers_dossierevent e ON e.dossier_id = d.id AND e.action = 'sign'
    JOIN catalogue_procedureversion v ON v.id = d.procedure_version_id
    WHERE d.parent_id IS NULL AND d.competent_agency_id = ANY(%(agencies)s)
      AND e.at >= %(start)s AND e.at < %(end)s
) resolved
{group_by}
"""
RECEIVED_SQL = """
SELECT {group_select} count(*) AS received, count(*) FILTER (WHERE channel = 2) AS received_online
FROM dossiers_dossier d
WHERE d.parent_id IS NULL AND d.competent_agency_id = ANY(%(agencies)s)
  AND d.received_at >= %(start)s AND d.received_at < %(end)s
{group_by}
"""
GROUPED = (
    "GROUPING(competent_agency_id) AS by_agency, GROUPING(procedure_code) AS by_procedure, "
    "competent_agency_id, procedure_code,"
)
GROUPING_SETS = "GROUP BY GROUPING SETS ((), (competent_agency_id), (procedure_code))"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database of its own: it is kept")
    parser.add_argument("--dossiers", type=int, default=10_000_000, help="generated when there is no history")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--naive-runs", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("MOTCUA_VAR_DIR", tempfile.mkdtemp(prefix="motcua-operations-bench-"))
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    _history(args.dossiers, args.years)
    _run(args.runs, args.naive_runs, args.explain)


def _history(dossiers: int, years: int) -> None:
    """The history to measure: the one in the database, or one generated now (and kept)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from motcua.operations.generate import history_generate, history_present

    if history_present():
        return
    from motcua.catalogue.services import catalogue_load
    from motcua.core.progress import progress_bar
    from motcua.places.services import places_load

    places_load()
    catalogue_load()
    bar = progress_bar(True)(range(0), desc="dossiers")
    bar.total = dossiers
    started = time.perf_counter()
    made = history_generate(dossiers=dossiers, years=years, seed=766, progress=bar.update)
    bar.close()
    print(f"generated {made:,} dossiers in {time.perf_counter() - started:,.0f} s")


def _timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    from bench.harness import percentile

    value = fn()  # warm: plans, caches, the unit history
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        value = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 50), percentile(samples, 95), value


def _bounds(period: Any) -> tuple[datetime, datetime]:
    from motcua.core.time import VN_TZ

    start = datetime.combine(period.start, datetime.min.time(), tzinfo=VN_TZ)
    return start, datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=VN_TZ)


def _naive_sums(agencies: list[int], period: Any, *, grouped: bool) -> dict[Any, dict[str, int]]:
    """{(): the scope's measures} — and per ("agency", id) and ("procedure", code) when ``grouped``."""
    from django.db import connection

    from motcua.operations.models import MEASURES

    start, end = _bounds(period)
    params = {"agencies": agencies, "start": start, "end": end}
    out: dict[Any, dict[str, int]] = {}
    for sql in (RESOLVED_SQL, RECEIVED_SQL):
        query = sql.format(group_select=GROUPED if grouped else "", group_by=GROUPING_SETS if grouped else "")
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            names = [c.name for c in cursor.description]
            for values in cursor.fetchall():
                row = dict(zip(names, values, strict=True))
                key: Any = ()
                if grouped and not row["by_agency"]:
                    key = ("agency", row["competent_agency_id"])
                elif grouped and not row["by_procedure"]:
                    key = ("procedure", row["procedure_code"])
                target = out.setdefault(key, dict.fromkeys(MEASURES, 0))
                target.update({m: int(row[m] or 0) for m in MEASURES if m in row})
    out.setdefault((), dict.fromkeys(MEASURES, 0))
    return out


def _naive_index(scope: Any, period: Any, agencies: list[int], *, grouped: bool) -> tuple[Any, dict]:
    """The index from the naive sums, with the same catalogue and open-dossier inputs as index_for."""
    from motcua.operations import selectors
    from motcua.operations.indicators import Inputs, index_compute

    sums = _naive_sums(agencies, period, grouped=grouped)
    procedures = selectors._procedures(scope, period.end)
    online = {v.procedure_id for v in procedures if v.online_level == "full"}
    online_codes = set(selectors._codes_of(online))
    used = {key[1] for key, row in sums.items() if key and key[0] == "procedure" and row["received_online"]}
    open_total, open_in_time = selectors.open_counts(scope)
    result = index_compute(
        Inputs(
            sums=sums[()],
            procedures=len({v.procedure_id for v in procedures}),
            procedures_online=len(online),
            procedures_online_used=len(used & online_codes) if grouped else _used_online(agencies, period),
            open_total=open_total,
            open_in_time=open_in_time,
        )
    )
    return result, sums


def _used_online(agencies: list[int], period: Any) -> int:
    """3.2's numerator for the province: fully-online procedures that received an online dossier."""
    from django.db import connection

    start, end = _bounds(period)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT d.procedure_code) FROM dossiers_dossier d "
            "JOIN catalogue_procedureversion v ON v.id = d.procedure_version_id "
            "WHERE d.channel = 2 AND v.online_level = 'full' AND d.parent_id IS NULL "
            "AND d.competent_agency_id = ANY(%s) AND d.received_at >= %s AND d.received_at < %s",
            [agencies, start, end],
        )
        return int(cursor.fetchone()[0])


def _indicators(result: Any) -> dict[str, tuple]:
    return {i.code: (i.numerator, i.denominator, i.value) for i in result.indicators}


def _rows(rows: list[dict], kind: str) -> dict[Any, dict[str, int]]:
    from motcua.operations.models import MEASURES

    return {(kind, r["key"]): {m: r[m] for m in MEASURES} for r in rows}


def _agencies_of(province_id: int, unit_id: int | None) -> list[int]:
    """The competent agencies whose dossiers a scope counts: the unit's (and its predecessors'), or
    every agency counted in the province (today's and the pre-2025 ones merged into it)."""
    from motcua.operations.models import DossierFact
    from motcua.operations.selectors import unit_history
    from motcua.places.models import Agency

    if unit_id is not None:
        return list(Agency.objects.filter(unit_id__in=unit_history(unit_id)).values_list("pk", flat=True))
    return list(
        DossierFact.objects.filter(province_id=province_id).values_list("agency_id", flat=True).distinct()
    )


def _run(runs: int, naive_runs: int, explain: bool) -> None:
    from django.db import connection

    from motcua.core.time import today
    from motcua.dossiers.models import Dossier
    from motcua.operations import selectors
    from motcua.operations.models import DayCounter, DossierFact, MonthCounter
    from motcua.operations.selectors import Period, Scope

    province = selectors.province_default()
    whole = Scope(province.pk)
    last_year = today().year - 1
    periods = {
        f"year {last_year}": Period(date(last_year, 1, 1), date(last_year, 12, 31)),
        "last 365 days": Period(today() - timedelta(days=364), today()),
    }
    ranking = selectors.ranking_units(whole, periods[f"year {last_year}"])
    busiest = max(ranking, key=lambda r: (len(selectors.unit_history(r["unit"].pk)) > 2, r["resolved"]))
    unit = busiest["unit"]
    commune = whole.narrowed(unit_id=unit.pk)
    province_agencies = _agencies_of(province.pk, None)
    unit_agencies = _agencies_of(province.pk, unit.pk)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM dossiers_dossierevent")
        events = cursor.fetchone()[0]
    counts = [f"{Dossier.objects.count():,} dossiers", f"{events:,} events"]
    counts += [f"{DossierFact.objects.count():,} facts", f"{DayCounter.objects.count():,} day rows"]
    print(f"history: {', '.join(counts)}, {MonthCounter.objects.count():,} month rows; database {size}")
    print(
        f"unit: {unit.name} ({len(selectors.unit_history(unit.pk)) - 1} pre-2025 units merged into it, "
        f"{len(unit_agencies)} agencies)"
    )
    head = f"{'query':<40}{'p50 ms':>9}{'p95 ms':>9}{'naive p50 ms':>14}{'ratio':>9}"
    print(f"{head}  agree  p95 < {TARGET_MS:.0f} ms")
    for label, period in periods.items():

        def province_index(period: Any = period) -> Any:
            return selectors.index_for(whole, period)

        def drill_down(period: Any = period) -> tuple:
            return (
                selectors.index_for(commune, period),
                selectors.ranking_by(commune, period, "agency_id"),
                selectors.ranking_by(commune, period, "procedure_code"),
            )

        p50, p95, mine = _timed(province_index, runs)
        n50, _, (theirs, _) = _timed(
            lambda period=period: _naive_index(whole, period, province_agencies, grouped=False), naive_runs
        )
        agree = _indicators(mine) == _indicators(theirs)
        _line(f"(a) province index, {label}", p50, p95, n50, agree)
        if not agree:
            _differences(_indicators(mine), _indicators(theirs))

        p50, p95, (index, agencies, procedures) = _timed(drill_down, runs)
        n50, _, (theirs, sums) = _timed(
            lambda period=period: _naive_index(commune, period, unit_agencies, grouped=True), naive_runs
        )
        rows = _rows(agencies, "agency") | _rows(procedures, "procedure")
        naive_rows = {k: v for k, v in sums.items() if k and any(v.values())}
        agree = _indicators(index) == _indicators(theirs) and rows == naive_rows
        _line(f"(b) unit drill-down, {label}", p50, p95, n50, agree)
        if not agree:
            _differences(_indicators(index), _indicators(theirs))
            _differences(rows, naive_rows)
        if explain:
            _explain(whole, commune, period)


def _line(label: str, p50: float, p95: float, naive: float, agree: bool) -> None:
    ok, same = ("yes" if p95 < TARGET_MS else "NO"), ("yes" if agree else "NO")
    print(f"{label:<40}{p50:>9.1f}{p95:>9.1f}{naive:>14.0f}{naive / p50:>8.0f}×  {same:<5}  {ok}")


def _differences(mine: dict, theirs: dict) -> None:
    for key in sorted(set(mine) | set(theirs), key=str):
        if mine.get(key) != theirs.get(key):
            print(f"    differs at {key}: summaries {mine.get(key)} / dossiers table {theirs.get(key)}")


def _explain(whole: Any, commune: Any, period: Any) -> None:
    """PostgreSQL's plans (EXPLAIN ANALYZE, BUFFERS) of the summary queries the index and a ranking
    send for a scope: its measures summed, and summed per agency."""
    from django.db.models import Sum

    from motcua.operations import selectors
    from motcua.operations.models import MEASURES

    sums = {m: Sum(m) for m in MEASURES}
    for name, scope in (("province", whole), ("unit", commune)):
        for qs in selectors._querysets(scope, period):
            for by in ("province_id", "agency_id"):
                plan = qs.values(by).annotate(**sums).order_by().explain(analyze=True, buffers=True)
                print(f"  {name}, {qs.model.__name__}, summed by {by}:")
                print("\n".join(f"    {line}" for line in plan.splitlines()))


if __name__ == "__main__":
    main()
