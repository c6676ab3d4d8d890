"""The embedded registries: the local tables filled by `motcua registry generate`."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.core.files.base import ContentFile

from motcua.registries.models import Business, Person, StoredDocument

RELATIVE_FIELDS = (
    "full_name",
    "personal_id",
    "date_of_birth",
    "sex",
    "nationality",
    "ethnicity",
    "permanent_residence",
    "date_of_death",
)


def _person_dict(person: Person) -> dict[str, Any]:
    return {
        "full_name": person.full_name,
        "other_names": person.other_names,
        "personal_id": person.personal_id,
        "date_of_birth": person.date_of_birth.isoformat(),
        "sex": person.sex,
        "place_of_birth": person.place_of_birth,
        "birth_registration_place": person.birth_registration_place,
        "home_town": person.home_town,
        "ethnicity": person.ethnicity,
        "religion": person.religion,
        "nationality": person.nationality,
        "id_card": {
            "number": person.personal_id,
            "issued_on": person.id_card_issued_on.isoformat() if person.id_card_issued_on else None,
            "expires_on": person.id_card_expires_on.isoformat() if person.id_card_expires_on else None,
            "issuer": "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
            if person.id_card_issued_on
            else None,
        },
        "permanent_residence": person.permanent_residence,
        "temporary_residence": person.temporary_residence,
        "current_residence": person.current_residence,
        "marital_status": person.marital_status,
        "date_of_death": person.date_of_death.isoformat() if person.date_of_death else None,
        "phone": person.phone,
        "email": person.email,
        "born_abroad": person.born_abroad,
        "naturalised": person.naturalised,
    }


def _relative_dict(person: Person) -> dict[str, Any]:
    full = _person_dict(person)
    return {k: full[k] for k in RELATIVE_FIELDS}


class LocalPopulationRegistry:
    code = "population.local"

    def lookup(self, personal_id: str) -> dict[str, Any] | None:
        person = Person.objects.select_related("household").filter(personal_id=personal_id).first()
        if person is None:
            return None
        record = _person_dict(person)
        relatives = {
            p.personal_id: p
            for p in Person.objects.filter(
                personal_id__in=[
                    pid
                    for pid in (
                        person.father_personal_id,
                        person.mother_personal_id,
                        person.spouse_personal_id,
                    )
                    if pid
                ]
            )
        }
        for role, pid in (
            ("father", person.father_personal_id),
            ("mother", person.mother_personal_id),
            ("spouse", person.spouse_personal_id),
        ):
            relative = relatives.get(pid)
            record[role] = _relative_dict(relative) if relative else None
        children = Person.objects.filter(
            **{f"{'father' if person.sex == 'male' else 'mother'}_personal_id": person.personal_id}
        ).order_by("date_of_birth")
        record["children"] = [_relative_dict(c) for c in children]
        if person.household is not None:
            head = Person.objects.filter(personal_id=person.household.head_personal_id).first()
            record["household"] = {
                "code": person.household.code,
                "relation": person.relation_to_head,
                "head_full_name": head.full_name if head else None,
                "head_personal_id": person.household.head_personal_id,
            }
        return record


class LocalBusinessRegistry:
    code = "business.local"

    def lookup(self, enterprise_code: str) -> dict[str, Any] | None:
        business = Business.objects.filter(enterprise_code=enterprise_code).first()
        if business is None:
            return None
        return _business_dict(business)

    def represented_by(self, personal_id: str) -> list[dict[str, Any]]:
        # JSON "contains" is not portable to SQLite: narrow by text, then check membership exactly.
        rows = Business.objects.filter(representatives__icontains=personal_id).order_by("name")
        return [_business_dict(b) for b in rows if personal_id in b.representatives]


def _business_dict(business: Business) -> dict[str, Any]:
    return {
        "enterprise_code": business.enterprise_code,
        "name": business.name,
        "kind": business.kind,
        "status": business.status,
        "head_office_address": business.head_office,
        "registered_on": business.registered_on.isoformat(),
        "business_lines": business.business_lines,
        "legal_representatives": business.representatives,
    }


class LocalDocumentStore:
    code = "document_store.local"

    def list_for(
        self, *, personal_id: str = "", enterprise_code: str = "", kind: str | None = None
    ) -> list[dict[str, Any]]:
        if not personal_id and not enterprise_code:
            return []
        rows = StoredDocument.objects.filter(
            owner_personal_id=personal_id, owner_enterprise_code=enterprise_code
        )
        if kind:
            rows = rows.filter(kind=kind)
        return [_document_dict(d) for d in rows.order_by("-issued_on")]

    def put(
        self,
        *,
        personal_id: str = "",
        enterprise_code: str = "",
        kind: str,
        number: str,
        issuer: str,
        issued_on: date,
        data: dict[str, Any],
        content: bytes = b"",
        file_name: str = "",
    ) -> dict[str, Any]:
        document = StoredDocument(
            owner_personal_id=personal_id,
            owner_enterprise_code=enterprise_code,
            kind=kind,
            number=number,
            issuer=issuer,
            issued_on=issued_on,
            data=data,
        )
        if content:  # under a random name: the owner's file name is kept only as data
            document.data = {**data, "file_name": file_name[-200:] or "tai-lieu.pdf"}
            document.file.save(f"{secrets.token_urlsafe(18)}.pdf", ContentFile(content), save=False)
        document.save()
        return _document_dict(document)

    def file_of(self, *, document_id: str, personal_id: str = "", enterprise_code: str = "") -> bytes | None:
        if not (personal_id or enterprise_code) or not str(document_id).isdecimal():
            return None
        document = StoredDocument.objects.filter(
            pk=int(document_id), owner_personal_id=personal_id, owner_enterprise_code=enterprise_code
        ).first()
        if document is None or not document.file:
            return None
        with document.file.open("rb") as handle:
            return handle.read()


def _document_dict(d: StoredDocument) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "number": d.number,
        "issuer": d.issuer,
        "issued_on": d.issued_on.isoformat(),
        "data": d.data,
        "has_file": bool(d.file),
    }
