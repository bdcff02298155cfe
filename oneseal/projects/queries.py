"""Reads of the project register and the stage templates, scoped: staff see the projects of
their region and below, an online account only the projects of the organisations it acts for."""

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from oneseal.actors import Actor
from oneseal.applicants.queries import represented
from oneseal.calendars.queries import current_calendar
from oneseal.cases.models import OPEN_STATES, Case, CaseEvent, Suspension
from oneseal.catalogue.models import SpecialProcedure
from oneseal.documents.verification import SealedRecord
from oneseal.intermediaries.models import Intermediary, Offer, Qualification
from oneseal.organisation.rules import scope_prefix, staff_of
from oneseal.regions.models import Region

from . import clocks
from .joint_reports import TITLE
from .models import (
    Bundle,
    JointKind,
    JointStep,
    Project,
    Stage,
    StageApplication,
    StageTemplate,
)


def visible_projects(user: Actor) -> QuerySet[Project]:
    base = Project.objects.select_related("owner", "region")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return base.none()
    if staff_of(user) is not None or getattr(user, "is_superuser", False):
        prefix = scope_prefix(user)
        return base.none() if prefix is None else base.filter(region__code__startswith=prefix)
    return base.filter(owner__in=represented(user))


def qualified_providers(on: datetime.date) -> QuerySet[Intermediary]:
    """The intermediaries of the marketplace that may draw up a combined assessment (多评合一)
    on `on`: in service (not suspended), offering a service whose qualification they hold valid
    that day. A testing or inspection service (one that is a 第四十五条 procedure) is no
    assessment, so offering only such a service does not qualify."""
    valid = Qualification.objects.filter(
        intermediary=OuterRef("intermediary_id"),
        kind=OuterRef("service__qualification_kind"),
        valid_from__lte=on,
        valid_to__gte=on,
    )
    offers = Offer.objects.filter(Exists(valid), service__procedure_kind="")
    return Intermediary.objects.filter(
        status=Intermediary.Status.ACTIVE, pk__in=offers.values("intermediary_id")
    ).order_by("name", "id")


def published_templates(region: Region | None = None) -> QuerySet[StageTemplate]:
    """The stage templates on offer: published and not replaced, of `region`'s catalogue or of
    a catalogue above it (a region sees its own and its city's and province's)."""
    templates = StageTemplate.objects.filter(
        status=StageTemplate.Status.PUBLISHED, superseded_on__isnull=True
    )
    if region is not None:
        above = Q()
        for prefix in {region.code[:n] for n in (2, 4, 6)}:
            above |= Q(catalogue__region__code=prefix.ljust(6, "0"))
        templates = templates.filter(above)
    return (
        templates.select_related("catalogue__region", "lead_section")
        .prefetch_related("items__handling_item")
        .order_by("catalogue__region__code", "stage", "name")
    )


# --- bundles, stage applications and their clocks -----------------------------------------


def visible_bundles(user: Actor) -> QuerySet[Bundle]:
    """Bundles as their cases are seen: staff of the region and below, applicants their own."""
    base = Bundle.objects.select_related("applicant", "region", "life_event")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return base.none()
    if staff_of(user) is not None or getattr(user, "is_superuser", False):
        prefix = scope_prefix(user)
        return base.none() if prefix is None else base.filter(region_code__startswith=prefix)
    return base.filter(applicant__in=represented(user))


def stops_of(cases: Iterable[Case]) -> list[clocks.Stop]:
    """The spans the cases' stage waited: on the applicant's correction, or on a joint site
    inspection (a suspension for 现场勘验)."""
    ids = [c.pk for c in cases]
    out: list[clocks.Stop] = []
    asked: dict[int, datetime.date] = {}
    for case_id, action, on in (
        CaseEvent.objects.filter(
            case_id__in=ids, action__in=["request_correction", "submit_correction"]
        )
        .order_by("case_id", "seq")
        .values_list("case_id", "action", "on")
    ):
        if action == "request_correction":
            asked.setdefault(case_id, on)  # a second notice does not restart the wait
        elif case_id in asked:
            out.append(clocks.Stop(asked.pop(case_id), on, "correction"))
    out += [clocks.Stop(start, None, "correction") for start in asked.values()]
    out += [
        clocks.Stop(start, end, "site_survey")
        for start, end in Suspension.objects.filter(
            case_id__in=ids, kind=SpecialProcedure.Kind.SITE_SURVEY
        ).values_list("suspended_on", "resumed_on")
    ]
    return out


def _stage_cases(application: StageApplication) -> list[Case]:
    return [m.case for m in application.bundle.members.select_related("case")]


def open_stage_cases(project: Project, stage: int) -> list[Case]:
    """The still open cases of a project's applications for one stage: what a shared step of
    that stage (联合审图, 多评合一, 联合验收) covers unless its organiser lists others."""
    return list(
        Case.objects.filter(
            bundle_member__bundle__stage__project=project,
            bundle_member__bundle__stage__stage=stage,
            state__in=OPEN_STATES,
        )
        .select_related("region")
        .order_by("id")
    )


def stage_clock_of(application: StageApplication, on: datetime.date) -> clocks.StageClock:
    bundle = application.bundle
    return clocks.stage_clock(
        current_calendar(),
        received_on=bundle.received_on,
        limit_days=application.template.limit_days,
        stops=stops_of(_stage_cases(application)),
        concluded_on=bundle.concluded_on,
        on=on,
    )


def project_limit(project: Project) -> int | None:
    """The project-wide limit for the project's kind, as the template of its latest stage
    application says it."""
    latest = project.stages.select_related("template").order_by("-stage", "-id").first()
    if latest is None:
        return None
    value = (latest.template.project_limits or {}).get(project.kind)
    return int(value) if value else None


def project_clock_of(project: Project, on: datetime.date) -> clocks.ProjectClock:
    applications = list(project.stages.select_related("bundle", "template").order_by("stage", "id"))
    completion = [
        a
        for a in applications
        if a.stage == Stage.COMPLETION_ACCEPTANCE and a.bundle.outcome == Bundle.Outcome.COMPLETE
    ]
    return clocks.project_clock(
        current_calendar(),
        spans=[
            clocks.StageSpan(a.bundle.received_on, a.bundle.concluded_on, stops_of(_stage_cases(a)))
            for a in applications
        ],
        limit_days=project_limit(project),
        completed_on=completion[0].bundle.concluded_on if completion else None,
        on=on,
    )


def sealed_report(*, code: str = "", sha256: str = "") -> SealedRecord | None:
    """A shared step's sealed report by its verification code or its file's SHA-256, as the
    common verification page shows it (registered with `documents.verification`)."""
    reports = JointStep.objects.select_related("project", "bureau").filter(
        state=JointStep.StepState.CONCLUDED
    )
    if code:
        step = reports.filter(report_code=code).first()
    elif sha256:
        step = reports.filter(report_sha256=sha256).first()
    else:
        return None
    if step is None:
        return None
    return SealedRecord(
        kind=TITLE[JointKind(step.kind)],
        number=step.report_number,
        dated=step.concluded_on,
        issuer=step.bureau.name if step.bureau else "",
        subject=f"{step.project.name}（{step.project.code}）：{step.get_stage_display()}",
        sha256=step.report_sha256,
        url=reverse("projects:report-check", args=[step.report_code]),
    )
