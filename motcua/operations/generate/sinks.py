"""Writing the history: COPY on PostgreSQL, batched inserts on SQLite, and the code counters."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import connection

from motcua.operations.facts import Keys
from motcua.operations.generate.life import Doc
from motcua.operations.models import MEASURES

# --- writing ----------------------------------------------------------------------------------------------

DOSSIER_COLUMNS = (
    "id", "code", "reference", "procedure_version_id", "procedure_code", "case_key", "channel",
    "applicant_id", "applicant_enterprise_code", "applicant_name", "applicant_personal_id", "applicant_phone",
    "receiving_agency_id", "competent_agency_id", "current_agency_id", "assignee_id", "status", "stage",
    "step_key", "data", "provenance", "submitted_at", "received_at", "due_at", "current_due_at",
    "statistics_due_at", "paused_since", "paused_hours", "supplement_requests", "counts_as_late", "outcome",
    "step_due_at", "step_started_at", "finished_at", "e_result_code", "submission_key", "parent_id",
    "created_at", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "dossier_id", "action", "from_status", "to_status", "from_stage", "to_stage", "step_key",
    "from_agency_id",    "to_agency_id", "at", "step_due_at", "note", "payload",
)  # fmt: skip
FACT_COLUMNS = (
    "dossier_id", "agency_id", "unit_id", "province_id", "procedure_code", "sector", "channel", "received_on",
    "resolved_on", "values",
)  # fmt: skip
COUNTER_COLUMNS = ("agency_id", "unit_id", "province_id", "procedure_code", "sector", "channel", *MEASURES)


def dossier_row(doc: Doc) -> tuple:
    return (
        doc.id, doc.code, doc.reference, doc.procedure_version.pk, doc.procedure_code, doc.case_key,
        doc.channel, None, "", doc.applicant_name, doc.applicant_personal_id, doc.applicant_phone,
        doc.receiving_agency_id, doc.competent_agency_id, doc.current_agency_id, None, doc.status, doc.stage,
        doc.step_key, json_text(doc.data), json_text(doc.provenance), doc.submitted_at, doc.received_at,
        doc.due_at, doc.current_due_at, doc.statistics_due_at, doc.paused_since, doc.paused_hours,
        doc.supplement_requests, doc.counts_as_late, doc.outcome, doc.step_due_at, doc.step_started_at,
        doc.finished_at, doc.e_result_code, "", None, doc.created_at, doc.updated_at,
    )  # fmt: skip


json_text = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class PostgresSink:
    """``COPY`` into the tables. The references are the rows just read or written, so when allowed
    (a superuser) the per-row foreign-key triggers are skipped for this transaction, as ``pg_restore
    --disable-triggers`` does; otherwise they are checked at each statement's end instead of piling up
    until the commit. Day rows go to a temporary table and are added to the summaries at the end,
    with the month rows they sum to (one upsert each)."""

    def __init__(self) -> None:
        self.cursor = connection.cursor()
        self.cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if self.cursor.fetchone()[0]:
            self.cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.cursor.execute("SET LOCAL synchronous_commit = off")
        measures = ", ".join(f"{m} bigint" for m in MEASURES)
        self.cursor.execute("DROP TABLE IF EXISTS generated_days")
        self.cursor.execute(
            "CREATE TEMPORARY TABLE generated_days (day date, agency_id bigint, unit_id bigint, "
            f"province_id bigint, procedure_code text, sector text, channel smallint, {measures})"
        )

    def ids(self, count: int) -> list[int]:
        self.cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('dossiers_dossier', 'id')) FROM generate_series(1, %s)",
            [count],
        )
        return [row[0] for row in self.cursor.fetchall()]

    def code_counters(self, day: date, counts: dict[int, int]) -> dict[int, int]:
        return _code_counters(self.cursor, day, counts)

    def _copy(self, table: str, columns: Iterable[str], rows: list[tuple]) -> None:
        if not rows:
            return
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def dossiers(self, rows: list[tuple]) -> None:
        self._copy("dossiers_dossier", DOSSIER_COLUMNS, rows)

    def events(self, rows: list[tuple]) -> None:
        self._copy("dossiers_dossierevent", EVENT_COLUMNS, rows)

    def facts(self, rows: list[tuple]) -> None:
        self._copy("operations_dossierfact", FACT_COLUMNS, rows)

    def days(self, days: dict[tuple[date, Keys], dict[str, int]]) -> None:
        rows = [(day, *_counter_values(keys, row)) for (day, keys), row in days.items()]
        self._copy("generated_days", ("day", *COUNTER_COLUMNS), rows)

    def finish(self) -> None:
        columns = ", ".join(COUNTER_COLUMNS)
        sums = ", ".join(f"sum({m})" for m in MEASURES)
        for table, period, source in (
            ("operations_daycounter", "day", "day"),
            ("operations_monthcounter", "month", "date_trunc('month', day)::date"),
        ):
            updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in MEASURES)
            self.cursor.execute(
                f"INSERT INTO {table} ({period}, {columns}) "  # noqa: S608 — the model's own names
                f"SELECT {source}, agency_id, unit_id, province_id, procedure_code, sector, channel, {sums} "
                f"FROM generated_days GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2 "
                f"ON CONFLICT ({period}, agency_id, procedure_code, channel) DO UPDATE SET {updates}"
            )
        self.cursor.execute("DROP TABLE generated_days")
        self.cursor.execute("SET LOCAL session_replication_role = origin")  # the checks on again
        for table in ("dossiers_dossier", "dossiers_dossierevent", "operations_dossierfact"):
            self.cursor.execute(f"ANALYZE {table}")
        self.cursor.execute("ANALYZE operations_daycounter")
        self.cursor.execute("ANALYZE operations_monthcounter")


class SqliteSink:
    """Batched inserts (``executemany``) of the same rows; the summaries through ``counters_add``."""

    def __init__(self) -> None:
        self.cursor = connection.cursor()
        self.cursor.execute("SELECT coalesce(max(id), 0) FROM dossiers_dossier")
        self.last_id = self.cursor.fetchone()[0]
        ops = connection.ops
        self.adapt = {datetime: ops.adapt_datetimefield_value, date: ops.adapt_datefield_value}

    def ids(self, count: int) -> list[int]:
        first, self.last_id = self.last_id + 1, self.last_id + count
        return list(range(first, self.last_id + 1))

    def code_counters(self, day: date, counts: dict[int, int]) -> dict[int, int]:
        return _code_counters(self.cursor, day, counts)

    def _insert(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        adapt = self.adapt
        prepared = [tuple(adapt[type(v)](v) if type(v) in adapt else v for v in row) for row in rows]
        marks = ", ".join(["%s"] * len(columns))
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 — our own names
        self.cursor.executemany(sql, prepared)

    def dossiers(self, rows: list[tuple]) -> None:
        self._insert("dossiers_dossier", DOSSIER_COLUMNS, rows)

    def events(self, rows: list[tuple]) -> None:
        self._insert("dossiers_dossierevent", EVENT_COLUMNS, rows)

    def facts(self, rows: list[tuple]) -> None:
        self._insert("operations_dossierfact", FACT_COLUMNS, rows)

    def days(self, days: dict[tuple[date, Keys], dict[str, int]]) -> None:
        from motcua.operations.summaries import counters_add

        counters_add(days)

    def finish(self) -> None:
        pass


def _counter_values(keys: Keys, row: dict[str, int]) -> tuple:
    return (
        keys.agency_id, keys.unit_id, keys.province_id, keys.procedure_code, keys.sector, keys.channel,
        *(row.get(m, 0) for m in MEASURES),
    )  # fmt: skip


def _code_counters(cursor: Any, day: date, counts: dict[int, int]) -> dict[int, int]:
    """Add ``counts`` (receptions per agency) to the day's code counters — the rows receptions number
    from (``dossiers.codes``) — in one upsert; the last number of each agency after it."""
    agencies = sorted(counts)
    values = ", ".join(["(%s, %s, %s)"] * len(agencies))
    params: list[Any] = []
    for agency in agencies:
        params += [agency, connection.ops.adapt_datefield_value(day), counts[agency]]
    cursor.execute(
        f'INSERT INTO "dossiers_dossiercodecounter" ("agency_id", "day", "last") VALUES {values} '  # noqa: S608
        'ON CONFLICT ("agency_id", "day") '
        'DO UPDATE SET "last" = "dossiers_dossiercodecounter"."last" + excluded."last" '
        'RETURNING "agency_id", "last"',
        params,
    )
    return dict(cursor.fetchall())
