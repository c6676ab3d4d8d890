"""The service index's arithmetic (Decision 766/QĐ-TTg, domain.md §9): from summed counters to
indicators, scores and group scores. Pure: the selectors gather the inputs.

Values are percentages rounded half-up to two decimals (2.3 is in working days); a zero denominator
gives "n/a"; an indicator the system has no data for yet is "n/a" with the reason, never a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONFIG_PATH = Path(__file__).with_name("index.yaml")
TWO_PLACES = Decimal("0.01")
MINUTES_PER_WORKING_DAY = 8 * 60

# Indicators whose data another part of the system will provide; until then "n/a" and why.
NOT_YET: dict[str, tuple[str, str]] = {
    "1.4": (
        "Chưa kết nối đồng bộ hồ sơ với Cổng Dịch vụ công quốc gia.",
        "Dossiers are not synchronised with the national portal yet.",
    ),
    "3.5": (
        "Chưa kết nối thanh toán trực tuyến (nền tảng thanh toán quốc gia).",
        "Online payment (the national payment platform) is not connected yet.",
    ),
    "3.6": (
        "Chưa kết nối thanh toán trực tuyến (nền tảng thanh toán quốc gia).",
        "Online payment (the national payment platform) is not connected yet.",
    ),
    "5.1": (
        "Chưa có phân hệ tiếp nhận phản ánh, kiến nghị.",
        "The feedback module is not in service yet.",
    ),
    "5.2": (
        "Chưa có phân hệ tiếp nhận phản ánh, kiến nghị.",
        "The feedback module is not in service yet.",
    ),
    "5.4": (
        "Cần tỷ lệ hồ sơ bị phản ánh hoặc không hài lòng, do phân hệ phản ánh, kiến nghị cung cấp.",
        "Needs the share of dossiers with a complaint or a dislike, which the feedback module provides.",
    ),
}
ZERO_DENOMINATOR = (
    "Không có hồ sơ trong phạm vi và thời gian đã chọn.",
    "No dossiers in this scope and period.",
)
NO_PROCEDURES = ("Không có thủ tục trong phạm vi đã chọn.", "No procedures in this scope.")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    group: str
    name_vi: str
    name_en: str
    points: Decimal
    full_at: Decimal | None
    unit: str = "percent"


@dataclass(frozen=True)
class GroupSpec:
    code: str
    name_vi: str
    name_en: str
    weight: Decimal
    indicators: tuple[IndicatorSpec, ...]


@dataclass
class Indicator:
    spec: IndicatorSpec
    numerator: Decimal | int | None = None
    denominator: int | None = None
    value: Decimal | None = None
    score: Decimal | None = None
    reason_vi: str = ""
    reason_en: str = ""

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def available(self) -> bool:
        return self.value is not None


@dataclass
class Group:
    spec: GroupSpec
    indicators: list[Indicator] = field(default_factory=list)
    score: Decimal | None = None
    points_counted: Decimal = Decimal(0)  # the weight of the group, when any indicator counted


@dataclass
class Inputs:
    """What the selectors gather for one scope and period."""

    sums: dict[str, int]  # the summary measures (models.MEASURES)
    procedures: int = 0  # procedures in force in the scope
    procedures_online: int = 0  # … of which fully online
    procedures_online_used: int = 0  # … of which received an online dossier in the period
    open_total: int = 0  # dossiers being processed now (clock running)
    open_in_time: int = 0  # … not past their due time for statistics


@dataclass
class IndexResult:
    groups: list[Group]
    indicators: list[Indicator]
    score: Decimal | None
    points: Decimal  # the weights of the groups that could be scored

    def indicator(self, code: str) -> Indicator:
        return next(i for i in self.indicators if i.code == code)


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError as error:
        raise ConfigError(f"{where}: not a number: {value!r}") from error
    if not number.is_finite() or number < 0:
        raise ConfigError(f"{where}: must be a number ≥ 0, not {value!r}")
    return number


def config_parse(text: str) -> tuple[GroupSpec, ...]:
    """The groups of an index.yaml text, validated; ``ConfigError`` says what is wrong and where."""
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list) or not data["groups"]:
        raise ConfigError("index.yaml: needs a non-empty list `groups`")
    groups, seen = [], set()
    for g in data["groups"]:
        where = f"group {g.get('code')!r}" if isinstance(g, dict) else "a group"
        if not isinstance(g, dict) or not g.get("code") or not isinstance(g.get("indicators"), list):
            raise ConfigError(f"index.yaml: {where} needs `code`, `name`, `weight` and `indicators`")
        indicators = []
        for i in g["indicators"]:
            code = str(i.get("code", "")) if isinstance(i, dict) else ""
            if not code or code in seen:
                raise ConfigError(
                    f"index.yaml: {where}: an indicator without a code, or a repeated code {code!r}"
                )
            seen.add(code)
            points = _decimal(i.get("points", 0), f"indicator {code} points")
            full_at = i.get("full_at")
            full = _decimal(full_at, f"indicator {code} full_at") if full_at is not None else None
            if points and not full:
                raise ConfigError(f"index.yaml: indicator {code} has points but no `full_at` above 0")
            indicators.append(
                IndicatorSpec(
                    code=code,
                    group=str(g["code"]),
                    name_vi=str((i.get("name") or {}).get("vi", code)),
                    name_en=str((i.get("name") or {}).get("en", code)),
                    points=points,
                    full_at=full,
                    unit=str(i.get("unit", "percent")),
                )
            )
        groups.append(
            GroupSpec(
                code=str(g["code"]),
                name_vi=str((g.get("name") or {}).get("vi", g["code"])),
                name_en=str((g.get("name") or {}).get("en", g["code"])),
                weight=_decimal(g.get("weight", 0), f"group {g['code']} weight"),
                indicators=tuple(indicators),
            )
        )
    return tuple(groups)


@cache
def config() -> tuple[GroupSpec, ...]:
    return config_parse(CONFIG_PATH.read_text(encoding="utf-8"))


def percent(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _ratios(inputs: Inputs) -> dict[str, tuple[int, int, tuple[str, str]]]:
    """code → (numerator, denominator, why a zero denominator is n/a)."""
    s = inputs.sums
    resolved = s.get("resolved", 0)

    def of_resolved(measure: str) -> tuple[int, int, tuple[str, str]]:
        return s.get(measure, 0), resolved, ZERO_DENOMINATOR

    return {
        "2.1": of_resolved("resolved_in_time"),
        "2.2": (
            inputs.open_in_time,
            inputs.open_total,
            ("Không có hồ sơ đang giải quyết.", "No dossier is being processed."),
        ),
        "3.1": (inputs.procedures_online, inputs.procedures, NO_PROCEDURES),
        "3.2": (
            inputs.procedures_online_used,
            inputs.procedures_online,
            (
                "Không có thủ tục trực tuyến toàn trình trong phạm vi đã chọn.",
                "No fully online procedure in this scope.",
            ),
        ),
        "3.3": of_resolved("online_counted"),
        "4.1": of_resolved("e_result"),
        "4.2": of_resolved("digitised"),
        "4.3": of_resolved("reuses_data"),
        "4.4": of_resolved("store_linked"),
        "4.5": of_resolved("population_data"),
    }


def index_compute(inputs: Inputs, groups: tuple[GroupSpec, ...] | None = None) -> IndexResult:
    groups = groups if groups is not None else config()
    ratios = _ratios(inputs)
    out_groups: list[Group] = []
    indicators: list[Indicator] = []
    for spec in groups:
        group = Group(spec=spec)
        for ispec in spec.indicators:
            indicator = Indicator(spec=ispec)
            if ispec.code in NOT_YET:
                indicator.reason_vi, indicator.reason_en = NOT_YET[ispec.code]
            elif ispec.code == "2.3":
                resolved = inputs.sums.get("resolved", 0)
                minutes = inputs.sums.get("processing_minutes", 0)
                indicator.denominator = resolved
                indicator.numerator = (Decimal(minutes) / MINUTES_PER_WORKING_DAY).quantize(
                    TWO_PLACES, rounding=ROUND_HALF_UP
                )
                if resolved:
                    indicator.value = (Decimal(minutes) / MINUTES_PER_WORKING_DAY / resolved).quantize(
                        TWO_PLACES, rounding=ROUND_HALF_UP
                    )
                else:
                    indicator.reason_vi, indicator.reason_en = ZERO_DENOMINATOR
            elif ispec.code in ratios:
                numerator, denominator, empty = ratios[ispec.code]
                indicator.numerator, indicator.denominator = numerator, denominator
                if denominator:
                    indicator.value = percent(numerator, denominator)
                else:
                    indicator.reason_vi, indicator.reason_en = empty
            else:
                indicator.reason_vi, indicator.reason_en = (
                    "Hệ thống chưa tính được chỉ số này.",
                    "The system cannot compute this indicator.",
                )
            if indicator.value is not None and ispec.points and ispec.full_at and ispec.unit == "percent":
                share = min(Decimal(1), indicator.value / ispec.full_at)
                indicator.score = (ispec.points * share).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
            group.indicators.append(indicator)
            indicators.append(indicator)
        scored = [i for i in group.indicators if i.score is not None]
        points = sum((i.spec.points for i in scored), Decimal(0))
        if points:
            earned = sum((i.score for i in scored if i.score is not None), Decimal(0))
            group.score = (spec.weight * earned / points).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
            group.points_counted = spec.weight
        out_groups.append(group)
    counted = [g for g in out_groups if g.score is not None]
    total_points = sum((g.points_counted for g in counted), Decimal(0))
    total = sum((g.score for g in counted if g.score is not None), Decimal(0)) if counted else None
    return IndexResult(groups=out_groups, indicators=indicators, score=total, points=total_points)
