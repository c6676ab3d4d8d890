"""The early-warning board ("bảng cảnh báo sớm", /van-phong/dieu-hanh/canh-bao): near-due and late
dossiers by agency and by official with the warnings sent about them, the backlog per agency and the
dossiers guided more than once.

Leaders (``dashboard.view``) see their province or commune; heads of department see their agencies.
Behind the back-office guard (password + second factor). Counts are aggregated in SQL and lists are
keyset pages, so the page stays fast with hundreds of thousands of open dossiers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.core.errors import MotcuaError, ValidationError
from motcua.core.time import now, to_local
from motcua.dossiers.models import Status
from motcua.operations.warning_selectors import (
    COLUMNS,
    BoardScope,
    backlog_by_agency,
    board_scope_for,
    multi_supplement_dossiers,
    warning_clock,
    warning_dossiers,
    warnings_by_official,
)
from motcua.operations.warnings import AGENCY, DEPARTMENT, LEVELS, REMIND, warning_config
from motcua.places.models import Agency

PAGE_SIZE = 50  # dossiers per page of the warnings list
AGENCIES_PER_PAGE = 50  # rows of the backlog table per page
SUPPLEMENT_PAGE = 20  # dossiers per page of the "guided more than once" list


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _level_names() -> dict[str, str]:
    config = warning_config()
    hours = f"{config.department_late_up_to_hours:g}"
    return {
        REMIND: _("Due within %(hours)s working hours") % {"hours": f"{config.remind_within_hours:g}"},
        DEPARTMENT: _("Late up to %(hours)s working hours") % {"hours": hours},
        AGENCY: _("Late more than %(hours)s working hours") % {"hours": hours},
    }


def _sent_names() -> dict[str, str]:
    return {
        REMIND: _("Official reminded"),
        DEPARTMENT: _("Head of department told"),
        AGENCY: _("Head of agency told"),
    }


def _number(params: Any, name: str) -> int | None:
    value = params.get(name, "")
    if value == "":
        return None
    if not value.isdecimal() or len(value) > 12:
        raise ValidationError(
            f"“{value[:20]}” không phải là một mã số.",
            f"“{value[:20]}” is not a number.",
            code="invalid_filter",
            field=name,
        )
    return int(value)


def _after(params: Any) -> tuple[datetime, int] | None:
    """The keyset of the next page: ``<due time as ISO 8601>_<id>``."""
    value = params.get("after", "")
    if not value:
        return None
    stamp, _sep, pk = value[:60].rpartition("_")
    try:
        due = datetime.fromisoformat(stamp)
        if due.tzinfo is None or not pk.isdecimal():
            raise ValueError(value)
    except ValueError:
        raise ValidationError(
            "Địa chỉ trang tiếp theo không đúng.",
            "The next page's address is not valid.",
            code="invalid_page",
        ) from None
    return due, int(pk)


@never_cache
@require_GET
def warnings_board(request: HttpRequest) -> HttpResponse:
    try:
        scope = board_scope_for(request.user)
        return _board(request, scope)
    except MotcuaError as error:
        return render(
            request,
            "operations/problem.html",
            {
                "error": error,
                "back_url": reverse("operations:warnings")
                if error.status == 400
                else reverse("accounts:desk"),
                "back_label": _("Back to the early warnings")
                if error.status == 400
                else _("Back to my desk"),
            },
            status=error.status,
        )


def _board(request: HttpRequest, scope: BoardScope) -> HttpResponse:
    params = request.GET
    agency_id = _number(params, "agency")
    official_id = _number(params, "official")
    level = params.get("level", "")
    if level and level not in LEVELS:
        raise ValidationError(
            "Mức cảnh báo không đúng.",
            "There is no such warning level.",
            code="invalid_filter",
            field="level",
        )
    # An agency narrows what the scope shows (a head's dossiers may be decided by another agency);
    # it never widens it.
    chosen = Agency.objects.filter(pk=agency_id).values_list("pk", "name").first() if agency_id else None
    if agency_id is not None and chosen is None:
        raise ValidationError(
            "Không có cơ quan này.", "There is no such agency.", code="invalid_filter", field="agency"
        )
    at = now()
    clock = warning_clock(at)
    english = _english()
    kept = {k: str(v) for k, v in (("agency", agency_id), ("level", level), ("official", official_id)) if v}

    backlog = backlog_by_agency(scope, clock, agency_id=agency_id)
    totals = {key: sum(r[key] for r in backlog) for key in ("open", "multi_supplement", *COLUMNS.values())}
    agencies_page = Paginator(backlog, AGENCIES_PER_PAGE).get_page(params.get("agencies_page"))

    rows = warning_dossiers(
        scope,
        clock,
        agency_id=agency_id,
        level=level or None,
        official_id=official_id,
        after=_after(params),
        limit=PAGE_SIZE,
    )
    names, sent_names = _level_names(), _sent_names()
    desk = reverse("desk:queue")
    listed = [
        {
            "pk": d.pk,
            "code": d.code or d.reference,
            "url": f"{desk}{d.pk}",
            "procedure": d.procedure_version.name_en if english else d.procedure_version.name_vi,
            "agency": d.current_agency.name if d.current_agency else d.competent_agency.name,
            "official": d.assignee.full_name if d.assignee else "",
            "due": to_local(d.current_due_at).strftime("%H:%M %d/%m/%Y"),
            "level": d.level,
            "level_name": names.get(d.level, ""),
            "warnings": [
                {
                    "name": sent_names[w.level],
                    "at": to_local(w.at).strftime("%H:%M %d/%m/%Y"),
                    "to": ", ".join(r.get("name", "") for r in w.recipients),
                    "earlier_due": to_local(w.due_at).strftime("%H:%M %d/%m/%Y")
                    if w.due_at != d.current_due_at
                    else "",
                }
                for w in d.warnings
            ],
        }
        for d in rows
    ]
    next_page = ""
    if len(rows) == PAGE_SIZE:
        last = rows[-1]
        next_page = urlencode({**kept, "after": f"{last.current_due_at.isoformat()}_{last.pk}"})

    supplement_before = _number(params, "supplement_before")
    guided = multi_supplement_dossiers(
        scope, agency_id=agency_id, before=supplement_before, limit=SUPPLEMENT_PAGE
    )
    guided_rows = [
        {
            "code": d.code or d.reference,
            "url": f"{desk}{d.pk}",
            "procedure": d.procedure_version.name_en if english else d.procedure_version.name_vi,
            "agency": d.competent_agency.name,
            "official": d.assignee.full_name if d.assignee else "",
            "status": Status(d.status).label,
            "requests": d.supplement_requests,
            "due": to_local(d.current_due_at).strftime("%H:%M %d/%m/%Y") if d.current_due_at else "",
        }
        for d in guided
    ]
    guided_next = (
        urlencode({**kept, "supplement_before": guided[-1].pk}) if len(guided) == SUPPLEMENT_PAGE else ""
    )

    agency_choices = sorted(((r["agency"].pk, r["agency"].name) for r in backlog), key=lambda c: c[1])
    if chosen is not None and chosen[0] not in {pk for pk, _name in agency_choices}:
        agency_choices = [chosen, *agency_choices]
    config = warning_config()
    return render(
        request,
        "operations/warnings.html",
        {
            "at": to_local(at),
            "config": config,
            "scope": scope,
            "province_view": scope.leader and scope.unit_id is None,
            "own_unit": scope.unit_id,
            "kept_query": "",
            "warnings_url": reverse("operations:warnings"),
            "agency_id": agency_id,
            "official_id": official_id,
            "level": level,
            "levels": list(names.items()),
            "agency_choices": agency_choices,
            "totals": totals,
            "agencies_page": agencies_page,
            "agencies_query": urlencode(kept),
            "officials": warnings_by_official(scope, clock, agency_id=agency_id),
            "rows": listed,
            "first_page": "after" in params,
            "first_page_url": f"?{urlencode(kept)}",
            "next_page": next_page,
            "guided": guided_rows,
            "guided_first": supplement_before is not None,
            "guided_next": guided_next,
            "filtered": bool(kept),
        },
    )
