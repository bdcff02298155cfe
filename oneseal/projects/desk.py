"""The lead section's desk (牵头科室工作台): each project's stage application under a template
the section leads, with the stage's clock and the project's, the warnings, and what every case
of the stage waits on.

Who sees a stage: staff whose section is the template's lead section, for projects in their
region or below (`scope_prefix`); a superuser sees every stage. Anyone else sees none — another
county's staff, another section's, an applicant (`desk_scope` raises NotPermitted for a reader
without a section; a reader with one sees only their section's stages).

The queue reads `StageStanding` (the clocks as last computed, see the model): stale standings
in the reader's scope are computed again first (`refresh`), so the desk never shows a clock
older than the last act that moved it. Warnings are those of the clocks
(`clocks.StageClock.warning`, `ProjectClock.warning`) stored as the days they begin
(`warning_days`) and compared with today, as the cases' warning scan does (`cases.jobs`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case as Switch
from django.db.models import (
    CharField,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.signals import post_save
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oneseal.calendars.queries import current_calendar, today
from oneseal.calendars.rules import WorkCalendar, fingerprint
from oneseal.cases import actions as case_actions
from oneseal.cases.models import Case, CaseEvent, CaseStep, State, Suspension
from oneseal.cases.queries import Viewer, is_scoped_staff
from oneseal.catalogue.models import SpecialProcedure
from oneseal.errors import NotPermitted, fail_fields
from oneseal.organisation.models import Section
from oneseal.organisation.rules import scope_prefix, staff_of

from . import clocks
from .bundles import DECIDING_ACTIONS
from .models import (
    Bundle,
    BundleCase,
    JointStep,
    Project,
    ProjectKind,
    Stage,
    StageApplication,
    StageStanding,
)
from .queries import project_limit, stops_of

RED, YELLOW, NONE = "red", "yellow", ""
LEVELS = (RED, YELLOW)
# The stored rank of each level (`StageStanding.urgency`): the queue's first sort key.
URGENCY = {RED: 0, YELLOW: 1, NONE: 2}
LEVEL_OF = {rank: level for level, rank in URGENCY.items()}
LEVEL_LABELS = {
    RED: gettext_lazy("红牌：已超过时限"),
    YELLOW: gettext_lazy("黄牌：时限即将届满"),
    NONE: "",
}


# --- keeping the standings -----------------------------------------------------------------


def mark_dirty(*, project_id: int) -> int:
    """Mark the standings a project's change may have moved (a case's event: `_event_saved`)."""
    return StageStanding.objects.filter(application__project_id=project_id, dirty=False).update(
        dirty=True
    )


# The acts that move a stage's clock: a stop begins or ends (the applicant's correction, a
# suspension), or a case is decided (the stage may conclude). Others (receipt, acceptance,
# review steps …) leave it as it was, and the intake's hot path pays nothing for the desk; what
# a case waits on is read live from the case.
CLOCK_ACTIONS = frozenset(
    {"request_correction", "submit_correction", "suspend", "resume"} | DECIDING_ACTIONS
)


def _event_saved(sender: object, instance: CaseEvent, created: bool, **kwargs: object) -> None:
    if not created or instance.action not in CLOCK_ACTIONS:
        return
    # Most cases belong to no stage: one indexed read (the case is unique among the bundles'
    # members) finds the stage, if any, and only then is a standing written — a single case's
    # correction or decision never takes a write on the desk's table.
    applications = list(
        StageApplication.objects.filter(bundle__members__case_id=instance.case_id).values_list(
            "pk", flat=True
        )
    )
    if applications:
        StageStanding.objects.filter(application_id__in=applications, dirty=False).update(
            dirty=True
        )


def _application_saved(
    sender: object, instance: StageApplication, created: bool, **kwargs: object
) -> None:
    if not created:
        return
    template, project = instance.template, instance.project
    StageStanding.objects.create(
        application=instance,
        lead_section_id=template.lead_section_id,
        region_code=project.region.code,
        stage=instance.stage,
        received_on=instance.bundle.received_on,
        limit_days=template.limit_days,
    )
    mark_dirty(project_id=project.pk)  # the project's limit may come from this template now


def _project_saved(sender: object, instance: Project, created: bool, **kwargs: object) -> None:
    if not created:
        mark_dirty(project_id=instance.pk)  # the kind decides the project-wide limit


def connect() -> None:
    """Called by ProjectsConfig.ready: every path that records a case event (window, portal,
    API, worker, admin) marks the stage's standing, whatever action it was."""
    post_save.connect(_event_saved, sender=CaseEvent, dispatch_uid="projects.desk.event")
    post_save.connect(
        _application_saved, sender=StageApplication, dispatch_uid="projects.desk.application"
    )
    post_save.connect(_project_saved, sender=Project, dispatch_uid="projects.desk.project")


def _compute(project: Project, on: datetime.date, cal: WorkCalendar, stamp: str) -> int:
    applications = list(project.stages.select_related("bundle", "template").order_by("stage", "id"))
    if not applications:
        return 0
    cases = {a.pk: [m.case for m in a.bundle.members.select_related("case")] for a in applications}
    stops = {pk: stops_of(c) for pk, c in cases.items()}
    stage_clocks = {
        a.pk: clocks.stage_clock(
            cal,
            received_on=a.bundle.received_on,
            limit_days=a.template.limit_days,
            stops=stops[a.pk],
            concluded_on=a.bundle.concluded_on,
            on=on,
        )
        for a in applications
    }
    completion = [
        a
        for a in applications
        if a.stage == Stage.COMPLETION_ACCEPTANCE and a.bundle.outcome == Bundle.Outcome.COMPLETE
    ]
    project_clock = clocks.project_clock(
        cal,
        spans=[
            clocks.StageSpan(a.bundle.received_on, a.bundle.concluded_on, stops[a.pk])
            for a in applications
        ],
        limit_days=project_limit(project),
        completed_on=completion[0].bundle.concluded_on if completion else None,
        on=on,
    )
    running = project_clock.completed_on is None and any(
        c.concluded_on is None and not c.paused for c in stage_clocks.values()
    )
    project_due = None
    if project_clock.remaining is not None and project_clock.remaining >= 0:
        project_due = cal.add(on, project_clock.remaining).date
    project_days = warning_days(
        cal,
        remaining=project_clock.remaining,
        due=project_due,
        running=running,
        done=project_clock.completed_on is not None,
        since=project_clock.started_on or on,
    )
    for a in applications:
        clock = stage_clocks[a.pk]
        stage_days = warning_days(
            cal,
            remaining=clock.remaining,
            due=clock.due,
            running=clock.concluded_on is None and not clock.paused,
            done=clock.concluded_on is not None,
            since=clock.received_on,
        )
        red_on = _earliest(stage_days.red, project_days.red)
        yellow_on = _earliest(stage_days.yellow, project_days.yellow)
        urgency, urgency_from, urgency_until = urgency_on(red_on, yellow_on, on)
        StageStanding.objects.update_or_create(
            application=a,
            defaults={
                "lead_section_id": a.template.lead_section_id,
                "region_code": project.region.code,
                "stage": a.stage,
                "dirty": False,
                "calendar": stamp,
                "computed_on": on,
                "received_on": clock.received_on,
                "limit_days": clock.limit_days,
                "used": clock.used,
                "remaining": clock.remaining,
                "due_on": clock.due,
                "paused": clock.paused,
                "concluded_on": clock.concluded_on,
                "project_limit": project_clock.limit_days,
                "project_used": project_clock.used,
                "project_remaining": project_clock.remaining,
                "project_due_on": project_due,
                "project_running": running,
                "project_started_on": project_clock.started_on,
                "project_completed_on": project_clock.completed_on,
                "stage_yellow_on": stage_days.yellow,
                "stage_red_on": stage_days.red,
                "project_yellow_on": project_days.yellow,
                "project_red_on": project_days.red,
                "yellow_on": yellow_on,
                "red_on": red_on,
                "urgency": urgency,
                "urgency_from": urgency_from,
                "urgency_until": urgency_until,
            },
        )
    return len(applications)


def stale(standings: QuerySet[StageStanding], stamp: str, on: datetime.date) -> QuerySet:
    """Standings to compute again: marked dirty, computed on another calendar, or open and
    computed before `on` (a stop's due day moves on each working day; the rest is compared
    with dates and would not need it, but the page shows the due day)."""
    return standings.filter(
        Q(dirty=True)
        | ~Q(calendar=stamp)
        | Q(computed_on__isnull=True)
        | Q(concluded_on__isnull=True, paused=True, computed_on__lt=on)
    )


def refresh(
    standings: QuerySet[StageStanding] | None = None, *, on: datetime.date | None = None
) -> int:
    """Compute again the stale standings among `standings` (all by default), a project at a
    time in its own transaction. Returns the number of stage applications computed."""
    on = on or today()
    cal = current_calendar()
    stamp = f"{fingerprint(cal)}:{clocks.yellow_at()}"
    base = StageStanding.objects.all() if standings is None else standings
    found = stale(base, stamp, on)
    n = 0
    if found.exists():  # the usual read: one narrow scan, no join, finds none
        project_ids = set(found.values_list("application__project_id", flat=True).distinct())
        for project in Project.objects.filter(pk__in=project_ids).select_related("region"):
            with transaction.atomic():
                n += _compute(project, on, cal, stamp)
    relevel(base, on)
    return n


def refresh_job(today: datetime.date) -> int:
    """The worker's pass: every stale standing, so e-supervision's counts and statistics are
    as fresh as the desk."""
    return refresh(on=today)


# --- warnings as date comparisons ----------------------------------------------------------


@dataclass(frozen=True)
class WarningDays:
    yellow: datetime.date | None
    red: datetime.date | None


def _earliest(*days: datetime.date | None) -> datetime.date | None:
    known = [d for d in days if d is not None]
    return min(known) if known else None


def warning_days(
    cal: WorkCalendar,
    *,
    remaining: int | None,
    due: datetime.date | None,
    running: bool,
    done: bool,
    since: datetime.date,
) -> WarningDays:
    """The days from which a clock is yellow and red, as `clocks.StageClock.warning` decides
    on each day: red once fewer than no working days are left, yellow while at most
    `clocks.yellow_at()` are (never once done). A running clock with due day D has
    wd(day, D] working days left on a day: red from the first working day after D, yellow
    from the day after the (n+1)-th working day before D. A stopped or finished clock keeps
    its days left: it warns from `since` or not at all."""
    n = clocks.yellow_at()
    if remaining is None:
        return WarningDays(None, None)
    if remaining < 0:
        return WarningDays(since, since)
    if not running or due is None:
        return WarningDays(since if not done and remaining <= n else None, None)
    return WarningDays(
        yellow=cal.before(due, n + 1).date + datetime.timedelta(days=1),
        red=cal.add(due, 1).date,
    )


def urgency_on(
    red_on: datetime.date | None, yellow_on: datetime.date | None, on: datetime.date
) -> tuple[int, datetime.date | None, datetime.date | None]:
    """The worse warning's rank on `on` and the days [from, until) it holds (None: without
    end). A clock is never red before it is yellow (`warning_days`), so a row with no warning
    turns yellow first and keeps its rank until `yellow_on`."""
    if red_on is not None and red_on <= on:
        return URGENCY[RED], red_on, None
    if yellow_on is not None and yellow_on <= on:
        return URGENCY[YELLOW], yellow_on, red_on
    return URGENCY[NONE], None, yellow_on


def relevel(standings: QuerySet[StageStanding], on: datetime.date) -> int:
    """Set the urgency again, as `urgency_on` does, on the open standings whose span does not
    hold `on`: one UPDATE from the stored warning days, no clock computed. On a read of the
    same day as the last it finds no row (two small partial indexes say so)."""
    red, yellow = Q(red_on__lte=on), Q(yellow_on__lte=on)
    no_day = Value(None, output_field=DateField())
    return (
        standings.filter(concluded_on__isnull=True)
        .filter(Q(urgency_from__gt=on) | Q(urgency_until__lte=on))
        .update(
            urgency=Switch(
                When(red, then=Value(URGENCY[RED])),
                When(yellow, then=Value(URGENCY[YELLOW])),
                default=Value(URGENCY[NONE]),
            ),
            urgency_from=Switch(
                When(red, then=F("red_on")), When(yellow, then=F("yellow_on")), default=no_day
            ),
            urgency_until=Switch(
                When(red, then=no_day), When(yellow, then=F("red_on")), default=F("yellow_on")
            ),
        )
    )


def _level(red: str, yellow: str, on: datetime.date) -> Switch:
    return Switch(
        When(**{f"{red}__lte": on}, then=Value(RED)),
        When(**{f"{yellow}__lte": on}, then=Value(YELLOW)),
        default=Value(NONE),
        output_field=CharField(),
    )


def level_q(level: str, on: datetime.date, prefix: str = "") -> Q:
    """The rows at `level` on `on`; `prefix` "stage_" or "project_" for one clock, "" for
    the worse of both."""
    red = Q(**{f"{prefix}red_on__lte": on})
    if level == RED:
        return red
    return Q(**{f"{prefix}yellow_on__lte": on}) & ~red


def with_levels(standings: QuerySet[StageStanding], on: datetime.date) -> QuerySet:
    return standings.annotate(
        stage_level=_level("stage_red_on", "stage_yellow_on", on),
        project_level=_level("project_red_on", "project_yellow_on", on),
        level=_level("red_on", "yellow_on", on),
    )


# --- who sees which stage ------------------------------------------------------------------


@dataclass(frozen=True)
class DeskScope:
    prefix: str  # "" for a superuser
    section: Section | None  # None: every section (a superuser)


def desk_scope(user: Viewer) -> DeskScope:
    """The reader's desk: their section and region. Raises NotPermitted for anyone who is not
    scoped staff placed in a section (a superuser excepted)."""
    if not is_scoped_staff(user):
        raise NotPermitted()
    prefix = scope_prefix(user)
    if prefix is None:
        raise NotPermitted()
    if getattr(user, "is_superuser", False):
        return DeskScope("", None)
    staff = staff_of(user)
    if staff is None or staff.section_id is None:
        raise NotPermitted()
    return DeskScope(prefix, staff.section)


def visible_standings(scope: DeskScope) -> QuerySet[StageStanding]:
    standings = StageStanding.objects.all()
    if scope.prefix:
        standings = standings.filter(region_code__startswith=scope.prefix)
    if scope.section is not None:
        standings = standings.filter(lead_section=scope.section)
    return standings


@dataclass(frozen=True)
class Filters:
    stage: int | None = None
    kind: str = ""
    level: str = ""
    concluded: bool = False  # the concluded stages instead of the open ones

    @classmethod
    def parse(cls, params: QueryDict) -> Filters:
        """From a page's or the API's query string; a bad value is refused naming its field."""
        errors: dict[str, list[str]] = {}
        stage = None
        text = (params.get("stage") or "").strip()
        if text:
            try:
                stage = int(text)
            except ValueError:
                stage = None
            if stage not in Stage.values:
                errors["stage"] = [_("审批阶段须为 1、2、3 或 4")]
        kind = (params.get("kind") or "").strip()
        if kind and kind not in ProjectKind.values:
            errors["kind"] = [_("项目类型不存在：{kind}").format(kind=kind)]
        level = (params.get("warning") or "").strip()
        if level and level not in LEVELS:
            errors["warning"] = [_("预警级别须为 red 或 yellow")]
        concluded = (params.get("status") or "open").strip()
        if concluded not in ("open", "concluded"):
            errors["status"] = [_("状态须为 open 或 concluded")]
        fail_fields(errors)
        return cls(stage=stage, kind=kind, level=level, concluded=concluded == "concluded")


def queue(user: Viewer, filters: Filters, on: datetime.date) -> QuerySet[StageStanding]:
    """The reader's stages, most urgent first (red, yellow, then by due day). Refreshes the
    stale standings in scope first."""
    scope = desk_scope(user)
    mine = visible_standings(scope)
    refresh(mine, on=on)
    standings = mine.filter(concluded_on__isnull=not filters.concluded)
    if filters.stage is not None:
        standings = standings.filter(stage=filters.stage)
    if filters.kind:
        standings = standings.filter(application__project__kind=filters.kind)
    if filters.level and filters.concluded:
        standings = standings.filter(level_q(filters.level, on))
    elif filters.level:
        standings = standings.filter(urgency=URGENCY[filters.level])  # as of `on`: relevelled
    # Open: the stored urgency, then the due day (the index `standing_desk_queue` in that
    # order, so a page reads its own rows and no sort sees the rest). Narrow rows: the page's
    # applications, projects and owners are read for its rows only (`rows`).
    order = ["-concluded_on"] if filters.concluded else ["urgency", "due_on"]
    return (
        with_levels(standings, on).select_related("lead_section").order_by(*order, "application_id")
    )


def level_counts(user: Viewer, on: datetime.date, *, fresh: bool = False) -> dict[str, int]:
    """Open stages of the reader's desk per warning level (the worse of stage and project).
    `fresh`: the caller has just refreshed the desk (`queue`)."""
    scope = desk_scope(user)
    if not fresh:
        refresh(visible_standings(scope), on=on)
    rows = (
        visible_standings(scope)
        .filter(concluded_on__isnull=True)
        .order_by()
        .values_list("urgency")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys((RED, YELLOW, NONE), 0)
    for urgency, n in rows:  # relevelled to `on` by the refresh
        counts[LEVEL_OF[urgency]] += n
    return counts


def total_from_counts(filters: Filters, counts: dict[str, int]) -> int | None:
    """The queue's length when `level_counts` already says it: the open stages, filtered by
    warning at most. None when only a count of the queue itself can tell."""
    if filters.concluded or filters.stage is not None or filters.kind:
        return None
    return counts[filters.level] if filters.level else sum(counts.values())


def stage_on_desk(user: Viewer, pk: int, on: datetime.date) -> StageStanding:
    """One stage of the reader's desk, or NotPermitted (outside it: another section, another
    county, not staff)."""
    scope = desk_scope(user)
    mine = visible_standings(scope).filter(pk=pk)
    refresh(mine, on=on)
    standing = with_levels(mine, on).select_related("lead_section").first()
    if standing is None:
        raise NotPermitted()
    return standing


# --- what each case waits on ---------------------------------------------------------------


@dataclass
class CaseLine:
    """A case of a stage as the desk lists it: the few columns the page, the download and the
    API show, read as values (no Case object, no prefetch per case)."""

    pk: int
    number: str
    item: str  # the handling item's name
    state: str
    required: bool
    waits_on: list[str]
    blockers: list[str] | None = None  # the full reasons, on one stage's page (`add_blockers`)

    @property
    def state_display(self) -> str:
        return str(State(self.state).label)


@dataclass(frozen=True)
class _Waiting:
    """What a case's short form of "waits on" is made of."""

    state: str
    acceptance_due: datetime.date | None
    step: str | None  # the first pending review step's name (an accepted case)
    step_section: str | None
    extension_pending: bool
    suspensions: list[tuple[str, datetime.date | None]]  # open ones: kind, expected end


def _short_waits(case: _Waiting) -> list[str]:
    """What the case waits on (the queue's short form)."""
    state = case.state
    if state == State.RECEIVED:
        return [_("待受理（受理期限{date}）").format(date=_date(case.acceptance_due))]
    if state == State.AWAITING_CORRECTION:
        return [_("等待申请人补正材料")]
    if state == State.SUSPENDED:
        return [
            _("中止：{kind}，预计{date}完成").format(
                kind=SpecialProcedure.Kind(kind).label, date=_date(expected_end)
            )
            for kind, expected_end in case.suspensions
        ] or [_("中止")]
    if state == State.ACCEPTED:
        out = []
        if case.step is not None:
            who = case.step_section or ""
            out.append(_("待“{name}”{who}").format(name=case.step, who=f"（{who}）" if who else ""))
        else:
            out.append(_("待审查"))
        if case.extension_pending:
            out.append(_("延期申请待批准"))
        return out
    if state == State.GRANTED:
        return [_("待送达")]
    return []


def _date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def case_lines(
    applications: Sequence[StageApplication], on: datetime.date
) -> dict[int, list[CaseLine]]:
    """Every case of the applications with what it waits on: one query for the cases with
    their first pending step, and one more only when some case is suspended."""
    pending = CaseStep.objects.filter(
        case_id=OuterRef("case_id"), state=CaseStep.StepState.PENDING
    ).order_by("order", "id")
    members = list(
        BundleCase.objects.filter(bundle_id__in=[a.bundle_id for a in applications])
        .annotate(
            step=Subquery(pending.values("name")[:1]),
            step_section=Subquery(pending.values("section__name")[:1]),
        )
        .order_by("bundle_id", "order", "id")
        .values_list(
            "bundle_id",
            "required",
            "case_id",
            "case__number",
            "case__handling_item__name",
            "case__state",
            "case__acceptance_due",
            "step",
            "step_section",
            "case__extension__id",
            "case__extension__approved_on",
        )
    )
    suspended = [m[2] for m in members if m[5] == State.SUSPENDED]
    suspensions: dict[int, list[tuple[str, datetime.date | None]]] = {}
    if suspended:
        for case_id, kind, expected_end in (
            Suspension.objects.filter(case_id__in=suspended, resumed_on__isnull=True)
            .order_by("case_id", "id")
            .values_list("case_id", "kind", "expected_end")
        ):
            suspensions.setdefault(case_id, []).append((kind, expected_end))
    by_bundle: dict[int, list[CaseLine]] = {}
    for (
        bundle_id,
        required,
        case_id,
        number,
        item,
        state,
        acceptance_due,
        step,
        step_section,
        extension_id,
        approved_on,
    ) in members:
        waiting = _Waiting(
            state=state,
            acceptance_due=acceptance_due,
            step=step,
            step_section=step_section,
            extension_pending=extension_id is not None and approved_on is None,
            suspensions=suspensions.get(case_id, []),
        )
        by_bundle.setdefault(bundle_id, []).append(
            CaseLine(case_id, number, item, state, required, _short_waits(waiting))
        )
    return {a.pk: by_bundle.get(a.bundle_id, []) for a in applications}


def blockers_of(case: Case, on: datetime.date) -> list[str]:
    """The full reasons a case cannot take its next act, from the cases' own blocker rules:
    acceptance for a received case, the decision for an accepted one, delivery for a granted
    one. Empty when nothing stands in the way (or the case is closed)."""
    if case.state == State.RECEIVED:
        return [str(b) for b in case_actions.accept_blockers(case, on=on)]
    if case.state == State.ACCEPTED:
        return [str(b) for b in case_actions.grant_blockers(case, on=on)]
    if case.state == State.GRANTED:
        return [str(b) for b in case_actions.deliver_blockers(case)]
    return []


def add_blockers(row: Row, on: datetime.date) -> None:
    """Every case of one stage (its own page) with its full blockers."""
    cases = Case.objects.in_bulk([line.pk for line in row.cases])
    for line in row.cases:
        line.blockers = blockers_of(cases[line.pk], on)


# --- the shared steps due ------------------------------------------------------------------


def shared_steps_due(applications: Iterable[StageApplication]) -> dict[int, list[JointStep]]:
    """The shared steps (联合审图, 多评合一, 联合验收) of each application's project and stage
    still without their report: the stage's cases cannot be decided before it (the decision's
    blockers say so), so the lead section sees them beside the clock. One query for the page."""
    applications = list(applications)
    out: dict[int, list[JointStep]] = {a.pk: [] for a in applications}
    if not applications:
        return out
    keys = {(a.project_id, a.stage): a.pk for a in applications}
    steps = JointStep.objects.filter(
        project_id__in={a.project_id for a in applications},
        state=JointStep.StepState.OPEN,
    ).order_by("opened_on", "id")
    for step in steps:
        pk = keys.get((step.project_id, step.stage))
        if pk is not None:
            out[pk].append(step)
    return out


# --- the rows as the desk shows them -------------------------------------------------------


@dataclass
class Row:
    standing: StageStanding
    remaining: int  # working days left on the stage today
    project_remaining: int | None
    cases: list[CaseLine]
    shared_steps: list[JointStep]

    @property
    def application(self) -> StageApplication:
        return self.standing.application

    @property
    def project(self) -> Project:
        return self.standing.application.project


def remaining_today(standing: StageStanding, on: datetime.date, cal: WorkCalendar) -> int:
    """The stage's working days left on `on`: while running, up to the due day (a look-up in
    the calendar's sorted working days, not a clock replayed); stopped or concluded, as
    stored."""
    if standing.concluded_on is None and not standing.paused and standing.due_on is not None:
        return cal.between(on, standing.due_on)
    return standing.remaining


def project_remaining_today(
    standing: StageStanding, on: datetime.date, cal: WorkCalendar
) -> int | None:
    if standing.project_remaining is None:
        return None
    if standing.project_running and standing.project_due_on is not None:
        return cal.between(on, standing.project_due_on)
    return standing.project_remaining


# What a row shows of its application, project, owner, template and bundle: the bundle's
# form and materials (large JSON) and the owner's other columns are not read for a queue.
APPLICATION_COLUMNS = (
    "stage",
    "project",
    "template",
    "bundle",
    "project__code",
    "project__name",
    "project__kind",
    "project__owner",
    "project__owner__name",
    "project__region",
    "project__region__code",
    "project__region__name",
    "template__name",
    "template__number",
    "bundle__outcome",
    "bundle__reasons",
)


def with_applications(standings: Sequence[StageStanding]) -> list[StageApplication]:
    """Read the standings' applications with the columns of their projects, owners, templates
    and bundles the rows show, in one query, and hang each on its standing (and its lead
    section, unless the standings were read with it)."""
    found = (
        StageApplication.objects.select_related(
            "project__owner", "project__region", "template", "bundle"
        )
        .only(*APPLICATION_COLUMNS)
        .in_bulk([s.pk for s in standings])
    )
    missing = {
        s.lead_section_id
        for s in standings
        if s.lead_section_id is not None and "lead_section" not in s._state.fields_cache
    }
    sections = Section.objects.in_bulk(missing) if missing else {}
    for s in standings:
        s.application = found[s.pk]
        if s.lead_section_id in sections:
            s.lead_section = sections[s.lead_section_id]
    return [s.application for s in standings]


def rows(standings: Sequence[StageStanding], on: datetime.date, *, cases: bool = True) -> list[Row]:
    cal = current_calendar()
    applications = with_applications(standings)
    lines = case_lines(applications, on) if cases else {}
    shared = shared_steps_due(applications)
    return [
        Row(
            standing=s,
            remaining=remaining_today(s, on, cal),
            project_remaining=project_remaining_today(s, on, cal),
            cases=lines.get(s.pk, []),
            shared_steps=shared.get(s.pk, []),
        )
        for s in standings
    ]
