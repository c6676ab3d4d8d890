"""The province a synthetic history is made for: its communes, agencies (the pre-2025 ones made once as
synthetic agencies), the procedures in force and the routes between them."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from motcua.core.time import to_local
from motcua.operations.generate.profile import (
    LATE_FACTOR_BY_SECTOR,
    LEGACY_COMMUNE_BLOCK,
    LEGACY_PROVINCE_BLOCK,
    LEGACY_SUFFIX_EN,
    LEGACY_SUFFIX_VI,
    ONLINE_PROPENSITY,
    PROCEDURE_WEIGHTS,
)

# --- the province: units, agencies, procedures -----------------------------------------------------------


@dataclass
class Procedure:
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
class Route:
    competent: Any  # Agency
    handling: Any  # the centre (or one-stop desk) that handles it for the competent agency
    keys: tuple  # (agency, unit, province, procedure, sector) — the channel is added per dossier


@dataclass
class Place:
    """A commune-level unit in force today, with the pre-2025 units that became it."""

    unit: Any
    weight: float
    late: float
    legacy: list[Any] = field(default_factory=list)  # pre-2025 units (communes, an island district)


class World:
    """Everything read once: the units and agencies of the province (pre-2025 ones made when
    missing), the procedures, the calendars."""

    province: Any
    calendar: Any
    places: list[Place]
    centres: list[Any]
    procedures: list[Procedure]
    legacy: LegacyAgencies

    def __init__(self) -> None:
        self.routes: dict[tuple, Route] = {}
        self.agencies: dict[tuple, tuple[Any, Any]] = {}  # (competent, handling) by what decides them
        self.places_of: dict[int, tuple[int, int]] = {}  # (unit, province) of an agency
        self.calendars: dict[int, Any] = {}

    @classmethod
    def build(cls, *, moment: datetime) -> World:
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
            raise generate_error("Tỉnh chưa có xã, phường nào.", "The province has no communes.", "no_units")
        self.places = [Place(unit=u, weight=1.0, late=1.0) for u in communes]
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
            raise generate_error(
                "Chưa có thủ tục nào: hãy nạp danh mục thủ tục.",
                "No procedure is loaded: load the catalogue first.",
                "no_procedures",
            )
        self.procedures = [_procedure(v) for v in latest.values()]
        self.legacy = LegacyAgencies(self)
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

    def route(self, procedure: Procedure, place: Place, legacy: Any | None) -> Route:
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
            route = self.routes[key] = Route(competent, handling, keys)
        return route


def _procedure(version: Any) -> Procedure:
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
    return Procedure(
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


def generate_error(vi: str, en: str, code: str) -> Exception:
    from motcua.core.errors import ValidationError

    return ValidationError(vi, en, code=code)


class LegacyAgencies:
    """The pre-2025 agencies the history needs: found by electronic id, made when missing."""

    def __init__(self, world: World) -> None:
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
