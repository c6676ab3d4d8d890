"""Citizens' pages of the dossiers app."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.accounts.citizen_views import citizen_login_required
from motcua.accounts.permissions import authorize
from motcua.core.errors import MotcuaError, PermissionDenied, ValidationError
from motcua.core.http import client_ip
from motcua.dossiers.drafts import MAX_FILE_BYTES, dossier_supplement_upload
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.selectors import dossier_public_lookup_limited, dossiers_of_applicant
from motcua.dossiers.services import dossier_transition
from motcua.dossiers.slips import available_slips, lookup_url_for, slip_links, slip_pdf
from motcua.dossiers.states import APPLICANT_NOTES, TRANSITIONS, action_label


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
        dossier, limited = dossier_public_lookup_limited(
            ip=client_ip(request), code=code, second_factor=factor
        )
        if limited:
            context["error"] = "limited"
            status = 429
        elif dossier is None:
            context["error"] = "not_found"
        else:
            context["dossier"] = dossier
            english = (get_language() or "vi").startswith("en")
            context["events"] = [(e, action_label(e.action, english=english)) for e in dossier.events.all()]
    return render(request, "dossiers/public_lookup.html", context, status=status)


@never_cache
@require_GET
@citizen_login_required
def citizen_slip(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A slip of one of the applicant's own dossiers, as PDF."""
    dossier = _own_dossier_or_404(request, pk)
    return _pdf_response(dossier, kind, request)


def _own_dossier_or_404(request: HttpRequest, pk: int) -> Dossier:
    """The applicant's own dossier (or one they act for); anyone else's does not exist for them."""
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
    return dossier


def _pdf_response(dossier: Dossier, kind: str, request: HttpRequest) -> HttpResponse:
    if kind not in available_slips(dossier):
        raise Http404(_("This slip does not exist for this dossier yet."))
    content = slip_pdf(dossier, kind, lookup_url=lookup_url_for(request))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code or dossier.reference}-{kind}.pdf"'
    return response


NEXT_STEP = {
    Status.SUBMITTED: (
        "Chờ Trung tâm kiểm tra và tiếp nhận.",
        "Waiting for the centre to check and receive it.",
    ),
    Status.RECEIVED: (
        "Hồ sơ đã được tiếp nhận, đang chuyển xử lý.",
        "Received; being passed on for processing.",
    ),
    Status.PROCESSING: ("Cơ quan đang giải quyết.", "The agency is working on it."),
    Status.SUPPLEMENT: ("Bạn cần bổ sung các thành phần dưới đây.", "You need to supply the items below."),
    Status.FEES: ("Bạn cần nộp phí, lệ phí.", "You need to pay the fees."),
    Status.WITHDRAWAL_REQUESTED: (
        "Chờ cơ quan xác nhận việc rút hồ sơ.",
        "Waiting for the agency to confirm the withdrawal.",
    ),
    Status.RESULT_READY: (
        "Đã có kết quả: nhận tại Trung tâm hoặc tải về.",
        "The result is ready: collect it or download it.",
    ),
}


@never_cache
@require_http_methods(["GET", "POST"])
@citizen_login_required
def my_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the applicant's dossiers: where it is, what happened, what to do next; supplementing
    exactly what was asked, or asking to withdraw."""
    dossier = _own_dossier_or_404(request, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "supplement":
                answers: dict[str, Any] = {
                    f"supplement.{i}": " ".join(request.POST.get(f"item-{i}", "").split())[:2000]
                    for i in range(len(_asked(dossier)))
                }
                scan = request.FILES.get("scan")
                if scan is not None:
                    if scan.size and scan.size > MAX_FILE_BYTES:
                        raise ValidationError(
                            "Tệp lớn hơn 10 MB; hãy quét ở độ phân giải thấp hơn.",
                            "The file is larger than 10 MB; scan at a lower resolution.",
                            code="too_large",
                        )
                    upload = dossier_supplement_upload(
                        dossier=dossier, name=scan.name or "", content=scan.read(), actor=request.user
                    )
                    answers["supplement.file"] = upload.pk
                if not any(answers.values()):
                    raise ValidationError(
                        "Hãy trả lời các mục được yêu cầu bổ sung.",
                        "Answer the items you were asked to supply.",
                        code="supplement_empty",
                    )
                dossier_transition(actor=request.user, dossier=dossier, action="supplement", data=answers)
                messages.success(request, _("Supplement sent. The centre will check it."))
            elif action == "withdraw":
                dossier_transition(
                    actor=request.user,
                    dossier=dossier,
                    action="request_withdrawal",
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("Your request to withdraw was sent; the agency will confirm it."))
        except MotcuaError as error:
            messages.error(request, str(error))
        return redirect("dossiers:dossier", pk=pk)
    english = (get_language() or "vi").startswith("en")
    events = [
        (e, action_label(e.action, english=english), e.note if e.action in APPLICANT_NOTES else "")
        for e in dossier.events.all()
    ]
    return render(
        request,
        "dossiers/my_dossier.html",
        {
            "dossier": dossier,
            "events": events,
            "next_step": NEXT_STEP.get(dossier.status, ("", ""))[1 if english else 0],
            "asked": _asked(dossier) if dossier.status == Status.SUPPLEMENT else [],
            "may_withdraw": TRANSITIONS["request_withdrawal"].applies_to(dossier),
            "slips": slip_links(dossier, english=english),
        },
    )


def _asked(dossier: Dossier) -> list[dict]:
    event = dossier.events.filter(action="request_supplement").order_by("-at", "-id").first()
    return list((event.payload.get("missing") if event else None) or [])
