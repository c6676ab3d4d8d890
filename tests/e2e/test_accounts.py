import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_citizen_signs_in_with_the_development_provider(
    page: Page, live_server, provider_at_live_server, screenshots
):
    page.goto(live_server.url)
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    expect(page.get_by_role("note")).to_contain_text("KHÔNG phải VNeID")
    page.get_by_label("Số định danh cá nhân / Personal identification number").fill("079188654321")
    page.get_by_label("Mật khẩu / Password").fill("mat-khau-cong-dan")
    page.screenshot(path=screenshots / "dev-idp-login.png", full_page=True)
    page.get_by_role("button", name="Đăng nhập / Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))  # back where the citizen started
    page.get_by_role("link", name="Trần Thị Bích").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản của tôi")
    expect(page.get_by_text("Xin chào Trần Thị Bích.")).to_be_visible()
    page.screenshot(path=screenshots / "citizen-profile.png", full_page=True)


def test_official_signs_in_with_password_and_code(page: Page, live_server, loaded_places_e2e, screenshots):
    from datetime import date

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.models import User
    from motcua.accounts.services import membership_grant, roles_ensure_defaults
    from motcua.places.models import Agency

    roles_ensure_defaults()
    official = User.objects.create_user(
        username="benthanh.receiver", password="mat-khau-can-bo-123", first_name="Lan", last_name="Nguyễn Thị"
    )
    agency = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành")
    membership_grant(
        actor=None, user=official, agency=agency, role_key="receiver", valid_from=date(2025, 7, 1)
    )
    device = TOTPDevice.objects.create(user=official, name="app", confirmed=True)

    page.goto(f"{live_server.url}/van-phong/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập dành cho cán bộ")
    page.get_by_label("Tên đăng nhập").fill("benthanh.receiver")
    page.get_by_label("Mật khẩu").fill("mat-khau-can-bo-123")
    page.screenshot(path=screenshots / "backoffice-login.png", full_page=True)
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mã xác thực")
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    page.get_by_label("Mã 6 chữ số trong ứng dụng xác thực").fill(code)
    page.get_by_role("button", name="Xác thực").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bàn làm việc")
    expect(
        page.get_by_role("heading", name="Trung tâm Phục vụ hành chính công Phường Bến Thành")
    ).to_be_visible()
    page.screenshot(path=screenshots / "backoffice-desk.png", full_page=True)
