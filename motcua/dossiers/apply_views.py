"""The citizen's application page: the procedure's form with what the registries filled in, the
papers to upload or reuse, a draft kept as they type, and the submission."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.accounts.citizen_views import citizen_login_required
from motcua.catalogue.selectors import procedure_version_in_force
from motcua.core.errors import MotcuaError, NotFound, ValidationError
from motcua.dossiers.drafts import (
    MAX_FILE_BYTES,
    draft_file_remove,
    draft_for,
    draft_save,
    draft_submit,
    draft_upload,
    prefill_parts,
)
from motcua.dossiers.models import Dossier, DossierDraft
from motcua.places.models import AdministrativeUnit, Agency
from motcua.registries.attributes import display_value
from motcua.registries.selectors import prefill_of
from motcua.registries.services import PrefilledForm


@never_cache
@require_http_methods(["GET", "POST"])
@citizen_login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    try:
        version = procedure_version_in_force(code=code)
    except NotFound as error:
        raise Http404(str(error)) from error
    if version.data["online_level"] == "none":
        messages.error(request, _("This procedure is applied for in person only, at any centre."))
        return redirect("catalogue:procedure", version.code)
    draft = draft_for(applicant=request.user, version=version)
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "save")
        sent_key = request.POST.get("submission_key", "")
        done = (
            Dossier.objects.filter(applicant=request.user, submission_key=sent_key).first()
            if sent_key
            else None
        )
        if done is not None:  # a double click or a retried request after the submission went through
            messages.info(
                request, _("This application was already submitted as %(ref)s.") % {"ref": done.reference}
            )
            return redirect("dossiers:mine")
        if action == "upload":
            _upload(request, draft)
            return redirect(request.path)
        if action == "remove_file":
            chosen = request.POST.get("file", "")
            draft_file_remove(
                draft=draft, file_id=int(chosen) if chosen.isdecimal() and len(chosen) < 12 else 0
            )
            return redirect(request.path)
    # What the registries filled in is needed from here on (not for a scan: uploads stay cheap).
    stored = prefill_of(applicant=request.user, procedure_code=version.code)
    form = PrefilledForm.from_json(stored.form) if stored else PrefilledForm()
    if request.method == "POST":
        # The main form: what it posts is the whole of what the applicant typed (an unticked box is
        # absent), so it is saved before anything else — nothing typed is lost, even on refusal.
        values = {key: request.POST.get(key, "") for key in _typed_fields(version, form)}
        unit_code = request.POST.get("unit") or (None if draft.unit_code else _residence_unit(form) or None)
        errors = draft_save(
            draft=draft,
            values=values,
            case_key=request.POST.get("case"),
            unit_code=unit_code,
            receiving_agency_id=request.POST.get("receiving_agency"),
        )
        if action == "autosave":
            return HttpResponse(status=204)
        if action == "submit":
            try:
                dossier = draft_submit(draft=draft, **prefill_parts(form, stored))
            except ValidationError as error:
                messages.error(request, str(error))
                errors.update(error.params.get("errors", {}))
                missing = {m["key"] for m in error.params.get("missing", [])}
                errors.update({key: _("Required.") for key in missing if key not in errors})
                return _page(request, version, draft, form, stored, errors, status=400)
            messages.success(
                request,
                _("Submitted. Your reference is %(ref)s; you will be told when the centre receives it.")
                % {"ref": dossier.reference},
            )
            return redirect("dossiers:mine")
        if not errors:
            messages.success(request, _("Draft saved. You can come back to it later."))
            return redirect(request.path)
    return _page(request, version, draft, form, stored, errors)


def _typed_fields(version: Any, form: PrefilledForm) -> list[str]:
    return [
        f["key"] for s in version.data["form"]["sections"] for f in s["fields"] if f["key"] not in form.values
    ]


def _upload(request: HttpRequest, draft: DossierDraft) -> None:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file first."))
        return
    if upload.size and upload.size > MAX_FILE_BYTES:
        messages.error(request, _("The file is larger than 10 MB; scan at a lower resolution."))
        return
    try:
        draft_upload(
            draft=draft,
            document_key=request.POST.get("document", ""),
            name=upload.name or "",
            content=upload.read(),
            actor=request.user,
        )
    except MotcuaError as error:
        messages.error(request, f"{upload.name}: {error}")
    else:
        messages.success(request, _("The file was added."))


def _page(
    request: HttpRequest,
    version: Any,
    draft: DossierDraft,
    form: PrefilledForm,
    stored: Any,
    errors: dict[str, str],
    status: int = 200,
) -> HttpResponse:
    sections = form_sections(version, draft.data, errors, form)
    reused = prefill_parts(form, stored)["reused"]
    case = next((c for c in version.data["cases"] if c["key"] == draft.case_key), None)
    needed = set(case["documents"]) if case and "documents" in case else None
    files = list(draft.files.all())
    documents = [
        {
            "document": d,
            "reused": reused.get(d["key"]),
            "files": [f for f in files if f.document_key == d["key"]],
            "error": errors.get(d["key"], ""),
        }
        for d in version.data["documents"]
        if needed is None or d["key"] in needed
    ]
    unit_code = draft.unit_code or _residence_unit(form)
    units = AdministrativeUnit.objects.filter(
        level=3, valid_to__isnull=True, parent__agencies__kind="provincial_centre"
    ).order_by("name")
    return render(
        request,
        "dossiers/apply.html",
        {
            "version": version,
            "draft": draft,
            "sections": sections,
            "documents": documents,
            "units": units,
            "centres": Agency.objects.filter(
                Q(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__in=units)
                | Q(kind=Agency.Kind.PROVINCIAL_SERVICE_CENTRE, unit__in=units.values("parent"))
            ).order_by("kind", "name"),
            "unit_code": unit_code,
            "has_prefill": stored is not None,
            "errors": errors,
        },
        status=status,
    )


def _residence_unit(form: PrefilledForm) -> str:
    """The commune of the first place the registries filled in: usually where the dossier is decided."""
    for item in form.values.values():
        if isinstance(item.value, dict) and item.value.get("kind") == "unit":
            return str(item.value.get("unit_code", ""))
    return ""


def _as_text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text", ""))
    return "" if value in (None, False, True) else str(value)


def form_sections(
    version: Any, data: dict[str, Any], errors: dict[str, str], form: PrefilledForm | None = None
) -> list[dict[str, Any]]:
    """The form's sections and fields ready for ``dossiers/_form_fields.html``: registry values
    shown read-only with their source, the rest as inputs holding what was typed."""
    values = form.values if form else {}
    sections = []
    for section in version.data["form"]["sections"]:
        rows = []
        for spec in section["fields"]:
            item = values.get(spec["key"])
            rows.append(
                {
                    "spec": spec,
                    "prefilled": item,
                    "shown": display_value(spec, item.value) if item else "",
                    "value": data.get(spec["key"], ""),
                    "input_value": _as_text(data.get(spec["key"], "")),
                    "error": errors.get(spec["key"], ""),
                }
            )
        sections.append({"section": section, "rows": rows})
    return sections
