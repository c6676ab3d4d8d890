"""Public catalogue pages: browse, search as you type, and one page per procedure."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from motcua.catalogue.files import taxonomy, working_hours_of
from motcua.catalogue.selectors import (
    procedure_groups_of,
    procedure_list_in_force,
    procedure_names,
    procedure_search,
    procedure_version_in_force,
)
from motcua.core.errors import NotFound

LEVELS = ("commune", "province")


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _browse_filters(request: HttpRequest) -> dict[str, str | None]:
    tax = taxonomy()
    sector = request.GET.get("sector") if request.GET.get("sector") in tax["sectors"] else None
    event = request.GET.get("life_event") if request.GET.get("life_event") in tax["life_events"] else None
    level = request.GET.get("level") if request.GET.get("level") in LEVELS else None
    return {"sector": sector, "life_event": event, "level": level}


def _search_context(request: HttpRequest) -> dict:
    query = request.GET.get("q", "").strip()[:200]
    hits = procedure_search(query=query, limit=30) if query else []
    return {"query": query, "hits": hits, "lang": _lang()}


@require_GET
def catalogue_home(request: HttpRequest) -> HttpResponse:
    filters = _browse_filters(request)
    tax = taxonomy()
    browsing = any(filters.values())
    all_procedures = procedure_list_in_force()
    context = {
        **_search_context(request),
        "filters": filters,
        "browsing": browsing,
        "procedures": procedure_list_in_force(**filters) if browsing else [],
        "life_events": [
            (k, v, sum(1 for p in all_procedures if k in p.life_events))
            for k, v in tax["life_events"].items()
        ],
        "sectors": [
            (k, v, sum(1 for p in all_procedures if p.sector == k)) for k, v in tax["sectors"].items()
        ],
        "levels": [(lvl, sum(1 for p in all_procedures if p.competent_level == lvl)) for lvl in LEVELS],
        "taxonomy": tax,
        "total": len(all_procedures),
    }
    return render(request, "catalogue/home.html", context)


@require_GET
def search_results(request: HttpRequest) -> HttpResponse:
    """The results list alone, for search-as-you-type (htmx) and for a plain link."""
    if not request.headers.get("HX-Request"):
        return catalogue_home(request)
    return render(request, "catalogue/_results.html", _search_context(request))


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    on = None
    if request.GET.get("on"):
        try:
            on = date.fromisoformat(request.GET["on"])
        except ValueError:
            on = None
    try:
        version = procedure_version_in_force(code=code, on=on)
    except NotFound as error:
        raise Http404(str(error)) from error
    d = version.data
    lang = _lang()
    groups = procedure_groups_of(code=code, on=on)
    names = procedure_names(
        codes={m["procedure"] for g in groups for m in g.data["members"]}, on=on, lang=lang
    )
    cases = d["cases"]
    documents = {doc["key"]: doc for doc in d["documents"]}
    case_documents = [(case, [documents[k] for k in case.get("documents", documents)]) for case in cases]
    case_names = {case["key"]: case["name"] for case in cases}
    fees = [
        {**fee, "case_names": [case_names[k] for k in fee.get("cases", []) if k in case_names]}
        for fee in d["fees"]
    ]
    context = {
        "fees": fees,
        "version": version,
        "d": d,
        "lang": lang,
        "case_documents": case_documents,
        "single_case": len(cases) == 1,
        # Published versions never change, but the taxonomy may: an unknown key shows as itself.
        "sector": taxonomy()["sectors"].get(d["sector"], {"vi": d["sector"], "en": d["sector"]}),
        "life_events": [
            taxonomy()["life_events"].get(e, {"vi": e, "en": e}) for e in d.get("life_events", [])
        ],
        "step_hours": sum(s["budget_hours"] for s in d["steps"]),
        "limit_hours": working_hours_of(d["time_limit"]),
        "groups": [
            (
                group,
                [(m["procedure"], names.get(m["procedure"], m["procedure"])) for m in group.data["members"]],
            )
            for group in groups
        ],
        "fields_total": sum(len(s["fields"]) for s in d["form"]["sections"]),
        "fields_prefilled": len(d.get("prefill", {})),
    }
    return render(request, "catalogue/procedure.html", context)
