"""Citizens' pages of the dossiers app."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.accounts.citizen_views import citizen_login_required
from motcua.accounts.permissions import authorize
from motcua.core import ratelimit
from motcua.core.errors import PermissionDenied
from motcua.core.http import client_ip
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_public_lookup, dossiers_of_applicant
from motcua.dossiers.slips import available_slips, lookup_url_for, slip_links, slip_pdf
from motcua.dossiers.states import action_label

LOOKUP_LIMIT = 20  # look-ups an hour from one address


@never_cache
@require_GET
@citizen_login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """ "Hồ sơ của tôi": the applicant's dossiers, newest first, with their status in plain words."""
    english = (get_language() or "vi").startswith("en")
    dossiers = list(dossiers_of_applicant(request.user).prefetch_related("events")[:100])
    for dossier in dossiers:
        dossier.slip_links = slip_links(dossier, english=english)
    return render(request, "dossiers/my_dossiers.html", {"dossiers": dossiers})


@never_cache
@require_GET
def public_lookup(request: HttpRequest) -> HttpResponse:
    """Anyone can follow a dossier with its code and the last 4 digits of the applicant's number (or
    their phone); nothing personal is shown, and look-ups are rate limited."""
    code, factor = request.GET.get("ma", "")[:40], request.GET.get("xac-thuc", "")[:20]
    context: dict = {"code": code}
    status = 200
    if code or factor:
        if not ratelimit.allow(f"lookup:{client_ip(request)}", limit=LOOKUP_LIMIT, window_seconds=3600):
            context["error"] = "limited"
            status = 429
        else:
            dossier = dossier_public_lookup(code=code, second_factor=factor)
            if dossier is None:
                context["error"] = "not_found"
            else:
                context["dossier"] = dossier
                english = (get_language() or "vi").startswith("en")
                context["events"] = [
                    (e, action_label(e.action, english=english)) for e in dossier.events.all()
                ]
    return render(request, "dossiers/public_lookup.html", context, status=status)


@never_cache
@require_GET
@citizen_login_required
def citizen_slip(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A slip of one of the applicant's own dossiers, as PDF."""
    dossier = (
        Dossier.objects.select_related(
            "procedure_version", "receiving_agency", "current_agency", "competent_agency"
        )
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise Http404(_("There is no such dossier."))
    try:
        authorize(request.user, "dossier.view_own", dossier)
    except PermissionDenied as error:
        raise Http404(str(error)) from error
    return _pdf_response(dossier, kind, request)


def _pdf_response(dossier: Dossier, kind: str, request: HttpRequest) -> HttpResponse:
    if kind not in available_slips(dossier):
        raise Http404(_("This slip does not exist for this dossier yet."))
    content = slip_pdf(dossier, kind, lookup_url=lookup_url_for(request))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code or dossier.reference}-{kind}.pdf"'
    return response
