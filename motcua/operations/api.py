"""The service index over the API: aggregates only, no personal data, so public like the
transparency page (domain.md §9)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from motcua.core.errors import NotFound, ValidationError
from motcua.operations import selectors
from motcua.operations.indicators import IndexResult
from motcua.places.models import AdministrativeUnit, Agency

router = Router()


class IndexFilters(Schema):
    from_: date | None = Field(
        None, alias="from", description="First day (YYYY-MM-DD); default 1 January of `to`'s year."
    )
    to: date | None = Field(None, description="Last day, included (YYYY-MM-DD); default today.")
    unit: str | None = Field(None, max_length=10, description="Official code of a commune-level unit.")
    agency: str | None = Field(
        None, max_length=20, description="Electronic id of an agency, e.g. 000.00.00.H29."
    )
    procedure: str | None = Field(None, max_length=10, description="National code of a procedure.")
    sector: str | None = Field(None, max_length=40)
    channel: int | None = Field(None, ge=1, le=3, description="1 at a counter, 2 online, 3 by post.")


class ScopeOut(Schema):
    province: str
    unit: str | None
    unit_name: str | None
    agency: str | None
    agency_name: str | None
    procedure: str | None
    sector: str | None
    channel: int | None


class PeriodOut(Schema):
    from_: date = Field(alias="from")
    to: date


class GroupOut(Schema):
    code: str
    name_vi: str
    name_en: str
    weight: float
    score: float | None = Field(description="null: no indicator of the group can be computed (n/a).")


class IndicatorOut(Schema):
    code: str
    group: str
    name_vi: str
    name_en: str
    numerator: int | float | None = Field(description="A count (2.3: working days, 2 decimals).")
    denominator: int | None
    value: float | None = Field(description="Per cent (2.3: working days), 2 decimals; null is n/a.")
    unit: str
    points: float
    full_at: float | None = Field(description="The value that earns full points.")
    score: float | None
    reason_vi: str = Field(description="Why the value is n/a, when it is.")
    reason_en: str


class IndexOut(Schema):
    scope: ScopeOut
    period: PeriodOut
    score: float | None
    points: float = Field(description="The weights of the groups that could be scored.")
    groups: list[GroupOut]
    indicators: list[IndicatorOut]


def scope_from(
    *, province: AdministrativeUnit, unit: str | None, agency: str | None, procedure: str | None, **rest
) -> tuple[selectors.Scope, AdministrativeUnit | None, Agency | None]:
    """A scope from the codes people use: the unit's official code, the agency's electronic id."""
    unit_row = agency_row = None
    if unit:
        units = AdministrativeUnit.objects.filter(
            code=unit, parent_id=province.pk, level=AdministrativeUnit.Level.COMMUNE
        )
        unit_row = units.filter(valid_to__isnull=True).first() or units.order_by("-valid_to").first()
        if unit_row is None:
            raise NotFound(
                f"Không có xã, phường mã “{unit}” trong tỉnh, thành phố này.",
                f"There is no commune-level unit with the code “{unit}” in this province.",
                code="unit_not_found",
            )
    if agency:
        agency_row = Agency.objects.filter(electronic_id=agency).first()
        if agency_row is None:
            raise NotFound(
                f"Không có cơ quan mã định danh “{agency}”.",
                f"There is no agency with the electronic id “{agency}”.",
                code="agency_not_found",
            )
    if procedure and not _procedure_exists(procedure):
        raise NotFound(
            f"Không có thủ tục mã “{procedure}”.",
            f"There is no procedure with the code “{procedure}”.",
            code="procedure_not_found",
        )
    scope = selectors.Scope(
        province_id=province.pk,
        unit_id=unit_row.pk if unit_row else None,
        agency_id=agency_row.pk if agency_row else None,
        procedure_code=procedure or None,
        sector=rest.get("sector") or None,
        channel=rest.get("channel") or None,
    )
    return scope, unit_row, agency_row


def _procedure_exists(code: str) -> bool:
    from motcua.catalogue.models import Procedure

    return Procedure.objects.filter(code=code).exists()


def _number(value: Any) -> Any:
    """Decimals as JSON numbers (they are rounded to two places already)."""
    return float(value) if isinstance(value, Decimal) else value


def index_payload(result: IndexResult) -> dict:
    return {
        "score": _number(result.score),
        "points": _number(result.points),
        "groups": [
            {
                "code": g.spec.code,
                "name_vi": g.spec.name_vi,
                "name_en": g.spec.name_en,
                "weight": _number(g.spec.weight),
                "score": _number(g.score),
            }
            for g in result.groups
        ],
        "indicators": [
            {
                "code": i.code,
                "group": i.spec.group,
                "name_vi": i.spec.name_vi,
                "name_en": i.spec.name_en,
                "numerator": _number(i.numerator) if i.denominator is not None else None,
                "denominator": i.denominator,
                "value": _number(i.value),
                "unit": i.spec.unit,
                "points": _number(i.spec.points),
                "full_at": _number(i.spec.full_at),
                "score": _number(i.score),
                "reason_vi": i.reason_vi,
                "reason_en": i.reason_en,
            }
            for i in result.indicators
        ],
    }


@router.get("/index", response=IndexOut, by_alias=True, summary="The service index (Decision 766)")
def index(request: HttpRequest, filters: Query[IndexFilters]) -> dict:
    """The service index of the province, or of a commune-level unit, an agency, a procedure, a sector
    or a channel, over a period (by default this year up to today): every indicator with its
    numerator, denominator, value (per cent, 2 decimals) and score, and the five groups' scores.
    An indicator the system cannot compute yet, or with no dossier behind it, is `null` with the reason.
    Indicator 2.2 counts the dossiers being processed at the time of the request."""
    if filters.from_ and filters.to and filters.from_ > filters.to:
        raise ValidationError(
            "Ngày bắt đầu phải trước ngày kết thúc.",
            "The start date must come before the end date.",
            code="invalid_period",
            field="from",
        )
    period = selectors.period_parse(filters.from_, filters.to)
    province = selectors.province_default()
    scope, unit, agency = scope_from(
        province=province,
        unit=filters.unit,
        agency=filters.agency,
        procedure=filters.procedure,
        sector=filters.sector,
        channel=filters.channel,
    )
    result = selectors.index_for(scope, period)
    return {
        "scope": {
            "province": province.code,
            "unit": unit.code if unit else None,
            "unit_name": unit.name if unit else None,
            "agency": agency.electronic_id if agency else None,
            "agency_name": agency.name if agency else None,
            "procedure": scope.procedure_code,
            "sector": scope.sector,
            "channel": scope.channel,
        },
        "period": {"from": period.start, "to": period.end},
        **index_payload(result),
    }
