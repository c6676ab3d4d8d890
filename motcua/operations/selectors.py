"""Reading the service index: scopes, periods, sums over the summary tables, rankings, trends and
the dossiers behind a number. Never a scan of the dossiers table, except the open dossiers (2.2),
counted through a partial index.

A period [from, to] is read as its whole months from the month rows and the days of the months it
covers only in part from the day rows: a year is twelve month rows per agency, procedure and channel.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from motcua.core.errors import PermissionDenied, ValidationError
from motcua.core.time import now, today
from motcua.operations.facts import RECEPTION_MEASURES
from motcua.operations.indicators import IndexResult, Inputs, index_compute
from motcua.operations.models import MEASURES, DayCounter, DossierFact, MonthCounter
from motcua.places.models import AdministrativeUnit, Agency, UnitSuccession

OPEN_STATUSES = (2, 4, 7)  # received, being processed, withdrawal asked: the clock runs
MAX_PERIOD_DAYS = 366 * 10


@dataclass(frozen=True)
class Scope:
    """Whose figures: a province, optionally narrowed to a commune-level unit, an agency, a procedure,
    a sector or a channel."""

    province_id: int
    unit_id: int | None = None
    agency_id: int | None = None
    procedure_code: str | None = None
    sector: str | None = None
    channel: int | None = None

    def narrowed(self, **changes: Any) -> Scope:
        return replace(self, **changes)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def period_parse(start: str | date | None, end: str | date | None) -> Period:
    """The period asked for; by default the current year up to today. Refuses what cannot be read."""

    def read(value: str | date | None, name: str) -> date | None:
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(
                f"Ngày “{value}” không đúng dạng YYYY-MM-DD.",
                f"The date “{value}” is not in the form YYYY-MM-DD.",
                code="invalid_date",
                field=name,
            ) from None

    first, last = read(start, "from"), read(end, "to")
    last = last or today()
    first = first or last.replace(month=1, day=1)
    if first > last:
        raise ValidationError(
            "Ngày bắt đầu phải trước ngày kết thúc.",
            "The start date must come before the end date.",
            code="invalid_period",
            field="from",
        )
    if (last - first).days > MAX_PERIOD_DAYS:
        raise ValidationError(
            "Khoảng thời gian dài nhất là 10 năm.",
            "The period can be at most 10 years long.",
            code="invalid_period",
            field="from",
        )
    return Period(first, last)


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def period_split(period: Period) -> tuple[list[tuple[date, date]], tuple[date, date] | None]:
    """(day ranges read from the day rows, (first month, last month) read from the month rows)."""
    day_ranges: list[tuple[date, date]] = []
    cursor = period.start
    if cursor.day != 1 or _month_end(cursor) > period.end:
        stop = min(_month_end(cursor), period.end)
        day_ranges.append((cursor, stop))
        cursor = stop + timedelta(days=1)
    first_month = last_month = None
    while cursor <= period.end and _month_end(cursor) <= period.end:
        first_month = first_month or cursor
        last_month = cursor
        cursor = _month_end(cursor) + timedelta(days=1)
    if cursor <= period.end:
        day_ranges.append((cursor, period.end))
    return day_ranges, (first_month, last_month) if first_month and last_month else None


# --- places -----------------------------------------------------------------------------------------


def province_default() -> AdministrativeUnit:
    """The province this installation serves: the one whose agencies are loaded."""
    agency = (
        Agency.objects.filter(valid_to__isnull=True, unit__level=AdministrativeUnit.Level.PROVINCE)
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    if agency is None:
        raise ValidationError(
            "Chưa có cơ quan nào: hãy nạp danh mục đơn vị hành chính và cơ quan.",
            "No agency is loaded: load the administrative units and agencies first.",
            code="no_agencies",
        )
    return agency.unit


_HISTORY_SECONDS = 300  # unit merges are rare: who merged into whom is read again every 5 minutes
_merged: dict[str, Any] = {"until": 0.0, "into": {}, "history": {}}


def unit_history(unit_id: int) -> frozenset[int]:
    """The unit and every unit merged into it, recursively: their figures are the unit's history.
    The succession links are read all at once (a ranking asks this of every unit)."""
    import time

    moment = time.monotonic()
    if _merged["until"] < moment:
        into: dict[int, list[int]] = defaultdict(list)
        for predecessor, successor in UnitSuccession.objects.values_list("predecessor_id", "successor_id"):
            into[successor].append(predecessor)
        _merged.update(until=moment + _HISTORY_SECONDS, into=into, history={})
    history: dict[int, frozenset[int]] = _merged["history"]
    if unit_id not in history:
        seen, queue = {unit_id}, [unit_id]
        while queue:
            queue = [p for unit in queue for p in _merged["into"].get(unit, ()) if p not in seen]
            seen.update(queue)
        history[unit_id] = frozenset(seen)
    return history[unit_id]


def unit_history_forget(*args: Any, **kwargs: Any) -> None:
    """Read the succession links again next time (a signal receiver: a link was saved or deleted)."""
    _merged["until"] = 0.0


def units_of_province(province_id: int) -> list[AdministrativeUnit]:
    """The commune-level units in force today: the rows of the ranking."""
    return list(
        AdministrativeUnit.objects.valid_on(today())
        .filter(parent_id=province_id, level=AdministrativeUnit.Level.COMMUNE)
        .order_by("name")
    )


def _filter(qs: QuerySet, scope: Scope) -> QuerySet:
    qs = qs.filter(province_id=scope.province_id)
    if scope.unit_id is not None:
        qs = qs.filter(unit_id__in=unit_history(scope.unit_id))
    if scope.agency_id is not None:
        qs = qs.filter(agency_id=scope.agency_id)
    if scope.procedure_code:
        qs = qs.filter(procedure_code=scope.procedure_code)
    if scope.sector:
        qs = qs.filter(sector=scope.sector)
    if scope.channel:
        qs = qs.filter(channel=scope.channel)
    return qs


def _querysets(scope: Scope, period: Period) -> list[QuerySet]:
    day_ranges, months = period_split(period)
    sets = []
    if months is not None:
        sets.append(_filter(MonthCounter.objects.filter(month__range=months), scope))
    if day_ranges:
        days = Q()
        for first, last in day_ranges:
            days |= Q(day__range=(first, last))
        sets.append(_filter(DayCounter.objects.filter(days), scope))
    return sets


def sums(scope: Scope, period: Period) -> dict[str, int]:
    total = dict.fromkeys(MEASURES, 0)
    for qs in _querysets(scope, period):
        for measure, value in qs.aggregate(**{m: Sum(m) for m in MEASURES}).items():
            total[measure] += value or 0
    return total


def sums_by(scope: Scope, period: Period, by: str) -> dict[Any, dict[str, int]]:
    """The measures per ``by`` (``unit_id``, ``agency_id``, ``procedure_code``, ``sector``, ``channel``)."""
    out: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    for qs in _querysets(scope, period):
        for row in qs.values(by).annotate(**{m: Sum(m) for m in MEASURES}).order_by():
            target = out[row[by]]
            for measure in MEASURES:
                target[measure] += row[measure] or 0
    return dict(out)


def trend(scope: Scope, period: Period, *, step: str = "month") -> list[tuple[date, dict[str, int]]]:
    """The measures per month (or per week, read from the day rows) of the period, oldest first."""
    out: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    if step == "week":
        sets = [
            _filter(DayCounter.objects.filter(day__range=(period.start, period.end)), scope)
            .annotate(bucket=TruncWeek("day"))
            .values("bucket")
        ]
    else:
        day_ranges, months = period_split(period)
        sets = []
        if months is not None:
            sets.append(
                _filter(MonthCounter.objects.filter(month__range=months), scope)
                .annotate(bucket=TruncMonth("month"))
                .values("bucket")
            )
        for first, last in day_ranges:
            sets.append(
                _filter(DayCounter.objects.filter(day__range=(first, last)), scope)
                .annotate(bucket=TruncMonth("day"))
                .values("bucket")
            )
    for qs in sets:
        for row in qs.annotate(**{m: Sum(m) for m in MEASURES}).order_by():
            bucket = row["bucket"]
            bucket = bucket.date() if hasattr(bucket, "date") else bucket
            for measure in MEASURES:
                out[bucket][measure] += row[measure] or 0
    return sorted(out.items())


# --- the catalogue and the open dossiers ----------------------------------------------------------


def _procedures(scope: Scope, on: date) -> list[Any]:
    """Procedure versions in force on ``on`` that the scope offers."""
    from motcua.catalogue.models import ProcedureVersion

    versions = ProcedureVersion.objects.in_force_on(on)
    if scope.procedure_code:
        versions = versions.filter(procedure__code=scope.procedure_code)
    if scope.sector:
        versions = versions.filter(sector=scope.sector)
    if scope.agency_id is not None:
        kind = Agency.objects.filter(pk=scope.agency_id).values_list("kind", flat=True).first()
        return [
            v
            for v in versions.only("data", "online_level", "competent_level")
            if v.data.get("competent_agency_kind") == kind
        ]
    if scope.unit_id is not None:
        versions = versions.filter(competent_level="commune")
    return list(versions.only("online_level", "procedure_id"))


def _procedure_codes_used_online(scope: Scope, period: Period) -> set[str]:
    codes: set[str] = set()
    for qs in _querysets(scope, period):
        codes.update(qs.filter(received_online__gt=0).values_list("procedure_code", flat=True).distinct())
    return codes


def agencies_of(scope: Scope) -> list[int] | None:
    """The agencies a scope's open dossiers belong to (None: every agency of the province)."""
    if scope.agency_id is not None:
        return [scope.agency_id]
    if scope.unit_id is not None:
        return list(
            Agency.objects.filter(unit_id__in=unit_history(scope.unit_id)).values_list("pk", flat=True)
        )
    return None


def open_dossiers(scope: Scope) -> QuerySet:
    """The dossiers of the scope being processed now (their clock runs), interconnected children left out."""
    from motcua.dossiers.models import Dossier

    qs = Dossier.objects.filter(status__in=OPEN_STATUSES, parent__isnull=True)
    agencies = agencies_of(scope)
    if agencies is not None:
        qs = qs.filter(competent_agency_id__in=agencies)
    else:
        qs = qs.filter(
            Q(competent_agency__unit_id=scope.province_id)
            | Q(competent_agency__unit__parent_id=scope.province_id)
        )
    if scope.procedure_code:
        qs = qs.filter(procedure_code=scope.procedure_code)
    if scope.sector:
        qs = qs.filter(procedure_version__sector=scope.sector)
    if scope.channel:
        qs = qs.filter(channel=scope.channel)
    return qs


def open_counts(scope: Scope, *, at: Any = None) -> tuple[int, int]:
    """(being processed, of which not past their due time for statistics) at ``at`` (now)."""
    moment = at or now()
    counts = open_dossiers(scope).aggregate(
        total=Count("pk"), in_time=Count("pk", filter=Q(statistics_due_at__gte=moment))
    )
    return counts["total"], counts["in_time"]


def index_for(scope: Scope, period: Period) -> IndexResult:
    """The service index of ``scope`` over ``period`` (2.2: the dossiers being processed now)."""
    procedures = _procedures(scope, period.end)
    online = {v.procedure_id for v in procedures if v.online_level == "full"}
    online_codes = set(_codes_of(online))
    used = _procedure_codes_used_online(scope, period) & online_codes
    open_total, open_in_time = open_counts(scope)
    return index_compute(
        Inputs(
            sums=sums(scope, period),
            procedures=len({v.procedure_id for v in procedures}),
            procedures_online=len(online),
            procedures_online_used=len(used),
            open_total=open_total,
            open_in_time=open_in_time,
        )
    )


def _codes_of(procedure_ids: Iterable[int]) -> list[str]:
    from motcua.catalogue.models import Procedure

    return list(Procedure.objects.filter(pk__in=list(procedure_ids)).values_list("code", flat=True))


# --- rankings and lists -----------------------------------------------------------------------------


def share(numerator: int, denominator: int) -> float | None:
    return round(numerator * 100 / denominator, 2) if denominator else None


def ranking_units(scope: Scope, period: Period) -> list[dict[str, Any]]:
    """One row per commune-level unit of the province in force today (their merged predecessors'
    figures folded in), best on-time share first; units without results last."""
    by_unit = sums_by(scope.narrowed(unit_id=None), period, "unit_id")
    rows = []
    for unit in units_of_province(scope.province_id):
        total = dict.fromkeys(MEASURES, 0)
        for unit_id in unit_history(unit.pk):
            for measure, value in by_unit.get(unit_id, {}).items():
                total[measure] += value
        rows.append({"unit": unit, **_shares(total)})
    rows.sort(key=lambda r: (r["on_time"] is None, -(r["on_time"] or 0), -r["resolved"], r["unit"].name))
    for position, row in enumerate(rows, start=1):
        row["rank"] = position if row["on_time"] is not None else None
    return rows


def _shares(total: dict[str, int]) -> dict[str, Any]:
    resolved = total["resolved"]
    return {
        **total,
        "on_time": share(total["resolved_in_time"], resolved),
        "late_share": share(total["resolved_late"], resolved),
        "online": share(total["online_counted"], resolved),
        "digitised_share": share(total["digitised"], resolved),
        "reuse": share(total["reuses_data"], resolved),
        "average_days": round(total["processing_minutes"] / 480 / resolved, 2) if resolved else None,
    }


def ranking_by(scope: Scope, period: Period, by: str) -> list[dict[str, Any]]:
    """Rows per agency or per procedure of the scope, most dossiers resolved first."""
    rows = [{"key": key, **_shares(total)} for key, total in sums_by(scope, period, by).items()]
    rows.sort(key=lambda r: (-r["resolved"], -r["received"], str(r["key"])))
    return rows


def top_late_procedures(scope: Scope, period: Period, *, limit: int = 10) -> list[dict[str, Any]]:
    rows = [r for r in ranking_by(scope, period, "procedure_code") if r["resolved_late"]]
    rows.sort(key=lambda r: (-r["resolved_late"], -(r["late_share"] or 0), r["key"]))
    return rows[:limit]


# The numbers a list of dossiers can be asked for: measure of DossierFact.values (and its cohort).
LISTABLE = frozenset(MEASURES) - {"processing_minutes"}


def dossiers_behind(scope: Scope, period: Period, measure: str) -> QuerySet:
    """The dossiers counted in ``measure`` for ``scope`` and ``period`` (newest first)."""
    from motcua.dossiers.models import Dossier

    if measure not in LISTABLE:
        raise ValidationError(
            "Không có danh sách hồ sơ cho số liệu này.",
            "There is no list of dossiers behind this figure.",
            code="measure",
            field="measure",
        )
    day_field = "received_on" if measure in RECEPTION_MEASURES else "resolved_on"
    facts = DossierFact.objects.filter(**{f"{day_field}__range": (period.start, period.end)})
    facts = _filter(facts, scope).filter(**{f"values__{measure}": 1})
    return (
        Dossier.objects.filter(pk__in=facts.values("dossier_id"))
        .select_related("competent_agency", "procedure_version")
        .order_by("-pk")
    )


# --- who sees what ------------------------------------------------------------------------------------


def dashboard_scope(user: Any) -> tuple[int, int | None]:
    """(province, commune-level unit or None for the whole province) a leader may see: a role with
    ``dashboard.view`` in a province-level agency shows the province, in a commune's agency that
    commune. ``PermissionDenied`` for anyone else (and for an official without the second factor)."""
    from motcua.accounts.permissions import authorize
    from motcua.accounts.selectors import agencies_granting

    granted = agencies_granting(user, "dashboard.view", on=today()) if user.is_authenticated else set()
    agencies = list(Agency.objects.filter(pk__in=granted).select_related("unit").order_by("pk"))
    if not agencies:
        raise PermissionDenied(
            "Bạn không có quyền xem bảng điều hành: cần vai trò lãnh đạo.",
            "You may not view the dashboards: a leader's role is needed.",
            code="permission_denied",
        )
    authorize(user, "dashboard.view", agencies[0])  # the second factor, as for every official
    for agency in agencies:
        if agency.unit.level == AdministrativeUnit.Level.PROVINCE:
            return agency.unit_id, None
    unit = agencies[0].unit
    return (unit.parent_id or unit.pk), unit.pk


def scope_allowed(user_scope: tuple[int, int | None], scope: Scope) -> None:
    """Refuse a scope outside what the leader may see."""
    province, unit = user_scope
    inside = scope.province_id == province and (
        unit is None or scope.unit_id in unit_history(unit) or scope.unit_id == unit
    )
    if scope.agency_id is not None and unit is not None:
        inside = inside and Agency.objects.filter(pk=scope.agency_id, unit_id__in=unit_history(unit)).exists()
    if not inside:
        raise PermissionDenied(
            "Số liệu này ngoài phạm vi đơn vị của bạn.",
            "These figures are outside your unit.",
            code="permission_denied",
        )
