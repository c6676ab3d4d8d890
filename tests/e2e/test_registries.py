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
    from motcua.registries.models import Person
    from motcua.registries.synthetic import registry_generate

    registry_generate(people=300, businesses=0, seed=9)
    settings.DEV_IDP_PASSWORD = "mat-khau-dan-so"
    person = Person.objects.filter(date_of_death__isnull=True, id_card_issued_on__isnull=False).first()

    page.goto(f"{live_server.url}/thu-tuc/1.004873/")
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    page.get_by_label("Số định danh cá nhân / Personal identification number").fill(person.personal_id)
    page.get_by_label("Mật khẩu / Password").fill("mat-khau-dan-so")
    page.get_by_role("button", name="Đăng nhập / Sign in").click()
    expect(page).to_have_url(re.compile(r"/thu-tuc/1\.004873/$"))

    page.get_by_role("link", name="Xem dữ liệu sẽ được điền sẵn cho bạn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dữ liệu được điền sẵn cho bạn")
    expect(page.get_by_role("table")).to_contain_text(person.full_name)
    expect(page.get_by_role("table")).to_contain_text("Cơ sở dữ liệu quốc gia về dân cư")
    page.screenshot(path=screenshots / "prefill-preview.png", full_page=True)

    page.get_by_role("link", name="Ai đã xem dữ liệu của tôi").click()
    expect(page.get_by_role("table")).to_contain_text("Xem trước dữ liệu điền sẵn cho thủ tục 1.004873")
    page.screenshot(path=screenshots / "access-log.png", full_page=True)
