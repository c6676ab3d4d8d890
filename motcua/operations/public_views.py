"""The public transparency page (/chi-so-phuc-vu/): the province's and each unit's index, aggregates
only, kept a few minutes since anyone may ask for them often."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from motcua.core.errors import MotcuaError
from motcua.operations import dashboard_selectors as ds
from motcua.operations import dashboard_tables as tables
from motcua.operations.dashboard_pages import answer, form_context, highlights, problem_page, trend_shown
from motcua.operations.dashboard_requests import WEEKLY_UP_TO_DAYS, Filters
from motcua.operations.dashboard_tables import Links
from motcua.operations.selectors import (
    Period,
    Scope,
    index_for,
    province_default,
    trend,
)

PUBLIC_CACHE_SECONDS = 300  # the transparency page is read by anyone: its figures are kept 5 minutes


# --- the public transparency page -------------------------------------------------------------------------


def _public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except MotcuaError as error:
            return problem_page(request, error)

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
        **form_context(request, filters, with_filters=False),
        "province": province,
        "result": result,
        "groups_table": groups,
        "units_table": units,
        "highlights": highlights(result, links),
    }
    return answer(request, "operations/public.html", context, [groups, units], page_query=filters.kept)


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
    charts = trend_shown(figures["trend"], filters, links, scope_name)
    context = {
        **form_context(request, filters, with_filters=False),
        "province": province,
        "unit": unit,
        "result": result,
        "highlights": highlights(result, links),
        "groups_table": groups,
        "indicators_table": indicators,
        **charts,
        "back_url": reverse("operations:public") + f"?{urlencode(filters.kept)}",
    }
    return answer(
        request,
        "operations/public_unit.html",
        context,
        [groups, indicators, charts["trend_table"]],
        page_query=filters.kept,
        qualifier=unit.name,
    )
