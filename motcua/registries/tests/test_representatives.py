"""A legal representative named by the business registry acts for the business (issue 4)."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.cache import cache

from motcua.accounts.permissions import authorize
from motcua.core.errors import PermissionDenied
from motcua.registries.adapters.local import LocalBusinessRegistry
from motcua.registries.models import Business

pytestmark = pytest.mark.django_db


@dataclass
class Dossier:
    applicant_id: int | None
    applicant_enterprise_code: str
    procedure_code: str | None = "2.000720"
    receiving_agency_id: int | None = None
    competent_agency_id: int | None = None
    current_agency_id: int | None = None


@pytest.fixture
def business(django_user_model):
    representative = django_user_model.objects.create_user(
        username="vneid-079090123456", oidc_subject="rep", personal_id="079090123456"
    )
    other = django_user_model.objects.create_user(
        username="vneid-079190654321", oidc_subject="other", personal_id="079190654321"
    )
    company = Business.objects.create(
        enterprise_code="0312345678",
        name="Công ty TNHH Bến Thành",
        kind="llc",
        head_office={"kind": "text", "text": "12 Lê Lợi"},
        registered_on=date(2015, 3, 2),
        representatives=["079090123456"],
    )
    return company, representative, other


def test_the_registrys_legal_representative_acts_for_the_business_and_nobody_else(business):
    company, representative, other = business
    dossier = Dossier(applicant_id=other.pk, applicant_enterprise_code=company.enterprise_code)
    authorize(representative, "dossier.submit", dossier)
    authorize(representative, "dossier.withdraw", dossier)
    with pytest.raises(PermissionDenied) as refused:
        authorize(other, "dossier.submit", dossier)  # filed it, but is not the representative
    assert "không phải của bạn" in str(refused.value)
    with pytest.raises(PermissionDenied):
        authorize(representative, "dossier.submit", Dossier(other.pk, "0399999999"))  # another business


def test_a_change_in_the_registry_is_followed_and_a_dissolved_business_grants_nothing(business):
    company, representative, _ = business
    dossier = Dossier(applicant_id=None, applicant_enterprise_code=company.enterprise_code)
    authorize(representative, "dossier.submit", dossier)
    company.status = "dissolved"
    company.save()
    cache.clear()  # the registry's answer is cached for minutes
    with pytest.raises(PermissionDenied):
        authorize(representative, "dossier.submit", dossier)


def test_a_registry_that_does_not_answer_grants_nothing(business, settings):
    company, representative, _ = business
    settings.REGISTRY_BUSINESS_URL = "http://127.0.0.1:9/unreachable"
    with pytest.raises(PermissionDenied):
        authorize(
            representative,
            "dossier.submit",
            Dossier(applicant_id=None, applicant_enterprise_code=company.enterprise_code),
        )


def test_the_local_registry_lists_the_businesses_a_person_represents(business):
    _, representative, other = business
    Business.objects.create(
        enterprise_code="0312345679",
        name="Hộ kinh doanh Lan",
        kind="household_business",
        head_office={"kind": "text", "text": "1 Hàm Nghi"},
        registered_on=date(2020, 1, 1),
        representatives=[other.personal_id, representative.personal_id],
    )
    registry = LocalBusinessRegistry()
    assert [b["name"] for b in registry.represented_by(representative.personal_id)] == [
        "Công ty TNHH Bến Thành",
        "Hộ kinh doanh Lan",
    ]
    assert [b["name"] for b in registry.represented_by(other.personal_id)] == ["Hộ kinh doanh Lan"]
    assert registry.represented_by("079090") == []  # part of a number is nobody


def test_the_businesses_page_lists_what_the_citizen_may_act_for(client, business, admin_user):
    from motcua.accounts.services import authorisation_record

    company, representative, other = business
    client.force_login(other)
    page = client.get("/tai-khoan/doanh-nghiep").content.decode()
    assert "Công ty TNHH Bến Thành" not in page and "Chưa có doanh nghiệp nào ủy quyền" in page
    authorisation_record(
        actor=admin_user,
        grantee=other,
        enterprise_code=company.enterprise_code,
        basis="Giấy ủy quyền số 12/2026/UQ",
        valid_from=date(2026, 1, 1),
    )
    page = client.get("/tai-khoan/doanh-nghiep").content.decode()
    assert "Công ty TNHH Bến Thành" in page and "Giấy ủy quyền số 12/2026/UQ" in page
    client.force_login(representative)
    page = client.get("/tai-khoan/doanh-nghiep").content.decode()
    assert "0312345678" in page and "Đang hoạt động" in page


def test_a_representative_gets_the_business_data_filled_and_a_stranger_does_not(
    client, business, loaded_catalogue, loaded_places
):
    company, representative, other = business
    client.force_login(other)
    url = "/tai-khoan/dien-san/2.000575"
    html = client.get(url).content.decode()
    assert "Không: tôi nộp cho bản thân" in html and company.name not in html
    html = client.post(
        url, {"action": "consent", "consent": "yes", "enterprise_code": company.enterprise_code}, follow=True
    ).content.decode()
    assert "không phải người đại diện theo pháp luật" in html and "Hộ kinh doanh chấm dứt" not in html
    client.force_login(representative)
    assert company.name in client.get(url).content.decode()  # offered in the list
    response = client.post(
        url, {"action": "consent", "consent": "yes", "enterprise_code": company.enterprise_code}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"?dn={company.enterprise_code}")
    assert "Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp" in html and "Công ty TNHH Bến Thành" in html
    assert client.get(f"{url}?dn=abc").status_code == 404


def test_an_authorisation_for_one_procedure_fills_that_procedure_only(
    client, business, loaded_catalogue, loaded_places, admin_user
):
    from motcua.accounts.services import authorisation_record

    company, _, other = business
    authorisation_record(
        actor=admin_user,
        grantee=other,
        enterprise_code=company.enterprise_code,
        basis="Giấy ủy quyền số 7/2026/UQ",
        valid_from=date(2026, 1, 1),
        procedure_codes=["2.000575"],
    )
    client.force_login(other)
    form = {"action": "consent", "consent": "yes", "enterprise_code": company.enterprise_code}
    html = client.post("/tai-khoan/dien-san/2.000575", form, follow=True).content.decode()
    assert "Công ty TNHH Bến Thành" in html and "không phải người đại diện" not in html
    html = client.post("/tai-khoan/dien-san/2.000662", form, follow=True).content.decode()
    assert "không phải người đại diện" in html
