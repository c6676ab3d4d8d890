"""A dossier's clock: the due time at reception, pauses while the applicant is asked for
something, and the due time statistics judge by (domain.md §4). Times come in; nothing is read
from the wall clock here."""

from __future__ import annotations

from datetime import datetime

from motcua.dossiers.deadlines import due_at, limit_for_case, timeliness
from motcua.dossiers.models import Dossier
from motcua.places.calendar import WorkCalendar


def calendar_for(dossier: Dossier) -> WorkCalendar:
    """The competent agency's calendar, its overrides read from the database once per dossier
    instance — one transition or one request — so a reception's due time and its first step's agree
    and an override declared since counts for the next transition (a fresh instance)."""
    agency_id, calendar = dossier.__dict__.get("_calendar", (None, None))
    if calendar is None or agency_id != dossier.competent_agency_id:
        calendar = WorkCalendar.for_agency(dossier.competent_agency)
        dossier.__dict__["_calendar"] = (dossier.competent_agency_id, calendar)
    return calendar


def start_clock(dossier: Dossier, *, at: datetime) -> None:
    calendar = calendar_for(dossier)
    limit = limit_for_case(dossier.procedure_version.data, dossier.case_key)
    dossier.received_at = at
    dossier.due_at = dossier.current_due_at = dossier.statistics_due_at = due_at(calendar, at, limit)


def pause(dossier: Dossier, *, at: datetime) -> None:
    if dossier.paused_since is None and dossier.received_at is not None:
        dossier.paused_since = at


def resume(dossier: Dossier, *, at: datetime) -> None:
    """The waiting time is not counted: the due date moves by the working hours paused."""
    if dossier.paused_since is None:
        return
    calendar = calendar_for(dossier)
    paused = max(0.0, calendar.working_hours_between(dossier.paused_since, at))
    dossier.paused_hours += paused
    if dossier.current_due_at is not None and paused > 0:
        dossier.current_due_at = calendar.add_working_hours(dossier.current_due_at, paused)
    if dossier.due_at is not None and paused > 0:
        dossier.statistics_due_at = calendar.add_working_hours(dossier.due_at, dossier.paused_hours)
    dossier.paused_since = None


def statistics_due(dossier: Dossier) -> datetime | None:
    """The due time statistics judge by: the original one, moved by the time spent waiting for the
    applicant, never by an apology (domain.md §3–§4)."""
    if dossier.due_at is None or not dossier.paused_hours:
        return dossier.due_at
    return calendar_for(dossier).add_working_hours(dossier.due_at, dossier.paused_hours)


def working_minutes_taken(dossier: Dossier, finished_at: datetime) -> int:
    """Working minutes from reception to ``finished_at``, the time spent waiting for the applicant
    left out: the processing time the service index averages."""
    if dossier.received_at is None:
        return 0
    hours = calendar_for(dossier).working_hours_between(dossier.received_at, finished_at)
    return max(0, round((hours - dossier.paused_hours) * 60))


def dossier_timeliness(dossier: Dossier, finished_at: datetime) -> str:
    """Early / on time / late of a finished dossier; guiding more than once makes it late."""
    due = statistics_due(dossier)
    if due is None:
        return ""
    return "late" if dossier.counts_as_late else timeliness(finished_at, due)
