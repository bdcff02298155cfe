"""Reads of e-supervision and statistics, each scoped by one region prefix.

Who reads: overseers (改革办、领导、纪检监察, read-only), signatories and superusers, each over
their own region and everything below it (`oversight_scope`): a county overseer sees their
county, a city overseer the whole city, and may narrow the view to one region under theirs.
Everything else is refused before any data is read.

Live from the cases: the warning cards (`cases.jobs`, thresholds turned into dates, counted
in SQL) and the overdue lists. From the roll-up (`jobs.rollup`, run by the worker): rule hits
and statistics, which are aggregates over `CaseMilestone` in SQL.
"""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oneseal.actors import Actor
from oneseal.applicants.models import Applicant
from oneseal.calendars.queries import current_calendar
from oneseal.cases import jobs as case_jobs
from oneseal.cases.models import Case, CaseEvent, State, Suspension, region_scope
from oneseal.catalogue.models import Catalogue, HandlingItem, ItemVersion, Material, ReviewStep
from oneseal.documents.models import PendingNotice
from oneseal.documents.queries import overdue_notices
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.experts import queries as expert_queries
from oneseal.linkage import queries as linkage_queries
from oneseal.linkage.models import OpinionRequest, Push, SupportRequest
from oneseal.organisation.models import Department, Role, Section, Staff
from oneseal.organisation.rules import has_role, scope_prefix, staff_of
from oneseal.regions.models import Region

from . import rules
from .aggregates import Percentile90
from .jobs import last_rollup_at, no_jit
from .models import (
    STEP_KINDS,
    CaseMilestone,
    ConflictDeclaration,
    DailyStat,
    Milestone,
    MonthlyStat,
    PeriodStat,
    ReformBaseline,
    Rule,
    RuleHit,
)

if TYPE_CHECKING:
    # Imported where used, at call time: these apps read e-supervision's in turn.
    from oneseal.documents.queries import SealWarning
    from oneseal.publications.models import Publication
    from oneseal.transfers.queries import TransitionDuty
    from oneseal.transfers.tasks import TaskLine

# --- who may read -------------------------------------------------------------------------


def may_oversee(user: Actor) -> bool:
    """Overseers and signatories (and superusers, who hold every role)."""
    return has_role(user, Role.OVERSEER) or has_role(user, Role.SIGNATORY)


@dataclass(frozen=True)
class Scope:
    prefix: str  # "" for everything (a superuser)
    region: Region | None  # the region looked at; None for everything
    home: Region | None  # the reader's own region

    @property
    def choices(self) -> list[Region]:
        """The regions the reader may narrow the view to: their own and the ones directly under it."""
        if self.home is None:
            return list(
                Region.objects.filter(
                    level__in=[Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY]
                )
                .filter(
                    Q(bureau__isnull=False)
                    | Q(level=Region.Level.PROVINCE)
                    | Q(level=Region.Level.CITY)
                )
                .distinct()
                .order_by("code")[:200]
            )
        return [self.home, *Region.objects.filter(parent=self.home).order_by("code")]


def oversight_scope(user: Actor, region_code: str = "") -> Scope:
    """The scope of an e-supervision reader, narrowed to `region_code` when given. Raises
    NotPermitted for a reader without the role and for a region outside their own."""
    if not getattr(user, "is_authenticated", False) or not may_oversee(user):
        raise NotPermitted()
    prefix = scope_prefix(user)
    if prefix is None:
        raise NotPermitted()
    staff = staff_of(user)
    home = staff.region if staff is not None and prefix != "" else None
    region_code = (region_code or "").strip()
    if not region_code:
        return Scope(prefix, home, home)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        msg = _("区划代码 {code} 不存在").format(code=region_code)
        raise ValidationFailed(msg, fields={"region": [msg]})
    if not region.code.startswith(prefix):
        raise NotPermitted()
    return Scope(region.prefix, region, home)


def _cases(prefix: str) -> QuerySet[Case]:
    """The cases under `prefix`, as a range on region_code that an index led by the state
    and the region (`case_state_region`) answers, not a LIKE alone."""
    return Case.objects.all() if prefix == "" else Case.objects.filter(region_scope(prefix))


def history_url(case_id: int) -> str:
    """Where a hit or a listed case links to: the workbench's case page, or while that page
    does not exist the case's history in the API."""
    try:
        return reverse("workbench:case", args=[case_id])
    except NoReverseMatch:
        return reverse("api:case-events", args=[case_id])


# --- warnings and overdue cases (live) ----------------------------------------------------

LEVEL_LABELS = {
    case_jobs.Level.YELLOW: gettext_lazy("黄牌：承诺时限即将届满"),
    case_jobs.Level.RED: gettext_lazy("红牌：已超过承诺时限"),
    case_jobs.Level.STATUTORY: gettext_lazy("法定时限预警"),
}


def warning_counts(scope: Scope, today: datetime.date) -> dict[str, int]:
    return case_jobs.warning_scan(today, prefix=scope.prefix)


# What a supervised case's row shows (tables.case_table, api.SupervisedCaseSerializer), read
# as named tuples rather than model objects: building 50 cases with their applicant and
# handling item made the first page of a list 5–7× its SQL (bench/supervision.py (b)), and a
# row needs none of a model's behaviour.
LISTED_CASE_FIELDS = (
    "id",
    "number",
    "state",
    "accepted_on",
    "promised_due",
    "statutory_due",
    "delivery_due",
    "applicant_name",
    "handling_item_name",
)


class ListedCase(Protocol):
    """A row of `listed`: a named tuple of LISTED_CASE_FIELDS."""

    id: int
    number: str
    state: str
    accepted_on: datetime.date | None
    promised_due: datetime.date | None
    statutory_due: datetime.date | None
    delivery_due: datetime.date | None
    applicant_name: str
    handling_item_name: str


class OverdueCase(ListedCase, Protocol):
    """A row of `overdue_cases`: each kind's list adds its own due date, the special
    procedures' `expected_end`, the notices' `notice_queued_on` (only that list has it)."""

    expected_end: datetime.date | None
    notice_queued_on: datetime.date | None


def column_of(
    model: type[Applicant] | type[HandlingItem] | type[Case] | type[CaseEvent],
    column: str,
    key: str,
) -> Subquery:
    """The `column` of the `model` row that the outer row's `key` points to. A scalar subquery
    rather than a join: a list's count (its page, the dashboard) drops an annotation it does
    not use, so it counts the cases alone, where a join stays in the count."""
    return Subquery(model.objects.filter(pk=OuterRef(key)).order_by().values(column))


def listed(cases: QuerySet[Case], *annotations: str) -> QuerySet:
    """The rows of a case list: named tuples of LISTED_CASE_FIELDS and the list's own
    `annotations` (its due date), in the queryset's order."""
    return cases.annotate(
        applicant_name=column_of(Applicant, "name", "applicant_id"),
        handling_item_name=column_of(HandlingItem, "name", "handling_item_id"),
    ).values_list(*LISTED_CASE_FIELDS, *annotations, named=True)


def warning_cases(scope: Scope, today: datetime.date, level: str) -> QuerySet:
    return listed(case_jobs.cases_by_warning(today, level, scope.prefix))


class Overdue:
    STATUTORY = "statutory"
    DELIVERY = "delivery"
    SPECIAL_PROCEDURE = "special_procedure"
    NOTICE = "notice"
    ALL = (STATUTORY, DELIVERY, SPECIAL_PROCEDURE, NOTICE)
    LABELS = {
        STATUTORY: gettext_lazy("超过法定办结时限仍未决定"),
        DELIVERY: gettext_lazy("准予许可后超过10个工作日未送达"),
        SPECIAL_PROCEDURE: gettext_lazy("特别程序超过预计时间仍未恢复"),
        NOTICE: gettext_lazy("法定文书逾期未出具"),
    }


def overdue_cases(scope: Scope, today: datetime.date, kind: str) -> QuerySet:
    """Open cases past a limit: the statutory one (第四十二条), delivery (第四十四条), or the
    expected end of the special procedure they are suspended for (第四十五条); rows as
    `listed`."""
    cases = _cases(scope.prefix)
    if kind == Overdue.STATUTORY:
        return listed(
            cases.filter(state=State.ACCEPTED, statutory_due__lt=today).order_by(
                "statutory_due", "id"
            )
        )
    if kind == Overdue.DELIVERY:
        return listed(
            cases.filter(state=State.GRANTED, delivery_due__lt=today).order_by("delivery_due", "id")
        )
    if kind == Overdue.SPECIAL_PROCEDURE:
        late = Suspension.objects.filter(
            case_id=OuterRef("pk"), resumed_on__isnull=True, expected_end__lt=today
        )
        # Ordered by the suspension's own fields: its default order starts with the case's
        # (newest first), which joined the case table again for every row listed.
        expected = (
            Suspension.objects.filter(case_id=OuterRef("pk"), resumed_on__isnull=True)
            .order_by("suspended_on", "id")
            .values("expected_end")[:1]
        )
        return listed(
            cases.filter(state=State.SUSPENDED)
            .filter(Exists(late))
            .annotate(expected_end=Subquery(expected))
            .order_by("expected_end", "id"),
            "expected_end",
        )
    if kind == Overdue.NOTICE:
        # A notice its act could not issue, still not issued after documents.rules.NOTICE_ISSUE_DAYS
        # working days (《行政许可法》第三十二条第二款, 第三十八条 …: the written notice goes with the act).
        pending = PendingNotice.objects.filter(case_id__in=_cases(scope.prefix).values("pk"))
        late_notices = overdue_notices(current_calendar(), today, pending)
        first = (
            PendingNotice.objects.filter(case_id=OuterRef("pk"), document__isnull=True)
            .order_by("queued_on")
            .values("queued_on")[:1]
        )
        return listed(
            cases.filter(pk__in=late_notices.values("case_id"))
            .annotate(notice_queued_on=Subquery(first))
            .order_by("notice_queued_on", "id"),
            "notice_queued_on",
        )
    msg = _("逾期类别须为 statutory、delivery、special_procedure 或 notice")
    raise ValidationFailed(msg, fields={"kind": [msg]})


def overdue_counts(scope: Scope, today: datetime.date) -> dict[str, int]:
    with no_jit():
        return {kind: overdue_cases(scope, today, kind).order_by().count() for kind in Overdue.ALL}


# --- linkage (审管联动): unsigned pushes and overdue support and opinion requests -----------


def unsigned_pushes(scope: Scope, today: datetime.date) -> QuerySet[Push]:
    return linkage_queries.unsigned_pushes(scope.prefix, today=today)


def overdue_support_requests(scope: Scope, today: datetime.date) -> QuerySet[SupportRequest]:
    return linkage_queries.overdue_support_requests(scope.prefix, today=today)


def overdue_opinion_requests(scope: Scope, today: datetime.date) -> QuerySet[OpinionRequest]:
    """Requests for departments' opinions past their limit and unanswered (征求意见)."""
    return linkage_queries.overdue_opinion_requests(scope.prefix, today=today)


# --- expert draws overridden by staff (专家抽取人工干预) ---------------------------------------


def expert_draw_overrides(scope: Scope) -> QuerySet:
    """Every expert hand-picked, or drawn and then removed, by staff, with the recorded reason
    (the expert pool's draws are random; anything else is listed here)."""
    return expert_queries.overrides(scope.prefix)


def transition_duties(scope: Scope, today: datetime.date) -> list["TransitionDuty"]:
    """The departments' transition periods running today with their liaison, and the support
    requests their liaisons still owe (seed 000 四(二)6)."""
    from oneseal.transfers.queries import open_transition_duties

    return open_transition_duties(scope.prefix, today=today)


def seal_warnings(scope: Scope, today: datetime.date) -> list["SealWarning"]:
    """The departments whose transfer date has passed while their old seal is still active
    (seed 000 四(二)5): from that date their items' documents carry only the bureau's seal."""
    from oneseal.documents import queries as documents

    return documents.seal_warnings(scope.prefix, today=today)


def overdue_reform_tasks(scope: Scope, today: datetime.date) -> list["TaskLine"]:
    """The reform tasks past their deadline whose lead unit lies in the scope (任务分工), by
    the lead unit's region, whichever reform (the county's own or the city's) set them."""
    from oneseal.transfers.tasks import overdue_tasks

    return overdue_tasks(scope.prefix, today=today)


class OverduePublications(TypedDict):
    count: int
    rows: list["Publication"]


def overdue_publications(scope: Scope, today: datetime.date) -> "OverduePublications":
    """Licence decisions still unpublished past their 7 working days (双公示): the count and
    the first rows."""
    from oneseal.publications.queries import overdue

    rows = overdue(scope.prefix, today)
    return {"count": rows.count(), "rows": list(rows[:50])}


# --- rules for irregular actions (from the roll-up) ---------------------------------------


def _hits(scope: Scope, rule: str = "") -> QuerySet[RuleHit]:
    if rule and rule not in Rule.values:
        msg = _("规则须为以下之一：{rules}").format(rules="、".join(Rule.values))
        raise ValidationFailed(msg, fields={"rule": [msg]})
    hits = (
        RuleHit.objects.all()
        if scope.prefix == ""
        else RuleHit.objects.filter(region_scope(scope.prefix))
    )
    return hits.filter(rule=rule) if rule else hits


LISTED_HIT_FIELDS = (
    "id",
    "rule",
    "actor_name",
    "on",
    "at",
    "data",
    "case_id",
    "case_number",
    "action",
    "seq",
)


class ListedHit(Protocol):
    """A row of `rule_hits`: a named tuple of LISTED_HIT_FIELDS."""

    id: int
    rule: str
    actor_name: str
    on: datetime.date
    at: datetime.datetime | None
    data: dict[str, Any]
    case_id: int
    case_number: str
    action: str
    seq: int


def rule_hits(scope: Scope, rule: str = "") -> QuerySet:
    # Named tuples of what a hit's row shows (tables.hits_table, api.RuleHitSerializer), not
    # model objects of the hit, its case and its event (5× the SQL for a page of 50).
    return (
        _hits(scope, rule)
        .annotate(
            case_number=column_of(Case, "number", "case_id"),
            action=column_of(CaseEvent, "action", "event_id"),
            seq=column_of(CaseEvent, "seq", "event_id"),
        )
        .order_by("-at", "-id")
        .values_list(*LISTED_HIT_FIELDS, named=True)
    )


def rule_hit_counts(scope: Scope) -> dict[str, int]:
    rows = dict(
        _hits(scope).order_by().values("rule").annotate(n=Count("id")).values_list("rule", "n")
    )
    return {rule: rows.get(rule, 0) for rule in Rule.values}


# --- statistics (from the roll-up) --------------------------------------------------------


class By:
    DEPARTMENT = "department"
    SECTION = "section"
    ITEM = "item"
    HANDLER = "handler"
    MONTH = "month"
    ALL = (DEPARTMENT, SECTION, ITEM, HANDLER, MONTH)
    LABELS = {
        DEPARTMENT: gettext_lazy("按部门"),
        SECTION: gettext_lazy("按科室"),
        ITEM: gettext_lazy("按事项"),
        HANDLER: gettext_lazy("按经办人"),
        MONTH: gettext_lazy("按月份"),
    }


@dataclass
class StatRow:
    key: object
    label: str
    received: int = 0
    accepted: int = 0
    decided: int = 0
    on_time: int = 0
    avg_days: float | None = None
    p90_days: int | None = None
    online: int = 0
    visits: int = 0
    ratings: int = 0
    rating: float | None = None
    # Who did the work: review steps completed (per role), timed steps on time and late, site
    # inspections joined, and — by section or handler — the cases they worked on, each once.
    steps_clerk: int = 0
    steps_reviewer: int = 0
    steps_signatory: int = 0
    steps_on_time: int = 0
    steps_late: int = 0
    inspections: int = 0
    cases: int | None = None

    @property
    def steps(self) -> int:
        return self.steps_clerk + self.steps_reviewer + self.steps_signatory

    @property
    def on_time_share(self) -> float | None:
        return rules.share(self.on_time, self.decided)

    @property
    def online_share(self) -> float | None:
        return rules.share(self.online, self.received)

    @property
    def visits_per_case(self) -> float | None:
        return round(self.visits / self.received, 2) if self.received else None


@dataclass
class StatReport:
    start: datetime.date
    end: datetime.date
    by: str
    rows: list[StatRow]
    totals: StatRow
    rolled_up_at: datetime.datetime | None = None
    labels: dict = field(default_factory=dict)


MEASURES = {
    # First: `on_time` below names an aggregate, and these filter on the column of that name.
    "steps_on_time": Count("id", filter=Q(kind__in=STEP_KINDS, on_time=True)),
    "steps_late": Count("id", filter=Q(kind__in=STEP_KINDS, on_time=False)),
    "received": Count("id", filter=Q(kind=Milestone.RECEIVED)),
    "accepted": Count("id", filter=Q(kind=Milestone.ACCEPTED)),
    "decided": Count("id", filter=Q(kind=Milestone.DECIDED)),
    "on_time": Count("id", filter=Q(kind=Milestone.DECIDED, on_time=True)),
    "avg_days": Avg("working_days"),
    "p90_days": Percentile90("working_days"),
    "online": Count("id", filter=Q(kind=Milestone.RECEIVED, online=True)),
    "visits": Coalesce(Sum("visits"), 0),
    "ratings": Count("rating"),
    "rating": Avg("rating"),
    "steps_clerk": Count("id", filter=Q(kind=Milestone.STEP_CLERK)),
    "steps_reviewer": Count("id", filter=Q(kind=Milestone.STEP_REVIEWER)),
    "steps_signatory": Count("id", filter=Q(kind=Milestone.STEP_SIGNATORY)),
    "inspections": Count("id", filter=Q(kind=Milestone.INSPECTED)),
    "section_cases": Count("id", filter=Q(section_first=True)),
    "handler_cases": Count("id", filter=Q(handler_first=True)),
}
STEP_MEASURES = (
    "steps_clerk",
    "steps_reviewer",
    "steps_signatory",
    "steps_on_time",
    "steps_late",
    "inspections",
)


def milestones(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[CaseMilestone]:
    rows = CaseMilestone.objects.filter(happened_on__gte=start, happened_on__lte=end)
    return rows if scope.prefix == "" else rows.filter(region_scope(scope.prefix))


def _row(key: object, label: str, values: dict, by: str) -> StatRow:
    avg = values["avg_days"]
    rating = values["rating"]
    cases = {By.SECTION: values["section_cases"], By.HANDLER: values["handler_cases"]}.get(by)
    return StatRow(
        key=key,
        label=label,
        received=values["received"],
        accepted=values["accepted"],
        decided=values["decided"],
        on_time=values["on_time"],
        avg_days=round(float(avg), 1) if avg is not None else None,
        p90_days=values["p90_days"],
        online=values["online"],
        visits=values["visits"] or 0,
        ratings=values["ratings"],
        rating=round(float(rating), 2) if rating is not None else None,
        **{k: values[k] or 0 for k in STEP_MEASURES},
        cases=None if cases is None else cases or 0,
    )


def _labels(by: str, keys: list) -> dict:
    keys = [k for k in keys if k is not None]
    if by == By.DEPARTMENT:
        return {d.pk: d.short_name or d.name for d in Department.objects.filter(pk__in=keys)}
    if by == By.SECTION:
        return dict(Section.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == By.HANDLER:
        return dict(Staff.objects.filter(pk__in=keys).values_list("pk", "display_name"))
    if by == By.ITEM:
        names: dict[int, str] = {}
        for item_id, name in (
            ItemVersion.objects.filter(item_id__in=keys, status=ItemVersion.Status.PUBLISHED)
            .order_by("item_id", "-number")
            .values_list("item_id", "name")
        ):
            names.setdefault(item_id, name)
        return names
    return {k: _("{year}年{month}月").format(year=k.year, month=k.month) for k in keys}


NO_KEY = {
    By.DEPARTMENT: gettext_lazy("（未注明部门）"),
    By.SECTION: gettext_lazy("（未分科室）"),
    By.ITEM: gettext_lazy("（未知事项）"),
    By.HANDLER: gettext_lazy("（系统或网上申报）"),
    By.MONTH: "",
}


def statistics(scope: Scope, *, start: datetime.date, end: datetime.date, by: str) -> StatReport:
    """Received, accepted, decided, on time, average and 90th-percentile working days, online
    share, visits and ratings per `by` over `start`…`end` (both included), and the work done:
    review steps completed (per role; on time or late where the step has a limit), site
    inspections joined and, by section or by handler, the cases each worked on, counted once
    in the period of their first row there. Each figure counts the milestone in the period:
    cases received in it, accepted in it, decided in it, steps completed in it. A milestone
    counts for the handler who took it, and for the section the catalogue gives the step, or
    else the handler's section (see docs/architecture.md). Whole
    months are read from the monthly sums (`MonthlyStat`: a year of a city is a few thousand
    rows), the days outside them from the daily sums (`DailyStat`), in one statement
    (`_summed`); the figures are those the milestones of the period give."""
    if by not in By.ALL:
        msg = _("分组方式须为以下之一：{by}").format(by="、".join(By.ALL))
        raise ValidationFailed(msg, fields={"by": [msg]})
    if start > end:
        msg = _("截止日期不能早于起始日期")
        raise ValidationFailed(msg, fields={"to": [msg]})
    with no_jit():
        return _statistics(scope, start=start, end=end, by=by)


# The summed tables' columns, read per key, kind and working days in one statement
# (`_summed`); each measure below is a sum of one of them over some kinds.
SUMMED_COLUMNS = (
    "n",
    "on_time",
    "late",
    "online",
    "visits",
    "rating_sum",
    "section_cases",
    "handler_cases",
)
# measure: (column, the kinds it sums, or None for every kind)
MONTHLY_MEASURES: dict[str, tuple[str, frozenset[str] | None]] = {
    "received": ("n", frozenset({Milestone.RECEIVED})),
    "accepted": ("n", frozenset({Milestone.ACCEPTED})),
    "decided": ("n", frozenset({Milestone.DECIDED})),
    "decided_on_time": ("on_time", frozenset({Milestone.DECIDED})),
    "online": ("online", None),
    "visits": ("visits", None),
    "ratings": ("n", frozenset({Milestone.RATED})),
    "rating_sum": ("rating_sum", None),
    "steps_clerk": ("n", frozenset({Milestone.STEP_CLERK})),
    "steps_reviewer": ("n", frozenset({Milestone.STEP_REVIEWER})),
    "steps_signatory": ("n", frozenset({Milestone.STEP_SIGNATORY})),
    "steps_on_time": ("on_time", frozenset(STEP_KINDS)),
    "steps_late": ("late", frozenset(STEP_KINDS)),
    "inspections": ("n", frozenset({Milestone.INSPECTED})),
    "section_cases": ("section_cases", None),
    "handler_cases": ("handler_cases", None),
}


def _add_sums(into: dict, kind: str, working_days: int, sums: dict) -> None:
    """Adds one (key, kind, working days) row of the summed tables to a key's measures."""
    for name, (column, kinds) in MONTHLY_MEASURES.items():
        if kinds is None or kind in kinds:
            into[name] += sums[column] or 0
    if kind == Milestone.DECIDED and working_days >= 0:
        into["days_n"] += sums["n"] or 0
        into["days_sum"] += (sums["n"] or 0) * working_days


def _empty_sums() -> dict:
    return dict.fromkeys((*MONTHLY_MEASURES, "days_n", "days_sum"), 0)


def _from_sums(values: dict, p90: int | None) -> dict:
    v = {k: (values.get(k) or 0) for k in _empty_sums()}
    return {
        "received": v["received"],
        "accepted": v["accepted"],
        "decided": v["decided"],
        "on_time": v["decided_on_time"],
        "avg_days": v["days_sum"] / v["days_n"] if v["days_n"] else None,
        "p90_days": p90,
        "online": v["online"],
        "visits": v["visits"],
        "ratings": v["ratings"],
        "rating": v["rating_sum"] / v["ratings"] if v["ratings"] else None,
        **{k: v[k] for k in (*STEP_MEASURES, "section_cases", "handler_cases")},
    }


def split_period(
    start: datetime.date, end: datetime.date
) -> tuple[tuple[datetime.date, datetime.date] | None, list[tuple[datetime.date, datetime.date]]]:
    """The whole months of `start`…`end` (read from `MonthlyStat`) and the days outside them
    (from `DailyStat`): 17 June 2024 – 16 June 2025 is July–May as months, 17–30 June 2024 and
    1–16 June 2025 as days."""
    first = start if start.day == 1 else month_bounds(start)[1] + datetime.timedelta(days=1)
    last = (
        end
        if (end + datetime.timedelta(days=1)).day == 1
        else end.replace(day=1) - datetime.timedelta(days=1)
    )
    if first > last:
        return None, [(start, end)]
    days = [
        (a, b)
        for a, b in (
            (start, first - datetime.timedelta(days=1)),
            (last + datetime.timedelta(days=1), end),
        )
        if a <= b
    ]
    return (first, last), days


def _summed(scope: Scope, start: datetime.date, end: datetime.date, by: str) -> tuple[list, dict]:
    """The grouped values and the totals from the summed tables: the whole months of the
    period from `MonthlyStat`, the days outside them from `DailyStat`, in one statement (a
    UNION ALL of one GROUP BY per range, each over the table's unique index) that sums every
    column per key, kind and working days; the measures, the totals and the 90th percentile
    are added up from its rows (a few thousand at most: keys × kinds × days)."""
    months, days = split_period(start, end)
    parts: list[tuple[QuerySet[MonthlyStat] | QuerySet[DailyStat], Combinable]] = []
    if months is not None:
        parts.append(
            (MonthlyStat.objects.filter(month__gte=months[0], month__lte=months[1]), F("month"))
        )
    for a, b in days:
        parts.append((DailyStat.objects.filter(day__gte=a, day__lte=b), TruncMonth("day")))
    grouped_rows: list[QuerySet[PeriodStat, dict[str, Any]]] = []
    for rows, month in parts:
        if scope.prefix:
            rows = rows.filter(region_scope(scope.prefix))
        key = month if by == By.MONTH else F(f"{by}_id")
        grouped_rows.append(
            rows.annotate(key=key)
            .values("key", "kind", "working_days")
            .annotate(**{f"sum_{column}": Sum(column) for column in SUMMED_COLUMNS})
            .order_by()
        )
    union = (
        grouped_rows[0].union(*grouped_rows[1:], all=True)
        if len(grouped_rows) > 1
        else grouped_rows[0]
    )
    grouped: dict = {}
    days_by_key: dict = {}
    every: dict[int, int] = {}
    for row in union:
        k = row["key"]
        k = k.date() if isinstance(k, datetime.datetime) else k
        sums = {column: row[f"sum_{column}"] for column in SUMMED_COLUMNS}
        _add_sums(grouped.setdefault(k, _empty_sums()), row["kind"], row["working_days"], sums)
        if row["kind"] == Milestone.DECIDED and row["working_days"] >= 0 and sums["n"]:
            per_key = days_by_key.setdefault(k, {})
            per_key[row["working_days"]] = per_key.get(row["working_days"], 0) + sums["n"]
            every[row["working_days"]] = every.get(row["working_days"], 0) + sums["n"]
    values = [
        {
            **_from_sums(g, rules.weighted_nearest_rank(days_by_key.get(k, {}))),
            "key": -1 if k == 0 else k,
        }
        for k, g in sorted(grouped.items(), key=lambda pair: pair[0])
    ]
    totals = _empty_sums()
    for g in grouped.values():
        for name, value in g.items():
            totals[name] += value
    return values, _from_sums(totals, rules.weighted_nearest_rank(every))


def _statistics(scope: Scope, *, start: datetime.date, end: datetime.date, by: str) -> StatReport:
    values, totals = _summed(scope, start, end, by)
    keys = [v["key"] for v in values]
    names = _labels(by, keys)
    out = []
    for key, v in zip(keys, values, strict=True):
        label = (names.get(key) or str(NO_KEY[by])) if key != -1 else str(NO_KEY[by])
        out.append(_row(None if key == -1 else key, label, v, by))
    if by != By.MONTH:
        out.sort(key=lambda r: (-(r.cases or 0), -r.received, -r.steps, -r.decided, r.label))
    # The totals' "cases" is not a sum of the rows (a case worked on by two sections is one
    # case): it is left out there.
    return StatReport(
        start=start,
        end=end,
        by=by,
        rows=out,
        totals=_row(None, _("合计"), totals, By.MONTH),
        rolled_up_at=last_rollup_at(),
    )


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


# --- reform measures (seed 004: materials, steps and time cut by at least 50%) ---------------


@dataclass
class ReformRow:
    item_id: int
    name: str
    department: str
    handling_item: str
    baseline: ReformBaseline | None
    materials: int
    steps: int
    days: int

    def _cut(self, name: str) -> float | None:
        return (
            None
            if self.baseline is None
            else rules.cut_percent(getattr(self.baseline, name), getattr(self, name))
        )

    @property
    def materials_cut(self) -> float | None:
        return self._cut("materials")

    @property
    def steps_cut(self) -> float | None:
        return self._cut("steps")

    @property
    def days_cut(self) -> float | None:
        return self._cut("days")

    @property
    def meets_target(self) -> bool | None:
        cuts = [self.materials_cut, self.steps_cut, self.days_cut]
        if any(c is None for c in cuts):
            return None
        return all(rules.meets_target(c) for c in cuts)


@dataclass
class ReformReport:
    on: datetime.date
    rows: list[ReformRow]
    without_baseline: int
    target: int = rules.REFORM_TARGET_PERCENT

    def _mean(self, name: str) -> float | None:
        values = [getattr(r, name) for r in self.rows if getattr(r, name) is not None]
        return round(sum(values) / len(values), 1) if values else None

    @property
    def mean_cuts(self) -> dict[str, float | None]:
        return {
            "materials": self._mean("materials_cut"),
            "steps": self._mean("steps_cut"),
            "days": self._mean("days_cut"),
        }

    @property
    def meeting_target(self) -> int:
        return sum(1 for r in self.rows if r.meets_target)


def reform_measures(
    scope: Scope, *, on: datetime.date, with_baseline_only: bool = True
) -> ReformReport:
    """Per item of the local catalogues under the scope, as published on `on`: its principal
    handling item (the first, usually 新办) now — materials listed, review steps, promised
    working days (0 for an instant item) — against the baseline entered for the item."""
    versions = ItemVersion.objects.in_force(on).filter(item__catalogue__kind=Catalogue.Kind.LOCAL)
    if scope.prefix:
        versions = versions.filter(item__catalogue__region__code__startswith=scope.prefix)
    principal = HandlingItem.objects.filter(item_version=OuterRef("pk")).order_by("order", "id")
    has_baseline = ReformBaseline.objects.filter(item_id=OuterRef("item_id"))
    without = versions.exclude(Exists(has_baseline)).count() if with_baseline_only else 0
    if with_baseline_only:
        versions = versions.filter(Exists(has_baseline))
    versions = versions.annotate(hi=Subquery(principal.values("pk")[:1])).select_related(
        "original_department"
    )
    rows_by_hi = {}
    listed = list(versions.order_by("item__basic_code"))
    hi_ids = [v.hi for v in listed if v.hi is not None]
    his = {
        hi.pk: hi
        for hi in HandlingItem.objects.filter(pk__in=hi_ids).annotate(
            n_materials=Subquery(
                Material.objects.filter(handling_item=OuterRef("pk"))
                .order_by()
                .values("handling_item")
                .annotate(n=Count("id"))
                .values("n"),
                output_field=IntegerField(),
            ),
            n_steps=Subquery(
                ReviewStep.objects.filter(handling_item=OuterRef("pk"))
                .order_by()
                .values("handling_item")
                .annotate(n=Count("id"))
                .values("n"),
                output_field=IntegerField(),
            ),
        )
    }
    baselines = {
        b.item_id: b for b in ReformBaseline.objects.filter(item_id__in=[v.item_id for v in listed])
    }
    for v in listed:
        hi = his.get(v.hi)
        if hi is None:
            continue
        days = 0 if hi.is_instant else (hi.promised_limit_days or hi.statutory_limit_days or 20)
        rows_by_hi[hi.pk] = ReformRow(
            item_id=v.item_id,
            name=v.name,
            department=str(v.original_department or ""),
            handling_item=hi.name,
            baseline=baselines.get(v.item_id),
            materials=hi.n_materials or 0,
            steps=hi.n_steps or 0,
            days=days,
        )
    return ReformReport(on=on, rows=list(rows_by_hi.values()), without_baseline=without)


# --- conflict declarations ----------------------------------------------------------------


def own_declarations(user: Actor) -> QuerySet[ConflictDeclaration]:
    staff = staff_of(user)
    if staff is None:
        return ConflictDeclaration.objects.none()
    return ConflictDeclaration.objects.filter(staff=staff).order_by(
        "withdrawn_on", "-declared_on", "-id"
    )
