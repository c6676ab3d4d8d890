"""The working calendar ("lịch làm việc"): every statutory deadline is computed here.

domain.md §4: limits are in working days or hours; weekends and public holidays do not count;
the government declares extra days off and make-up working days each year; a dossier received
outside office hours starts counting at the next opening.

How it works: every moment maps to a *position*, the working time (in microseconds) elapsed since
an anchor. Working days of each year are precomputed once into a sorted table, so a position is a
binary search plus arithmetic, and a deadline is ``position(start) + duration`` mapped back to a
moment. Measuring is the difference of two positions, so adding then measuring always agrees.

The module is pure: ``WorkCalendar()`` needs no database. ``WorkCalendar.for_agency`` adds the
yearly overrides stored in :class:`motcua.places.models.CalendarOverride`.
"""

from __future__ import annotations

import bisect
import math
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import holidays
from holidays.countries.vietnam import VietnamStaticHolidays

from motcua.core.time import VN_TZ, to_local

if TYPE_CHECKING:
    from motcua.places.models import Agency

HOURS_PER_WORKING_DAY = 8  # domain.md §4: durations are held in working hours, 8 h = 1 working day
DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 0), time(17, 0)),
)
WEEKEND = frozenset({5, 6})  # Saturday, Sunday
MIN_YEAR, MAX_YEAR = 1900, 2200
_ANCHOR_YEAR = 2000
_US_PER_HOUR = 3_600_000_000


@lru_cache(maxsize=512)
def national_days(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Vietnam's public holidays and make-up working days of ``year``, from the ``holidays`` package.

    The package records each government swap as "day X off, worked on Saturday Y"; Y is a make-up
    working day. Years declared after the package was released come from database overrides.
    """
    days_off = frozenset(holidays.country_holidays("VN", years=year))
    working: set[date] = set()
    special: dict[int, Any] = VietnamStaticHolidays.special_public_holidays
    for off_year, swaps in special.items():
        for swap in swaps if isinstance(swaps[0], tuple) else (swaps,):
            if len(swap) >= 4:  # (month, day off, worked month, worked day[, worked year])
                worked_year = swap[4] if len(swap) == 5 else off_year
                if worked_year == year:
                    working.add(date(year, swap[2], swap[3]))
    return days_off, frozenset(working)


def holiday_names(year: int, language: str = "vi") -> dict[date, str]:
    """Names of the public holidays of ``year`` in Vietnamese or English, for display."""
    lang = "vi" if language.startswith("vi") else "en_US"
    return dict(holidays.country_holidays("VN", years=year, language=lang))


def parse_office_hours(spec: Iterable[str]) -> tuple[tuple[time, time], ...]:
    """Parse ``["07:30-11:30", "13:00-17:00"]`` into ordered, non-overlapping intervals."""
    intervals = []
    for item in spec:
        try:
            start_text, end_text = item.split("-")
            intervals.append((time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())))
        except ValueError as exc:
            raise ValueError(f"Office hours must look like '07:30-11:30', got {item!r}") from exc
    return tuple(intervals)


@dataclass(frozen=True, slots=True)
class _YearTable:
    first_ordinal: int
    is_working: bytes  # one byte per day of the year
    working_ordinals: tuple[int, ...]  # sorted


class WorkCalendar:
    """Working days and office hours: deadlines forward, durations between, next opening."""

    def __init__(
        self,
        *,
        office_hours: Sequence[tuple[time, time]] = DEFAULT_OFFICE_HOURS,
        days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
        weekend: Iterable[int] = WEEKEND,
    ) -> None:
        self._intervals = self._validate_intervals(office_hours)
        self._starts = [s for s, _ in self._intervals]
        self._ends = [e for _, e in self._intervals]
        # Working time elapsed in the day at the start / end of each interval.
        self._cum_start: list[int] = []
        self._cum_end: list[int] = []
        total = 0
        for start, end in self._intervals:
            self._cum_start.append(total)
            total += end - start
            self._cum_end.append(total)
        self._day_us = total
        self._extra_off = frozenset(days_off)
        self._extra_working = frozenset(working_days)
        if self._extra_off & self._extra_working:
            raise ValueError("A date cannot be both a day off and a make-up working day")
        self._weekend = frozenset(weekend)
        self._years: dict[int, _YearTable] = {}
        self._offsets: dict[int, int] = {_ANCHOR_YEAR: 0}

    @classmethod
    def for_agency(cls, agency: Agency) -> WorkCalendar:
        """The calendar an agency works by: national, plus nationwide and provincial overrides."""
        from motcua.places.selectors import calendar_overrides_for_agency

        overrides = calendar_overrides_for_agency(agency)
        return cls.cached(days_off=overrides.days_off, working_days=overrides.working_days)

    @classmethod
    def nationwide(cls) -> WorkCalendar:
        """The national calendar with the nationwide overrides declared in the database."""
        from motcua.places.selectors import calendar_overrides

        overrides = calendar_overrides()
        return cls.cached(days_off=overrides.days_off, working_days=overrides.working_days)

    @classmethod
    def cached(
        cls, *, days_off: frozenset[date] = frozenset(), working_days: frozenset[date] = frozenset()
    ) -> WorkCalendar:
        """A shared instance per set of overrides, so precomputed year tables are reused."""
        return _cached_calendar(days_off, working_days, _configured_office_hours())

    # --- public API ----------------------------------------------------------------------------

    @property
    def hours_per_day(self) -> float:
        return self._day_us / _US_PER_HOUR

    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = to_local(day).date()
        table = self._year(day.year)
        return bool(table.is_working[day.toordinal() - table.first_ordinal])

    def next_working_start(self, at: datetime) -> datetime:
        """``at`` itself when it falls in office hours on a working day, else the next opening."""
        local = to_local(at)
        if self.is_working_day(local.date()):
            tod = _time_of_day_us(local)
            i = bisect.bisect_right(self._starts, tod) - 1
            if i >= 0 and tod < self._ends[i]:
                return local
        return self._from_position(self._position(local), prefer_end=False)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment when ``hours`` of working time have passed since ``start``.

        Starting outside office hours counts from the next opening. A deadline that ends exactly at
        a closing time is that closing time (17:00), not the next morning.
        """
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"hours must be a finite number ≥ 0, got {hours!r}")
        duration = round(hours * _US_PER_HOUR)
        if duration == 0:  # less than a microsecond: no time passes
            return self.next_working_start(start)
        return self._from_position(self._position(to_local(start)) + duration)

    def subtract_working_hours(self, end: datetime, hours: float) -> datetime:
        """The earliest moment from which ``hours`` of working time lead up to ``end`` (the inverse of
        ``add_working_hours``): e.g. the oldest due time still "at most 48 working hours late".

        Every moment from the result on is at most ``hours`` working hours before ``end``; a result
        on a closing time (17:00, 11:30) stands for the whole closed stretch after it.
        """
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"hours must be a finite number ≥ 0, got {hours!r}")
        return self._from_position(self._position(to_local(end)) - round(hours * _US_PER_HOUR))

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same office time ``days`` working days later (a full office day per day)."""
        days = operator.index(days)
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            return self.next_working_start(start)
        return self._from_position(self._position(to_local(start)) + days * self._day_us)

    def working_hours_between(self, a: datetime, b: datetime) -> float:
        """Working hours from ``a`` to ``b`` (negative when ``b`` is earlier)."""
        return (self._position(to_local(b)) - self._position(to_local(a))) / _US_PER_HOUR

    def days_in(self, year: int) -> list[date]:
        """Every date of ``year`` (for listings)."""
        first = date(year, 1, 1)
        return [first + timedelta(days=i) for i in range(len(self._year(year).is_working))]

    def working_days_in(self, year: int) -> tuple[date, ...]:
        return tuple(date.fromordinal(o) for o in self._year(year).working_ordinals)

    # --- positions -----------------------------------------------------------------------------

    def _position(self, local: datetime) -> int:
        day = local.date()
        table = self._year(day.year)
        ordinal = day.toordinal()
        index = self._offset(day.year) + bisect.bisect_left(table.working_ordinals, ordinal)
        position = index * self._day_us
        if table.is_working[ordinal - table.first_ordinal]:
            position += self._offset_in_day(_time_of_day_us(local))
        return position

    def _offset_in_day(self, tod: int) -> int:
        i = bisect.bisect_right(self._starts, tod) - 1
        if i < 0:
            return 0
        return self._cum_start[i] + min(tod, self._ends[i]) - self._starts[i]

    def _from_position(self, position: int, *, prefer_end: bool = True) -> datetime:
        day_index, offset = divmod(position, self._day_us)
        if prefer_end and offset == 0:
            day_index, offset = day_index - 1, self._day_us
        year = self._year_of_index(day_index)
        ordinal = self._year(year).working_ordinals[day_index - self._offset(year)]
        cum = self._cum_end if prefer_end else self._cum_start
        i = bisect.bisect_left(cum, offset) if prefer_end else bisect.bisect_right(cum, offset) - 1
        tod = self._starts[i] + offset - self._cum_start[i]
        midnight = datetime.combine(date.fromordinal(ordinal), time(), tzinfo=VN_TZ)
        return midnight + timedelta(microseconds=tod)

    def _year_of_index(self, day_index: int) -> int:
        year = _ANCHOR_YEAR + day_index // 250  # about 250 working days a year: a close first guess
        year = min(max(year, MIN_YEAR), MAX_YEAR)
        while day_index < self._offset(year):
            year -= 1
        while day_index >= self._offset(year) + len(self._year(year).working_ordinals):
            year += 1
        return year

    def _offset(self, year: int) -> int:
        """Working days from 1 January of the anchor year to 1 January of ``year``."""
        offset = self._offsets.get(year)
        if offset is None:
            if year > _ANCHOR_YEAR:
                offset = self._offset(year - 1) + len(self._year(year - 1).working_ordinals)
            else:
                offset = self._offset(year + 1) - len(self._year(year).working_ordinals)
            self._offsets[year] = offset
        return offset

    def _year(self, year: int) -> _YearTable:
        table = self._years.get(year)
        if table is None:
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise ValueError(f"The working calendar covers {MIN_YEAR}–{MAX_YEAR}; got {year}")
            table = self._years[year] = self._build_year(year)
        return table

    def _build_year(self, year: int) -> _YearTable:
        holidays_off, makeup_days = national_days(year)
        first = date(year, 1, 1).toordinal()
        flags = bytearray()
        for ordinal in range(first, date(year, 12, 31).toordinal() + 1):
            day = date.fromordinal(ordinal)
            if day in self._extra_working:
                working = True
            elif day in self._extra_off or day in holidays_off:
                working = False
            else:
                working = day.weekday() not in self._weekend or day in makeup_days
            flags.append(working)
        ordinals = tuple(first + i for i, flag in enumerate(flags) if flag)
        return _YearTable(first_ordinal=first, is_working=bytes(flags), working_ordinals=ordinals)

    @staticmethod
    def _validate_intervals(office_hours: Sequence[tuple[time, time]]) -> list[tuple[int, int]]:
        intervals = [(_time_us(s), _time_us(e)) for s, e in office_hours]
        if not intervals:
            raise ValueError("Office hours must have at least one interval")
        previous_end = -1
        for start, end in intervals:
            if not previous_end <= start < end:
                raise ValueError("Office hours must be ordered, non-overlapping, non-empty intervals")
            previous_end = end
        return intervals


def _time_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _time_of_day_us(local: datetime) -> int:
    return _time_us(local.time())


def _configured_office_hours() -> tuple[tuple[time, time], ...]:
    from django.conf import settings

    return parse_office_hours(settings.MOTCUA_OFFICE_HOURS)


@lru_cache(maxsize=64)
def _cached_calendar(
    days_off: frozenset[date], working_days: frozenset[date], office_hours: tuple[tuple[time, time], ...]
) -> WorkCalendar:
    return WorkCalendar(office_hours=office_hours, days_off=days_off, working_days=working_days)
