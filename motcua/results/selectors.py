"""Reads of results: the public verification — is this result genuine, and is this file the one
that was issued?"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from django.core.cache import cache

from motcua.results.models import ResultDocument
from motcua.results.services import CODE_ALPHABET, CODE_LENGTH
from motcua.results.signing import pdf_verify

VERIFY_LIMIT = 30  # verifications an hour from one address that ask for the holder's number or upload


def code_normalise(raw: str) -> str:
    """What a person typed from the paper, as a code: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in (raw or "").upper() if ch.isascii() and ch.isalnum())[: CODE_LENGTH + 8]


def result_by_code(code: str) -> ResultDocument | None:
    code = code_normalise(code)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return (
        ResultDocument.objects.select_related("agency", "dossier__procedure_version")
        .filter(code=code)
        .first()
    )


def initials(name: str) -> str:
    """ "Nguyễn Văn An" → "N. V. A." — enough to recognise, not enough to identify."""
    return " ".join(f"{part[0]}." for part in (name or "").split() if part) or "—"


@dataclass
class Verification:
    """The answer of the verification page for one code (and maybe a file and the holder's number)."""

    result: ResultDocument | None
    record_genuine: bool = False
    holder: str = ""
    holder_confirmed: bool = False
    file_checked: bool = False
    file_matches: bool = False
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def genuine(self) -> bool:
        """The record is genuine, and so is the file when one was shown."""
        return self.record_genuine and (not self.file_checked or self.file_matches)


def _record_check(result: ResultDocument) -> tuple[bool, list[tuple[str, str]]]:
    """Whether the file kept for ``result`` still carries a valid signature by the certificate
    recorded at signing (cached: it changes only if someone tampers with the storage)."""
    key = f"result-record:{result.code}:{result.sha256}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        with result.pdf.open("rb") as handle:
            content = handle.read()
    except OSError:
        answer = (
            False,
            [("Không đọc được bản lưu của kết quả.", "The kept copy of the result cannot be read.")],
        )
        return answer
    problems: list[tuple[str, str]] = []
    if hashlib.sha256(content).hexdigest() != result.sha256:
        problems.append(("Bản lưu đã bị thay đổi.", "The kept copy has been changed."))
    check = pdf_verify(content, at=result.issued_at)  # valid when signed, however long ago
    problems += check.problems
    if check.valid and check.fingerprint != result.certificate_fingerprint:
        problems.append(
            (
                "Chứng thư ký khác chứng thư đã ghi nhận.",
                "It was signed with another certificate than recorded.",
            )
        )
    answer = (not problems, problems)
    cache.set(key, answer, 600)
    return answer


def result_verify(*, code: str, personal_id: str = "", content: bytes | None = None) -> Verification:
    """What the public verification page says about ``code``: genuine or not; the holder by initials,
    or by full name when ``personal_id`` is the holder's; and, with ``content`` (a file someone
    has), whether it is the one issued."""
    result = result_by_code(code)
    if result is None:
        return Verification(
            result=None,
            problems=[
                (
                    "Không có kết quả nào mang mã này: đây không phải kết quả do hệ thống cấp.",
                    "No result carries this code: this is not a result the system issued.",
                )
            ],
        )
    genuine, problems = _record_check(result)
    answer = Verification(result=result, record_genuine=genuine, problems=list(problems))
    confirmed = (
        bool(personal_id)
        and bool(result.holder_personal_id)
        and hmac.compare_digest(personal_id.strip(), result.holder_personal_id)
    )
    answer.holder_confirmed = confirmed
    answer.holder = result.holder_name if confirmed else initials(result.holder_name)
    if content is not None:
        # The file is genuine exactly when it is, byte for byte, the file issued under this code —
        # whose signature the record check above verified. A file that differs is never parsed:
        # crafted PDFs can keep a signature validator busy for minutes.
        answer.file_checked = True
        answer.file_matches = hmac.compare_digest(hashlib.sha256(content).hexdigest(), result.sha256)
        if not answer.file_matches:
            answer.problems.append(
                (
                    "Tệp này khác bản kết quả đã cấp với mã này (đã bị sửa hoặc là tệp khác).",
                    "This file differs from the result issued under this code (changed, or another file).",
                )
            )
    return answer
