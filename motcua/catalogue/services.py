"""Writes of the catalogue: loading procedure and group versions from their files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from motcua.audit.services import audit_record
from motcua.catalogue.files import Catalogue, CatalogueError, SourceFile, check_references, read_catalogue
from motcua.catalogue.models import Procedure, ProcedureGroup, ProcedureGroupVersion, ProcedureVersion


@dataclass
class LoadReport:
    loaded: list[str] = field(default_factory=list)  # "1.001193 v2"
    unchanged: list[str] = field(default_factory=list)
    errors: list[CatalogueError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def catalogue_check(*, path: Path | None = None) -> Catalogue:
    """Read and validate every file, including references to what the database already holds and
    the rule that a published version never changes. Writes nothing."""
    catalogue = read_catalogue(path)
    known = {
        v.procedure.code: v.data
        for v in ProcedureVersion.objects.select_related("procedure").order_by("procedure__code", "version")
    }
    check_references(
        catalogue,
        known_procedures=known,
        known_groups=set(ProcedureGroup.objects.values_list("code", flat=True)),
    )
    _check_published(catalogue)
    return catalogue


def _check_published(catalogue: Catalogue) -> None:
    published = {
        ("procedure", v.procedure.code, v.version): (v.content_hash, v.source_path)
        for v in ProcedureVersion.objects.select_related("procedure").only(
            "procedure__code", "version", "content_hash", "source_path"
        )
    } | {
        ("group", v.group.code, v.version): (v.content_hash, v.source_path)
        for v in ProcedureGroupVersion.objects.select_related("group").only(
            "group__code", "version", "content_hash", "source_path"
        )
    }
    for source in catalogue.files:
        if source.errors:
            continue
        existing = published.get((source.kind, source.code, source.version))
        if existing and existing[0] != source.content_hash:
            source.error(
                ("version",),
                f"{source.code} version {source.version} is already published and cannot "
                f"change; save the changes as version {source.version + 1}",
            )


@transaction.atomic
def catalogue_load(*, path: Path | None = None, actor: Any = None) -> LoadReport:
    """Load new procedure and group versions from their files (``motcua catalogue load``).

    A file with any error loads nothing; the others load. Unchanged versions are skipped, so the
    command can run on every deployment. Procedures load before the groups that name them.
    """
    catalogue = catalogue_check(path=path)
    report = LoadReport(errors=catalogue.errors)
    for source in catalogue.valid_procedures:
        _load_procedure(source, report)
    for source in catalogue.valid_groups:
        _load_group(source, report)
    if report.loaded:
        audit_record(
            actor=actor,
            action="catalogue.load",
            object_type="catalogue",
            object_id="files",
            payload={"loaded": report.loaded, "rejected_files": sorted({e.file for e in report.errors})},
        )
    return report


def _common(source: SourceFile) -> dict[str, Any]:
    d = source.data
    return {
        "effective_from": d["effective_from"],
        "effective_to": d.get("effective_to"),
        "name_vi": d["name"]["vi"],
        "name_en": d["name"]["en"],
        "data": d,
        "source_path": source.rel_path,
        "source_yaml": source.text,
        "content_hash": source.content_hash,
    }


def _load_procedure(source: SourceFile, report: LoadReport) -> None:
    label = f"{source.code} v{source.version}"
    procedure, _ = Procedure.objects.get_or_create(code=source.code)
    if procedure.versions.filter(version=source.version).exists():
        report.unchanged.append(label)  # same content: _check_published refused any change
        return
    d = source.data
    ProcedureVersion.objects.create(
        procedure=procedure,
        version=source.version,
        sector=d["sector"],
        competent_level=d["competent_level"],
        online_level=d["online_level"],
        boundary_free=d["boundary_free"],
        **_common(source),
    )
    report.loaded.append(label)


def _load_group(source: SourceFile, report: LoadReport) -> None:
    label = f"{source.code} v{source.version}"
    group, _ = ProcedureGroup.objects.get_or_create(code=source.code)
    if group.versions.filter(version=source.version).exists():
        report.unchanged.append(label)
        return
    ProcedureGroupVersion.objects.create(group=group, version=source.version, **_common(source))
    report.loaded.append(label)
