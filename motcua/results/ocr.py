"""Reading scanned papers ("nhận dạng chữ", OCR): pages out of a scan, one PDF page per page with a
text layer when tesseract and its Vietnamese data (``tesseract-ocr-vie``) are installed, and the
pages put together into one PDF.

OCR is optional: without it a page is the scanned image alone, so a paper is still digitised (and
the admin's health page says why there is no text). ``OCR_ENABLED=false`` (or the setting
``MOTCUA_OCR_ENABLED = False``) turns it off on a machine where it is installed but too slow.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps

from motcua.core.health import OK, UNAVAILABLE, HealthCheck

DPI = 200  # what PDF pages are rasterised at: enough for tesseract, a page of ~2 MP
MAX_SIDE = 3508  # pixels on the longer side (A4 at 300 dpi): larger scans are scaled down
MAX_PIXELS = 60_000_000  # a decoded image larger than this is refused, never decoded
JPEG_QUALITY = 80
LANGUAGE = "vie"
A4_LONG_SIDE_INCHES = 11.69

logger = logging.getLogger(__name__)


class ScanUnreadable(Exception):
    """The scan itself cannot be read (damaged, protected, an image too large to decode)."""


class OcrFailed(Exception):
    """Tesseract failed or timed out on one page: the page is kept as an image."""


# --- is OCR available? ------------------------------------------------------------------------


def _enabled_by_settings() -> bool:
    configured = getattr(settings, "MOTCUA_OCR_ENABLED", None)
    if configured is None:
        configured = os.environ.get("OCR_ENABLED", "true").strip().lower() not in {"0", "false", "no", "off"}
    return bool(configured)


@functools.cache
def _tesseract_probe() -> tuple[bool, str, str]:
    """Whether tesseract runs and knows Vietnamese (asked once per process: it forks a program)."""
    try:
        import pytesseract
    except ImportError:
        return False, "chưa cài thư viện pytesseract", "the pytesseract library is not installed"
    try:
        pytesseract.get_tesseract_version()
        languages = pytesseract.get_languages(config="")
    except Exception:  # not found, not executable, or it crashed: all mean "no OCR here"
        return False, "chưa cài tesseract-ocr", "tesseract-ocr is not installed"
    if LANGUAGE not in languages:
        return (
            False,
            "chưa cài gói tiếng Việt tesseract-ocr-vie",
            "tesseract-ocr-vie (the Vietnamese language data) is not installed",
        )
    return True, "", ""


def ocr_status_explained() -> tuple[bool, str, str]:
    """Whether OCR runs here, and if not why, in Vietnamese and in English."""
    if not _enabled_by_settings():
        return False, "đã tắt bằng cấu hình OCR_ENABLED=false", "switched off with OCR_ENABLED=false"
    return _tesseract_probe()


def ocr_status() -> tuple[bool, str]:
    """(True, "") when tesseract and its Vietnamese data are installed and OCR is not switched off;
    otherwise (False, the reason in English)."""
    available, _vi, en = ocr_status_explained()
    return available, en


def ocr_status_forget() -> None:
    """Ask tesseract again on the next ``ocr_status`` (after installing it, in tests)."""
    _tesseract_probe.cache_clear()


def ocr_health() -> HealthCheck:
    """The health check the results app registers: OCR missing is information, not a fault."""
    available, vi, en = ocr_status_explained()
    if available:
        return HealthCheck(
            status=OK,
            title_vi="Nhận dạng chữ (OCR)",
            title_en="Text recognition (OCR)",
            detail_vi="tesseract với dữ liệu tiếng Việt: bản quét tại quầy có lớp chữ tìm kiếm được.",
            detail_en="tesseract with Vietnamese data: papers scanned at the counter get a text layer.",
        )
    return HealthCheck(
        status=UNAVAILABLE,
        title_vi="Nhận dạng chữ (OCR)",
        title_en="Text recognition (OCR)",
        detail_vi=f"Không dùng được: {vi} — bản quét vẫn được lưu và số hóa, nhưng không có lớp chữ. "
        "Cài gói tesseract-ocr và tesseract-ocr-vie rồi khởi động lại để có chữ.",
        detail_en=f"Unavailable: {en} — scans are still stored and digitised, without a text layer. "
        "Install tesseract-ocr and tesseract-ocr-vie and restart to get text.",
    )


def _page_timeout() -> int:
    return int(getattr(settings, "MOTCUA_OCR_PAGE_TIMEOUT", os.environ.get("OCR_PAGE_TIMEOUT", 120)))


# --- pages of a scan --------------------------------------------------------------------------


def pages_of(content: bytes, content_type: str) -> Iterator[Image.Image]:
    """The pages of a scan as RGB images, one at a time (a 30-page PDF is never all in memory).
    Each image carries its resolution in ``info["dpi"]``, so its PDF page has the paper's size."""
    if content_type in ("image/jpeg", "image/png"):
        yield _image_page(content)
    elif content_type == "application/pdf":
        yield from _pdf_pages(content)
    else:
        raise ScanUnreadable(f"not a scan type: {content_type}")


def _image_page(content: bytes) -> Image.Image:
    try:
        image: Image.Image = Image.open(io.BytesIO(content))
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ScanUnreadable(f"image of {width}×{height} pixels is too large")
        if image.format == "JPEG":  # decode a large photo at a fraction of its size, cheaply
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        dpi = image.info.get("dpi")
        image = ImageOps.exif_transpose(image)  # phones store the page sideways with a tag
        image = _rgb(image)
    except ScanUnreadable:
        raise
    except Exception as error:  # Pillow raises many kinds for a damaged file
        raise ScanUnreadable(f"image unreadable: {error.__class__.__name__}") from error
    if max(image.size) > MAX_SIDE:
        shrink = MAX_SIDE / max(image.size)
        image = image.resize(
            (max(1, round(image.width * shrink)), max(1, round(image.height * shrink))),
            Image.Resampling.LANCZOS,
        )
    image.info["dpi"] = _image_dpi(image, dpi, max(image.size) / max(width, height))
    return image


def _image_dpi(image: Image.Image, declared: object, scale: float) -> tuple[float, float]:
    """The scanner's resolution when it gives a paper-sized page; otherwise (a phone photo at
    "72 dpi" would be a page a metre tall) the page is made A4-sized."""
    try:
        x = float(declared[0]) * scale  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        x = 0.0
    if x > 0 and 3 <= max(image.size) / x <= 17:
        return (x, x)
    fitted = max(image.size) / A4_LONG_SIDE_INCHES
    return (fitted, fitted)


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # 16-bit or float grey: to 8 bits
        image = image.point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")  # transparent parts of a scan are paper
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _pdf_pages(content: bytes) -> Iterator[Image.Image]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(content)
    except Exception as error:  # damaged or protected
        raise ScanUnreadable(f"PDF unreadable: {error.__class__.__name__}") from error
    try:
        for index in range(len(document)):
            try:
                page = document[index]
                width, height = page.get_size()
                scale = DPI / 72
                if max(width, height) * scale > MAX_SIDE:  # a poster-sized page: bound the pixels
                    scale = MAX_SIDE / max(width, height)
                bitmap = page.render(scale=scale)
                image = bitmap.to_pil().convert("RGB")  # a copy: the bitmap's memory is freed next
                bitmap.close()
                page.close()
            except Exception as error:
                reason = f"PDF page {index + 1} unreadable: {error.__class__.__name__}"
                raise ScanUnreadable(reason) from error
            image.info["dpi"] = (72 * scale, 72 * scale)
            yield image
    finally:
        document.close()


# --- PDF pages --------------------------------------------------------------------------------


def page_to_pdf(image: Image.Image, *, ocr: bool | None = None) -> tuple[bytes, str]:
    """One page as a one-page PDF, and the text read from it.

    With OCR (by default when ``ocr_status`` says it is available) the page is tesseract's
    searchable PDF — the image with an invisible text layer — and the text it recognised; raises
    ``OcrFailed`` when tesseract fails or takes longer than ``OCR_PAGE_TIMEOUT`` seconds. Without
    OCR, the image alone and ""."""
    if ocr is None:
        ocr = ocr_status()[0]
    dpi = image.info.get("dpi") or (DPI, DPI)
    if not ocr:
        out = io.BytesIO()
        image.save(out, "PDF", resolution=float(dpi[0]), quality=JPEG_QUALITY)
        return out.getvalue(), ""
    import pytesseract

    with tempfile.TemporaryDirectory(prefix="motcua-ocr-") as folder:
        # Given a JPEG file, tesseract puts it in the PDF as it is instead of re-encoding the pixels
        # without loss (several MB a page). Both outputs come from one recognition pass.
        path = Path(folder) / "page.jpg"
        image.save(path, "JPEG", quality=JPEG_QUALITY, dpi=(round(dpi[0]), round(dpi[1])))
        try:
            pdf, text = pytesseract.pytesseract.run_and_get_multiple_output(
                str(path), extensions=["pdf", "txt"], lang=LANGUAGE, timeout=_page_timeout()
            )
        except Exception as error:  # TesseractError, a timeout (RuntimeError), the binary gone
            raise OcrFailed(f"{error.__class__.__name__}: {str(error)[:200]}") from error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return pdf, unicodedata.normalize("NFC", text).replace("\f", "").strip()


def searchable_pages(content: bytes, content_type: str, *, ocr: bool) -> Iterator[tuple[bytes, str, bool]]:
    """Each page of a scan as a one-page PDF, its text, and whether OCR failed on it — such a page is
    kept as the image alone rather than lost. Raises ``ScanUnreadable`` when the scan cannot be read."""
    for image in pages_of(content, content_type):
        try:
            page, text = page_to_pdf(image, ocr=ocr)
            failed = False
        except OcrFailed as error:
            logger.warning("OCR failed on a page, kept as an image: %s", error)
            page, text = page_to_pdf(image, ocr=False)
            failed = True
        image.close()
        yield page, text, failed


def merge_pdfs(pages: list[bytes]) -> bytes:
    """The one-page (or longer) PDFs as one document, in order. What every page repeats (tesseract's
    text-layer font) is kept once."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in pages:
        writer.append(PdfReader(io.BytesIO(page)))
    writer.compress_identical_objects()
    writer.add_metadata({"/Producer": "motcua"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
