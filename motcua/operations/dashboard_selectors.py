"""Reads the leaders' dashboards and the transparency page need beyond ``selectors``: every unit's
index at once, the open dossiers in and past their time, the places and names a page shows, and
the checks that what an address names exists.

``ranking_with_index`` gives the ranking of ``selectors.ranking_units`` with each unit's service
index, computed from the same inputs ``selectors.index_for`` gathers for one unit — but for the 168
units in a handful of grouped queries instead of six queries per unit.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from motcua.core.errors import NotFound
from motcua.core.time import now, today
from motcua.operations.indicators import Inputs, index_compute
from motcua.operations.models import MEASURES
from motcua.operations.selectors import (
    OPEN_STATUSES,
    Period,
    Scope,
    _codes_of,
    _procedures,
    _querysets,
    open_dossiers,
    ranking_units,
    unit_history,
)
from motcua.places.models import AdministrativeUnit, Agency


def ranking_with_index(scope: Scope, period: Period, *, at: datetime | None = None) -> list[dict[str, Any]]:
    """``ranking_units`` rows, each with ``index``: the unit's ``IndexResult`` (as ``index_for`` of
    the unit would compute it, with the scope's procedure, sector and channel)."""
    rows = ranking_units(scope, period)
    if not rows:
        return rows
    base = scope.narrowed(unit_id=None, agency_id=None)
    histories = {row["unit"].pk: unit_history(row["unit"].pk) for row in rows}
    # The catalogue side is the same for every commune-level unit.
    procedures = _procedures(base.narrowed(unit_id=rows[0]["unit"].pk), period.end)
    online = {v.procedure_id for v in procedures if v.online_level == "full"}
    online_codes = set(_codes_of(online))
    used_by_unit: dict[int, set[str]] = defaultdict(set)
    for qs in _querysets(base, period):
        pairs = qs.filter(received_online__gt=0).values_list("unit_id", "procedure_code").distinct()
        for unit_id, code in pairs:
            used_by_unit[unit_id].add(code)
    open_by_unit = _open_counts_by_unit(base, {u for ids in histories.values() for u in ids}, at=at)
    for row in rows:
        used: set[str] = set()
        total = in_time = 0
        for unit_id in histories[row["unit"].pk]:
            used |= used_by_unit.get(unit_id, set())
            counts = open_by_unit.get(unit_id, (0, 0))
            total += counts[0]
            in_time += counts[1]
        row["index"] = index_compute(
            Inputs(
                sums={m: row[m] for m in MEASURES},
                procedures=len({v.procedure_id for v in procedures}),
                procedures_online=len(online),
                procedures_online_used=len(used & online_codes),
                open_total=total,
                open_in_time=in_time,
            )
        )
    return rows


def _open_counts_by_unit(
    scope: Scope, unit_ids: set[int], *, at: datetime | None
) -> dict[int, tuple[int, int]]:
    """(being processed, of which within time) per unit of the deciding agency, filtered as
    ``selectors.open_dossiers`` filters a unit's."""
    from motcua.dossiers.models import Dossier

    moment = at or now()
    qs = Dossier.objects.filter(
        status__in=OPEN_STATUSES, parent__isnull=True, competent_agency__unit_id__in=unit_ids
    )
    if scope.procedure_code:
        qs = qs.filter(procedure_code=scope.procedure_code)
    if scope.sector:
        qs = qs.filter(procedure_version__sector=scope.sector)
    if scope.channel:
        qs = qs.filter(channel=scope.channel)
    rows = (
        qs.values("competent_agency__unit_id")
        .annotate(total=Count("pk"), in_time=Count("pk", filter=Q(statistics_due_at__gte=moment)))
        .order_by()
    )
    return {r["competent_agency__unit_id"]: (r["total"], r["in_time"]) for r in rows}


# --- the open dossiers ------------------------------------------------------------------------------


def open_list(scope: Scope, which: str, *, at: datetime | None = None) -> QuerySet:
    """The dossiers being processed now (``open``), those still within their due time for statistics
    (``open_in_time``) or past it (``open_late``) — counted as indicator 2.2 counts them, newest first."""
    moment = at or now()
    qs = open_dossiers(scope).select_related("competent_agency", "procedure_version")
    if which == "open_in_time":
        qs = qs.filter(statistics_due_at__gte=moment)
    elif which == "open_late":
        qs = qs.exclude(statistics_due_at__gte=moment)  # with no due time, it is not "in time" either
    return qs.order_by("-pk")


# --- places and names ---------------------------------------------------------------------------------


def province_of_unit(unit: AdministrativeUnit) -> int | None:
    """The province of a commune-level unit: its parent, or, before 2025, its district's parent."""
    parent = unit.parent
    if parent is None:
        return None
    if parent.level == AdministrativeUnit.Level.DISTRICT:
        return parent.parent_id
    return parent.pk


def unit_get(province_id: int, unit_id: int) -> AdministrativeUnit:
    """A commune-level unit of the province (one in force, or one merged since — then under a
    province merged into this one); ``NotFound`` otherwise."""
    unit = (
        AdministrativeUnit.objects.filter(pk=unit_id, level=AdministrativeUnit.Level.COMMUNE)
        .select_related("parent")
        .first()
    )
    if unit is None or province_of_unit(unit) not in unit_history(province_id):
        raise NotFound(
            "Không có xã, phường, đặc khu này trong tỉnh, thành phố.",
            "There is no such ward, commune or special zone in this province.",
            code="unit_not_found",
        )
    return unit


def current_unit_get(province_id: int, unit_id: int) -> AdministrativeUnit:
    """A commune-level unit of the province in force today (the transparency page lists only those)."""
    unit = unit_get(province_id, unit_id)
    if unit.valid_to is not None and unit.valid_to < today():
        raise NotFound(
            "Đơn vị này đã sáp nhập; số liệu của đơn vị được tính vào đơn vị mới.",
            "This unit was merged; its figures count in the unit it became.",
            code="unit_not_found",
        )
    return unit


def agency_get(province_id: int, agency_id: int) -> Agency:
    """An agency of the province (province level, or of one of its communes); ``NotFound`` otherwise."""
    agency = Agency.objects.filter(pk=agency_id).select_related("unit__parent").first()
    if agency is not None:
        unit = agency.unit
        provinces = unit_history(province_id)
        if unit.level == AdministrativeUnit.Level.PROVINCE:
            inside = unit.pk in provinces
        else:
            inside = province_of_unit(unit) in provinces
        if inside:
            return agency
    raise NotFound(
        "Không có cơ quan này trong tỉnh, thành phố.",
        "There is no such agency in this province.",
        code="agency_not_found",
    )


def commune_of(agency: Agency) -> int | None:
    """The commune-level unit an agency serves (None for a province-level agency)."""
    return agency.unit_id if agency.unit.level == AdministrativeUnit.Level.COMMUNE else None


def procedure_name(code: str, *, lang: str) -> str:
    """The name of a procedure (its version in force, else its newest); ``NotFound`` for no such code."""
    from motcua.catalogue.models import ProcedureVersion
    from motcua.catalogue.selectors import procedure_names

    name = procedure_names(codes={code}, lang=lang).get(code)
    if name is None:
        version = (
            ProcedureVersion.objects.filter(procedure__code=code)
            .order_by("-version")
            .values_list("name_vi", "name_en")
            .first()
        )
        if version is None:
            raise NotFound(
                f"Không có thủ tục mã “{code}”.",
                f"There is no procedure with the code “{code}”.",
                code="procedure_not_found",
            )
        name = version[1] if lang == "en" else version[0]
    return name


def procedure_names_of(codes: set[str], *, lang: str) -> dict[str, str]:
    from motcua.catalogue.selectors import procedure_names

    return procedure_names(codes=codes, lang=lang) if codes else {}


def agency_names(ids: set[int], *, lang: str) -> dict[int, tuple[str, int | None]]:
    """id → (name, the commune it serves or None) for the agencies of a table."""
    rows = Agency.objects.filter(pk__in=ids).values_list("pk", "name", "name_en", "unit_id", "unit__level")
    return {
        pk: (
            (name_en or name) if lang == "en" else name,
            unit if level == AdministrativeUnit.Level.COMMUNE else None,
        )
        for pk, name, name_en, unit, level in rows
    }


def sector_names(*, lang: str) -> dict[str, str]:
    """The catalogue's sectors (key → name), for the filter."""
    from motcua.catalogue.files import taxonomy

    return {key: names.get(lang, names.get("vi", key)) for key, names in taxonomy()["sectors"].items()}
