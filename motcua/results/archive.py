"""Results of the past, digitised ("số hóa kết quả giải quyết TTHC còn hiệu lực"): scanned papers
an agency issued before the system, imported into their holders' document stores so the next
application can reuse them.

A folder holds ``metadata.csv`` (UTF-8, with or without BOM; columns ``file, personal_id, kind,
number, issuer, issued_on, title``) and the scans it names. Each row is checked on its own — one bad
row never stops the others — made into one PDF (with its text when OCR is available) and put into
the holder's store. A row already imported (same holder, kind and number) is skipped, so the import
can simply be run again after fixing the rejected rows.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from django.db import transaction

from motcua.core.time import today
from motcua.results.ocr import ScanUnreadable, merge_pdfs, ocr_status, searchable_pages

METADATA = "metadata.csv"
COLUMNS = ("file", "personal_id", "kind", "number", "issuer", "issued_on", "title")
TEXT_KEPT = 5000
MAX_ROWS = 100_000
KIND = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
PERSONAL_ID = re.compile(r"\d{12}")


class ArchiveUnreadable(Exception):
    """The folder has no readable ``metadata.csv`` (or not the expected columns): nothing imported."""


class RowRejected(Exception):
    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi, self.en = vi, en


@dataclass
class ArchiveReport:
    imported: int = 0
    skipped: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, vi, en)

    def summary(self) -> str:
        return (
            f"Đã nhập {self.imported}, bỏ qua {self.skipped} (đã có), từ chối {len(self.rejected)} / "
            f"imported {self.imported}, skipped {self.skipped}, rejected {len(self.rejected)}"
        )


def archive_rows(directory: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of ``directory/metadata.csv`` with their line numbers (the header is line 1)."""
    path = Path(directory) / METADATA
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ArchiveUnreadable(f"{path}: không có tệp / no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ArchiveUnreadable(
            f"{path}: không đọc được (cần UTF-8) / unreadable (UTF-8 expected): {error.__class__.__name__}"
        ) from None
    try:
        reader = csv.DictReader(text.splitlines(keepends=True))
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
        missing = [column for column in COLUMNS if column not in header]
        if missing:
            raise ArchiveUnreadable(
                f"{path}: thiếu cột / missing columns: {', '.join(missing)} "
                f"(cần / expected: {', '.join(COLUMNS)})"
            )
        reader.fieldnames = header
        rows: list[tuple[int, dict[str, str]]] = []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise ArchiveUnreadable(f"{path}: quá {MAX_ROWS} dòng / more than {MAX_ROWS} rows")
            values = {key: (value or "").strip() for key, value in row.items() if isinstance(key, str)}
            if any(values.values()):  # a blank line is not a row
                rows.append((reader.line_num, values))
    except csv.Error as error:
        raise ArchiveUnreadable(f"{path}: CSV hỏng / malformed CSV: {error}") from None
    return rows


def archive_import(
    *,
    directory: Path,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> ArchiveReport:
    """Import every row of the archive folder ``directory`` into its holder's document store.
    Raises ``ArchiveUnreadable`` only when the CSV itself cannot be used."""
    from motcua.registries.adapters import document_store, population_registry

    folder = Path(directory).resolve()
    rows = archive_rows(folder)
    store, registry = document_store(), population_registry()
    available = ocr_status()[0]
    report = ArchiveReport()
    for line, row in progress(rows) if progress else rows:
        try:
            outcome = _import_row(folder, row, line=line, store=store, registry=registry, ocr=available)
        except RowRejected as rejection:
            report.rejected.append((line, rejection.vi, rejection.en))
            continue
        if outcome == "imported":
            report.imported += 1
        else:
            report.skipped += 1
    return report


def _import_row(folder: Path, row: dict[str, str], *, line: int, store: Any, registry: Any, ocr: bool) -> str:
    from motcua.audit.services import audit_record

    personal_id, kind, number, issuer, title = (
        row["personal_id"],
        row["kind"],
        row["number"],
        row["issuer"],
        row.get("title", ""),
    )
    if not PERSONAL_ID.fullmatch(personal_id):
        raise RowRejected(
            f"Số định danh cá nhân “{personal_id[:20]}” phải có đúng 12 chữ số.",
            f"The personal number “{personal_id[:20]}” must be exactly 12 digits.",
        )
    if not KIND.fullmatch(kind):
        raise RowRejected(
            f"Loại giấy tờ “{kind[:40]}” phải là mã viết thường (a-z, 0-9, _ hoặc -), tối đa 40 ký tự.",
            f"The kind “{kind[:40]}” must be a lower-case code (a-z, 0-9, _ or -) of at most 40 characters.",
        )
    if not number or len(number) > 40:
        raise RowRejected(
            "Số giấy tờ trống hoặc dài quá 40 ký tự.", "The number is empty or over 40 characters."
        )
    if not issuer or len(issuer) > 200:
        raise RowRejected(
            "Cơ quan cấp trống hoặc dài quá 200 ký tự.", "The issuer is empty or over 200 characters."
        )
    if len(title) > 300:
        raise RowRejected("Tiêu đề dài quá 300 ký tự.", "The title is over 300 characters.")
    issued_on = _issued_on(row["issued_on"])
    path = _inside(folder, row["file"])
    try:
        known = registry.lookup(personal_id)
    except Exception as error:  # RegistryUnavailable or a transport error: try the row again later
        raise RowRejected(
            "Không hỏi được cơ sở dữ liệu dân cư; hãy chạy lại sau.",
            f"The population registry did not answer ({error.__class__.__name__}); run the import later.",
        ) from None
    if known is None:
        raise RowRejected(
            f"Không có người mang số định danh {personal_id} trong cơ sở dữ liệu dân cư.",
            f"No one with the personal number {personal_id} is in the population registry.",
        )
    if any(item.get("number") == number for item in store.list_for(personal_id=personal_id, kind=kind)):
        return "skipped"
    content, kind_of_file = _scan(path, row["file"])
    pdf, text, ocr_state = _pdf(content, kind_of_file, ocr=ocr, name=row["file"])
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        document = store.put(
            personal_id=personal_id,
            kind=kind,
            number=number,
            issuer=issuer,
            issued_on=issued_on,
            data={
                "title": title,
                "source": "archive",
                "text": text[:TEXT_KEPT],
                "ocr": ocr_state,
                "sha256": digest,
                "original_sha256": hashlib.sha256(content).hexdigest(),
            },
            content=pdf,
            file_name=f"{PurePosixPath(row['file']).stem[:150] or kind}.pdf",
        )
        audit_record(
            actor=None,
            action="document_store.archive_import",
            object_type="stored_document",
            object_id=document.get("id") or "",
            payload={"kind": kind, "line": line, "sha256": digest},
        )
    return "imported"


def _issued_on(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a calendar day, no time
        except ValueError:
            continue
        if date(1900, 1, 1) <= day <= today():
            return day
        break
    raise RowRejected(
        f"Ngày cấp “{value[:20]}” không hợp lệ: dùng dạng YYYY-MM-DD hoặc ngày/tháng/năm, không sau hôm nay.",
        f"The issue date “{value[:20]}” is not valid: use YYYY-MM-DD or dd/mm/yyyy, not after today.",
    )


def _inside(folder: Path, name: str) -> Path:
    """The file ``name`` of the row, which must be inside the archive folder (no ``..``, no
    absolute path, no link leading out of it)."""
    outside = RowRejected(
        f"Tệp “{name[:100]}” phải nằm trong thư mục lưu trữ (không dùng đường dẫn tuyệt đối hay “..”).",
        f"The file “{name[:100]}” must be inside the archive folder (no absolute path or “..”).",
    )
    if not name or "\x00" in name:
        raise RowRejected("Thiếu tên tệp.", "The file name is missing.")
    if (
        PurePosixPath(name).is_absolute()
        or PureWindowsPath(name).is_absolute()
        or PureWindowsPath(name).drive
        or ".." in PurePosixPath(name.replace("\\", "/")).parts
    ):
        raise outside
    path = (folder / name).resolve()
    if not path.is_relative_to(folder):
        raise outside
    if not path.is_file():
        raise RowRejected(
            f"Không có tệp “{name[:100]}” trong thư mục.", f"There is no file “{name[:100]}” in the folder."
        )
    return path


def _scan(path: Path, name: str) -> tuple[bytes, str]:
    """The file's bytes and sniffed type, checked like an upload (type from the content, size, pages)."""
    from motcua.core.errors import ValidationError
    from motcua.dossiers.drafts import MAX_FILE_BYTES, checked_scan

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            content = b"\0" * (MAX_FILE_BYTES + 1)  # refused as too large without being read
        else:
            content = path.read_bytes()
    except OSError as error:
        raise RowRejected(
            f"Không đọc được tệp “{name[:100]}”.",
            f"The file “{name[:100]}” cannot be read ({error.__class__.__name__}).",
        ) from None
    try:
        kind, _pages = checked_scan(content)
    except ValidationError as error:
        raise RowRejected(f"{name[:100]}: {error.message_vi}", f"{name[:100]}: {error.message_en}") from None
    return content, kind


def _pdf(content: bytes, kind: str, *, ocr: bool, name: str) -> tuple[bytes, str, str]:
    pages, texts, failed = [], [], False
    try:
        for page, text, page_failed in searchable_pages(content, kind, ocr=ocr):
            pages.append(page)
            texts.append(text)
            failed = failed or page_failed
    except ScanUnreadable:
        raise RowRejected(
            f"{name[:100]}: không đọc được nội dung bản quét.",
            f"{name[:100]}: the scan's content cannot be read.",
        ) from None
    if not pages:
        raise RowRejected(
            f"{name[:100]}: bản quét không có trang nào.", f"{name[:100]}: the scan has no pages."
        )
    state = "unavailable" if not ocr else "failed" if failed else "done"
    return merge_pdfs(pages), "\n\n".join(t for t in texts if t), state
