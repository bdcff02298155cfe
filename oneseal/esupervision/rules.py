"""Pure rules of e-supervision and statistics (no database).

- Working hours: a decision is irregular when it is taken outside the office hours of a
  working day (seed 003 (十三) 电子监察: "对审批行为全过程实时监控"); the hours are a setting
  (ONESEAL_OFFICE_HOURS, "08:00-18:00" by default) because each hall publishes its own.
- The 90th percentile is the nearest-rank one (the smallest value with at least 90% of the
  values at or below it), which PostgreSQL's `percentile_disc(0.9)` computes; SQLite gets the
  same function from `nearest_rank`.
- The reform's cut (seed 004 二(五): 办事材料、环节、时限至少压减50%以上) in percent of the
  baseline, and whether it reaches the target.
"""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

REFORM_TARGET_PERCENT = 50


@dataclass(frozen=True)
class OfficeHours:
    start: datetime.time
    end: datetime.time

    @property
    def start_minute(self) -> int:
        return self.start.hour * 60 + self.start.minute

    @property
    def end_minute(self) -> int:
        return self.end.hour * 60 + self.end.minute

    def label(self) -> str:
        return f"{self.start:%H:%M}—{self.end:%H:%M}"


def parse_office_hours(text: str) -> OfficeHours:
    """ "08:00-18:00" → OfficeHours; ValueError on anything else."""
    try:
        start_text, end_text = (part.strip() for part in text.split("-"))
        start, end = datetime.time.fromisoformat(start_text), datetime.time.fromisoformat(end_text)
    except ValueError as exc:
        raise ValueError(f"office hours must look like 08:00-18:00, not {text!r}") from exc
    if start >= end:
        raise ValueError(f"office hours must start before they end: {text!r}")
    return OfficeHours(start, end)


def office_hours() -> OfficeHours:
    return parse_office_hours(settings.ONESEAL_OFFICE_HOURS)


def outside_office_hours(moment: datetime.datetime, is_workday: bool, hours: OfficeHours) -> bool:
    """`moment` in the bureau's local time."""
    minute = moment.hour * 60 + moment.minute
    return not is_workday or minute < hours.start_minute or minute >= hours.end_minute


def nearest_rank(values: Sequence[int | None], fraction: float = 0.9) -> int | None:
    """The nearest-rank percentile of `values` (None when empty): percentile_disc."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def weighted_nearest_rank(counts: dict[int, int], fraction: float = 0.9) -> int | None:
    """`nearest_rank` over values given as {value: how many times}."""
    total = sum(n for n in counts.values() if n > 0)
    if not total:
        return None
    rank, seen = max(1, math.ceil(fraction * total)), 0
    for value in sorted(counts):
        seen += max(counts[value], 0)
        if seen >= rank:
            return value
    return None


def cut_percent(before: int | None, now: int | None) -> float | None:
    """How much smaller `now` is than `before`, in percent of `before` (negative when it grew);
    None when either is unknown or the baseline is zero."""
    if before is None or now is None or before <= 0:
        return None
    return round((before - now) * 100 / before, 1)


def meets_target(percent: float | None, target: int = REFORM_TARGET_PERCENT) -> bool | None:
    return None if percent is None else percent >= target


def share(part: int | None, whole: int | None) -> float | None:
    """`part` of `whole` in percent, one decimal; None when there is no whole."""
    if not whole or part is None:
        return None
    return round(part * 100 / whole, 1)


def spoken_when(text: str) -> str:
    """A stored date ("2026-12-06") or local time ("2026-12-06 22:30") as a sentence says it:
    2026年12月6日, 2026年12月6日 22:30 (the stored data stays ISO for the API)."""
    from django.utils.formats import date_format

    try:
        day = datetime.date.fromisoformat(text[:10])
    except (TypeError, ValueError):
        return text or ""
    return f"{date_format(day, 'DATE_FORMAT')}{text[10:]}"


def hit_detail(rule: str, data: dict) -> str:
    """The sentence a reader sees for a rule hit, from what the job stored; dates in it are
    written the way the reader's language writes them."""
    from django.utils.translation import gettext as _

    if rule == "repeated_suspension":
        return _("第{n}次中止").format(n=data.get("nth", "?"))
    if rule == "off_hours_decision":
        if data.get("non_workday"):
            return _("{when}（非工作日）作出{action}").format(
                when=spoken_when(data.get("when", "")), action=data.get("action", "")
            )
        return _("{when}（工作时间{hours}以外）作出{action}").format(
            when=spoken_when(data.get("when", "")),
            hours=data.get("hours", ""),
            action=data.get("action", ""),
        )
    if rule == "refusal_reversed":
        if data.get("refused_case"):
            return _("同一申请人同一办理项曾于{date}不予受理（办件{number}）").format(
                date=spoken_when(data.get("refused_on", "")), number=data["refused_case"]
            )
        return _("本办件曾作出不予受理，其后又予受理")
    if rule == "core_material_missing":
        return _("受理时核心要件“{material}”等{n}项未提交或需补正").format(
            material=data.get("material", ""), n=data.get("count", 1)
        )
    if rule == "repeated_correction":
        return _("第{n}次补正告知（{materials}）").format(
            n=data.get("nth", "?"), materials="、".join(data.get("materials", []))
        )
    if rule == "conflict_of_interest":
        return _(
            "{staff}已申报{relative}（{relation}）为回避对象，仍经办其办件（{action}）"
        ).format(
            staff=data.get("staff", ""),
            relative=data.get("relative", ""),
            relation=data.get("relation", ""),
            action=data.get("action", ""),
        )
    return ""
