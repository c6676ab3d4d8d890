"""The leaders' dashboards (/van-phong/dieu-hanh/…) and the public transparency page (/chi-so-phuc-vu/).

A leader — a role granting ``dashboard.view`` — of a province-level agency sees the province and
every unit, agency and procedure in it; a leader of a commune's agency sees that commune only and
lands on it. Every page reads the summaries through the selectors, takes a period (``from``/``to``,
this year by default) and the channel and sector filters, carries them through every link, and
offers each of its tables as CSV and XLSX (``?table=…&format=csv|xlsx``). Every number with dossiers
behind it links to their list. Bad input is a page that says what is wrong, in Vietnamese and
English — never a server error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.core.errors import MotcuaError, ValidationError
from motcua.core.time import now, today
from motcua.operations import dashboard_selectors as ds
from motcua.operations import dashboard_tables as tables
from motcua.operations.charts import Series, bar_chart, line_chart
from motcua.operations.dashboard_tables import MEASURE_NAMES, OPEN_MEASURES, Links, pick
from motcua.operations.exports import Table, display, export_response, period_text
from motcua.operations.indicators import IndexResult
from motcua.operations.selectors import (
    LISTABLE,
    Period,
    Scope,
    dashboard_scope,
    dossiers_behind,
    index_for,
    open_counts,
    period_parse,
    province_default,
    ranking_by,
    ranking_units,
    scope_allowed,
    sums,
    top_late_procedures,
    trend,
)
from motcua.places.models import AdministrativeUnit, Agency

PAGE_SIZE = 50  # dossiers per page of a list (keyset pagination: no COUNT over millions)
EXPORT_LIMIT = 20_000  # dossiers in one download of a list
WEEKLY_UP_TO_DAYS = 92  # a period up to a quarter is shown by week, a longer one by month
PUBLIC_CACHE_SECONDS = 300  # the transparency page is read by anyone: its figures are kept 5 minutes
FIRST_YEAR, LAST_YEAR = 2000, 2100


# --- what the address asks for ------------------------------------------------------------------------


class Filters:
    """The period and the filters of a page, read from its address, and the links that keep them."""

    def __init__(self, params: Any, *, with_filters: bool = True) -> None:
        self.period = _period(params.get("from", "")[:20], params.get("to", "")[:20])
        self.channel = _channel(params.get("channel", "")[:2]) if with_filters else None
        self.sector = _sector(params.get("sector", "")[:40]) if with_filters else None
        self.kept: dict[str, str] = {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
        if self.channel:
            self.kept["channel"] = str(self.channel)
        if self.sector:
            self.kept["sector"] = self.sector

    @property
    def step(self) -> str:
        return "week" if self.period.days <= WEEKLY_UP_TO_DAYS else "month"

    def quick_periods(self, path: str, extra: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """This month, this quarter, this year, last year: links keeping the filters."""
        day = today()
        quarter = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        choices = [
            (_("This month"), day.replace(day=1), day),
            (_("This quarter"), quarter, day),
            (_("This year"), day.replace(month=1, day=1), day),
            (_("Last year"), date(day.year - 1, 1, 1), date(day.year - 1, 12, 31)),
        ]
        out = []
        for label, first, last in choices:
            params = {**(extra or {}), **self.kept, "from": first.isoformat(), "to": last.isoformat()}
            current = (first, last) == (self.period.start, self.period.end)
            out.append({"label": label, "href": f"{path}?{urlencode(params)}", "current": current})
        return out


def _day(value: str, name: str) -> str | date | None:
    """A day as people type it (31/12/2026) or as links carry it (2026-12-31)."""
    value = value.strip()
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value):
        try:
            return datetime.strptime(value, "%d/%m/%Y").date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            raise ValidationError(
                f"Không có ngày “{value}”: hãy viết ngày/tháng/năm, ví dụ 01/01/2026.",
                f"There is no day “{value}”: write day/month/year, e.g. 01/01/2026.",
                code="invalid_date",
                field=name,
            ) from None
    return value or None


def _period(start: str, end: str) -> Period:
    period = period_parse(_day(start, "from"), _day(end, "to"))
    if period.start.year < FIRST_YEAR or period.end.year > LAST_YEAR:
        raise ValidationError(
            f"Chỉ xem được số liệu từ năm {FIRST_YEAR} đến năm {LAST_YEAR}.",
            f"Figures can be shown for the years {FIRST_YEAR} to {LAST_YEAR} only.",
            code="invalid_period",
            field="from",
        )
    return period


def _channel(value: str) -> int | None:
    if not value:
        return None
    if value not in ("1", "2", "3"):
        raise ValidationError(
            "Kênh không hợp lệ: chọn trực tiếp, trực tuyến hoặc bưu chính.",
            "That is not a channel: choose at a counter, online or by post.",
            code="invalid_channel",
            field="channel",
        )
    return int(value)


def _sector(value: str) -> str | None:
    if not value:
        return None
    if value not in ds.sector_names(lang="vi"):
        raise ValidationError(
            "Không có lĩnh vực này trong danh mục thủ tục.",
            "There is no such sector in the catalogue.",
            code="invalid_sector",
            field="sector",
        )
    return value


def _id_param(params: Any, name: str) -> int | None:
    value = params.get(name, "")
    if not value:
        return None
    if not value.isdecimal() or len(value) > 12:
        raise ValidationError(
            f"Giá trị “{value[:20]}” của “{name}” không hợp lệ.",
            f"“{value[:20]}” is not a valid value for “{name}”.",
            code="invalid_parameter",
            field=name,
        )
    return int(value)


def _procedure_param(params: Any) -> str | None:
    from motcua.core.converters import ProcedureCodeConverter

    value = params.get("procedure", "")[:20]
    if not value:
        return None
    if not re.fullmatch(ProcedureCodeConverter.regex, value):
        raise ValidationError(
            f"Mã thủ tục “{value}” không đúng dạng (ví dụ 1.001193).",
            f"The procedure code “{value}” is not in the right form (e.g. 1.001193).",
            code="invalid_parameter",
            field="procedure",
        )
    return value


def _channel_names() -> dict[int, str]:
    from motcua.dossiers.models import Channel

    return {value: str(label) for value, label in Channel.choices}


def _scope_name(
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
        parts.append(_("channel: %(name)s") % {"name": _channel_names()[filters.channel]})
    if filters.sector:
        lang = "en" if tables.english() else "vi"
        parts.append(_("sector: %(name)s") % {"name": ds.sector_names(lang=lang)[filters.sector]})
    return " › ".join(parts)


# --- how every page answers -------------------------------------------------------------------------


def _problem(request: HttpRequest, error: MotcuaError) -> HttpResponse:
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


def leader_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For leaders only (``dashboard.view``; the back-office guard already asked for the second
    factor); the view receives (province, commune or None) — what the leader may see."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            user_scope = dashboard_scope(request.user)
            request.dashboard_scope = user_scope  # type: ignore[attr-defined]
            return view(request, user_scope, *args, **kwargs)
        except MotcuaError as error:
            return _problem(request, error)

    return never_cache(require_GET(wrapped))


def _format(request: HttpRequest) -> str:
    """The download asked for ("" for the page itself)."""
    fmt = request.GET.get("format", "")
    if fmt and fmt not in ("csv", "xlsx"):
        raise ValidationError(
            "Chỉ tải được dạng CSV hoặc XLSX.", "Only CSV or XLSX can be downloaded.", code="invalid_format"
        )
    return fmt


def _answer(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    page_tables: list[Table],
    *,
    page_query: dict[str, str],
    qualifier: str = "",
) -> HttpResponse:
    """The page, or one of its tables as a download (``?table=…&format=csv|xlsx``)."""
    fmt = _format(request)
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


def _warnings_url() -> str:
    """The early-warning board, once it is mounted."""
    try:
        return reverse("operations:warnings")
    except NoReverseMatch:
        return ""


def _form_context(
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
        "channels": sorted(_channel_names().items()),
        "sectors": sorted(ds.sector_names(lang=lang).items(), key=lambda item: item[1])
        if with_filters
        else [],
        "warnings_url": _warnings_url(),
    }


# --- the index and its trend, as every page shows them -------------------------------------------------


def _highlights(result: IndexResult, links: Links) -> list[dict[str, Any]]:
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


def _trend(scope: Scope, filters: Filters, links: Links, scope_name: str) -> dict[str, Any]:
    return _trend_shown(trend(scope, filters.period, step=filters.step), filters, links, scope_name)


def _trend_shown(
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


def _index_context(
    result: IndexResult, scope: Scope, filters: Filters, links: Links, scope_name: str
) -> tuple[dict[str, Any], list[Table]]:
    groups = tables.groups_table(result, period=filters.period, scope=scope_name)
    indicators = tables.indicators_table(result, links, period=filters.period, scope=scope_name)
    charts = _trend(scope, filters, links, scope_name)
    context = {
        "result": result,
        "highlights": _highlights(result, links),
        "groups_table": groups,
        "indicators_table": indicators,
        **charts,
        "scope_name": scope_name,
    }
    return context, [groups, indicators, charts["trend_table"]]


def _names(rows: list[dict[str, Any]]) -> dict[str, str]:
    return ds.procedure_names_of({row["key"] for row in rows}, lang="en" if tables.english() else "vi")


# --- the back-office pages --------------------------------------------------------------------------------


@leader_page
def overview(request: HttpRequest, user_scope: tuple[int, int | None]) -> HttpResponse:
    """The province at a glance: the index, its groups and indicators, the trend, the ranking of the
    commune-level units and the procedures with the most late results."""
    province_id, own_unit = user_scope
    if own_unit is not None:  # a commune's leader sees their commune
        query = request.GET.urlencode()
        return redirect(reverse("operations:unit", args=[own_unit]) + (f"?{query}" if query else ""))
    filters = Filters(request.GET)
    scope = Scope(province_id, channel=filters.channel, sector=filters.sector)
    scope_allowed(user_scope, scope)
    province = AdministrativeUnit.objects.get(pk=province_id)
    scope_name = _scope_name(province, filters)
    links = Links(filters.kept)
    result = index_for(scope, filters.period)
    context, page_tables = _index_context(result, scope, filters, links, scope_name)
    ranking = ds.ranking_with_index(scope, filters.period)
    late = top_late_procedures(scope, filters.period)
    units = tables.units_table(ranking, links, period=filters.period, scope=scope_name)
    late_table = tables.late_procedures_table(
        late, _names(late), links, period=filters.period, scope=scope_name
    )
    page_tables += [units, late_table]
    context.update(
        {
            **_form_context(request, filters),
            "province": province,
            "heading": _("Operations dashboard — %(province)s") % {"province": province.name},
            "units_table": units,
            "late_table": late_table,
            "public_url": reverse("operations:public") + f"?{urlencode(filters.kept)}",
        }
    )
    return _answer(request, "operations/overview.html", context, page_tables, page_query=filters.kept)


def _crumbs(
    user_scope: tuple[int, int | None], province: AdministrativeUnit, links: Links, *, unit: Any = None
) -> list[dict[str, str]]:
    crumbs = []
    if user_scope[1] is None:
        crumbs.append(
            {"name": province.name, "href": reverse("operations:overview") + links._query(links.kept)}
        )
    if unit is not None:
        crumbs.append({"name": unit.name, "href": links.unit(unit.pk)})
    return crumbs


@leader_page
def unit_page(request: HttpRequest, user_scope: tuple[int, int | None], unit_id: int) -> HttpResponse:
    """A ward, commune or special zone: its index, trend, agencies and procedures."""
    province_id, _own = user_scope
    unit = ds.unit_get(province_id, unit_id)
    filters = Filters(request.GET)
    scope = Scope(province_id, unit_id=unit.pk, channel=filters.channel, sector=filters.sector)
    scope_allowed(user_scope, scope)
    province = AdministrativeUnit.objects.get(pk=province_id)
    scope_name = _scope_name(province, filters, unit=unit)
    links = Links(filters.kept, narrow={"unit": str(unit.pk)})
    result = index_for(scope, filters.period)
    context, page_tables = _index_context(result, scope, filters, links, scope_name)
    by_agency = ranking_by(scope, filters.period, "agency_id")
    names = ds.agency_names({row["key"] for row in by_agency}, lang="en" if tables.english() else "vi")
    by_procedure = ranking_by(scope, filters.period, "procedure_code")
    agencies = tables.agencies_table(by_agency, names, links, period=filters.period, scope=scope_name)
    procedures = tables.procedures_table(
        by_procedure, _names(by_procedure), links, period=filters.period, scope=scope_name
    )
    page_tables += [agencies, procedures]
    context.update(
        {
            **_form_context(request, filters),
            "province": province,
            "unit": unit,
            "crumbs": _crumbs(user_scope, province, links),
            "heading": unit.name,
            "agencies_table": agencies,
            "procedures_table": procedures,
            "public_url": reverse("operations:public-unit", args=[unit.pk]) + f"?{urlencode(filters.kept)}"
            if unit.valid_to is None
            else "",
        }
    )
    return _answer(
        request, "operations/unit.html", context, page_tables, page_query=filters.kept, qualifier=unit.name
    )


@leader_page
def agency_page(request: HttpRequest, user_scope: tuple[int, int | None], agency_id: int) -> HttpResponse:
    """One deciding agency: its index, trend and procedures."""
    province_id, own_unit = user_scope
    agency = ds.agency_get(province_id, agency_id)
    filters = Filters(request.GET)
    scope = Scope(
        province_id, unit_id=own_unit, agency_id=agency.pk, channel=filters.channel, sector=filters.sector
    )
    scope_allowed(user_scope, scope)
    province = AdministrativeUnit.objects.get(pk=province_id)
    commune = agency.unit if ds.commune_of(agency) else None
    scope_name = _scope_name(province, filters, unit=commune, agency=agency)
    narrow = {"agency": str(agency.pk), **({"unit": str(own_unit)} if own_unit else {})}
    links = Links(filters.kept, narrow=narrow)
    result = index_for(scope, filters.period)
    context, page_tables = _index_context(result, scope, filters, links, scope_name)
    by_procedure = ranking_by(scope, filters.period, "procedure_code")
    procedures = tables.procedures_table(
        by_procedure, _names(by_procedure), links, period=filters.period, scope=scope_name
    )
    page_tables.append(procedures)
    context.update(
        {
            **_form_context(request, filters),
            "province": province,
            "agency": agency,
            "crumbs": _crumbs(user_scope, province, links, unit=commune),
            "heading": (agency.name_en or agency.name) if tables.english() else agency.name,
            "procedures_table": procedures,
        }
    )
    return _answer(
        request,
        "operations/agency.html",
        context,
        page_tables,
        page_query=filters.kept,
        qualifier=agency.name,
    )


@leader_page
def procedure_page(request: HttpRequest, user_scope: tuple[int, int | None], code: str) -> HttpResponse:
    """One procedure across the province (its units), or within a unit or an agency (its agencies)."""
    province_id, own_unit = user_scope
    name = ds.procedure_name(code, lang="en" if tables.english() else "vi")
    filters = Filters(request.GET)
    unit_id = _id_param(request.GET, "unit") or own_unit
    agency_id = _id_param(request.GET, "agency")
    unit = ds.unit_get(province_id, unit_id) if unit_id else None
    agency = ds.agency_get(province_id, agency_id) if agency_id else None
    scope = Scope(
        province_id,
        unit_id=unit.pk if unit else None,
        agency_id=agency.pk if agency else None,
        procedure_code=code,
        channel=filters.channel,
        sector=filters.sector,
    )
    scope_allowed(user_scope, scope)
    province = AdministrativeUnit.objects.get(pk=province_id)
    scope_name = _scope_name(province, filters, unit=unit, agency=agency, procedure=code)
    narrow = {"procedure": code}
    if unit:
        narrow["unit"] = str(unit.pk)
    if agency:
        narrow["agency"] = str(agency.pk)
    links = Links(filters.kept, narrow=narrow)
    result = index_for(scope, filters.period)
    context, page_tables = _index_context(result, scope, filters, links, scope_name)
    if unit is None and agency is None:
        rows = [r for r in ranking_units(scope, filters.period) if r["received"] or r["resolved"]]
        breakdown = tables.units_table(rows, links, period=filters.period, scope=scope_name, with_index=False)
    else:
        rows = ranking_by(scope, filters.period, "agency_id")
        names = ds.agency_names({row["key"] for row in rows}, lang="en" if tables.english() else "vi")
        breakdown = tables.agencies_table(rows, names, links, period=filters.period, scope=scope_name)
    page_tables.append(breakdown)
    crumbs = _crumbs(user_scope, province, links, unit=unit)
    if agency is not None:
        crumbs.append({"name": agency.name, "href": links.agency(agency.pk)})
    context.update(
        {
            **_form_context(request, filters),
            "province": province,
            "code": code,
            "procedure_name": name,
            "crumbs": crumbs,
            "heading": f"{code} — {name}",
            "breakdown_table": breakdown,
            "narrow": {k: v for k, v in narrow.items() if k != "procedure"},
        }
    )
    return _answer(
        request,
        "operations/procedure.html",
        context,
        page_tables,
        page_query={**filters.kept, **context["narrow"]},
        qualifier=code,
    )


@leader_page
def dossiers(request: HttpRequest, user_scope: tuple[int, int | None]) -> HttpResponse:
    """The dossiers behind a number (``measure``) of a scope and period, newest first, 50 a page —
    or the dossiers being processed now, within or past their due time (indicator 2.2)."""
    province_id, own_unit = user_scope
    measure = request.GET.get("measure", "")[:40]
    if measure not in MEASURE_NAMES:
        raise ValidationError(
            "Hãy chọn một số liệu trên bảng điều hành để xem các hồ sơ của nó.",
            "Choose a figure on the dashboard to see its dossiers.",
            code="measure",
            field="measure",
        )
    filters = Filters(request.GET)
    unit_id = _id_param(request.GET, "unit") or own_unit
    agency_id = _id_param(request.GET, "agency")
    code = _procedure_param(request.GET)
    unit = ds.unit_get(province_id, unit_id) if unit_id else None
    agency = ds.agency_get(province_id, agency_id) if agency_id else None
    if code:
        ds.procedure_name(code, lang="vi")  # NotFound for a code the catalogue does not know
    scope = Scope(
        province_id,
        unit_id=unit.pk if unit else None,
        agency_id=agency.pk if agency else None,
        procedure_code=code,
        channel=filters.channel,
        sector=filters.sector,
    )
    scope_allowed(user_scope, scope)
    province = AdministrativeUnit.objects.get(pk=province_id)
    scope_name = _scope_name(province, filters, unit=unit, agency=agency, procedure=code or "")
    is_open = measure in OPEN_MEASURES
    at = now()
    if is_open:
        qs = ds.open_list(scope, measure, at=at)
        in_progress, in_time = open_counts(scope, at=at)
        total = {"open": in_progress, "open_in_time": in_time, "open_late": in_progress - in_time}[measure]
    else:
        assert measure in LISTABLE
        qs = dossiers_behind(scope, filters.period, measure)
        total = sums(scope, filters.period)[measure]
    narrow = {
        key: value
        for key, value in (
            ("unit", str(unit.pk) if unit else ""),
            ("agency", str(agency.pk) if agency else ""),
            ("procedure", code or ""),
        )
        if value
    }
    page_query = {**filters.kept, **narrow, "measure": measure}
    channel_names = _channel_names()
    period = None if is_open else filters.period
    if _format(request):
        rows = list(qs[: EXPORT_LIMIT + 1])
        if len(rows) > EXPORT_LIMIT:
            limit = f"{EXPORT_LIMIT:,}"
            raise ValidationError(
                f"Có hơn {limit.replace(',', '.')} hồ sơ; hãy chọn khoảng thời gian ngắn hơn "
                "hoặc thu hẹp phạm vi.",
                f"There are more than {limit} dossiers; choose a shorter period or a narrower scope.",
                code="too_many",
            )
        table = tables.dossiers_table(
            rows, measure=measure, period=period, scope=scope_name, channel_names=channel_names
        )
        return _answer(
            request, "", {}, [table], page_query=page_query, qualifier=scope_name_slug(unit, agency, code)
        )
    before = _id_param(request.GET, "truoc")
    page = list((qs.filter(pk__lt=before) if before else qs)[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    table = tables.dossiers_table(
        page, measure=measure, period=period, scope=scope_name, channel_names=channel_names
    )
    back = reverse("operations:overview")
    if unit is not None:
        back = reverse("operations:unit", args=[unit.pk])
    if agency is not None:
        back = reverse("operations:agency", args=[agency.pk])
    if code:
        back = reverse("operations:procedure", args=[code]) + (
            "?" + urlencode({k: v for k, v in narrow.items() if k != "procedure"}) if len(narrow) > 1 else ""
        )
    joiner = "&" if "?" in back else "?"
    context = {
        **_form_context(request, filters, hidden={**narrow, "measure": measure}),
        "province": province,
        "measure": measure,
        "measure_name": pick(MEASURE_NAMES[measure]),
        "is_open": is_open,
        "at": at,
        "total": total,
        "scope_name": scope_name,
        "dossiers_table": table,
        "first_page": bool(before),
        "first_page_url": f"{request.path}?{urlencode(page_query)}",
        "next_page_url": f"{request.path}?{urlencode({**page_query, 'truoc': page[-1].pk})}" if more else "",
        "back_url": f"{back}{joiner}{urlencode(filters.kept)}",
    }
    return _answer(request, "operations/dossiers.html", context, [table], page_query=page_query)


def scope_name_slug(unit: Any, agency: Any, code: str | None) -> str:
    if agency is not None:
        return agency.name
    if unit is not None:
        return unit.name
    return code or ""


# --- the public transparency page -------------------------------------------------------------------------


def _public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except MotcuaError as error:
            return _problem(request, error)

    return require_GET(wrapped)


def _public_figures(province_id: int, unit_id: int | None, period: Period) -> dict[str, Any]:
    """The figures of the transparency page, kept a few minutes: anyone may ask for them often."""
    key = f"operations:public:{province_id}:{unit_id or 0}:{period.start}:{period.end}"
    figures = cache.get(key)
    if figures is None:
        scope = Scope(province_id, unit_id=unit_id)
        figures = {"result": index_for(scope, period)}
        if unit_id is None:
            figures["ranking"] = ds.ranking_with_index(scope, period)
        else:
            figures["trend"] = trend(
                scope, period, step="week" if period.days <= WEEKLY_UP_TO_DAYS else "month"
            )
        cache.set(key, figures, PUBLIC_CACHE_SECONDS)
    return figures


@_public
def public(request: HttpRequest) -> HttpResponse:
    """The province's service index and groups, and every unit's index: aggregates only."""
    province = province_default()
    filters = Filters(request.GET, with_filters=False)
    figures = _public_figures(province.pk, None, filters.period)
    links = Links(filters.kept, dossiers_allowed=False)
    result = figures["result"]
    groups = tables.groups_table(result, period=filters.period, scope=province.name)
    units = tables.public_units_table(figures["ranking"], links, period=filters.period, scope=province.name)
    context = {
        **_form_context(request, filters, with_filters=False),
        "province": province,
        "result": result,
        "groups_table": groups,
        "units_table": units,
        "highlights": _highlights(result, links),
    }
    return _answer(request, "operations/public.html", context, [groups, units], page_query=filters.kept)


@_public
def public_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """One unit's index, groups, indicators and trend: aggregates only."""
    province = province_default()
    unit = ds.current_unit_get(province.pk, unit_id)
    filters = Filters(request.GET, with_filters=False)
    figures = _public_figures(province.pk, unit.pk, filters.period)
    links = Links(filters.kept, dossiers_allowed=False)
    result = figures["result"]
    scope_name = f"{province.name} › {unit.name}"
    groups = tables.groups_table(result, period=filters.period, scope=scope_name)
    indicators = tables.indicators_table(result, links, period=filters.period, scope=scope_name)
    charts = _trend_shown(figures["trend"], filters, links, scope_name)
    context = {
        **_form_context(request, filters, with_filters=False),
        "province": province,
        "unit": unit,
        "result": result,
        "highlights": _highlights(result, links),
        "groups_table": groups,
        "indicators_table": indicators,
        **charts,
        "back_url": reverse("operations:public") + f"?{urlencode(filters.kept)}",
    }
    return _answer(
        request,
        "operations/public_unit.html",
        context,
        [groups, indicators, charts["trend_table"]],
        page_query=filters.kept,
        qualifier=unit.name,
    )
