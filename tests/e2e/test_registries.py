import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in_at_dev_idp

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
    sign_in_at_dev_idp(page, person.personal_id)
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


def test_a_citizen_born_abroad_is_verified_by_an_official_at_the_city_centre(
    page: Page,
    live_server,
    provider_at_live_server,
    catalogue_for_browser,
    loaded_places_e2e,
    settings,
    screenshots,
):
    from datetime import date

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.models import User
    from motcua.accounts.services import membership_grant, roles_ensure_defaults
    from motcua.places.models import Agency
    from motcua.registries.models import Person
    from motcua.registries.selectors import registry_sample_born_abroad
    from motcua.registries.synthetic import registry_generate

    if not Person.objects.filter(born_abroad=True).exists():
        registry_generate(people=300, businesses=0, seed=9)
    settings.DEV_IDP_PASSWORD = "mat-khau-dan-so"
    personal_id, full_name = registry_sample_born_abroad()

    # The citizen asks for marriage registration's prefill: the registry cannot vouch for them.
    page.goto(f"{live_server.url}/tai-khoan/dien-san/1.000894")
    sign_in_at_dev_idp(page, personal_id)
    page.get_by_label(re.compile("Tôi đồng ý để hệ thống lấy thông tin")).check()
    page.get_by_role("button", name="Điền sẵn thông tin của tôi").click()
    notice = page.get_by_role("status", name="Cán bộ xác minh thông tin")
    expect(notice).to_contain_text("Sinh ở nước ngoài")
    expect(notice).to_contain_text("trong lúc chờ, bạn vẫn nộp hồ sơ được")
    page.screenshot(path=screenshots / "prefill-verification-pending.png", full_page=True)
    page.context.clear_cookies()

    # An official of the city's centre checks the papers.
    roles_ensure_defaults()
    official = User.objects.create_user(
        username="hcm.receiver", password="mat-khau-can-bo-123", last_name="Phạm An"
    )
    centre = Agency.objects.get(
        kind=Agency.Kind.PROVINCIAL_SERVICE_CENTRE, unit__name__contains="Hồ Chí Minh"
    )
    membership_grant(
        actor=None, user=official, agency=centre, role_key="receiver", valid_from=date(2025, 7, 1)
    )
    device = TOTPDevice.objects.create(user=official, name="app", confirmed=True)
    page.goto(f"{live_server.url}/van-phong/")
    page.get_by_label("Tên đăng nhập").fill("hcm.receiver")
    page.get_by_label("Mật khẩu").fill("mat-khau-can-bo-123")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Mã 6 chữ số trong ứng dụng xác thực").fill(
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    )
    page.get_by_role("button", name="Xác thực").click()
    page.get_by_role("link", name=re.compile("Người cần xác minh")).click()
    case = page.get_by_role("article", name=re.compile(full_name))
    expect(case).to_contain_text("Sinh ở nước ngoài")
    case.get_by_label("Đã xác minh qua giấy tờ").check()
    case.get_by_role("button", name="Ghi nhận").click()
    expect(page.get_by_role("status")).to_contain_text("Hãy ghi giấy tờ đã kiểm tra")
    case = page.get_by_role("article", name=re.compile(full_name))
    case.get_by_label("Đã xác minh qua giấy tờ").check()
    case.get_by_label("Giấy tờ đã kiểm tra (loại, số, nơi cấp)").fill(
        "Hộ chiếu N1234567, Đại sứ quán Việt Nam tại Úc cấp"
    )
    case.get_by_role("button", name="Ghi nhận").click()
    expect(page.get_by_role("status")).to_contain_text("Người dân đã được thông báo")
    expect(page.get_by_role("table")).to_contain_text("Hộ chiếu N1234567")
    page.screenshot(path=screenshots / "verification-queue.png", full_page=True)
