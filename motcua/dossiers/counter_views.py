"""The counter: a receiver at any centre receives a dossier handed in by a citizen who is there
(boundary-free), filling the same form. Each paper is checked against the original or scanned and
uploaded (checked like the applicant's uploads); a form sent again makes no second dossier and no
second set of scans."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.accounts.identity import validate_personal_id
from motcua.accounts.models import AssistedSession, User
from motcua.accounts.selectors import agencies_granting
from motcua.catalogue.selectors import procedure_list_in_force, procedure_version_in_force
from motcua.core.errors import MotcuaError, NotFound, ValidationError
from motcua.core.time import today
from motcua.dossiers.apply_views import form_sections
from motcua.dossiers.drafts import (
    MAX_FILES_PER_DOCUMENT,
    clean_value,
    counter_scan_remove,
    counter_scan_upload,
    counter_scans_pending,
    upload_content,
)
from motcua.dossiers.models import Channel, Dossier, DossierFile
from motcua.dossiers.services import dossier_receive_at_counter
from motcua.places.models import AdministrativeUnit, Agency

# The service's field names → the counter form's.
FIELDS = {"personal_id": "applicant_personal_id"}


@never_cache
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest) -> HttpResponse:
    counters = list(
        Agency.objects.filter(
            pk__in=agencies_granting(request.user, "dossier.start_assisted", on=today()),
            kind__in=Agency.RECEPTION_KINDS,
        ).order_by("name")
    )
    if not counters:
        messages.error(request, _("You do not receive dossiers at any centre."))
        return redirect("desk:queue")
    code = request.GET.get("thu-tuc", request.POST.get("procedure", ""))
    version = None
    if code:
        try:
            version = procedure_version_in_force(code=code[:10])
        except NotFound:
            messages.error(request, _("There is no such procedure in force."))
    present = AssistedSession.objects.filter(official=request.user, ended_at__isnull=True).first()
    token = request.POST.get("form_token", "")[:64]
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    scan_errors: dict[str, list[str]] = {}
    failed = False
    if request.method == "POST" and version is not None:
        done = (
            Dossier.objects.filter(
                receiving_agency__in=counters, channel=Channel.COUNTER, submission_key=token
            ).first()
            if token
            else None
        )
        if done is not None:  # the form sent again (a double click, a resent page): nothing new is made
            messages.info(request, _("This form was already received as %(code)s.") % {"code": done.code})
            return redirect("desk:dossier", pk=done.pk)
        counter_scan_remove(
            official=request.user, submission_key=token, file_ids=request.POST.getlist("remove_scan")[:50]
        )
        scan_errors = _keep_scans(request, version, token)
        fields = {f["key"]: f for s in version.data["form"]["sections"] for f in s["fields"]}
        for key, spec in fields.items():
            values[key], message = clean_value(spec, request.POST.get(key, ""))
            if message:
                errors[key] = message
        name = " ".join(request.POST.get("applicant_name", "").split())
        personal_id = request.POST.get("applicant_personal_id", "").strip()
        try:
            if scan_errors:
                raise ValidationError(
                    "Có tệp không được nhận; lý do ghi bên cạnh giấy tờ. Những gì đã nhập vẫn còn.",
                    "A file was not accepted; the reason is next to the paper. What you typed is kept.",
                    code="scan",
                )
            validate_personal_id(personal_id)
            if not name:
                raise ValidationError(
                    "Hãy nhập họ tên người nộp.",
                    "Enter the applicant's name.",
                    code="name",
                    field="applicant_name",
                )
            if errors:
                raise ValidationError(
                    "Một số thông tin chưa đúng; hãy sửa các ô được đánh dấu.",
                    "Some values are not right yet; correct the marked fields.",
                    code="invalid",
                )
            agency = next((a for a in counters if str(a.pk) == request.POST.get("agency")), counters[0])
            unit = AdministrativeUnit.objects.filter(
                code=request.POST.get("unit", ""), level=3, valid_to__isnull=True
            ).first()
            if unit is None:
                raise ValidationError(
                    "Hãy chọn xã, phường giải quyết hồ sơ.",
                    "Choose the commune that decides.",
                    code="unit",
                    field="unit",
                )
            dossier = dossier_receive_at_counter(
                official=request.user,
                agency=agency,
                version=version,
                case_key=request.POST.get("case", ""),
                applicant_name=name,
                applicant_personal_id=personal_id,
                data=values,
                documents={key: {"paper": True} for key in _ticked(request, version)},
                unit=unit,
                # The citizen's e-ID account follows the dossier only when the official checked that
                # very person's identity (assisted mode): a typo never hands it to someone else.
                applicant=User.objects.filter(personal_id=personal_id, oidc_subject__gt="").first()
                if present is not None and present.personal_id == personal_id
                else None,
                submission_key=token,
                phone=request.POST.get("phone", "").strip()[:20],
            )
        except MotcuaError as error:
            failed = True
            messages.error(request, str(error))
            if error.field:  # shown beside the field too
                errors.setdefault(FIELDS.get(error.field, error.field), str(error))
            for item in error.params.get("missing", []):
                errors.setdefault(item["key"], _("Required."))
        else:
            messages.success(
                request,
                _("Received as %(code)s. Print the receipt for the citizen.") % {"code": dossier.code},
            )
            return redirect("desk:dossier", pk=dossier.pk)
    units = AdministrativeUnit.objects.filter(
        level=3, valid_to__isnull=True, parent__agencies__kind="provincial_centre"
    ).order_by("name")
    return render(
        request,
        "dossiers/counter.html",
        {
            "counters": counters,
            "procedures": procedure_list_in_force(),
            "version": version,
            "sections": form_sections(version, values, errors) if version else [],
            "papers": _papers(request, version, token, errors, scan_errors) if version else [],
            "units": units,
            "present": present,
            "post": request.POST,
            "form_token": token or secrets.token_hex(16),
            "errors": errors,
        },
        status=400 if failed else 200,
    )


def _paper_documents(version: Any) -> list[dict[str, Any]]:
    """The procedure's documents handed in on paper (the electronic declaration is the form itself)."""
    return [d for d in version.data["documents"] if d["form"] != "electronic"]


def _ticked(request: HttpRequest, version: Any) -> list[str]:
    return [d["key"] for d in _paper_documents(version) if request.POST.get(f"paper-{d['key']}") == "on"]


def _keep_scans(request: HttpRequest, version: Any, token: str) -> dict[str, list[str]]:
    """Keep every scan sent with the form (checked like any upload); for each paper, why a file was
    refused. The scans kept wait under the form's key, so a form sent back for a correction keeps them."""
    refused: dict[str, list[str]] = {}
    for document in _paper_documents(version):
        for upload in request.FILES.getlist(f"scan-{document['key']}")[:MAX_FILES_PER_DOCUMENT]:
            try:
                counter_scan_upload(
                    official=request.user,
                    version=version,
                    submission_key=token,
                    document_key=document["key"],
                    name=upload.name or "",
                    content=upload_content(upload),
                )
            except MotcuaError as error:
                refused.setdefault(document["key"], []).append(f"{upload.name}: {error}")
    return refused


def _papers(
    request: HttpRequest,
    version: Any,
    token: str,
    errors: dict[str, str],
    scan_errors: dict[str, list[str]],
) -> list[dict[str, Any]]:
    kept: dict[str, list[DossierFile]] = {}
    for scan in counter_scans_pending(official=request.user, submission_key=token):
        kept.setdefault(scan.document_key, []).append(scan)
    ticked = set(_ticked(request, version))
    return [
        {
            "document": d,
            "ticked": d["key"] in ticked,
            "scans": kept.get(d["key"], []),
            "errors": scan_errors.get(d["key"], []) or ([errors[d["key"]]] if d["key"] in errors else []),
        }
        for d in _paper_documents(version)
    ]
