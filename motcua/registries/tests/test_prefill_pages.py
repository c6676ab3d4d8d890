"""The citizen's prefill page and the officials' verification queue, through HTTP."""

from datetime import date

import pytest

from motcua.accounts.services import membership_grant, roles_ensure_defaults
from motcua.conftest import sign_in_with_second_factor
from motcua.places.models import Agency
from motcua.registries.models import DataAccess, DocumentReuse, Person, StoredDocument, VerificationCase
from motcua.registries.synthetic import registry_generate

pytestmark = pytest.mark.django_db
CITIZEN = "motcua.accounts.oidc.CitizenOIDCBackend"


@pytest.fixture
def couple(loaded_places, loaded_catalogue, django_user_model, client):
    registry_generate(people=400, businesses=0, seed=11)
    wife = (
        Person.objects.filter(sex="female", marital_status="married", date_of_death__isnull=True)
        .exclude(spouse_personal_id="")
        .order_by("personal_id")[0]
    )
    user = django_user_model.objects.create_user(
        username=f"vneid-{wife.personal_id}", oidc_subject=wife.personal_id, personal_id=wife.personal_id
    )
    client.force_login(user, backend=CITIZEN)
    return wife, user


def _post(client, code, **data):
    return client.post(f"/tai-khoan/dien-san/{code}", data, follow=True).content.decode()


def test_the_marriage_partner_is_filled_after_the_declaration_and_only_then(client, couple):
    _wife, _ = couple
    other = Person.objects.filter(sex="male", marital_status="single", date_of_death__isnull=True).first()
    _post(client, "1.000894", action="consent", consent="yes")
    typed = {
        "key": "partner",
        "personal_id": other.personal_id,
        "date_of_birth": other.date_of_birth.isoformat(),
    }
    html = _post(client, "1.000894", action="related", **typed)
    assert "Hãy xác nhận quan hệ" in html and not DataAccess.objects.filter(personal_id=other.personal_id)
    html = _post(client, "1.000894", action="related", declare="yes", **typed)
    assert other.full_name in html and "Đã điền từ dữ liệu của người này" in html
    assert DataAccess.objects.get(personal_id=other.personal_id).declared_relation == "other_person"
    html = _post(client, "1.000894", action="related", declare="yes", key="nobody")
    assert "Phần này không có trong tờ khai" in html


def test_other_person_look_ups_are_rate_limited(client, couple):
    _post(client, "1.000894", action="consent", consent="yes")
    typed = {"key": "partner", "declare": "yes", "personal_id": "079099999999", "date_of_birth": "1990-01-01"}
    for _ in range(10):
        assert "Không tìm thấy người có số định danh" in _post(client, "1.000894", action="related", **typed)
    assert "quá nhiều lần" in _post(client, "1.000894", action="related", **typed)


def test_a_correction_shows_both_values_and_a_fixed_field_refuses(client, couple):
    _wife, _ = couple
    _post(client, "1.000894", action="consent", consent="yes")
    html = _post(client, "1.000894", action="correct", field="applicant.phone", value="0987 654 321")
    assert "Do bạn khai" in html and "0987 654 321" in html and "giữ lại để cán bộ đối chiếu" in html
    html = _post(client, "1.000894", action="correct", field="applicant.full_name", value="Tên khác")
    assert "không sửa được" in html and "Tên khác" not in html


def test_a_stored_birth_certificate_is_chosen_instead_of_uploading(client, couple):
    wife, user = couple
    mine = StoredDocument.objects.create(
        owner_personal_id=wife.personal_id,
        kind="birth_certificate",
        number="77/1992",
        issuer="UBND Phường Bến Thành",
        issued_on=date(1992, 5, 2),
    )
    _post(client, "1.004859", action="consent", consent="yes")
    html = client.get("/tai-khoan/dien-san/1.004859").content.decode()
    assert "77/1992" in html and "Dùng giấy tờ này" in html
    html = _post(client, "1.004859", action="choose", document="civil_status_paper", stored_id=str(mine.pk))
    assert "Dùng giấy tờ trong kho dữ liệu của bạn" in html
    assert DocumentReuse.objects.get(prefill__applicant=user).number == "77/1992"
    html = _post(client, "1.004859", action="choose", document="civil_status_paper", stored_id="999999")
    assert "Không tìm thấy giấy tờ này trong kho dữ liệu của bạn" in html
    _post(client, "1.004859", action="unchoose", document="civil_status_paper")
    assert not DocumentReuse.objects.exists()


def test_a_land_certificate_fills_the_parcel_once_chosen(client, couple):
    wife, _ = couple
    StoredDocument.objects.filter(owner_personal_id=wife.personal_id, kind="land_use_certificate").delete()
    _first, second = (
        StoredDocument.objects.create(
            owner_personal_id=wife.personal_id,
            kind="land_use_certificate",
            number=number,
            issuer="Sở Tài nguyên và Môi trường",
            issued_on=date(2015, 1, 1),
            data={
                "parcel_number": parcel,
                "map_sheet": "12",
                "area": 80,
                "address": {"kind": "text", "text": "1 A"},
            },
        )
        for number, parcel in (("AB 000001", "101"), ("AB 000002", "202"))
    )
    _post(client, "1.012790", action="consent", consent="yes")
    html = client.get("/tai-khoan/dien-san/1.012790").content.decode()
    assert "AB 000001" in html and ">202<" not in html  # two certificates: wait for the choice
    documents = client.get("/tai-khoan/dien-san/1.012790")
    key = next(d["document"]["key"] for d in documents.context["documents"] if d["items"])
    html = _post(client, "1.012790", action="choose", document=key, stored_id=str(second.pk))
    assert "202" in html and "AB 000002" in html


def test_nothing_happens_without_consent(client, couple):
    html = _post(client, "1.000894", action="correct", field="applicant.phone", value="0987654321")
    assert "Hãy đồng ý trước" in html and not DataAccess.objects.exists()


def test_the_queue_page_lists_and_resolves_cases(client, loaded_places, django_user_model):
    roles_ensure_defaults()
    centre = Agency.objects.get(
        kind=Agency.Kind.PROVINCIAL_SERVICE_CENTRE, unit__name__contains="Hồ Chí Minh"
    )
    official = django_user_model.objects.create_user(username="verifier", first_name="Lan", last_name="Trần")
    membership_grant(
        actor=None, user=official, agency=centre, role_key="receiver", valid_from=date(2025, 7, 1)
    )
    applicant = django_user_model.objects.create_user(username="abroad", personal_id="079195000123")
    case = VerificationCase.objects.create(
        applicant=applicant,
        personal_id="079195000123",
        full_name="Lê Minh",
        procedure_code="1.000894",
        reason="born_abroad",
    )
    assert client.get("/van-phong/xac-minh/").status_code == 302  # back office: password and code first
    sign_in_with_second_factor(client, official)
    html = client.get("/van-phong/xac-minh/").content.decode()
    assert "Lê Minh" in html and "Sinh ở nước ngoài" in html
    html = client.post(f"/van-phong/xac-minh/{case.pk}/ket-qua", {"outcome": "not_verified"}, follow=True)
    assert "Hãy ghi lý do" in html.content.decode()
    client.post(
        f"/van-phong/xac-minh/{case.pk}/ket-qua", {"outcome": "not_verified", "note": "Thiếu hộ chiếu"}
    )
    case.refresh_from_db()
    assert case.status == "not_verified" and case.note == "Thiếu hộ chiếu"
    assert (
        client.post(f"/van-phong/xac-minh/{case.pk + 99}/ket-qua", {"outcome": "verified"}).status_code == 404
    )


def test_the_population_registry_cannot_be_browsed_in_the_admin(admin_client):
    assert admin_client.get("/admin/registries/person/").status_code == 404
    assert admin_client.get("/admin/registries/storeddocument/").status_code == 404
    assert admin_client.get("/admin/registries/dataaccess/").status_code == 200


def test_a_place_correction_is_undone_by_typing_the_registry_address_back(client, couple):
    _post(client, "1.000894", action="consent", consent="yes")
    from motcua.registries.models import Prefill
    from motcua.registries.services import PrefilledForm

    def residence():
        return PrefilledForm.from_json(Prefill.objects.get().form).values["applicant.residence"]

    registry_text = residence().value["text"]
    _post(client, "1.000894", action="correct", field="applicant.residence", value="12 Đường Khác")
    assert not residence().verified
    _post(client, "1.000894", action="correct", field="applicant.residence", value=registry_text)
    assert residence().verified


def test_nobody_sees_a_business_they_do_not_act_for(client, couple):
    from motcua.registries.models import Business

    Business.objects.create(
        enterprise_code="0312345678",
        name="Công ty TNHH Bến Thành",
        kind="llc",
        head_office={"kind": "text", "text": "1 Lê Lợi"},
        registered_on=date(2015, 1, 1),
        representatives=["079090123456"],
    )
    StoredDocument.objects.create(
        owner_enterprise_code="0312345678",
        kind="land_use_certificate",
        number="CT 999999",
        issuer="Sở Tài nguyên và Môi trường",
        issued_on=date(2015, 1, 1),
        data={"parcel_number": "9", "map_sheet": "9", "area": 90},
    )
    response = client.get("/tai-khoan/dien-san/1.009994?dn=0312345678", follow=True)
    html = response.content.decode()
    assert "không phải người đại diện theo pháp luật" in html and "CT 999999" not in html
    html = _post(client, "1.009994", action="consent", consent="yes", enterprise_code="0312345678")
    assert "CT 999999" not in html and not DataAccess.objects.exists()


def test_cancelling_a_chosen_certificate_clears_what_it_filled(client, couple):
    wife, _ = couple
    StoredDocument.objects.filter(owner_personal_id=wife.personal_id, kind="land_use_certificate").delete()
    certificates = [
        StoredDocument.objects.create(
            owner_personal_id=wife.personal_id,
            kind="land_use_certificate",
            number=f"AB 00000{n}",
            issuer="Sở Tài nguyên và Môi trường",
            issued_on=date(2015, 1, n),
            data={"parcel_number": f"{n}0{n}", "map_sheet": "12", "area": 80},
        )
        for n in (1, 2)
    ]
    _post(client, "1.012790", action="consent", consent="yes")
    key = next(d["document"]["key"] for d in client.get("/tai-khoan/dien-san/1.012790").context["documents"])

    def parcel():
        from motcua.registries.models import Prefill
        from motcua.registries.services import PrefilledForm

        value = PrefilledForm.from_json(Prefill.objects.get().form).values.get("parcel.parcel_number")
        return value.value if value else None

    assert parcel() is None  # two certificates: nothing until one is chosen
    _post(client, "1.012790", action="choose", document=key, stored_id=str(certificates[1].pk))
    assert parcel() == "202"
    _post(client, "1.012790", action="unchoose", document=key)
    assert parcel() is None
