"""Demo people of the development identity provider (the synthetic population registry replaces them)."""

from __future__ import annotations

import hmac
import secrets
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction

from motcua.accounts.devidp.models import DevIdentity
from motcua.accounts.identity import validate_personal_id

# (personal id, full name, date of birth, sex): numbers consistent with domain.md §2.
DEMO_PEOPLE = (
    ("079090123456", "Nguyễn Văn An", date(1990, 5, 12), "male"),
    ("079188654321", "Trần Thị Bích", date(1988, 11, 3), "female"),
    ("074301246810", "Lê Minh Châu", date(2001, 2, 27), "female"),
    ("001075135790", "Phạm Quốc Dũng", date(1975, 9, 2), "male"),
    ("250195000123", "Võ Thị Em", date(1995, 7, 14), "female"),  # birth registered in France
)


@transaction.atomic
def dev_identities_ensure(*, password: str) -> list[DevIdentity]:
    """Create the demo people that are missing, all with ``password`` (printed by the demo)."""
    people = []
    for personal_id, name, born, sex in DEMO_PEOPLE:
        validate_personal_id(personal_id, date_of_birth=born, sex=sex)
        identity = DevIdentity.objects.filter(personal_id=personal_id).first()
        if identity is None:
            identity = DevIdentity(
                personal_id=personal_id,
                full_name=name,
                date_of_birth=born,
                sex=sex,
                subject=secrets.token_hex(16),
                email=f"{personal_id}@example.invalid",
                phone=f"09{personal_id[-8:]}",
                assurance_level=2,
            )
        if not identity.password or not identity.check_password(password):
            identity.set_password(password)
        identity.save()
        people.append(identity)
    return people


def dev_identity_from_registry(*, personal_id: str, password: str) -> DevIdentity | None:
    """A person of the synthetic population signing in for the first time with the shared demo
    password gets a development identity (assurance level 2); anyone else gets None."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    shared = settings.DEV_IDP_PASSWORD
    if not shared or not hmac.compare_digest(password.encode(), shared.encode()):
        return None
    person = import_string(settings.DEV_IDP_PEOPLE)(personal_id)
    if person is None:
        return None
    identity, _ = DevIdentity.objects.get_or_create(
        personal_id=personal_id,
        defaults={
            "full_name": person["full_name"],
            "date_of_birth": person["date_of_birth"],
            "sex": person["sex"],
            "email": person["email"],
            "phone": person["phone"],
            "assurance_level": 2,
            "subject": secrets.token_hex(16),
            "password": make_password(password),
        },
    )
    return identity
