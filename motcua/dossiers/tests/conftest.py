"""Shared set-up of the dossiers tests: a ward's centre with an official in every role, another
ward's receiver, a citizen, and the certificate-of-marital-status procedure."""

from datetime import date

import pytest

from motcua.accounts.permissions import DEFAULT_ROLES
from motcua.accounts.services import membership_grant, roles_ensure_defaults
from motcua.catalogue.selectors import procedure_version_in_force
from motcua.places.models import Agency


@pytest.fixture
def world(loaded_places, loaded_catalogue, django_user_model):
    roles_ensure_defaults()
    centre = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành")
    ben_thanh = centre.unit
    other = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Sài Gòn")
    officials = {}
    for role in DEFAULT_ROLES:
        user = django_user_model.objects.create_user(username=f"bt-{role}")
        membership_grant(actor=None, user=user, agency=centre, role_key=role, valid_from=date(2025, 7, 1))
        officials[role] = user
    stranger = django_user_model.objects.create_user(username="sg-receiver")
    membership_grant(
        actor=None, user=stranger, agency=other, role_key="receiver", valid_from=date(2025, 7, 1)
    )
    citizen = django_user_model.objects.create_user(
        username="vneid-079090123456",
        personal_id="079090123456",
        last_name="Nguyễn Văn An",
        phone="0912345678",
    )
    version = procedure_version_in_force(code="1.004873")
    return {
        "unit": ben_thanh,
        "centre": centre,
        "other": other,
        "officials": officials,
        "stranger": stranger,
        "citizen": citizen,
        "version": version,
    }


@pytest.fixture
def citizen(loaded_places, loaded_catalogue, django_user_model, client):
    """A single adult of the synthetic population (seed 3), signed in with e-ID."""
    from motcua.registries.models import Person
    from motcua.registries.synthetic import registry_generate

    registry_generate(people=300, businesses=0, seed=3)
    person = (
        Person.objects.filter(
            date_of_death__isnull=True,
            marital_status="single",
            phone__gt="",
            born_abroad=False,
            naturalised=False,
        )
        .exclude(permanent_residence=None)
        .order_by("personal_id")[0]
    )
    user = django_user_model.objects.create_user(
        username=f"vneid-{person.personal_id}",
        oidc_subject=person.personal_id,
        personal_id=person.personal_id,
        last_name=person.full_name,
    )
    client.force_login(user, backend="motcua.accounts.oidc.CitizenOIDCBackend")
    return person, user
