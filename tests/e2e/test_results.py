"""Electronic results (issue 7): the signer signs a certificate of marital status, the citizen
downloads it, anyone checks it from its QR code, and the citizen reuses it to apply for marriage."""

import io
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import OFFICIAL_PASSWORD, sign_in_at_dev_idp, sign_in_official

pytestmark = pytest.mark.e2e

CITIZEN_PASSWORD = "mat-khau-dan-so"


def _official(username: str, name: str, agency, role: str):
    """An official with ``role`` at ``agency`` and an authenticator app (TOTP device)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.models import User
    from motcua.accounts.services import membership_grant

    family, _, given = name.rpartition(" ")
    user = User.objects.create_user(
        username=username, password=OFFICIAL_PASSWORD, last_name=family, first_name=given
    )
    membership_grant(actor=None, user=user, agency=agency, role_key=role, valid_from=date(2025, 7, 1))
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def _citizen_account(person):
    """The person's e-ID at the development identity provider and their account here, as their first
    sign-in would leave them (the dossier below is theirs before the browser opens)."""
    from motcua.accounts.devidp.services import dev_identity_from_registry
    from motcua.accounts.models import User

    identity = dev_identity_from_registry(personal_id=person.personal_id, password=CITIZEN_PASSWORD)
    family, _, given = person.full_name.rpartition(" ")
    return User.objects.create_user(
        username=f"vneid-{person.personal_id}",
        oidc_subject=identity.subject,
        personal_id=person.personal_id,
        last_name=family,
        first_name=given,
        phone=person.phone,
    )


def _awaiting_signature(*, citizen, person, partner, centre, officials):
    """A certificate-of-marital-status dossier of ``person`` (to marry ``partner``), submitted online,
    received, handed to the head and approved: waiting for the signer."""
    from motcua.catalogue.selectors import procedure_version_in_force
    from motcua.dossiers.demo import sample_form_data
    from motcua.dossiers.services import dossier_submit_online, dossier_transition

    version = procedure_version_in_force(code="1.004873")
    data = sample_form_data(
        version,
        **{
            "applicant.full_name": person.full_name,
            "applicant.personal_id": person.personal_id,
            "applicant.date_of_birth": person.date_of_birth.isoformat(),
            "applicant.sex": person.sex,
            "applicant.ethnicity": person.ethnicity,
            "applicant.nationality": person.nationality,
            "applicant.residence": person.permanent_residence,
            "applicant.phone": person.phone,
            "status.marital_status": "single",
            "purpose.kind": "marriage",
            "purpose.partner_full_name": partner.full_name,
            "purpose.partner_date_of_birth": partner.date_of_birth.isoformat(),
            "purpose.partner_nationality": partner.nationality,
            "purpose.marriage_place": partner.permanent_residence["label"],
        },
    )
    data.pop("purpose.other_text")  # only asked for another purpose than a marriage
    dossier = dossier_submit_online(
        applicant=citizen,
        version=version,
        case_key="standard",
        data=data,
        documents={},
        unit=centre.unit,
        submission_key="e2e-results",
    )
    dossier = dossier_transition(actor=officials["receiver"], dossier=dossier, action="receive")
    dossier = dossier_transition(
        actor=officials["receiver"], dossier=dossier, action="hand_over", to_person=officials["head"]
    )
    return dossier_transition(actor=officials["head"], dossier=dossier, action="approve")


def _pdf_first_page_png(pdf, png) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        document[0].render(scale=1.5).to_pil().save(png)
    finally:
        document.close()


def _with_a_byte_flipped_in_a_content_stream(content: bytes) -> bytes:
    """The signed PDF with one byte of its first page's content stream changed: inside the range
    the signature covers, so neither the hash nor the signature may hold."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject

    contents = PdfReader(io.BytesIO(content)).pages[0].raw_get("/Contents")
    if isinstance(contents, ArrayObject):
        contents = contents[0]
    header = list(re.finditer(rb"(?<![0-9])%d 0 obj" % contents.idnum, content))[-1]
    start = re.compile(rb"stream\r?\n").search(content, header.end()).end()
    assert content.index(b"endstream", start) - start > 40
    position = start + 20
    return content[:position] + bytes([content[position] ^ 0x01]) + content[position + 1 :]


@pytest.mark.browser_context_args(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
def test_a_signed_certificate_is_downloaded_checked_from_its_qr_code_and_reused_for_a_marriage(
    page: Page,
    live_server,
    provider_at_live_server,
    catalogue_for_browser,
    loaded_places_e2e,
    settings,
    screenshots,
    tmp_path,
):
    from pypdf import PdfReader

    from motcua.accounts.services import roles_ensure_defaults
    from motcua.core.time import to_local
    from motcua.dossiers.models import Dossier
    from motcua.places.models import Agency
    from motcua.registries.models import Person, StoredDocument
    from motcua.registries.synthetic import registry_generate
    from motcua.results.models import ResultDocument

    registry_generate(people=300, businesses=0, seed=9)
    settings.DEV_IDP_PASSWORD = CITIZEN_PASSWORD
    roles_ensure_defaults()
    centre = Agency.objects.get(kind="commune_centre", unit__name="Phường Bến Thành")
    adults = Person.objects.filter(
        marital_status="single",
        date_of_death__isnull=True,
        phone__gt="",
        born_abroad=False,
        naturalised=False,
        date_of_birth__lt=date(2006, 1, 1),
    ).order_by("personal_id")
    person = next(p for p in adults if (p.permanent_residence or {}).get("unit_code") == centre.unit.code)
    # The other spouse-to-be lives in another ward, where the marriage is registered: that is why
    # the person needs the certificate of their own ward.
    partner = next(
        p
        for p in adults.exclude(sex=person.sex)
        if (p.permanent_residence or {}).get("kind") == "unit"
        and p.permanent_residence["unit_code"] != centre.unit.code
    )
    citizen = _citizen_account(person)
    officials = {
        "receiver": _official("bt.tiepnhan", "Lê Thị Thu", centre, "receiver"),
        "head": _official("bt.truongphong", "Nguyễn Minh Khoa", centre, "head"),
        "signer": _official("bt.ky", "Trần Thị Bình", centre, "signer"),
    }
    dossier = _awaiting_signature(
        citizen=citizen, person=person, partner=partner, centre=centre, officials=officials
    )

    # The signer opens the dossier, reads what will be issued and signs it as a deputy.
    sign_in_official(page, live_server.url, officials["signer"])
    page.goto(f"{live_server.url}/van-phong/ho-so/{dossier.pk}")
    page.get_by_role("link", name="Đọc và ký kết quả").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ký số kết quả điện tử")
    expect(page.locator("main")).to_contain_text(person.full_name)
    expect(page.get_by_role("region", name="Chứng thư số dùng để ký")).to_contain_text("SHA-256")
    title = page.get_by_label("Chức danh dưới chữ ký")
    expect(title).to_have_value("CHỦ TỊCH")
    preview_action = page.get_by_role("button", name="Đọc bản xem trước (PDF)").get_attribute("formaction")
    preview = page.request.get(f"{live_server.url}{preview_action}?signer_title=CHỦ TỊCH")
    assert preview.ok and preview.headers["content-type"] == "application/pdf"
    (tmp_path / "preview.pdf").write_bytes(preview.body())
    assert "XEM TRƯỚC" in PdfReader(tmp_path / "preview.pdf").pages[0].extract_text()
    _pdf_first_page_png(tmp_path / "preview.pdf", screenshots / "result-preview-pdf.png")
    title.fill("KT. Chủ tịch Phó Chủ tịch")
    page.screenshot(path=screenshots / "result-sign.png", full_page=True)
    page.get_by_role("button", name="Ký số và ban hành").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã ký: kết quả số")
    result = ResultDocument.objects.get(dossier=dossier)
    expect(page.get_by_role("status").first).to_contain_text(
        f"Đã ký: kết quả số {result.number}, mã xác minh {result.code}."
    )
    expect(page.locator(".facts").first).to_contain_text("Đã có kết quả")
    expect(page.get_by_role("region", name="Kết quả điện tử")).to_contain_text(result.code)
    page.screenshot(path=screenshots / "result-desk-signed.png", full_page=True)
    assert result.signer_title == "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"

    # The citizen follows the link to their dossier, signs in with e-ID and downloads the result.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/tai-khoan/ho-so/{dossier.pk}")
    sign_in_at_dev_idp(page, person.personal_id, CITIZEN_PASSWORD)
    expect(page).to_have_url(re.compile(rf"/tai-khoan/ho-so/{dossier.pk}$"))
    mine = page.get_by_role("region", name="Kết quả điện tử của bạn")
    expect(mine).to_contain_text(result.code)
    expect(page.locator(".facts").first).to_contain_text("Đã có kết quả")
    page.screenshot(path=screenshots / "result-citizen-dossier.png", full_page=True)
    with page.expect_download() as download:
        mine.get_by_role("link", name="Tải kết quả đã ký (PDF)").click()
    assert download.value.suggested_filename == f"ket-qua-{result.code}.pdf"
    signed_pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(signed_pdf)
    assert signed_pdf.read_bytes() == result.pdf.open("rb").read()
    _pdf_first_page_png(signed_pdf, screenshots / "result-signed-pdf.png")
    text = PdfReader(signed_pdf).pages[0].extract_text()
    assert person.full_name in text and result.number in text and result.code in text
    # The address under the QR code (what the code encodes) may be wrapped onto two lines.
    printed = re.search(r"https?://\S+?/verify/[0-9A-Z]{12}", re.sub(r"\s+", "", text))
    assert printed and printed.group(0) == f"{settings.SITE_URL}/verify/{result.code}"

    # Their document store keeps it, with where to check it.
    page.goto(f"{live_server.url}/tai-khoan/kho-du-lieu")
    expect(page.locator("main")).to_contain_text(result.number)
    page.screenshot(path=screenshots / "result-document-store.png", full_page=True)

    # Anyone who scans the QR code sees the result is genuine, with the holder's initials only.
    page.goto(f"{live_server.url}{urlsplit(printed.group(0)).path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác minh kết quả")
    expect(page.get_by_role("status").first).to_contain_text("Kết quả thật")
    card = page.get_by_role("region", name="Giấy xác nhận tình trạng hôn nhân")
    initials = " ".join(f"{part[0]}." for part in person.full_name.split())
    for shown in (result.agency.name, result.number, f"{to_local(result.issued_at):%d/%m/%Y}", initials):
        expect(card).to_contain_text(shown)
    expect(page.locator("main")).not_to_contain_text(person.full_name)
    page.screenshot(path=screenshots / "result-verify.png", full_page=True)

    # Who knows the holder's number sees the full name.
    page.get_by_label(re.compile("^Số định danh cá nhân của người được cấp")).fill(person.personal_id)
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(card).to_contain_text(f"{person.full_name} ✓ số định danh khớp")
    page.screenshot(path=screenshots / "result-verify-holder.png", full_page=True)

    # The file the citizen was given is the one issued...
    page.get_by_label(re.compile("^Tệp PDF bạn nhận được")).set_input_files(signed_pdf)
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Kết quả thật — tệp bạn đưa lên đúng là kết quả đã cấp với mã này"
    )
    page.screenshot(path=screenshots / "result-verify-file.png", full_page=True)

    # ... and a copy with one byte changed is not.
    changed = tmp_path / "ket-qua-da-sua.pdf"
    changed.write_bytes(_with_a_byte_flipped_in_a_content_stream(signed_pdf.read_bytes()))
    page.get_by_label(re.compile("^Tệp PDF bạn nhận được")).set_input_files(changed)
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("Không phải kết quả thật")
    expect(page.locator(".problems")).to_contain_text("Tệp này khác bản kết quả đã cấp với mã này")
    page.screenshot(path=screenshots / "result-verify-changed-file.png", full_page=True)

    # Who holds only the paper types the code printed under the QR code, as they read it.
    page.get_by_role("link", name="Xác minh mã khác").click()
    page.get_by_label("Mã xác minh").fill(" ".join(re.findall("....", result.code.lower())))
    page.screenshot(path=screenshots / "result-verify-start.png", full_page=True)
    page.get_by_role("button", name="Xác minh").click()
    expect(page).to_have_url(re.compile(rf"/verify/{result.code}$"))
    expect(page.get_by_role("status").first).to_contain_text("Kết quả thật")

    # The citizen applies to register the marriage at the partner's ward, with the certificate from
    # their document store instead of a paper, and the partner's data from the population registry.
    page.goto(f"{live_server.url}/thu-tuc/1.000894/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_role("link", name="Điền sẵn thông tin của tôi trước").click()
    page.get_by_label(re.compile("Tôi đồng ý để hệ thống lấy thông tin")).check()
    page.get_by_role("button", name="Điền sẵn thông tin của tôi").click()
    stored = page.get_by_role("region", name="Giấy tờ bạn không cần tải lên")
    stored.get_by_label(re.compile(re.escape(result.number))).check()
    stored.get_by_role("button", name="Dùng giấy tờ này").click()
    expect(stored).to_contain_text(f"Dùng giấy tờ trong kho dữ liệu của bạn {result.number}")
    other_party = page.get_by_role("region", name="Bên kết hôn còn lại")
    other_party.get_by_label("Số định danh cá nhân của người này").fill(partner.personal_id)
    other_party.get_by_label("Ngày sinh của người này").fill(partner.date_of_birth.isoformat())
    other_party.get_by_role("checkbox").check()
    other_party.get_by_role("button", name="Điền sẵn thông tin người này").click()
    expect(other_party).to_contain_text("Đã điền từ dữ liệu của người này")
    page.screenshot(path=screenshots / "result-reuse-prefill.png", full_page=True)

    page.get_by_role("link", name="Tiếp tục nộp hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nộp hồ sơ trực tuyến")
    page.get_by_label("Một bên cư trú ở xã khác hoặc đã từng cư trú nhiều nơi").check()
    page.locator("#unit").select_option(partner.permanent_residence["unit_code"])
    page.locator("[name='applicant.marriage_number']").fill("1")
    page.locator("[name='partner.personal_id']").fill(partner.personal_id)
    page.locator("[name='partner.date_of_birth']").fill(partner.date_of_birth.isoformat())
    page.locator("[name='partner.marriage_number']").fill("1")
    page.locator("[name='ceremony.declaration_confirmed']").check()
    papers = page.get_by_role("region", name="Giấy tờ", exact=True)
    expect(papers).to_contain_text(f"Dùng giấy tờ trong kho dữ liệu của bạn {result.number}")
    page.screenshot(path=screenshots / "result-reuse-apply.png", full_page=True)
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    expect(page.get_by_role("status").first).to_contain_text("Đã nộp hồ sơ")

    marriage = Dossier.objects.get(applicant=citizen, procedure_code="1.000894")
    reused = marriage.data["documents"]["marital_status_certificate"]["reused"]
    issued = StoredDocument.objects.get(pk=result.stored_document_id)
    assert (issued.kind, issued.owner_personal_id) == ("marital_status_certificate", person.personal_id)
    assert reused["number"] == result.number and str(reused["stored_id"]) == str(issued.pk), reused
