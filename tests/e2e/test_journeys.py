import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_home_page_and_language_switch(page: Page, live_server, screenshots):
    page.goto(live_server.url)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục hành chính, tại một nơi")
    expect(page.get_by_role("navigation", name="Menu chính")).to_be_visible()
    page.screenshot(path=screenshots / "home-vi.png", full_page=True)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administrative procedures, in one place")
    page.screenshot(path=screenshots / "home-en.png", full_page=True)

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_skip_link_is_the_first_tab_stop(page: Page, live_server):
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip).to_be_focused()
    skip.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_large_text_mode(page: Page, live_server, screenshots):
    page.goto(live_server.url)
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("button", name="Chữ lớn").click()
    expect(page.locator("html")).to_have_class("text-large")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == pytest.approx(
        normal * 1.25
    )
    page.screenshot(path=screenshots / "home-large-text.png", full_page=True)
    page.get_by_role("button", name="Chữ thường").click()
    expect(page.locator("html")).to_have_class("text-normal")


def test_phone_layout_keeps_everything_reachable(browser, live_server, screenshots):
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    page.goto(live_server.url)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.get_by_role("link", name="Tra cứu địa chỉ mới")).to_be_visible()
    page.screenshot(path=screenshots / "home-phone.png", full_page=True)
    context.close()


def test_old_address_to_new_commune(page: Page, live_server, places_for_browser, screenshots):
    page.goto(live_server.url)
    page.get_by_role("link", name="Tra cứu địa chỉ mới").click()
    page.get_by_label("Tỉnh/thành phố (trước ngày 01/7/2025)").fill("TP. Hồ Chí Minh")
    page.get_by_label("Quận/huyện").fill("Bình Chánh")
    page.get_by_label("Phường/xã").fill("An Phú Tây")
    page.get_by_role("button", name="Tra cứu").click()
    result = page.get_by_role("region", name="Kết quả")
    expect(result).to_contain_text("đã được chia tách")
    expect(result.get_by_role("listitem")).to_have_count(2)
    page.screenshot(path=screenshots / "legacy-address-split.png", full_page=True)

    page.get_by_label("Phường/xã").fill("Không Có")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy phường/xã “Không Có”")
    expect(page.get_by_label("Quận/huyện")).to_have_value("Bình Chánh")
    page.screenshot(path=screenshots / "legacy-address-error.png", full_page=True)


def test_due_date_calculator(page: Page, live_server, screenshots):
    page.goto(f"{live_server.url}/places/calendar?year=2026")
    expect(page.get_by_role("cell", name="Tết Nguyên Đán", exact=True)).to_be_visible()
    page.get_by_label("Thời điểm tiếp nhận").fill("2026-02-13T16:00")
    page.get_by_label("Thời hạn giải quyết (ngày làm việc)").fill("1")
    page.get_by_role("button", name="Tính hạn").click()
    expect(page.locator(".result")).to_contain_text("23/02/2026 16:00")
    page.screenshot(path=screenshots / "calendar-2026.png", full_page=True)


def test_administrator_declares_a_make_up_saturday(page: Page, live_server, transactional_db, screenshots):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.services import demo_admin_ensure

    admin = demo_admin_ensure(username="lich", password="mat-khau-dai-du-12")
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    page.goto(f"{live_server.url}/admin/places/calendaroverride/add/")
    # The admin is back office: password, then the code from the authenticator app.
    page.get_by_label("Tên đăng nhập").fill("lich")
    page.get_by_label("Mật khẩu").fill("mat-khau-dai-du-12")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Mã 6 chữ số trong ứng dụng xác thực").fill(
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    )
    page.get_by_role("button", name="Xác thực").click()

    expect(page.locator("#site-name")).to_have_text("Quản trị motcua")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm điều chỉnh lịch làm việc")
    page.locator("#id_date").fill("09/01/2027")
    page.locator("#id_kind").select_option("working_day")
    page.locator("#id_reason").fill("Làm bù theo thông báo thử nghiệm")
    page.screenshot(path=screenshots / "admin-calendar-override.png", full_page=True)
    page.get_by_role("button", name="Lưu lại", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("thành công")
    page.screenshot(path=screenshots / "admin-calendar-overrides.png", full_page=True)

    page.goto(f"{live_server.url}/places/calendar?year=2027")
    expect(page.get_by_text("Làm bù theo thông báo thử nghiệm")).to_be_visible()
