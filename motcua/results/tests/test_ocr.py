"""OCR of scanned papers (issue 7): Vietnamese text with its diacritics, pages of images and PDFs,
the plain image page without OCR, and what the health check says when OCR is missing."""

import io
import time
import unicodedata
from pathlib import Path

import font_roboto
import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from motcua.results import ocr

ROBOTO = Path(font_roboto.__file__).parent / "files" / "Roboto-Regular.ttf"
HEADING = "Cộng hòa xã hội chủ nghĩa Việt Nam"
TITLE = "Giấy khai sinh"


def paper(*lines: str, size: tuple[int, int] = (1654, 2339), font_size: int = 56) -> Image.Image:
    """An A4 page at 200 dpi with ``lines`` printed in Roboto, as a scanner would give it."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(ROBOTO), font_size)
    for index, line in enumerate(lines):
        draw.text((140, 180 + index * font_size * 2), line, font=font, fill="black")
    return image


def jpeg(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, dpi=(200, 200), **options)
    return out.getvalue()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(200, 200))
    return out.getvalue()


def pdf_of(*images: Image.Image) -> bytes:
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=200, save_all=True, append_images=list(images[1:]))
    return out.getvalue()


def words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def require_ocr() -> None:
    available, reason = ocr.ocr_status()
    if not available:
        pytest.skip(f"OCR is not available here ({reason}): install tesseract-ocr and tesseract-ocr-vie")


@pytest.fixture(autouse=True)
def _fresh_probe():
    ocr.ocr_status_forget()
    yield
    ocr.ocr_status_forget()


def test_vietnamese_text_is_read_with_its_diacritics():
    require_ocr()
    [page] = ocr.pages_of(jpeg(paper(HEADING, "Độc lập - Tự do - Hạnh phúc", TITLE)), "image/jpeg")
    started = time.monotonic()
    pdf, text = ocr.page_to_pdf(page)
    print(f"OCR of one A4 page at 200 dpi: {time.monotonic() - started:.2f} s")
    assert HEADING in words(text) and TITLE in words(text)
    assert {"Cộng", "Việt", "Giấy", "Độc", "Hạnh", "phúc"} <= set(words(text).split())
    layer = words(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert "Giấy khai sinh" in layer  # the page is searchable, not only its text kept aside


def test_a_page_keeps_the_size_of_the_paper():
    [page] = ocr.pages_of(png(paper(TITLE)), "image/png")
    for use_ocr in (False, True) if ocr.ocr_status()[0] else (False,):
        pdf, _text = ocr.page_to_pdf(page, ocr=use_ocr)
        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_without_ocr_a_page_is_the_scanned_image_alone():
    [page] = ocr.pages_of(jpeg(paper(TITLE)), "image/jpeg")
    pdf, text = ocr.page_to_pdf(page, ocr=False)
    assert text == "" and PdfReader(io.BytesIO(pdf)).pages[0].extract_text().strip() == ""


def test_a_pdf_is_read_page_by_page_at_200_dpi():
    scan = pdf_of(paper("một"), paper("hai"), paper("ba"))
    pages = ocr.pages_of(scan, "application/pdf")
    first = next(pages)  # a generator: one page in memory at a time
    assert first.mode == "RGB" and abs(first.width - 1654) <= 2 and first.info["dpi"][0] == pytest.approx(200)
    assert len(list(pages)) == 2


def test_a_photo_taken_sideways_is_turned_upright_and_made_rgb():
    upright = paper(TITLE, size=(800, 1131)).convert("L")
    sideways = upright.rotate(90, expand=True)  # what the phone stored, with a tag saying "turn it"
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    [page] = ocr.pages_of(jpeg(sideways, exif=exif.tobytes()), "image/jpeg")
    assert page.size == (800, 1131) and page.mode == "RGB"


def test_a_transparent_png_is_put_on_white_paper():
    image = Image.new("RGBA", (400, 600), (0, 0, 0, 0))
    [page] = ocr.pages_of(png(image), "image/png")
    assert page.mode == "RGB" and page.getpixel((10, 10)) == (255, 255, 255)


def test_a_huge_scan_is_scaled_down_and_a_damaged_one_is_unreadable():
    [page] = ocr.pages_of(png(Image.new("L", (7000, 5000), 255)), "image/png")
    assert max(page.size) == ocr.MAX_SIDE
    for content, kind in (
        (b"%PDF-1.4 not a pdf", "application/pdf"),
        (b"\xff\xd8\xff\xe0 broken", "image/jpeg"),
    ):
        with pytest.raises(ocr.ScanUnreadable):
            list(ocr.pages_of(content, kind))


def test_tesseract_failing_on_a_page_is_said_so(monkeypatch):
    require_ocr()
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "false")  # runs, exits 1, writes nothing
    [page] = ocr.pages_of(jpeg(paper(TITLE)), "image/jpeg")
    with pytest.raises(ocr.OcrFailed):
        ocr.page_to_pdf(page, ocr=True)
    pages = list(ocr.searchable_pages(jpeg(paper(TITLE)), "image/jpeg", ocr=True))
    assert [(text, failed) for _pdf, text, failed in pages] == [("", True)]  # kept as the image


def test_pages_are_put_together_in_order():
    pages = [
        ocr.page_to_pdf(next(ocr.pages_of(png(paper(word)), "image/png")), ocr=False)[0] for word in "abc"
    ]
    merged = PdfReader(io.BytesIO(ocr.merge_pdfs(pages)))
    assert len(merged.pages) == 3


def test_ocr_is_off_when_the_setting_says_so_or_tesseract_is_missing(settings, monkeypatch):
    settings.MOTCUA_OCR_ENABLED = False
    assert ocr.ocr_status() == (False, "switched off with OCR_ENABLED=false")
    del settings.MOTCUA_OCR_ENABLED
    monkeypatch.setenv("OCR_ENABLED", "false")
    assert ocr.ocr_status()[0] is False
    monkeypatch.delenv("OCR_ENABLED")
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    ocr.ocr_status_forget()
    assert ocr.ocr_status() == (False, "tesseract-ocr is not installed")


# --- the health check ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_lists_ocr_unavailable_and_stays_ok(client, settings):
    settings.MOTCUA_OCR_ENABLED = False
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["checks"]["ocr"]["status"] == "unavailable"
    assert "without a text layer" in body["checks"]["ocr"]["detail"]


@pytest.mark.django_db
def test_healthz_says_ocr_is_ok_when_installed(client):
    require_ocr()
    assert client.get("/healthz").json()["checks"]["ocr"] == {"status": "ok"}


@pytest.mark.django_db
def test_the_administrators_system_page_explains_ocr_missing(
    client, settings, admin_client, django_user_model
):
    from motcua.conftest import sign_in_with_second_factor

    settings.MOTCUA_OCR_ENABLED = False
    page = admin_client.get("/van-phong/he-thong")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nhận dạng chữ (OCR)" in html and "bản quét vẫn được lưu và số hóa, nhưng không có lớp chữ" in html
    assert "scans are still stored and digitised, without a text layer" in html  # and in English
    assert "Cơ sở dữ liệu" in html and "Hàng đợi tác vụ nền" in html

    official = django_user_model.objects.create_user(username="not-an-admin")
    sign_in_with_second_factor(client, official)
    refused = client.get("/van-phong/he-thong")
    assert refused.status_code == 403 and "Nhận dạng chữ" not in refused.content.decode()
