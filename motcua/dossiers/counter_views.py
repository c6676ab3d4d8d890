"""The counter: a receiver at any centre receives a dossier handed in by a citizen who is there
(boundary-free), filling the same form; papers are checked against the originals and recorded."""

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
from motcua.dossiers.drafts import clean_value
from motcua.dossiers.services import dossier_receive_at_counter
from motcua.places.models import AdministrativeUnit, Agency


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
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST" and version is not None:
        fields = {f["key"]: f for s in version.data["form"]["sections"] for f in s["fields"]}
        for key, spec in fields.items():
            values[key], message = clean_value(spec, request.POST.get(key, ""))
            if message:
                errors[key] = message
        name = " ".join(request.POST.get("applicant_name", "").split())
        personal_id = request.POST.get("applicant_personal_id", "").strip()
        try:
            validate_personal_id(personal_id)
            if not name:
                raise ValidationError(
                    "Hãy nhập họ tên người nộp.", "Enter the applicant's name.", code="name"
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
                    "Hãy chọn xã, phường giải quyết hồ sơ.", "Choose the commune that decides.", code="unit"
                )
            papers = {
                d["key"]: {"paper": True}
                for d in version.data["documents"]
                if request.POST.get(f"paper-{d['key']}") == "on"
            }
            dossier = dossier_receive_at_counter(
                official=request.user,
                agency=agency,
                version=version,
                case_key=request.POST.get("case", ""),
                applicant_name=name,
                applicant_personal_id=personal_id,
                data=values,
                documents=papers,
                unit=unit,
                # The citizen's e-ID account follows the dossier only when the official checked that
                # very person's identity (assisted mode): a typo never hands it to someone else.
                applicant=User.objects.filter(personal_id=personal_id, oidc_subject__gt="").first()
                if present is not None and present.personal_id == personal_id
                else None,
                submission_key=request.POST.get("form_token", "")[:64],
                phone=request.POST.get("phone", "").strip()[:20],
            )
        except MotcuaError as error:
            messages.error(request, str(error))
            for item in getattr(error, "params", {}).get("missing", []):
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
            "units": units,
            "present": present,
            "post": request.POST,
            "form_token": request.POST.get("form_token") or secrets.token_hex(16),
            "errors": errors,
        },
        status=400 if errors and request.method == "POST" else 200,
    )
