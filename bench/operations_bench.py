"""The service index read from the summaries vs the same numbers aggregated from the dossiers table.

    .venv/bin/python -m bench.operations_bench --database-url postgres://…/<db with a history> [--runs 30]

The database must hold a history (`motcua operations generate --dossiers N`); the script does not
change it. For the last 365 days it times (a) the province's index (`selectors.index_for`) and (b) one
unit's drill-down (its index, its agencies' and procedures' tables), p50/p95 over ``--runs`` runs, and
the same resolved / in-time / online / e-result counts computed by one aggregate query over the
dossiers table joined to their sign events — checking both give the same numbers — and prints the
ratio. Nothing is asserted; figures are of this machine in this run.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import timedelta


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.db import connection

    from bench.harness import percentile
    from motcua.core.time import today
    from motcua.dossiers.models import Dossier
    from motcua.operations import selectors
    from motcua.operations.selectors import Period, Scope

    province = selectors.province_default()
    period = Period(today() - timedelta(days=365), today())
    whole = Scope(province.pk)
    ranking = selectors.ranking_units(whole, period)
    unit = max(ranking, key=lambda r: r["resolved"])["unit"]
    commune = whole.narrowed(unit_id=unit.pk)

    def province_index():
        return selectors.index_for(whole, period)

    def drill_down():
        selectors.index_for(commune, period)
        selectors.ranking_by(commune, period, "agency_id")
        return selectors.ranking_by(commune, period, "procedure_code")

    naive_sql = """
        SELECT count(*),
               count(*) FILTER (WHERE e.payload->>'timeliness' IN ('early', 'on_time')
                                AND d.supplement_requests <= 1),
               count(*) FILTER (WHERE d.channel = 2 AND (e.payload ? 'result' OR d.outcome = 'refused'
                                OR NOT coalesce((v.data->'result'->>'signed')::boolean, false))),
               count(*) FILTER (WHERE e.payload ? 'result')
        FROM dossiers_dossier d
        JOIN dossiers_dossierevent e ON e.dossier_id = d.id AND e.action = 'sign'
        JOIN catalogue_procedureversion v ON v.id = d.procedure_version_id
        JOIN places_agency a ON a.id = d.competent_agency_id
        WHERE d.parent_id IS NULL
          AND (e.at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date BETWEEN %s AND %s
          AND a.unit_id = ANY(%s)
    """
    all_units = [province.pk] + [u.pk for u in selectors.units_of_province(province.pk)]
    legacy = set()
    for u in all_units:
        legacy |= selectors.unit_history(u)

    def naive(units):
        with connection.cursor() as cursor:
            cursor.execute(naive_sql, [period.start, period.end, list(units)])
            return cursor.fetchone()

    def timed(fn):
        fn()  # warm
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        return percentile(samples, 50), percentile(samples, 95)

    sums = selectors.sums(whole, period)
    mine = (sums["resolved"], sums["resolved_in_time"], sums["online_counted"], sums["e_result"])
    theirs = naive(legacy)
    unit_sums = selectors.sums(commune, period)
    unit_mine = (
        unit_sums["resolved"],
        unit_sums["resolved_in_time"],
        unit_sums["online_counted"],
        unit_sums["e_result"],
    )
    unit_theirs = naive(selectors.unit_history(unit.pk))
    print(f"dossiers: {Dossier.objects.count():,}; period {period.start} – {period.end}; unit {unit.name}")
    print(f"province (resolved, in time, online, e-result): summaries {mine}, dossiers table {theirs}")
    print(
        f"unit     (resolved, in time, online, e-result): summaries {unit_mine}, dossiers table {unit_theirs}"
    )
    lines = [
        ("province index, 1 year", timed(province_index), timed(lambda: naive(legacy))),
        ("unit drill-down, 1 year", timed(drill_down), timed(lambda: naive(selectors.unit_history(unit.pk)))),
    ]
    print(f"{'query':<26}{'p50 ms':>9}{'p95 ms':>9}{'naive p50':>11}{'naive p95':>11}{'ratio p50':>11}")
    for name, (p50, p95), (n50, n95) in lines:
        print(f"{name:<26}{p50:>9.1f}{p95:>9.1f}{n50:>11.1f}{n95:>11.1f}{n50 / p50:>10.1f}×")


if __name__ == "__main__":
    main()
