"""Working-day arithmetic (《行政许可法》第八十二条: limits count working days; 《民法典》第二百零一条:
the starting day does not count; the limit ends with the N-th working day after it).

A `WorkCalendar` is an immutable value: the official schedule the chinese-calendar package ships
(2004 onwards), days an administrator entered by hand (a year the package does not carry yet,
or a correction), and the set of years whose schedule is official. In a year with no official
schedule the days off are the weekends and the statutory holidays the 《全国年节及纪念日放假办法》
fixes (`statutory_holidays`, with the lunar dates and the 清明 solar term computed); only the
adjusted days (调休, 补休) of the State Council's yearly notice are unknown, so any result that
depends on such a year is *provisional* until the year is entered.

All working days of the supported range are precomputed as a sorted list of ordinals, so a
due date is one bisect and an index instead of a day-by-day walk.
"""

import datetime
import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

FIRST_YEAR = 2004
LAST_YEAR = 2040


def package_schedule() -> tuple[dict[datetime.date, bool], frozenset[int]]:
    """Days whose status differs from the plain weekend rule, and the years covered, as the
    chinese-calendar package publishes them."""
    from chinese_calendar import constants

    days: dict[datetime.date, bool] = {}
    for day in constants.holidays:
        if day.weekday() < 5:
            days[day] = False
    for day in constants.workdays:
        if day.weekday() >= 5:
            days[day] = True
    years = frozenset(range(min(constants.holidays).year, max(constants.holidays).year + 1))
    return days, years


# 《全国年节及纪念日放假办法》 as revised by the State Council on 2024-11-10 (in force 2025-01-01),
# 第二条: 元旦 1 day; 春节 4 days (农历除夕、正月初一至初三); 清明节 1 day (农历清明当日); 劳动节
# 2 days (5月1日、2日); 端午节 1 day (农历端午当日); 中秋节 1 day (农历中秋当日); 国庆节 3 days
# (10月1日至3日). Provisional years all lie after the revision.
HOLIDAY_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """The days off the 放假办法 fixes for `year`, with the festival each belongs to; the
    weekend days they fall on and the days the yearly notice moves (调休) are not in it."""
    from lunar_python import Lunar, Solar

    def solar(day: Solar) -> datetime.date:
        return datetime.date(day.getYear(), day.getMonth(), day.getDay())

    days: dict[datetime.date, str] = {datetime.date(year, 1, 1): "元旦"}
    new_year = solar(Lunar.fromYmd(year, 1, 1).getSolar())
    for offset in (-1, 0, 1, 2):  # 除夕 is the day before 正月初一
        days[new_year + datetime.timedelta(days=offset)] = "春节"
    days[solar(Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"])] = "清明节"
    days[datetime.date(year, 5, 1)] = days[datetime.date(year, 5, 2)] = "劳动节"
    days[solar(Lunar.fromYmd(year, 5, 5).getSolar())] = "端午节"
    days[solar(Lunar.fromYmd(year, 8, 15).getSolar())] = "中秋节"
    for d in (1, 2, 3):
        days[datetime.date(year, 10, d)] = "国庆节"
    return days


@dataclass(frozen=True)
class WorkDate:
    date: datetime.date
    provisional: bool

    def as_dict(self) -> dict[str, str | bool]:
        return {"date": self.date.isoformat(), "provisional": self.provisional}


@dataclass(frozen=True)
class WorkCalendar:
    # date -> is_workday, where not the weekend rule
    exceptions: dict[datetime.date, bool] = field(default_factory=dict)
    official_years: frozenset[int] = frozenset()
    _ordinals: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first = datetime.date(FIRST_YEAR, 1, 1).toordinal()
        last = datetime.date(LAST_YEAR, 12, 31).toordinal()
        exc = {d.toordinal(): w for d, w in self.exceptions.items()}
        # date.weekday() of ordinal n is (n + 6) % 7: Monday = 0.
        ordinals = tuple(n for n in range(first, last + 1) if exc.get(n, (n + 6) % 7 < 5))
        object.__setattr__(self, "_ordinals", ordinals)

    @classmethod
    def build(
        cls, manual_days: dict[datetime.date, bool] | None = None, manual_years: Iterable[int] = ()
    ) -> "WorkCalendar":
        days, years = package_schedule()
        merged = dict(days)
        official = years | frozenset(manual_years)
        # A year the package does not carry has the holidays the law fixes, published or not (a
        # yearly notice never works a statutory holiday); what an administrator entered for it —
        # the notice's 调休 and 补休, or a correction of any year — overrides them.
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            if year not in years:
                merged.update({day: False for day in statutory_holidays(year) if day.weekday() < 5})
        for day, is_workday in (manual_days or {}).items():
            if is_workday == (day.weekday() < 5):
                merged.pop(day, None)  # a manual day can also restore the weekend rule
            else:
                merged[day] = is_workday
        return cls(exceptions=merged, official_years=official)

    def _check(self, day: datetime.date) -> None:
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValueError(f"date {day.isoformat()} is outside {FIRST_YEAR}-{LAST_YEAR}")

    def is_workday(self, day: datetime.date) -> bool:
        self._check(day)
        n = day.toordinal()
        i = bisect_left(self._ordinals, n)
        return i < len(self._ordinals) and self._ordinals[i] == n

    def is_provisional(self, start: datetime.date, end: datetime.date) -> bool:
        """Whether any year touched by the span start..end lacks an official schedule."""
        lo, hi = sorted((start, end))
        return any(y not in self.official_years for y in range(lo.year, hi.year + 1))

    def add(self, start: datetime.date, n: int) -> WorkDate:
        """The n-th working day after `start` (start itself never counts; n = 0 gives start)."""
        self._check(start)
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return WorkDate(start, self.is_provisional(start, start))
        i = bisect_right(self._ordinals, start.toordinal()) + n - 1
        if i >= len(self._ordinals):
            raise ValueError(f"the result lies beyond {LAST_YEAR}")
        due = datetime.date.fromordinal(self._ordinals[i])
        return WorkDate(due, self.is_provisional(start, due))

    def before(self, start: datetime.date, n: int) -> WorkDate:
        """The n-th working day before `start` (start itself never counts; n = 0 gives start).
        Used when a suspended case was already late: its due date stays behind it."""
        self._check(start)
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return WorkDate(start, self.is_provisional(start, start))
        i = bisect_left(self._ordinals, start.toordinal()) - n
        if i < 0:
            raise ValueError(f"the result lies before {FIRST_YEAR}")
        day = datetime.date.fromordinal(self._ordinals[i])
        return WorkDate(day, self.is_provisional(day, start))

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end`; negative when end < start.
        `between(d, add(d, n).date) == n` for every n."""
        self._check(start)
        self._check(end)
        if end < start:
            return -self.between(end, start)
        return bisect_right(self._ordinals, end.toordinal()) - bisect_right(
            self._ordinals, start.toordinal()
        )


_fingerprints: dict[int, tuple[WorkCalendar, str]] = {}


def fingerprint(cal: WorkCalendar) -> str:
    """A short digest of what the calendar says, for rows computed on it to know when the
    calendar in force changed. Kept per calendar object (the calendar in force is built once
    per change), so a read asking on every request hashes once."""
    known = _fingerprints.get(id(cal))
    if known is not None and known[0] is cal:
        return known[1]
    text = repr(sorted(cal.exceptions.items())) + repr(sorted(cal.official_years))
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    _fingerprints.clear()  # only the calendar in force is worth keeping
    _fingerprints[id(cal)] = (cal, digest)
    return digest
