"""Due dates from a procedure's time limit and the working calendar (domain.md §4). Pure."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from motcua.core.time import to_local
from motcua.places.calendar import WorkCalendar

HOURS_PER_DAY = 8
DEFAULT_CUTOFF = time(15, 0)


def closing_of(calendar: WorkCalendar, moment: datetime) -> datetime:
    """The end of office hours of the working day ``moment`` falls on (or of the next one)."""
    local = to_local(moment)
    opening = calendar.next_working_start(local.replace(hour=0, minute=0, second=0, microsecond=0))
    return calendar.add_working_hours(opening, calendar.hours_per_day)


def due_at(calendar: WorkCalendar, received_at: datetime, limit: dict[str, Any]) -> datetime:
    """When a dossier received at ``received_at`` is due under ``limit`` ({amount, unit, cutoff})."""
    unit, amount = limit["unit"], limit["amount"]
    if unit == "working_days":
        return calendar.add_working_hours(received_at, amount * HOURS_PER_DAY)
    if unit == "working_hours":
        return calendar.add_working_hours(received_at, amount)
    if unit == "same_day":
        local = to_local(received_at)
        cutoff = time.fromisoformat(limit["cutoff"]) if limit.get("cutoff") else DEFAULT_CUTOFF
        start = calendar.next_working_start(local)
        if start.date() == local.date() and local.time() < cutoff:
            return closing_of(calendar, local)
        if start.date() == local.date():  # after the cut-off: the next working day
            start = calendar.next_working_start(closing_of(calendar, local) + timedelta(minutes=1))
        return closing_of(calendar, start)
    if unit == "calendar_days":
        # A deadline that falls on a day off moves to the next working day.
        return closing_of(calendar, to_local(received_at) + timedelta(days=amount))
    raise ValueError(f"unknown time-limit unit {unit!r}")


def limit_for_case(definition: dict[str, Any], case_key: str) -> dict[str, Any]:
    case = next((c for c in definition["cases"] if c["key"] == case_key), None)
    return (case or {}).get("time_limit") or definition["time_limit"]


def timeliness(finished_at: datetime, due: datetime) -> str:
    """ "early", "on_time" or "late": early when finished on a day before the due day."""
    if finished_at > due:
        return "late"
    return "early" if to_local(finished_at).date() < to_local(due).date() else "on_time"
