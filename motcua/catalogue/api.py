"""Catalogue endpoints: ranked search, the version in force, the list of versions."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from motcua.catalogue import selectors
from motcua.catalogue.models import ProcedureVersion
from motcua.core.errors import ValidationError

router = Router()


class ProcedureItem(Schema):
    code: str
    version: int
    name_vi: str
    name_en: str
    sector: str
    competent_level: str
    online_level: str
    score: float | None = Field(None, description="Relevance, present when searching.")
    name_vi_highlighted: str | None = Field(None, description="HTML with matched words in <mark>.")


class ProcedurePage(Schema):
    items: list[ProcedureItem]
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page.")


class ProcedureDetail(Schema):
    code: str
    version: int
    effective_from: date
    effective_to: date | None
    name_vi: str
    name_en: str
    definition: dict[str, Any] = Field(description="The whole procedure version as published (its YAML).")


class VersionItem(Schema):
    version: int
    effective_from: date
    effective_to: date | None
    name_vi: str
    name_en: str


class ListFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Search text; results are ranked.")
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=40)


def _decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        offset = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError):
        offset = -1
    if offset < 0:
        raise ValidationError(
            "Con trỏ phân trang không hợp lệ.",
            "The pagination cursor is not valid.",
            code="invalid_cursor",
            field="cursor",
        )
    return offset


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode().rstrip("=")


@router.get("", response=ProcedurePage, summary="Search or list the procedures in force")
def list_procedures(request: HttpRequest, filters: Query[ListFilters]):
    offset = _decode_cursor(filters.cursor)
    end = offset + filters.limit
    if filters.q and filters.q.strip():
        hits = selectors.procedure_search(query=filters.q, limit=end + 1)
        page = [
            {
                **_item(h.procedure),
                "score": round(h.score, 3),
                "name_vi_highlighted": h.highlight(h.procedure.name_vi),
            }
            for h in hits[offset:end]
        ]
        more = len(hits) > end
    else:
        procedures = sorted(selectors.procedure_list_in_force(), key=lambda p: p.code)
        page = [_item(p) for p in procedures[offset:end]]
        more = len(procedures) > end
    return {"items": page, "next_cursor": _encode_cursor(end) if more else None}


def _item(p) -> dict:
    return {
        "code": p.code,
        "version": p.version,
        "name_vi": p.name_vi,
        "name_en": p.name_en,
        "sector": p.sector,
        "competent_level": p.competent_level,
        "online_level": p.online_level,
    }


CODE = Path(..., pattern=r"^[0-9]\.[0-9]{6}$", description="National procedure code, e.g. 1.001193")


@router.get("/{code}", response=ProcedureDetail, summary="The version in force today, or on a date")
def get_procedure(request: HttpRequest, code: str = CODE, on: date | None = None):
    return _detail(selectors.procedure_version_in_force(code=code, on=on))


@router.get("/{code}/versions", response=list[VersionItem], summary="Every published version of a procedure")
def list_versions(request: HttpRequest, code: str = CODE):
    return [
        {
            "version": v.version,
            "effective_from": v.effective_from,
            "effective_to": v.effective_to,
            "name_vi": v.name_vi,
            "name_en": v.name_en,
        }
        for v in selectors.procedure_versions(code=code)
    ]


def _detail(version: ProcedureVersion) -> dict:
    return {
        "code": version.code,
        "version": version.version,
        "effective_from": version.effective_from,
        "effective_to": version.effective_to,
        "name_vi": version.name_vi,
        "name_en": version.name_en,
        "definition": version.data,
    }
