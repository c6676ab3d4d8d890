"""A dossier takes its applicant's verification case from the province's centre to the agency that
decides it: on submission online, or on reception at a counter for an identity checked there."""

from datetime import date

import pytest

from motcua.accounts.services import membership_grant
from motcua.audit.models import AuditRecord
from motcua.conftest import sign_in_with_second_factor
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.test_lifecycle import _submit
from motcua.places.models import Agency
from motcua.registries.models import VerificationCase
from motcua.registries.officials import verification_queue
from motcua.registries.prefills import verification_case_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(world, django_user_model):
    """A receiver at the city's centre, where cases wait until a dossier names the deciding agency."""
    centre = Agency.objects.get(
        kind=Agency.Kind.PROVINCIAL_SERVICE_CENTRE, unit__name__contains="Hồ Chí Minh"
    )
    official = django_user_model.objects.create_user(username="hcm-receiver")
    membership_grant(
        actor=None, user=official, agency=centre, role_key="receiver", valid_from=date(2025, 7, 1)
    )
    return official


def test_an_online_submission_moves_the_case_to_the_deciding_ward_and_out_of_the_city_queue(
    client, world, city
):
    case = verification_case_open(applicant=world["citizen"], procedure_code="1.004873", reason="born_abroad")
    assert list(verification_queue(city)) == [case]
    dossier = _submit(world)
    _submit(world)  # the same submission again moves nothing twice
    case.refresh_from_db()
    assert case.agency == dossier.competent_agency and case.handling_agency == world["centre"]
    assert (case.dossier_id, case.dossier_code) == (dossier.pk, dossier.reference)
    assert AuditRecord.objects.filter(action="registry.verification_moved").count() == 1
    assert not verification_queue(city).exists()
    sign_in_with_second_factor(client, world["officials"]["processor"])
    html = client.get("/van-phong/xac-minh/").content.decode()
    assert "Nguyễn Văn An" in html and dossier.reference in html
    sign_in_with_second_factor(client, world["stranger"])  # another ward's receiver
    assert "Nguyễn Văn An" not in client.get("/van-phong/xac-minh/").content.decode()


def _counter_form(world, token):
    from motcua.dossiers.tests.test_lifecycle import _data

    return {
        **{k: ("on" if v is True else v) for k, v in _data(world).items()},
        "procedure": "1.004873",
        "agency": str(world["centre"].pk),
        "applicant_name": "Nguyễn Văn An",
        "applicant_personal_id": "079090123456",
        "case": "standard",
        "unit": world["unit"].code,
        "form_token": token,
    }


def test_a_counter_reception_moves_the_case_only_for_an_identity_checked_at_the_counter(client, world, city):
    from motcua.accounts.assisted import assisted_session_start

    world["citizen"].oidc_subject = "079090123456"
    world["citizen"].save()
    case = verification_case_open(applicant=world["citizen"], procedure_code="1.004873", reason="not_found")
    receiver = world["officials"]["receiver"]
    sign_in_with_second_factor(client, receiver)
    client.post("/van-phong/ho-so/tiep-nhan", _counter_form(world, "typed-only"))
    case.refresh_from_db()
    assert case.dossier_id is None and list(verification_queue(city)) == [case]  # a typo must not move it
    assisted_session_start(
        official=receiver,
        agency=world["centre"],
        personal_id="079090123456",
        full_name="Nguyễn Văn An",
        date_of_birth=date(1990, 5, 12),
        document_kind="id_card",
        document_number="079090123456",
    )
    client.post("/van-phong/ho-so/tiep-nhan", _counter_form(world, "checked"))
    dossier = Dossier.objects.get(submission_key="checked")
    case.refresh_from_db()
    assert (case.dossier_id, case.dossier_code, case.agency) == (
        dossier.pk,
        dossier.code,
        dossier.competent_agency,
    )
    assert not verification_queue(city).exists()
    assert list(verification_queue(receiver)) == [VerificationCase.objects.get()]


def test_a_refused_dossier_lets_its_case_go_to_the_applicants_next_dossier(world, city):
    from motcua.dossiers.services import dossier_transition

    case = verification_case_open(applicant=world["citizen"], procedure_code="1.004873", reason="born_abroad")
    first = _submit(world, key="first")
    dossier_transition(
        actor=world["officials"]["receiver"], dossier=first, action="refuse", note="Sai xã, phường giải quyết"
    )
    case.refresh_from_db()
    assert case.dossier_id is None and case.agency is None and list(verification_queue(city)) == [case]
    assert AuditRecord.objects.filter(action="registry.verification_released").count() == 1
    second = _submit(world, key="second", receiving_agency=world["other"])
    case.refresh_from_db()
    assert case.dossier_id == second.pk and case.status == VerificationCase.Status.OPEN
