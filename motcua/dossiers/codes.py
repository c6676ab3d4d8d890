"""Dossier codes (domain.md §2): ``<receiving agency>-YYMMDD-NNNN``, given at reception, unique under
concurrent receptions on SQLite and PostgreSQL (one counter row per agency and day)."""

from __future__ import annotations

from datetime import date

from django.db import connection

from motcua.core.errors import Conflict
from motcua.places.models import Agency


def dossier_code_next(*, agency: Agency, day: date) -> str:
    """``<receiving agency>-YYMMDD-NNNN``: the next number of this agency on this reception day,
    unique under concurrent receptions (a row lock on the day's counter). Call inside a transaction.

    One statement: the day's first reception creates the counter, the others add one to it, and the
    row stays locked until the transaction ends (an upsert with RETURNING: PostgreSQL, SQLite ≥ 3.35).
    """
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_CODE_SQL, [agency.pk, connection.ops.adapt_datefield_value(day)])
        (number,) = cursor.fetchone()
    if number > 9999:  # the transaction rolls back, and the counter with it
        raise Conflict(
            "Cơ quan đã tiếp nhận quá 9.999 hồ sơ trong ngày.",
            "This agency has received more than 9,999 dossiers today.",
            code="code_exhausted",
        )
    return f"{agency.electronic_id}-{day:%y%m%d}-{number:04d}"


# The counter's table (DossierCodeCounter), in SQL both databases read.
_NEXT_CODE_SQL = (
    'INSERT INTO "dossiers_dossiercodecounter" ("agency_id", "day", "last") VALUES (%s, %s, 1) '
    'ON CONFLICT ("agency_id", "day") DO UPDATE SET "last" = "dossiers_dossiercodecounter"."last" + 1 '
    'RETURNING "last"'
)
