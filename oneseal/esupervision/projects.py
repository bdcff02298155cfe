"""E-supervision of construction projects (工程建设项目审批监察): the stages and projects whose
clocks warn, and how long whole projects and single stages took to approve.

Read from the stage standings the lead section's desk keeps (`projects.desk`): the standings in
the reader's scope are computed again first when stale, so the figures are those the desk
shows. A project's time counts the working days some stage of it counted, from the first stage
application to the completion acceptance (联合验收), the applicant's time excluded (between
stages, awaiting a correction, a joint site inspection: `projects.clocks`).

Statistics for a period:
- per project kind, the projects completed in it (the completion-acceptance stage concluded
  complete within the period): number, average, median, 90th percentile (nearest rank) and
  longest working days, how many within the project-wide limit of their kind;
- per stage, the stage applications concluded in it (complete or ended): number, average,
  median, 90th percentile and longest working days, how many within the stage's limit.
"""

import datetime
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from oneseal.errors import ValidationFailed
from oneseal.projects import desk
from oneseal.projects.models import Bundle, ProjectKind, Stage, StageStanding
from oneseal.regions.rules import prefix_scope

from .queries import Scope


def standings(scope: Scope, on: datetime.date) -> QuerySet[StageStanding]:
    """Every stage standing under the scope, computed again first where stale."""
    found = StageStanding.objects.all()
    if scope.prefix:
        found = found.filter(prefix_scope(scope.prefix, "region_code"))
    desk.refresh(found, on=on)
    return found


@dataclass(frozen=True)
class WarningCounts:
    stage_red: int
    stage_yellow: int
    project_red: int
    project_yellow: int


def warning_counts(scope: Scope, on: datetime.date) -> WarningCounts:
    """Open stages per stage warning; projects (each once) per project warning."""
    levelled = desk.with_levels(standings(scope, on).filter(concluded_on__isnull=True), on)
    stage = dict(levelled.order_by().values_list("stage_level").annotate(n=Count("pk")))
    project = dict(
        levelled.order_by()
        .values_list("project_level")
        .annotate(n=Count("application__project", distinct=True))
    )
    return WarningCounts(
        stage_red=stage.get(desk.RED, 0),
        stage_yellow=stage.get(desk.YELLOW, 0),
        project_red=project.get(desk.RED, 0),
        project_yellow=project.get(desk.YELLOW, 0),
    )


def warned_stages(scope: Scope, on: datetime.date, level: str) -> QuerySet[StageStanding]:
    """The open stages whose stage or project clock is at `level`, most urgent first."""
    if level not in desk.LEVELS:
        msg = _("预警级别须为 red 或 yellow")
        raise ValidationFailed(msg, fields={"level": [msg]})
    return (
        desk.with_levels(standings(scope, on).filter(concluded_on__isnull=True), on)
        .filter(desk.level_q(level, on))
        .select_related(
            "application__project__owner",
            "application__project__region",
            "application__template",
            "lead_section",
        )
        .order_by("due_on", "application_id")
    )


# --- approval time --------------------------------------------------------------------------


@dataclass
class TimeRow:
    key: str
    label: str
    days: list[int] = field(default_factory=list)
    within: int = 0

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def average(self) -> float | None:
        return round(statistics.mean(self.days), 1) if self.days else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    @property
    def p90(self) -> int | None:
        """The nearest-rank 90th percentile, as the cases' statistics take it."""
        if not self.days:
            return None
        ordered = sorted(self.days)
        return ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]

    @property
    def longest(self) -> int | None:
        return max(self.days) if self.days else None

    @property
    def within_share(self) -> float | None:
        return round(100 * self.within / len(self.days), 1) if self.days else None


@dataclass
class ApprovalTime:
    start: datetime.date
    end: datetime.date
    by_kind: list[TimeRow]
    by_stage: list[TimeRow]


def _rows(choices: Iterable[tuple]) -> dict:
    return {str(value): TimeRow(str(value), str(label)) for value, label in choices}


def approval_time(
    scope: Scope, *, start: datetime.date, end: datetime.date, on: datetime.date
) -> ApprovalTime:
    if end < start:
        msg = _("截止日期不能早于起始日期")
        raise ValidationFailed(msg, fields={"to": [msg]})
    found = standings(scope, on)
    by_kind = _rows(ProjectKind.choices)
    completions = found.filter(
        stage=Stage.COMPLETION_ACCEPTANCE,
        application__bundle__outcome=Bundle.Outcome.COMPLETE,
        project_completed_on__range=(start, end),
    )
    seen: set[int] = set()
    for project_id, kind, used, limit in completions.values_list(
        "application__project_id", "application__project__kind", "project_used", "project_limit"
    ).order_by("application__project_id", "application_id"):
        if project_id in seen:  # a project completes once, whatever applications it has
            continue
        seen.add(project_id)
        row = by_kind[kind]
        row.days.append(used)
        row.within += limit is None or used <= limit
    by_stage = _rows(Stage.choices)
    for stage, used, limit in found.filter(concluded_on__range=(start, end)).values_list(
        "stage", "used", "limit_days"
    ):
        row = by_stage[str(stage)]
        row.days.append(used)
        row.within += used <= limit
    return ApprovalTime(start, end, list(by_kind.values()), list(by_stage.values()))
