"""Back office: the exception queue of applicants the population registry cannot confirm."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from motcua.core.errors import MotcuaError
from motcua.core.http import client_ip
from motcua.registries.models import VerificationCase
from motcua.registries.officials import verification_case_resolve, verification_queue


@never_cache
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    cases = verification_queue(request.user)
    return render(
        request,
        "registries/verification_queue.html",
        {
            "open_cases": list(cases.filter(status=VerificationCase.Status.OPEN)[:200]),
            "resolved": list(
                cases.exclude(status=VerificationCase.Status.OPEN).order_by("-resolved_at")[:50]
            ),
        },
    )


@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    case = verification_queue(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404(_("There is no such case in your queue."))
    outcome = request.POST.get("outcome")
    if outcome not in ("verified", "not_verified"):
        messages.error(request, _("Choose whether the data was verified."))
        return redirect("verification:queue")
    try:
        verification_case_resolve(
            official=request.user,
            case=case,
            verified=outcome == "verified",
            checked_document=request.POST.get("checked_document", ""),
            note=request.POST.get("note", ""),
            ip=client_ip(request),
        )
    except MotcuaError as error:
        messages.error(request, f"{case.full_name}: {error}")
    else:
        messages.success(request, _("Recorded. The applicant has been told."))
    return redirect("verification:queue")
