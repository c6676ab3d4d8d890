"""Result documents ("văn bản kết quả") as PDF: the paper an agency issues when it grants a dossier.

Each ``result.template`` of the catalogue has an entry in ``result_templates.yaml``: the title as it
stands on the real document, its book code, and the lines it prints, filled from the dossier's form.
The page follows Decree 30/2020/NĐ-CP: the agency and the document's number on the left, the
national motto and the place and date on the right, the title, the content, the signer's block on
the right; a QR code of the public verification page on the left, with the code and the address
printed beside it for someone without a phone. Only Vietnamese is printed: it is a legal document.

PDF/A. fpdf2 (2.8.5 and later; 2.8.9 is installed) writes PDF/A when it is built with
``enforce_compliance``: it adds the XMP metadata with the ``pdfaid`` part and conformance, an sRGB
output intent (its own sRGB2014 ICC profile), and refuses what the profile forbids (the 14 base fonts,
encryption, file attachments for PDF/A-2). Roboto is embedded as a subset with its ToUnicode map,
so the files are PDF/A-2B. In that mode fpdf2 writes the metadata only as XMP (title, author,
subject, creation date) and no ``/Info`` dictionary. No validator (veraPDF) runs here: the tests
check what fpdf2 promises (the ``pdfaid`` entry, the output intent, every font embedded), not
conformance itself. PDF/A-2B allows the signature pyHanko will add as an incremental update; the
file is never encrypted (PDF/A forbids it, and a signature over an encrypted file is another file).

What an applicant typed is printed, never run: characters the font cannot show become "�", control
and invisible formatting characters are dropped, and a value is cut at ``VALUE_CHARACTERS`` so
that no row is taller than a page. The record keeps the whole value.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import segno
import yaml
from fpdf import FPDF
from fpdf.enums import WrapMode

from motcua.core.time import to_local
from motcua.results.values import (
    FONT_FILES,
    FONTS,
    MISSING,
    _date,
    clean_text,
    date_in_words,
    display_value,
)

COMPLIANCE = "PDF/A-2B"
PLACE = "TP. Hồ Chí Minh"
BLANK = "……"  # a value missing inside a sentence, as on a form filled by hand
PREVIEW_BANNER = "BẢN XEM TRƯỚC – CHƯA KÝ"
AGENCY_HEADS = ("ỦY BAN NHÂN DÂN", "BẢO HIỂM XÃ HỘI", "CÔNG AN", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG")

GENERIC_KEY = "generic"
GENERIC: dict[str, Any] = {
    "title": "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
    "subtitle": "{@procedure}",
    "number_suffix": "KQ",
    "rows": [],
    "all_fields": True,  # list the dossier's own form fields
}
GENERIC_SKIPPED_TYPES = {"phone", "email"}  # contact details are not what the agency decided
GENERIC_ROWS = 40

# Fields every dossier has, whatever its procedure ("@…" in the templates).
DOSSIER_FIELDS = (
    "@agency",
    "@applicant_name",
    "@applicant_personal_id",
    "@procedure",
    "@dossier_code",
    "@issued_date",
)
PLACEHOLDER = re.compile(r"\{(@?[a-z0-9_.]+)\}")


def _load_templates() -> dict[str, dict[str, Any]]:
    with (Path(__file__).parent / "result_templates.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


TEMPLATES: dict[str, dict[str, Any]] = _load_templates()


def template_for(key: str) -> dict[str, Any]:
    """The template named ``key``; the generic result ("kết quả giải quyết thủ tục hành chính",
    listing the form's fields) for a key with no entry, so a new procedure still gets a document."""
    return TEMPLATES.get(key, GENERIC)


def template_fields(template: dict[str, Any]) -> list[tuple[list[str], bool]]:
    """Every field a template reads, as (alternatives, optional): from its rows, paragraphs, title
    and subtitle. The catalogue's tests check each against the procedures that use the template."""
    named: list[tuple[list[str], bool]] = []
    for text in (template.get("title", ""), template.get("subtitle", "")):
        named += [([key], False) for key in PLACEHOLDER.findall(text or "")]
    for row in template.get("rows", []):
        if "field" in row:
            field = row["field"]
            named.append(([field] if isinstance(field, str) else list(field), bool(row.get("optional"))))
        if "paragraph" in row:
            named += [([key], False) for key in PLACEHOLDER.findall(row["paragraph"])]
    return named


# -- values as a person reads them ----------------------------------------------------------------


# -- filling a template from a dossier ------------------------------------------------------------


class _Filler:
    """Reads a template's fields from one dossier: its form data by the procedure's field specs, and
    the dossier's own "@…" fields."""

    def __init__(self, *, dossier: Any, issued_at: datetime) -> None:
        version = dossier.procedure_version
        self.definition: dict[str, Any] = version.data or {}
        self.data: dict[str, Any] = dossier.data or {}
        self.case_key: str = getattr(dossier, "case_key", "") or ""
        self.specs: dict[str, dict[str, Any]] = {}
        self.hidden: set[str] = set()
        for section in self.definition.get("form", {}).get("sections", []):
            for spec in section.get("fields", []):
                self.specs[spec["key"]] = spec
                if not (self._shown(section) and self._shown(spec)):
                    self.hidden.add(spec["key"])
        self.own = {
            "@agency": dossier.competent_agency.name,
            "@applicant_name": dossier.applicant_name,
            "@applicant_personal_id": dossier.applicant_personal_id,
            "@procedure": version.name_vi,
            "@dossier_code": dossier.code or "",
            "@issued_date": f"{to_local(issued_at):%d/%m/%Y}",
        }

    def _shown(self, spec: dict[str, Any]) -> bool:
        """Whether the form asked this question, given the case and the answers (``show_if``): an
        answer left over from a choice the applicant changed is not printed."""
        condition = spec.get("show_if")
        if not condition:
            return True
        if condition.get("case") and condition["case"] != self.case_key:
            return False
        if "field" not in condition:
            return True
        value = self.data.get(condition["field"])
        if "equals" in condition:
            return bool(value == condition["equals"])
        return "in" not in condition or value in condition["in"]

    def raw(self, keys: str | list[str]) -> tuple[dict[str, Any] | None, Any]:
        """The first of ``keys`` that has a value, with its spec; (None, None) when none has."""
        for key in [keys] if isinstance(keys, str) else keys:
            if key in self.hidden:
                continue
            value = self.own.get(key) if key.startswith("@") else self.data.get(key)
            if value not in (None, "", [], {}):
                return self.specs.get(key), value
        return None, None

    def text(self, keys: str | list[str], *, words: bool = False) -> str:
        spec, value = self.raw(keys)
        shown = display_value(spec, value)
        if words and spec and spec.get("type") == "date" and isinstance(value, str) and _date(value):
            shown += f" ({date_in_words(_date(value))})"  # type: ignore[arg-type]
        return shown

    def sentence(self, text: str) -> str:
        def value(match: re.Match[str]) -> str:
            shown = self.text(match.group(1))
            return BLANK if shown == MISSING else shown

        return PLACEHOLDER.sub(value, text)

    def rows(self, template: dict[str, Any]) -> list[tuple[str, str, str]]:
        """(kind, label, text) to print, kind being "row", "paragraph" or "heading"."""
        if template.get("all_fields"):
            return self._all_fields()
        out: list[tuple[str, str, str]] = []
        for row in template.get("rows", []):
            if "heading" in row:
                out.append(("heading", "", clean_text(row["heading"], limit=200)))
            elif "paragraph" in row:
                out.append(("paragraph", "", clean_text(self.sentence(row["paragraph"]))))
            elif "value" in row:
                out.append(("row", row["label"], clean_text(str(row["value"]))))
            else:
                shown = self.text(row["field"], words=bool(row.get("words")))
                if shown == MISSING and row.get("optional"):
                    continue
                out.append(("row", row["label"], shown))
        return out

    def _all_fields(self) -> list[tuple[str, str, str]]:
        out = []
        for key, spec in self.specs.items():
            if spec.get("type") in GENERIC_SKIPPED_TYPES or self.raw(key) == (None, None):
                continue
            label = clean_text(spec.get("label", {}).get("vi", key), limit=200)
            out.append(("row", label, display_value(spec, self.data[key])))
        if len(out) > GENERIC_ROWS:
            out = [*out[:GENERIC_ROWS], ("paragraph", "", "(…)")]
        return out or [("row", "Thủ tục", clean_text(self.own["@procedure"]))]


# -- the page -------------------------------------------------------------------------------------


def date_line(issued_at: datetime) -> str:
    """ "TP. Hồ Chí Minh, ngày 05 tháng 3 năm 2026": Decree 30/2020 writes a day below 10 and the
    months 1 and 2 with a leading zero (so "tháng 01" cannot be read as "tháng 11"), no others."""
    local = to_local(issued_at)
    month = f"{local.month:02d}" if local.month < 3 else str(local.month)
    return f"{PLACE}, ngày {local.day:02d} tháng {month} năm {local.year}"


class _ResultPage(FPDF):
    """An A4 administrative document: Roboto embedded, PDF/A-2B, page numbers from page 2 at the
    top (Decree 30/2020), and under a preview every page carries the banner."""

    LEFT, RIGHT, TOP = 25, 15, 15
    LEFT_COLUMN = (25, 75)  # x, width: agency and number
    RIGHT_COLUMN = (100, 95)  # motto, place and date

    def __init__(self, *, preview: bool) -> None:
        super().__init__(orientation="P", unit="mm", format="A4", enforce_compliance=COMPLIANCE)
        for style, name in FONT_FILES.items():
            self.add_font("Roboto", style, str(FONTS / name))
        self.set_margins(self.LEFT, self.TOP, self.RIGHT)
        self.set_auto_page_break(True, margin=18)
        self.preview = preview

    def header(self) -> None:
        if self.preview:
            self._banner()
        if self.page_no() > 1:
            self.set_font("Roboto", "", 11)
            self.set_y(8)
            self.cell(0, 5, str(self.page_no()), align="C")
            self.set_y(self.TOP)

    def _banner(self) -> None:
        """A pale diagonal line across the page, drawn first so the content stays readable above it.
        Pale grey-red, not transparency: the banner must not depend on how a viewer blends."""
        x, y = self.x, self.y
        self.set_font("Roboto", "B", 40)
        self.set_text_color(235, 200, 200)
        width = self.get_string_width(PREVIEW_BANNER)
        with self.rotation(angle=55, x=self.w / 2, y=self.h / 2):
            self.text(self.w / 2 - width / 2, self.h / 2 + 5, PREVIEW_BANNER)
        self.set_text_color(0, 0, 0)
        self.set_xy(x, y)

    def _rule_under(self, x: float, width: float, length: float) -> None:
        """The short line under the agency's name and under the motto."""
        y = self.get_y() + 0.5
        self.set_line_width(0.3)
        self.line(x + (width - length) / 2, y, x + (width + length) / 2, y)
        self.set_y(y + 1.5)

    def _agency_lines(self, name: str, width: float) -> str:
        """ "ỦY BAN NHÂN DÂN / PHƯỜNG BẾN THÀNH": a name too long for one line breaks after the kind
        of body, as agencies print it, rather than wherever the width runs out."""
        if self.get_string_width(name) <= width - 2:
            return name
        for head in AGENCY_HEADS:
            if name.startswith(head + " "):
                return f"{head}\n{name[len(head) + 1 :]}"
        return name

    def head(self, *, agency: str, number: str, issued_at: datetime) -> None:
        top = self.get_y()
        x, width = self.LEFT_COLUMN
        self.set_xy(x, top)
        self.set_font("Roboto", "B", 11)
        self.multi_cell(
            width, 5.5, self._agency_lines(agency.upper(), width), align="C", new_x="LEFT", new_y="NEXT"
        )
        self._rule_under(x, width, 25)
        self.set_x(x)
        self.set_font("Roboto", "", 11)
        self.multi_cell(width, 6, f"Số: {number or '……'}", align="C", new_x="LEFT", new_y="NEXT")
        left_bottom = self.get_y()

        x, width = self.RIGHT_COLUMN
        self.set_xy(x, top)
        self.set_font("Roboto", "B", 11)
        self.cell(width, 5.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LEFT", new_y="NEXT")
        self.set_font("Roboto", "B", 12)
        motto = "Độc lập - Tự do - Hạnh phúc"
        self.cell(width, 6, motto, align="C", new_x="LEFT", new_y="NEXT")
        self._rule_under(x, width, self.get_string_width(motto))
        self.set_x(x)
        self.set_font("Roboto", "I", 11)
        self.cell(width, 7, date_line(issued_at), align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(left_bottom, self.get_y()) + 8)

    def title_block(self, title: str, subtitle: str) -> None:
        self.set_font("Roboto", "B", 15)
        self.multi_cell(0, 8, title, align="C", new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.set_font("Roboto", "B", 12)
            self.multi_cell(0, 6.5, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(5)

    def content(self, rows: list[tuple[str, str, str]]) -> None:
        for kind, label, text in rows:
            if kind == "heading":
                self.ln(1)
                self.set_font("Roboto", "B", 12)
                self.multi_cell(0, 7, text, align="C", new_x="LMARGIN", new_y="NEXT")
            elif kind == "paragraph":
                self.set_font("Roboto", "", 12)
                self.multi_cell(0, 7, text, align="J", new_x="LMARGIN", new_y="NEXT")
            else:
                self.set_font("Roboto", "", 12)
                self.write(7, f"{label}: ")
                self.set_font("Roboto", "B", 12)
                self.write(7, text)
                self.ln(7)
            self.ln(0.5)

    def closing(self, *, signer_title: str, signer_name: str, code: str, verify_url: str) -> None:
        """The signer's block on the right and, on a signed document, the verification on the left,
        side by side: kept together on one page."""
        height = 48
        self.ln(6)
        if self.will_page_break(height):
            self.add_page()
        top = self.get_y()
        x, width = 105, 90
        self.set_xy(x, top)
        self.set_font("Roboto", "B", 12)
        # "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH": who signs for whom on one line, the signer's own title below.
        title = "\n".join(part.strip() for part in signer_title.upper().split("/") if part.strip())
        self.multi_cell(width, 6, title, align="C", new_x="LEFT", new_y="NEXT")
        self.set_font("Roboto", "I", 10)
        self.ln(4)
        self.set_x(x)
        self.cell(
            width, 6, "(Chưa ký)" if self.preview else "(Đã ký số)", align="C", new_x="LEFT", new_y="NEXT"
        )
        self.ln(10)
        self.set_x(x)
        self.set_font("Roboto", "B", 12)
        self.multi_cell(width, 6, signer_name, align="C", new_x="LMARGIN", new_y="NEXT")
        bottom = self.get_y()
        if not self.preview:
            bottom = max(bottom, self._verification(top=top, code=code, verify_url=verify_url))
        self.set_y(bottom)

    def _verification(self, *, top: float, code: str, verify_url: str) -> float:
        size = 28
        qr = segno.make(verify_url, error="m")
        image = io.BytesIO()
        qr.save(image, kind="png", scale=6, border=2)
        image.seek(0)
        self.image(image, x=self.LEFT, y=top, w=size, h=size)
        x, width = self.LEFT + size + 2, 104 - self.LEFT - size - 2
        self.set_xy(x, top + 1)
        self.set_font("Roboto", "", 8)
        self.multi_cell(width, 4, "Mã xác minh:", align="L", new_x="LEFT", new_y="NEXT")
        self.set_font("Roboto", "B", 11)
        self.multi_cell(width, 5.5, code, align="L", new_x="LEFT", new_y="NEXT", wrapmode=WrapMode.CHAR)
        self.set_font("Roboto", "", 8)
        self.multi_cell(
            width, 4, "Kiểm tra văn bản bằng mã QR hoặc tại địa chỉ:", align="L", new_x="LEFT", new_y="NEXT"
        )
        # The address on one line and the code on the next, so neither breaks where people type it.
        head, _slash, tail = verify_url.rpartition("/")
        for line in (f"{head}/", tail) if head else (verify_url,):
            self.multi_cell(width, 4, line, align="L", new_x="LEFT", new_y="NEXT", wrapmode=WrapMode.CHAR)
        return max(top + size, self.get_y())


def result_pdf(
    *,
    dossier: Any,
    number: str,
    code: str,
    verify_url: str,
    issued_at: datetime,
    signer_name: str,
    signer_title: str,
    preview: bool = False,
) -> bytes:
    """The result document of ``dossier`` as PDF/A-2B bytes, ready to be signed (never encrypted).

    ``number`` is the document's number in the agency's book, ``code`` the public
    verification code and ``verify_url`` the page that shows it; both are printed beside a QR code of
    the address. A ``preview`` is what the signer reads before signing: it says so across every page
    and carries no QR code and no verification code, so it cannot pass for the issued document."""
    template = template_for(dossier.procedure_version.data.get("result", {}).get("template", ""))
    filler = _Filler(dossier=dossier, issued_at=issued_at)
    title = clean_text(filler.sentence(template["title"]), limit=300).upper()
    subtitle = clean_text(filler.sentence(template.get("subtitle") or ""), limit=300)
    agency = clean_text(dossier.competent_agency.name, limit=200)
    procedure = clean_text(dossier.procedure_version.name_vi, limit=300)

    pdf = _ResultPage(preview=preview)
    pdf.set_lang("vi")
    pdf.set_title(f"{title} – {PREVIEW_BANNER}" if preview else f"{title} số {clean_text(number, limit=60)}")
    pdf.set_author(agency)
    pdf.set_subject(procedure)
    pdf.set_creator("motcua")
    pdf.set_creation_date(issued_at)
    pdf.add_page()
    pdf.head(agency=agency, number=clean_text(number, limit=60), issued_at=issued_at)
    pdf.title_block(title, subtitle)
    pdf.content(filler.rows(template))
    pdf.closing(
        signer_title=clean_text(signer_title, limit=200, lines=3),
        signer_name=clean_text(signer_name, limit=150, lines=1),
        code=clean_text(code, limit=40, lines=1),
        verify_url=clean_text(verify_url, limit=300, lines=1),
    )
    return bytes(pdf.output())
