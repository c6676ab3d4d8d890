"""Writes of the places app: loading the official unit lists and the demo agencies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.db import transaction

from motcua.audit.services import audit_record
from motcua.places.adapters import vietnamadminunits as source
from motcua.places.demo_agencies import AgencySpec, hcmc_agencies
from motcua.places.models import (
    LEGACY_END,
    REFORM_DATE,
    AdministrativeUnit,
    Agency,
    CalendarOverride,
    UnitSuccession,
)


class Progress(Protocol):
    """Wraps an iterable to show progress (``motcua.core.progress.progress_bar``) or not."""

    def __call__(self, items: Iterable, *, desc: str = "") -> Iterable: ...


@dataclass(frozen=True)
class LoadSummary:
    created: int
    updated: int
    unchanged: int

    def __add__(self, other: LoadSummary) -> LoadSummary:
        return LoadSummary(
            self.created + other.created, self.updated + other.updated, self.unchanged + other.unchanged
        )


def _no_progress(items: Iterable, *, desc: str = "") -> Iterable:
    return items


@transaction.atomic
def places_load(*, progress: Progress = _no_progress) -> dict[str, LoadSummary]:
    """Import every administrative unit of the 2025 structure and of the pre-2025 one, with the
    predecessor → successor links between them. Idempotent: a second run changes nothing.
    """
    units = _load_units(
        list(source.current_units()),
        valid_from=REFORM_DATE,
        valid_to=None,
        progress=progress,
        label="2025 units",
    )
    legacy = _load_units(
        list(source.legacy_units()),
        valid_from=None,
        valid_to=LEGACY_END,
        progress=progress,
        label="pre-2025 units",
    )
    links = _load_successions(progress=progress)
    agencies = agencies_load(specs=hcmc_agencies(_current_units_of_province("79")), progress=progress)
    summary = {"units": units, "legacy_units": legacy, "successions": links, "agencies": agencies}
    audit_record(
        actor=None,
        action="places.load",
        object_type="places",
        object_id="all",
        payload={k: vars(v) for k, v in summary.items()},
    )
    return summary


_UNIT_FIELDS = ("kind", "name", "short_name", "parent_id", "valid_to", "search_keys")


def _load_units(
    records: list[source.UnitRecord],
    *,
    valid_from: date | None,
    valid_to: date | None,
    progress: Progress,
    label: str,
) -> LoadSummary:
    existing = {(u.level, u.code): u for u in AdministrativeUnit.objects.filter(valid_from=valid_from)}
    parents: dict[tuple[int, str], int] = {key: u.pk for key, u in existing.items()}
    created = updated = unchanged = 0
    for level in (1, 2, 3):
        to_create, to_update = [], []
        for record in progress([r for r in records if r.level == level], desc=f"{label}, level {level}"):
            parent_id = None
            if record.parent_code is not None:
                parent_id = parents[(level - 1 if valid_from is None else 1, record.parent_code)]
            values = {
                "kind": record.kind,
                "name": record.name,
                "short_name": record.short_name,
                "parent_id": parent_id,
                "valid_to": valid_to,
                "search_keys": list(record.keys),
            }
            unit = existing.get((level, record.code))
            if unit is None:
                to_create.append(
                    AdministrativeUnit(level=level, code=record.code, valid_from=valid_from, **values)
                )
            elif any(getattr(unit, f) != values[f] for f in _UNIT_FIELDS):
                for f, v in values.items():
                    setattr(unit, f, v)
                to_update.append(unit)
            else:
                unchanged += 1
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=500)
        AdministrativeUnit.objects.bulk_update(to_update, _UNIT_FIELDS, batch_size=500)
        created, updated = created + len(to_create), updated + len(to_update)
        # bulk_create sets primary keys on PostgreSQL but not on every backend: read them back.
        for unit in AdministrativeUnit.objects.filter(level=level, valid_from=valid_from).only("pk", "code"):
            parents[(level, unit.code)] = unit.pk
    return LoadSummary(created, updated, unchanged)


def _load_successions(*, progress: Progress) -> LoadSummary:
    current = {(u.level, u.code): u.pk for u in AdministrativeUnit.objects.filter(valid_from=REFORM_DATE)}
    legacy = {(u.level, u.code): u.pk for u in AdministrativeUnit.objects.filter(valid_to=LEGACY_END)}
    existing = set(UnitSuccession.objects.values_list("predecessor_id", "successor_id"))
    wanted = {(legacy[s.predecessor], current[s.successor]) for s in source.successions()}
    missing = [
        UnitSuccession(predecessor_id=p, successor_id=s, effective_on=REFORM_DATE)
        for p, s in progress(sorted(wanted - existing), desc="successions")
    ]
    UnitSuccession.objects.bulk_create(missing, batch_size=1000)
    return LoadSummary(len(missing), 0, len(wanted & existing))


def _current_units_of_province(code: str) -> tuple[AdministrativeUnit, list[AdministrativeUnit]]:
    province = AdministrativeUnit.objects.get(level=1, code=code, valid_from=REFORM_DATE)
    communes = list(province.children.filter(valid_to__isnull=True).order_by("code"))
    return province, communes


_AGENCY_FIELDS = ("name", "name_en", "kind", "unit_id", "parent_id", "valid_from")


def agencies_load(*, specs: list[AgencySpec], progress: Progress = _no_progress) -> LoadSummary:
    """Create or update agencies by electronic id; parents must come before their children."""
    existing = {a.electronic_id: a for a in Agency.objects.all()}
    created = updated = unchanged = 0
    for spec in progress(specs, desc="agencies"):
        values = {
            "name": spec.name,
            "name_en": spec.name_en,
            "kind": spec.kind,
            "unit_id": spec.unit.pk,
            "parent_id": existing[spec.parent_id].pk if spec.parent_id else None,
            "valid_from": REFORM_DATE,
        }
        agency = existing.get(spec.electronic_id)
        if agency is None:
            existing[spec.electronic_id] = Agency.objects.create(electronic_id=spec.electronic_id, **values)
            created += 1
        elif any(getattr(agency, f) != values[f] for f in _AGENCY_FIELDS):
            for f, v in values.items():
                setattr(agency, f, v)
            agency.save(update_fields=list(_AGENCY_FIELDS))
            updated += 1
        else:
            unchanged += 1
    return LoadSummary(created, updated, unchanged)


@transaction.atomic
def calendar_override_save(
    *, override: CalendarOverride, actor: Any, ip: str | None = None
) -> CalendarOverride:
    """Record a declared day off or make-up working day (domain.md §4: declared each year).

    Deadlines already computed keep their dates; new computations use the changed calendar.
    """
    override.full_clean()
    created = override.pk is None
    override.save()
    audit_record(
        actor=actor,
        action="calendar_override.create" if created else "calendar_override.update",
        object_type="calendar_override",
        object_id=override.pk,
        ip=ip,
        payload={"date": override.date, "kind": override.kind, "province_id": override.province_id},
    )
    return override


@transaction.atomic
def calendar_override_delete(*, override: CalendarOverride, actor: Any, ip: str | None = None) -> None:
    payload = {"date": override.date, "kind": override.kind, "province_id": override.province_id}
    object_id = override.pk
    override.delete()
    audit_record(
        actor=actor,
        action="calendar_override.delete",
        object_type="calendar_override",
        object_id=object_id,
        ip=ip,
        payload=payload,
    )
