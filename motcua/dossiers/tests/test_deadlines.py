"""Due dates from time limits (domain.md §4)."""

from datetime import datetime

import pytest

from motcua.core.time import VN_TZ
from motcua.dossiers.deadlines import due_at, timeliness
from motcua.places.calendar import WorkCalendar

CAL = WorkCalendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("received", "limit", "due"),
    [
        # 3 working days from Thursday 10:00 skip the weekend and Vietnamese Culture Day (24/11).
        ("2026-11-19 10:00", {"amount": 3, "unit": "working_days"}, "2026-11-25 10:00"),
        # Received on Saturday: the clock starts on Monday morning; one day is Monday's closing.
        ("2026-11-21 09:00", {"amount": 1, "unit": "working_days"}, "2026-11-23 17:00"),
        # Same day before the 15:00 cut-off: due at closing; after it: the next working day's closing.
        ("2026-11-23 14:59", {"amount": 1, "unit": "same_day", "cutoff": "15:00"}, "2026-11-23 17:00"),
        ("2026-11-23 15:01", {"amount": 1, "unit": "same_day", "cutoff": "15:00"}, "2026-11-25 17:00"),
        ("2026-11-27 16:00", {"amount": 1, "unit": "same_day"}, "2026-11-30 17:00"),
        # Calendar days that end on a Sunday move to Monday.
        ("2026-11-19 10:00", {"amount": 10, "unit": "calendar_days"}, "2026-11-30 17:00"),
        # Over Tết 2027 (4–10 February off): counting starts on Thursday 11 February.
        ("2027-02-04 10:00", {"amount": 2, "unit": "working_days"}, "2027-02-12 17:00"),
    ],
)
def test_due_dates(received, limit, due):
    assert due_at(CAL, at(received), limit) == at(due)


def test_timeliness_is_computed_from_times():
    due = at("2026-11-24 10:00")
    assert timeliness(at("2026-11-23 16:00"), due) == "early"
    assert timeliness(at("2026-11-24 09:00"), due) == "on_time"
    assert timeliness(at("2026-11-24 10:01"), due) == "late"
