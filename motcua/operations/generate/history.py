"""The history: which dossiers are received when and where, how each one's life goes, their facts, and
the day rows written once they are final."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from motcua.core.time import VN_TZ, to_local
from motcua.operations.facts import Keys, fact_of
from motcua.operations.generate.life import Doc, Event, Later, Life, Sim
from motcua.operations.generate.profile import (
    BACKLOG_DAYS,
    CHUNK,
    FAMILY,
    GIVEN,
    GROWTH_PER_YEAR,
    MAX_PER_AGENCY_DAY,
    MIDDLE,
    MISSING,
    MONTH_FACTOR,
    ONLINE_AT_END,
    ONLINE_AT_START,
    REASONS,
    REFERENCE_PREFIX,
    WAITING_AFTER_DAYS,
    WEEKDAY_FACTOR,
)
from motcua.operations.generate.sinks import dossier_row, json_text
from motcua.operations.generate.world import LegacyAgencies, Place, Procedure, Route, World, generate_error
from motcua.places.models import REFORM_DATE

# --- the history ----------------------------------------------------------------------------------------


def _ramp(start: float, end: float, t: float) -> float:
    return start + (end - start) * t


class History:
    def __init__(self, world: World, rng: random.Random, run: int, sink: Any, moment: datetime) -> None:
        self.world, self.rng, self.run, self.sink, self.moment = world, rng, run, sink, moment
        self.life = Life(moment)
        self.waiting = False  # this dossier waits for the applicant's supplement now
        self.serial = 0
        self.keys: dict[tuple, Keys] = {}
        self.days: dict[tuple[date, Keys], dict[str, int]] = defaultdict(dict)
        self.numbers: dict[tuple[int, int], int] = defaultdict(int)  # result books, per agency and year
        procedures = world.procedures
        self.procedure_cum = _cumulative([p.weight for p in procedures])
        self.place_cum = _cumulative([p.weight for p in world.places])
        # The online share asked of the whole mix at each point of the history, solved once.
        self.scale = [
            self._online_scale(_ramp(ONLINE_AT_START, ONLINE_AT_END, (i / 100) ** 1.2)) for i in range(101)
        ]

    def _online_scale(self, target: float) -> float:
        """The factor s with Σ weight × min(0.95, s × propensity) = target × Σ weight."""
        procedures = self.world.procedures
        total = sum(p.weight for p in procedures)
        low, high = 0.0, 20.0
        for _ in range(40):
            middle = (low + high) / 2
            share = sum(p.weight * min(0.95, middle * p.online) for p in procedures) / total
            low, high = (middle, high) if share < target else (low, middle)
        return (low + high) / 2

    # --- volumes -------------------------------------------------------------------------------------

    def _days(self, years: int) -> tuple[list[date], list[float]]:
        import holidays

        calendar = self.world.calendar
        last = to_local(self.moment).date()
        first = last.replace(year=last.year - years) + timedelta(days=1)
        tet = {
            day
            for day, name in holidays.country_holidays(
                "VN", years=range(first.year, last.year + 1), language="en_US"
            ).items()
            if name == "Lunar New Year"
        }
        days, weights = [], []
        day = first
        while day <= last:
            if calendar.is_working_day(day):
                weight = (1 + GROWTH_PER_YEAR) ** ((day - first).days / 365)
                weight *= WEEKDAY_FACTOR[day.weekday()] * MONTH_FACTOR[day.month - 1]
                for new_year in tet:
                    if timedelta(0) < new_year - day <= timedelta(days=14):
                        weight *= 1.2  # papers sorted out before the holiday
                    elif timedelta(0) < day - new_year <= timedelta(days=12):
                        weight *= 0.6  # the offices slowly fill again
                if day == last:
                    weight *= self._elapsed(day) / 8
                if weight > 0:
                    days.append(day)
                    weights.append(weight)
            day += timedelta(days=1)
        return days, weights

    def _elapsed(self, day: date) -> float:
        """Working hours of ``day`` before the moment the history stops."""
        opening = datetime.combine(day, time(0, 0), tzinfo=VN_TZ)
        return max(0.0, min(8.0, self.world.calendar.working_hours_between(opening, self.moment)))

    def make(self, total: int, years: int, progress: Callable[[int], None] | None) -> int:
        days, weights = self._days(years)
        if not days:
            return 0
        scale = total / sum(weights)
        made = carried = 0
        batch: list[Sim] = []
        acc = 0.0
        for index, (day, weight) in enumerate(zip(days, weights, strict=True)):
            acc += weight * scale
            count = (total - made - carried) if index == len(days) - 1 else round(acc) - made - carried
            carried += count
            t = index / max(1, len(days) - 1)
            hours = self._elapsed(day) if index == len(days) - 1 else 8.0
            sims = [self.one(day, t, hours) for _ in range(count)]
            self._codes(day, sims)
            batch.extend(sims)
            if len(batch) >= CHUNK or index == len(days) - 1:
                self._flush(batch, through=day)
                made += len(batch)
                carried -= len(batch)
                if progress is not None:
                    progress(len(batch))
                batch = []
        self._flush_days(through=None)
        return made

    # --- one dossier ---------------------------------------------------------------------------------

    def one(self, day: date, t: float, hours: float) -> Sim:
        rng, world = self.rng, self.world
        place = world.places[_pick(self.place_cum, rng)]
        legacy = None
        if day < REFORM_DATE and place.legacy:
            legacy = place.legacy[rng.randrange(len(place.legacy))]
        while True:
            procedure = world.procedures[_pick(self.procedure_cum, rng)]
            try:
                route = world.route(procedure, place, legacy)
                break
            except Exception as error:  # a unit without the procedure's agency: pick another
                if getattr(error, "code", "") not in ("no_agency", "commune_required"):
                    raise
        online_p = min(0.95, self.scale[int(t * 100)] * procedure.online)
        if rng.random() < online_p:
            channel = 2
        elif not procedure.commune_level and rng.random() < 0.05:
            channel = 3
        else:
            channel = 1
        receiving = route.handling
        if channel != 2 and legacy is None and procedure.version.boundary_free and world.centres:
            elsewhere = 0.35 if not procedure.commune_level else 0.06
            if rng.random() < elsewhere:  # any centre of the province receives (domain.md §1)
                receiving = world.centres[rng.randrange(len(world.centres))]
        calendar = world.calendar_of(route.competent)
        case = procedure.cases[_pick(_cumulative(procedure.case_weights), rng)]
        received = calendar.add_working_hours(
            datetime.combine(day, time(7, 30), tzinfo=VN_TZ), hours * rng.betavariate(1.3, 1.8)
        ).replace(second=0, microsecond=0)
        # The last weeks' dossiers are not all done yet (about 2 % of five years'): most of the older
        # ones wait for the applicant's supplement (the clock stopped); the others stop before one of
        # their events (drawn once the life is known, then lived again up to it), open after it.
        age = (self.moment - received).days
        backlog = age < BACKLOG_DAYS and rng.random() < 0.9 * math.sqrt(1 - age / BACKLOG_DAYS)
        self.waiting = backlog and age > WAITING_AFTER_DAYS and rng.random() < 0.85
        state, serial = (rng.getstate() if backlog else None), self.serial
        self.life.until = self.moment
        arguments = (procedure, route, place, legacy, channel, case, receiving, t, calendar, day, received)
        doc, events, reception_day = self._live(*arguments)
        if backlog and not self.waiting:
            first = next(i for i, e in enumerate(events) if e.action in ("receive", "refuse")) + 1
            if first < len(events):
                self.life.until = events[rng.randrange(first, len(events))].at - timedelta(seconds=1)
                rng.setstate(state)  # type: ignore[arg-type]  # drawn above for a backlog dossier
                self.serial = serial
                doc, events, reception_day = self._live(*arguments)
        doc.updated_at = events[-1].at
        fact = fact_of(doc, events, keys=self._keys(route, channel), needs_e_result=procedure.needs_e_result)
        return Sim(doc, events, fact, reception_day)

    def _live(
        self,
        procedure: Procedure,
        route: Route,
        place: Place,
        legacy: Any,
        channel: int,
        case: str,
        receiving: Any,
        t: float,
        calendar: Any,
        day: date,
        received: datetime,
    ) -> tuple[Doc, list[Event], date | None]:
        """One dossier's life from its submission, up to ``self.life.until``."""
        rng = self.rng
        doc = self._doc(procedure, route, place, legacy, channel, case, receiving, t, calendar)
        events: list[Event] = []
        reception_day = None
        try:
            if channel == 2:
                submitted = received - timedelta(minutes=3 + int(rng.expovariate(1 / 480)))
                doc.submitted_at = doc.created_at = submitted
                events.append(Event(doc, "submit", submitted, (None, "", None), {}, ""))
                events[-1].from_agency_id = None
            else:
                doc.submitted_at = doc.created_at = received
            if channel == 2 and rng.random() < 0.03:  # not eligible, or not for this agency (form 03)
                self.life.apply(doc, events, "refuse", received, note=REASONS["refuse"])
            else:
                self.life.receive(doc, events, received, online=channel == 2)
                reception_day = day
                self._process(doc, events, procedure, place, t, calendar)
        except Later:
            pass
        return doc, events, reception_day

    def _doc(
        self,
        procedure: Procedure,
        route: Route,
        place: Place,
        legacy: Any,
        channel: int,
        case: str,
        receiving: Any,
        t: float,
        calendar: Any,
    ) -> Doc:
        rng = self.rng
        self.serial += 1
        born = 1950 + rng.randrange(55)
        sex = rng.randrange(2)
        region = getattr(LegacyAgencies.province_of(legacy), "code", None) if legacy is not None else None
        personal_id = (
            f"{(region or self.world.province.code):0>3}{sex + (2 if born >= 2000 else 0)}{born % 100:02d}"
        )
        personal_id += f"{rng.randrange(1_000_000):06d}"
        name = " ".join(names[rng.randrange(len(names))] for names in (FAMILY, MIDDLE, GIVEN))
        documents, checked = self._documents(procedure, case, channel, t)
        population = rng.random() < (_ramp(0.45, 0.95, t) if channel == 2 else _ramp(0.1, 0.6, t))
        provenance = (
            {procedure.prefill_field: {"source": "population.local", "record": personal_id, "verified": True}}
            if population
            else {}
        )
        doc = Doc(
            id=None,
            code=None,
            reference=f"{REFERENCE_PREFIX}{self.run:03d}-{self.serial:09d}",
            procedure_version=procedure.version,
            procedure_code=procedure.version.code,
            case_key=case,
            channel=channel,
            applicant_id=None,
            applicant_name=name,
            applicant_personal_id=personal_id,
            applicant_phone=f"09{rng.randrange(100_000_000):08d}" if rng.random() < 0.7 else "",
            receiving_agency_id=receiving.pk,
            receiving=receiving,
            competent_agency_id=route.competent.pk,
            current_agency_id=route.handling.pk,
            status=1,
            stage="",
            step_key="",
            data={procedure.name_field: name, "documents": documents},
            provenance=provenance,
            submitted_at=None,
            received_at=None,
            due_at=None,
            current_due_at=None,
            statistics_due_at=None,
            paused_since=None,
            paused_hours=0.0,
            supplement_requests=0,
            counts_as_late=False,
            outcome="",
            step_due_at=None,
            step_started_at=None,
            finished_at=None,
            e_result_code="",
            parent_id=None,
            checked=checked,
            place_late=place.late,
        )
        doc.__dict__["_calendar"] = (route.competent.pk, calendar)
        return doc

    def _documents(self, procedure: Procedure, case: str, channel: int, t: float) -> tuple[dict, list[str]]:
        """The papers as the application or the counter recorded them: left out where a registry
        answers, taken from the applicant's document store, uploaded, or handed in (and scanned)."""
        rng = self.rng
        documents: dict[str, Any] = {}
        checked = []
        for document in procedure.by_case.get(case, ()):
            key, instead = document["key"], document.get("replaceable_by") or {}
            if instead.get("registry") and rng.random() < _ramp(0.15, 0.85, t):
                continue
            if instead.get("document_store") and rng.random() < _ramp(0.05, 0.5, t):
                documents[key] = {"reused": {"source": "document_store", "kind": instead["document_store"]}}
            elif channel == 2:
                if document.get("form") != "electronic":
                    documents[key] = {"digitised": {"pages": 1 + rng.randrange(3), "text": False}}
            else:
                documents[key] = {"paper": True}
                checked.append(key)
                if rng.random() < _ramp(0.25, 0.9, t):
                    documents[key]["digitised"] = {"pages": 1 + rng.randrange(3), "text": True}
        return documents, checked

    def _process(
        self, doc: Doc, events: list[Event], procedure: Procedure, place: Place, t: float, calendar: Any
    ) -> None:
        """From reception to delivery (or a withdrawal, a stop), each step in its time."""
        rng, life = self.rng, self.life

        def add(start: datetime, hours: float) -> datetime:
            return calendar.add_working_hours(start, hours).replace(microsecond=0)

        received = doc.received_at
        budget = max(0.5, calendar.working_hours_between(received, doc.statistics_due_at))
        cursor = add(received, rng.uniform(0.05, max(0.1, min(3.0, 0.15 * budget))))
        life.apply(doc, events, "hand_over", cursor)
        fate = rng.random()
        withdraw, stop = fate < 0.01, 0.01 <= fate < 0.014
        refuse = 0.014 <= fate < 0.034
        draw = rng.random()
        supplements = 3 if draw < 0.0006 else 2 if draw < 0.0046 else 1 if draw < _ramp(0.09, 0.05, t) else 0
        if self.waiting:
            supplements = max(1, supplements)
        for number in range(supplements):
            asked = add(cursor, rng.uniform(0.2, max(0.3, min(8.0, 0.3 * budget))))
            life.apply(doc, events, "request_supplement", asked, items=MISSING)
            if self.waiting and number == supplements - 1:
                raise Later  # the applicant has not brought the papers yet
            if stop and number == supplements - 1:  # never supplemented: processing stops
                life.apply(
                    doc,
                    events,
                    "stop",
                    asked + timedelta(days=rng.randrange(10, 30), minutes=rng.randrange(600)),
                    note=REASONS["stop"],
                )
                return
            back = asked + timedelta(minutes=rng.randrange(180, 24 * 7 * 60))
            action = "supplement" if doc.channel == 2 else "supplement_at_counter"
            life.apply(doc, events, action, back, data={})
            cursor = max(back, cursor)
        if withdraw or stop:
            asked = add(cursor, rng.uniform(1, 24))
            if withdraw:
                life.apply(doc, events, "request_withdrawal", asked, note=REASONS["request_withdrawal"])
                life.apply(
                    doc,
                    events,
                    "confirm_withdrawal",
                    add(asked, rng.uniform(1, 16)),
                    note=REASONS["confirm_withdrawal"],
                )
            else:
                life.apply(doc, events, "stop", asked, note=REASONS["stop"])
            return
        due = doc.statistics_due_at
        late_share = min(0.2, 0.03 * place.late * procedure.late * _ramp(1.3, 0.7, t))
        if rng.random() < late_share:
            signed = add(due, 0.5 + rng.expovariate(1 / 20))
        else:
            left = calendar.working_hours_between(cursor, due)
            signed = add(cursor, max(0.1, left * rng.betavariate(1.4, 2.2)) if left > 0.2 else 0.1)
        span = max(0.05, calendar.working_hours_between(cursor, signed))
        further, probe = 0, Doc(procedure_version=doc.procedure_version, step_key=doc.step_key)
        while (step := Life.following(probe)) is not None and further < 4:
            further, probe.step_key = further + 1, step["key"]
        stops = further + 2
        for number in range(further):
            life.apply(doc, events, "hand_over", add(cursor, span * (number + 1) / stops))
        decided = add(cursor, span * (stops - 1) / stops)
        if refuse:
            life.apply(
                doc, events, "refuse_after_processing", decided, note=REASONS["refuse_after_processing"]
            )
        else:
            life.apply(doc, events, "approve", decided)
        result = None
        if doc.outcome == "granted" and procedure.needs_e_result:
            year = to_local(signed).year
            self.numbers[(doc.competent_agency_id, year)] += 1
            number = self.numbers[(doc.competent_agency_id, year)]
            result = {
                "result": {"code": f"SY{self.run:03d}{self.serial:010d}", "number": f"{number:05d}/{year}"}
            }
        life.apply(doc, events, "sign", signed, data=result)
        method = "online" if doc.channel == 2 else "post" if doc.channel == 3 else "counter"
        wait = rng.uniform(0.02, 2) if method == "online" else rng.expovariate(1 / 10)
        life.apply(doc, events, "deliver", add(signed, wait), data={"method": method})

    def _keys(self, route: Route, channel: int) -> Keys:
        key = (*route.keys, channel)
        keys = self.keys.get(key)
        if keys is None:
            agency, unit, province, code, sector = route.keys
            keys = self.keys[key] = Keys(agency, unit, province, code, sector, channel)
        return keys

    # --- codes, rows, summaries --------------------------------------------------------------------------

    def _codes(self, day: date, sims: list[Sim]) -> None:
        """Dossier codes of the day's receptions, numbered on from the agencies' day counters."""
        received = [s for s in sims if s.reception_day is not None]
        if not received:
            return
        received.sort(key=lambda s: s.doc.received_at)
        per_agency: dict[int, list[Sim]] = defaultdict(list)
        for sim in received:
            per_agency[sim.doc.receiving_agency_id].append(sim)
        last = self.sink.code_counters(day, {agency: len(items) for agency, items in per_agency.items()})
        for agency, items in per_agency.items():
            first = last[agency] - len(items) + 1
            if last[agency] > MAX_PER_AGENCY_DAY:
                raise generate_error(
                    "Một cơ quan sẽ nhận quá 9.999 hồ sơ một ngày: hãy tạo ít hồ sơ hơn, qua nhiều năm hơn.",
                    "An agency would receive over 9,999 dossiers a day: generate fewer, over more years.",
                    "code_exhausted",
                )
            prefix = f"{items[0].doc.receiving.electronic_id}-{day:%y%m%d}-"
            for number, sim in enumerate(items, start=first):
                sim.doc.code = f"{prefix}{number:04d}"
                for event in sim.events:
                    if event.action == "receive":
                        if "code" in event.payload:
                            event.payload["code"] = sim.doc.code
                        break

    def _flush(self, batch: list[Sim], *, through: date) -> None:
        ids = self.sink.ids(len(batch))
        dossiers, events, facts = [], [], []
        for dossier_id, sim in zip(ids, batch, strict=True):
            doc = sim.doc
            doc.id = dossier_id
            dossiers.append(dossier_row(doc))
            for e in sim.events:
                events.append(
                    (dossier_id, e.action, e.from_status, e.to_status, e.from_stage, e.to_stage, e.step_key,
                     e.from_agency_id, e.to_agency_id, e.at, e.step_due_at, e.note, json_text(e.payload))
                )  # fmt: skip
            fact = sim.fact
            if fact.keys is None:
                continue
            k = fact.keys
            facts.append(
                (dossier_id, k.agency_id, k.unit_id, k.province_id, k.procedure_code, k.sector, k.channel,
                 fact.received_on, fact.resolved_on, json_text(fact.values))
            )  # fmt: skip
            for day, measure, amount in fact.rows():
                row = self.days[(day, k)]
                row[measure] = row.get(measure, 0) + amount
        self.sink.dossiers(dossiers)
        self.sink.events(events)
        self.sink.facts(facts)
        self._flush_days(through=through)

    def _flush_days(self, *, through: date | None) -> None:
        """Write the day rows that are final: no dossier received later adds to a day before it."""
        ready = [key for key in self.days if through is None or key[0] <= through]
        if ready:
            self.sink.days({key: self.days.pop(key) for key in ready})


def _cumulative(weights: Iterable[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _pick(cumulative: list[float], rng: random.Random) -> int:
    from bisect import bisect_right

    return min(len(cumulative) - 1, bisect_right(cumulative, rng.random() * cumulative[-1]))
