"""Due dates per second: oneseal's precomputed calendar against a plain day-by-day loop over
chinese_calendar.is_workday, and agreement on every start date 2004-2026 for N = 0..60.

    .venv/bin/python bench/workdays.py

The fast path must be at least 100x faster and never disagree.
"""

import datetime as dt
import sys
import time

import chinese_calendar

sys.path.insert(0, ".")
from oneseal.calendars.rules import WorkCalendar  # noqa: E402


def plain_add(start, n):
    day, count = start, 0
    while count < n:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            count += 1
    return day


def main():
    t0 = time.perf_counter()
    cal = WorkCalendar.build()
    build_s = time.perf_counter() - t0

    starts, day = [], dt.date(2004, 1, 1)
    while day.year <= 2026:
        starts.append(day)
        day += dt.timedelta(days=1)

    checked = skipped = disagreements = 0
    for start in starts:
        # One day-by-day walk per start gives the plain answer for every N at once.
        expected, day, count = [start], start, 0
        try:
            while count < 60:
                day += dt.timedelta(days=1)
                if chinese_calendar.is_workday(day):
                    count += 1
                    expected.append(day)
        except NotImplementedError:  # the package ends with 2026
            pass
        skipped += 61 - len(expected)
        for n, want in enumerate(expected):
            checked += 1
            got = cal.add(start, n).date
            if got != want:
                disagreements += 1
                if disagreements <= 5:
                    print("DISAGREE", start, n, got, want)

    sample = [(s, 20) for s in starts[: len(starts) - 60]]
    t0 = time.perf_counter()
    for s, n in sample[:2000]:
        plain_add(s, n)
    plain_rate = 2000 / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for s, n in sample:
        cal.add(s, n)
    fast_rate = len(sample) / (time.perf_counter() - t0)

    print(f"calendar build: {build_s * 1000:.1f} ms")
    print(
        f"agreement: {checked} (start, N) pairs checked, {skipped} skipped (past 2026), {disagreements} disagreements"
    )
    print(f"plain loop over chinese_calendar.is_workday, N=20: {plain_rate:,.0f} due dates/s")
    print(f"oneseal WorkCalendar.add, N=20:                  {fast_rate:,.0f} due dates/s")
    print(f"speed-up: {fast_rate / plain_rate:,.0f}x (target >= 100x)")
    sys.exit(1 if disagreements or fast_rate / plain_rate < 100 else 0)


if __name__ == "__main__":
    main()
