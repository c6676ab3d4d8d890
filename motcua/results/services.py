"""Issuing electronic results: render, sign, record, put in the holder's document store, and end
processing — one transaction (DESIGN.md: ``results`` calls ``dossiers`` services when a result is
signed). Also the certified paper print at a counter."""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from motcua.audit.services import audit_record
from motcua.core.errors import Conflict, NotFound, ValidationError
from motcua.core.time import now, to_local
from motcua.dossiers.handlers import result_signature_required
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import dossier_transition
from motcua.dossiers.states import TRANSITIONS, transition_authorize
from motcua.places.models import Agency
from motcua.results import signing
from motcua.results.documents import result_pdf, template_for
from motcua.results.models import ResultDocument, ResultNumberCounter, ResultPrint

log = logging.getLogger(__name__)

# Verification codes: no 0/O, 1/I/L to misread when typed from paper; 12 characters ≈ 60 bits.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12

HEAD_TITLES = {
    Agency.Kind.COMMUNE_PEOPLES_COMMITTEE: "CHỦ TỊCH",
    Agency.Kind.PROVINCIAL_PEOPLES_COMMITTEE: "CHỦ TỊCH",
    Agency.Kind.DEPARTMENT: "GIÁM ĐỐC",
    Agency.Kind.PROVINCIAL_SERVICE_CENTRE: "GIÁM ĐỐC",
    Agency.Kind.COMMUNE_SERVICE_CENTRE: "GIÁM ĐỐC",
    Agency.Kind.POLICE: "TRƯỞNG CÔNG AN",
    Agency.Kind.SOCIAL_INSURANCE: "GIÁM ĐỐC",
    Agency.Kind.TAX: "CHI CỤC TRƯỞNG",
}


def signer_title_default(agency: Agency) -> str:
    return HEAD_TITLES.get(agency.kind, "THỦ TRƯỞNG CƠ QUAN")


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL}/verify/{code}"


def _code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _number_next(*, agency: Agency, year: int, suffix: str) -> str:
    """The next number of the agency's book of results for ``year`` (locked row: no two alike)."""
    counter, _ = ResultNumberCounter.objects.get_or_create(agency=agency, year=year)
    counter = ResultNumberCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{counter.last:05d}/{year}/{suffix}" if suffix else f"{counter.last:05d}/{year}"


def _clean_title(raw: str, default: str) -> str:
    title = " ".join((raw or "").split())[:150]
    return title.upper() if title else default


def _check_can_sign(official: Any, dossier: Dossier) -> None:
    transition = TRANSITIONS["sign"]
    transition_authorize(official, transition, dossier)
    if not transition.applies_to(dossier):
        raise Conflict(
            "Hồ sơ không ở bước chờ ký.",
            "The dossier is not waiting for a signature.",
            code="not_awaiting_signature",
        )
    if not result_signature_required(dossier):
        raise Conflict(
            "Hồ sơ này không có kết quả điện tử để ký số (từ chối giải quyết, hoặc thủ tục không cấp "
            "kết quả ký số): hãy ký trên trang hồ sơ.",
            "This dossier has no electronic result to sign (a refusal, or a procedure without a signed "
            "result): sign it on the dossier's page.",
            code="no_e_result",
        )


def result_preview(*, official: Any, dossier: Dossier, signer_title: str = "") -> bytes:
    """The result as it will be issued, unsigned and marked as a preview, for the signer to read."""
    _check_can_sign(official, dossier)
    return result_pdf(
        dossier=dossier,
        number="…",
        code="",
        verify_url="",
        issued_at=now(),
        signer_name=official.full_name,
        signer_title=_clean_title(signer_title, signer_title_default(dossier.competent_agency)),
        preview=True,
    )


@transaction.atomic
def result_sign(
    *, official: Any, dossier: Dossier, signer_title: str = "", ip: str | None = None
) -> ResultDocument:
    """The signer signs the dossier's electronic result with the competent agency's key: it gets a
    number and a verification code, is kept with the hash of the exact bytes issued, goes into the
    holder's document store, and the dossier moves to "result ready". A second click while the
    first is signing finds the dossier signed and gets the same result."""
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version", "competent_agency")
        .get(pk=dossier.pk)
    )
    existing = ResultDocument.objects.filter(dossier=locked).first()
    if existing is not None:  # the second click of the same signer (or a colleague) gets the first
        transition_authorize(official, TRANSITIONS["sign"], locked)
        return existing
    _check_can_sign(official, locked)
    agency = locked.competent_agency
    definition = locked.procedure_version.data["result"]
    template = template_for(definition.get("template", ""))
    at = now()
    code = _code()
    number = _number_next(agency=agency, year=to_local(at).year, suffix=template.get("number_suffix", ""))
    title = _clean_title(signer_title, signer_title_default(agency))
    unsigned = result_pdf(
        dossier=locked,
        number=number,
        code=code,
        verify_url=verify_url(code),
        issued_at=at,
        signer_name=official.full_name,
        signer_title=title,
    )
    signer = signing.signer_for(agency)
    signed = signing.pdf_sign(
        unsigned,
        signer=signer,
        signer_name=official.full_name,
        reason=f"Ký kết quả {number}",
        location=agency.name,
    )
    result = ResultDocument(
        dossier=locked,
        code=code,
        number=number,
        template=definition.get("template", ""),
        kind=definition.get("document_store_kind", "") or definition.get("template", ""),
        title=definition["name"]["vi"][:200],
        title_en=definition["name"].get("en", "")[:200],
        agency=agency,
        holder_name=locked.applicant_name,
        holder_personal_id=locked.applicant_personal_id,
        holder_enterprise_code=locked.applicant_enterprise_code,
        issued_at=at,
        signer=official,
        signer_name=official.full_name[:150],
        signer_title=title,
        size=len(signed),
        sha256=hashlib.sha256(signed).hexdigest(),
        certificate_fingerprint=signing.certificate_fingerprint(signer.signing_cert),
        certificate_subject=signing.certificate_subject(signer.signing_cert),
    )
    result.pdf.save("result.pdf", ContentFile(signed), save=False)
    try:
        with transaction.atomic():
            result.save()
        dossier_transition(
            actor=official,
            dossier=locked,
            action="sign",
            data={"result": {"code": code, "number": number, "sha256": result.sha256}},
            ip=ip,
        )
        audit_record(
            actor=official,
            action="result.sign",
            object_type="result",
            object_id=result.pk,
            ip=ip,
            payload={
                "code": code,
                "number": number,
                "dossier": locked.code,
                "sha256": result.sha256,
                "certificate": result.certificate_fingerprint,
            },
        )
        # Last, once nothing else can fail: a store outside this database cannot be rolled back.
        result.stored_document_id = _to_document_store(result, signed)
        result.save(update_fields=["stored_document_id"])
    except BaseException:
        result.pdf.delete(save=False)  # nothing of a result that was not issued stays on disk
        raise
    return result


def _store_data(result: ResultDocument) -> dict[str, Any]:
    dossier = result.dossier
    return {
        "title": result.title,
        "result_code": result.code,
        "verify_url": verify_url(result.code),
        "sha256": result.sha256,
        "dossier_code": dossier.code,
        "procedure": dossier.procedure_code,
        "source": "e_result",
        "fields": {k: v for k, v in dossier.data.items() if not k.startswith("_") and k != "documents"},
    }


def _to_document_store(result: ResultDocument, content: bytes) -> str:
    """Put the signed result in the holder's document store; "" when the store cannot take it now
    (the result is issued all the same and ``result_store_retry`` puts it there later)."""
    from motcua.registries.adapters import document_store
    from motcua.registries.adapters.base import RegistryUnavailable

    if not (result.holder_personal_id or result.holder_enterprise_code):
        return ""
    try:
        item = document_store().put(
            personal_id=result.holder_personal_id if not result.holder_enterprise_code else "",
            enterprise_code=result.holder_enterprise_code,
            kind=result.kind,
            number=result.number,
            issuer=result.agency.name,
            issued_on=to_local(result.issued_at).date(),
            data=_store_data(result),
            content=content,
            file_name=f"{result.kind}-{result.code}.pdf",
        )
    except RegistryUnavailable:
        log.warning("document store unavailable; result %s waits to be stored", result.code)
        return ""
    return str(item.get("id", ""))[:40]


def result_store_retry() -> int:
    """Put the results the document store could not take when they were signed; returns how many."""
    stored = 0
    for result in ResultDocument.objects.filter(stored_document_id="").exclude(
        holder_personal_id="", holder_enterprise_code=""
    ):
        with result.pdf.open("rb") as handle:
            item_id = _to_document_store(result, handle.read())
        if item_id:
            ResultDocument.objects.filter(pk=result.pk, stored_document_id="").update(
                stored_document_id=item_id
            )
            stored += 1
    return stored


# --- the certified paper print at a counter ------------------------------------------------------

MAX_COPIES = 5


def result_print(
    *, official: Any, result: ResultDocument, copies: int = 1, deliver: bool = False, ip: str | None = None
) -> tuple[bytes, ResultPrint]:
    """A paper copy of the signed result on request: its pages with a "certified print" note (what,
    where, when, who printed it, how to check it), recorded; with ``deliver``, the result is handed
    over at the counter as well (one transaction)."""
    if not 1 <= copies <= MAX_COPIES:
        raise ValidationError(
            f"Số bản in từ 1 đến {MAX_COPIES}.",
            f"Print between 1 and {MAX_COPIES} copies.",
            code="copies",
            field="copies",
        )
    dossier = result.dossier
    transition_authorize(official, TRANSITIONS["deliver"], dossier)
    agency = _printing_agency(official, dossier)
    at = now()
    with result.pdf.open("rb") as handle:
        signed = handle.read()
    printed = _certified_print(signed, result=result, agency=agency, official=official, at=at, copies=copies)
    with transaction.atomic():
        record = ResultPrint.objects.create(
            result=result, printed_by=official, agency=agency, at=at, copies=copies
        )
        audit_record(
            actor=official,
            action="result.print",
            object_type="result",
            object_id=result.pk,
            ip=ip,
            payload={"code": result.code, "copies": copies, "agency": agency.electronic_id},
        )
        if deliver and dossier.status == Status.RESULT_READY:
            dossier_transition(
                actor=official,
                dossier=dossier,
                action="deliver",
                data={"method": "counter", "paper_copies": copies},
                ip=ip,
            )
    return printed, record


def _printing_agency(official: Any, dossier: Dossier) -> Agency:
    from motcua.accounts.selectors import agencies_granting
    from motcua.core.time import today

    mine = agencies_granting(official, "dossier.deliver", on=today())
    for agency_id in (dossier.receiving_agency_id, dossier.current_agency_id, dossier.competent_agency_id):
        if agency_id in mine:
            return Agency.objects.get(pk=agency_id)
    raise NotFound("Không tìm thấy quầy của bạn.", "Your counter was not found.", code="agency")


def _certified_print(
    signed: bytes, *, result: ResultDocument, agency: Agency, official: Any, at: datetime, copies: int
) -> bytes:
    """The signed result's pages, each with the certified-print note at its foot, ``copies`` times."""
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    from motcua.results.values import FONTS

    reader = PdfReader(io.BytesIO(signed))
    note = (
        f"BẢN IN TỪ KẾT QUẢ ĐIỆN TỬ ĐÃ KÝ SỐ · Số {result.number} · Mã xác minh {result.code} · "
        f"in lúc {to_local(at):%H:%M %d/%m/%Y} tại {agency.name}, người in: {official.full_name} · "
        f"Kiểm tra tại {verify_url(result.code)}"
    )
    stamped = PdfWriter()
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        stamp = FPDF(unit="pt", format=(width, height))
        stamp.add_font("Roboto", "I", str(FONTS / "Roboto-Italic.ttf"))
        stamp.set_auto_page_break(False)
        stamp.add_page()
        stamp.set_font("Roboto", "I", 7)
        stamp.set_xy(36, height - 30)
        stamp.multi_cell(width - 72, 9, note, border="T", align="C")
        stamped.add_page(page).merge_page(PdfReader(io.BytesIO(bytes(stamp.output()))).pages[0])
    one = io.BytesIO()
    stamped.write(one)
    writer = PdfWriter()
    for _ in range(copies):  # each copy its own pages, the note once on each
        writer.append(PdfReader(io.BytesIO(one.getvalue())))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signing_demo_ensure() -> int:
    """For ``make demo``: the demo CA, and a signing certificate for every agency where someone holds
    the signer's role and for the people's committee of each such agency's commune (the agency
    that decides commune-level dossiers). Returns how many certificates were made."""
    from pathlib import Path

    from motcua.accounts.models import Membership

    if settings.SIGNING_KEYS:  # real keys are configured: no demo certificates beside them
        return 0
    signing.demo_ca_ensure()
    agencies = {
        m.agency
        for m in Membership.objects.filter(valid_to__isnull=True).select_related("agency", "role")
        if "dossier.sign" in (m.role.permissions or [])
    }
    units = {a.unit_id for a in agencies if a.unit_id}
    agencies |= set(
        Agency.objects.filter(
            unit_id__in=units, kind=Agency.Kind.COMMUNE_PEOPLES_COMMITTEE, valid_to__isnull=True
        )
    )
    made = 0
    for agency in sorted(agencies, key=lambda a: a.electronic_id):
        if not (Path(settings.SIGNING_DIR) / f"{signing.safe_name(agency.electronic_id)}.p12").exists():
            signing.demo_certificate_issue(electronic_id=agency.electronic_id, name=agency.name)
            made += 1
    return made
