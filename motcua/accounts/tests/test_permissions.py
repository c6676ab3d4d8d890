"""The authorisation matrix: every permission × role × relation, from one table.

Later issues add their permissions to PERMISSIONS and a row here; the test covers them all.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from motcua.accounts.permissions import DEFAULT_ROLES, PERMISSIONS, Scope, authorize
from motcua.accounts.services import (
    authorisation_record,
    membership_end,
    membership_grant,
    roles_ensure_defaults,
)
from motcua.audit.models import AuditRecord
from motcua.core.errors import PermissionDenied
from motcua.places.models import Agency

pytestmark = pytest.mark.django_db

ROLES = list(DEFAULT_ROLES)
RELATIONS = ("own_agency", "other_agency", "citizen_own", "citizen_other")

# permission → the roles that may use it on a dossier (or agency) of their own agency.
# Other agencies: never. Citizens: only the OWN_DOSSIER permissions, and only on their own dossiers.
EXPECTED: dict[str, set[str]] = {
    "dossier.view": {"receiver", "processor", "head", "signer", "leader"},
    "dossier.receive": {"receiver"},
    "dossier.start_assisted": {"receiver"},
    "dossier.request_supplement": {"receiver", "processor"},
    "dossier.refuse": {"receiver", "head"},
    "dossier.process": {"processor"},
    "dossier.hand_over": {"receiver", "processor", "head"},
    "dossier.approve": {"head"},
    "dossier.sign": {"signer"},
    "dossier.apologise": {"head", "signer"},
    "dossier.deliver": {"receiver"},
    "dossier.view_own": set(),
    "dossier.submit": set(),
    "dossier.supplement": set(),
    "dossier.withdraw": set(),
    "registry.read": {"receiver", "processor", "head"},
    "registry.resolve_exception": {"receiver", "processor"},
    "dashboard.view": {"leader"},
    "catalogue.manage": {"catalogue_admin"},
    "calendar.manage": {"catalogue_admin", "system_admin"},
    "accounts.manage": {"system_admin"},
}


def test_the_table_covers_every_permission():
    assert set(EXPECTED) == set(PERMISSIONS)


@dataclass
class Dossier:
    """Stands in for the dossiers app's model: the four facts authorize reads."""

    applicant_id: int | None
    receiving_agency_id: int | None
    competent_agency_id: int | None
    current_agency_id: int | None = None
    procedure_code: str | None = None
    applicant_enterprise_code: str = ""


@pytest.fixture
def world(django_user_model, loaded_places):
    roles_ensure_defaults()
    own = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành")
    other = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Sài Gòn")
    citizen = django_user_model.objects.create_user(username="citizen")
    stranger = django_user_model.objects.create_user(username="stranger")
    officials = {}
    for role in ROLES:
        user = django_user_model.objects.create_user(username=f"official-{role}")
        membership_grant(actor=None, user=user, agency=own, role_key=role, valid_from=date(2025, 7, 1))
        officials[role] = user
    return {"own": own, "other": other, "citizen": citizen, "stranger": stranger, "officials": officials}


def _target(world, permission, relation):
    scope = PERMISSIONS[permission].scope
    if scope == Scope.AGENCY:
        return world["own"] if relation in ("own_agency", "citizen_own") else world["other"]
    if scope == Scope.GLOBAL:
        return None
    agency = world["own"] if relation == "own_agency" else world["other"]
    applicant = world["citizen"].pk if relation != "citizen_other" else world["stranger"].pk
    return Dossier(applicant_id=applicant, receiving_agency_id=agency.pk, competent_agency_id=agency.pk)


def _allowed(actor, permission, target) -> bool:
    try:
        authorize(actor, permission, target)
    except PermissionDenied:
        return False
    return True


@pytest.mark.parametrize("permission", sorted(EXPECTED))
def test_authorisation_matrix(world, permission):
    scope = PERMISSIONS[permission].scope
    for role, official in world["officials"].items():
        for relation in ("own_agency", "other_agency"):
            expected = role in EXPECTED[permission] and (relation == "own_agency" or scope == Scope.GLOBAL)
            got = _allowed(official, permission, _target(world, permission, relation))
            assert got == expected, f"{role} / {permission} / {relation}: expected {expected}"
    for relation in ("citizen_own", "citizen_other"):
        expected = scope == Scope.OWN_DOSSIER and relation == "citizen_own"
        got = _allowed(world["citizen"], permission, _target(world, permission, relation))
        assert got == expected, f"citizen / {permission} / {relation}: expected {expected}"


def test_denials_say_why_in_both_languages(world):
    with pytest.raises(PermissionDenied) as exc:
        authorize(
            world["officials"]["receiver"],
            "dossier.receive",
            _target(world, "dossier.receive", "other_agency"),
        )
    assert "không thuộc cơ quan của bạn" in exc.value.message_vi
    assert "does not belong to your agency" in exc.value.message_en
    with pytest.raises(PermissionDenied) as exc:
        authorize(None, "dossier.view_own", _target(world, "dossier.view_own", "citizen_own"))
    assert "đăng nhập" in exc.value.message_vi


def test_an_official_of_the_competent_or_current_agency_may_act(world):
    processor = world["officials"]["processor"]
    dossier = Dossier(
        applicant_id=None, receiving_agency_id=world["other"].pk, competent_agency_id=world["own"].pk
    )
    authorize(processor, "dossier.process", dossier)
    handed = Dossier(
        applicant_id=None,
        receiving_agency_id=world["other"].pk,
        competent_agency_id=world["other"].pk,
        current_agency_id=world["own"].pk,
    )
    authorize(processor, "dossier.process", handed)


def test_a_leader_sees_the_agencies_below(world, django_user_model):
    city_pc = Agency.objects.get(electronic_id="000.00.00.H29")
    mayor = django_user_model.objects.create_user(username="mayor")
    membership_grant(actor=None, user=mayor, agency=city_pc, role_key="leader", valid_from=date(2025, 7, 1))
    commune_pc = world["own"].parent
    authorize(mayor, "dashboard.view", commune_pc)
    authorize(mayor, "dashboard.view", world["own"])  # centre → commune PC → city PC
    with pytest.raises(PermissionDenied):
        authorize(world["officials"]["leader"], "dashboard.view", city_pc)  # not upwards


def test_a_leader_opens_the_dossiers_of_the_agencies_below_but_acts_on_none(world, django_user_model):
    city_pc = Agency.objects.get(electronic_id="000.00.00.H29")
    mayor = django_user_model.objects.create_user(username="mayor")
    membership_grant(actor=None, user=mayor, agency=city_pc, role_key="leader", valid_from=date(2025, 7, 1))
    dossier = Dossier(
        applicant_id=world["citizen"].pk,
        receiving_agency_id=world["own"].pk,
        competent_agency_id=world["own"].pk,
    )
    authorize(mayor, "dossier.view", dossier)  # behind the city's figures: the commune's dossiers
    with pytest.raises(PermissionDenied):
        authorize(mayor, "dossier.receive", dossier)
    with pytest.raises(PermissionDenied):  # a commune's leader does not open another commune's
        authorize(
            world["officials"]["leader"], "dossier.view", _target(world, "dossier.view", "other_agency")
        )


def test_an_ended_membership_grants_nothing(world):
    receiver = world["officials"]["receiver"]
    membership = receiver.memberships.get()
    membership_end(actor=None, membership=membership, on=date.today() - timedelta(days=1))
    receiver = type(receiver).objects.get(pk=receiver.pk)  # a new request: no cached grants
    with pytest.raises(PermissionDenied):
        authorize(receiver, "dossier.receive", _target(world, "dossier.receive", "own_agency"))


def test_an_authorisation_lets_a_parent_act_for_a_child(world, django_user_model):
    parent = world["stranger"]
    child = world["citizen"]
    dossier = _target(world, "dossier.submit", "citizen_own")  # the child's dossier
    with pytest.raises(PermissionDenied):
        authorize(parent, "dossier.submit", dossier)
    authorisation_record(
        actor=child,
        grantor=child,
        grantee=parent,
        basis="Giấy khai sinh số 12/2020",
        valid_from=date(2025, 1, 1),
    )
    authorize(parent, "dossier.submit", dossier)
    assert AuditRecord.objects.filter(action="authorisation.record").exists()


def test_only_a_system_admin_grants_roles(world):
    with pytest.raises(PermissionDenied):
        membership_grant(
            actor=world["officials"]["head"],
            user=world["citizen"],
            agency=world["own"],
            role_key="signer",
            valid_from=date(2025, 7, 1),
        )
    membership_grant(
        actor=world["officials"]["system_admin"],
        user=world["citizen"],
        agency=world["own"],
        role_key="signer",
        valid_from=date(2025, 7, 1),
    )
    assert AuditRecord.objects.filter(action="membership.grant", actor_label="official-system_admin").exists()


def test_unknown_permissions_are_programming_errors(world):
    with pytest.raises(ValueError):
        authorize(world["citizen"], "dossier.teleport", None)


def test_role_changes_are_checked_and_audited(world, admin_user):
    from motcua.accounts.models import Role
    from motcua.accounts.services import role_save
    from motcua.core.errors import ValidationError

    role = Role.objects.get(key="leader")
    role.permissions = [*role.permissions, "dossier.sign"]
    role_save(actor=admin_user, role=role)
    record = AuditRecord.objects.filter(action="role.save", object_id="leader").latest("seq")
    assert "dossier.sign" in record.payload["after"] and "dossier.sign" not in record.payload["before"]
    role.permissions = ["dossier.fly"]
    with pytest.raises(ValidationError):
        role_save(actor=admin_user, role=role)


def test_admin_edits_roles_through_the_service(admin_client, world):
    from motcua.accounts.models import Role

    role = Role.objects.get(key="signer")
    response = admin_client.post(
        f"/admin/accounts/role/{role.pk}/change/",
        {
            "key": "signer",
            "name_vi": role.name_vi,
            "name_en": role.name_en,
            "permissions": ["dossier.view", "dossier.sign"],
        },
    )
    assert response.status_code == 302
    assert Role.objects.get(pk=role.pk).permissions == ["dossier.sign", "dossier.view"]
    assert AuditRecord.objects.filter(action="role.save", object_id="signer", actor_label="admin").exists()


def test_an_authorisation_limited_to_some_procedures_covers_only_those(world):
    parent, child = world["stranger"], world["citizen"]
    authorisation_record(
        actor=child,
        grantor=child,
        grantee=parent,
        basis="Văn bản ủy quyền số 5",
        valid_from=date(2025, 1, 1),
        procedure_codes=["1.001193"],
    )
    covered = Dossier(
        applicant_id=child.pk, receiving_agency_id=None, competent_agency_id=None, procedure_code="1.001193"
    )
    other = Dossier(
        applicant_id=child.pk, receiving_agency_id=None, competent_agency_id=None, procedure_code="2.000815"
    )
    authorize(parent, "dossier.withdraw", covered)
    with pytest.raises(PermissionDenied):
        authorize(parent, "dossier.withdraw", other)


def test_official_permissions_need_the_second_factor_in_the_session(world):
    receiver = world["officials"]["receiver"]
    receiver.is_verified = lambda: False  # what django-otp sets on an e-ID or password-only session
    with pytest.raises(PermissionDenied) as exc:
        authorize(receiver, "dossier.receive", _target(world, "dossier.receive", "own_agency"))
    assert "hai bước" in exc.value.message_vi


def test_a_citizens_eid_account_cannot_become_an_official(world):
    from motcua.core.errors import ValidationError

    citizen = world["citizen"]
    citizen.oidc_subject = "subject-1"
    citizen.save()
    with pytest.raises(ValidationError):
        membership_grant(
            actor=None, user=citizen, agency=world["own"], role_key="receiver", valid_from=date(2025, 7, 1)
        )


def test_admin_ends_a_membership_and_refuses_nonsense_dates(admin_client, world):
    membership = world["officials"]["signer"].memberships.get()
    url = f"/admin/accounts/membership/{membership.pk}/change/"
    response = admin_client.post(url, {"valid_to": "01/01/2020"}, follow=True)
    assert (
        response.status_code == 200
        and "Ngày kết thúc phải từ ngày bắt đầu trở đi" in response.content.decode()
    )
    response = admin_client.post(url, {"valid_to": "31/12/2026"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.valid_to == date(2026, 12, 31)


def test_a_recorded_authorisation_lets_an_employee_act_for_a_business(world, admin_user):
    employee = world["stranger"]
    dossier = Dossier(
        applicant_id=world["citizen"].pk,
        receiving_agency_id=None,
        competent_agency_id=None,
        procedure_code="2.000720",
        applicant_enterprise_code="0312345678",
    )
    with pytest.raises(PermissionDenied):
        authorize(employee, "dossier.submit", dossier)
    with pytest.raises(PermissionDenied):  # filing it for the business is not the citizen's own dossier
        authorize(world["citizen"], "dossier.submit", dossier)
    authorisation_record(
        actor=admin_user,
        grantee=employee,
        enterprise_code="0312345678",
        basis="Giấy ủy quyền số 12/2026/UQ",
        valid_from=date(2026, 1, 1),
    )
    authorize(employee, "dossier.submit", dossier)


def test_one_read_tells_every_permission_of_the_day_and_a_new_role_counts_at_once(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    receiver = type(world["officials"]["receiver"]).objects.get(pk=world["officials"]["receiver"].pk)
    dossier = _target(world, "dossier.view", "own_agency")
    with CaptureQueriesContext(connection) as queries:
        for permission in ("dossier.view", "dossier.receive", "dossier.hand_over", "dossier.deliver"):
            authorize(receiver, permission, dossier)
        assert not _allowed(receiver, "dossier.approve", dossier)
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]
    membership_grant(
        actor=None, user=receiver, agency=world["own"], role_key="head", valid_from=date(2025, 7, 1)
    )
    authorize(receiver, "dossier.approve", dossier)  # granted on this very object: no stale answer
    membership_end(actor=None, membership=receiver.memberships.get(role__key="head"), on=date(2025, 7, 1))
    receiver = type(receiver).objects.get(pk=receiver.pk)
    assert not _allowed(receiver, "dossier.approve", dossier)
