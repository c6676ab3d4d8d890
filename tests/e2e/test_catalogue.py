import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_search_without_diacritics_then_read_a_procedure(
    page: Page, live_server, catalogue_for_browser, screenshots
):
    page.goto(live_server.url)
    page.get_by_role("link", name="Thủ tục", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục hành chính")
    page.screenshot(path=screenshots / "catalogue-home.png", full_page=True)

    box = page.get_by_label("Bạn cần làm thủ tục gì?")
    box.press_sequentially("giay xac nhan doc than", delay=20)
    results = page.locator("#search-results")
    first = results.get_by_role("listitem").first
    expect(first).to_contain_text("Cấp Giấy xác nhận tình trạng hôn nhân")  # arrived as you typed, no submit
    expect(first.locator("mark").first).to_be_visible()
    page.screenshot(path=screenshots / "catalogue-search.png", full_page=True)

    first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/thu-tuc/1\.004873/$"))
    expect(page.get_by_role("heading", name="Hồ sơ cần chuẩn bị")).to_be_visible()
    expect(page.get_by_role("heading", name="Phí, lệ phí")).to_be_visible()
    expect(page.locator("table")).to_contain_text("₫")
    page.screenshot(path=screenshots / "procedure-1.004873.png", full_page=True)


def test_certified_copy_fees_per_page(page: Page, live_server, catalogue_for_browser, screenshots):
    page.goto(f"{live_server.url}/thu-tuc/?q=chung+thuc+ban+sao")
    page.get_by_role("link", name=re.compile("Chứng thực bản sao")).first.click()
    expect(page.locator("table")).to_contain_text("trang 1–2: 2.000 ₫/trang")
    page.screenshot(path=screenshots / "procedure-2.000815.png", full_page=True)


def test_api_documentation_loads(page: Page, live_server, screenshots):
    page.goto(f"{live_server.url}/api/docs")
    expect(page.get_by_text("motcua API")).to_be_visible(timeout=15000)
    page.screenshot(path=screenshots / "api-docs.png")
