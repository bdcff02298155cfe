"""Pure rules of running the reform, tested without a database."""

import calendar
import datetime
from dataclasses import dataclass

# Seed 000 四(二)6: 过渡期现场办公指导时间暂定3个月.
TRANSITION_MONTHS = 3

# Seed 004 二(三): 划转至行政审批局的审批工作人员原则上不少于原各部门审批人员总数的30%—50%.
TARGET_LOW = 30
TARGET_HIGH = 50


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has no such day
    (2025-11-30 + 3 months → 2026-02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def transition_end(starts_on: datetime.date, months: int = TRANSITION_MONTHS) -> datetime.date:
    """The last day of a transition of `months` calendar months starting on `starts_on`
    (a period of months ends the day before the same date of the last month, 《民法典》
    第二百零二条): 2025-07-01 → 2025-09-30."""
    return add_months(starts_on, months) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Share:
    """The part of a department's former approval staff that moved, against seed 004's aim."""

    moved: int
    base: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.moved / self.base, 1) if self.base else None

    @property
    def verdict(self) -> str:
        """ "below" under 30 %, "within" 30–50 %, "above" over 50 %, "" without a base."""
        if not self.base:
            return ""
        if self.moved * 100 < TARGET_LOW * self.base:
            return "below"
        if self.moved * 100 > TARGET_HIGH * self.base:
            return "above"
        return "within"


def switch_problems(
    *,
    switching: bool,
    has_agreement: bool,
    signed: bool,
    transfer_date: datetime.date | None,
    effective_from: datetime.date | None,
) -> list[str]:
    """Why an item may not take effect as transferred to the bureau on `effective_from`, as
    codes: "no_agreement" (a stationed or retained item switches only under an agreement,
    seed 004 一事一协议), "unsigned" (both heads have not signed), "too_early" (before the
    agreement's transfer date). A first version needs no agreement (a new item of the list),
    but when one covers it its date and signatures hold too."""
    if not has_agreement:
        return ["no_agreement"] if switching else []
    out = []
    if not signed:
        out.append("unsigned")
    if effective_from is not None and transfer_date is not None and effective_from < transfer_date:
        out.append("too_early")
    return out
