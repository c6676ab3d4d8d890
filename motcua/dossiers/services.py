"""Every change to a dossier (DESIGN.md "The dossier state machine").

Each transition is one transaction: authorisation, state change, the event (a row of the control
slip), deadline bookkeeping, the audit record, the applicant's notice and the ``dossier_event``
signal upper apps listen to. Nothing else changes a dossier's state.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import Signal

from motcua.accounts.permissions import authorize
from motcua.audit.services import audit_record
from motcua.core.errors import Conflict, ValidationError
from motcua.core.time import now, to_local
from motcua.dossiers.clock import pause, start_clock
from motcua.dossiers.codes import dossier_code_next
from motcua.dossiers.completeness import check_complete
from motcua.dossiers.handlers import HANDLERS
from motcua.dossiers.models import (
    Channel,
    Dossier,
    DossierEvent,
    DossierFile,
    Status,
)
from motcua.dossiers.selectors import competent_agencies_for, province_of
from motcua.dossiers.states import TRANSITIONS, transition_authorize
from motcua.dossiers.steps import (
    step_open_first,
)
from motcua.places.models import AdministrativeUnit, Agency
from motcua.registries.officials import verification_case_move_to_dossier, verification_case_release

# Sent inside the transaction of every transition: dossier, event. Receivers write with it.
dossier_event = Signal()

NOTICES = {  # action → the notification template telling the applicant
    "submit": "dossier_submitted",
    "receive": "dossier_received",
    "request_supplement": "dossier_supplement_requested",
    "refuse": "dossier_refused",
    "apologise": "dossier_apology",
    "sign": "dossier_result_ready",
    "deliver": "dossier_delivered",
    "confirm_withdrawal": "dossier_stopped",
    "stop": "dossier_stopped",
}


def _reference() -> str:
    """An online submission's reference until reception gives it its code (decision 0008)."""
    return f"TN-{secrets.token_hex(6).upper()}"


# --- creating dossiers ------------------------------------------------------------------------


@transaction.atomic
def dossier_submit_online(
    *,
    applicant: Any,
    version: Any,
    case_key: str,
    data: dict[str, Any],
    documents: dict[str, Any],
    unit: AdministrativeUnit,
    submission_key: str,
    provenance: dict[str, Any] | None = None,
    enterprise_code: str = "",
    receiving_agency: Agency | None = None,
) -> Dossier:
    """An applicant submits online (status 1), to be received at ``receiving_agency`` (any centre
    of the province, boundaries do not matter; by default the deciding commune's centre). A second
    call with the same ``submission_key`` (a double click, a retried request) returns the first
    dossier instead of making another."""
    if not submission_key or len(submission_key) > 64:
        raise ValidationError("Thiếu mã lần nộp.", "The submission key is missing.", code="submission_key")
    existing = Dossier.objects.filter(applicant=applicant, submission_key=submission_key).first()
    if existing is not None:
        return existing
    check_complete(version, case_key, data, documents)
    competent, current = competent_agencies_for(version, unit)
    at = now()
    dossier = Dossier(
        reference=_reference(),
        procedure_version=version,
        procedure_code=version.code,
        case_key=case_key,
        channel=Channel.ONLINE,
        applicant=applicant,
        applicant_enterprise_code=enterprise_code,
        applicant_name=getattr(applicant, "full_name", "")[:150],
        applicant_personal_id=getattr(applicant, "personal_id", "") or "",
        applicant_phone=getattr(applicant, "phone", "") or "",
        receiving_agency=_receiving_centre(receiving_agency, current),
        competent_agency=competent,
        current_agency=current,
        status=Status.SUBMITTED,
        data={**data, "documents": documents},
        provenance=provenance or {},
        submitted_at=at,
        submission_key=submission_key,
    )
    authorize(applicant, "dossier.submit", dossier)
    try:
        with transaction.atomic():
            dossier.save()
    except IntegrityError:  # the same submission, racing: the first one wins
        return Dossier.objects.get(applicant=applicant, submission_key=submission_key)
    _record(dossier, "submit", actor=applicant, at=at, from_status=None, to_agency=current)
    verification_case_move_to_dossier(dossier=dossier, actor=applicant)
    return dossier


@transaction.atomic
def dossier_receive_at_counter(
    *,
    official: Any,
    agency: Agency,
    version: Any,
    case_key: str,
    applicant_name: str,
    applicant_personal_id: str,
    data: dict[str, Any],
    documents: dict[str, Any],
    unit: AdministrativeUnit,
    applicant: Any = None,
    phone: str = "",
    submission_key: str = "",
) -> Dossier:
    """A receiver at any centre receives a dossier handed in at the counter (status 2 at once). The
    form's ``submission_key`` makes a double click land on the first dossier.

    Each paper is satisfied by the receiver's tick (checked against the original) in ``documents``
    or by the scans they sent with this form (``drafts.counter_scan_upload``), which the dossier
    takes over here."""
    authorize(official, "dossier.start_assisted", agency)
    submission_key = submission_key[:64]
    if submission_key:
        done = Dossier.objects.filter(
            receiving_agency=agency, submission_key=submission_key, channel=Channel.COUNTER
        ).first()
        if done is not None:
            return done
    scans = (
        list(
            DossierFile.objects.filter(
                uploaded_by=official, counter_submission_key=submission_key, dossier__isnull=True
            ).order_by("pk")
        )
        if submission_key
        else []
    )
    documents = {key: dict(value) for key, value in documents.items()}
    for scan in scans:
        documents.setdefault(scan.document_key, {}).setdefault("files", []).append(scan.pk)
    if not version.data.get("boundary_free") and agency.kind == Agency.Kind.COMMUNE_SERVICE_CENTRE:
        competent_unit = unit
        if agency.unit_id != competent_unit.pk and version.data["competent_level"] == "commune":
            raise ValidationError(
                "Thủ tục này chỉ tiếp nhận tại Trung tâm của xã, phường có thẩm quyền.",
                "This procedure is received only at the centre of the competent commune.",
                code="not_boundary_free",
            )
    check_complete(
        version,
        case_key,
        data,
        documents,
        hint=("Hãy hướng dẫn bổ sung một lần.", "Guide the applicant once."),
    )
    competent, current = competent_agencies_for(version, unit)
    at = now()
    dossier = Dossier(
        reference=_reference(),
        procedure_version=version,
        procedure_code=version.code,
        case_key=case_key,
        channel=Channel.COUNTER,
        applicant=applicant,
        applicant_name=" ".join(applicant_name.split())[:150],
        applicant_personal_id=applicant_personal_id,
        applicant_phone=phone,
        receiving_agency=agency,
        competent_agency=competent,
        current_agency=current,
        status=Status.RECEIVED,
        data={**data, "documents": documents},
        submitted_at=at,
        submission_key=submission_key,
    )
    start_clock(dossier, at=at)
    step_open_first(dossier, at=at)
    try:
        with transaction.atomic():  # the code and the dossier together: a lost race takes no number
            dossier.code = dossier_code_next(agency=agency, day=to_local(at).date())
            dossier.save()
    except IntegrityError:  # the same form, sent twice at once: the first one wins
        if not submission_key:
            raise
        return Dossier.objects.get(
            receiving_agency=agency, submission_key=submission_key, channel=Channel.COUNTER
        )
    DossierFile.objects.filter(pk__in=[scan.pk for scan in scans]).update(dossier=dossier)
    _record(
        dossier,
        "receive",
        actor=official,
        at=at,
        from_status=None,
        to_agency=current,
        payload={
            "checked": sorted(key for key, value in documents.items() if value.get("paper")),
            "scans": [
                {"document": scan.document_key, "pages": scan.pages, "sha256": scan.sha256} for scan in scans
            ],
        },
    )
    verification_case_move_to_dossier(dossier=dossier, actor=official)
    return dossier


def _receiving_centre(chosen: Agency | None, default: Agency) -> Agency:
    if chosen is None:
        return default
    wrong_province = province_of(chosen.unit) != province_of(default.unit)
    if chosen.kind not in Agency.RECEPTION_KINDS or chosen.valid_to is not None or wrong_province:
        raise ValidationError(
            "Hãy chọn một Trung tâm Phục vụ hành chính công để tiếp nhận hồ sơ.",
            "Choose a public administration service centre to receive the dossier.",
            code="receiving_agency",
            field="receiving_agency",
        )
    return chosen


# --- transitions ------------------------------------------------------------------------------


@transaction.atomic
def dossier_transition(
    *,
    actor: Any,
    dossier: Dossier,
    action: str,
    note: str = "",
    to_person: Any = None,
    to_agency: Agency | None = None,
    new_due_at: datetime | None = None,
    items: list[dict[str, str]] | None = None,
    data: dict[str, Any] | None = None,
    ip: str | None = None,
) -> Dossier:
    """Apply ``action`` to ``dossier`` as ``actor``: the one way a dossier changes state."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValueError(f"unknown action {action!r}")
    # With the steps and the calendar's province (which every clock computation needs); only the
    # dossier's row is locked. Joining the other agencies and the applicant too cost PostgreSQL
    # more in planning an eight-table join than the reads it saved (bench/profile_transitions.py).
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version", "competent_agency__unit__parent")
        .get(pk=dossier.pk)
    )
    transition_authorize(actor, transition, dossier)
    if not transition.applies_to(dossier):
        raise Conflict(
            f"Không thể “{transition.vi}” khi hồ sơ đang ở trạng thái “{Status(dossier.status).label}”.",
            f"Cannot {transition.en.lower()} while the dossier is “{Status(dossier.status).label}”.",
            code="illegal_transition",
        )
    at = now()
    from_status, from_stage = dossier.status, dossier.stage
    from_agency = dossier.current_agency  # before a hand-over moves it
    payload: dict[str, Any] = {}
    handler = HANDLERS.get(action)
    if handler is not None:
        payload = (
            handler(
                dossier,
                at=at,
                actor=actor,
                note=note,
                to_person=to_person,
                to_agency=to_agency,
                new_due_at=new_due_at,
                items=items,
                data=data,
            )
            or {}
        )
    if transition.to_status is not None:
        dossier.status = transition.to_status
    if transition.to_stage is not None:
        dossier.stage = transition.to_stage
    if dossier.status in (Status.SUPPLEMENT, Status.FEES):
        pause(dossier, at=at)
    if dossier.status in (Status.REFUSED, Status.STOPPED, Status.DELIVERED):
        dossier.finished_at = dossier.finished_at or at
    dossier.save()
    if dossier.status in (Status.REFUSED, Status.STOPPED):  # no result: the case waits for the next dossier
        verification_case_release(dossier_id=dossier.pk, actor=actor, ip=ip)
    _record(
        dossier,
        action,
        actor=actor,
        at=at,
        from_status=from_status,
        from_stage=from_stage,
        from_agency=from_agency,
        to_agency=to_agency or dossier.current_agency,
        to_person=to_person,
        note=note,
        payload=payload,
        ip=ip,
    )
    return dossier


# --- the event, audit, notice -----------------------------------------------------------------


def _record(
    dossier: Dossier,
    action: str,
    *,
    actor: Any,
    at: datetime,
    from_status: int | None,
    from_stage: str = "",
    from_agency: Agency | None = None,
    to_agency: Agency | None = None,
    to_person: Any = None,
    note: str = "",
    payload: dict | None = None,
    ip: str | None = None,
) -> DossierEvent:
    event = DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        from_stage=from_stage,
        to_stage=dossier.stage,
        step_key=dossier.step_key,
        actor=actor if getattr(actor, "pk", None) else None,
        from_agency=(from_agency or dossier.current_agency) if action != "submit" else None,
        to_agency=to_agency,
        to_person=to_person,
        at=at,
        step_due_at=dossier.step_due_at,
        note=note[:2000],
        payload=payload or {},
    )
    _notify(dossier, action, event)
    # The audit chain's head stays locked until the transaction commits and every writer waits for
    # it: the notice's rows are written before it is taken.
    audit_record(
        actor=actor,
        action=f"dossier.{action}",
        object_type="dossier",
        object_id=dossier.pk,
        ip=ip,
        payload={"code": dossier.code or dossier.reference, "from": from_status, "to": dossier.status},
    )
    dossier_event.send(sender=Dossier, dossier=dossier, event=event)
    return event


def _notify(dossier: Dossier, action: str, event: DossierEvent) -> None:
    """The applicant's notice, written and enqueued in the transition's transaction: in the app, by
    e-mail and by text message, the same words on every channel (rendered once)."""
    from motcua.notifications.services import message_send_many

    template = NOTICES.get(action)
    if template is None:
        return
    context = {
        "code": dossier.code or dossier.reference,
        "procedure": dossier.procedure_version.name_vi,
        "due": to_local(dossier.current_due_at).strftime("%H:%M %d/%m/%Y") if dossier.current_due_at else "",
        "note": event.note,
        "items": event.payload.get("missing", []),
    }
    applicant = dossier.applicant if dossier.applicant_id is not None else None
    recipients: list[tuple[str, str]] = []
    if applicant is not None:
        recipients.append(("in_app", dossier.applicant_personal_id or str(dossier.applicant_id)))
        if email := getattr(applicant, "email", "") or "":
            recipients.append(("email", email))
    if dossier.applicant_phone:  # also how one handed in at a counter without an e-ID account is told
        recipients.append(("sms", dossier.applicant_phone))
    if recipients:
        message_send_many(recipients=recipients, user=applicant, template=template, context=context)


# --- components of the dossier ------------------------------------------------------------------


@transaction.atomic
def dossier_component_digitised(*, dossier: Dossier, document_key: str, pages: int, text: bool) -> Dossier:
    """Mark one paper of the dossier as digitised at the counter (the results app made it one PDF,
    with a text layer when ``text``): an input of the service index's digitisation group. Not a
    transition — the status does not change and no event is written."""
    locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    if document_key not in {d["key"] for d in locked.procedure_version.data["documents"]} | {"supplement"}:
        raise ValidationError(
            "Thủ tục không có giấy tờ này.", "The procedure has no such document.", code="document"
        )
    documents = dict(locked.data.get("documents") or {})
    component = dict(documents.get(document_key) or {})
    component["digitised"] = {"pages": int(pages), "text": bool(text), "at": now().isoformat()}
    documents[document_key] = component
    locked.data = {**locked.data, "documents": documents}
    locked.save(update_fields=["data", "updated_at"])
    return locked
