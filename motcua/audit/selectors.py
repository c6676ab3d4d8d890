"""Reading the audit log: verification of the hash chain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from motcua.audit.models import GENESIS_HASH, AuditChainHead, AuditRecord


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def audit_chain_verify(
    *, on_progress: Callable[[int], None] | None = None, chunk_size: int = 2000
) -> ChainVerification:
    """Walk the chain in order and report the first record whose link or content does not hold.

    The chain head is read first and only records up to it are walked, so records appended while
    the walk runs (a live system) are not mistaken for a broken chain.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    records = AuditRecord.objects.order_by("seq")
    if head is not None:
        records = records.filter(seq__lte=head.seq)
    for record in records.iterator(chunk_size=chunk_size):
        if record.seq != expected_seq:
            return ChainVerification(False, checked, expected_seq, f"record #{expected_seq} is missing")
        if record.prev_hash != expected_prev:
            return ChainVerification(False, checked, record.seq, "link to the previous record does not match")
        if record.compute_hash() != record.hash:
            return ChainVerification(False, checked, record.seq, "content was changed after it was written")
        expected_prev, expected_seq, checked = record.hash, expected_seq + 1, checked + 1
        if on_progress and checked % chunk_size == 0:
            on_progress(checked)
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return ChainVerification(
            False,
            checked,
            checked + 1,
            f"the chain head expects {head.seq} records; records after #{checked} are missing",
        )
    return ChainVerification(True, checked)
