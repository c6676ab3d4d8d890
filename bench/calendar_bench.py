"""Deadline computations per second: motcua's WorkCalendar against a straightforward baseline.

The baseline walks forward interval by interval, asking the holidays package about each day — the
way deadline code is usually first written. Both get the same random starts and durations and must
agree on every answer; the script prints throughput and the ratio measured in this one run.

    .venv/bin/python -m bench.calendar_bench [--n 20000]
"""

from __future__ import annotations

import argparse
import random
import time as clock
from datetime import datetime, timedelta

import holidays

from motcua.core.time import VN_TZ
from motcua.places.calendar import DEFAULT_OFFICE_HOURS, WorkCalendar, national_days


class BaselineCalendar:
    def __init__(self) -> None:
        self.holidays = holidays.country_holidays("VN")

    def is_working_day(self, day) -> bool:
        _, makeup = national_days(day.year)
        if day in self.holidays:
            return False
        return day.weekday() < 5 or day in makeup

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        remaining = timedelta(hours=hours)
        current = start.astimezone(VN_TZ)
        while True:
            if self.is_working_day(current.date()):
                for open_at, close_at in DEFAULT_OFFICE_HOURS:
                    begin = datetime.combine(current.date(), open_at, tzinfo=VN_TZ)
                    end = datetime.combine(current.date(), close_at, tzinfo=VN_TZ)
                    if current >= end:
                        continue
                    current = max(current, begin)
                    if remaining == timedelta(0):
                        return current
                    if current + remaining <= end:
                        return current + remaining
                    remaining -= end - current
                    current = end
            current = datetime.combine(current.date() + timedelta(days=1), datetime.min.time(), tzinfo=VN_TZ)


def workload(n: int, seed: int = 766) -> list[tuple[datetime, float]]:
    rng = random.Random(seed)
    base = datetime(2025, 1, 1, tzinfo=VN_TZ)
    return [
        (
            base + timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60)),
            rng.choice([4, 8, 24, 40, 80, 120, 0.5]),
        )
        for _ in range(n)
    ]


def run(fn, jobs) -> tuple[float, list[datetime]]:
    started = clock.perf_counter()
    results = [fn(start, hours) for start, hours in jobs]
    return clock.perf_counter() - started, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    jobs = workload(args.n)
    fast, baseline = WorkCalendar(), BaselineCalendar()
    fast.add_working_hours(*jobs[0])  # build the year tables once, as a long-running process does
    baseline.add_working_hours(*jobs[0])
    t_fast, r_fast = run(fast.add_working_hours, jobs)
    t_base, r_base = run(baseline.add_working_hours, jobs)
    mismatches = sum(1 for a, b in zip(r_fast, r_base, strict=True) if a != b)
    print(f"deadline computations: {args.n:,}")
    print(f"  WorkCalendar.add_working_hours: {args.n / t_fast:12,.0f} /s")
    print(f"  baseline (day-by-day walk):     {args.n / t_base:12,.0f} /s")
    print(f"  ratio: {t_base / t_fast:.1f}x faster; answers that differ: {mismatches}")
    t_between, _ = run(lambda s, h: fast.working_hours_between(s, s + timedelta(days=h)), jobs)
    print(f"  WorkCalendar.working_hours_between: {args.n / t_between:12,.0f} /s")


if __name__ == "__main__":
    main()
