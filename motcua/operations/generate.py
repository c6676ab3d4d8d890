"""A synthetic history of the province for benchmarks and demos (``motcua operations generate``).

Years of dossiers of the province the agencies are loaded for, written in bulk (PostgreSQL: ``COPY``;
SQLite: batched inserts) in one transaction, with their event log, their facts and the day and month
summaries, as if every one had gone through the services:

- each dossier is driven through the dossiers app's own bookkeeping — the state table
  (``states.TRANSITIONS``), the transition handlers (``handlers.HANDLERS``: supplements, approval,
  signing, delivery, withdrawal…), the clock (``clock.start_clock``/``pause``) and the steps — on a
  plain in-memory object, so its row, its events and the sign event's payload are what the services
  would have written (only authorisation, audit and notices are left out: there are no people);
- its fact comes from ``facts.fact_of``, the function the incremental path and the rebuild use, and
  the day rows are summed from the facts (a day's rows are final once every dossier received by that
  day is made, so they are written as the history advances and memory stays bounded);
- volumes follow the working calendar (working days only, a weekly pattern, the months, the weeks
  around Tết), grow over the years and move online (about 52 % by the end, domain.md §10); late
  shares (1–5 %) vary by unit and procedure; some dossiers are supplemented once, a few twice or more
  (late by rule), some refused at reception, withdrawn, stopped or refused after processing;
  digitisation, reuse of stored documents and registry data rise over time;
- history before 1 July 2025 belongs to the pre-2025 communes and provinces (``places load`` keeps
  them and who became whom). Their agencies are not part of the demo list, so they are made here, once,
  as synthetic agencies valid until 30 June 2025 and linked to their successors: commune ``n``'s
  People's Committee, one-stop desk and police get ``000|001|002.NN.BB.<province letter>`` with
  ``BB`` from 80 (99 communes a block), a pre-2025 province ``p``'s agencies ``0KK.00.9p.<letter>``
  (``KK`` the level-2 code of today's agency it became); their names say "(trước 01/7/2025)";
- the procedures are today's catalogue (the newest version in force of each), for the whole history:
  the catalogue starts on 1 July 2025; every granted dossier of a procedure that signs its result has
  its electronic result (the state machine requires one; there is no file behind it);
- the last weeks' dossiers are still open (most of the older ones waiting for the applicant's
  supplement, the others received, being processed, a withdrawal asked), as the history stops at the
  moment it is generated.

Never on a real installation: the dossiers have no applicants' accounts, files or officials. On
PostgreSQL, when the database user may (a superuser), the per-row foreign-key triggers are skipped in
the generating transaction (``session_replication_role = replica``, as ``pg_restore
--disable-triggers`` does): every reference written was read or written by the same transaction.

Synthetic dossiers are known by their reference ``SY-<run>-<number>``; dossier codes take their numbers
from the same per-agency-per-day counters receptions use, so a second run adds more dossiers and later
real receptions never clash with them. Summaries are *added* to what is there (an upsert per row), so
generating into a database that already has summaries keeps them exact.
"""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction

from motcua.core.time import VN_TZ, now, to_local
from motcua.operations.facts import Keys, fact_of
from motcua.operations.models import MEASURES
from motcua.places.models import REFORM_DATE

REFERENCE_PREFIX = "SY-"
LEGACY_SUFFIX_VI = " (trước 01/7/2025)"
LEGACY_SUFFIX_EN = " (before 1 July 2025)"
LEGACY_COMMUNE_BLOCK = 80
LEGACY_PROVINCE_BLOCK = 90
BACKLOG_DAYS = 56  # how far back some dossiers are still open
WAITING_AFTER_DAYS = 7  # older open ones mostly wait for the applicant
CHUNK = 20_000  # dossiers written per batch (and per progress tick)
MAX_PER_AGENCY_DAY = 9999  # the code's four digits

# How often each procedure is asked for, relative to the others (a commune's year); unknown ones 1.
PROCEDURE_WEIGHTS = {
    "2.000815": 30.0,  # certified copies: the bulk of a commune's counter
    "2.000884": 8.0,  # certifying a signature
    "1.004206": 9.0,  # temporary residence
    "1.004194": 7.0,  # permanent residence
    "1.004227": 3.0,
    "1.004258": 2.0,
    "1.001193": 6.0,  # birth registration
    "1.004873": 6.0,  # certificate of marital status
    "2.000635": 4.0,
    "1.000656": 2.5,
    "1.000894": 2.5,
    "1.004884": 1.5,
    "1.004859": 1.0,
    "1.001022": 0.4,
    "1.004837": 0.2,
    "1.001776": 1.0,
    "1.009994": 1.2,
    "1.012784": 1.0,
    "1.012790": 1.5,
    "2.000720": 1.5,
    "2.000662": 0.8,
    "2.000575": 0.6,
    "2.000488": 3.0,  # judicial record certificates (the city's department)
    "1.002809": 2.0,
    "1.002966": 1.5,
    "1.001714": 0.5,
    "2.002157": 0.8,
}
ONLINE_PROPENSITY = {"full": 1.0, "partial": 0.6, "none": 0.0}
LATE_FACTOR_BY_SECTOR = {"land": 2.5, "construction": 2.2, "social_protection": 1.5, "enterprise": 1.3}
WEEKDAY_FACTOR = (1.15, 1.05, 1.0, 0.95, 0.85, 0.5, 0.5)  # Mon…Sun (weekend days are days off)
MONTH_FACTOR = (1.1, 0.85, 1.0, 1.0, 0.95, 1.05, 1.05, 1.0, 0.95, 1.0, 1.05, 1.12)
GROWTH_PER_YEAR = 0.08
ONLINE_AT_START, ONLINE_AT_END = 0.15, 0.52
REASONS = {
    "refuse": "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
    "refuse_after_processing": "Không đủ điều kiện theo quy định.",
    "request_withdrawal": "Người nộp không còn nhu cầu.",
    "confirm_withdrawal": "Người nộp xin rút hồ sơ.",
    "stop": "Người nộp không bổ sung hồ sơ theo yêu cầu.",
}
MISSING = [{"vi": "Bản sao giấy tờ chứng minh còn thiếu", "en": "A copy of the missing supporting paper"}]
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi")  # fmt: skip
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Đức", "Hoài")  # fmt: skip
GIVEN = (
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khoa", "Lan", "Long", "Mai", "Nam",
    "Ngân", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tuấn", "Vy", "Yến",
)  # fmt: skip


# --- the public functions -------------------------------------------------------------------------------


def history_present() -> bool:
    """Whether a synthetic history was loaded here (a dossier with a synthetic reference exists)."""
    from motcua.dossiers.models import Dossier

    return Dossier.objects.filter(reference__startswith=REFERENCE_PREFIX).exists()


def history_generate(
    *, dossiers: int, years: int, seed: int, progress: Callable[[int], None] | None = None
) -> int:
    """Load ``dossiers`` synthetic dossiers received over the last ``years`` years of the province,
    with their events, facts and summaries, in one transaction. How many were made."""
    from motcua.core.errors import ValidationError

    if dossiers < 1 or years < 1:
        raise ValidationError(
            "Số hồ sơ và số năm phải lớn hơn 0.",
            "The number of dossiers and of years must be above 0.",
            code="generate_arguments",
        )
    moment = now()
    with transaction.atomic():
        world = _World.build(moment=moment)
        run = _run_number()
        rng = random.Random(seed * 1009 + run)  # noqa: S311 — synthetic data, not secrets
        world.tune(rng)
        sink = _PostgresSink() if connection.vendor == "postgresql" else _SqliteSink()
        made = _History(world, rng, run, sink, moment).make(dossiers, years, progress)
        sink.finish()
    return made


def _run_number() -> int:
    from motcua.dossiers.models import Dossier

    last = (
        Dossier.objects.filter(reference__startswith=REFERENCE_PREFIX)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    return int(last.split("-")[1]) + 1 if last else 1


# --- the province: units, agencies, procedures -----------------------------------------------------------


@dataclass
class _Procedure:
    version: Any
    weight: float
    online: float  # propensity to be applied for online (0 for a procedure not offered online)
    late: float  # how much more often it is late than the average
    cases: list[str]
    case_weights: list[float]
    documents: list[dict[str, Any]]  # the documents of each case, by case
    by_case: dict[str, list[dict[str, Any]]]
    name_field: str
    prefill_field: str
    needs_e_result: bool
    same_day: bool

    @property
    def commune_level(self) -> bool:
        return self.version.competent_level == "commune"


@dataclass
class _Route:
    competent: Any  # Agency
    handling: Any  # the centre (or one-stop desk) that handles it for the competent agency
    keys: tuple  # (agency, unit, province, procedure, sector) — the channel is added per dossier


@dataclass
class _Place:
    """A commune-level unit in force today, with the pre-2025 units that became it."""

    unit: Any
    weight: float
    late: float
    legacy: list[Any] = field(default_factory=list)  # pre-2025 units (communes, an island district)


class _World:
    """Everything read once: the units and agencies of the province (pre-2025 ones made when
    missing), the procedures, the calendars."""

    province: Any
    calendar: Any
    places: list[_Place]
    centres: list[Any]
    procedures: list[_Procedure]
    legacy: _LegacyAgencies

    def __init__(self) -> None:
        self.routes: dict[tuple, _Route] = {}
        self.agencies: dict[tuple, tuple[Any, Any]] = {}  # (competent, handling) by what decides them
        self.places_of: dict[int, tuple[int, int]] = {}  # (unit, province) of an agency
        self.calendars: dict[int, Any] = {}

    @classmethod
    def build(cls, *, moment: datetime) -> _World:
        from motcua.catalogue.models import ProcedureVersion
        from motcua.operations.selectors import province_default, units_of_province
        from motcua.places.calendar import WorkCalendar
        from motcua.places.models import Agency

        self = cls()
        self.province = province_default()
        self.calendar = WorkCalendar.for_agency(
            Agency.objects.filter(unit=self.province, valid_to__isnull=True).order_by("pk").first()
        )
        communes = units_of_province(self.province.pk)
        if not communes:
            raise _error("Tỉnh chưa có xã, phường nào.", "The province has no communes.", "no_units")
        self.places = [_Place(unit=u, weight=1.0, late=1.0) for u in communes]
        self.centres = list(
            Agency.objects.filter(
                kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__in=communes, valid_to__isnull=True
            ).order_by("pk")
        )
        versions = list(
            ProcedureVersion.objects.in_force_on(to_local(moment).date())
            .select_related("procedure")
            .order_by("pk")
        )
        latest: dict[str, Any] = {}
        for version in versions:
            if version.code not in latest or version.version > latest[version.code].version:
                latest[version.code] = version
        if not latest:
            raise _error(
                "Chưa có thủ tục nào: hãy nạp danh mục thủ tục.",
                "No procedure is loaded: load the catalogue first.",
                "no_procedures",
            )
        self.procedures = [_procedure(v) for v in latest.values()]
        self.legacy = _LegacyAgencies(self)
        return self

    def tune(self, rng: random.Random) -> None:
        """The units' sizes and how often each is late: a few big wards, many small communes."""
        for place in self.places:
            small = place.unit.kind == "special_zone"
            place.weight = rng.lognormvariate(0, 0.6) * (0.1 if small else 1.0)
            place.late = min(4.0, max(0.2, rng.lognormvariate(-0.1, 0.6)))

    def calendar_of(self, agency: Any) -> Any:
        """The agency's calendar, as ``clock.calendar_for`` reads it (overrides of its province)."""
        from motcua.dossiers.selectors import province_of
        from motcua.places.calendar import WorkCalendar

        province = province_of(agency.unit)
        if province.pk not in self.calendars:
            self.calendars[province.pk] = WorkCalendar.for_agency(agency)
        return self.calendars[province.pk]

    def route(self, procedure: _Procedure, place: _Place, legacy: Any | None) -> _Route:
        """Who decides and who handles a dossier of ``procedure`` from ``place`` (before the reform:
        from its pre-2025 unit ``legacy``), as ``dossiers.selectors.competent_agencies_for`` does."""
        from motcua.dossiers.selectors import competent_agencies_for
        from motcua.operations.summaries import agency_place

        version = procedure.version
        commune = version.competent_level == "commune"
        key = (version.pk, place.unit.pk if commune else None, getattr(legacy, "pk", None))
        route = self.routes.get(key)
        if route is None:
            deciding = (commune, version.data["competent_agency_kind"], version.sector, key[1])
            if deciding not in self.agencies:
                self.agencies[deciding] = competent_agencies_for(version, place.unit)
            competent, handling = self.agencies[deciding]
            if legacy is not None:
                competent, handling = self.legacy.twin(competent, legacy), self.legacy.twin(handling, legacy)
            if competent.pk not in self.places_of:
                self.places_of[competent.pk] = agency_place(competent)
            unit, province = self.places_of[competent.pk]
            keys = (competent.pk, unit, province, version.code, version.sector)
            route = self.routes[key] = _Route(competent, handling, keys)
        return route


def _procedure(version: Any) -> _Procedure:
    data = version.data
    cases = [c["key"] for c in data["cases"]]
    documents = {d["key"]: d for d in data["documents"]}
    by_case = {
        c["key"]: [documents[k] for k in c.get("documents", documents) if k in documents]
        for c in data["cases"]
    }
    fields = [f["key"] for s in data["form"]["sections"] for f in s["fields"]]
    name_field = next((f for f in fields if f.endswith("full_name")), fields[0])
    prefill = [
        k for k, source in (data.get("prefill") or {}).items() if str(source).startswith("population.")
    ]
    limit = data["time_limit"]
    return _Procedure(
        version=version,
        weight=PROCEDURE_WEIGHTS.get(version.code, 1.0),
        online=ONLINE_PROPENSITY.get(version.online_level, 0.0),
        late=LATE_FACTOR_BY_SECTOR.get(version.sector, 0.7 if limit["unit"] == "same_day" else 1.0),
        cases=cases,
        case_weights=[0.6**i for i in range(len(cases))],
        documents=list(documents.values()),
        by_case=by_case,
        name_field=name_field,
        prefill_field=prefill[0] if prefill else name_field,
        needs_e_result=bool((data.get("result") or {}).get("signed")),
        same_day=limit["unit"] == "same_day",
    )


def _error(vi: str, en: str, code: str) -> Exception:
    from motcua.core.errors import ValidationError

    return ValidationError(vi, en, code=code)


class _LegacyAgencies:
    """The pre-2025 agencies the history needs: found by electronic id, made when missing."""

    def __init__(self, world: _World) -> None:
        from motcua.places.models import LEGACY_END, AdministrativeUnit, Agency, UnitSuccession

        self.world = world
        province = world.province
        pc = Agency.objects.filter(unit=province, kind=Agency.Kind.PROVINCIAL_PEOPLES_COMMITTEE).first()
        self.letter = (pc.electronic_id if pc else "000.00.00.H00").rsplit(".", 1)[1]
        places = {p.unit.pk: p for p in world.places}
        links = UnitSuccession.objects.filter(successor_id__in=places).select_related(
            "predecessor__parent__parent"
        )
        legacy_units: dict[int, Any] = {}
        for link in links.order_by("predecessor__code", "successor_id"):
            if (
                link.predecessor.valid_to == LEGACY_END
                and link.predecessor.level > AdministrativeUnit.Level.PROVINCE
            ):
                places[link.successor_id].legacy.append(link.predecessor)
                legacy_units[link.predecessor.pk] = link.predecessor
        self.successors_of: dict[int, list[int]] = defaultdict(list)
        for link in links:
            self.successors_of[link.predecessor_id].append(link.successor_id)
        provinces = list(
            AdministrativeUnit.objects.filter(
                pk__in=UnitSuccession.objects.filter(successor=province).values("predecessor_id"),
                level=AdministrativeUnit.Level.PROVINCE,
            ).order_by("code")
        )
        self.provinces = {p.pk: i for i, p in enumerate(provinces)}
        self.units = sorted(legacy_units.values(), key=lambda u: u.code)
        self.number = {u.pk: i for i, u in enumerate(self.units, start=1)}
        self.by_id = {a.electronic_id: a for a in Agency.objects.filter(valid_to=LEGACY_END)}
        self.twins: dict[tuple[int, int], Any] = {}

    @staticmethod
    def province_of(unit: Any) -> Any:
        while unit.parent_id is not None and unit.level != 1:
            unit = unit.parent
        return unit

    def twin(self, agency: Any, legacy_unit: Any) -> Any:
        """The pre-2025 agency that did ``agency``'s work for ``legacy_unit`` (made when missing)."""
        city = agency.unit.level == 1
        key = (agency.pk, self.province_of(legacy_unit).pk if city else legacy_unit.pk)
        if key not in self.twins:
            self.twins[key] = self._make(agency, legacy_unit)
        return self.twins[key]

    def _make(self, agency: Any, legacy_unit: Any) -> Any:
        from motcua.places.models import LEGACY_END, Agency

        parts = agency.electronic_id.split(".")
        if agency.unit.level == 1:  # a city agency: the same office of the pre-2025 province
            unit = self.province_of(legacy_unit)
            block = LEGACY_PROVINCE_BLOCK + self.provinces.get(unit.pk, 0)
            electronic_id = f"0{parts[2]}.00.{block:02d}.{self.letter}"
            city = agency.unit.name
            name = (
                agency.name.replace(city, unit.name) if city in agency.name else f"{agency.name} {unit.name}"
            )
            name_en = f"{agency.name_en}, {unit.name}"
            parent = None
        else:  # a commune's agency: the same office of the pre-2025 commune
            unit = legacy_unit
            number = self.number[legacy_unit.pk]
            block, position = divmod(number - 1, 99)
            electronic_id = f"{parts[0]}.{position + 1:02d}.{LEGACY_COMMUNE_BLOCK + block:02d}.{self.letter}"
            district = unit.parent.name if unit.parent_id and unit.level == 3 else ""
            name = f"{_office_name(agency)} {unit.name}" + (f", {district}" if district else "")
            name_en = f"{_office_name_en(agency)} {unit.name}" + (f", {district}" if district else "")
            parent = None
        existing = self.by_id.get(electronic_id)
        if existing is not None:
            return existing
        made = Agency.objects.create(
            electronic_id=electronic_id,
            name=(name + LEGACY_SUFFIX_VI)[:200],
            name_en=(name_en + LEGACY_SUFFIX_EN)[:200],
            kind=agency.kind,
            unit=unit,
            parent=parent,
            valid_from=None,
            valid_to=LEGACY_END,
        )
        successors = [agency]
        if agency.unit.level != 1:  # a split commune's office became the offices of each part
            successors = list(
                Agency.objects.filter(
                    unit_id__in=self.successors_of[unit.pk], kind=agency.kind, valid_to__isnull=True
                )
            ) or [agency]
        made.successors.set(successors)
        self.by_id[electronic_id] = made
        return made


def _office_name(agency: Any) -> str:
    from motcua.places.models import Agency

    return {
        Agency.Kind.COMMUNE_PEOPLES_COMMITTEE: "Ủy ban nhân dân",
        Agency.Kind.COMMUNE_SERVICE_CENTRE: "Bộ phận Tiếp nhận và Trả kết quả",
        Agency.Kind.POLICE: "Công an",
    }.get(agency.kind, agency.name)


def _office_name_en(agency: Any) -> str:
    from motcua.places.models import Agency

    return {
        Agency.Kind.COMMUNE_PEOPLES_COMMITTEE: "People's Committee of",
        Agency.Kind.COMMUNE_SERVICE_CENTRE: "One-stop desk of",
        Agency.Kind.POLICE: "Police of",
    }.get(agency.kind, agency.name_en)


# --- one dossier's life ---------------------------------------------------------------------------------


class _Doc:
    """A dossier in memory, with the attributes the dossiers app's handlers, clock and steps read and
    change (they are called on it exactly as ``services.dossier_transition`` calls them)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...


class _Event:
    __slots__ = (
        "action", "at", "from_agency_id", "from_stage", "from_status", "note", "payload", "step_due_at",
        "step_key", "to_agency_id", "to_stage", "to_status",
    )  # fmt: skip

    def __init__(self, doc: _Doc, action: str, at: datetime, before: tuple, payload: dict, note: str) -> None:
        self.action, self.at, self.payload, self.note = action, at, payload, note
        self.from_status, self.from_stage, self.from_agency_id = before
        self.to_status, self.to_stage, self.step_key = doc.status, doc.stage, doc.step_key
        self.to_agency_id, self.step_due_at = doc.current_agency_id, doc.step_due_at


class _Later(Exception):
    """The next event of a dossier's life is after the moment the history stops: it is still open."""


@dataclass
class _Sim:
    doc: _Doc
    events: list[_Event]
    fact: Any
    reception_day: date | None  # the day its code belongs to (None: never received)


class _Life:
    """Drives one dossier through the state table and the handlers, stopping at ``moment``."""

    def __init__(self, moment: datetime) -> None:
        from motcua.dossiers.clock import pause, start_clock
        from motcua.dossiers.handlers import HANDLERS
        from motcua.dossiers.states import TRANSITIONS
        from motcua.dossiers.steps import step_for_hand_over, step_move_on, step_open_first

        self.moment = self.until = moment  # ``until``: where this dossier's life stops (open after)
        # Called on a ``_Doc``, which has every attribute of a dossier they read or write.
        self.handlers: dict[str, Callable[..., Any]] = HANDLERS
        self.transitions = TRANSITIONS
        self.start_clock: Callable[..., None] = start_clock
        self.pause: Callable[..., None] = pause
        self.step_open_first: Callable[..., None] = step_open_first
        self.step_for_hand_over: Callable[..., Any] = step_for_hand_over
        self.step_move_on: Callable[..., dict[str, Any]] = step_move_on

    def apply(self, doc: _Doc, events: list[_Event], action: str, at: datetime, **kwargs: Any) -> None:
        """``services.dossier_transition`` without the people: handler, table, pause, end, event."""
        if at > self.until:
            raise _Later
        transition = self.transitions[action]
        assert transition.applies_to(doc), (action, doc.status, doc.stage)
        before = (doc.status, doc.stage, doc.current_agency_id)
        note = kwargs.pop("note", "")
        if action == "hand_over":
            payload = self._hand_over(doc, at)
        else:
            handler = self.handlers.get(action)
            arguments = {"actor": None, "to_person": None, "to_agency": None, "new_due_at": None}
            arguments |= {"items": None, "data": None, **kwargs}
            payload = (handler(doc, at=at, note=note, **arguments) or {}) if handler else {}
        if transition.to_status is not None:
            doc.status = transition.to_status
        if transition.to_stage is not None:
            doc.stage = transition.to_stage
        if doc.status in (5, 6):
            self.pause(doc, at=at)
        if doc.status in (3, 8, 10):
            doc.finished_at = doc.finished_at or at
        events.append(_Event(doc, action, at, before, payload, note))

    def receive(self, doc: _Doc, events: list[_Event], at: datetime, *, online: bool) -> None:
        """Reception: at the counter (the dossier starts here) or of an online submission."""
        if at > self.until:
            raise _Later
        before = (doc.status if online else None, doc.stage, doc.current_agency_id)
        self.start_clock(doc, at=at)
        self.step_open_first(doc, at=at)
        doc.status, doc.stage = 2, ""
        payload: dict[str, Any] = {"code": None} if online else {"checked": doc.checked, "scans": []}
        events.append(_Event(doc, "receive", at, before, payload, ""))

    def _hand_over(self, doc: _Doc, at: datetime) -> dict[str, Any]:
        """``handlers._on_hand_over`` to the person who does the procedure's next step."""
        from motcua.dossiers.steps import role_key

        following = self.following(doc)
        step = self.step_for_hand_over(doc, {role_key(following)} if following else set())
        if step is None:
            return {"step": doc.step_key, "within_step": True}
        return {"step": step["key"], **self.step_move_on(doc, step, at=at)}

    @staticmethod
    def following(doc: Any) -> dict[str, Any] | None:
        """The step a hand-over would start next (None: approval or signing start the next one)."""
        from motcua.dossiers.steps import BY_ANOTHER_AGENCY, OPENED_BY_TRANSITION

        steps = doc.procedure_version.data.get("steps") or []
        keys = [s["key"] for s in steps]
        position = keys.index(doc.step_key) if doc.step_key in keys else 0
        step = next((s for s in steps[position + 1 :] if s.get("role") not in BY_ANOTHER_AGENCY), None)
        if step is None or step.get("role") in OPENED_BY_TRANSITION:
            return None
        return step


# --- the history ----------------------------------------------------------------------------------------


def _ramp(start: float, end: float, t: float) -> float:
    return start + (end - start) * t


class _History:
    def __init__(self, world: _World, rng: random.Random, run: int, sink: Any, moment: datetime) -> None:
        self.world, self.rng, self.run, self.sink, self.moment = world, rng, run, sink, moment
        self.life = _Life(moment)
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
        batch: list[_Sim] = []
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

    def one(self, day: date, t: float, hours: float) -> _Sim:
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
        return _Sim(doc, events, fact, reception_day)

    def _live(
        self,
        procedure: _Procedure,
        route: _Route,
        place: _Place,
        legacy: Any,
        channel: int,
        case: str,
        receiving: Any,
        t: float,
        calendar: Any,
        day: date,
        received: datetime,
    ) -> tuple[_Doc, list[_Event], date | None]:
        """One dossier's life from its submission, up to ``self.life.until``."""
        rng = self.rng
        doc = self._doc(procedure, route, place, legacy, channel, case, receiving, t, calendar)
        events: list[_Event] = []
        reception_day = None
        try:
            if channel == 2:
                submitted = received - timedelta(minutes=3 + int(rng.expovariate(1 / 480)))
                doc.submitted_at = doc.created_at = submitted
                events.append(_Event(doc, "submit", submitted, (None, "", None), {}, ""))
                events[-1].from_agency_id = None
            else:
                doc.submitted_at = doc.created_at = received
            if channel == 2 and rng.random() < 0.03:  # not eligible, or not for this agency (form 03)
                self.life.apply(doc, events, "refuse", received, note=REASONS["refuse"])
            else:
                self.life.receive(doc, events, received, online=channel == 2)
                reception_day = day
                self._process(doc, events, procedure, place, t, calendar)
        except _Later:
            pass
        return doc, events, reception_day

    def _doc(
        self,
        procedure: _Procedure,
        route: _Route,
        place: _Place,
        legacy: Any,
        channel: int,
        case: str,
        receiving: Any,
        t: float,
        calendar: Any,
    ) -> _Doc:
        rng = self.rng
        self.serial += 1
        born = 1950 + rng.randrange(55)
        sex = rng.randrange(2)
        region = getattr(_LegacyAgencies.province_of(legacy), "code", None) if legacy is not None else None
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
        doc = _Doc(
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

    def _documents(self, procedure: _Procedure, case: str, channel: int, t: float) -> tuple[dict, list[str]]:
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
        self, doc: _Doc, events: list[_Event], procedure: _Procedure, place: _Place, t: float, calendar: Any
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
                raise _Later  # the applicant has not brought the papers yet
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
        further, probe = 0, _Doc(procedure_version=doc.procedure_version, step_key=doc.step_key)
        while (step := _Life.following(probe)) is not None and further < 4:
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

    def _keys(self, route: _Route, channel: int) -> Keys:
        key = (*route.keys, channel)
        keys = self.keys.get(key)
        if keys is None:
            agency, unit, province, code, sector = route.keys
            keys = self.keys[key] = Keys(agency, unit, province, code, sector, channel)
        return keys

    # --- codes, rows, summaries --------------------------------------------------------------------------

    def _codes(self, day: date, sims: list[_Sim]) -> None:
        """Dossier codes of the day's receptions, numbered on from the agencies' day counters."""
        received = [s for s in sims if s.reception_day is not None]
        if not received:
            return
        received.sort(key=lambda s: s.doc.received_at)
        per_agency: dict[int, list[_Sim]] = defaultdict(list)
        for sim in received:
            per_agency[sim.doc.receiving_agency_id].append(sim)
        last = self.sink.code_counters(day, {agency: len(items) for agency, items in per_agency.items()})
        for agency, items in per_agency.items():
            first = last[agency] - len(items) + 1
            if last[agency] > MAX_PER_AGENCY_DAY:
                raise _error(
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

    def _flush(self, batch: list[_Sim], *, through: date) -> None:
        ids = self.sink.ids(len(batch))
        dossiers, events, facts = [], [], []
        for dossier_id, sim in zip(ids, batch, strict=True):
            doc = sim.doc
            doc.id = dossier_id
            dossiers.append(_dossier_row(doc))
            for e in sim.events:
                events.append(
                    (dossier_id, e.action, e.from_status, e.to_status, e.from_stage, e.to_stage, e.step_key,
                     e.from_agency_id, e.to_agency_id, e.at, e.step_due_at, e.note, _json(e.payload))
                )  # fmt: skip
            fact = sim.fact
            if fact.keys is None:
                continue
            k = fact.keys
            facts.append(
                (dossier_id, k.agency_id, k.unit_id, k.province_id, k.procedure_code, k.sector, k.channel,
                 fact.received_on, fact.resolved_on, _json(fact.values))
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


def _dossier_row(doc: _Doc) -> tuple:
    return (
        doc.id, doc.code, doc.reference, doc.procedure_version.pk, doc.procedure_code, doc.case_key,
        doc.channel,        None, "", doc.applicant_name, doc.applicant_personal_id, doc.applicant_phone,
        doc.receiving_agency_id, doc.competent_agency_id, doc.current_agency_id, None, doc.status, doc.stage,
        doc.step_key, _json(doc.data), _json(doc.provenance), doc.submitted_at, doc.received_at, doc.due_at,
        doc.current_due_at, doc.statistics_due_at, doc.paused_since, doc.paused_hours,
        doc.supplement_requests, doc.counts_as_late, doc.outcome, doc.step_due_at, doc.step_started_at,
        doc.finished_at, doc.e_result_code, "", None, doc.created_at, doc.updated_at,
    )  # fmt: skip


_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class _PostgresSink:
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


class _SqliteSink:
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
