"""Assisted mode: a counter official serves a citizen who is present, after checking their identity."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from motcua.accounts.identity import validate_personal_id
from motcua.accounts.models import AssistedSession, User
from motcua.accounts.permissions import authorize
from motcua.audit.services import audit_record
from motcua.core.errors import ValidationError
from motcua.core.time import now
from motcua.places.models import Agency


@transaction.atomic
def assisted_session_start(
    *,
    official: Any,
    agency: Agency,
    personal_id: str,
    full_name: str,
    date_of_birth: date,
    document_kind: str,
    document_number: str,
    ip: str | None = None,
) -> AssistedSession:
    """Record that ``official`` checked the identity of a citizen in front of them (as the counter and
    community digital teams do) and now acts for them. Only a receiver of that counter may. Audited."""
    authorize(official, "dossier.start_assisted", agency)
    validate_personal_id(personal_id, date_of_birth=date_of_birth)
    if not full_name.strip():
        raise ValidationError(
            "Hãy nhập họ và tên của công dân.",
            "Enter the citizen's full name.",
            code="name_required",
            field="full_name",
        )
    if document_kind not in AssistedSession.Document.values:
        raise ValidationError(
            "Hãy chọn giấy tờ đã kiểm tra.",
            "Choose the document you checked.",
            code="document_kind",
            field="document_kind",
        )
    if not document_number.strip() and document_kind != AssistedSession.Document.VNEID:
        raise ValidationError(
            "Hãy nhập số giấy tờ đã kiểm tra.",
            "Enter the number of the document you checked.",
            code="document_number",
            field="document_number",
        )
    AssistedSession.objects.filter(official=official, ended_at__isnull=True).update(ended_at=now())
    session = AssistedSession.objects.create(
        official=official,
        agency=agency,
        citizen=User.objects.filter(personal_id=personal_id).first(),
        personal_id=personal_id,
        full_name=" ".join(full_name.split())[:150],
        date_of_birth=date_of_birth,
        document_kind=document_kind,
        document_number=document_number.strip()[:30],
    )
    audit_record(
        actor=official,
        action="assisted.start",
        object_type="assisted_session",
        object_id=session.pk,
        ip=ip,
        payload={
            "agency": agency.electronic_id,
            "document": document_kind,
            "personal_id": f"{personal_id[:3]}******{personal_id[-3:]}",
        },
    )
    return session


@transaction.atomic
def assisted_session_end(
    *, official: Any, session: AssistedSession, ip: str | None = None
) -> AssistedSession:
    if session.official_id != official.pk:
        authorize(official, "accounts.manage")
    if session.ended_at is None:
        session.ended_at = now()
        session.save(update_fields=["ended_at"])
        audit_record(
            actor=official, action="assisted.end", object_type="assisted_session", object_id=session.pk, ip=ip
        )
    return session
