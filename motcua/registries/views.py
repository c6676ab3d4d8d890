"""Citizens' pages of the registries: who read their data, and the businesses they act for."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.accounts.citizen_views import citizen_login_required
from motcua.registries.attributes import attribute_label
from motcua.registries.selectors import businesses_for, data_access_list_for_person


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
