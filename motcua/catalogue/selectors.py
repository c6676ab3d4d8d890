"""Reads of the catalogue: the version in force, browsing, search."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max

from motcua.catalogue.files import taxonomy
from motcua.catalogue.models import ProcedureGroupVersion, ProcedureVersion
from motcua.catalogue.search import IndexedProcedure, SearchHit, SearchIndex, indexed_procedure
from motcua.core.errors import NotFound
from motcua.core.time import today


def _not_found(code: str, on: date | None = None) -> NotFound:
    when_vi = f" vào ngày {on:%d/%m/%Y}" if on else ""
    when_en = f" on {on:%d/%m/%Y}" if on else ""
    return NotFound(
        f"Không có thủ tục mã {code} có hiệu lực{when_vi}.",
        f"No procedure with code {code} is in force{when_en}.",
        code="procedure_not_found",
    )


def procedure_version_in_force(*, code: str, on: date | None = None) -> ProcedureVersion:
    """The version of a procedure in force on a date (today by default): the newest one whose period
    covers the date. A dossier is pinned to this version at reception."""
    on = on or today()
    version = (
        ProcedureVersion.objects.in_force_on(on)
        .filter(procedure__code=code)
        .select_related("procedure")
        .order_by("-version")
        .first()
    )
    if version is None:
        raise _not_found(code, on)
    return version


def procedure_versions(*, code: str) -> list[ProcedureVersion]:
    versions = list(
        ProcedureVersion.objects.filter(procedure__code=code).select_related("procedure").order_by("-version")
    )
    if not versions:
        raise _not_found(code)
    return versions


def procedure_groups_of(*, code: str, on: date | None = None) -> list[ProcedureGroupVersion]:
    """The interconnected groups in force that a procedure belongs to."""
    on = on or today()
    groups = (
        ProcedureGroupVersion.objects.in_force_on(on)
        .select_related("group")
        .order_by("group__code", "-version")
    )
    latest: dict[str, ProcedureGroupVersion] = {}
    for group in groups:
        latest.setdefault(group.group.code, group)
    return [g for g in latest.values() if any(m["procedure"] == code for m in g.data["members"])]


def procedure_names(*, codes: set[str], on: date | None = None, lang: str = "vi") -> dict[str, str]:
    """Names of the versions in force of a few procedures (one query; the index is for today only)."""
    rows = (
        ProcedureVersion.objects.in_force_on(on or today())
        .filter(procedure__code__in=codes)
        .order_by("procedure__code", "version")
        .values_list("procedure__code", "name_vi", "name_en")
    )
    return {code: (name_en if lang == "en" else name_vi) for code, name_vi, name_en in rows}


# --- the search index -----------------------------------------------------------------------------


@dataclass
class _CachedIndex:
    key: tuple
    index: SearchIndex


_cache: _CachedIndex | None = None
_lock = threading.Lock()


def _build_index(on: date) -> SearchIndex:
    sectors = taxonomy()["sectors"]
    latest: dict[str, IndexedProcedure] = {}
    rows = (
        ProcedureVersion.objects.in_force_on(on)
        .select_related("procedure")
        .only("id", "version", "data", "procedure__code")
        .order_by("procedure__code", "-version")
    )
    for row in rows.iterator(chunk_size=500):
        if row.procedure.code not in latest:
            latest[row.procedure.code] = indexed_procedure(
                version_id=row.pk,
                code=row.procedure.code,
                version=row.version,
                data=row.data,
                sector_names=sectors,
            )
    return SearchIndex(sorted(latest.values(), key=lambda p: p.code))


def catalogue_index(*, on: date | None = None) -> SearchIndex:
    """The search index of the procedures in force, rebuilt when the catalogue or the date changes.

    Versions are only ever added, so (count, newest id) identifies the catalogue's state; checking it
    is one small aggregate query per search.
    """
    global _cache
    on = on or today()
    state = ProcedureVersion.objects.aggregate(n=Count("id"), last=Max("id"))
    key = (on, state["n"], state["last"])
    cached = _cache
    if cached is not None and cached.key == key:
        return cached.index
    with _lock:
        if _cache is None or _cache.key != key:
            _cache = _CachedIndex(key, _build_index(on))
        return _cache.index


def procedure_search(*, query: str, limit: int = 20, on: date | None = None) -> list[SearchHit]:
    """Ranked search over the procedures in force, tolerant of missing diacritics and typos."""
    return catalogue_index(on=on).search(query[:200], limit=limit)


def procedure_list_in_force(
    *,
    sector: str | None = None,
    life_event: str | None = None,
    level: str | None = None,
    on: date | None = None,
) -> list[IndexedProcedure]:
    """Procedures in force for browsing, by sector, life event or competent level, ordered by name."""
    procedures = catalogue_index(on=on).procedures
    selected = [
        p
        for p in procedures
        if (sector is None or p.sector == sector)
        and (life_event is None or life_event in p.life_events)
        and (level is None or p.competent_level == level)
    ]
    return sorted(selected, key=lambda p: (p.name_vi, p.code))


@dataclass(frozen=True)
class ReuseRow:
    code: str
    name: str
    fields: int
    prefilled: int
    documents: int
    reusable: int

    @property
    def share(self) -> float:
        return self.prefilled / self.fields if self.fields else 0.0


def catalogue_reuse_report(*, on: date | None = None) -> list[ReuseRow]:
    """For each procedure in force: how many form fields its mappings fill from registries (the
    applicant's record, their business's, and related people's), and how many documents can be
    replaced by a stored document or registry data ("enter data once")."""
    rows = []
    versions = (
        ProcedureVersion.objects.in_force_on(on or today())
        .select_related("procedure")
        .order_by("procedure__code", "-version")
    )
    seen: set[str] = set()
    for version in versions:
        if version.procedure.code in seen:
            continue
        seen.add(version.procedure.code)
        d = version.data
        fields = [f["key"] for s in d["form"]["sections"] for f in s["fields"]]
        mapped = set(d.get("prefill", {})) | {k for r in d.get("related", []) for k in r["prefill"]}
        rows.append(
            ReuseRow(
                code=version.procedure.code,
                name=d["name"]["vi"],
                fields=len(fields),
                prefilled=sum(1 for f in fields if f in mapped),
                documents=len(d["documents"]),
                reusable=sum(1 for doc in d["documents"] if doc.get("replaceable_by")),
            )
        )
    return rows
