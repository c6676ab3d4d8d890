"""Applying through the API: the applicant's draft (the same one as the online form), its papers,
and the submission, once per ``Idempotency-Key``. Mounted at ``/api/v1/dossiers/drafts``."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Header, Path, Router, Schema
from ninja import Status as Answer
from ninja.files import UploadedFile

from motcua.catalogue.selectors import procedure_version_in_force
from motcua.core.errors import Conflict, NotFound, ValidationError
from motcua.dossiers.api import DossierOut, SiteSession, dossier_for, dossier_out
from motcua.dossiers.completeness import missing_items
from motcua.dossiers.drafts import (
    MAX_FILE_BYTES,
    draft_documents,
    draft_file_remove,
    draft_for,
    draft_save,
    draft_submit,
    draft_upload,
    draft_use_submission_key,
    prefill_parts,
)
from motcua.dossiers.models import Dossier, DossierDraft, DossierFile
from motcua.registries.selectors import prefill_of
from motcua.registries.services import PrefilledForm

router = Router(auth=SiteSession())

PROCEDURE_CODE = Path(..., pattern=r"^[0-9]\.[0-9]{6}$", description="National procedure code, e.g. 1.004873")
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_\-]{8,64}$")


class FileOut(Schema):
    id: int
    document_key: str
    name: str
    content_type: str
    size: int
    pages: int
    sha256: str


class PrefilledOut(Schema):
    value: Any
    source: str
    verified: bool


class MissingOut(Schema):
    key: str
    vi: str
    en: str


class DraftIn(Schema):
    case_key: str | None = Field(None, max_length=50)
    unit_code: str | None = Field(None, max_length=10, description="The commune that decides (2025 code).")
    receiving_agency_id: int | None = Field(
        None, ge=1, le=2**53, description="The centre that receives (any in the province)."
    )
    values: dict[str, str | bool | int | float | None] = Field(
        default_factory=dict, description="Form fields by key; values the registries filled are kept."
    )


class DraftOut(Schema):
    procedure_code: str
    version: int
    case_key: str
    unit_code: str
    receiving_agency_id: int | None
    values: dict[str, Any]
    prefilled: dict[str, PrefilledOut]
    files: list[FileOut]
    missing: list[MissingOut] = Field(description="Everything still needed before submitting.")
    errors: dict[str, str] = Field(description="Values that are not right yet, by field.")


# --- applying -------------------------------------------------------------------------------------


def _draft_context(
    request: HttpRequest, code: str, *, create: bool = True
) -> tuple[DossierDraft, PrefilledForm, Any]:
    """The caller's draft for the procedure in force (``create=False``: an unsaved one when there is
    none yet, so reading writes nothing), what the registries filled, the stored choice."""
    version = procedure_version_in_force(code=code)
    if version.data["online_level"] == "none":
        raise ValidationError(
            "Thủ tục này chỉ nộp trực tiếp tại Trung tâm.",
            "This procedure is applied for in person only, at any centre.",
            code="not_online",
        )
    draft = draft_for(applicant=request.user, version=version, create=create)
    stored = prefill_of(applicant=request.user, procedure_code=version.code)
    form = PrefilledForm.from_json(stored.form) if stored else PrefilledForm()
    return draft, form, stored


def _file(upload: DossierFile) -> dict[str, Any]:
    return {
        "id": upload.pk,
        "document_key": upload.document_key,
        "name": upload.original_name,
        "content_type": upload.content_type,
        "size": upload.size,
        "pages": upload.pages,
        "sha256": upload.sha256,
    }


def _draft(draft: DossierDraft, form: PrefilledForm, stored: Any, errors: dict[str, str]) -> dict[str, Any]:
    parts = prefill_parts(form, stored)
    data = {**draft.data, **parts["prefilled"]}
    missing = missing_items(
        draft.procedure_version.data, draft.case_key, data, draft_documents(draft, parts["reused"])
    )
    return {
        "procedure_code": draft.procedure_code,
        "version": draft.procedure_version.version,
        "case_key": draft.case_key,
        "unit_code": draft.unit_code,
        "receiving_agency_id": draft.receiving_agency_id,
        "values": draft.data,
        "prefilled": {
            key: {"value": item.value, "source": item.source, "verified": item.verified}
            for key, item in form.values.items()
        },
        "files": [_file(f) for f in draft.files.all()] if draft.pk else [],
        "missing": missing,
        "errors": errors,
    }


@router.get("/{code}", response=DraftOut, summary="The caller's application in progress")
def get_draft(request: HttpRequest, code: str = PROCEDURE_CODE):
    draft, form, stored = _draft_context(request, code, create=False)
    return _draft(draft, form, stored, {})


@router.put("/{code}", response=DraftOut, summary="Save what the applicant typed (kept even when wrong)")
def save_draft(request: HttpRequest, body: DraftIn, code: str = PROCEDURE_CODE):
    draft, form, stored = _draft_context(request, code)
    typed = {k: v for k, v in body.values.items() if k not in form.values}
    errors = draft_save(
        draft=draft,
        values=typed,
        case_key=body.case_key,
        unit_code=body.unit_code,
        receiving_agency_id=str(body.receiving_agency_id) if body.receiving_agency_id else None,
    )
    return _draft(draft, form, stored, errors)


@router.post("/{code}/files", response={201: FileOut}, summary="Upload a scanned paper (PDF, JPEG or PNG)")
def upload_file(
    request: HttpRequest,
    document_key: Form[str],
    file: File[UploadedFile],
    code: str = PROCEDURE_CODE,
):
    """The type is sniffed from the content; at most 10 MB and 30 pages; the SHA-256 is kept."""
    draft = _draft_context(request, code)[0]
    if file.size and file.size > MAX_FILE_BYTES:
        raise ValidationError(
            "Tệp lớn hơn 10 MB; hãy quét ở độ phân giải thấp hơn.",
            "The file is larger than 10 MB; scan at a lower resolution.",
            code="too_large",
            field="file",
        )
    upload = draft_upload(
        draft=draft, document_key=document_key, name=file.name or "", content=file.read(), actor=request.user
    )
    return Answer(201, _file(upload))


@router.delete("/{code}/files/{file_id}", response={204: None}, summary="Remove an uploaded paper")
def remove_file(request: HttpRequest, file_id: int = Path(..., ge=1, le=2**53), code: str = PROCEDURE_CODE):
    draft = _draft_context(request, code)[0]
    if not draft_file_remove(draft=draft, file_id=file_id):
        raise NotFound("Không có tệp này.", "There is no such file.", code="file_not_found")
    return Answer(204, None)


@router.post(
    "/{code}/submit",
    response={200: DossierOut, 201: DossierOut},
    summary="Submit the application (once per Idempotency-Key)",
)
def submit_draft(
    request: HttpRequest,
    response: HttpResponse,
    code: str = PROCEDURE_CODE,
    idempotency_key: str = Header(..., alias="Idempotency-Key", max_length=64),
):
    """Everything missing is said at once (400, `code: incomplete`, with the list). Sending the same
    `Idempotency-Key` again — a retried request, a double click — answers 200 with the dossier the
    first request made, never a second dossier."""
    if not IDEMPOTENCY_KEY.match(idempotency_key):
        raise ValidationError(
            "Idempotency-Key gồm 8–64 chữ cái, chữ số, dấu - hoặc _.",
            "The Idempotency-Key has 8 to 64 letters, digits, - or _.",
            code="idempotency_key",
            field="Idempotency-Key",
        )
    done = Dossier.objects.filter(applicant=request.user, submission_key=idempotency_key).first()
    if done is not None and done.procedure_code != code:
        raise Conflict(
            "Idempotency-Key này đã dùng cho hồ sơ của thủ tục khác; mỗi lần nộp dùng một khóa mới.",
            "This Idempotency-Key was used for another procedure's dossier; use a new key each time.",
            code="idempotency_key_reused",
            field="Idempotency-Key",
        )
    if done is None:
        draft, form, stored = _draft_context(request, code)
        draft_use_submission_key(draft=draft, submission_key=idempotency_key)
        done = draft_submit(draft=draft, **prefill_parts(form, stored))
        status = 201
    else:
        response["Idempotent-Replayed"] = "true"
        status = 200
    dossier, official = dossier_for(request.user, done.reference)
    return Answer(status, dossier_out(dossier, request.user, official=official))
