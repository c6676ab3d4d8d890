"""What one dossier adds to the service index's summaries, read from its event log (domain.md §9).

``fact_of`` is the only place the counting rules live; the incremental path (every event) and the
rebuild (the whole log) both call it, which is why they agree:

- a dossier is *received* on the day of its first reception event (its reception cohort);
- it is *resolved* on the day its result — a grant or a refusal — was signed (its resolution cohort);
  the sign event says whether it was early, on time or late against the original due time moved by
  the time spent waiting for the applicant, and guiding more than once makes it late;
- an online dossier counts as online only when its signed electronic result was issued where the
  procedure issues one;
- an interconnected procedure's child dossier is not counted (only the one the applicant submitted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from motcua.core.time import to_local
from motcua.operations.models import MEASURES

RECEPTION_MEASURES = ("received", "received_online")
RESOLUTION_MEASURES = tuple(m for m in MEASURES if m not in RECEPTION_MEASURES)
ONLINE = 2


@dataclass(frozen=True)
class Keys:
    """Where a dossier is counted: the deciding agency, its unit and province, procedure, channel."""

    agency_id: int
    unit_id: int
    province_id: int
    procedure_code: str
    sector: str
    channel: int


@dataclass
class Fact:
    keys: Keys | None  # None: not counted at all (a child dossier, or never received nor resolved)
    received_on: date | None = None
    resolved_on: date | None = None
    values: dict[str, int] = field(default_factory=dict)

    def rows(self) -> Iterable[tuple[date, str, int]]:
        """(day, measure, amount) for every non-zero measure, on its cohort's day."""
        for measure, amount in self.values.items():
            day = self.received_on if measure in RECEPTION_MEASURES else self.resolved_on
            if amount and day is not None:
                yield day, measure, amount


EMPTY = Fact(keys=None)


def fact_of(
    dossier: Any, events: Iterable[Any], *, keys: Keys, needs_e_result: bool, fallback: Any = None
) -> Fact:
    """The fact of ``dossier`` after ``events`` (its whole log, in order).

    ``keys`` and ``needs_e_result`` (the procedure issues a signed result) are the dossier's fixed
    attributes. ``fallback(dossier)`` gives the sign-time flags for a sign event written before the
    events recorded them: ``{"digitised", "reuses_data", "store_linked", "population_data",
    "working_minutes"}``.
    """
    if getattr(dossier, "parent_id", None) is not None:
        return EMPTY
    received_on = resolved_on = None
    supplements = 0
    sign = None
    for event in events:
        if event.action == "receive" and received_on is None:
            received_on = to_local(event.at).date()
        elif event.action == "request_supplement":
            supplements += 1
        elif event.action == "sign" and sign is None:
            sign = event
    if received_on is None and sign is None:
        return EMPTY
    values: dict[str, int] = {}
    if received_on is not None:
        values["received"] = 1
        values["received_online"] = int(keys.channel == ONLINE)
    if sign is not None:
        resolved_on = to_local(sign.at).date()
        payload = sign.payload or {}
        flags = payload.get("index")
        minutes = payload.get("working_minutes")
        if (flags is None or minutes is None) and fallback is not None:
            derived = fallback(dossier)
            flags = flags if flags is not None else derived
            minutes = minutes if minutes is not None else derived.get("working_minutes", 0)
        flags = flags or {}
        timeliness = payload.get("timeliness") or ""
        late = timeliness == "late" or supplements > 1
        e_result = bool(payload.get("result"))
        refused = payload.get("outcome") == "refused"
        values.update(
            resolved=1,
            resolved_in_time=int(not late and timeliness in ("early", "on_time")),
            resolved_early=int(not late and timeliness == "early"),
            resolved_late=int(late),
            multi_supplement=int(supplements > 1),
            processing_minutes=int(minutes or 0),
            online_counted=int(keys.channel == ONLINE and (not needs_e_result or refused or e_result)),
            e_result=int(e_result),
            digitised=int(bool(flags.get("digitised"))),
            reuses_data=int(bool(flags.get("reuses_data"))),
            store_linked=int(bool(flags.get("store_linked"))),
            population_data=int(bool(flags.get("population_data"))),
        )
    return Fact(
        keys=keys,
        received_on=received_on,
        resolved_on=resolved_on,
        values={k: v for k, v in values.items() if v},
    )


def deltas(old: Fact, new: Fact) -> dict[tuple[date, Keys], dict[str, int]]:
    """What changing a dossier's fact from ``old`` to ``new`` adds to each (day, keys) row."""
    out: dict[tuple[date, Keys], dict[str, int]] = {}
    for fact, sign in ((old, -1), (new, 1)):
        if fact.keys is None:
            continue
        for day, measure, amount in fact.rows():
            row = out.setdefault((day, fact.keys), {})
            row[measure] = row.get(measure, 0) + sign * amount
    return {key: row for key, row in out.items() if any(row.values())}
