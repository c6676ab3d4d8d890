"""Citizens' pages of the registries: who read their data, the businesses they act for, and their
document store."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.accounts.citizen_views import citizen_login_required
from motcua.registries.attributes import attribute_label, document_kind_label
from motcua.registries.selectors import (
    businesses_for,
    data_access_list_for_person,
    stored_document_file,
    stored_documents_of,
)
from motcua.registries.services import iso_date


@never_cache
@require_GET
@citizen_login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """ "Ai đã xem dữ liệu của tôi": every read of the citizen's registry data, newest first."""
    entries = (
        data_access_list_for_person(personal_id=request.user.personal_id) if request.user.personal_id else []
    )
    english = (get_language() or "vi").startswith("en")
    rows = [
        (entry, ", ".join(attribute_label(a, english=english) for a in entry.attributes)) for entry in entries
    ]
    return render(request, "registries/access_log.html", {"rows": rows})


@never_cache
@require_GET
@citizen_login_required
def businesses(request: HttpRequest) -> HttpResponse:
    """The businesses the citizen may act for: as the legal representative the business registry
    names, or through a recorded authorisation."""
    found, answered = businesses_for(request.user)
    return render(
        request,
        "registries/businesses.html",
        {
            "represented": [b for b in found if b["basis"] == "representative"],
            "authorised": [
                (b["authorisation"], b.get("name", "")) for b in found if b["basis"] == "authorisation"
            ],
            "unavailable": not answered,
        },
    )


@never_cache
@require_GET
@citizen_login_required
def document_store_page(request: HttpRequest) -> HttpResponse:
    """ "Kho dữ liệu của tôi": the papers and electronic results kept for the citizen, which
    applications offer instead of uploads."""
    documents, answered = stored_documents_of(request.user)
    english = (get_language() or "vi").startswith("en")
    for document in documents:  # the store speaks ISO dates and kind keys; people read neither
        issued = iso_date(document.get("issued_on"), registry=True)
        document["issued_display"] = issued.strftime("%d/%m/%Y") if issued else "—"
        document["name"] = (document.get("data") or {}).get("title") or document_kind_label(
            document["kind"], english=english
        )
    return render(
        request, "registries/document_store.html", {"documents": documents, "unavailable": not answered}
    )


@never_cache
@require_GET
@citizen_login_required
def document_store_file(request: HttpRequest, document_id: str) -> HttpResponse:
    content = stored_document_file(request.user, document_id)
    if content is None:
        raise Http404(_("There is no such document in your store."))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tai-lieu-{document_id}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
