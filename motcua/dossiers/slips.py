"""The slips and registers of the one-stop shop as PDF (forms 01–07), printable at a counter.

Laid out like the official forms: the agency and the national motto in the header, a title, and
numbered fields. Roboto (installed from PyPI with motcua) carries the Vietnamese letters, so no
system font is needed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import font_roboto
import segno
from django.utils import translation
from fpdf import FPDF
from fpdf.fonts import FontFace

from motcua.core.time import now, to_local
from motcua.dossiers.control import control_outcome, control_steps
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.states import action_label

FONTS = Path(font_roboto.__file__).parent / "files"

# kind → (form number, title)
KINDS = {
    "receipt": ("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
    "supplement": ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    "refusal": ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ"),
    "apology": ("04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
    "stop": ("05", "PHIẾU DỪNG GIẢI QUYẾT HỒ SƠ"),
    "control": ("06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
    "result": ("", "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"),
}


SLIP_NAMES = {
    "receipt": ("Giấy tiếp nhận (mẫu 01)", "Receipt (form 01)"),
    "supplement": ("Yêu cầu bổ sung (mẫu 02)", "Supplement request (form 02)"),
    "refusal": ("Từ chối (mẫu 03)", "Refusal (form 03)"),
    "apology": ("Thư xin lỗi (mẫu 04)", "Apology (form 04)"),
    "stop": ("Dừng xử lý (mẫu 05)", "Stop (form 05)"),
    "control": ("Phiếu kiểm soát (mẫu 06)", "Control slip (form 06)"),
    "result": ("Kết quả", "Result"),
}


def slip_links(dossier: Dossier, *, english: bool = False) -> list[tuple[str, str]]:
    return [(kind, SLIP_NAMES[kind][1 if english else 0]) for kind in available_slips(dossier)]


def _when(value: datetime | None) -> str:
    return to_local(value).strftime("%H giờ %M, ngày %d/%m/%Y") if value else "—"


class _Slip(FPDF):
    def __init__(self, *, agency_name: str, form: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font("Roboto", "", str(FONTS / "Roboto-Regular.ttf"))
        self.add_font("Roboto", "B", str(FONTS / "Roboto-Bold.ttf"))
        self.add_font("Roboto", "I", str(FONTS / "Roboto-Italic.ttf"))
        self.set_margins(20, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.agency_name, self.form = agency_name, form
        self.add_page()

    def header(self) -> None:
        self.set_font("Roboto", "B", 10)
        top = self.get_y()
        self.multi_cell(75, 5, self.agency_name.upper(), align="C")
        self.set_xy(100, top)
        self.multi_cell(95, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
        self.set_x(100)
        self.set_font("Roboto", "B", 11)
        self.cell(95, 6, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LMARGIN", new_y="NEXT")
        if self.form:
            self.set_font("Roboto", "I", 8)
            self.cell(0, 5, f"Mẫu số {self.form}", align="R", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Roboto", "I", 8)
        self.cell(0, 5, f"motcua · {self.page_no()}/{{nb}}", align="C")

    def title_block(self, title: str, code: str) -> None:
        self.set_font("Roboto", "I", 10)
        self.cell(
            0,
            6,
            f"TP. Hồ Chí Minh, ngày {now():%d} tháng {now():%m} năm {now():%Y}",
            align="R",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.ln(2)
        self.set_font("Roboto", "B", 14)
        self.multi_cell(0, 8, title, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font("Roboto", "", 10)
        self.cell(0, 6, f"Mã hồ sơ: {code}", align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def numbered(self, rows: Iterable[tuple[str, str]]) -> None:
        for number, (label, value) in enumerate(rows, start=1):
            self.set_font("Roboto", "B", 11)
            self.multi_cell(0, 6, f"{number}. {label}:", new_x="LMARGIN", new_y="NEXT")
            self.set_font("Roboto", "", 11)
            self.set_x(self.l_margin + 6)
            self.multi_cell(0, 6, value or "—", new_x="LMARGIN", new_y="NEXT")
            self.ln(1)

    def facts(self, rows: Iterable[tuple[str, str]]) -> None:
        """Numbered fields with the value on the label's line: a compact head for a slip with a table."""
        for number, (label, value) in enumerate(rows, start=1):
            self.set_font("Roboto", "B", 10)
            head = f"{number}. {label}: "
            self.cell(self.get_string_width(head) + 1, 6, head)
            self.set_font("Roboto", "", 10)
            self.multi_cell(0, 6, value or "—", new_x="LMARGIN", new_y="NEXT")

    def signature(self, role: str) -> None:
        self.ln(6)
        self.set_x(110)
        self.set_font("Roboto", "B", 11)
        self.multi_cell(85, 6, role, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_x(110)
        self.set_font("Roboto", "I", 9)
        self.multi_cell(85, 5, "(Ký, ghi rõ họ tên)", align="C", new_x="LMARGIN", new_y="NEXT")


def _last(dossier: Dossier, *actions: str) -> DossierEvent | None:
    return dossier.events.filter(action__in=actions).order_by("-at", "-id").first()


def available_slips(dossier: Dossier) -> list[str]:
    """The slips that exist for this dossier now."""
    kinds = []
    if dossier.received_at and dossier.code:
        kinds.append("receipt")
    actions = {event.action for event in dossier.events.all()}  # uses a prefetch when there is one
    if "request_supplement" in actions:
        kinds.append("supplement")
    if "refuse" in actions:
        kinds.append("refusal")
    if "apologise" in actions:
        kinds.append("apology")
    if actions & {"stop", "confirm_withdrawal"}:
        kinds.append("stop")
    kinds.append("control")
    if dossier.status in (Status.RESULT_READY, Status.DELIVERED) and not dossier.e_result_code:
        kinds.append("result")  # a signed electronic result is the result itself: no unsigned copy
    return kinds


def slip_pdf(dossier: Dossier, kind: str, *, lookup_url: str) -> bytes:
    """One slip of ``dossier`` as PDF bytes. ``lookup_url`` is the public look-up page for the QR."""
    if kind not in available_slips(dossier):
        raise ValueError(f"no {kind} slip for this dossier")
    form, title = KINDS[kind]
    agency = dossier.receiving_agency or dossier.current_agency or dossier.competent_agency
    pdf = _Slip(agency_name=agency.name if kind != "result" else dossier.competent_agency.name, form=form)
    code = dossier.code or dossier.reference
    pdf.title_block(title, code)
    procedure = dossier.procedure_version.name_vi
    who = [("Tổ chức, cá nhân", dossier.applicant_name), ("Thủ tục", procedure)]
    if kind == "receipt":
        documents = dossier.data.get("documents", {})
        papers = [
            d["name"]["vi"]
            for d in dossier.procedure_version.data["documents"]
            if d["key"] in documents or d["form"] == "electronic"
        ]
        pdf.numbered(
            [
                *who,
                ("Thành phần hồ sơ đã nhận", "\n".join(f"- {p}" for p in papers)),
                ("Thời điểm tiếp nhận", _when(dossier.received_at)),
                ("Thời điểm hẹn trả kết quả", _when(dossier.current_due_at)),
                ("Nơi nhận kết quả", (dossier.receiving_agency or agency).name),
            ]
        )
        qr = segno.make(f"{lookup_url}?ma={code}", error="m")
        image = io.BytesIO()
        qr.save(image, kind="png", scale=4, border=2)
        image.seek(0)
        y = pdf.get_y()
        pdf.image(image, x=pdf.l_margin, y=y, w=30, h=30)
        pdf.set_xy(pdf.l_margin + 34, y + 8)
        pdf.set_font("Roboto", "I", 9)
        pdf.multi_cell(0, 5, f"Tra cứu tình trạng hồ sơ: {lookup_url} (mã hồ sơ và 4 số cuối số định danh).")
        pdf.set_y(y + 32)
        pdf.signature("NGƯỜI TIẾP NHẬN")
    elif kind == "supplement":
        event = _last(dossier, "request_supplement")
        items = (event.payload.get("missing") if event else None) or []
        pdf.numbered(
            [
                *who,
                ("Nội dung yêu cầu bổ sung (một lần, đầy đủ)", "\n".join(f"- {i['vi']}" for i in items)),
                ("Lý do / ghi chú", event.note if event else ""),
                ("Thời điểm yêu cầu", _when(event.at if event else None)),
            ]
        )
        pdf.signature("NGƯỜI HƯỚNG DẪN")
    elif kind in ("refusal", "stop"):
        event = (
            _last(dossier, "refuse") if kind == "refusal" else _last(dossier, "stop", "confirm_withdrawal")
        )
        pdf.numbered(
            [*who, ("Lý do", event.note if event else ""), ("Thời điểm", _when(event.at if event else None))]
        )
        pdf.signature("NGƯỜI TIẾP NHẬN" if kind == "refusal" else "THỦ TRƯỞNG CƠ QUAN")
    elif kind == "apology":
        event = _last(dossier, "apologise")
        pdf.numbered(
            [
                *who,
                ("Ngày hẹn trả kết quả ban đầu", _when(dossier.due_at)),
                ("Lý do chậm trễ", event.note if event else ""),
                ("Ngày hẹn trả kết quả mới", _when(dossier.current_due_at)),
            ]
        )
        pdf.set_font("Roboto", "", 11)
        pdf.multi_cell(
            0, 6, "Cơ quan chân thành xin lỗi ông/bà vì sự chậm trễ này.", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.signature("THỦ TRƯỞNG CƠ QUAN")
    elif kind == "control":
        _control_slip(pdf, dossier, who)
    else:  # result: a plain record of the decision until the results app signs e-results
        granted = dossier.outcome != "refused"
        pdf.numbered(
            [
                *who,
                (
                    "Kết quả",
                    dossier.procedure_version.data["result"]["name"]["vi"]
                    if granted
                    else "Từ chối giải quyết",
                ),
                ("Thời điểm có kết quả", _when(dossier.finished_at)),
            ]
        )
        pdf.signature("NGƯỜI CÓ THẨM QUYỀN")
    return bytes(pdf.output())


def _control_slip(pdf: _Slip, dossier: Dossier, who: list[tuple[str, str]]) -> None:
    """Form 06: the dossier judged as a whole, then every step of the procedure with its own outcome,
    then what happened, in order."""
    at = now()
    events = list(dossier.events.select_related("actor", "to_person", "to_agency"))
    overall = control_outcome(dossier, now_at=at)
    facts = [
        *who,
        ("Cơ quan giải quyết", dossier.competent_agency.name),
        ("Thời điểm tiếp nhận", _when(dossier.received_at)),
        ("Hạn trả kết quả ban đầu", _when(overall.due_at)),
    ]
    if overall.statistics_due_at != overall.due_at:
        facts.append(("Hạn dùng để thống kê (cộng thời gian chờ bổ sung)", _when(overall.statistics_due_at)))
    if overall.current_due_at != overall.statistics_due_at and overall.current_due_at != overall.due_at:
        facts.append(("Hạn trả kết quả đã hẹn lại", _when(overall.current_due_at)))
    facts += [
        ("Thời điểm có kết quả", _when(overall.finished_at)),
        ("Kết quả giải quyết hồ sơ (so với hạn ban đầu)", overall.result_label() or "—"),
    ]
    pdf.facts(facts)
    _heading(pdf, "CÁC BƯỚC GIẢI QUYẾT")
    rows = [
        (
            f"{step.name()} ({f'{step.budget_hours:g}'.replace('.', ',')} giờ)",  # "0,5 giờ"
            step.sender or "—",
            step.receiver or "—",
            _short(step.started_at),
            _short(step.due_at),
            _short(step.ended_at),
            step.result_label(),
        )
        for step in control_steps(dossier, events, now_at=at)
    ]
    _table(
        pdf,
        (34, 25, 25, 21, 21, 21, 28),
        ("Bước (thời hạn)", "Bên giao", "Bên nhận", "Bắt đầu", "Hạn của bước", "Kết thúc", "Kết quả"),
        rows,
    )
    _heading(pdf, "DIỄN BIẾN HỒ SƠ")
    log = [
        (
            _short(event.at),
            action_label(event.action),
            event.actor.full_name if event.actor else "—",
            _handed_to(event),
            "\n".join(
                [event.note, *(f"- {i.get('vi', '')}" for i in event.payload.get("missing") or [])]
            ).strip(),
        )
        for event in events
    ]
    _table(
        pdf, (21, 36, 34, 40, 44), ("Thời điểm", "Nội dung", "Người thực hiện", "Chuyển cho", "Ghi chú"), log
    )


def _handed_to(event: DossierEvent) -> str:
    """Whom the dossier went to: a person, or another agency; nothing when it stayed where it was."""
    if event.to_person is not None:
        return event.to_person.full_name
    moved = event.to_agency is not None and event.to_agency_id != event.from_agency_id
    return event.to_agency.name if moved and event.to_agency else "—"


def _short(value: datetime | None) -> str:
    return to_local(value).strftime("%H:%M\n%d/%m/%Y") if value else "—"


def _heading(pdf: _Slip, text: str) -> None:
    pdf.ln(2)
    pdf.set_font("Roboto", "B", 11)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")


def _table(
    pdf: _Slip, widths: tuple[int, ...], heads: tuple[str, ...], rows: Iterable[Iterable[str]]
) -> None:
    """A table whose cells wrap instead of running over; the head row repeats on a new page."""
    pdf.set_font("Roboto", "", 8)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        line_height=4,
        padding=1,
        text_align="LEFT",
        align="LEFT",  # from the left margin, like the fields above
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
    ) as table:
        head = table.row()
        for text in heads:
            head.cell(text)
        for values in rows:
            row = table.row()
            for text in values:
                row.cell(_fit(text or ""))


CELL_CHARACTERS, CELL_LINES = 300, 12


def _fit(text: str) -> str:
    """A cell short enough for one page whatever was typed (a row taller than a page cannot be
    printed at all): the first lines and characters, then "…" — the whole text stays on the record."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    kept = "\n".join(lines[:CELL_LINES])
    if len(kept) > CELL_CHARACTERS:
        kept = kept[:CELL_CHARACTERS].rstrip()
    return kept + "…" if kept != "\n".join(lines) else kept


FORMULA_STARTS = ("=", "+", "-", "@")
REGISTER_HEADS = (
    ("STT", 6),
    ("Mã hồ sơ", 26),
    ("Thủ tục", 48),
    ("Tổ chức, cá nhân", 28),
    ("Tiếp nhận lúc", 17),
    ("Hẹn trả", 17),
    ("Trạng thái", 26),
    ("Hoàn thành lúc", 17),
)


def _cell(value: Any) -> Any:
    """A spreadsheet never runs what an applicant typed as a formula."""
    text = str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else value


def _register_rows(rows: Iterable[Dossier]) -> Iterable[list[Any]]:
    """The register's rows: numbers, texts and local times (Vietnamese whatever the page's language)."""
    with translation.override("vi"):
        for number, dossier in enumerate(rows, start=1):
            yield [
                number,
                dossier.code or dossier.reference,
                dossier.procedure_version.name_vi,
                dossier.applicant_name,
                to_local(dossier.received_at) if dossier.received_at else None,
                to_local(dossier.current_due_at) if dossier.current_due_at else None,
                str(Status(dossier.status).label),
                to_local(dossier.finished_at) if dossier.finished_at else None,
            ]


def register_csv(rows: Iterable[Dossier]) -> str:
    """Form 07, the dossier register, as CSV (UTF-8 with BOM so spreadsheet programs read Vietnamese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([head for head, _width in REGISTER_HEADS])
    for values in _register_rows(rows):
        writer.writerow(
            [
                v.strftime("%d/%m/%Y %H:%M") if isinstance(v, datetime) else _cell("" if v is None else v)
                for v in values
            ]
        )
    return out.getvalue()


def register_xlsx(rows: Iterable[Dossier], *, agencies: Iterable[str], start: date, end: date) -> bytes:
    """Form 07 as an Excel workbook: a title with the agencies and the period, Vietnamese column
    heads, times as real dates. Every text is stored as text, so a name like ``=HYPERLINK(…)`` is
    shown, never run."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)  # rows are streamed: a year of a busy centre stays small in memory
    sheet = book.create_sheet("Sổ theo dõi hồ sơ")
    for index, (_head, width) in enumerate(REGISTER_HEADS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A6"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.print_title_rows = "5:5"

    def text(value: str, **style: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula, whatever the first character
        if value[:1] in FORMULA_STARTS:
            cell.quotePrefix = True  # and it stays text when someone edits the cell
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    sheet.append([text("SỔ THEO DÕI HỒ SƠ", font=Font(bold=True, size=14))])
    sheet.append([text("Mẫu số 07", font=Font(italic=True, size=9))])
    sheet.append([text("; ".join(agencies) or "—", font=Font(bold=True))])
    sheet.append([text(f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}")])
    head_style = {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="EEEEEE"),
        "alignment": Alignment(wrap_text=True, vertical="center"),
    }
    sheet.append([text(head, **head_style) for head, _width in REGISTER_HEADS])
    last = 5
    for values in _register_rows(rows):
        cells: list[Any] = []
        for value in values:
            if isinstance(value, datetime):
                cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))  # Excel has no time zones
                cell.number_format = "dd/mm/yyyy hh:mm"
                cells.append(cell)
            elif isinstance(value, str):
                cells.append(text(value))
            else:
                cells.append(value)
        sheet.append(cells)
        last += 1
    sheet.auto_filter.ref = f"A5:{get_column_letter(len(REGISTER_HEADS))}{last}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def lookup_url_for(request: Any) -> str:
    return request.build_absolute_uri("/tra-cuu-ho-so")
