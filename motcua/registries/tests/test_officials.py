"""A verification case leaves the province's centre for the agency that decides the applicant's
dossier (issue 6, decision 0009)."""

from datetime import date
from types import SimpleNamespace

import pytest

from motcua.accounts.services import membership_grant, roles_ensure_defaults
from motcua.audit.models import AuditRecord
from motcua.core.errors import PermissionDenied
from motcua.places.models import Agency
from motcua.registries.models import VerificationCase
from motcua.registries.officials import (
    verification_case_move_to_dossier,
    verification_case_resolve,
    verification_queue,
)
from motcua.registries.prefills import verification_case_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies(loaded_places, django_user_model):
    """The city's centre, Bến Thành ward's People's Committee and its centre, Sài Gòn ward's centre,
    each with an official who may resolve cases."""
    roles_ensure_defaults()
    city = Agency.objects.get(kind=Agency.Kind.PROVINCIAL_SERVICE_CENTRE, unit__name__contains="Hồ Chí Minh")
    ward = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành")
    committee = Agency.objects.get(kind=Agency.Kind.COMMUNE_PEOPLES_COMMITTEE, unit=ward.unit)
    other = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Sài Gòn")
    people = {}
    for name, agency, role in (
        ("city", city, "receiver"),
        ("deciding", committee, "processor"),
        ("ward", ward, "processor"),
        ("other", other, "receiver"),
    ):
        user = django_user_model.objects.create_user(username=name)
        membership_grant(actor=None, user=user, agency=agency, role_key=role, valid_from=date(2025, 7, 1))
        people[name] = user
    return SimpleNamespace(
        city_centre=city, ward_centre=ward, committee=committee, other_centre=other, **people
    )


def _dossier(applicant, agencies, **extra):
    """The shape of a dossier the registries app sees (dossiers' model, through a Protocol)."""
    values = {
        "pk": 41,
        "code": None,
        "reference": "TN-0123456789AB",
        "applicant_id": applicant.pk,
        "procedure_code": "1.004873",
        "competent_agency": agencies.committee,
        "current_agency": agencies.ward_centre,
    }
    return SimpleNamespace(**{**values, **extra})


def test_a_case_moves_to_the_competent_agency_and_leaves_the_provincial_queue(agencies, django_user_model):
    abroad = django_user_model.objects.create_user(username="abroad", personal_id="079195000123")
    case = verification_case_open(applicant=abroad, procedure_code="1.004873", reason="born_abroad")
    assert list(verification_queue(agencies.city)) == [case]
    assert not verification_queue(agencies.ward).exists()

    moved = verification_case_move_to_dossier(dossier=_dossier(abroad, agencies), actor=abroad)
    assert moved is not None
    case.refresh_from_db()
    assert (case.agency, case.handling_agency) == (agencies.committee, agencies.ward_centre)
    assert (case.dossier_id, case.dossier_code, case.status) == (41, "TN-0123456789AB", "open")
    assert not verification_queue(agencies.city).exists()  # no longer at the provincial centre
    assert list(verification_queue(agencies.deciding)) == [case]  # the ward that decides
    assert list(verification_queue(agencies.ward)) == [case]  # and its centre, which handles the dossier
    assert not verification_queue(agencies.other).exists()
    record = AuditRecord.objects.get(action="registry.verification_moved", object_id=str(case.pk))
    assert record.payload["from"] == "province_centre"
    assert record.payload["to"] == agencies.committee.electronic_id
    assert record.payload["dossier"] == "TN-0123456789AB"

    with pytest.raises(PermissionDenied):
        verification_case_resolve(official=agencies.city, case=case, verified=True, checked_document="x")
    verification_case_resolve(
        official=agencies.ward, case=case, verified=True, checked_document="Hộ chiếu C1234567"
    )
    assert VerificationCase.objects.get().resolved_by == agencies.ward


def test_a_case_stays_with_the_first_dossier_and_others_cases_stay_put(agencies, django_user_model):
    abroad = django_user_model.objects.create_user(username="abroad", personal_id="079195000123")
    someone = django_user_model.objects.create_user(username="someone", personal_id="079195000124")
    case = verification_case_open(applicant=abroad, procedure_code="1.004873", reason="born_abroad")
    theirs = verification_case_open(applicant=someone, procedure_code="1.004873", reason="not_found")
    other_procedure = verification_case_open(
        applicant=abroad, procedure_code="1.000894", reason="born_abroad"
    )
    verification_case_move_to_dossier(dossier=_dossier(abroad, agencies), actor=abroad)
    again = _dossier(
        abroad, agencies, pk=42, competent_agency=agencies.other_centre, current_agency=agencies.other_centre
    )
    assert verification_case_move_to_dossier(dossier=again, actor=abroad) is None
    case.refresh_from_db()
    assert (case.dossier_id, case.agency) == (41, agencies.committee)
    for untouched in (theirs, other_procedure):
        untouched.refresh_from_db()
        assert untouched.agency is None and untouched.dossier_id is None
    without_account = _dossier(someone, agencies, applicant_id=None)  # a counter dossier, identity unchecked
    assert verification_case_move_to_dossier(dossier=without_account, actor=agencies.ward) is None
    assert AuditRecord.objects.filter(action="registry.verification_moved").count() == 1


def test_the_queue_page_says_which_dossier_took_the_case_and_where_it_went(
    client, agencies, django_user_model
):
    from motcua.conftest import sign_in_with_second_factor

    abroad = django_user_model.objects.create_user(
        username="abroad", personal_id="079195000123", last_name="Lê Minh"
    )
    verification_case_open(applicant=abroad, procedure_code="1.004873", reason="born_abroad")
    verification_case_move_to_dossier(dossier=_dossier(abroad, agencies), actor=abroad)
    sign_in_with_second_factor(client, agencies.ward)
    html = client.get("/van-phong/xac-minh/").content.decode()
    assert "Lê Minh" in html and 'href="/van-phong/ho-so/41"' in html and "TN-0123456789AB" in html
    assert agencies.committee.name in html
    sign_in_with_second_factor(client, agencies.city)
    assert "Lê Minh" not in client.get("/van-phong/xac-minh/").content.decode()
