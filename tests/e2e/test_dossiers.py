"""A dossier from the citizen's online application to the result, across two wards' centres."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in_at_dev_idp, sign_in_official

pytestmark = pytest.mark.e2e


def _official(username, agency, role):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.models import User
    from motcua.accounts.services import membership_grant

    user = User.objects.create_user(username=username, password="mat-khau-can-bo-123", last_name=username)
    membership_grant(actor=None, user=user, agency=agency, role_key=role, valid_from=date(2025, 7, 1))
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def test_citizen_applies_online_and_officials_of_two_wards_see_it_through(
    page: Page,
    live_server,
    provider_at_live_server,
    catalogue_for_browser,
    loaded_places_e2e,
    settings,
    screenshots,
):
    from motcua.accounts.services import roles_ensure_defaults
    from motcua.places.models import Agency
    from motcua.registries.models import Person, StoredDocument
    from motcua.registries.synthetic import registry_generate

    registry_generate(people=300, businesses=0, seed=9)
    settings.DEV_IDP_PASSWORD = "mat-khau-dan-so"
    roles_ensure_defaults()
    centres = {a.unit.code: a for a in Agency.objects.filter(kind="commune_centre").select_related("unit")}
    holders = set(
        StoredDocument.objects.filter(kind="marital_status_certificate").values_list(
            "owner_personal_id", flat=True
        )
    )
    person = next(
        p
        for p in Person.objects.filter(
            marital_status="single",
            date_of_death__isnull=True,
            phone__gt="",
            born_abroad=False,
            naturalised=False,
            date_of_birth__lt=date(2006, 1, 1),
            personal_id__in=holders,
        ).order_by("personal_id")
        if (p.permanent_residence or {}).get("kind") == "unit"
        and p.permanent_residence.get("unit_code") in centres
    )
    certificate = StoredDocument.objects.get(
        owner_personal_id=person.personal_id, kind="marital_status_certificate"
    )
    home = centres[person.permanent_residence["unit_code"]]
    other = Agency.objects.exclude(pk=home.pk).get(kind="commune_centre", unit__name="Phường Sài Gòn")
    receiver = _official("sg.receiver", other, "receiver")
    processor = _official("home.processor", home, "processor")
    head = _official("home.head", home, "head")
    signer = _official("home.signer", home, "signer")

    # The citizen applies online, with their data filled in and a stored certificate instead of
    # the paper, choosing another ward's centre.
    page.goto(f"{live_server.url}/thu-tuc/1.004873/")
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    sign_in_at_dev_idp(page, person.personal_id)
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_role("link", name="Điền sẵn thông tin của tôi trước").click()
    page.get_by_label(re.compile("Tôi đồng ý để hệ thống lấy thông tin")).check()
    page.get_by_role("button", name="Điền sẵn thông tin của tôi").click()
    stored = page.get_by_role("region", name="Giấy tờ bạn không cần tải lên")
    expect(stored).to_contain_text(certificate.number)
    stored.get_by_role("button", name="Dùng giấy tờ này").click()
    expect(stored).to_contain_text("Dùng giấy tờ trong kho dữ liệu của bạn")
    page.get_by_role("link", name="Tiếp tục nộp hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nộp hồ sơ trực tuyến")
    expect(page.locator("#application")).to_contain_text(person.full_name)
    expect(page.locator("main")).to_contain_text(certificate.number)
    page.get_by_label("Xác nhận thông thường").check()
    page.get_by_label("Trung tâm tiếp nhận hồ sơ và trả kết quả").select_option(label=other.name)
    expect(page.locator("[name='purpose.partner_full_name']")).to_be_hidden()  # only for a marriage
    page.get_by_label("Mục đích sử dụng Giấy xác nhận *").select_option("marriage")
    expect(page.locator("[name='purpose.other_text']")).to_be_hidden()
    page.get_by_label("Họ tên người dự định kết hôn *").fill("Trần Thị Mai")
    page.locator("[name='purpose.partner_date_of_birth']").fill("1996-04-02")
    page.locator("[name='purpose.partner_nationality']").fill("VN")
    page.screenshot(path=screenshots / "apply-online.png", full_page=True)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    expect(page.get_by_role("status").first).to_contain_text("Đã nộp hồ sơ")
    expect(page.get_by_role("table")).to_contain_text("Đã nộp trực tuyến, chờ tiếp nhận")

    # A receiver at Phường Sài Gòn receives it and passes it to the deciding ward's processor.
    sign_in_official(page, live_server.url, receiver.user)
    page.get_by_role("link", name="Hồ sơ", exact=True).first.click()
    page.screenshot(path=screenshots / "desk-queue.png", full_page=True)
    page.get_by_role("link", name=re.compile("^TN-")).first.click()
    expect(page.locator("main")).to_contain_text(certificate.number)  # the reused certificate, not a scan
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Đã thực hiện: Tiếp nhận")
    code = page.get_by_role("heading", level=1).inner_text().split()[-1]
    assert code.startswith(other.electronic_id)
    hand_over = page.locator("form", has=page.get_by_role("heading", name="Chuyển xử lý"))
    hand_over.get_by_label("Chuyển cho").select_option(label="home.processor")
    hand_over.get_by_role("button", name="Chuyển xử lý").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã thực hiện")
    page.screenshot(path=screenshots / "desk-dossier.png", full_page=True)

    # The processor ticks it in their queue and hands it to the head, who approves; the signer signs.
    sign_in_official(page, live_server.url, processor.user)
    page.goto(f"{live_server.url}/van-phong/ho-so/?q=mine")
    page.get_by_label(f"Chọn {code}").check()
    bulk = page.get_by_role("group", name="Chuyển xử lý các hồ sơ đã chọn")
    bulk.get_by_label("Chuyển cho").select_option(label="home.head")
    page.screenshot(path=screenshots / "desk-bulk-hand-over.png", full_page=True)
    bulk.get_by_role("button", name="Chuyển xử lý các hồ sơ đã chọn").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Đã chuyển cho home.head: {code}")
    sign_in_official(page, live_server.url, head.user)
    page.goto(f"{live_server.url}/van-phong/ho-so/?q=mine")
    page.get_by_role("link", name=code).click()
    page.get_by_role("button", name="Duyệt, trình ký").click()
    # Wait for the answer before signing in as someone else: the boosted form's late reply would
    # otherwise replace the sign-in page.
    expect(page.get_by_role("status").first).to_contain_text("Đã thực hiện")
    sign_in_official(page, live_server.url, signer.user)
    page.goto(f"{live_server.url}/van-phong/ho-so/?q=signature")
    page.get_by_role("link", name=code).click()
    page.get_by_role("link", name="Đọc và ký kết quả").click()
    page.get_by_role("button", name="Ký số và ban hành").click()
    expect(page.locator(".facts").first).to_contain_text("Đã có kết quả")
    page.screenshot(path=screenshots / "desk-signed.png", full_page=True)

    # The citizen sees the result ready and downloads the slips.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/thu-tuc/1.004873/")
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    sign_in_at_dev_idp(page, person.personal_id)
    expect(page).to_have_url(re.compile(r"/thu-tuc/1\.004873/$"))
    page.goto(f"{live_server.url}/tai-khoan/ho-so")
    expect(page.get_by_role("table")).to_contain_text("Đã có kết quả")
    page.get_by_role("link", name=code).click()
    expect(page.locator("main")).to_contain_text("Đã có kết quả")
    page.screenshot(path=screenshots / "citizen-result-ready.png", full_page=True)
    for name in ("Giấy tiếp nhận (mẫu 01)", "Tải kết quả đã ký (PDF)"):
        href = page.get_by_role("link", name=name, exact=True).get_attribute("href")
        slip = page.request.get(f"{live_server.url}{href}")
        assert slip.ok and slip.headers["content-type"] == "application/pdf"
        assert slip.body().startswith(b"%PDF-")

    # Anyone with the code and the last four digits follows it.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/tra-cuu-ho-so")
    page.get_by_label("Mã hồ sơ hoặc mã tham chiếu").fill(code)
    page.get_by_label(re.compile("4 số cuối")).fill(person.personal_id[-4:])
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("region", name=code)).to_contain_text("Đã có kết quả")
    page.screenshot(path=screenshots / "public-lookup.png", full_page=True)


def _scanned_pdf() -> bytes:
    """A small two-page PDF, as a counter scanner would make."""
    from fpdf import FPDF

    pdf = FPDF()
    for text in ("Giay xac nhan tinh trang hon nhan", "Trang 2"):
        pdf.add_page()
        pdf.set_font("helvetica", size=14)
        pdf.cell(text=text)
    return bytes(pdf.output())


def test_a_counter_dossier_with_a_supplement_request_and_the_papers_brought_back(
    page: Page, live_server, catalogue_for_browser, loaded_places_e2e, screenshots
):
    from motcua.accounts.services import roles_ensure_defaults
    from motcua.places.models import Agency

    roles_ensure_defaults()
    centre = Agency.objects.get(kind="commune_centre", unit__name="Phường Bến Thành")
    receiver = _official("bt.receiver", centre, "receiver")
    _official("bt.processor", centre, "processor")
    sign_in_official(page, live_server.url, receiver.user)
    page.get_by_role("link", name="Hồ sơ", exact=True).first.click()
    page.get_by_role("link", name="Tiếp nhận tại quầy").click()
    page.get_by_label("Thủ tục").select_option("1.004873")
    page.get_by_role("button", name="Mở tờ khai").click()
    page.get_by_label("Họ và tên *").fill("Trần Thị Bình")
    page.get_by_label(re.compile("^Số định danh cá nhân \\(nhập")).fill("079190123457")
    page.get_by_label("Xác nhận thông thường").check()
    page.get_by_label("Xã, phường giải quyết hồ sơ").select_option(label="Phường Bến Thành")
    page.locator("[name='applicant.full_name']").fill("Trần Thị Bình")
    page.locator("[name='applicant.personal_id']").fill("079190123457")
    page.locator("[name='applicant.date_of_birth']").fill("1990-03-04")
    page.locator("[name='applicant.sex']").select_option("female")
    page.locator("[name='applicant.nationality']").fill("VN")
    page.locator("[name='applicant.residence']").fill("12 Lê Lợi, Phường Bến Thành")
    page.locator("[name='applicant.phone']").fill("0912345678")
    page.locator("[name='status.marital_status']").select_option("single")
    page.locator("[name='purpose.kind']").select_option("other")
    expect(page.locator("[name='purpose.partner_full_name']")).to_be_hidden()
    page.locator("[name='purpose.other_text']").fill("Bổ sung hồ sơ vay vốn")
    # The receiver scans the old certificate; a file that only calls itself a PDF is refused first,
    # with the reason beside the paper and nothing typed lost.
    paper = page.locator("#paper-previous_certificate")
    paper.get_by_label("Bản quét giấy tờ").set_input_files(
        {"name": "gxn-cu.pdf", "mimeType": "application/pdf", "buffer": b"MZ not a PDF at all"}
    )
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(paper).to_contain_text("gxn-cu.pdf: Chỉ nhận tệp PDF, JPEG hoặc PNG")
    expect(page.get_by_label("Họ và tên *")).to_have_value("Trần Thị Bình")
    expect(page.locator("[name='purpose.other_text']")).to_have_value("Bổ sung hồ sơ vay vốn")
    paper.get_by_label("Bản quét giấy tờ").set_input_files(
        {"name": "GXN tình trạng hôn nhân 2024.pdf", "mimeType": "application/pdf", "buffer": _scanned_pdf()}
    )
    page.screenshot(path=screenshots / "counter-form.png", full_page=True)
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Đã tiếp nhận, mã hồ sơ")
    papers = page.get_by_role("region", name="Giấy tờ", exact=True)
    expect(papers).to_contain_text("GXN tình trạng hôn nhân 2024.pdf (2 trang")
    with page.expect_download() as download:
        papers.get_by_role("link", name=re.compile("GXN tình trạng hôn nhân 2024.pdf")).click()
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    # The scan waits for the worker; done (here in the test's process), the page shows the PDF made.
    digitised = page.get_by_role("region", name="Số hóa tại quầy")
    expect(digitised).to_contain_text("0 / 1 giấy tờ")
    from motcua.results.digitisation import digitisation_run
    from motcua.results.models import Digitisation

    for waiting in Digitisation.objects.all():
        digitisation_run(digitisation_id=waiting.pk)
    expect(digitised.locator("progress")).to_have_attribute("value", "2", timeout=10_000)
    digitised.locator("summary").first.click()
    page.screenshot(path=screenshots / "counter-digitised.png", full_page=True)
    expect(digitised.get_by_role("link", name="Tải bản số hóa (PDF)")).to_be_visible()

    supplement = page.locator("form", has=page.get_by_role("heading", name="Yêu cầu bổ sung"))
    supplement.get_by_label(re.compile("Mọi thành phần cần bổ sung")).fill(
        "Giấy xác nhận nơi cư trú trước năm 2020\nẢnh chân dung"
    )
    supplement.get_by_role("button", name="Yêu cầu bổ sung").click()
    expect(page.locator(".facts").first).to_contain_text("Chờ bổ sung hồ sơ")
    expect(page.get_by_role("table").last).to_contain_text("Ảnh chân dung")

    back = page.locator("form", has=page.get_by_role("heading", name="Nhận bổ sung tại quầy"))
    back.get_by_label("Lý do / ghi chú").fill("Đã nhận đủ hai thành phần")
    back.get_by_role("button", name="Nhận bổ sung tại quầy").click()
    expect(page.locator(".facts").first).to_contain_text("Đã tiếp nhận · Đã bổ sung, chờ tiếp nhận lại")
    hand_over = page.locator("form", has=page.get_by_role("heading", name="Chuyển xử lý"))
    hand_over.get_by_label("Chuyển cho").select_option(label="bt.processor")
    hand_over.get_by_role("button", name="Chuyển xử lý").click()
    expect(page.locator(".facts").first).to_contain_text("Đang giải quyết")
    page.screenshot(path=screenshots / "counter-dossier.png", full_page=True)
