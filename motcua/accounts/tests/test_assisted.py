from datetime import date

import pytest

from motcua.accounts.assisted import assisted_session_start
from motcua.accounts.models import AssistedSession
from motcua.accounts.services import membership_grant, roles_ensure_defaults
from motcua.audit.models import AuditRecord
from motcua.conftest import sign_in_with_second_factor
from motcua.core.errors import PermissionDenied, ValidationError
from motcua.places.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(django_user_model, loaded_places):
    roles_ensure_defaults()
    agency = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành")
    receiver = django_user_model.objects.create_user(username="tiepnhan")
    membership_grant(
        actor=None, user=receiver, agency=agency, role_key="receiver", valid_from=date(2025, 7, 1)
    )
    return receiver, agency


def test_a_receiver_records_the_identity_check_and_serves_the_citizen(counter):
    receiver, agency = counter
    session = assisted_session_start(
        official=receiver,
        agency=agency,
        personal_id="079090123456",
        full_name="  Nguyễn   Văn An ",
        date_of_birth=date(1990, 5, 12),
        document_kind="id_card",
        document_number="079090123456",
    )
    assert session.full_name == "Nguyễn Văn An" and session.ended_at is None
    record = AuditRecord.objects.get(action="assisted.start")
    assert record.payload["personal_id"] == "079******456"  # the log never holds the whole number


def test_identity_details_are_checked(counter):
    receiver, agency = counter
    with pytest.raises(ValidationError) as exc:
        assisted_session_start(
            official=receiver,
            agency=agency,
            personal_id="079090123456",
            full_name="An",
            date_of_birth=date(1991, 1, 1),
            document_kind="id_card",
            document_number="1",
        )
    assert exc.value.code == "personal_id_year"
    with pytest.raises(ValidationError):
        assisted_session_start(
            official=receiver,
            agency=agency,
            personal_id="079090123456",
            full_name="An",
            date_of_birth=date(1990, 1, 1),
            document_kind="passport",
            document_number=" ",
        )


def test_only_at_the_officials_own_counter(counter):
    receiver, _ = counter
    other = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Sài Gòn")
    with pytest.raises(PermissionDenied):
        assisted_session_start(
            official=receiver,
            agency=other,
            personal_id="079090123456",
            full_name="An",
            date_of_birth=date(1990, 1, 1),
            document_kind="id_card",
            document_number="1",
        )


def test_desk_flow(client, counter):
    receiver, agency = counter
    client = sign_in_with_second_factor(client, receiver)
    html = client.get("/van-phong/").content.decode()
    assert "Hỗ trợ công dân đang có mặt tại quầy" in html
    response = client.post(
        "/van-phong/ho-tro",
        {
            "agency": agency.pk,
            "personal_id": "079090123456",
            "full_name": "Nguyễn Văn An",
            "date_of_birth": "12/05/1990",
            "document_kind": "id_card",
            "document_number": "079090123456",
        },
    )
    assert response.status_code == 302
    html = client.get("/van-phong/").content.decode()
    assert "Đang hỗ trợ tại quầy" in html and "079******456" in html
    client.post("/van-phong/ho-tro/ket-thuc")
    assert AssistedSession.objects.get().ended_at is not None
    response = client.post(
        "/van-phong/ho-tro",
        {
            "agency": agency.pk,
            "personal_id": "12",
            "full_name": "",
            "date_of_birth": "xx",
            "document_kind": "id_card",
        },
    )
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
