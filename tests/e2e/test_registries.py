import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_citizen_sees_data_filled_in_with_its_source_and_the_access_logged(
    page: Page,
    live_server,
    provider_at_live_server,
    catalogue_for_browser,
    loaded_places_e2e,
    settings,
    screenshots,
):
    from motcua.registries.models import Person, StoredDocument
    from motcua.registries.synthetic import registry_generate

    registry_generate(people=300, businesses=0, seed=9)
    settings.DEV_IDP_PASSWORD = "mat-khau-dan-so"
    holders = StoredDocument.objects.filter(kind="birth_certificate").values_list(
        "owner_personal_id", flat=True
    )
    person = Person.objects.filter(
        date_of_death__isnull=True, id_card_issued_on__isnull=False, personal_id__in=holders
    ).first()
    certificate = StoredDocument.objects.filter(
        owner_personal_id=person.personal_id, kind="birth_certificate"
    )[0]

    page.goto(f"{live_server.url}/thu-tuc/1.004859/")
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    page.get_by_label("Số định danh cá nhân / Personal identification number").fill(person.personal_id)
    page.get_by_label("Mật khẩu / Password").fill("mat-khau-dan-so")
    page.get_by_role("button", name="Đăng nhập / Sign in").click()
    expect(page).to_have_url(re.compile(r"/thu-tuc/1\.004859/$"))

    page.get_by_role("link", name="Xem dữ liệu sẽ được điền sẵn cho bạn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dữ liệu được điền sẵn cho bạn")
    page.screenshot(path=screenshots / "prefill-consent.png", full_page=True)
    page.get_by_label(re.compile("Tôi đồng ý để hệ thống lấy thông tin")).check()
    page.get_by_role("button", name="Điền sẵn thông tin của tôi").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text(person.full_name)
    expect(table).to_contain_text("Cơ sở dữ liệu quốc gia về dân cư")

    documents = page.get_by_role("region", name="Giấy tờ bạn không cần tải lên")
    expect(documents).to_contain_text(certificate.number)
    documents.get_by_role("button", name="Dùng giấy tờ này").click()
    expect(page.get_by_role("status").first).to_contain_text("Giấy tờ trong kho dữ liệu sẽ được dùng")
    expect(documents).to_contain_text("Dùng giấy tờ trong kho dữ liệu của bạn")
    page.screenshot(path=screenshots / "prefill-filled.png", full_page=True)

    page.get_by_role("link", name="Ai đã xem dữ liệu của tôi").click()
    expect(page.get_by_role("table")).to_contain_text("Điền sẵn tờ khai thủ tục 1.004859")
    page.screenshot(path=screenshots / "access-log.png", full_page=True)
