"""The working calendar: statutory deadlines in working hours (domain.md §4)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core.time import VN_TZ
from motcua.places.calendar import DEFAULT_OFFICE_HOURS, WorkCalendar, parse_office_hours

cal = WorkCalendar()


def at(y, m, d, hh=8, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


# --- examples --------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2026, 2, d) for d in range(16, 21)])
def test_tet_2026_weekdays_are_days_off(day):
    assert not cal.is_working_day(day)


def test_tet_2026_deadline_jumps_the_whole_holiday():
    # Received Friday 13/2/2026 at 16:00; Tết runs 14/2–22/2. One working day later is Monday 23/2, 16:00.
    assert cal.add_working_days(at(2026, 2, 13, 16), 1) == at(2026, 2, 23, 16)
    assert cal.add_working_hours(at(2026, 2, 13, 16), 2) == at(2026, 2, 23, 8, 30)


def test_tet_2027_days_off():
    assert [d.day for d in (date(2027, 2, x) for x in range(1, 15)) if not cal.is_working_day(d)] == [
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        13,
        14,
    ]


def test_reunification_and_labour_day_2026():
    assert not cal.is_working_day(date(2026, 4, 30))
    assert not cal.is_working_day(date(2026, 5, 1))
    # Wednesday 29/4 at 15:00 plus one working day: Thursday and Friday are off, so Monday 4/5.
    assert cal.add_working_days(at(2026, 4, 29, 15), 1) == at(2026, 5, 4, 15)


def test_national_day_2026_and_its_swap():
    assert not cal.is_working_day(date(2026, 9, 1))
    assert not cal.is_working_day(date(2026, 9, 2))
    # The government moved Monday 31/8 off in exchange for working Saturday 22/8.
    assert not cal.is_working_day(date(2026, 8, 31))
    assert cal.is_working_day(date(2026, 8, 22))


def test_make_up_saturday_counts_as_a_working_day():
    # Friday 21/8/2026, 16:00 + 2 working hours: the make-up Saturday 22/8 opens at 07:30.
    assert cal.add_working_hours(at(2026, 8, 21, 16), 2) == at(2026, 8, 22, 8, 30)


def test_database_style_overrides_apply():
    custom = WorkCalendar(days_off=[date(2026, 12, 31)], working_days=[date(2026, 12, 26)])
    assert not custom.is_working_day(date(2026, 12, 31))
    assert custom.is_working_day(date(2026, 12, 26))  # a Saturday
    assert cal.is_working_day(date(2026, 12, 31))


def test_received_outside_hours_counts_from_next_opening():
    # Received online Saturday night: the clock starts Monday 07:30.
    assert cal.next_working_start(at(2026, 11, 21, 22)) == at(2026, 11, 23, 7, 30)
    assert cal.add_working_hours(at(2026, 11, 21, 22), 8) == at(2026, 11, 23, 17)
    # Lunch break: starts at 13:00.
    assert cal.next_working_start(at(2026, 11, 23, 12)) == at(2026, 11, 23, 13)
    # Inside office hours: the moment itself.
    assert cal.next_working_start(at(2026, 11, 23, 9, 15)) == at(2026, 11, 23, 9, 15)


def test_vietnamese_culture_day_2026_is_off():
    assert not cal.is_working_day(date(2026, 11, 24))
    assert cal.add_working_days(at(2026, 11, 23, 9), 1) == at(2026, 11, 25, 9)


def test_deadline_ending_at_closing_time_is_that_day():
    assert cal.add_working_hours(at(2026, 11, 25, 7, 30), 8) == at(2026, 11, 25, 17)
    assert cal.add_working_hours(at(2026, 11, 25, 7, 30), 4) == at(2026, 11, 25, 11, 30)


def test_half_day_step_budget():
    assert cal.add_working_hours(at(2026, 11, 25, 10, 0), 4) == at(2026, 11, 25, 15, 30)


def test_working_hours_between_skips_nights_weekends_and_lunch():
    assert cal.working_hours_between(at(2026, 11, 20, 16), at(2026, 11, 23, 8)) == pytest.approx(1.5)
    assert cal.working_hours_between(at(2026, 11, 23, 11), at(2026, 11, 23, 14)) == pytest.approx(1.5)
    assert cal.working_hours_between(at(2026, 11, 23, 14), at(2026, 11, 23, 11)) == pytest.approx(-1.5)


def test_calendar_spans_years():
    start = at(2026, 12, 30, 9)
    due = cal.add_working_days(start, 10)
    assert due.year == 2027
    assert cal.working_hours_between(start, due) == pytest.approx(80)


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.add_working_hours(datetime(2026, 11, 23, 9), 1)


def test_negative_durations_are_refused():
    with pytest.raises(ValueError):
        cal.add_working_hours(at(2026, 11, 23), -1)


def test_other_time_zones_are_converted():
    midnight_utc = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 07:00 in Ho Chi Minh City
    opening = cal.next_working_start(midnight_utc)
    assert opening == at(2026, 11, 23, 7, 30)
    assert opening.tzinfo == VN_TZ


def test_office_hours_are_configurable():
    hours = parse_office_hours(["08:00-12:00", "13:30-17:30"])
    custom = WorkCalendar(office_hours=hours)
    assert custom.next_working_start(at(2026, 11, 23, 7, 45)) == at(2026, 11, 23, 8)
    with pytest.raises(ValueError):
        parse_office_hours(["8h-12h"])
    with pytest.raises(ValueError):
        WorkCalendar(office_hours=[(time(13), time(17)), (time(8), time(12))])


# --- properties ------------------------------------------------------------------------------------

starts = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(VN_TZ)
)
durations = st.integers(min_value=0, max_value=8 * 300 * 4).map(lambda q: q / 4)  # quarter hours
fine_durations = st.floats(min_value=0, max_value=2000, allow_nan=False, allow_infinity=False)


def _in_office_hours(moment: datetime) -> bool:
    local = moment.astimezone(VN_TZ)
    return cal.is_working_day(local.date()) and any(s <= local.time() <= e for s, e in DEFAULT_OFFICE_HOURS)


@settings(max_examples=300, deadline=None)
@given(starts, fine_durations)
def test_adding_then_measuring_returns_the_same_hours(start, hours):
    due = cal.add_working_hours(start, hours)
    assert cal.working_hours_between(start, due) == pytest.approx(hours, abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(starts, durations)
def test_results_fall_inside_office_hours_on_working_days(start, hours):
    assert _in_office_hours(cal.add_working_hours(start, hours))
    assert _in_office_hours(cal.next_working_start(start))


@settings(max_examples=300, deadline=None)
@given(starts, st.integers(min_value=0, max_value=60 * 24 * 30), durations)
def test_monotonic_in_start(start, later_by_minutes, hours):
    later = start + timedelta(minutes=later_by_minutes)
    assert cal.add_working_hours(start, hours) <= cal.add_working_hours(later, hours)


@settings(max_examples=300, deadline=None)
@given(starts, durations, durations)
def test_monotonic_in_duration(start, a, b):
    low, high = sorted((a, b))
    assert cal.add_working_hours(start, low) <= cal.add_working_hours(start, high)


@settings(max_examples=200, deadline=None)
@given(starts, st.integers(min_value=0, max_value=250))
def test_working_days_are_full_office_days(start, days):
    due = cal.add_working_days(start, days)
    assert cal.working_hours_between(start, due) == pytest.approx(days * 8)


def test_tiny_durations_never_go_back_in_time():
    assert cal.add_working_hours(at(2026, 11, 23, 13), 1e-10) == at(2026, 11, 23, 13)
    assert cal.add_working_hours(at(2026, 11, 23, 7, 30), 1e-10) == at(2026, 11, 23, 7, 30)


@pytest.mark.parametrize("hours", [float("nan"), float("inf"), -0.5])
def test_nonsense_hours_are_refused(hours):
    with pytest.raises(ValueError):
        cal.add_working_hours(at(2026, 11, 23), hours)


def test_working_days_must_be_whole():
    with pytest.raises(TypeError):
        cal.add_working_days(at(2026, 11, 23), 1.5)


# --- stepping back (the early warning's "at most 48 working hours late") ------------------------------


def test_subtracting_working_hours_steps_back_over_nights_weekends_and_holidays():
    # Monday 23/11/2026 at 09:00, 48 working hours back: six working days, Culture Day (24/11) is next week.
    assert cal.subtract_working_hours(at(2026, 11, 23, 9), 48) == at(2026, 11, 13, 9)
    # Two hours back from Monday 08:30 (an hour after opening) crosses the weekend: Friday 16:00.
    assert cal.subtract_working_hours(at(2026, 11, 23, 8, 30), 2) == at(2026, 11, 20, 16)
    # Tết 2026 (14/2–22/2): one working day back from Monday 23/2 at 16:00 is Friday 13/2 at 16:00.
    assert cal.subtract_working_hours(at(2026, 2, 23, 16), 8) == at(2026, 2, 13, 16)


def test_subtracting_lands_on_the_earliest_moment_of_a_closed_stretch():
    # From Monday 07:30 a whole day back: the stretch from Friday 17:00 to Monday 07:30 is one moment of
    # working time, and Friday 17:00 is where it begins.
    assert cal.subtract_working_hours(at(2026, 11, 23, 10), 2.5) == at(2026, 11, 20, 17)
    assert cal.subtract_working_hours(at(2026, 11, 23, 13, 30), 0.5) == at(2026, 11, 23, 11, 30)
    assert cal.subtract_working_hours(at(2026, 11, 22, 12), 0) == at(2026, 11, 20, 17)  # a Sunday


@pytest.mark.parametrize("hours", [float("nan"), float("inf"), -1])
def test_subtracting_nonsense_hours_is_refused(hours):
    with pytest.raises(ValueError):
        cal.subtract_working_hours(at(2026, 11, 23), hours)


@settings(max_examples=300, deadline=None)
@given(starts, durations)
def test_subtracting_is_the_earliest_moment_that_many_hours_back(end, hours):
    start = cal.subtract_working_hours(end, hours)
    assert cal.working_hours_between(start, end) == pytest.approx(hours, abs=1e-9)
    # A microsecond earlier is already more than ``hours`` back.
    assert cal.working_hours_between(start - timedelta(microseconds=1), end) > hours
    if hours:  # adding nothing is the next opening, not a step
        assert cal.add_working_hours(start, hours) <= end
