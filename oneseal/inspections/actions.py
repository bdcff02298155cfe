"""Every write of site inspections (现场勘验, 《行政许可法》第三十四条第三款、第四十五条).

- `save_checklist`: the catalogue administrators keep a handling item's checklist.
- `schedule_inspection` / `schedule_joint_inspection`: a reviewer or signatory of the region
  agrees a time with the applicant and sends two or more inspectors (each one who may inspect
  every case covered: `cases.actions.review.inspector_problem`); either may also send experts
  drawn for the expert review of a case covered who accepted (`expert_problem`), who count
  toward the two.
- `reschedule`: the applicant and the bureau may each change the time once.
- `start_inspection`: the visit begins; a case whose guide lists 现场勘验 is suspended through
  the case's own `suspend`, so its clock, event and notice behave as for any special procedure.
- `record_finding`, `record_party`, `record_conclusion`, `upload_photo`: the inspectors' work.
- `confirm`: each inspector signs the findings as they stand.
- `complete_inspection`: with every signature current, each covered case gets the record of
  the inspection (`record_site_inspection`, its event) and is resumed (`resume`).
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, cast

from django.core.files.base import File
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.applicants.queries import acts_for
from oneseal.appointments.rules import new_code
from oneseal.audit.actions import record
from oneseal.calendars.queries import current_calendar, today
from oneseal.cases import actions as case_actions
from oneseal.cases import uploads
from oneseal.cases.actions._base import lock as lock_case
from oneseal.cases.actions.review import guide_procedures, inspector_problem
from oneseal.cases.models import Case, State
from oneseal.catalogue.models import HandlingItem, SpecialProcedure
from oneseal.errors import (
    InvalidTransition,
    NotPermitted,
    ValidationFailed,
    fail_blockers,
    fail_fields,
)
from oneseal.experts.models import Assignment, Expert
from oneseal.linkage.outbox import enqueue
from oneseal.organisation.models import Department, Role, Section
from oneseal.organisation.rules import has_role, require_role
from oneseal.projects.models import Project, Stage
from oneseal.projects.queries import open_stage_cases

from . import rules
from .models import (
    ChecklistLine,
    Finding,
    Inspection,
    InspectionCase,
    Inspector,
    Party,
    Photo,
    Reschedule,
)
from .queries import checklist_for, current_digest, expert_seats

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

ORGANISING_ROLES = (Role.REVIEWER, Role.SIGNATORY)
OPEN_STATES = (Inspection.InspectionState.SCHEDULED, Inspection.InspectionState.IN_PROGRESS)


def _audit(
    action: str, inspection: Inspection, actor: "User", summary: str, **data: object
) -> None:
    record(
        f"inspections.{action}",
        actor=actor,
        subject=inspection,
        region_code=inspection.region_code,
        summary=summary,
        data={"inspection": inspection.pk, "code": inspection.code, **data},
    )


def _lock(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("region", "bureau", "case", "project")
        .get(pk=inspection.pk)
    )


def _covered_cases(inspection: Inspection) -> list[Case]:
    return [
        link.case
        for link in InspectionCase.objects.filter(inspection=inspection)
        .select_related("case__handling_item__item_version", "case__region", "case__applicant")
        .order_by("case_id")
    ]


def may_organise(actor: "User", inspection: Inspection) -> bool:
    """The bureau's reviewers and signatories of the inspection's region organise it."""
    return any(has_role(actor, role, inspection.region) for role in ORGANISING_ROLES)


# A drawn expert inspects while their seat on the case's review stands: not once they declined
# or were taken off it.
LIVE_SEATS = (Assignment.State.ACCEPTED, Assignment.State.SUBMITTED)


def _inspector_row(actor: "User", inspection: Inspection) -> Inspector:
    """The actor's row among the inspectors: only an assigned inspector records on site."""
    row = (
        Inspector.objects.filter(inspection=inspection, user_id=stored_user(actor).pk)
        .select_related("assignment")
        .first()
    )
    if row is None or not actor.is_active:
        raise NotPermitted(_("您不是本次勘验指派的勘验人员"))
    if row.assignment is not None:
        if row.assignment.state not in LIVE_SEATS:
            raise NotPermitted(_("您已不是本办件的评审专家，不能记录勘验"))
        return row
    if not has_role(actor, Role.REVIEWER, inspection.region) and not any(
        has_role(actor, r, inspection.region) for r in (Role.SIGNATORY, Role.SUPERVISOR)
    ):
        raise NotPermitted(_("您已不在本地区在岗，不能记录勘验"))
    return row


def _tell_departments(inspection: Inspection, event_type: str) -> None:
    """联合勘验 through linkage: each department taking part gets the visit's time and place
    as a webhook message for its system, written in this transaction (its supervisors also see
    the inspection in their own list, `queries.visible_inspections`)."""
    if not inspection.is_joint:
        return
    payload = {
        "inspection": inspection.pk,
        "code": inspection.code,
        "project": inspection.project.code if inspection.project else None,
        "stage": inspection.stage,
        "place": inspection.place,
        "scheduled_at": inspection.scheduled_at.isoformat(),
        "state": inspection.state,
        "cases": [c.number for c in _covered_cases(inspection)],
    }
    for party in inspection.parties.filter(department__isnull=False).select_related("department"):
        enqueue(
            party.department,
            event_type=event_type,
            payload=payload,
            region_code=inspection.region_code,
        )


# --- the checklist ------------------------------------------------------------------------


@transaction.atomic
def save_checklist(
    handling_item: HandlingItem, *, actor: "User", lines: Sequence[tuple[str, str]]
) -> list[ChecklistLine]:
    """Replace the handling item's checklist with `lines` ((point, method) in order). Kept by
    the catalogue administrators of the item's catalogue region; an inspection already
    scheduled keeps the copy it took."""
    hi = HandlingItem.objects.select_related("item_version__item__catalogue__region").get(
        pk=handling_item.pk
    )
    require_role(actor, Role.CATALOGUE_ADMIN, hi.item_version.item.catalogue.region)
    errors: dict[str, list[str]] = {}
    cleaned = []
    for i, (text, guidance) in enumerate(lines, 1):
        text, guidance = str(text or "").strip(), str(guidance or "").strip()
        if not text and not guidance:
            continue
        if not text:
            errors[f"line-{i}"] = [_("第{n}行：请填写核查要点").format(n=i)]
        elif len(text) > 300 or len(guidance) > 300:
            errors[f"line-{i}"] = [_("第{n}行：核查要点和方法各不超过300字").format(n=i)]
        cleaned.append((text, guidance))
    if not cleaned and not errors:
        errors["lines"] = [_("请至少填写一条核查要点")]
    fail_fields(errors)
    ChecklistLine.objects.filter(handling_item=hi).delete()
    rows = ChecklistLine.objects.bulk_create(
        ChecklistLine(handling_item=hi, order=i, text=t, guidance=g)
        for i, (t, g) in enumerate(cleaned, 1)
    )
    record(
        "inspections.save_checklist",
        actor=actor,
        subject=hi,
        region_code=hi.item_version.item.catalogue.region.code,
        summary=_("勘验核查要点：{name}（{n}条）").format(name=hi.name, n=len(rows)),
        data={"handling_item": hi.pk, "lines": [t for t, _g in cleaned]},
    )
    return rows


# --- scheduling ---------------------------------------------------------------------------


def _time_problem(
    at: datetime.datetime | None, *, now: datetime.datetime, agreed_on: datetime.date | None = None
) -> str | None:
    """Why `at` cannot be the visit's time: it must be a working day between 7:00 and 19:00,
    after the moment it is agreed (now; or, for an agreement recorded for an earlier day,
    a later day than that)."""
    if at is None:
        return _("请选择勘验时间")
    if timezone.is_naive(at):
        at = timezone.make_aware(at, rules.SHANGHAI)
    local = at.astimezone(rules.SHANGHAI)
    if agreed_on is not None and agreed_on < timezone.localtime(now, rules.SHANGHAI).date():
        if local.date() <= agreed_on:
            return _("勘验时间须晚于约定日期")
    elif at <= now:
        return _("勘验时间须晚于现在")
    if not current_calendar().is_workday(local.date()):
        return _("{date}不是工作日，请另选时间").format(
            date=date_format(local.date(), "DATE_FORMAT")
        )
    if not datetime.time(7, 0) <= local.time() <= datetime.time(19, 0):
        return _("勘验时间应在7:00至19:00之间")
    return None


def _aware(at: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(at, rules.SHANGHAI) if timezone.is_naive(at) else at


def expert_problem(expert: Expert, cases: Sequence[Case]) -> str | None:
    """Why `expert` may not be sent to inspect `cases` (one case, or the cases of a project's
    stage a joint inspection covers): only an expert drawn (or appointed) for the open expert
    review of one of them who accepted and has not yet given the opinion, in the pool, with
    an own account on which to record and sign on site."""
    seat = _expert_seat(expert, cases)
    if seat is None:
        if len(cases) == 1:
            return _("{name}不是本办件专家评审中已接受邀请的专家").format(name=expert.name)
        return _("{name}不是本阶段所列办件专家评审中已接受邀请的专家").format(name=expert.name)
    if expert.status != Expert.Status.ACTIVE:
        return _("{name}已暂停抽取，不能参加勘验").format(name=expert.name)
    if expert.user_id is None:
        return _("{name}尚未开通专家账号，无法在现场记录和签名").format(name=expert.name)
    return None


def _expert_seat(expert: Expert, cases: Sequence[Case]) -> Assignment | None:
    return expert_seats(cases).filter(expert_id=expert.pk).first()


def _check_inspectors(
    people: list["AuthUser"], cases: list[Case], experts: Sequence[Expert] = ()
) -> list[Assignment]:
    """Check the inspectors sent (staff, and experts drawn for a case covered) and return the
    experts' seats on the review they were drawn for."""
    ids = [getattr(u, "pk", None) for u in people] + [e.user_id for e in experts if e.user_id]
    problem = None
    if len(set(ids)) != len(ids) or len({e.pk for e in experts}) != len(experts):
        problem = _("勘验人员不能重复")
    elif len(people) + len(experts) < rules.MIN_INSPECTORS:
        problem = _("现场勘验须由两名以上工作人员进行（《行政许可法》第三十四条第三款）")
    elif experts and not people:
        problem = _("现场勘验须有本局工作人员参加，不能只由评审专家进行")
    else:
        found = [inspector_problem(u, c) for u in people for c in cases]
        found += [expert_problem(e, cases) for e in experts]
        problem = "；".join(dict.fromkeys(p for p in found if p)) or None
    if problem:
        raise ValidationFailed(problem, fields={"inspectors": [problem]})
    return [cast(Assignment, _expert_seat(e, cases)) for e in experts]


def _create(
    *,
    actor: "User",
    cases: list[Case],
    case: Case | None,
    project: Project | None,
    stage: int | None,
    at: datetime.datetime | None,
    place: str,
    expected_days: int,
    inspectors: Iterable["AuthUser"],
    lines: list[tuple[str, str]],
    on: datetime.date | None,
    experts: Iterable[Expert] = (),
) -> Inspection:
    errors: dict[str, list[str]] = {}
    on = on or today()
    if on > today():
        errors["on"] = [_("约定日期不能晚于今天")]
    problem = _time_problem(at, now=timezone.now(), agreed_on=on)
    if problem:
        errors["at"] = [problem]
    place = str(place or "").strip()
    if not place:
        errors["place"] = [_("请填写勘验地点")]
    elif len(place) > 300:
        errors["place"] = [_("勘验地点不超过300字")]
    if (
        not isinstance(expected_days, int)
        or isinstance(expected_days, bool)
        or not 1 <= expected_days <= 60
    ):
        errors["expected_days"] = [_("请填写勘验预计所需的工作日数（1至60日）")]
    fail_fields(errors)
    people = list(inspectors or [])
    seats = _check_inspectors(people, cases, list(experts))
    first = cases[0]
    inspection = Inspection.objects.create(
        bureau=first.bureau,
        region=first.region,
        region_code=first.region_code,
        case=case,
        project=project,
        stage=stage,
        code=_unique_code(),
        place=place,
        scheduled_at=_aware(cast(datetime.datetime, at)),
        expected_days=expected_days,
        scheduled_by=stored_user(actor),
        scheduled_on=on,
    )
    InspectionCase.objects.bulk_create(InspectionCase(inspection=inspection, case=c) for c in cases)
    Inspector.objects.bulk_create(
        [Inspector(inspection=inspection, user=u, name=_display(u)) for u in people]
        + [
            Inspector(
                inspection=inspection,
                user_id=cast(int, seat.expert.user_id),  # checked by expert_problem
                name=seat.expert.name,
                assignment=seat,
            )
            for seat in seats
        ]
    )
    Finding.objects.bulk_create(
        Finding(inspection=inspection, order=i, text=t, guidance=g)
        for i, (t, g) in enumerate(lines, 1)
    )
    return inspection


def _display(user: "AuthUser") -> str:
    staff = getattr(user, "staff", None)
    return getattr(staff, "display_name", "") or user.get_full_name() or user.get_username()


def _unique_code() -> str:
    while True:
        code = new_code()
        if not Inspection.objects.filter(code=code).exists():
            return code


def schedule_blockers(case: Case) -> list[str]:
    out = []
    if case.state not in (State.ACCEPTED, State.SUSPENDED):
        out.append(_("只有已受理、尚未作出决定的办件才能安排现场勘验"))
    if InspectionCase.objects.filter(case=case, inspection__state__in=OPEN_STATES).exists():
        out.append(_("本办件已有尚未完成的现场勘验"))
    return out


@transaction.atomic
def schedule_inspection(
    case: Case,
    *,
    actor: "User",
    at: datetime.datetime | None,
    place: str,
    expected_days: int,
    inspectors: Iterable["AuthUser"],
    on: datetime.date | None = None,
    experts: Iterable[Expert] = (),
) -> Inspection:
    """Agree a time at the site with the applicant for one case, with two or more inspectors:
    `inspectors` of the staff (one at least) and `experts` drawn for the case's expert review
    who accepted (`expert_problem`); the checklist is the handling item's at this moment.
    `on`: the day the time was agreed (default today)."""
    case = lock_case(case)
    if not any(has_role(actor, r, case.region) for r in ORGANISING_ROLES):
        raise NotPermitted()
    fail_blockers(schedule_blockers(case))
    lines = [(line.text, line.guidance) for line in checklist_for(case.handling_item)]
    if not lines:
        fail_blockers(
            [
                _("“{name}”尚未设置现场勘验核查要点，请事项目录管理员先行设置").format(
                    name=case.handling_item.name
                )
            ]
        )
    inspection = _create(
        actor=actor,
        cases=[case],
        case=case,
        project=None,
        stage=None,
        at=at,
        place=place,
        expected_days=expected_days,
        inspectors=inspectors,
        lines=lines,
        on=on,
        experts=experts,
    )
    rows = list(inspection.inspectors.all())
    _audit(
        "schedule",
        inspection,
        actor,
        _("安排现场勘验：{number}").format(number=case.number),
        case=case.pk,
        at=inspection.scheduled_at.isoformat(),
        inspectors=[i.user_id for i in rows if not i.is_expert],
        experts=[i.assignment_id for i in rows if i.is_expert],
    )
    return inspection


@transaction.atomic
def schedule_joint_inspection(
    project: Project,
    *,
    actor: "User",
    stage: int,
    cases: Iterable[Case],
    sections: Iterable[Section] = (),
    departments: Iterable[Department] = (),
    at: datetime.datetime | None,
    place: str,
    expected_days: int,
    inspectors: Iterable["AuthUser"],
    on: datetime.date | None = None,
    experts: Iterable[Expert] = (),
) -> Inspection:
    """联合勘验: one visit for a project's stage with every party concerned. It covers each
    listed case (the owner's, in the project's region, open), and its checklist is the union
    of theirs (a point several items share is checked once). As on a case's visit, `experts`
    drawn for the expert review of a case it covers who accepted (`expert_problem`) may go
    along with the staff (one at least) and count toward the two inspectors."""
    project = Project.objects.select_related("region", "owner").get(pk=project.pk)
    if not any(has_role(actor, r, project.region) for r in ORGANISING_ROLES):
        raise NotPermitted()
    errors: dict[str, list[str]] = {}
    if stage not in Stage.values:
        errors["stage"] = [_("请选择审批阶段")]
    listed = list(cases)
    if not listed and stage in Stage.values:
        # Unless the organiser lists them: every open case of the project's applications for
        # this stage that can take a visit now.
        listed = [c for c in open_stage_cases(project, stage) if not schedule_blockers(c)]
    locked = [lock_case(c) for c in sorted(listed, key=lambda c: c.pk)]
    if not locked:
        errors["cases"] = [_("请选择本阶段须勘验的办件")]
    problems = []
    for case in locked:
        if case.applicant_id != project.owner_id:
            problems.append(_("{number}的申请人不是本项目的建设单位").format(number=case.number))
        elif not case.region.code.startswith(project.region.prefix):
            problems.append(_("{number}不在本项目所在区划").format(number=case.number))
        problems += [f"{case.number}：{b}" for b in schedule_blockers(case)]
    if problems:
        errors["cases"] = problems
    party_sections, party_departments = (
        list(dict.fromkeys(sections)),
        list(dict.fromkeys(departments)),
    )
    if not party_sections and not party_departments:
        errors["parties"] = [_("请选择参加联合勘验的科室或部门")]
    for s in party_sections:
        if locked and s.bureau_id != locked[0].bureau_id:
            errors["parties"] = [_("{name}不是本局的科室").format(name=s.name)]
    for d in party_departments:
        if not project.region.code.startswith(d.region.prefix):
            errors["parties"] = [_("{name}不是本地区的部门").format(name=d.name)]
    fail_fields(errors)
    lines: dict[str, str] = {}
    for case in locked:
        for line in checklist_for(case.handling_item):
            lines.setdefault(line.text, line.guidance)
    if not lines:
        fail_fields({"cases": [_("所选办件的办理项均未设置现场勘验核查要点")]})
    inspection = _create(
        actor=actor,
        cases=locked,
        case=None,
        project=project,
        stage=stage,
        at=at,
        place=place,
        expected_days=expected_days,
        inspectors=inspectors,
        lines=list(lines.items()),
        on=on,
        experts=experts,
    )
    Party.objects.bulk_create(
        [Party(inspection=inspection, section=s, name=s.name) for s in party_sections]
        + [Party(inspection=inspection, department=d, name=d.name) for d in party_departments]
    )
    rows = list(inspection.inspectors.all())
    _audit(
        "schedule_joint",
        inspection,
        actor,
        _("安排联合勘验：{project}（{stage}）").format(
            project=project.name, stage=Stage(stage).label
        ),
        project=project.pk,
        stage=stage,
        cases=[c.pk for c in locked],
        parties=[p.name for p in inspection.parties.all()],
        inspectors=[i.user_id for i in rows if not i.is_expert],
        experts=[i.assignment_id for i in rows if i.is_expert],
    )
    _tell_departments(inspection, "joint_inspection.scheduled")
    return inspection


def reschedule_blockers(inspection: Inspection, side: str) -> list[str]:
    out = []
    if inspection.state != Inspection.InspectionState.SCHEDULED:
        out.append(_("勘验已{state}，不能改期").format(state=inspection.get_state_display()))
    # Through the relation, so a list that prefetched the changes asks nothing more.
    earlier = next((r for r in inspection.reschedules.all() if r.side == side), None)
    if earlier is not None:
        out.append(
            _("{side}已于{date}改期一次，每方只能改期一次").format(
                side=earlier.get_side_display(),
                date=date_format(
                    timezone.localtime(earlier.at, rules.SHANGHAI).date(), "DATE_FORMAT"
                ),
            )
        )
    return out


def side_of(actor: "User", inspection: Inspection) -> str | None:
    """Which side the actor changes the time for: the bureau (its organisers) or the
    applicant (an account acting for a covered case's applicant); None for anyone else."""
    if may_organise(actor, inspection):
        return Reschedule.Side.BUREAU
    applicants = {c.applicant for c in _covered_cases(inspection)}
    if any(acts_for(actor, a) for a in applicants):
        return Reschedule.Side.APPLICANT
    return None


@transaction.atomic
def reschedule(
    inspection: Inspection, *, actor: "User", at: datetime.datetime | None, reason: str
) -> Inspection:
    """Change the agreed time. The applicant and the bureau may each do so once, before the
    visit has begun; a second change by the same side is refused with the first's date."""
    inspection = _lock(inspection)
    side = side_of(actor, inspection)
    if side is None:
        raise NotPermitted()
    fail_blockers(reschedule_blockers(inspection, side))
    errors = {}
    problem = _time_problem(at, now=timezone.now())
    if problem:
        errors["at"] = [problem]
    elif _aware(cast(datetime.datetime, at)) == inspection.scheduled_at:
        errors["at"] = [_("新的勘验时间与原定时间相同")]
    if not str(reason or "").strip():
        errors["reason"] = [_("请填写改期理由")]
    fail_fields(errors)
    previous = inspection.scheduled_at
    inspection.scheduled_at = _aware(cast(datetime.datetime, at))
    if side == Reschedule.Side.APPLICANT:
        inspection.applicant_rescheduled = True
    else:
        inspection.bureau_rescheduled = True
    inspection.save(update_fields=["scheduled_at", "applicant_rescheduled", "bureau_rescheduled"])
    Reschedule.objects.create(
        inspection=inspection,
        side=side,
        previous_at=previous,
        new_at=inspection.scheduled_at,
        reason=reason.strip(),
        by=stored_user(actor),
    )
    _audit(
        "reschedule",
        inspection,
        actor,
        _("现场勘验改期（{side}）").format(side=Reschedule.Side(side).label),
        side=side,
        previous=previous.isoformat(),
        at=inspection.scheduled_at.isoformat(),
        reason=reason.strip(),
    )
    _tell_departments(inspection, "joint_inspection.rescheduled")
    return inspection


@transaction.atomic
def cancel_inspection(inspection: Inspection, *, actor: "User", reason: str) -> Inspection:
    """Call off a visit that has not begun (the case was withdrawn, decided otherwise …)."""
    inspection = _lock(inspection)
    if not may_organise(actor, inspection):
        raise NotPermitted()
    if inspection.state != Inspection.InspectionState.SCHEDULED:
        fail_blockers([_("只能取消尚未开始的勘验")])
    if not str(reason or "").strip():
        fail_fields({"reason": [_("请填写取消理由")]})
    inspection.state = Inspection.InspectionState.CANCELLED
    inspection.cancelled_reason = reason.strip()
    inspection.save(update_fields=["state", "cancelled_reason"])
    _audit("cancel", inspection, actor, _("取消现场勘验"), reason=reason.strip())
    _tell_departments(inspection, "joint_inspection.cancelled")
    return inspection


# --- on site ------------------------------------------------------------------------------


def start_blockers(inspection: Inspection, on: datetime.date) -> list[str]:
    out = []
    if inspection.state != Inspection.InspectionState.SCHEDULED:
        out.append(_("勘验已{state}，不能再开始").format(state=inspection.get_state_display()))
    local = timezone.localtime(inspection.scheduled_at, rules.SHANGHAI).date()
    if on < local:
        out.append(
            _("勘验定于{date}，不能提前开始；如需提前请先改期").format(
                date=date_format(local, "DATE_FORMAT")
            )
        )
    return out


def _suspends(case: Case) -> bool:
    """第四十五条: the case's clock stops for the visit when its guide lists 现场勘验 and the
    case is running (a case already stopped for another procedure stays as it is)."""
    return case.state == State.ACCEPTED and SpecialProcedure.Kind.SITE_SURVEY in guide_procedures(
        case
    )


@transaction.atomic
def start_inspection(
    inspection: Inspection, *, actor: "User", on: datetime.date | None = None
) -> Inspection:
    """The inspectors are on site. Each covered case whose guide lists 现场勘验 is suspended
    from `on` through the case's `suspend` (its event, the special-procedure notice, the kept
    working days), for the expected days the inspection was scheduled with."""
    inspection = _lock(inspection)
    if not may_organise(actor, inspection):
        raise NotPermitted()
    on = on or today()
    fail_blockers(start_blockers(inspection, on))
    for link in InspectionCase.objects.filter(inspection=inspection).select_related("case"):
        case = link.case
        if not _suspends(case):
            continue
        case_actions.suspend(
            case,
            actor=actor,
            kind=SpecialProcedure.Kind.SITE_SURVEY,
            reason=_("现场勘验（勘验预约码{code}，地点：{place}）").format(
                code=inspection.code, place=inspection.place
            ),
            expected_days=inspection.expected_days,
            on=on,
        )
        link.suspended = True
        link.save(update_fields=["suspended"])
    inspection.state, inspection.started_on = Inspection.InspectionState.IN_PROGRESS, on
    inspection.save(update_fields=["state", "started_on"])
    _audit("start", inspection, actor, _("开始现场勘验"), on=on.isoformat())
    return inspection


def _require_in_progress(inspection: Inspection) -> None:
    if inspection.state != Inspection.InspectionState.IN_PROGRESS:
        raise InvalidTransition(
            _("勘验{state}，不能记录").format(state=inspection.get_state_display())
        )


@transaction.atomic
def record_finding(
    inspection: Inspection, *, actor: "User", order: int, result: str, note: str = ""
) -> Finding:
    """An assigned inspector records the finding on one checklist line; a line that does not
    conform needs its note."""
    inspection = _lock(inspection)
    _inspector_row(actor, inspection)
    _require_in_progress(inspection)
    finding = Finding.objects.filter(inspection=inspection, order=order).first()
    errors = {}
    if finding is None:
        errors["order"] = [_("该核查要点不属于本次勘验")]
    if result not in Finding.Result.values:
        errors["result"] = [_("请选择“符合”“不符合”或“不适用”")]
    note = str(note or "").strip()
    if result == Finding.Result.NONCONFORMS and not note:
        errors["note"] = [_("不符合的，请说明现场情况")]
    fail_fields(errors)
    finding = cast(Finding, finding)
    finding.result, finding.note = result, note
    finding.recorded_by, finding.recorded_at = stored_user(actor), timezone.now()
    finding.save(update_fields=["result", "note", "recorded_by", "recorded_at"])
    _audit(
        "record_finding",
        inspection,
        actor,
        _("记录核查结果：{text}").format(text=finding.text),
        order=order,
        result=result,
        note=note,
    )
    return finding


@transaction.atomic
def record_party(
    inspection: Inspection,
    party: Party,
    *,
    actor: "User",
    attended: bool,
    representative: str = "",
    findings: str = "",
) -> Party:
    """A joint inspection's party: whether it attended, who came and what it found. Recorded
    by an assigned inspector."""
    inspection = _lock(inspection)
    _inspector_row(actor, inspection)
    _require_in_progress(inspection)
    row = Party.objects.filter(inspection=inspection, pk=party.pk).first()
    if row is None:
        raise ValidationFailed(fields={"party": [_("该单位不是本次联合勘验的参加单位")]})
    representative, findings = str(representative or "").strip(), str(findings or "").strip()
    errors = {}
    if attended and not representative:
        errors["representative"] = [_("请填写到场人员")]
    if attended and not findings:
        errors["findings"] = [_("请填写该单位的勘验意见")]
    fail_fields(errors)
    row.attended, row.representative, row.findings = bool(attended), representative, findings
    row.recorded_by, row.recorded_at = stored_user(actor), timezone.now()
    row.save(update_fields=["attended", "representative", "findings", "recorded_by", "recorded_at"])
    _audit(
        "record_party",
        inspection,
        actor,
        _("记录参加单位：{name}").format(name=row.name),
        party=row.name,
        attended=row.attended,
    )
    return row


@transaction.atomic
def record_conclusion(inspection: Inspection, *, actor: "User", conclusion: str) -> Inspection:
    inspection = _lock(inspection)
    _inspector_row(actor, inspection)
    _require_in_progress(inspection)
    conclusion = str(conclusion or "").strip()
    if not conclusion:
        fail_fields({"conclusion": [_("请填写勘验结论")]})
    inspection.conclusion = conclusion
    inspection.save(update_fields=["conclusion"])
    _audit("record_conclusion", inspection, actor, _("填写勘验结论"), conclusion=conclusion)
    return inspection


@transaction.atomic
def upload_photo(
    inspection: Inspection,
    *,
    actor: "User",
    upload: File,
    finding_order: int | None = None,
    caption: str = "",
) -> Photo:
    """A photo from the inspector's phone, kept as evidence: an image only (its first bytes
    decide, `cases.uploads`), within the upload limit, readable by Pillow, with the time and
    GPS position its EXIF states and its SHA-256."""
    inspection = _lock(inspection)
    _inspector_row(actor, inspection)
    _require_in_progress(inspection)
    bad = _("只接受JPG、PNG照片，且扩展名须与文件内容一致")
    if upload is None:
        fail_fields({"file": [_("请选择照片")]})
    if uploads.too_large(upload):
        fail_fields({"file": [_("照片过大，上限为{mb} MB").format(mb=uploads.max_megabytes())]})
    sniffed = uploads.sniff(upload)
    if sniffed is None or not sniffed.content_type.startswith("image/"):
        fail_fields({"file": [bad]})
    sniffed = cast(uploads.SniffedFile, sniffed)
    try:
        facts = rules.read_photo(cast("File[bytes]", upload))
    except rules.NotAnImage:
        fail_fields({"file": [_("照片无法读取（文件损坏或尺寸过大）")]})
        raise  # fail_fields raised
    finding = None
    if finding_order is not None:
        finding = Finding.objects.filter(inspection=inspection, order=finding_order).first()
        if finding is None:
            fail_fields({"finding": [_("该核查要点不属于本次勘验")]})
    photo = Photo(
        inspection=inspection,
        finding=finding,
        original_name=cast(str, upload.name)[:255],
        content_type=sniffed.content_type,
        size=upload.size,
        sha256=sniffed.sha256,
        width=facts.width,
        height=facts.height,
        taken_at=facts.taken_at,
        latitude=facts.latitude,
        longitude=facts.longitude,
        caption=str(caption or "").strip()[:200],
        uploaded_by=stored_user(actor),
    )
    photo.file.save(f"{sniffed.sha256[:16]}.{sniffed.suffix}", upload, save=False)
    photo.save()
    _audit(
        "upload_photo",
        inspection,
        actor,
        _("上传勘验照片：{name}").format(name=photo.original_name),
        sha256=photo.sha256,
        taken_at=facts.taken_at.isoformat() if facts.taken_at else None,
        latitude=str(facts.latitude) if facts.latitude is not None else None,
        longitude=str(facts.longitude) if facts.longitude is not None else None,
    )
    return photo


def confirm_blockers(inspection: Inspection) -> list[str]:
    out = []
    if inspection.state != Inspection.InspectionState.IN_PROGRESS:
        out.append(_("勘验{state}，不能签名").format(state=inspection.get_state_display()))
    missing = [
        f.text for f in Finding.objects.filter(inspection=inspection, result="").order_by("order")
    ]
    if missing:
        out.append(_("尚有核查要点未记录结果：{lines}").format(lines="、".join(missing)))
    parties = [p.name for p in Party.objects.filter(inspection=inspection, attended__isnull=True)]
    if parties:
        out.append(_("尚未记录参加单位的到场情况：{names}").format(names="、".join(parties)))
    if not inspection.conclusion:
        out.append(_("尚未填写勘验结论"))
    return out


@transaction.atomic
def confirm(inspection: Inspection, *, actor: "User") -> Inspector:
    """The inspector signs the findings, parties, photos and conclusion as they stand now."""
    inspection = _lock(inspection)
    row = _inspector_row(actor, inspection)
    fail_blockers(confirm_blockers(inspection))
    row.confirmed_digest, row.confirmed_at = current_digest(inspection), timezone.now()
    row.save(update_fields=["confirmed_digest", "confirmed_at"])
    _audit("confirm", inspection, actor, _("勘验人员签名"), digest=row.confirmed_digest)
    return row


def signers(inspection: Inspection) -> list[Inspector]:
    """The inspectors whose signature the record needs: the staff, and the drawn experts whose
    seat on the review still stands (one taken off it with a recorded reason signs no more)."""
    return [
        i
        for i in inspection.inspectors.all()
        if i.assignment is None or i.assignment.state in LIVE_SEATS
    ]


def complete_blockers(inspection: Inspection) -> list[str]:
    out = confirm_blockers(inspection)
    now = current_digest(inspection)
    needed = signers(inspection)
    unsigned = [i.name for i in needed if i.confirmed_digest != now]
    if unsigned:
        out.append(
            _("以下勘验人员尚未对当前勘验记录签名：{names}").format(names="、".join(unsigned))
        )
    if len(needed) < rules.MIN_INSPECTORS:
        out.append(_("勘验人员不足两名，不能完成勘验"))
    return out


def inspectors_text(rows: Iterable[Inspector]) -> str:
    """Who inspected, a drawn expert named as such (the record of a joint inspection serves
    every case of the stage, not only the one the expert was drawn for)."""
    return _("勘验人员：{names}").format(
        names="、".join(
            _("{name}（评审专家）").format(name=i.name) if i.is_expert else i.name for i in rows
        )
    )


def findings_text(inspection: Inspection) -> str:
    """The findings as the case keeps them (`SiteInspection.findings`): who inspected, each
    line with its result, each party, the photos' count, and the conclusion."""
    lines = [inspectors_text(signers(inspection))]
    lines += [
        f"{f.order}. {f.text}：{f.get_result_display()}" + (f"（{f.note}）" if f.note else "")
        for f in inspection.findings.all()
    ]
    for p in inspection.parties.all():
        lines.append(
            _("{name}：{state}").format(
                name=p.name,
                state=_("到场，{who}；{text}").format(who=p.representative, text=p.findings)
                if p.attended
                else _("未到场"),
            )
        )
    lines.append(_("现场照片{n}张").format(n=inspection.photos.count()))
    lines.append(_("结论：{text}").format(text=inspection.conclusion))
    return "\n".join(lines)


@transaction.atomic
def complete_inspection(
    inspection: Inspection, *, actor: "User", on: datetime.date | None = None
) -> Inspection:
    """Every inspector has signed the record as it stands: each covered case gets the record
    (`record_site_inspection`: its event, the inspectors, the findings) and, where the visit
    suspended it, is resumed on `on`, so the clock leaves out exactly the inspection."""
    inspection = _lock(inspection)
    if not may_organise(actor, inspection):
        raise NotPermitted()
    on = on or today()
    fail_blockers(complete_blockers(inspection))
    if on < cast(datetime.date, inspection.started_on):
        fail_fields({"on": [_("完成日期不能早于开始勘验的日期")]})
    prefetch_related_objects(
        [inspection],
        Prefetch("inspectors", queryset=Inspector.objects.select_related("user", "assignment")),
    )
    rows = signers(inspection)
    people = [i.user for i in rows if not i.is_expert]
    experts = [i.user for i in rows if i.is_expert]
    text = findings_text(inspection)
    closed = []
    for link in InspectionCase.objects.filter(inspection=inspection).select_related("case"):
        if link.case.state not in (State.ACCEPTED, State.SUSPENDED):
            # Withdrawn, terminated or decided while the visit ran: its record is closed, and
            # one such case must not keep the others of a joint inspection waiting.
            closed.append(link.case.number)
            continue
        site = case_actions.record_site_inspection(
            link.case,
            actor=actor,
            on=on,
            place=inspection.place,
            findings=text,
            inspectors=people,
            experts=experts,
        )
        link.record = site
        link.save(update_fields=["record"])
        if link.suspended:
            case_actions.resume(link.case, actor=actor, on=on)
    inspection.state, inspection.completed_on = Inspection.InspectionState.COMPLETED, on
    inspection.save(update_fields=["state", "completed_on"])
    _audit("complete", inspection, actor, _("完成现场勘验"), on=on.isoformat(), not_recorded=closed)
    return inspection
