"""The dashboards' tables, and every one of them as CSV and as an Excel workbook.

A ``Table`` is defined once — its columns, its rows, the link behind each number — and the page
renders it (``display_rows``) and the exports write it, so what is downloaded is what is shown. The
CSV starts with a UTF-8 byte-order mark, which is how Excel knows to read Vietnamese; the workbook
says above the table which scope and period it is, and holds real numbers with number formats.
Texts are never run as formulas by a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import numberformat
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _

from motcua.core.time import now, to_local

KINDS = ("text", "int", "percent", "days", "score", "date", "datetime")
NUMERIC = frozenset({"int", "percent", "days", "score"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_FORMATS = {
    "int": "#,##0",
    "percent": "0.00%",
    "days": "0.00",
    "score": "0.00",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD_ROW = 6  # the title, the scope, the period, when it was exported, a blank line, then the heads


@dataclass(frozen=True)
class Column:
    head: str
    kind: str = "text"
    width: int = 14  # in the workbook, in characters
    shown: bool = True  # False: in the downloads only (the page shows it another way)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    @property
    def wide(self) -> bool:
        """A name or a title: the page keeps it from being squeezed into a narrow column."""
        return self.kind == "text" and self.width >= 30


@dataclass(frozen=True)
class Cell:
    """A value with what the page adds to it: the list behind it, or why it is missing."""

    value: Any
    href: str = ""
    kind: str = ""  # instead of the column's (the indicators' values: per cent or working days)
    note: str = ""  # why there is no value (n/a)


@dataclass
class Table:
    key: str  # what ``?table=`` names
    slug: str  # the file name's first part, e.g. "chi-so-phuc-vu"
    title: str
    columns: Sequence[Column]
    rows: list[list[Any]] = field(default_factory=list)
    scope: str = ""
    start: date | None = None
    end: date | None = None
    empty: str = ""  # what the page says when there is no row
    csv_url: str = ""  # the page's download links
    xlsx_url: str = ""

    def cells(self) -> Iterator[list[tuple[Cell, str]]]:
        """Each row as (cell, kind)."""
        for row in self.rows:
            out = []
            for column, value in zip(self.columns, row, strict=True):
                cell = value if isinstance(value, Cell) else Cell(value)
                out.append((cell, cell.kind or column.kind))
            yield out

    @property
    def shown_columns(self) -> list[Column]:
        return [column for column in self.columns if column.shown]

    def display_rows(self) -> list[list[dict[str, Any]]]:
        """What the page's table shows: localised texts, links, notes; numbers aligned right."""
        return [
            [
                {
                    "text": display(cell.value, kind),
                    "href": cell.href,
                    "note": cell.note,
                    "numeric": kind in NUMERIC,
                    "wide": column.wide,
                    "missing": cell.value is None,
                }
                for (cell, kind), column in zip(row, self.columns, strict=True)
                if column.shown
            ]
            for row in self.cells()
        ]


def grouped(value: Any, decimals: int) -> str:
    """A number with the active language's separators and thousands grouped: 49.596 / 84,51 in
    Vietnamese, 49,596 / 84.51 in English."""
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR"),
        decimals,
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def display(value: Any, kind: str) -> str:
    """A value as the page shows it, in the active language's number and date formats."""
    if value is None or value == "":
        return _("n/a") if kind in NUMERIC else "—"
    if kind == "int":
        return grouped(value, 0)
    if kind == "percent":
        return f"{grouped(value, 2)} %"
    if kind in ("days", "score"):
        return grouped(value, 2)
    if kind == "date":
        return date_format(value, "SHORT_DATE_FORMAT")
    if kind == "datetime":
        return date_format(to_local(value), "SHORT_DATETIME_FORMAT")
    return str(value)


def _safe_text(text: str) -> str:
    """A spreadsheet never runs a text as a formula."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def _csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "int":
        return str(int(value))
    if kind in ("percent", "days", "score"):
        return f"{Decimal(str(value)):.2f}"
    if kind == "date":
        return f"{value:%d/%m/%Y}"
    if kind == "datetime":
        return f"{to_local(value):%d/%m/%Y %H:%M}"
    return _safe_text(str(value))


def table_csv(table: Table) -> bytes:
    """The table as CSV: one head row, then the rows; per cent and days with two decimals and a
    dot, dates day first."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_safe_text(column.head) for column in table.columns])
    for row in table.cells():
        writer.writerow([_csv_value(cell.value, kind) for cell, kind in row])
    return out.getvalue().encode("utf-8")


def period_text(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return ""
    return _("From %(start)s to %(end)s") % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}


def table_xlsx(table: Table) -> bytes:
    """The table as a workbook: its title, scope, period and time of export above a head row,
    numbers as numbers (per cent as a per-cent format), dates as dates, a filter on the heads."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(re.sub(r"[\\/*?:\[\]]", " ", table.title)[:31] or "Sheet")
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{HEAD_ROW + 1}"
    sheet.print_title_rows = f"{HEAD_ROW}:{HEAD_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1

    def text(value: str, **style: Any) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula, whatever the first character
        if value[:1] in FORMULA_STARTS:
            cell.quotePrefix = True
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    sheet.append([text(table.title, font=Font(bold=True, size=14))])
    sheet.append([text(_("Scope: %(scope)s") % {"scope": table.scope or "—"}, font=Font(bold=True))])
    sheet.append([text(period_text(table.start, table.end))])
    sheet.append(
        [text(_("Exported at %(at)s") % {"at": f"{to_local(now()):%H:%M %d/%m/%Y}"}, font=Font(italic=True))]
    )
    sheet.append([])
    heads = {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="EEEEEE"),
        "alignment": Alignment(wrap_text=True, vertical="center"),
    }
    sheet.append([text(column.head, **heads) for column in table.columns])
    last = HEAD_ROW
    for row in table.cells():
        cells: list[Any] = []
        for cell, kind in row:
            value = cell.value
            if value is None:
                cells.append(None)
            elif kind in XLSX_FORMATS:
                if kind == "percent":
                    value = float(value) / 100
                elif kind in ("days", "score"):
                    value = float(value)
                elif kind == "datetime":
                    value = to_local(value).replace(tzinfo=None)  # Excel has no time zones
                written = WriteOnlyCell(sheet, value=value)
                written.number_format = XLSX_FORMATS[kind]
                cells.append(written)
            else:
                cells.append(text(str(value)))
        sheet.append(cells)
        last += 1
    sheet.auto_filter.ref = f"A{HEAD_ROW}:{get_column_letter(len(table.columns))}{last}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def slug(text: str) -> str:
    """A file-name part from a Vietnamese name: "Phường Bến Thành" → "phuong-ben-thanh"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def export_filename(table: Table, extension: str, *, qualifier: str = "") -> str:
    """E.g. ``chi-so-phuc-vu_2026-01-01_2026-12-03.xlsx``, or with the unit:
    ``chi-so-phuc-vu_phuong-ben-thanh_2026-01-01_2026-12-03.xlsx``."""
    parts = [table.slug]
    if qualifier:
        parts.append(slug(qualifier))
    if table.start and table.end:
        parts += [table.start.isoformat(), table.end.isoformat()]
    return "_".join(p for p in parts if p) + f".{extension}"


def export_response(table: Table, fmt: str, *, qualifier: str = "") -> HttpResponse:
    """The download of ``table`` as ``fmt`` ("csv" or "xlsx")."""
    if fmt == "xlsx":
        response = HttpResponse(table_xlsx(table), content_type=XLSX_TYPE)
    else:
        fmt = "csv"
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{export_filename(table, fmt, qualifier=qualifier)}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
