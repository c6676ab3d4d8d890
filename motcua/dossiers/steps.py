"""The steps of a procedure as a dossier goes through them (form 06, domain.md §4): which step a
hand-over, an approval or a signature starts, and the bookkeeping of the step in hand — when it
started, its own due time from its budget, and on closing whether it ended early, on time or late.

Only ``services`` calls these, inside a transition; they change the dossier in memory and return
what the event's payload keeps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from motcua.dossiers.clock import calendar_for
from motcua.dossiers.deadlines import timeliness
from motcua.dossiers.models import Dossier

# The catalogue names a step's role by what the person does; the account role that does it.
STEP_ROLE_KEYS = {"department_head": "head"}
# Steps a transition starts (approval → signature, signature → the result desk), never a hand-over.
OPENED_BY_TRANSITION = {"signer": "approve", "result_desk": "sign"}
BY_ANOTHER_AGENCY = {"interconnected_agency"}


def _steps(dossier: Dossier) -> list[dict[str, Any]]:
    return dossier.procedure_version.data.get("steps") or []


def role_key(step: dict[str, Any]) -> str:
    return STEP_ROLE_KEYS.get(step.get("role", ""), step.get("role", ""))


def step_for_hand_over(dossier: Dossier, roles: set[str]) -> dict[str, Any] | None:
    """The step a hand-over to someone holding ``roles`` starts: the next step of the procedure when
    it is theirs; None — the step in hand goes on — otherwise (a colleague on the same step, a head
    reviewing where the procedure has no review step). A hand-over skips no step of this agency's and
    never starts the signature or the result desk, which approval and signing start. The first hand-over after
    reception always ends reception."""
    steps = _steps(dossier)
    keys = [s["key"] for s in steps]
    if not steps:
        return None
    position = keys.index(dossier.step_key) if dossier.step_key in keys else 0
    # A consultation of another agency starts with the interconnected procedure, not by hand.
    following = next((s for s in steps[position + 1 :] if s.get("role") not in BY_ANOTHER_AGENCY), None)
    if following is None or following.get("role") in OPENED_BY_TRANSITION:
        return None
    if role_key(following) in roles or position == 0:
        return following
    return None


def step_for_transition(dossier: Dossier, role: str) -> dict[str, Any] | None:
    """The step done by ``role`` that approval (the signer's) or signing (the result desk's) starts:
    the first later one; None when the dossier is in it already or the procedure has none."""
    steps = _steps(dossier)
    keys = [s["key"] for s in steps]
    position = keys.index(dossier.step_key) if dossier.step_key in keys else -1
    if position >= 0 and steps[position].get("role") == role:
        return None
    return next((s for s in steps[position + 1 :] if s.get("role") == role), None)


def step_open(dossier: Dossier, step: dict[str, Any] | None, *, at: datetime) -> None:
    """Start ``step`` now; its due time is its own budget in working hours on the agency's calendar.
    The event written next carries the step's key and due time."""
    if step is None:
        return
    dossier.step_key, dossier.step_started_at = step["key"], at
    dossier.step_due_at = calendar_for(dossier).add_working_hours(at, step["budget_hours"])


def step_open_first(dossier: Dossier, *, at: datetime) -> None:
    """Reception is the procedure's first step: from receiving to the first hand-over."""
    steps = _steps(dossier)
    step_open(dossier, steps[0] if steps else None, at=at)


def step_close(dossier: Dossier, *, at: datetime) -> dict[str, Any]:
    """End the step in hand at ``at``: what it was, when it started, its due time and whether it
    ended early, on time or late, for the event's payload. No step is in hand after."""
    if dossier.step_due_at is None:
        return {}
    closed = {
        "key": dossier.step_key,
        "started_at": dossier.step_started_at.isoformat() if dossier.step_started_at else None,
        "due_at": dossier.step_due_at.isoformat(),
        "outcome": timeliness(at, dossier.step_due_at),
    }
    dossier.step_key, dossier.step_started_at, dossier.step_due_at = "", None, None
    return {"closed_step": closed}


def step_move_on(dossier: Dossier, step: dict[str, Any] | None, *, at: datetime) -> dict[str, Any]:
    """Close the step in hand and start ``step``; nothing changes when there is no step to start."""
    if step is None:
        return {}
    closed = step_close(dossier, at=at)
    step_open(dossier, step, at=at)
    return closed
