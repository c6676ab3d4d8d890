"""The leaders' dashboards (/van-phong/dieu-hanh/…); the public page is ``public_views``.

A leader — a role granting ``dashboard.view`` — of a province-level agency sees the province and
every unit, agency and procedure in it; a leader of a commune's agency sees that commune only and
lands on it. Every page reads the summaries through the selectors, takes a period (``from``/``to``,
this year by default) and the channel and sector filters, carries them through every link, and
offers each of its tables as CSV and XLSX (``?table=…&format=csv|xlsx``). Every number with dossiers
behind it links to their list. Bad input is a page that says what is wrong, in Vietnamese and
English — never a server error. What the address asks for is read in ``dashboard_requests``; what the
pages share (the answer, the period form, the charts) is ``dashboard_pages``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.core.errors import MotcuaError, ValidationError
from motcua.core.time import now
from motcua.operations import dashboard_selectors as ds
from motcua.operations import dashboard_tables as tables
from motcua.operations.dashboard_pages import (
    answer,
    channel_labels,
    export_format,
    form_context,
    index_context,
    names_of,
    problem_page,
    scope_title,
)
from motcua.operations.dashboard_requests import Filters, id_param, procedure_param
from motcua.operations.dashboard_tables import MEASURE_NAMES, OPEN_MEASURES, Links, pick
from motcua.operations.selectors import (
    LISTABLE,
    Scope,
    dashboard_scope,
    dossiers_behind,
    index_for,
    open_counts,
    ranking_by,
    ranking_units,
    scope_allowed,
    sums,
    top_late_procedures,
)
from motcua.places.models import AdministrativeUnit

PAGE_SIZE = 50  # dossiers per page of a list (keyset pagination: no COUNT over millions)
EXPORT_LIMIT = 20_000  # dossiers in one download of a list


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
            return problem_page(request, error)

    return never_cache(require_GET(wrapped))


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
    scope_name = scope_title(province, filters)
    links = Links(filters.kept)
    result = index_for(scope, filters.period)
    context, page_tables = index_context(result, scope, filters, links, scope_name)
    ranking = ds.ranking_with_index(scope, filters.period)
    late = top_late_procedures(scope, filters.period)
    units = tables.units_table(ranking, links, period=filters.period, scope=scope_name)
    late_table = tables.late_procedures_table(
        late, names_of(late), links, period=filters.period, scope=scope_name
    )
    page_tables += [units, late_table]
    context.update(
        {
            **form_context(request, filters),
            "province": province,
            "heading": _("Operations dashboard — %(province)s") % {"province": province.name},
            "units_table": units,
            "late_table": late_table,
            "public_url": reverse("operations:public") + f"?{urlencode(filters.kept)}",
        }
    )
    return answer(request, "operations/overview.html", context, page_tables, page_query=filters.kept)


def crumbs_for(
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
    scope_name = scope_title(province, filters, unit=unit)
    links = Links(filters.kept, narrow={"unit": str(unit.pk)})
    result = index_for(scope, filters.period)
    context, page_tables = index_context(result, scope, filters, links, scope_name)
    by_agency = ranking_by(scope, filters.period, "agency_id")
    names = ds.agency_names({row["key"] for row in by_agency}, lang="en" if tables.english() else "vi")
    by_procedure = ranking_by(scope, filters.period, "procedure_code")
    agencies = tables.agencies_table(by_agency, names, links, period=filters.period, scope=scope_name)
    procedures = tables.procedures_table(
        by_procedure, names_of(by_procedure), links, period=filters.period, scope=scope_name
    )
    page_tables += [agencies, procedures]
    context.update(
        {
            **form_context(request, filters),
            "province": province,
            "unit": unit,
            "crumbs": crumbs_for(user_scope, province, links),
            "heading": unit.name,
            "agencies_table": agencies,
            "procedures_table": procedures,
            "public_url": reverse("operations:public-unit", args=[unit.pk]) + f"?{urlencode(filters.kept)}"
            if unit.valid_to is None
            else "",
        }
    )
    return answer(
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
    scope_name = scope_title(province, filters, unit=commune, agency=agency)
    narrow = {"agency": str(agency.pk), **({"unit": str(own_unit)} if own_unit else {})}
    links = Links(filters.kept, narrow=narrow)
    result = index_for(scope, filters.period)
    context, page_tables = index_context(result, scope, filters, links, scope_name)
    by_procedure = ranking_by(scope, filters.period, "procedure_code")
    procedures = tables.procedures_table(
        by_procedure, names_of(by_procedure), links, period=filters.period, scope=scope_name
    )
    page_tables.append(procedures)
    context.update(
        {
            **form_context(request, filters),
            "province": province,
            "agency": agency,
            "crumbs": crumbs_for(user_scope, province, links, unit=commune),
            "heading": (agency.name_en or agency.name) if tables.english() else agency.name,
            "procedures_table": procedures,
        }
    )
    return answer(
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
    unit_id = id_param(request.GET, "unit") or own_unit
    agency_id = id_param(request.GET, "agency")
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
    scope_name = scope_title(province, filters, unit=unit, agency=agency, procedure=code)
    narrow = {"procedure": code}
    if unit:
        narrow["unit"] = str(unit.pk)
    if agency:
        narrow["agency"] = str(agency.pk)
    links = Links(filters.kept, narrow=narrow)
    result = index_for(scope, filters.period)
    context, page_tables = index_context(result, scope, filters, links, scope_name)
    if unit is None and agency is None:
        rows = [r for r in ranking_units(scope, filters.period) if r["received"] or r["resolved"]]
        breakdown = tables.units_table(rows, links, period=filters.period, scope=scope_name, with_index=False)
    else:
        rows = ranking_by(scope, filters.period, "agency_id")
        names = ds.agency_names({row["key"] for row in rows}, lang="en" if tables.english() else "vi")
        breakdown = tables.agencies_table(rows, names, links, period=filters.period, scope=scope_name)
    page_tables.append(breakdown)
    crumbs = crumbs_for(user_scope, province, links, unit=unit)
    if agency is not None:
        crumbs.append({"name": agency.name, "href": links.agency(agency.pk)})
    context.update(
        {
            **form_context(request, filters),
            "province": province,
            "code": code,
            "procedure_name": name,
            "crumbs": crumbs,
            "heading": f"{code} — {name}",
            "breakdown_table": breakdown,
            "narrow": {k: v for k, v in narrow.items() if k != "procedure"},
        }
    )
    return answer(
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
    unit_id = id_param(request.GET, "unit") or own_unit
    agency_id = id_param(request.GET, "agency")
    code = procedure_param(request.GET)
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
    scope_name = scope_title(province, filters, unit=unit, agency=agency, procedure=code or "")
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
    channel_names = channel_labels()
    period = None if is_open else filters.period
    if export_format(request):
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
        return answer(
            request, "", {}, [table], page_query=page_query, qualifier=scope_name_slug(unit, agency, code)
        )
    before = id_param(request.GET, "truoc")
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
        **form_context(request, filters, hidden={**narrow, "measure": measure}),
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
    return answer(request, "operations/dossiers.html", context, [table], page_query=page_query)


def scope_name_slug(unit: Any, agency: Any, code: str | None) -> str:
    if agency is not None:
        return agency.name
    if unit is not None:
        return unit.name
    return code or ""
