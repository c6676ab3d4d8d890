"""The processing-control record (form 06, "phiếu kiểm soát quá trình giải quyết hồ sơ"), read from
a dossier's events: every step of its procedure with who handed it over, who took it, when it
started, its own due time, when it ended and whether that was early, on time or late; and the
dossier's outcome against its original due date (domain.md §3–§4).

Nothing here is typed by anyone: each outcome is computed from stored times. The event that opens a
step carries the step's key and due time (``DossierEvent.step_key`` / ``step_due_at``); the event
that ends it names it in ``payload["closed_step"]`` (``steps.step_close``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua.dossiers.clock import dossier_timeliness, statistics_due
from motcua.dossiers.deadlines import timeliness
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.states import FINAL

# The words of form 06 ("Trước hạn / đúng hạn / quá hạn"); "trễ hạn" is what the desk says elsewhere.
OUTCOMES = {
    "early": ("Trước hạn", "Early"),
    "on_time": ("Đúng hạn", "On time"),
    "late": ("Trễ hạn", "Late"),
}
STATES = {
    "open": ("Đang xử lý", "In progress"),
    "open_late": ("Đang xử lý, đã quá hạn", "In progress, past its due time"),
    "stopped": ("Dừng xử lý", "Stopped"),
    "not_reached": ("Chưa đến bước này", "Not reached yet"),
    "not_judged": ("Không tính (không giải quyết)", "Not counted (not decided)"),
    "ended": ("Đã kết thúc", "Ended"),
}


def outcome_label(outcome: str, *, english: bool = False) -> str:
    words = OUTCOMES.get(outcome) or STATES.get(outcome)
    return words[1 if english else 0] if words else ""


def _name(user: Any) -> str:
    return (getattr(user, "full_name", "") or "") if user is not None else ""


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@dataclass
class ControlStep:
    """One step of the procedure as this dossier went through it (or has not yet)."""

    key: str
    name_vi: str
    name_en: str
    budget_hours: float
    sender: str = ""
    receiver: str = ""
    started_at: datetime | None = None
    due_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str = ""  # "early" / "on_time" / "late" once ended against its due time
    result: str = ""  # the outcome, or "open", "open_late", "stopped", "not_reached", "ended"

    def name(self, *, english: bool = False) -> str:
        return self.name_en if english else self.name_vi

    def result_label(self, *, english: bool = False) -> str:
        return outcome_label(self.result, english=english)


def _step_of(spec: dict[str, dict[str, Any]], key: str) -> ControlStep:
    step = spec.get(key) or {}
    name = step.get("name") or {}
    return ControlStep(
        key=key,
        name_vi=name.get("vi") or key,
        name_en=name.get("en") or name.get("vi") or key,
        budget_hours=float(step.get("budget_hours") or 0),
        result="not_reached",
    )


def control_steps(dossier: Dossier, events: Iterable[DossierEvent], *, now_at: datetime) -> list[ControlStep]:
    """Every step of the dossier's procedure in the procedure's order, from ``events`` (in time
    order, with ``actor`` and ``to_person`` loaded). A step gone through twice shows twice."""
    catalogue = dossier.procedure_version.data.get("steps") or []
    spec = {s["key"]: s for s in catalogue}
    taken: list[ControlStep] = []
    current: ControlStep | None = None
    for event in events:
        payload = event.payload if isinstance(event.payload, dict) else {}
        closed = payload.get("closed_step") if isinstance(payload.get("closed_step"), dict) else None
        if current is not None and (closed or event.to_status in FINAL):
            current.ended_at = event.at
            current.receiver = current.receiver or _name(event.actor)
            if closed:
                current.due_at = _moment(closed.get("due_at")) or current.due_at
                current.outcome = timeliness(event.at, current.due_at) if current.due_at else ""
                current.result = current.outcome or "ended"
            else:  # refused, stopped or withdrawn while the step was in hand
                current.result = "ended" if event.to_status == Status.DELIVERED else "stopped"
            current = None
        if current is None and event.step_key and event.step_due_at and event.to_status not in FINAL:
            current = _step_of(spec, event.step_key)
            current.started_at, current.due_at = event.at, event.step_due_at
            if event.action == "receive":  # the applicant hands the dossier to the receiver
                current.sender, current.receiver = dossier.applicant_name, _name(event.actor)
            else:
                current.sender, current.receiver = _name(event.actor), _name(event.to_person)
            taken.append(current)
        elif current is not None and event.step_due_at:
            current.due_at = event.step_due_at  # moved by the time spent waiting for the applicant
            taker = _name(event.to_person) if event.action == "hand_over" else ""
            if taker and taker not in current.receiver.split(", "):  # a colleague took it within the step
                current.receiver = f"{current.receiver}, {taker}" if current.receiver else taker
    if current is not None:
        late = current.due_at is not None and now_at > current.due_at
        current.result = "open_late" if late else "open"
    rows: list[ControlStep] = []
    for step in catalogue:
        rows.extend([t for t in taken if t.key == step["key"]] or [_step_of(spec, step["key"])])
    rows.extend(t for t in taken if t.key not in spec)
    return rows


@dataclass
class ControlOutcome:
    """The dossier judged as a whole: against the original due date, moved only by the time spent
    waiting for the applicant, never by an apology (statistics, domain.md §3)."""

    due_at: datetime | None
    statistics_due_at: datetime | None
    current_due_at: datetime | None
    finished_at: datetime | None
    result: str  # "early" / "on_time" / "late", or "open", "open_late", "not_judged"

    def result_label(self, *, english: bool = False) -> str:
        return outcome_label(self.result, english=english)


def control_outcome(dossier: Dossier, *, now_at: datetime) -> ControlOutcome:
    due = statistics_due(dossier)
    if dossier.status in (Status.RESULT_READY, Status.DELIVERED) and dossier.finished_at:
        result = dossier_timeliness(dossier, dossier.finished_at)
    elif dossier.status in (Status.REFUSED, Status.STOPPED) or dossier.received_at is None:
        result = "not_judged" if dossier.received_at else ""
    else:
        counted_until = dossier.paused_since or now_at  # a dossier waiting for the applicant is not late
        late = dossier.counts_as_late or (due is not None and counted_until > due)
        result = "open_late" if late else "open"
    return ControlOutcome(
        due_at=dossier.due_at,
        statistics_due_at=due,
        current_due_at=dossier.current_due_at,
        finished_at=dossier.finished_at
        if dossier.status in (Status.RESULT_READY, Status.DELIVERED)
        else None,
        result=result,
    )
