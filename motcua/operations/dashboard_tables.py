"""The dashboards' tables, built from the selectors' rows: the columns, the values and the link
behind every number that has a list of dossiers behind it. The pages render them and the exports
write them (``exports.Table``), so both always hold the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.operations.exports import Cell, Column, Table
from motcua.operations.indicators import IndexResult
from motcua.operations.models import MEASURES
from motcua.operations.selectors import LISTABLE, Period, share

# The lists behind the pseudo-measures of indicator 2.2 (the dossiers being processed now).
OPEN_MEASURES = ("open", "open_in_time", "open_late")

MEASURE_NAMES: dict[str, tuple[str, str]] = {
    "received": ("Hồ sơ tiếp nhận", "Dossiers received"),
    "received_online": ("Hồ sơ tiếp nhận trực tuyến", "Dossiers received online"),
    "resolved": ("Hồ sơ đã giải quyết", "Dossiers resolved"),
    "resolved_in_time": ("Hồ sơ giải quyết trước và đúng hạn", "Dossiers resolved early or on time"),
    "resolved_early": ("Hồ sơ giải quyết trước hạn", "Dossiers resolved early"),
    "resolved_late": ("Hồ sơ giải quyết trễ hạn", "Dossiers resolved late"),
    "multi_supplement": (
        "Hồ sơ yêu cầu bổ sung quá một lần",
        "Dossiers asked to supplement more than once",
    ),
    "online_counted": (
        "Hồ sơ trực tuyến được tính (có kết quả điện tử khi thủ tục yêu cầu)",
        "Online dossiers counted (with an electronic result where the procedure issues one)",
    ),
    "e_result": ("Hồ sơ có kết quả điện tử", "Dossiers with an electronic result"),
    "digitised": ("Hồ sơ được số hóa", "Dossiers digitised"),
    "reuses_data": ("Hồ sơ khai thác, sử dụng lại dữ liệu số hóa", "Dossiers reusing digitised data"),
    "store_linked": (
        "Hồ sơ dùng giấy tờ trong kho dữ liệu của công dân",
        "Dossiers with a paper from the citizen's document store",
    ),
    "population_data": ("Hồ sơ sử dụng dữ liệu dân cư", "Dossiers using population data"),
    "open": ("Hồ sơ đang giải quyết", "Dossiers being processed"),
    "open_in_time": ("Hồ sơ đang giải quyết còn trong hạn", "Dossiers being processed, still within time"),
    "open_late": ("Hồ sơ đang giải quyết đã quá hạn", "Dossiers being processed, past their due time"),
}
assert set(MEASURE_NAMES) == set(LISTABLE) | set(OPEN_MEASURES)

# Indicator → (the measure of its numerator, of its denominator): the lists behind its numbers.
INDICATOR_LISTS: dict[str, tuple[str | None, str | None]] = {
    "2.1": ("resolved_in_time", "resolved"),
    "2.2": ("open_in_time", "open"),
    "2.3": (None, "resolved"),
    "3.3": ("online_counted", "resolved"),
    "4.1": ("e_result", "resolved"),
    "4.2": ("digitised", "resolved"),
    "4.3": ("reuses_data", "resolved"),
    "4.4": ("store_linked", "resolved"),
    "4.5": ("population_data", "resolved"),
}


def english() -> bool:
    return (get_language() or "vi").startswith("en")


def pick(pair: tuple[str, str]) -> str:
    return pair[1] if english() else pair[0]


@dataclass
class Links:
    """Where a number leads, keeping the period, the filters and the narrowing of the page."""

    kept: dict[str, str]  # from, to, channel, sector
    narrow: dict[str, str] = field(default_factory=dict)  # unit, agency, procedure of the page
    dossiers_allowed: bool = True  # the transparency page links to units only

    def _query(self, params: dict[str, Any]) -> str:
        clean = {k: v for k, v in params.items() if v not in (None, "")}
        return f"?{urlencode(clean)}" if clean else ""

    def dossiers(self, measure: str | None, **narrow: Any) -> str:
        if not self.dossiers_allowed or not measure:
            return ""
        params = {**self.kept, **self.narrow, **{k: v for k, v in narrow.items()}, "measure": measure}
        if measure in OPEN_MEASURES:  # now, whatever the period
            params.pop("from", None)
            params.pop("to", None)
        return reverse("operations:dossiers") + self._query(params)

    def unit(self, unit_id: int) -> str:
        return reverse("operations:unit", args=[unit_id]) + self._query(self.kept)

    def agency(self, agency_id: int) -> str:
        return reverse("operations:agency", args=[agency_id]) + self._query(self.kept)

    def procedure(self, code: str) -> str:
        narrow = {k: v for k, v in self.narrow.items() if k in ("unit", "agency")}
        return reverse("operations:procedure", args=[code]) + self._query({**self.kept, **narrow})

    def public_unit(self, unit_id: int) -> str:
        return reverse("operations:public-unit", args=[unit_id]) + self._query(self.kept)


def _count(links: Links, row: dict[str, Any], measure: str, **narrow: Any) -> Cell:
    value = row.get(measure, 0)
    return Cell(value, href=links.dossiers(measure, **narrow) if value else "")


# --- the index ----------------------------------------------------------------------------------------


def groups_table(result: IndexResult, *, period: Period, scope: str) -> Table:
    rows: list[list[Any]] = [
        [g.spec.code, pick((g.spec.name_vi, g.spec.name_en)), g.spec.weight, g.score] for g in result.groups
    ]
    rows.append(["", _("Service index (total)"), result.points, result.score])
    return Table(
        key="groups",
        slug="nhom-chi-so",
        title=_("Groups of the service index"),
        columns=[
            Column(_("Group"), width=8),
            Column(_("Name"), width=48),
            Column(_("Points"), "score"),
            Column(_("Score"), "score"),
        ],
        rows=rows,
        scope=scope,
        start=period.start,
        end=period.end,
    )


def indicators_table(result: IndexResult, links: Links, *, period: Period, scope: str) -> Table:
    rows = []
    for i in result.indicators:
        top, bottom = INDICATOR_LISTS.get(i.code, (None, None))
        unit = "days" if i.spec.unit == "days" else "percent"
        numerator_kind = "days" if unit == "days" else "int"
        has_counts = i.denominator is not None
        reason = pick((i.reason_vi, i.reason_en))
        rows.append(
            [
                i.code,
                Cell(pick((i.spec.name_vi, i.spec.name_en)), note=reason),
                Cell(i.value, kind=unit),
                Cell(
                    i.numerator if has_counts else None,
                    kind=numerator_kind,
                    href=links.dossiers(top) if has_counts and i.numerator else "",
                ),
                Cell(i.denominator, href=links.dossiers(bottom) if i.denominator else ""),
                i.score,
                i.spec.points,
                reason,
            ]
        )
    return Table(
        key="indicators",
        slug="chi-so-phuc-vu",
        title=_("Indicators of the service index (Decision 766)"),
        columns=[
            Column(_("Code"), width=8),
            Column(_("Indicator"), width=52),
            Column(_("Value"), "percent"),  # first: on a phone it is seen without scrolling
            Column(_("Numerator"), "int"),
            Column(_("Denominator"), "int"),
            Column(_("Score"), "score"),
            Column(_("Points"), "score"),
            Column(_("Note"), width=40, shown=False),  # the page writes it under "n/a"
        ],
        rows=rows,
        scope=scope,
        start=period.start,
        end=period.end,
    )


# --- the trend -------------------------------------------------------------------------------------------


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def buckets(period: Period, step: str) -> list[tuple[date, date, date]]:
    """(bucket key, first day, last day) of every month or week of the period, cut to the period."""
    out = []
    if step == "week":
        cursor = period.start - timedelta(days=period.start.weekday())
        while cursor <= period.end:
            out.append((cursor, max(cursor, period.start), min(cursor + timedelta(days=6), period.end)))
            cursor += timedelta(days=7)
    else:
        cursor = period.start.replace(day=1)
        while cursor <= period.end:
            out.append((cursor, max(cursor, period.start), min(_month_end(cursor), period.end)))
            cursor = _month_end(cursor) + timedelta(days=1)
    return out


def bucket_label(key: date, step: str) -> str:
    return f"{key:%d/%m}" if step == "week" else f"{key:%m/%Y}"


def trend_rows(series: list[tuple[date, dict[str, int]]], period: Period, step: str) -> list[dict[str, Any]]:
    """Every bucket of the period (empty ones too), with its measures and shares."""
    found = dict(series)
    rows = []
    for key, first, last in buckets(period, step):
        total = found.get(key) or dict.fromkeys(MEASURES, 0)
        resolved = total["resolved"]
        rows.append(
            {
                "key": key,
                "first": first,
                "last": last,
                "label": bucket_label(key, step),
                **total,
                "on_time": share(total["resolved_in_time"], resolved),
                "online": share(total["online_counted"], resolved),
                "digitised_share": share(total["digitised"], resolved),
                "reuse": share(total["reuses_data"], resolved),
            }
        )
    return rows


def trend_table(rows: list[dict[str, Any]], links: Links, *, step: str, period: Period, scope: str) -> Table:
    def count(row: dict[str, Any], measure: str) -> Cell:
        return _count(
            links, row, measure, **{"from": row["first"].isoformat(), "to": row["last"].isoformat()}
        )

    return Table(
        key="trend",
        slug="xu-huong",
        title=_("Dossiers by week") if step == "week" else _("Dossiers by month"),
        columns=[
            Column(_("Week from") if step == "week" else _("Month"), width=12),
            Column(_("Received"), "int"),
            Column(_("Resolved"), "int"),
            Column(_("Resolved early or on time"), "int"),
            Column(_("Resolved late"), "int"),
            Column(_("On time"), "percent"),
            Column(_("Online"), "percent"),
            Column(_("Digitised"), "percent"),
            Column(_("Reusing data"), "percent"),
        ],
        rows=[
            [
                row["label"],
                count(row, "received"),
                count(row, "resolved"),
                count(row, "resolved_in_time"),
                count(row, "resolved_late"),
                row["on_time"],
                row["online"],
                row["digitised_share"],
                row["reuse"],
            ]
            for row in rows
        ],
        scope=scope,
        start=period.start,
        end=period.end,
    )


# --- rankings ------------------------------------------------------------------------------------------


def _share_columns() -> list[Column]:
    return [
        Column(_("Received"), "int"),
        Column(_("Resolved"), "int"),
        Column(_("On time"), "percent"),
        Column(_("Resolved late"), "int"),
        Column(_("Online"), "percent"),
        Column(_("Digitised"), "percent"),
        Column(_("Reusing data"), "percent"),
        Column(_("Average time (working days)"), "days"),
    ]


def _share_cells(links: Links, row: dict[str, Any], **narrow: Any) -> list[Any]:
    return [
        _count(links, row, "received", **narrow),
        _count(links, row, "resolved", **narrow),
        row["on_time"],
        _count(links, row, "resolved_late", **narrow),
        row["online"],
        row["digitised_share"],
        row["reuse"],
        row["average_days"],
    ]


def units_table(
    rows: list[dict[str, Any]], links: Links, *, period: Period, scope: str, with_index: bool = True
) -> Table:
    """The ranking of the commune-level units (best on-time share first), with each one's index."""
    index_column = [Column(_("Index (points)"), "score")] if with_index else []
    return Table(
        key="units",
        slug="xep-hang-don-vi",
        title=_("Ranking of the wards, communes and special zones"),
        columns=[
            Column(_("Rank"), "int", width=7),
            Column(_("Unit"), width=34),
            *index_column,
            *_share_columns(),
        ],
        rows=[
            [
                row["rank"],
                Cell(row["unit"].name, href=links.unit(row["unit"].pk)),
                *([row["index"].score] if with_index else []),
                *_share_cells(links, row, unit=row["unit"].pk),
            ]
            for row in rows
        ],
        scope=scope,
        start=period.start,
        end=period.end,
        empty=_("No unit in this scope."),
    )


def agencies_table(
    rows: list[dict[str, Any]],
    names: dict[int, tuple[str, int | None]],
    links: Links,
    *,
    period: Period,
    scope: str,
) -> Table:
    def name_cell(agency_id: int) -> Cell:
        name, _unit = names.get(agency_id, (str(agency_id), None))
        return Cell(name, href=links.agency(agency_id))

    return Table(
        key="agencies",
        slug="co-quan",
        title=_("By deciding agency"),
        columns=[Column(_("Agency"), width=44), *_share_columns()],
        rows=[[name_cell(row["key"]), *_share_cells(links, row, agency=row["key"])] for row in rows],
        scope=scope,
        start=period.start,
        end=period.end,
        empty=_("No dossier in this scope and period."),
    )


def procedures_table(
    rows: list[dict[str, Any]], names: dict[str, str], links: Links, *, period: Period, scope: str
) -> Table:
    return Table(
        key="procedures",
        slug="thu-tuc",
        title=_("By procedure"),
        columns=[Column(_("Code"), width=10), Column(_("Procedure"), width=52), *_share_columns()],
        rows=[
            [
                Cell(row["key"], href=links.procedure(row["key"])),
                names.get(row["key"], row["key"]),
                *_share_cells(links, row, procedure=row["key"]),
            ]
            for row in rows
        ],
        scope=scope,
        start=period.start,
        end=period.end,
        empty=_("No dossier in this scope and period."),
    )


def late_procedures_table(
    rows: list[dict[str, Any]], names: dict[str, str], links: Links, *, period: Period, scope: str
) -> Table:
    return Table(
        key="late",
        slug="thu-tuc-tre-han",
        title=_("Procedures with the most late results"),
        columns=[
            Column(_("Code"), width=10),
            Column(_("Procedure"), width=52),
            Column(_("Resolved"), "int"),
            Column(_("Resolved late"), "int"),
            Column(_("Late share"), "percent"),
            Column(_("Average time (working days)"), "days"),
        ],
        rows=[
            [
                Cell(row["key"], href=links.procedure(row["key"])),
                names.get(row["key"], row["key"]),
                _count(links, row, "resolved", procedure=row["key"]),
                _count(links, row, "resolved_late", procedure=row["key"]),
                row["late_share"],
                row["average_days"],
            ]
            for row in rows
        ],
        scope=scope,
        start=period.start,
        end=period.end,
        empty=_("No dossier was resolved late in this scope and period."),
    )


def public_units_table(rows: list[dict[str, Any]], links: Links, *, period: Period, scope: str) -> Table:
    """Every unit's index for the transparency page: aggregates only, no list of dossiers."""
    return Table(
        key="units",
        slug="chi-so-phuc-vu-don-vi",
        title=_("The service index of every ward, commune and special zone"),
        columns=[
            Column(_("Unit"), width=34),
            Column(_("Index (points)"), "score"),
            Column(_("Resolved"), "int"),
            Column(_("On time"), "percent"),
            Column(_("Online"), "percent"),
            Column(_("Digitised"), "percent"),
            Column(_("Reusing data"), "percent"),
        ],
        rows=[
            [
                Cell(row["unit"].name, href=links.public_unit(row["unit"].pk)),
                row["index"].score,
                row["resolved"],
                row["on_time"],
                row["online"],
                row["digitised_share"],
                row["reuse"],
            ]
            for row in sorted(rows, key=lambda r: r["unit"].name)
        ],
        scope=scope,
        start=period.start,
        end=period.end,
    )


# --- the dossiers behind a number ---------------------------------------------------------------------------


def dossiers_table(
    dossiers: list[Any], *, measure: str, period: Period | None, scope: str, channel_names: dict[int, str]
) -> Table:
    """The dossiers behind a number: codes, procedures, agencies, times and status, never the
    applicant (a leader follows up on the dossier's own page, where access is checked and logged)."""
    from motcua.dossiers.models import Status

    lang_en = english()
    rows = []
    for d in dossiers:
        rows.append(
            [
                Cell(d.code or d.reference, href=reverse("desk:dossier", args=[d.pk])),
                d.procedure_code,
                d.procedure_version.name_en if lang_en else d.procedure_version.name_vi,
                (d.competent_agency.name_en or d.competent_agency.name)
                if lang_en
                else d.competent_agency.name,
                channel_names.get(d.channel, str(d.channel)),
                d.received_at,
                d.statistics_due_at,
                d.finished_at,
                str(Status(d.status).label),
            ]
        )
    return Table(
        key="dossiers",
        slug=f"ho-so-{measure.replace('_', '-')}",
        title=pick(MEASURE_NAMES[measure]),
        columns=[
            Column(_("Dossier"), width=28),
            Column(_("Procedure code"), width=10),
            Column(_("Procedure"), width=44),
            Column(_("Deciding agency"), width=36),
            Column(_("Channel"), width=14),
            Column(_("Received"), "datetime", width=17),
            Column(_("Due (for statistics)"), "datetime", width=17),
            Column(_("Finished"), "datetime", width=17),
            Column(_("Status"), width=24),
        ],
        rows=rows,
        scope=scope,
        start=period.start if period else None,
        end=period.end if period else None,
        empty=_("No dossier."),
    )
