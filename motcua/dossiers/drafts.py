"""Preparing an application: the draft, the uploaded papers, and the submission it becomes.

A draft is saved as the applicant types and resumed after signing out; its submission key makes
the submission idempotent. Values the registries filled (registries.Prefill) are taken as they are,
with their provenance; the applicant types the rest.
"""

from __future__ import annotations

import hashlib
import io
import math
import secrets
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from motcua.accounts.identity import validate_personal_id
from motcua.core.errors import PermissionDenied, ValidationError
from motcua.core.time import today
from motcua.dossiers.completeness import missing_items
from motcua.dossiers.models import Dossier, DossierDraft, DossierFile
from motcua.dossiers.services import dossier_submit_online
from motcua.places.models import AdministrativeUnit, Agency

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_PAGES = 30
MAX_FILES_PER_DOCUMENT = 5
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def draft_for(
    *, applicant: Any, version: Any, enterprise_code: str = "", create: bool = True
) -> DossierDraft:
    """The applicant's draft for this procedure, made on first use (``create=False``: left unsaved)."""
    draft = DossierDraft.objects.filter(
        applicant=applicant, procedure_code=version.code, enterprise_code=enterprise_code
    ).first()
    if draft is not None:
        if draft.procedure_version_id == version.pk:
            draft.procedure_version = version  # already loaded, with its definition
        return draft
    fresh = DossierDraft(
        applicant=applicant,
        procedure_version=version,
        procedure_code=version.code,
        enterprise_code=enterprise_code,
        case_key=version.data["cases"][0]["key"] if len(version.data["cases"]) == 1 else "",
        submission_key=secrets.token_hex(16),
    )
    if not create:
        return fresh
    try:
        with transaction.atomic():
            fresh.save()
            return fresh
    except IntegrityError:  # made by a concurrent request
        return DossierDraft.objects.get(
            applicant=applicant, procedure_code=version.code, enterprise_code=enterprise_code
        )


def _fields(version: Any) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for s in version.data["form"]["sections"] for f in s["fields"]}


def clean_value(spec: dict[str, Any], raw: Any) -> tuple[Any, str]:
    """A typed value → (value to keep, "" or a message in Vietnamese and English). The value is kept
    even when wrong, so nothing typed is lost."""
    kind = spec["type"]
    if kind == "checkbox":
        return raw in (True, "on", "yes", "true", "1"), ""
    text = " ".join(str(raw or "").split()) if kind != "textarea" else str(raw or "").strip()
    if text == "":
        return "", ""
    limit = (spec.get("validation") or {}).get("max_length") or (4000 if kind == "textarea" else 300)
    if len(text) > limit:
        return text[:limit], f"Tối đa {limit} ký tự. / At most {limit} characters."
    if kind == "personal_id":
        try:
            validate_personal_id(text)
        except Exception as error:  # motcua's or Django's ValidationError
            return text, str(error)
    if kind == "email":
        try:
            validate_email(text)
        except Exception:
            return text, "Địa chỉ thư điện tử không hợp lệ. / Not a valid e-mail address."
    if kind == "phone":
        digits = text.replace(" ", "").replace(".", "").removeprefix("+")
        if not (digits.isdigit() and 9 <= len(digits) <= 15):
            return text, "Số điện thoại gồm 9–15 chữ số. / A phone number has 9 to 15 digits."
    if kind in ("integer", "decimal"):
        try:
            number = int(text) if kind == "integer" else float(text.replace(",", "."))
        except ValueError:
            return text, "Hãy nhập một số. / Enter a number."
        if not math.isfinite(number):  # "nan", "inf", "1e999": no JSON can hold them
            return text, "Hãy nhập một số. / Enter a number."
        rules = spec.get("validation") or {}
        if ("min" in rules and number < rules["min"]) or ("max" in rules and number > rules["max"]):
            low, high = rules.get("min", "…"), rules.get("max", "…")
            return text, f"Từ {low} đến {high}. / From {low} to {high}."
        return number, ""
    if kind == "date":
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return text, "Ngày không hợp lệ. / Not a valid date."
        rules = spec.get("validation") or {}
        if rules.get("not_after_today") and day > today():
            return text, "Ngày không được sau hôm nay. / The date cannot be after today."
        return day.isoformat(), ""
    if kind in ("select", "radio") and text not in {o["value"] for o in spec.get("options", [])}:
        return "", "Hãy chọn một mục trong danh sách. / Choose one of the options."
    if kind == "place":
        return {"kind": "text", "text": text}, ""
    return text, ""


@transaction.atomic
def draft_save(
    *,
    draft: DossierDraft,
    values: dict[str, Any],
    case_key: str | None = None,
    unit_code: str | None = None,
    receiving_agency_id: str | None = None,
) -> dict[str, str]:
    """Keep what the applicant typed; the messages of the fields that are not right yet."""
    fields = _fields(draft.procedure_version)
    errors: dict[str, str] = {}
    data = dict(draft.data)
    for key, raw in values.items():
        spec = fields.get(key)
        if spec is None:
            continue  # not a field of this form: ignored, never stored
        data[key], errors_for = clean_value(spec, raw)
        if errors_for:
            errors[key] = errors_for
    draft.data = data
    if case_key is not None and case_key in {c["key"] for c in draft.procedure_version.data["cases"]}:
        draft.case_key = case_key
    if (
        unit_code is not None
        and AdministrativeUnit.objects.filter(code=unit_code, level=3, valid_to__isnull=True).exists()
    ):
        draft.unit_code = unit_code
    if receiving_agency_id:
        draft.receiving_agency = (
            Agency.objects.filter(pk=receiving_agency_id if receiving_agency_id.isdecimal() else 0)
            .filter(kind__in=Agency.RECEPTION_KINDS)
            .first()
            or draft.receiving_agency
        )
    draft.save()
    return errors


def _sniff(head: bytes) -> str | None:
    return next((kind for signature, kind in SIGNATURES if head.startswith(signature)), None)


def _pdf_pages(content: bytes) -> int:
    from pypdf import PdfReader

    # The reader looks for the end marker backwards line by line, which takes seconds of CPU over
    # megabytes of trailing bytes: read the file up to its last marker (found at C speed) instead.
    end = content.rfind(b"%%EOF")
    try:
        if end < 0:
            raise ValueError("no end-of-file marker")
        pages = len(PdfReader(io.BytesIO(content[: end + 5])).pages)
        # What counts is what a renderer will draw: pdfium also reads updates after the last end
        # marker, which pypdf leaves out (one "page" that renders as a thousand).
        import pypdfium2

        document = pypdfium2.PdfDocument(content)
        try:
            return max(pages, len(document))
        finally:
            document.close()
    except ValidationError:
        raise
    except Exception:  # a broken PDF fails in many ways; each is the applicant's file, not our bug
        raise ValidationError(
            "Tệp PDF bị hỏng hoặc được bảo vệ; hãy lưu lại thành PDF thường rồi tải lên.",
            "The PDF is damaged or protected; save it again as a plain PDF and upload it.",
            code="pdf_unreadable",
            field="file",
        ) from None


@transaction.atomic
def draft_upload(
    *, draft: DossierDraft, document_key: str, name: str, content: bytes, actor: Any
) -> DossierFile:
    """Accept one scanned paper for a document of the procedure, or say why not."""
    if actor.pk != draft.applicant_id:
        raise PermissionDenied(
            "Đây không phải hồ sơ của bạn.", "This is not your application.", code="not_yours"
        )
    documents = {d["key"] for d in draft.procedure_version.data["documents"]}
    if document_key not in documents:
        raise ValidationError(
            "Thủ tục không có giấy tờ này.", "The procedure has no such document.", code="document"
        )
    kind, pages = checked_scan(content)
    if draft.files.filter(document_key=document_key).count() >= MAX_FILES_PER_DOCUMENT:
        raise ValidationError(
            f"Mỗi giấy tờ tối đa {MAX_FILES_PER_DOCUMENT} tệp.",
            f"At most {MAX_FILES_PER_DOCUMENT} files per document.",
            code="too_many_files",
            field="file",
        )
    return _store(
        draft=draft,
        document_key=document_key,
        name=name,
        content=content,
        kind=kind,
        pages=pages,
        actor=actor,
    )


@transaction.atomic
def draft_file_remove(*, draft: DossierDraft, file_id: int) -> bool:
    """Take an uploaded paper off the draft; the scan leaves the disk too. False when there is none."""
    upload = draft.files.filter(pk=file_id).first()
    if upload is None:
        return False
    upload.file.delete(save=False)
    upload.delete()
    return True


@transaction.atomic
def draft_use_submission_key(*, draft: DossierDraft, submission_key: str) -> None:
    """Submit the draft under the client's idempotency key (the API's ``Idempotency-Key``)."""
    if draft.submission_key != submission_key:
        draft.submission_key = submission_key
        draft.save(update_fields=["submission_key", "updated_at"])


def checked_scan(content: bytes) -> tuple[str, int]:
    """A scanned paper's real type (sniffed from its content) and pages, or why it is refused."""
    if not content:
        raise ValidationError("Tệp trống.", "The file is empty.", code="empty", field="file")
    if len(content) > MAX_FILE_BYTES:
        raise _too_large()
    kind = _sniff(content[:16])
    if kind is None:
        raise ValidationError(
            "Chỉ nhận tệp PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp, không theo tên).",
            "Only PDF, JPEG or PNG files are accepted (checked from the content, not the name).",
            code="file_type",
            field="file",
        )
    pages = _pdf_pages(content) if kind == "application/pdf" else 1
    if pages > MAX_PAGES:
        raise ValidationError(
            f"Tệp có {pages} trang; tối đa {MAX_PAGES} trang cho một giấy tờ.",
            f"The file has {pages} pages; at most {MAX_PAGES} per document.",
            code="too_many_pages",
            field="file",
        )
    return kind, pages


def _too_large() -> ValidationError:
    return ValidationError(
        "Tệp lớn hơn 10 MB; hãy quét ở độ phân giải thấp hơn.",
        "The file is larger than 10 MB; scan at a lower resolution.",
        code="too_large",
        field="file",
    )


def upload_content(upload: Any) -> bytes:
    """The bytes of an uploaded file; one announced as over the limit is refused before it is read
    into memory (and one that lied about its size is cut one byte past it, for ``checked_scan``)."""
    if upload.size and upload.size > MAX_FILE_BYTES:
        raise _too_large()
    return bytes(upload.read(MAX_FILE_BYTES + 1))


def _store(
    *, document_key: str, name: str, content: bytes, kind: str, pages: int, actor: Any, **owner: Any
) -> DossierFile:
    upload = DossierFile(
        **owner,
        document_key=document_key,
        original_name=" ".join(name.split())[-200:] or "tep",
        content_type=kind,
        size=len(content),
        pages=pages,
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    upload.file.save("upload", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            upload.save()
    except IntegrityError:  # the record is refused (a scan kept once): its file goes too
        upload.file.delete(save=False)
        raise
    return upload


# --- scans at the counter -----------------------------------------------------------------------


def counter_scans_pending(*, official: Any, submission_key: str) -> list[DossierFile]:
    """The papers this receiver scanned with this reception form, not yet attached to a dossier."""
    if not submission_key:
        return []
    return list(
        DossierFile.objects.filter(
            uploaded_by=official, counter_submission_key=submission_key, dossier__isnull=True
        ).order_by("pk")
    )


@transaction.atomic
def counter_scan_upload(
    *, official: Any, version: Any, submission_key: str, document_key: str, name: str, content: bytes
) -> DossierFile:
    """A paper scanned at the counter before the dossier exists, checked exactly like the
    applicant's uploads. It waits under the reception form's key until ``dossier_receive_at_counter``
    attaches it; the same scan sent again with the same form is the one already kept."""
    if not submission_key or len(submission_key) > 64:
        raise ValidationError("Thiếu mã lần nộp.", "The submission key is missing.", code="submission_key")
    papers = {d["key"] for d in version.data["documents"] if d["form"] != "electronic"}
    if document_key not in papers:
        raise ValidationError(
            "Thủ tục không có giấy tờ này.", "The procedure has no such document.", code="document"
        )
    kind, pages = checked_scan(content)
    kept = DossierFile.objects.filter(
        uploaded_by=official, counter_submission_key=submission_key, document_key=document_key
    )
    digest = hashlib.sha256(content).hexdigest()
    same = kept.filter(sha256=digest).first()
    if same is not None:
        return same
    if kept.count() >= MAX_FILES_PER_DOCUMENT:
        raise ValidationError(
            f"Mỗi giấy tờ tối đa {MAX_FILES_PER_DOCUMENT} tệp.",
            f"At most {MAX_FILES_PER_DOCUMENT} files per document.",
            code="too_many_files",
            field="file",
        )
    try:
        return _store(
            counter_submission_key=submission_key,
            document_key=document_key,
            name=name,
            content=content,
            kind=kind,
            pages=pages,
            actor=official,
        )
    except IntegrityError:  # the same scan, sent by a concurrent copy of the form
        return kept.get(sha256=digest)


@transaction.atomic
def counter_scan_remove(*, official: Any, submission_key: str, file_ids: list[str]) -> int:
    """Take back scans of this form the receiver has not yet received; anyone else's file, or one
    already in a dossier, is left alone. The scans leave the disk too."""
    ids = [int(i) for i in file_ids if i.isdecimal() and len(i) < 19]
    if not submission_key or not ids:
        return 0
    removed = 0
    for scan in DossierFile.objects.filter(
        pk__in=ids, uploaded_by=official, counter_submission_key=submission_key, dossier__isnull=True
    ):
        scan.file.delete(save=False)
        scan.delete()
        removed += 1
    return removed


@transaction.atomic
def dossier_supplement_upload(*, dossier: Dossier, name: str, content: bytes, actor: Any) -> DossierFile:
    """A paper the applicant sends with their supplement (the dossier is waiting for one)."""
    from motcua.accounts.permissions import authorize
    from motcua.dossiers.models import Status

    authorize(actor, "dossier.supplement", dossier)
    if dossier.status != Status.SUPPLEMENT:
        raise ValidationError(
            "Hồ sơ không ở trạng thái chờ bổ sung.",
            "The dossier is not waiting for a supplement.",
            code="status",
        )
    if dossier.files.filter(document_key="supplement").count() >= MAX_FILES_PER_DOCUMENT * 2:
        raise ValidationError(
            "Đã đủ số tệp bổ sung.", "Enough supplement files already.", code="too_many_files"
        )
    kind, pages = checked_scan(content)
    return _store(
        dossier=dossier,
        document_key="supplement",
        name=name,
        content=content,
        kind=kind,
        pages=pages,
        actor=actor,
    )


def draft_documents(draft: DossierDraft, reused: dict[str, Any]) -> dict[str, Any]:
    """What stands for each document: uploaded files or a reused stored document."""
    documents: dict[str, Any] = {}
    for upload in draft.files.all() if draft.pk else []:
        documents.setdefault(upload.document_key, {"files": []})["files"].append(upload.pk)
    for key, reuse in reused.items():
        documents.setdefault(key, {})["reused"] = reuse
    return documents


def prefill_parts(form: Any, stored: Any) -> dict[str, Any]:
    """What the registries filled in (a ``registries.PrefilledForm``) and the stored documents chosen
    (``stored``, a ``registries.Prefill`` or None), as ``draft_submit`` takes them."""
    reused = {}
    if stored is not None:
        reused = {
            r.document_key: {
                "stored_id": r.stored_id,
                "source": r.source,
                "kind": r.kind,
                "number": r.number,
                "issuer": r.issuer,
                "issued_on": r.issued_on.isoformat(),
            }
            for r in stored.reused_documents.all()
        }
    return {
        "prefilled": {key: item.value for key, item in form.values.items()},
        "provenance": {
            key: {
                "source": item.source,
                "record": item.record,
                "retrieved_at": item.retrieved_at.isoformat(),
                "verified": item.verified,
                "registry_value": item.registry_value,
            }
            for key, item in form.values.items()
        },
        "reused": reused,
    }


@transaction.atomic
def draft_submit(
    *, draft: DossierDraft, prefilled: dict[str, Any], provenance: dict[str, Any], reused: dict[str, Any]
) -> Dossier:
    """Submit the draft (once, whatever happens: its key makes it idempotent)."""
    version = draft.procedure_version
    unit = AdministrativeUnit.objects.filter(code=draft.unit_code, level=3, valid_to__isnull=True).first()
    # Everything that stops the submission, said at once: the choices, the fields, the papers.
    missing = []
    if draft.case_key not in {c["key"] for c in version.data["cases"]}:
        missing.append({"key": "case", "vi": "Trường hợp của bạn", "en": "Your case"})
    if unit is None:
        missing.append({"key": "unit", "vi": "Xã, phường giải quyết hồ sơ", "en": "The commune that decides"})
    documents = draft_documents(draft, reused)
    missing += missing_items(version.data, draft.case_key, {**draft.data, **prefilled}, documents)
    fields = _fields(version)
    errors = {}
    for key, value in draft.data.items():
        if key in fields and (message := clean_value(fields[key], value)[1]):
            errors[key] = message
    if missing:
        raise ValidationError(
            "Hồ sơ còn thiếu: " + "; ".join(m["vi"] for m in missing) + ".",
            "The dossier still lacks: " + "; ".join(m["en"] for m in missing) + ".",
            code="incomplete",
            params={"missing": missing, "errors": errors},
        )
    if errors:
        raise ValidationError(
            "Một số thông tin chưa đúng; hãy sửa các ô được đánh dấu.",
            "Some values are not right yet; correct the marked fields.",
            code="invalid",
            params={"errors": errors},
        )
    assert unit is not None  # a missing unit is reported above
    dossier = dossier_submit_online(
        applicant=draft.applicant,
        version=draft.procedure_version,
        case_key=draft.case_key,
        data={**draft.data, **prefilled},
        documents=documents,
        unit=unit,
        submission_key=draft.submission_key,
        provenance=provenance,
        enterprise_code=draft.enterprise_code,
        receiving_agency=draft.receiving_agency,
    )
    DossierFile.objects.filter(draft=draft).update(dossier=dossier, draft=None)
    draft.delete()
    return dossier


def uploads_purge_abandoned(*, older_than: timedelta) -> int:
    """Delete scans that belong to no dossier and no draft any more — a counter form never received,
    a draft removed — once ``older_than`` has passed, files and all: copies of people's papers are
    kept only as long as an application needs them. Returns how many went. Safe to run any time."""
    from motcua.core.time import now

    abandoned = DossierFile.objects.filter(
        dossier__isnull=True, draft__isnull=True, uploaded_at__lt=now() - older_than
    )
    count = 0
    for upload in abandoned.iterator():
        with transaction.atomic():
            upload.file.delete(save=False)
            upload.delete()
        count += 1
    return count
