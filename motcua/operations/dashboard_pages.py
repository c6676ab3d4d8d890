"""What every dashboard page shares: the scope's title, the problem page, the answer (the page or one
of its tables as a download), the period form, the highlighted indicators and the trend charts."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.core.errors import MotcuaError, ValidationError
from motcua.operations import dashboard_selectors as ds
from motcua.operations import dashboard_tables as tables
from motcua.operations.charts import Series, bar_chart, line_chart
from motcua.operations.dashboard_requests import Filters
from motcua.operations.dashboard_tables import Links, pick
from motcua.operations.exports import Table, display, export_response, period_text
from motcua.operations.indicators import IndexResult
from motcua.operations.selectors import (
    Scope,
    trend,
)
from motcua.places.models import AdministrativeUnit, Agency


def channel_labels() -> dict[int, str]:
    from motcua.dossiers.models import Channel

    return {value: str(label) for value, label in Channel.choices}


def scope_title(
    province: AdministrativeUnit,
    filters: Filters,
    *,
    unit: AdministrativeUnit | None = None,
    agency: Agency | None = None,
    procedure: str = "",
) -> str:
    parts = [province.name]
    if unit is not None:
        parts.append(unit.name)
    if agency is not None:
        parts.append((agency.name_en or agency.name) if tables.english() else agency.name)
    if procedure:
        parts.append(_("procedure %(code)s") % {"code": procedure})
    if filters.channel:
        parts.append(_("channel: %(name)s") % {"name": channel_labels()[filters.channel]})
    if filters.sector:
        lang = "en" if tables.english() else "vi"
        parts.append(_("sector: %(name)s") % {"name": ds.sector_names(lang=lang)[filters.sector]})
    return " › ".join(parts)


# --- how every page answers -------------------------------------------------------------------------


def problem_page(request: HttpRequest, error: MotcuaError) -> HttpResponse:
    """The page for bad input or a refusal: what is wrong in both languages, and the way back."""
    if request.path.startswith(reverse("operations:public")):
        back, back_label = reverse("operations:public"), _("Back to the service index")
    elif error.status == 403:
        back, back_label = reverse("accounts:desk"), _("Back to my desk")
    else:
        back, back_label = reverse("operations:overview"), _("Back to the dashboard")
    return render(
        request,
        "operations/problem.html",
        {
            "error": error,
            "period_error": error.field in ("from", "to"),
            "typed_from": request.GET.get("from", "")[:20],
            "typed_to": request.GET.get("to", "")[:20],
            "back_url": back,
            "back_label": back_label,
        },
        status=error.status,
    )


def export_format(request: HttpRequest) -> str:
    """The download asked for ("" for the page itself)."""
    fmt = request.GET.get("format", "")
    if fmt and fmt not in ("csv", "xlsx"):
        raise ValidationError(
            "Chỉ tải được dạng CSV hoặc XLSX.", "Only CSV or XLSX can be downloaded.", code="invalid_format"
        )
    return fmt


def answer(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    page_tables: list[Table],
    *,
    page_query: dict[str, str],
    qualifier: str = "",
) -> HttpResponse:
    """The page, or one of its tables as a download (``?table=…&format=csv|xlsx``)."""
    fmt = export_format(request)
    if fmt:
        table = next((t for t in page_tables if t.key == request.GET.get("table", "")), None)
        if table is None:
            raise ValidationError(
                "Trang này không có bảng số liệu đó.", "This page has no such table.", code="invalid_table"
            )
        return export_response(table, fmt, qualifier=qualifier)
    for table in page_tables:
        table.csv_url = f"{request.path}?{urlencode({**page_query, 'table': table.key, 'format': 'csv'})}"
        table.xlsx_url = f"{request.path}?{urlencode({**page_query, 'table': table.key, 'format': 'xlsx'})}"
    return render(request, template, context)


def warnings_url() -> str:
    """The early-warning board."""
    return reverse("operations:warnings")


def form_context(
    request: HttpRequest, filters: Filters, *, with_filters: bool = True, hidden: dict[str, str] | None = None
) -> dict[str, Any]:
    """The period form, the quick periods and the dashboards' own links."""
    lang = "en" if tables.english() else "vi"
    user_scope = getattr(request, "dashboard_scope", None)
    return {
        "filters": filters,
        "period": filters.period,
        "period_text": period_text(filters.period.start, filters.period.end),
        "quick_periods": filters.quick_periods(request.path, hidden),
        "hidden": hidden or {},
        "province_view": user_scope is not None and user_scope[1] is None,
        "own_unit": user_scope[1] if user_scope else None,
        "kept_query": urlencode(filters.kept),
        "with_filters": with_filters,
        "channels": sorted(channel_labels().items()),
        "sectors": sorted(ds.sector_names(lang=lang).items(), key=lambda item: item[1])
        if with_filters
        else [],
        "warnings_url": warnings_url(),
    }


# --- the index and its trend, as every page shows them -------------------------------------------------


def highlights(result: IndexResult, links: Links) -> list[dict[str, Any]]:
    """The figures a leader looks at first: the index, on time, online, digitised, reuse, late now."""
    cards = [
        {
            "label": _("Service index"),
            "value": display(result.score, "score"),
            "hint": _("of %(points)s points that could be scored")
            % {"points": display(result.points, "score")},
            "href": "",
            "code": "",
        }
    ]
    for code, label in (
        ("2.1", _("Resolved on time")),
        ("3.3", _("Received online")),
        ("4.2", _("Digitised")),
        ("4.3", _("Reusing digitised data")),
    ):
        indicator = result.indicator(code)
        measure = tables.INDICATOR_LISTS[code][0]
        cards.append(
            {
                "label": label,
                "value": display(indicator.value, "percent"),
                "hint": (
                    _("%(numerator)s of %(denominator)s dossiers")
                    % {
                        "numerator": display(indicator.numerator, "int"),
                        "denominator": display(indicator.denominator, "int"),
                    }
                    if indicator.value is not None
                    else pick((indicator.reason_vi, indicator.reason_en))
                ),
                "href": links.dossiers(measure) if indicator.numerator else "",
                "code": code,
            }
        )
    in_progress = result.indicator("2.2")
    late_now = (in_progress.denominator or 0) - int(in_progress.numerator or 0)
    cards.append(
        {
            "label": _("Late now"),
            "value": display(late_now, "int"),
            "hint": _("of %(total)s dossiers being processed")
            % {"total": display(in_progress.denominator, "int")},
            "href": links.dossiers("open_late") if late_now else "",
            "code": "2.2",
            "alert": bool(late_now),
        }
    )
    return cards


def trend_context(scope: Scope, filters: Filters, links: Links, scope_name: str) -> dict[str, Any]:
    return trend_shown(trend(scope, filters.period, step=filters.step), filters, links, scope_name)


def trend_shown(
    series: list[tuple[date, dict[str, int]]], filters: Filters, links: Links, scope_name: str
) -> dict[str, Any]:
    """The trend's two charts (dossiers resolved; the shares) and the table behind both."""
    rows = tables.trend_rows(series, filters.period, filters.step)
    table = tables.trend_table(rows, links, step=filters.step, period=filters.period, scope=scope_name)
    labels = [row["label"] for row in rows]
    by_week = filters.step == "week"
    x_label = _("Week (starting on Monday)") if by_week else _("Month")
    note = _("The figures are in the table below the chart.")
    other = [max(0, r["resolved"] - r["resolved_in_time"] - r["resolved_late"]) for r in rows]
    resolved = [
        Series(_("Resolved early or on time"), [r["resolved_in_time"] for r in rows]),
        Series(_("Resolved late"), [r["resolved_late"] for r in rows]),
    ]
    if any(other):
        resolved.append(Series(_("Resolved, timeliness not recorded"), other))
    total = sum(r["resolved"] for r in rows)
    late = sum(r["resolved_late"] for r in rows)
    volume_title = _("Dossiers resolved by week") if by_week else _("Dossiers resolved by month")
    volume = bar_chart(
        chart_id="chart-volume",
        title=volume_title,
        desc=f"{scope_name}. {filters.period.start:%d/%m/%Y}–{filters.period.end:%d/%m/%Y}: "
        + _("%(total)s dossiers resolved, %(late)s of them late.")
        % {"total": display(total, "int"), "late": display(late, "int")}
        + f" {note}",
        labels=labels,
        series=resolved,
        y_label=_("Dossiers"),
        x_label=x_label,
        empty_text=_("No dossier was resolved in this period."),
        value_format=lambda v: display(v, "int"),
    )
    shares_title = _("Shares by week") if by_week else _("Shares by month")
    shares = line_chart(
        chart_id="chart-shares",
        title=shares_title,
        desc=f"{scope_name}. "
        + _("On-time, online, digitised and data-reuse shares of the dossiers resolved, in per cent.")
        + f" {note}",
        labels=labels,
        series=[
            Series(_("On time"), [r["on_time"] for r in rows]),
            Series(_("Online"), [r["online"] for r in rows]),
            Series(_("Digitised"), [r["digitised_share"] for r in rows]),
            Series(_("Reusing data"), [r["reuse"] for r in rows]),
        ],
        y_label=_("Per cent of dossiers resolved"),
        x_label=x_label,
        y_max=100,
        empty_text=_("No dossier was resolved in this period."),
        value_format=lambda v: f"{display(v, 'int')} %" if float(v).is_integer() else display(v, "percent"),
    )
    return {
        "trend_table": table,
        "charts": [{"title": volume_title, "svg": volume}, {"title": shares_title, "svg": shares}],
    }


def index_context(
    result: IndexResult, scope: Scope, filters: Filters, links: Links, scope_name: str
) -> tuple[dict[str, Any], list[Table]]:
    groups = tables.groups_table(result, period=filters.period, scope=scope_name)
    indicators = tables.indicators_table(result, links, period=filters.period, scope=scope_name)
    charts = trend_context(scope, filters, links, scope_name)
    context = {
        "result": result,
        "highlights": highlights(result, links),
        "groups_table": groups,
        "indicators_table": indicators,
        **charts,
        "scope_name": scope_name,
    }
    return context, [groups, indicators, charts["trend_table"]]


def names_of(rows: list[dict[str, Any]]) -> dict[str, str]:
    return ds.procedure_names_of({row["key"] for row in rows}, lang="en" if tables.english() else "vi")


# --- the back-office pages --------------------------------------------------------------------------------
