"""Writing to the audit log. Every service that changes something that matters calls ``audit_record``."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction

from motcua.audit.models import AuditChainHead, AuditRecord
from motcua.core.time import now

HEAD_PK = 1


def _actor_fields(actor: Any) -> tuple[str, str]:
    if actor is None:
        return "", "system"
    if isinstance(actor, str):
        return "", actor
    return str(actor.pk), str(getattr(actor, "username", "") or actor)


def _without_floats(value: Any) -> Any:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("audit payloads cannot hold NaN or infinity")
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _without_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_floats(v) for v in value]
    if isinstance(value, str):
        return value.replace("\x00", "")
    return value


# The chain head (AuditChainHead) in plain SQL: it is read and written on every audited change, and
# the ORM's cost for these two statements was twice the rest of an append (bench/profile_transitions).
_HEAD_READ_SQL = 'SELECT "seq", "hash" FROM "audit_auditchainhead" WHERE "id" = %s'
_HEAD_WRITE_SQL = 'UPDATE "audit_auditchainhead" SET "seq" = %s, "hash" = %s WHERE "id" = %s'


def _locked_head(cursor: Any) -> tuple[int, str]:
    """The chain head's sequence number and hash, its row locked until the transaction ends (on
    SQLite, whose IMMEDIATE transactions already hold the database's write lock, a plain read)."""
    read = _HEAD_READ_SQL + (" FOR UPDATE" if connection.features.has_select_for_update else "")
    cursor.execute(read, [HEAD_PK])
    row = cursor.fetchone()
    if row is None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(pk=HEAD_PK)
        except IntegrityError:
            pass  # another writer created it first
        cursor.execute(read, [HEAD_PK])
        row = cursor.fetchone()
    return int(row[0]), str(row[1])


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str | int,
    payload: dict | None = None,
    ip: str | None = None,
    at: datetime | None = None,
) -> AuditRecord:
    """Append one record to the hash chain, in the caller's transaction.

    The record commits or rolls back with the change it describes. ``payload`` holds the little
    that is needed to understand the action (ids, codes, outcome), not copies of whole records.
    Appends are serialised on the chain head's row lock; callers should audit last, just before
    their transaction commits, to hold that lock briefly. Inside the caller's transaction no
    savepoint is taken: a failed append fails the whole change, which is what it should do.
    """
    actor_id, actor_label = _actor_fields(actor)
    for name, value, limit in (
        ("action", action, 100),
        ("object_type", object_type, 100),
        ("object_id", str(object_id), 100),
    ):
        if len(value) > limit:
            raise ValueError(f"audit {name} is longer than {limit} characters")
    # Store exactly what is hashed: JSON-normalised (dates become strings, tuples lists, floats text,
    # because PostgreSQL's jsonb rewrites numbers such as 1e20) and the IP as the database keeps it.
    clean_payload = json.loads(json.dumps(_without_floats(payload or {}), default=str, allow_nan=False))
    ip = AuditRecord._meta.get_field("ip").get_prep_value(ip or None)
    with transaction.atomic(savepoint=False):  # its own transaction when the caller has none
        return _append(
            AuditRecord(
                at=at,
                actor_id=actor_id,
                actor_label=actor_label[:150],
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                ip=ip,
                payload=clean_payload,
            )
        )


def _append(record: AuditRecord) -> AuditRecord:
    with connection.cursor() as cursor:
        seq, prev_hash = _locked_head(cursor)
        record.seq, record.prev_hash = seq + 1, prev_hash
        record.at = record.at or now()  # read under the lock, so times follow the chain's order
        record.hash = record.compute_hash()
        record.save(force_insert=True)
        cursor.execute(_HEAD_WRITE_SQL, [record.seq, record.hash, HEAD_PK])
    return record
