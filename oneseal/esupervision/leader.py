"""The leader's view (领导驾驶舱): weekly trend, county and department comparison, and the
cases behind every figure. Everything is read from the roll-up's `CaseMilestone` rows over a
dozen weeks (one range of the `milestone_period` index, grouped per day in SQL and bucketed
into weeks here), so a figure and the list a click opens are the same rows.

Measures, each a case's own milestone (one row per case and kind, so rows are cases):
- received: cases received in the week;
- decided: cases decided (granted or denied) in the week;
- overdue: cases decided in the week after their promised limit (超期办结). Cases still open
  past a limit are the live warnings and overdue lists, not a weekly figure.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oneseal.cases.models import Case
from oneseal.errors import ValidationFailed
from oneseal.organisation.models import Department, Section, Staff
from oneseal.regions.models import Region

from . import queries
from .jobs import no_jit
from .models import CaseMilestone, Milestone
from .queries import Scope, milestones

WEEKS = 12
MAX_WEEKS = 53


class Measure:
    RECEIVED = "received"
    DECIDED = "decided"
    OVERDUE = "overdue"
    ALL = (RECEIVED, DECIDED, OVERDUE)
    LABELS = {
        RECEIVED: gettext_lazy("收件"),
        DECIDED: gettext_lazy("办结"),
        OVERDUE: gettext_lazy("超期办结"),
    }
    FILTERS = {
        RECEIVED: Q(kind=Milestone.RECEIVED),
        DECIDED: Q(kind=Milestone.DECIDED),
        OVERDUE: Q(kind=Milestone.DECIDED, on_time=False),
    }


COUNTS = {name: Count("id", filter=q) for name, q in Measure.FILTERS.items()}
# Filters a drill-down accepts besides the period and the measure (columns of CaseMilestone).
DIMENSIONS = ("department", "section", "handler")


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s week."""
    return day - datetime.timedelta(days=day.weekday())


def week_label(monday: datetime.date) -> str:
    return _("{month}月{day}日").format(month=monday.month, day=monday.day)


@dataclass
class Week:
    start: datetime.date
    received: int = 0
    decided: int = 0
    overdue: int = 0

    @property
    def end(self) -> datetime.date:
        return self.start + datetime.timedelta(days=6)

    @property
    def label(self) -> str:
        return week_label(self.start)


@dataclass
class Trend:
    weeks: list[Week]

    @property
    def start(self) -> datetime.date:
        return self.weeks[0].start

    @property
    def end(self) -> datetime.date:
        return self.weeks[-1].end


def weekly_trend(scope: Scope, today: datetime.date, *, weeks: int = WEEKS) -> Trend:
    """Received, decided and overdue per week for the `weeks` weeks up to `today`'s (Monday to
    Sunday, the current week last)."""
    if not 1 <= weeks <= MAX_WEEKS:
        msg = _("周数须在 1 至 {n} 之间").format(n=MAX_WEEKS)
        raise ValidationFailed(msg, fields={"weeks": [msg]})
    first = week_start(today) - datetime.timedelta(weeks=weeks - 1)
    out = [Week(first + datetime.timedelta(weeks=n)) for n in range(weeks)]
    with no_jit():
        per_day = (
            milestones(scope, first, out[-1].end)
            .filter(kind__in=[Milestone.RECEIVED, Milestone.DECIDED])
            .values("happened_on")
            .annotate(**COUNTS)
            .order_by()
        )
        for row in per_day:
            week = out[(row["happened_on"] - first).days // 7]
            week.received += row[Measure.RECEIVED]
            week.decided += row[Measure.DECIDED]
            week.overdue += row[Measure.OVERDUE]
    return Trend(out)


@dataclass
class Compared:
    key: str | int | None  # a region code, a department id; None: no department
    label: str
    received: int = 0
    decided: int = 0
    overdue: int = 0
    params: dict = field(default_factory=dict)  # what narrows the case list to this row


def _child_length(prefix: str) -> int:
    """How many digits of a case's region code name the region one level under `prefix`:
    provinces under everything, cities under a province, counties under a city, townships
    under a county."""
    return {0: 2, 2: 4, 4: 6}.get(len(prefix), 9)


def _region_key(code: str, length: int) -> str:
    head = code[:length]
    return head if length > 6 else head.ljust(6, "0")


def by_region(scope: Scope, start: datetime.date, end: datetime.date) -> list[Compared]:
    """The regions one level under the scope (the counties of a city), each with its figures
    over `start`…`end`; a row's `params` narrow the case list to that region."""
    length = _child_length(scope.prefix)
    rows: dict[str, Compared] = {}
    with no_jit():
        grouped = (
            milestones(scope, start, end)
            .filter(kind__in=[Milestone.RECEIVED, Milestone.DECIDED])
            .values("region_code")
            .annotate(**COUNTS)
            .order_by()
        )
        for row in grouped:
            key = _region_key(row["region_code"], length)
            target = rows.setdefault(key, Compared(key, key, params={"region": key}))
            target.received += row[Measure.RECEIVED]
            target.decided += row[Measure.DECIDED]
            target.overdue += row[Measure.OVERDUE]
    names = dict(Region.objects.filter(code__in=list(rows)).values_list("code", "name"))
    for key, compared in rows.items():
        compared.label = names.get(key, key)
    return sorted(rows.values(), key=lambda r: (-r.received, -r.decided, str(r.key)))


def by_department(scope: Scope, start: datetime.date, end: datetime.date) -> list[Compared]:
    """Each department (the item's original approval department) with its figures."""
    out = []
    with no_jit():
        grouped = list(
            milestones(scope, start, end)
            .filter(kind__in=[Milestone.RECEIVED, Milestone.DECIDED])
            .values("department_id")
            .annotate(**COUNTS)
            .order_by()
        )
    names = {
        d.pk: d.short_name or d.name
        for d in Department.objects.filter(pk__in=[g["department_id"] for g in grouped])
    }
    for g in grouped:
        key = g["department_id"]
        out.append(
            Compared(
                key,
                names.get(key, "") if key is not None else _("（未注明部门）"),
                g[Measure.RECEIVED],
                g[Measure.DECIDED],
                g[Measure.OVERDUE],
                params={"department": key if key is not None else "none"},
            )
        )
    return sorted(out, key=lambda r: (-r.received, -r.decided, r.label))


# --- the cases behind a figure ------------------------------------------------------------


@dataclass(frozen=True)
class DrillDown:
    measure: str
    start: datetime.date
    end: datetime.date
    filters: dict  # dimension → id, or None for "none recorded"

    def describe(self) -> str:
        """The list's title: what it is, over which days, narrowed to what."""
        parts = [
            _("{measure}的办件（{start}至{end}）").format(
                measure=Measure.LABELS[self.measure],
                start=date_format(self.start, "DATE_FORMAT"),
                end=date_format(self.end, "DATE_FORMAT"),
            )
        ]
        models: dict[str, type[Department] | type[Section] | type[Staff]] = {
            "department": Department,
            "section": Section,
            "handler": Staff,
        }
        for name, value in self.filters.items():
            if value is None:
                parts.append(
                    {
                        "department": _("未注明部门"),
                        "section": _("未分科室"),
                        "handler": _("系统或网上申报"),
                    }[name]
                )
            else:
                found = models[name].objects.filter(pk=value).first()
                parts.append(str(found) if found is not None else str(value))
        return " · ".join(parts)


def parse_drill_down(params: QueryDict, *, default_end: datetime.date) -> DrillDown:
    """The measure, period and dimensions of a case list from request parameters, each bad one
    refused by its name: `measure`, `from`, `to` (ISO dates, at most a year apart) and any of
    `department`, `section`, `handler` (an id, or "none")."""
    measure = (params.get("measure") or Measure.RECEIVED).strip()
    if measure not in Measure.ALL:
        msg = _("统计口径须为 received、decided 或 overdue")
        raise ValidationFailed(msg, fields={"measure": [msg]})
    dates = {}
    for name, default in (("from", week_start(default_end)), ("to", default_end)):
        text = (params.get(name) or "").strip()
        try:
            dates[name] = datetime.date.fromisoformat(text) if text else default
        except ValueError:
            msg = _("日期格式应为 YYYY-MM-DD，例如 2025-07-01")
            raise ValidationFailed(msg, fields={name: [msg]}) from None
    if dates["from"] > dates["to"]:
        msg = _("截止日期不能早于起始日期")
        raise ValidationFailed(msg, fields={"to": [msg]})
    if (dates["to"] - dates["from"]).days > 366:
        msg = _("查询期间不能超过一年")
        raise ValidationFailed(msg, fields={"from": [msg]})
    filters: dict = {}
    for name in DIMENSIONS:
        text = (params.get(name) or "").strip()
        if not text:
            continue
        if text == "none":
            filters[name] = None
        elif text.isdigit():
            filters[name] = int(text)
        else:
            msg = _("{name} 须为编号或 none").format(name=name)
            raise ValidationFailed(msg, fields={name: [msg]})
    return DrillDown(measure, dates["from"], dates["to"], filters)


def drill_down_rows(scope: Scope, drill: DrillDown) -> QuerySet[CaseMilestone]:
    rows = milestones(scope, drill.start, drill.end).filter(Measure.FILTERS[drill.measure])
    for name, value in drill.filters.items():
        rows = rows.filter(
            **({f"{name}__isnull": True} if value is None else {f"{name}_id": value})
        )
    return rows


def drill_down_cases(scope: Scope, drill: DrillDown) -> QuerySet:
    """The cases counted in a figure: the same milestone rows the chart summed, within the
    reader's scope (the case's own region prefix as well as the row's); rows as
    `queries.listed`."""
    base = (
        Case.objects.all() if scope.prefix == "" else Case.objects.visible_to_prefix(scope.prefix)
    )
    return queries.listed(
        base.filter(pk__in=drill_down_rows(scope, drill).values("case_id")).order_by(
            "-received_at", "-id"
        )
    )
