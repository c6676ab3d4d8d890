"""One synthetic dossier's life: an in-memory dossier driven through the dossiers app's own state table,
handlers, clock and steps, its events collected as the services would have written them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

# --- one dossier's life ---------------------------------------------------------------------------------


class Doc:
    """A dossier in memory, with the attributes the dossiers app's handlers, clock and steps read and
    change (they are called on it exactly as ``services.dossier_transition`` calls them)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...


class Event:
    __slots__ = (
        "action", "at", "from_agency_id", "from_stage", "from_status", "note", "payload", "step_due_at",
        "step_key", "to_agency_id", "to_stage", "to_status",
    )  # fmt: skip

    def __init__(self, doc: Doc, action: str, at: datetime, before: tuple, payload: dict, note: str) -> None:
        self.action, self.at, self.payload, self.note = action, at, payload, note
        self.from_status, self.from_stage, self.from_agency_id = before
        self.to_status, self.to_stage, self.step_key = doc.status, doc.stage, doc.step_key
        self.to_agency_id, self.step_due_at = doc.current_agency_id, doc.step_due_at


class Later(Exception):
    """The next event of a dossier's life is after the moment the history stops: it is still open."""


@dataclass
class Sim:
    doc: Doc
    events: list[Event]
    fact: Any
    reception_day: date | None  # the day its code belongs to (None: never received)


class Life:
    """Drives one dossier through the state table and the handlers, stopping at ``moment``."""

    def __init__(self, moment: datetime) -> None:
        from motcua.dossiers.clock import pause, start_clock
        from motcua.dossiers.handlers import HANDLERS
        from motcua.dossiers.states import TRANSITIONS
        from motcua.dossiers.steps import step_for_hand_over, step_move_on, step_open_first

        self.moment = self.until = moment  # ``until``: where this dossier's life stops (open after)
        # Called on a ``Doc``, which has every attribute of a dossier they read or write.
        self.handlers: dict[str, Callable[..., Any]] = HANDLERS
        self.transitions = TRANSITIONS
        self.start_clock: Callable[..., None] = start_clock
        self.pause: Callable[..., None] = pause
        self.step_open_first: Callable[..., None] = step_open_first
        self.step_for_hand_over: Callable[..., Any] = step_for_hand_over
        self.step_move_on: Callable[..., dict[str, Any]] = step_move_on

    def apply(self, doc: Doc, events: list[Event], action: str, at: datetime, **kwargs: Any) -> None:
        """``services.dossier_transition`` without the people: handler, table, pause, end, event."""
        if at > self.until:
            raise Later
        transition = self.transitions[action]
        assert transition.applies_to(doc), (action, doc.status, doc.stage)
        before = (doc.status, doc.stage, doc.current_agency_id)
        note = kwargs.pop("note", "")
        if action == "hand_over":
            payload = self._hand_over(doc, at)
        else:
            handler = self.handlers.get(action)
            arguments = {"actor": None, "to_person": None, "to_agency": None, "new_due_at": None}
            arguments |= {"items": None, "data": None, **kwargs}
            payload = (handler(doc, at=at, note=note, **arguments) or {}) if handler else {}
        if transition.to_status is not None:
            doc.status = transition.to_status
        if transition.to_stage is not None:
            doc.stage = transition.to_stage
        if doc.status in (5, 6):
            self.pause(doc, at=at)
        if doc.status in (3, 8, 10):
            doc.finished_at = doc.finished_at or at
        events.append(Event(doc, action, at, before, payload, note))

    def receive(self, doc: Doc, events: list[Event], at: datetime, *, online: bool) -> None:
        """Reception: at the counter (the dossier starts here) or of an online submission."""
        if at > self.until:
            raise Later
        before = (doc.status if online else None, doc.stage, doc.current_agency_id)
        self.start_clock(doc, at=at)
        self.step_open_first(doc, at=at)
        doc.status, doc.stage = 2, ""
        payload: dict[str, Any] = {"code": None} if online else {"checked": doc.checked, "scans": []}
        events.append(Event(doc, "receive", at, before, payload, ""))

    def _hand_over(self, doc: Doc, at: datetime) -> dict[str, Any]:
        """``handlers._on_hand_over`` to the person who does the procedure's next step."""
        from motcua.dossiers.steps import role_key

        following = self.following(doc)
        step = self.step_for_hand_over(doc, {role_key(following)} if following else set())
        if step is None:
            return {"step": doc.step_key, "within_step": True}
        return {"step": step["key"], **self.step_move_on(doc, step, at=at)}

    @staticmethod
    def following(doc: Any) -> dict[str, Any] | None:
        """The step a hand-over would start next (None: approval or signing start the next one)."""
        from motcua.dossiers.steps import BY_ANOTHER_AGENCY, OPENED_BY_TRANSITION

        steps = doc.procedure_version.data.get("steps") or []
        keys = [s["key"] for s in steps]
        position = keys.index(doc.step_key) if doc.step_key in keys else 0
        step = next((s for s in steps[position + 1 :] if s.get("role") not in BY_ANOTHER_AGENCY), None)
        if step is None or step.get("role") in OPENED_BY_TRANSITION:
            return None
        return step
