"""Dossiers for the demo (``make demo``): a few certificate-of-marital-status dossiers at Phường Bến
Thành's centre, handed in at the counter by people of the synthetic population, each at another point
of its life, so the desk's queues, the dossier page and the slips have something to show at once.
Made through the services, as an official would; only when the demo has no dossier yet."""

from __future__ import annotations

from typing import Any

from motcua.dossiers.models import Dossier

SAMPLE_VALUES = {
    "date": "1990-05-12",
    "personal_id": "079090123456",
    "phone": "0912345678",
    "email": "an@example.vn",
    "country": "VN",
    "checkbox": True,
    "integer": 1,
}


def sample_form_data(version: Any, **values: Any) -> dict[str, Any]:
    """Every required field of ``version`` with a plausible value (``values`` first), as the form
    sends it: the first option of a choice, a typed value by kind, some words otherwise."""
    data: dict[str, Any] = {"purpose.kind": "other", "status.marital_status": "single", **values}
    for section in version.data["form"]["sections"]:
        for spec in section["fields"]:
            if spec.get("required") and spec["key"] not in data:
                options = spec.get("options")
                data[spec["key"]] = (
                    options[0]["value"] if options else SAMPLE_VALUES.get(spec["type"], "Nội dung " * 3)
                )
    return data


# Where each sample dossier stops: the actions taken after reception, by role.
STORIES: list[list[tuple[str, str, dict[str, Any]]]] = [
    [],
    [],
    [("hand_over", "receiver", {"to": "processor"})],
    [
        ("hand_over", "receiver", {"to": "processor"}),
        ("hand_over", "processor", {"to": "head"}),
        ("approve", "head", {}),
    ],
    [
        (
            "request_supplement",
            "receiver",
            {"items": [{"vi": "Bản sao trích lục ly hôn", "en": "A copy of the divorce extract"}]},
        )
    ],
]


def demo_dossiers_ensure() -> int:
    """Make the sample dossiers when there are none; how many were made."""
    from motcua.accounts.models import User
    from motcua.catalogue.selectors import procedure_version_in_force
    from motcua.dossiers.services import dossier_receive_at_counter, dossier_transition
    from motcua.places.models import Agency
    from motcua.registries.models import Person

    if Dossier.objects.exists():
        return 0
    centre = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành")
    officials = {
        role: User.objects.filter(username=f"benthanh.{role}").first()
        for role in ("receiver", "processor", "head")
    }
    if any(person is None for person in officials.values()):
        return 0
    version = procedure_version_in_force(code="1.004873")
    people = Person.objects.filter(
        date_of_death__isnull=True, marital_status="single", born_abroad=False, naturalised=False
    ).order_by("personal_id")[: len(STORIES)]
    for person, story in zip(people, STORIES, strict=False):
        data = sample_form_data(
            version,
            **{
                "applicant.full_name": person.full_name,
                "applicant.personal_id": person.personal_id,
                "applicant.date_of_birth": person.date_of_birth.isoformat(),
                "applicant.sex": person.sex,
                "applicant.ethnicity": person.ethnicity,
                "applicant.residence": person.permanent_residence or {"kind": "text", "text": "—"},
                "purpose.other_text": "Bổ sung hồ sơ xin việc làm",
            },
        )
        dossier = dossier_receive_at_counter(
            official=officials["receiver"],
            agency=centre,
            version=version,
            case_key="standard",
            applicant_name=person.full_name,
            applicant_personal_id=person.personal_id,
            data=data,
            documents={},
            unit=centre.unit,
            phone=person.phone,
            submission_key=f"demo-{person.personal_id}",
        )
        for action, role, extra in story:
            dossier = dossier_transition(
                actor=officials[role],
                dossier=dossier,
                action=action,
                to_person=officials.get(extra.get("to", "")),
                items=extra.get("items"),
            )
    return len(people)
