"""The summary tables, maintained from dossier events and rebuilt from the event log.

``on_dossier_event`` (connected in ``OperationsConfig.ready``) runs inside the transition's
transaction: the dossier's new fact replaces its old one and the difference is added to the day and
month rows, so the summaries commit or roll back with the change. ``summaries_rebuild`` throws the
summaries away and counts every dossier's log again; both go through ``facts.fact_of``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db import connection, transaction

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.operations.facts import EMPTY, Fact, Keys, deltas, fact_of
from motcua.operations.models import MEASURES, DayCounter, DossierFact, MonthCounter
from motcua.places.models import AdministrativeUnit, Agency, UnitSuccession

# Only these actions change what a dossier adds (fact_of reads the whole log when they happen).
COUNTED_ACTIONS = frozenset({"receive", "sign"})
LOG_ACTIONS = (*COUNTED_ACTIONS, "request_supplement")  # the events fact_of reads


def agency_place(agency: Agency) -> tuple[int, int]:
    """(unit, province) of an agency: its commune and the province that commune is in today, or the
    province twice for a province-level agency (the transition has the agency's unit and its parent
    at hand). A pre-2025 unit keeps its own id — ``selectors.unit_history`` folds it into the unit it
    became — but counts in today's province, which its old province was merged into."""
    unit = agency.unit
    if unit.level == AdministrativeUnit.Level.PROVINCE or unit.parent_id is None:
        return unit.pk, current_province(unit.pk)
    parent = unit.parent
    if parent.level == AdministrativeUnit.Level.DISTRICT and parent.parent_id is not None:
        return unit.pk, current_province(parent.parent_id)  # a pre-2025 commune, under its district
    return unit.pk, current_province(parent.pk)


_provinces: dict[int, int] = {}


def current_province(province_id: int) -> int:
    """The province in force today that ``province_id`` is or was merged into (remembered: provinces
    are merged by law, a handful of rows, never edited back)."""
    if province_id not in _provinces:
        current, seen = province_id, set()
        while current not in seen:
            seen.add(current)
            row = AdministrativeUnit.objects.filter(pk=current).values("valid_to").first()
            if row is None or row["valid_to"] is None:
                break
            successor = (
                UnitSuccession.objects.filter(
                    predecessor_id=current, successor__level=AdministrativeUnit.Level.PROVINCE
                )
                .values_list("successor_id", flat=True)
                .first()
            )
            if successor is None:
                break
            current = successor
        _provinces[province_id] = current
    return _provinces[province_id]


def keys_of(dossier: Dossier) -> Keys:
    unit, province = agency_place(dossier.competent_agency)
    return Keys(
        agency_id=dossier.competent_agency_id,
        unit_id=unit,
        province_id=province,
        procedure_code=dossier.procedure_code,
        sector=dossier.procedure_version.sector,
        channel=dossier.channel,
    )


def needs_e_result(dossier: Dossier) -> bool:
    return bool((dossier.procedure_version.data.get("result") or {}).get("signed"))


def _fallback(dossier: Dossier) -> dict[str, Any]:
    """Sign-time flags for a sign event older than the flags it now records: the dossier as it is."""
    from motcua.dossiers.clock import working_minutes_taken
    from motcua.dossiers.handlers import index_flags

    return {
        **index_flags(dossier),
        "working_minutes": working_minutes_taken(dossier, dossier.finished_at) if dossier.finished_at else 0,
    }


def fact_compute(dossier: Dossier, events: Iterable[DossierEvent] | None = None) -> Fact:
    """What ``dossier`` adds, from ``events`` (its log's counted events, in order) or read here."""
    if events is None:
        events = (
            DossierEvent.objects.filter(dossier=dossier, action__in=LOG_ACTIONS)
            .order_by("at", "id")
            .only("action", "at", "payload")
        )
    return fact_of(
        dossier, events, keys=keys_of(dossier), needs_e_result=needs_e_result(dossier), fallback=_fallback
    )


def _stored(row: DossierFact | None) -> Fact:
    if row is None:
        return EMPTY
    keys = Keys(row.agency_id, row.unit_id, row.province_id, row.procedure_code, row.sector, row.channel)
    return Fact(keys=keys, received_on=row.received_on, resolved_on=row.resolved_on, values=row.values)


def on_dossier_event(sender: Any, *, dossier: Dossier, event: DossierEvent, **kwargs: Any) -> None:
    """``dossier_event`` receiver: count the dossier again when its reception or result changed."""
    if event.action in COUNTED_ACTIONS:
        fact_refresh(dossier)


def fact_refresh(dossier: Dossier) -> Fact:
    """Count ``dossier`` again: store its new fact and add the difference to the summaries. Runs in
    the caller's transaction (its own when there is none); the dossier's fact row is locked."""
    with transaction.atomic(savepoint=False):
        row = DossierFact.objects.select_for_update().filter(dossier_id=dossier.pk).first()
        old, new = _stored(row), fact_compute(dossier)
        if new.keys is None:
            if row is not None:
                row.delete()
        elif row is None:
            DossierFact.objects.create(dossier_id=dossier.pk, **_fact_fields(new))
        elif old != new:
            DossierFact.objects.filter(dossier_id=dossier.pk).update(**_fact_fields(new))
        counters_add(deltas(old, new))
    return new


def _fact_fields(fact: Fact) -> dict[str, Any]:
    assert fact.keys is not None
    k = fact.keys
    return {
        "agency_id": k.agency_id,
        "unit_id": k.unit_id,
        "province_id": k.province_id,
        "procedure_code": k.procedure_code,
        "sector": k.sector,
        "channel": k.channel,
        "received_on": fact.received_on,
        "resolved_on": fact.resolved_on,
        "values": fact.values,
    }


def month_of(day: date) -> date:
    return day.replace(day=1)


def counters_add(changes: dict[tuple[date, Keys], dict[str, int]]) -> None:
    """Add ``changes`` to the day rows and the month rows (one upsert each), inserting missing rows."""
    if not changes:
        return
    months: dict[tuple[date, Keys], dict[str, int]] = defaultdict(dict)
    for (day, keys), row in changes.items():
        target = months[(month_of(day), keys)]
        for measure, amount in row.items():
            target[measure] = target.get(measure, 0) + amount
    _upsert(DayCounter, "day", changes)
    _upsert(MonthCounter, "month", months)


def _upsert(model: Any, period: str, changes: dict[tuple[date, Keys], dict[str, int]]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [
        period,
        "agency_id",
        "unit_id",
        "province_id",
        "procedure_code",
        "sector",
        "channel",
        *MEASURES,
    ]
    updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in MEASURES)
    # The table and column names are the model's own; the values are parameters.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "  # noqa: S608
        f"ON CONFLICT ({period}, agency_id, procedure_code, channel) DO UPDATE SET {updates}"
    )
    rows = [
        [day, k.agency_id, k.unit_id, k.province_id, k.procedure_code, k.sector, k.channel]
        + [row.get(m, 0) for m in MEASURES]
        for (day, k), row in sorted(changes.items(), key=lambda item: (item[0][0], item[0][1].agency_id))
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def summaries_missing() -> bool:
    """Whether there are dossiers but no summaries (a database from before them): rebuild."""
    return Dossier.objects.exists() and not DossierFact.objects.exists()


# --- rebuild --------------------------------------------------------------------------------------


def summaries_rebuild(*, progress: Callable[[int], None] | None = None, chunk: int = 2000) -> int:
    """Recompute every dossier's fact from its event log and the summaries from the facts, replacing
    what is there (one transaction: readers see the old summaries until it commits). How many
    dossiers are counted."""
    counted = 0
    with transaction.atomic():
        DossierFact.objects.all().delete()
        DayCounter.objects.all().delete()
        MonthCounter.objects.all().delete()
        days: dict[tuple[date, Keys], dict[str, int]] = defaultdict(dict)
        last = 0
        while True:
            batch = list(
                Dossier.objects.filter(pk__gt=last)
                .select_related("procedure_version", "competent_agency__unit__parent")
                .order_by("pk")[:chunk]
            )
            if not batch:
                break
            last = batch[-1].pk
            logs: dict[int, list[DossierEvent]] = defaultdict(list)
            events = DossierEvent.objects.filter(
                dossier_id__in=[d.pk for d in batch], action__in=LOG_ACTIONS
            ).only("dossier_id", "action", "at", "payload")
            for event in events.order_by("dossier_id", "at", "id"):
                logs[event.dossier_id].append(event)
            facts = []
            for dossier in batch:
                fact = fact_compute(dossier, logs.get(dossier.pk, []))
                if fact.keys is None:
                    continue
                counted += 1
                facts.append(DossierFact(dossier_id=dossier.pk, **_fact_fields(fact)))
                for (day, keys), row in deltas(EMPTY, fact).items():
                    target = days[(day, keys)]
                    for measure, amount in row.items():
                        target[measure] = target.get(measure, 0) + amount
            DossierFact.objects.bulk_create(facts, batch_size=1000)
            if progress is not None:
                progress(len(batch))
        counters_bulk_load(days)
    return counted


def counters_bulk_load(days: dict[tuple[date, Keys], dict[str, int]]) -> None:
    """Write day rows (and the month rows they sum to) into empty summaries."""
    months: dict[tuple[date, Keys], dict[str, int]] = defaultdict(dict)
    for (day, keys), row in days.items():
        target = months[(month_of(day), keys)]
        for measure, amount in row.items():
            target[measure] = target.get(measure, 0) + amount

    def rows(model: Any, period: str, source: dict) -> list:
        return [
            model(
                **{period: day},
                agency_id=k.agency_id,
                unit_id=k.unit_id,
                province_id=k.province_id,
                procedure_code=k.procedure_code,
                sector=k.sector,
                channel=k.channel,
                **{m: row.get(m, 0) for m in MEASURES},
            )
            for (day, k), row in source.items()
        ]

    DayCounter.objects.bulk_create(rows(DayCounter, "day", days), batch_size=2000)
    MonthCounter.objects.bulk_create(rows(MonthCounter, "month", months), batch_size=2000)
