"""Pure rules of appointments (no database): the time slots of a day, the days that can be
booked, the booking code, and the cancellation cut-off."""

import datetime
import secrets

from oneseal.calendars.rules import WorkCalendar

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud at the window or copied from a phone
# cannot be mistaken. 25 symbols, 8 places: about 37 bits, tied to one booking.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes."""
    return "".join(c for c in (text or "").upper() if c.isalnum())[: CODE_LENGTH * 2]


def format_code(code: str) -> str:
    """Shown in two groups of four (ABCD-EFGH), the way people read it out."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def day_slots(
    opens_at: datetime.time,
    closes_at: datetime.time,
    minutes: int,
    lunch_from: datetime.time | None = None,
    lunch_until: datetime.time | None = None,
) -> list[tuple[datetime.time, datetime.time]]:
    """The (start, end) of every whole slot between opening and closing, none overlapping the
    lunch break."""
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    day = datetime.date(2000, 1, 3)
    start, close = (
        datetime.datetime.combine(day, opens_at),
        datetime.datetime.combine(day, closes_at),
    )
    step = datetime.timedelta(minutes=minutes)
    lunch = None
    if lunch_from and lunch_until and lunch_from < lunch_until:
        lunch = (
            datetime.datetime.combine(day, lunch_from),
            datetime.datetime.combine(day, lunch_until),
        )
    out = []
    while start + step <= close:
        end = start + step
        if lunch and start < lunch[1] and end > lunch[0]:
            start = lunch[1]
            continue
        out.append((start.time(), end.time()))
        start = end
    return out


def bookable_days(cal: WorkCalendar, today: datetime.date, days_ahead: int) -> list[datetime.date]:
    """Today (when it is a working day) and the next `days_ahead` working days: holidays are
    skipped, adjusted weekend workdays (调休) are included."""
    days = [today] if cal.is_workday(today) else []
    days += [cal.add(today, n).date for n in range(1, days_ahead + 1)]
    return days


def cancel_deadline(starts: datetime.datetime, cutoff_minutes: int) -> datetime.datetime:
    return starts - datetime.timedelta(minutes=cutoff_minutes)
