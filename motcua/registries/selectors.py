"""Reads of the local registries used outside the registry adapters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from motcua.core.time import today
from motcua.registries.models import Person


def registry_person_for_sign_in(personal_id: str) -> dict[str, Any] | None:
    """The development identity provider's people are the synthetic population: a living person of
    at least 14 (old enough for a level-2 e-ID) with their identity details, or None."""
    person = Person.objects.filter(
        personal_id=personal_id,
        date_of_death__isnull=True,
        date_of_birth__lte=today() - timedelta(days=14 * 365),
    ).first()
    if person is None:
        return None
    return {
        "personal_id": person.personal_id,
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth,
        "sex": person.sex,
        "email": person.email,
        "phone": person.phone,
    }


def registry_is_empty() -> bool:
    return not Person.objects.exists()


def data_access_list_for_person(*, personal_id: str, limit: int = 200):
    """Who read this person's registry data, newest first (their "who accessed my data" page)."""
    from motcua.registries.models import DataAccess

    return DataAccess.objects.filter(personal_id=personal_id).select_related("accessor")[:limit]


def registry_sample_adults(*, count: int = 2) -> list[tuple[str, str]]:
    """A few living adults with both parents on record: good demo sign-ins, the form fills fully."""
    rows = (
        Person.objects.filter(
            date_of_death__isnull=True, date_of_birth__lte=today() - timedelta(days=18 * 365)
        )
        .exclude(mother_personal_id="")
        .order_by("personal_id")
        .values_list("personal_id", "full_name")
    )
    return list(rows[:count])


def is_legal_representative(personal_id: str, enterprise_code: str) -> bool:
    """Whether the business registry names this person legal representative of this active business.

    accounts.authorize asks this (through settings.ACCOUNTS_LEGAL_REPRESENTATIVE_CHECK) to let a
    representative act for the business. The answer is cached for a few minutes, since one page may
    check many dossiers; a registry that cannot answer grants nothing (a recorded authorisation still
    works).
    """
    from django.core.cache import cache

    from motcua.registries.adapters import business_registry
    from motcua.registries.adapters.base import RegistryUnavailable

    if not personal_id or not enterprise_code:
        return False
    key = f"registries:representatives:{enterprise_code}"
    representatives = cache.get(key)
    if representatives is None:
        try:
            record = business_registry().lookup(enterprise_code)
        except RegistryUnavailable:
            return False
        active = record is not None and record.get("status", "active") == "active"
        representatives = list(record.get("legal_representatives") or []) if active and record else []
        cache.set(key, representatives, 300)
    return personal_id in representatives


def businesses_for(user: Any) -> tuple[list[dict[str, Any]], bool]:
    """The businesses ``user`` may act for — named legal representative by the business registry, or
    authorised by a recorded authorisation — each as the registry describes it; and whether the
    registry answered."""
    from motcua.accounts.selectors import enterprise_authorisations_for
    from motcua.registries.adapters import business_registry
    from motcua.registries.adapters.base import RegistryUnavailable

    registry, answered = business_registry(), True
    found: dict[str, dict[str, Any]] = {}
    if getattr(user, "personal_id", ""):
        try:
            found = {
                b["enterprise_code"]: {**b, "basis": "representative"}
                for b in registry.represented_by(user.personal_id)
                if b.get("enterprise_code")
            }
        except RegistryUnavailable:
            answered = False
    for authorisation in enterprise_authorisations_for(user, on=today()):
        code = authorisation.enterprise_code
        if code in found:
            continue
        record: dict[str, Any] | None = None
        if answered:
            try:
                record = registry.lookup(code)
            except RegistryUnavailable:
                answered = False
        found[code] = {
            **(record or {"enterprise_code": code, "name": ""}),
            "basis": "authorisation",
            "authorisation": authorisation,
        }
    return sorted(found.values(), key=lambda b: (b.get("name") or "", b["enterprise_code"])), answered


def registry_sample_born_abroad() -> tuple[str, str] | None:
    """A living adult born abroad: signing in as them shows the exception queue at work."""
    row = (
        Person.objects.filter(
            born_abroad=True,
            date_of_death__isnull=True,
            date_of_birth__lte=today() - timedelta(days=18 * 365),
        )
        .order_by("personal_id")
        .values_list("personal_id", "full_name")
        .first()
    )
    return (row[0], row[1]) if row else None


def prefill_of(*, applicant: Any, procedure_code: str, enterprise_code: str = ""):
    """What the registries filled in for this applicant and procedure, if they consented."""
    from motcua.registries.models import Prefill

    return (
        Prefill.objects.filter(
            applicant=applicant, procedure_code=procedure_code, enterprise_code=enterprise_code
        )
        .prefetch_related("reused_documents")
        .first()
    )


def stored_documents_of(user: Any) -> tuple[list[dict[str, Any]], bool]:
    """The person's own documents in the document store, newest first, and whether it answered."""
    from motcua.registries.adapters import document_store
    from motcua.registries.adapters.base import RegistryUnavailable

    personal_id = getattr(user, "personal_id", "") or ""
    if not personal_id:
        return [], True
    try:
        return document_store().list_for(personal_id=personal_id), True
    except RegistryUnavailable:
        return [], False


def stored_document_file(user: Any, document_id: str) -> bytes | None:
    """The file of one of the person's own stored documents, or None."""
    from motcua.registries.adapters import document_store
    from motcua.registries.adapters.base import RegistryUnavailable

    personal_id = getattr(user, "personal_id", "") or ""
    if not personal_id or not document_id.isdecimal() or len(document_id) > 18:
        return None
    try:
        return document_store().file_of(document_id=document_id, personal_id=personal_id)
    except RegistryUnavailable:
        return None
