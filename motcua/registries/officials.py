"""What officials do with registry data: read it only through a dossier they are authorised for, and
work the exception queue of applicants the registry cannot confirm."""

from __future__ import annotations

from typing import Any, Protocol

from django.db import transaction
from django.db.models import Q, QuerySet

from motcua.accounts.permissions import DossierAccess, authorize
from motcua.accounts.selectors import agencies_granting
from motcua.audit.services import audit_record
from motcua.core.errors import Conflict, PermissionDenied, ValidationError
from motcua.core.time import now, today
from motcua.places.models import Agency
from motcua.registries.adapters import population_registry
from motcua.registries.models import DataAccess, VerificationCase

RELATIVES = ("father", "mother", "spouse", "children", "household")


class DossierPeople(DossierAccess, Protocol):
    code: str
    registry_subjects: set[str]  # the personal identification numbers the dossier is about


class SubmittedDossier(Protocol):
    """What a verification case needs to know of the dossier that takes it over (dossiers' model)."""

    pk: int
    code: str | None
    reference: str
    applicant_id: int | None
    procedure_code: str
    competent_agency: Agency
    current_agency: Agency | None


def registry_read_for_dossier(*, official: Any, dossier: DossierPeople, personal_id: str) -> dict | None:
    """An official reads the registry record of one of a dossier's people; logged in that person's
    access log with the dossier as purpose. Nobody else's record, and no dossier, no read."""
    authorize(official, "registry.read", dossier)
    if personal_id not in dossier.registry_subjects:
        raise PermissionDenied(
            "Người này không có trong hồ sơ nên bạn không được xem dữ liệu của họ.",
            "This person is not part of the dossier, so you may not read their data.",
            code="not_in_dossier",
        )
    registry = population_registry()
    record = registry.lookup(personal_id)
    if record is not None:
        # The person's own record only: a relative is read as one of the dossier's people, or not at all.
        record = {k: v for k, v in record.items() if k not in RELATIVES}
        DataAccess.objects.create(
            personal_id=personal_id,
            attributes=sorted(k for k, v in record.items() if v not in (None, "", [], {})),
            source=registry.code,
            accessor_kind=DataAccess.Accessor.OFFICIAL,
            accessor=official,
            purpose=f"Xử lý hồ sơ {dossier.code}"[:200],
        )
    return record


def _resolving_agencies(official: Any) -> set[int]:
    return agencies_granting(official, "registry.resolve_exception", on=today())


def verification_queue(official: Any) -> QuerySet[VerificationCase]:
    """Cases for the official's agencies (and the centres handling their dossiers); cases not yet
    tied to a dossier's competent agency wait at the province's public administration centre."""
    agencies = _resolving_agencies(official)
    scope = (
        Q(agency_id__in=agencies)
        | Q(agency__parent_id__in=agencies)  # as authorize: and the agencies below
        | Q(handling_agency_id__in=agencies)
    )
    if Agency.objects.filter(pk__in=agencies, kind=Agency.Kind.PROVINCIAL_SERVICE_CENTRE).exists():
        scope |= Q(agency__isnull=True)
    return VerificationCase.objects.filter(scope).select_related(
        "applicant", "resolved_by", "agency", "handling_agency"
    )


def _case_agency(official: Any, case: VerificationCase) -> Agency:
    if case.handling_agency_id is not None and case.handling_agency_id in _resolving_agencies(official):
        return case.handling_agency
    if case.agency_id is not None:
        return case.agency
    centre = Agency.objects.filter(
        pk__in=_resolving_agencies(official), kind=Agency.Kind.PROVINCIAL_SERVICE_CENTRE
    ).first()
    if centre is None:
        raise PermissionDenied(
            "Hồ sơ này do Trung tâm Phục vụ hành chính công cấp tỉnh xác minh.",
            "This case is handled by the province's public administration centre.",
            code="not_your_case",
        )
    return centre


@transaction.atomic
def verification_case_resolve(
    *,
    official: Any,
    case: VerificationCase,
    verified: bool,
    checked_document: str = "",
    note: str = "",
    ip: str | None = None,
) -> VerificationCase:
    """Record the outcome of checking an applicant's papers; the applicant is told in their inbox."""
    from motcua.notifications.services import message_send

    case = VerificationCase.objects.select_for_update().get(pk=case.pk)
    authorize(official, "registry.resolve_exception", _case_agency(official, case))
    if case.status != VerificationCase.Status.OPEN:
        raise Conflict(
            "Trường hợp này đã được xử lý.", "This case has already been resolved.", code="already_resolved"
        )
    checked_document, note = " ".join(checked_document.split()), " ".join(note.split())
    if verified and not checked_document:
        raise ValidationError(
            "Hãy ghi giấy tờ đã kiểm tra (loại, số, nơi cấp).",
            "Write which papers you checked (kind, number, issuer).",
            code="document_required",
            field="checked_document",
        )
    if not verified and not note:
        raise ValidationError(
            "Hãy ghi lý do không xác minh được, để người dân biết cần bổ sung gì.",
            "Write why it could not be verified, so the applicant knows what to bring.",
            code="reason_required",
            field="note",
        )
    case.status = VerificationCase.Status.VERIFIED if verified else VerificationCase.Status.NOT_VERIFIED
    case.resolved_by, case.resolved_at = official, now()
    case.checked_document, case.note = checked_document[:200], note[:500]
    case.save()
    audit_record(
        actor=official,
        action="registry.verification_resolved",
        object_type="verification_case",
        object_id=case.pk,
        ip=ip,
        payload={"status": case.status, "procedure": case.procedure_code, "reason": case.reason},
    )
    message_send(
        channel="in_app",
        to=case.personal_id or str(case.applicant_id),
        user=case.applicant,
        template="verification_resolved",
        context={"case": case, "verified": verified},
    )
    return case


@transaction.atomic
def verification_case_move_to_dossier(
    *, dossier: SubmittedDossier, actor: Any, ip: str | None = None
) -> VerificationCase | None:
    """When the applicant's dossier is submitted (or received at a counter for their checked
    identity), their open case for its procedure leaves the province's centre for the dossier's
    competent agency, and the centre handling the dossier for it, tied to the dossier (decision
    0007: the case waits at the province only until a dossier names the agency that relies on it).
    Audited. A case already tied to a dossier stays with it; None when there is nothing to move."""
    if dossier.applicant_id is None:
        return None
    case = (
        VerificationCase.objects.select_for_update()
        .filter(
            applicant_id=dossier.applicant_id,
            procedure_code=dossier.procedure_code,
            status=VerificationCase.Status.OPEN,
            dossier_id__isnull=True,
        )
        .first()
    )
    if case is None:
        return None
    before = case.agency
    case.agency, case.handling_agency = dossier.competent_agency, dossier.current_agency
    case.dossier_id, case.dossier_code = dossier.pk, (dossier.code or dossier.reference)[:40]
    case.moved_at = now()
    case.save(update_fields=["agency", "handling_agency", "dossier_id", "dossier_code", "moved_at"])
    audit_record(
        actor=actor,
        action="registry.verification_moved",
        object_type="verification_case",
        object_id=case.pk,
        ip=ip,
        payload={
            "from": before.electronic_id if before else "province_centre",
            "to": case.agency.electronic_id,
            "handled_by": case.handling_agency.electronic_id if case.handling_agency else None,
            "dossier": case.dossier_code,
            "procedure": case.procedure_code,
        },
    )
    return case


@transaction.atomic
def verification_case_release(
    *, dossier_id: int, actor: Any, ip: str | None = None
) -> VerificationCase | None:
    """A dossier that ends without a result (refused, stopped, withdrawn) lets its open case go: back
    to the province's centre, untied, so the applicant's next dossier takes it to the agency that
    decides that one — and the first commune's officials no longer hold the person's data. Audited."""
    case = (
        VerificationCase.objects.select_for_update()
        .filter(dossier_id=dossier_id, status=VerificationCase.Status.OPEN)
        .first()
    )
    if case is None:
        return None
    before, code = case.agency, case.dossier_code
    case.agency = case.handling_agency = None
    case.dossier_id, case.dossier_code, case.moved_at = None, "", None
    case.save(update_fields=["agency", "handling_agency", "dossier_id", "dossier_code", "moved_at"])
    audit_record(
        actor=actor,
        action="registry.verification_released",
        object_type="verification_case",
        object_id=case.pk,
        ip=ip,
        payload={"from": before.electronic_id if before else None, "dossier": code},
    )
    return case
