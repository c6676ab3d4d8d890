"""A synthetic history of the province for benchmarks and demos (``motcua operations generate``):
dossiers, their event logs and the summaries, written in bulk. Never on a real installation.

Each dossier gets a reception on a working day of the last ``years`` years (fewer around Tết and in
summer, more before the year's end), a commune weighted by a power law, a procedure, a channel (the
online share rising to about half), and a path: refused at reception, stopped, still open in the
last weeks, or resolved — guided once or twice, late for a few per cent (more in some communes),
with its signed e-result where the procedure issues one and digitisation and reuse rising over the
years. The events are those the services would have written (the sign event's payload as
``dossiers.handlers`` writes it), and the summaries are counted from them with ``facts.fact_of``
like every other dossier, so ``motcua operations rebuild`` gives the same numbers.
"""

from __future__ import annotations

import math
import random
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from django.db import transaction

from motcua.catalogue.models import ProcedureVersion
from motcua.core.time import VN_TZ, today
from motcua.dossiers.deadlines import HOURS_PER_DAY, limit_for_case, timeliness
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent
from motcua.operations.facts import EMPTY, Keys, deltas, fact_of
from motcua.operations.models import DayCounter, DossierFact
from motcua.operations.selectors import province_default, units_of_province
from motcua.operations.summaries import agency_place, counters_add, counters_bulk_load
from motcua.places.calendar import WorkCalendar
from motcua.places.models import Agency

REFERENCE_PREFIX = "SY-"  # the references of synthetic dossiers
CHUNK = 5000


def history_present() -> bool:
    """Whether a synthetic history was loaded here."""
    return Dossier.objects.filter(reference__startswith=REFERENCE_PREFIX).exists()


@dataclass
class _Procedure:
    version: ProcedureVersion
    kind: str
    level: str
    hours: float
    signed: bool
    online: bool
    weight: float


def _procedures(rng: random.Random) -> list[_Procedure]:
    out = []
    for version in ProcedureVersion.objects.in_force_on(today()).select_related("procedure"):
        data = version.data
        limit = limit_for_case(data, data["cases"][0]["key"])
        hours = {"working_days": limit["amount"] * HOURS_PER_DAY, "working_hours": limit["amount"]}.get(
            limit["unit"], HOURS_PER_DAY
        )
        out.append(
            _Procedure(
                version=version,
                kind=data.get("competent_agency_kind", ""),
                level=version.competent_level,
                hours=float(hours),
                signed=bool((data.get("result") or {}).get("signed")),
                online=version.online_level != "none",
                weight=rng.paretovariate(1.2),
            )
        )
    return out


def _working_days(calendar: WorkCalendar, first: date, last: date) -> tuple[list[date], list[float]]:
    days, weights = [], []
    day = first
    while day <= last:
        if calendar.is_working_day(day):
            seasonal = 1 + 0.15 * math.cos((day.timetuple().tm_yday - 340) / 365 * 2 * math.pi)
            days.append(day)
            weights.append(seasonal * (0.85 if day.weekday() == 4 else 1.0))
        day += timedelta(days=1)
    return days, weights


def history_generate(
    *, dossiers: int, years: int, seed: int, progress: Callable[[int], None] | None = None
) -> int:
    """Load ``dossiers`` synthetic dossiers over ``years`` years up to yesterday; how many were made."""
    rng = random.Random(seed + Dossier.objects.count())  # noqa: S311 — synthetic data, not secrets
    province = province_default()
    calendar = WorkCalendar()
    last = today() - timedelta(days=1)  # today's codes stay for the live counters
    first = last - timedelta(days=365 * years)
    days, day_weights = _working_days(calendar, first, last)
    procedures = [p for p in _procedures(rng) if p.kind]
    agencies = list(Agency.objects.filter(valid_to__isnull=True).select_related("unit__parent"))
    by_unit_kind = {(a.unit_id, a.kind): a for a in agencies}
    province_by_kind = {a.kind: a for a in agencies if a.unit_id == province.pk}
    units = units_of_province(province.pk)
    unit_weights = [rng.paretovariate(1.5) for _ in units]
    late_rate = {u.pk: rng.uniform(0.005, 0.06) for u in units}
    plans = []
    for procedure in procedures:
        if procedure.level == "commune":
            homes = [u for u in units if (u.pk, procedure.kind) in by_unit_kind]
            if homes:
                plans.append(procedure)
        elif procedure.kind in province_by_kind:
            plans.append(procedure)
    if not plans or not units:
        return 0
    plan_weights = [p.weight for p in plans]
    centres = {u.pk: by_unit_kind.get((u.pk, Agency.Kind.COMMUNE_SERVICE_CENTRE)) for u in units}
    counters: dict[tuple[int, date], int] = defaultdict(int)
    for agency_id, day, number in DossierCodeCounter.objects.filter(day__gte=first).values_list(
        "agency_id", "day", "last"
    ):
        counters[(agency_id, day)] = number
    touched: set[tuple[int, date]] = set()
    summaries_empty = not DayCounter.objects.exists()
    all_days: dict[tuple[date, Keys], dict[str, int]] = defaultdict(dict)
    made = 0
    span = (last - first).days or 1
    while made < dossiers:
        size = min(CHUNK, dossiers - made)
        rows, logs = [], []
        for _ in range(size):
            day = rng.choices(days, day_weights)[0]
            unit = rng.choices(units, unit_weights)[0]
            procedure = rng.choices(plans, plan_weights)[0]
            if procedure.level == "commune":
                competent = by_unit_kind.get((unit.pk, procedure.kind))
                if competent is None:
                    continue
            else:
                competent = province_by_kind[procedure.kind]
            centre = centres.get(unit.pk) or competent
            age = (day - first).days / span
            online = procedure.online and rng.random() < 0.12 + 0.43 * age
            dossier, events = _one(
                rng,
                calendar,
                day,
                procedure,
                competent,
                centre,
                online,
                age,
                late_rate.get(unit.pk, 0.02),
                last,
            )
            counters[(centre.pk, day)] += 1
            touched.add((centre.pk, day))
            dossier.code = f"{centre.electronic_id}-{day:%y%m%d}-{counters[(centre.pk, day)]:04d}"
            rows.append(dossier)
            logs.append(events)
        _write(rows, logs, all_days)
        made += len(rows)
        if progress is not None:
            progress(len(rows))
    with transaction.atomic():
        # The live receptions of those days (none: the history ends yesterday) would continue after them.
        DossierCodeCounter.objects.bulk_create(
            [
                DossierCodeCounter(agency_id=a, day=d, last=n)
                for (a, d), n in counters.items()
                if (a, d) in touched
            ],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["agency", "day"],
            update_fields=["last"],
        )
        if summaries_empty:
            counters_bulk_load(all_days)
        else:
            counters_add(dict(all_days))
    return made


def _at(day: date, rng: random.Random) -> datetime:
    minutes = rng.randrange(7 * 60 + 30, 16 * 60 + 30)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=VN_TZ)


def _one(
    rng: random.Random,
    calendar: WorkCalendar,
    day: date,
    procedure: _Procedure,
    competent: Agency,
    centre: Agency,
    online: bool,
    age: float,
    late_rate: float,
    last: date,
) -> tuple[Dossier, list[dict[str, Any]]]:
    """One dossier and its events (dicts: action, at, from/to status, payload)."""
    received = _at(day, rng)
    due = calendar.add_working_hours(received, procedure.hours)
    dossier = Dossier(
        reference=REFERENCE_PREFIX + secrets.token_hex(6).upper(),
        procedure_version=procedure.version,
        procedure_code=procedure.version.procedure.code,
        case_key=procedure.version.data["cases"][0]["key"],
        channel=2 if online else 1,
        applicant_name="Người nộp thử nghiệm",
        receiving_agency=centre,
        competent_agency=competent,
        current_agency=competent,
        data={},
        provenance={},
        submitted_at=received,
        received_at=received,
        due_at=due,
        current_due_at=due,
        statistics_due_at=due,
    )
    events: list[dict[str, Any]] = []

    def event(action: str, at: datetime, to_status: int, payload: dict | None = None) -> None:
        events.append({"action": action, "at": at, "to_status": to_status, "payload": payload or {}})

    if online:
        event("submit", received - timedelta(minutes=rng.randrange(5, 600)), 1)
        if rng.random() < 0.02:
            dossier.status, dossier.finished_at, dossier.received_at = 3, received, None
            dossier.due_at = dossier.current_due_at = dossier.statistics_due_at = None
            event("refuse", received, 3, {"reason": "Không thuộc thẩm quyền"})
            return dossier, events
    event("receive", received, 2, {"code": ""})
    recent = (last - day).days < 25
    if recent and rng.random() < 0.55:  # still being processed, some waiting for a supplement
        dossier.status = rng.choice((2, 4, 4, 4, 5))
        if dossier.status == 5:
            dossier.supplement_requests, dossier.paused_since = 1, received + timedelta(hours=2)
            event("request_supplement", received + timedelta(hours=2), 5, {"missing": []})
        elif dossier.status == 4:
            event("hand_over", received + timedelta(hours=1), 4)
        return dossier, events
    if rng.random() < 0.01:
        dossier.status, dossier.finished_at = 8, received + timedelta(days=2)
        event("stop", dossier.finished_at, 8, {"reason": "Người nộp đề nghị dừng"})
        return dossier, events
    supplements = 0 if rng.random() > 0.09 else (1 if rng.random() > 0.12 else 2)
    paused, moment = 0.0, received
    for _ in range(supplements):
        asked = calendar.add_working_hours(moment, rng.uniform(1, 6))
        back = calendar.add_working_hours(asked, rng.uniform(4, 24))
        paused += calendar.working_hours_between(asked, back)
        event("request_supplement", asked, 5, {"missing": []})
        event("supplement_at_counter", back, 2, {"fields": []})
        moment = back
    dossier.supplement_requests, dossier.counts_as_late = supplements, supplements > 1
    dossier.paused_hours = paused
    if paused:
        dossier.current_due_at = dossier.statistics_due_at = calendar.add_working_hours(due, paused)
    late = rng.random() < late_rate
    share = rng.uniform(1.02, 1.8) if late else rng.uniform(0.15, 0.98)
    signed_at = calendar.add_working_hours(received, procedure.hours * share + paused)
    event("hand_over", calendar.add_working_hours(received, min(1.0, procedure.hours * 0.1)), 4)
    granted = rng.random() > 0.04
    dossier.outcome = "granted" if granted else "refused"
    event("approve" if granted else "refuse_after_processing", signed_at - timedelta(minutes=30), 4)
    e_result = granted and procedure.signed
    if e_result:
        dossier.e_result_code = secrets.token_hex(6).upper()
    statistics_due = dossier.statistics_due_at or due
    judged = "late" if dossier.counts_as_late else timeliness(signed_at, statistics_due)
    flags = {
        "digitised": rng.random() < 0.35 + 0.55 * age,
        "reuses_data": rng.random() < 0.25 + 0.6 * age,
        "store_linked": rng.random() < 0.1 + 0.5 * age,
        "population_data": online or rng.random() < 0.3 + 0.5 * age,
    }
    minutes = max(0, round((calendar.working_hours_between(received, signed_at) - paused) * 60))
    payload: dict[str, Any] = {
        "outcome": dossier.outcome,
        "timeliness": judged,
        "working_minutes": minutes,
        "index": flags,
    }
    if e_result:
        payload["result"] = {"code": dossier.e_result_code}
    event("sign", signed_at, 9, payload)
    dossier.status, dossier.finished_at = 9, signed_at
    if signed_at.date() < last - timedelta(days=2) or rng.random() < 0.5:
        delivered = signed_at + timedelta(hours=rng.uniform(1, 72))
        event("deliver", delivered, 10, {"method": "online" if online else "counter"})
        dossier.status, dossier.finished_at = 10, delivered
    return dossier, events


def _write(rows: list[Dossier], logs: list[list[dict[str, Any]]], days: dict) -> None:
    with transaction.atomic():
        Dossier.objects.bulk_create(rows, batch_size=1000)
        events, facts = [], []
        for dossier, log in zip(rows, logs, strict=True):
            previous = None
            for item in log:
                events.append(
                    DossierEvent(
                        dossier_id=dossier.pk,
                        action=item["action"],
                        from_status=previous,
                        to_status=item["to_status"],
                        from_agency=dossier.competent_agency,
                        to_agency=dossier.competent_agency,
                        at=item["at"],
                        payload=item["payload"],
                    )
                )
                previous = item["to_status"]
            unit, province = agency_place(dossier.competent_agency)
            keys = Keys(
                dossier.competent_agency_id,
                unit,
                province,
                dossier.procedure_code,
                dossier.procedure_version.sector,
                dossier.channel,
            )
            counted = [SimpleNamespace(**item) for item in log]
            fact = fact_of(
                dossier,
                counted,
                keys=keys,
                needs_e_result=bool((dossier.procedure_version.data.get("result") or {}).get("signed")),
            )
            if fact.keys is None:
                continue
            facts.append(
                DossierFact(
                    dossier_id=dossier.pk,
                    agency_id=keys.agency_id,
                    unit_id=keys.unit_id,
                    province_id=keys.province_id,
                    procedure_code=keys.procedure_code,
                    sector=keys.sector,
                    channel=keys.channel,
                    received_on=fact.received_on,
                    resolved_on=fact.resolved_on,
                    values=fact.values,
                )
            )
            for key, row in deltas(EMPTY, fact).items():
                target = days[key]
                for measure, amount in row.items():
                    target[measure] = target.get(measure, 0) + amount
        DossierEvent.objects.bulk_create(events, batch_size=2000)
        DossierFact.objects.bulk_create(facts, batch_size=2000)
