"""Review after acceptance (《行政许可法》第三十四条、第四十二条、第四十五条).

The handling item's review steps are worked in order by staff of the right role (and section);
a site inspection needs two or more staff; a special procedure suspends both clocks and the
resumption restores exactly the working days that were left; the head may extend the limit
once. Every date an action takes is a business date the caller states (default: today).
"""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import Actor, User, stored_user
from oneseal.applicants.queries import acts_for
from oneseal.calendars.queries import today
from oneseal.catalogue.models import ReviewStep, SpecialProcedure
from oneseal.errors import (
    InvalidTransition,
    NotPermitted,
    ValidationFailed,
    fail_blockers,
    fail_fields,
)
from oneseal.organisation.models import Role, Section, Staff
from oneseal.organisation.rules import has_role, staff_of

from .. import rules
from ..models import (
    Case,
    CaseStep,
    Extension,
    ExtensionRejection,
    SiteInspection,
    State,
    Suspension,
)
from ..queries import published_parts
from ._base import (
    DUE_FIELDS,
    actor_name,
    calendar,
    check,
    dues_of,
    lock,
    move,
    require_case_role,
    set_dues,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

# --- shared by review and decision ---------------------------------------------------------


def require_filled(**values: object) -> None:
    """Every named text must be non-blank; one error per blank field."""
    labels = {
        "reason": _("请填写理由"),
        "opinion": _("请填写审查意见"),
        "place": _("请填写核查地点"),
        "findings": _("请填写核查情况"),
        "scope": _("请填写许可范围"),
        "reasons": _("不予许可须说明理由"),
    }
    errors = {
        name: [labels.get(name, _("此项为必填项"))]
        for name, value in values.items()
        if not str(value or "").strip()
    }
    fail_fields(errors)


def clock_floor(case: Case) -> datetime.date | None:
    """The latest date the clocks moved on: acceptance, or the last suspension or resumption.
    No later action may be dated before it, or the working-day arithmetic would run backwards."""
    dates = [case.accepted_on] if case.accepted_on else []
    for suspended_on, resumed_on in case.suspensions.values_list("suspended_on", "resumed_on"):
        dates += [d for d in (suspended_on, resumed_on) if d]
    return max(dates) if dates else None


def require_not_before(
    on: datetime.date, floor: datetime.date | None, *, field: str = "on"
) -> None:
    if floor is not None and on < floor:
        msg = _("日期不能早于{date}（受理或上一次中止、恢复的日期）").format(
            date=date_format(floor, "DATE_FORMAT")
        )
        raise ValidationFailed(msg, fields={field: [msg]})


def is_own_applicant(actor: "User", case: Case) -> bool:
    return acts_for(actor, case.applicant)


def staff_in_region(user: Actor, case: Case) -> Staff | None:
    """The user's staff record when they are active staff whose scope covers the case."""
    staff = staff_of(user)
    if staff is None or not user.is_active or not staff.region.contains(case.region):
        return None
    return staff


# --- review steps -------------------------------------------------------------------------


_LOOK_UP = object()


def _planned_steps(case: Case, *, accepted_by: object = _LOOK_UP) -> list[CaseStep]:
    """The steps of the case's version, unsaved. With `accepted_by` (the accepting user, None
    for the system) the window's leading steps are done by that acceptance; otherwise who
    accepted is read from the events."""
    review_steps = published_parts(case.handling_item).review_steps
    leading = rules.leading_clerk_steps([s.role for s in review_steps]) if case.accepted_on else 0
    if leading and accepted_by is _LOOK_UP:
        event = case.events.filter(action__in=["accept", "deem_accepted"]).order_by("-seq").first()
        accepted_by = event.actor if event else None
    if accepted_by is _LOOK_UP or not getattr(accepted_by, "pk", None):
        accepted_by = None
    steps = []
    for i, review_step in enumerate(review_steps):
        step = CaseStep(
            case=case,
            review_step=review_step,
            order=i + 1,
            name=review_step.name,
            role=review_step.role,
            section_id=review_step.section_id,
        )
        if i < leading:
            # The window's acceptance step was done by the acceptance itself.
            step.state, step.done_by, step.done_on = (
                CaseStep.StepState.DONE,
                cast("AuthUser | None", accepted_by),  # a stored user or None by now
                case.accepted_on,
            )
            step.outcome = CaseStep.Outcome.APPROVE
            step.opinion = (
                _("逾期未作决定，依法视为受理") if case.deemed_accepted else _("予以受理")
            )
        steps.append(step)
    return steps


def with_sections(steps: list[CaseStep]) -> list[CaseStep]:
    ids = {s.section_id for s in steps if s.section_id is not None}
    if ids:
        sections = Section.objects.in_bulk(ids)
        for step in steps:
            if step.section_id is not None:
                step.section = sections[step.section_id]
    return steps


def planned_steps(case: Case) -> list[CaseStep]:
    """The steps a case will get from its handling item version, unsaved."""
    return with_sections(_planned_steps(case))


def steps_of(case: Case) -> list[CaseStep]:
    """The case's review steps in order, without writing: the stored ones, or, before anyone
    has worked the case, the ones it will get from its handling item version."""
    stored = list(case.steps.select_related("section", "assignee").order_by("order", "id"))
    return stored or planned_steps(case)


def create_steps(case: Case, *, accepted_by: "User | None") -> None:
    """Store the case's steps as it is accepted (or deemed accepted), so that every list of
    work to do sees them at once; the caller holds the case lock."""
    steps = _planned_steps(case, accepted_by=accepted_by)
    if steps:
        CaseStep.objects.bulk_create(steps)
    # What the act's answer shows without reading back what was just written
    # (api.cases.details.acted_detail).
    case.created_steps = steps


def ensure_steps(case: Case) -> list[CaseStep]:
    """The case's stored steps. A case accepted before steps were stored at acceptance gets
    them the first time it is worked on; the caller holds the case lock."""
    if not case.steps.exists() and case.accepted_on:
        CaseStep.objects.bulk_create(_planned_steps(case))
    return list(case.steps.select_related("section", "assignee").order_by("order", "id"))


def decision_step(steps: list[CaseStep]) -> CaseStep | None:
    i = rules.decision_index([s.role for s in steps])
    return None if i is None else steps[i]


def steps_before_decision(steps: list[CaseStep]) -> list[CaseStep]:
    i = rules.decision_index([s.role for s in steps])
    return steps if i is None else steps[:i]


def steps_after_decision(steps: list[CaseStep]) -> list[CaseStep]:
    i = rules.decision_index([s.role for s in steps])
    return [] if i is None else steps[i + 1 :]


def current_step(steps: list[CaseStep]) -> CaseStep | None:
    return next((s for s in steps if s.state == CaseStep.StepState.PENDING), None)


def pending_review_blockers(case: Case, steps: list[CaseStep]) -> list[str]:
    """A decision waits for every review step before it, except on an instant item (第三十四条
    第二款: decided on the spot)."""
    if case.handling_item.is_instant:
        return []
    return [
        _("审批环节“{name}”尚未完成").format(name=s.name)
        for s in steps_before_decision(steps)
        if s.state == CaseStep.StepState.PENDING
    ]


def may_work_step(actor: "User", case: Case, step: CaseStep) -> bool:
    """The assignee, or when nobody is assigned, staff holding the step's role in the case's
    region (and in the step's section when it names one)."""
    if not has_role(actor, step.role, case.region):
        return False
    if step.assignee_id is not None:
        return step.assignee_id == getattr(actor, "pk", None)
    if step.section_id is not None and not getattr(actor, "is_superuser", False):
        staff = staff_of(actor)
        return staff is not None and staff.section_id == step.section_id
    return True


def _find_step(case: Case, steps: list[CaseStep], step: CaseStep | ReviewStep) -> CaseStep:
    """`step` is one of the case's steps (stored or planned) or the `ReviewStep` it comes from."""
    if isinstance(step, CaseStep):
        wanted = step.review_step_id if step.pk is None or step.case_id == case.pk else None
    else:
        wanted = getattr(step, "pk", None)
    found = next((s for s in steps if s.review_step_id == wanted), None)
    if found is None:
        raise ValidationFailed(_("该环节不属于本办件"), fields={"step": [_("该环节不属于本办件")]})
    return found


def assignees_for(case: Case, step: CaseStep) -> "QuerySet[AuthUser]":
    """Who may take `step` — the one rule, which the workbench offers and `assign_step`
    accepts (`assignee_problem`): the step is the case's bureau's work, done by its active staff
    (not a city bureau's, whose scope covers the county, nor a department's) whose scope covers
    the case's region, who hold the step's role, in the step's section when it names one."""
    code = case.region_code
    users = get_user_model().objects.filter(
        is_active=True,
        staff__region__prefix__in=[code[:i] for i in range(len(code) + 1)],
        staff__bureau_id=case.bureau_id,
        staff__roles__role=step.role,
    )
    if step.section_id is not None:
        users = users.filter(staff__section_id=step.section_id)
    return (
        users.select_related("staff", "staff__section")
        .distinct()
        .order_by("staff__display_name", "id")
    )


def assignee_problem(case: Case, step: CaseStep, assignee: "AuthUser | None") -> str | None:
    """Why `assignee` may not take `step`, or None when they are one of `assignees_for`: the
    reasons only say which part of that rule they miss."""
    if assignee is not None and assignees_for(case, step).filter(pk=assignee.pk).exists():
        return None
    staff = staff_in_region(assignee, case) if assignee is not None else None
    if staff is None:
        return _("承办人须为本地区在岗工作人员")
    if staff.bureau_id != case.bureau_id:
        return _("承办人须为{bureau}的工作人员").format(bureau=case.bureau.name)
    if has_role(cast("AuthUser", assignee), step.role, case.region) and (
        step.section_id is not None and staff.section_id != step.section_id
    ):
        return _("环节“{name}”由{section}承办，承办人不属于该科室").format(
            name=step.name, section=cast(Section, step.section).name
        )
    # Lacking the role, or holding it only as a superuser (nobody's colleague at the window).
    return _("承办人不具有“{role}”角色").format(role=step.get_role_display())


@transaction.atomic
def assign_step(
    case: Case,
    step: CaseStep | ReviewStep,
    *,
    actor: "User",
    assignee: "AuthUser | None",
    expected_version: int | None = None,
) -> Case:
    """Give a pending step to a named member of staff, who must hold the step's role in the
    case's region and belong to the step's section when it names one."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.REVIEWER, Role.SIGNATORY)
    check("assign_step", case)
    steps = ensure_steps(case)
    target = _find_step(case, steps, step)
    if target.state != CaseStep.StepState.PENDING:
        raise InvalidTransition(_("环节“{name}”已完成，不能再分派").format(name=target.name))
    problem = assignee_problem(case, target, assignee)
    if problem:
        raise ValidationFailed(problem, fields={"assignee": [problem]})
    target.assignee = assignee
    target.save(update_fields=["assignee"])
    move(
        case,
        "assign_step",
        actor=actor,
        on=today(),
        data={
            "step": target.order,
            "name": target.name,
            "assignee": cast("AuthUser", assignee).pk,  # refused above when missing
            "assignee_name": actor_name(assignee),
        },
    )
    return case


def complete_review_step_blockers(case: Case) -> list[str]:
    out = rules.transition_blockers("complete_review_step", case.state)
    steps = steps_of(case)
    step = current_step(steps)
    if step is None:
        out.append(_("没有待办的审批环节"))
    elif step is decision_step(steps):
        out.append(
            _("“{name}”是决定环节，由签批领导作出准予或不予许可的决定").format(name=step.name)
        )
    return out


@transaction.atomic
def complete_review_step(
    case: Case,
    *,
    actor: "User",
    opinion: str,
    outcome: str,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Complete the current (lowest pending) step with an opinion: approve or reject."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.CLERK, Role.REVIEWER, Role.SIGNATORY)
    fail_blockers(complete_review_step_blockers(case))
    steps = ensure_steps(case)
    # complete_review_step_blockers refused a case without a current step.
    step = cast(CaseStep, current_step(steps))
    if not may_work_step(actor, case, step):
        raise NotPermitted()
    require_filled(opinion=opinion)
    if outcome not in CaseStep.Outcome.values:
        raise ValidationFailed(fields={"outcome": [_("请选择“同意”或“不同意”")]})
    on = on or today()
    require_not_before(on, case.accepted_on)
    step.state, step.done_by, step.done_on = CaseStep.StepState.DONE, stored_user(actor), on
    step.opinion, step.outcome = opinion.strip(), outcome
    step.save(update_fields=["state", "done_by", "done_on", "opinion", "outcome"])
    move(
        case,
        "complete_review_step",
        actor=actor,
        on=on,
        reason=step.opinion,
        data={"step": step.order, "name": step.name, "outcome": outcome},
    )
    return case


# --- site inspection ----------------------------------------------------------------------

MIN_INSPECTORS = 2


INSPECTING_ROLES = frozenset({Role.REVIEWER, Role.SIGNATORY})


def inspector_problem(user: Actor, case: Case) -> str | None:
    """Why `user` may not be one of the staff sent to inspect (第三十四条第三款: 行政机关应当
    指派两名以上工作人员进行核查): active staff covering the case, either of the bureau with a
    reviewing or signing role, or of the item's supervising department (its former approving
    department) with the supervisor's role. An overseer only reads, and never acts."""
    staff = staff_in_region(user, case)
    if staff is None:
        return _("核查人员{name}不是本地区在岗工作人员").format(name=user)
    roles = staff.role_set
    if Role.OVERSEER in roles and not roles & (INSPECTING_ROLES | {Role.SUPERVISOR}):
        return _("{name}是监督人员（只读），不能参与现场核查").format(name=staff.display_name)
    if staff.bureau_id == case.bureau_id and roles & INSPECTING_ROLES:
        return None
    supervising = case.handling_item.item_version.original_department_id
    if Role.SUPERVISOR in roles and supervising is not None and staff.department_id == supervising:
        return None
    return _(
        "{name}不是本局具有审查职责的工作人员，也不是该事项主管部门的监管人员，不能参与现场核查"
    ).format(name=staff.display_name)


@transaction.atomic
def record_site_inspection(
    case: Case,
    *,
    actor: "User",
    on: datetime.date,
    place: str,
    findings: str,
    inspectors: "Iterable[AuthUser] | None",
    experts: "Iterable[AuthUser]" = (),
    expected_version: int | None = None,
) -> SiteInspection:
    """第三十四条第三款: where the substance of the materials must be verified, two or more staff
    are sent. Every inspector must be distinct and one who may inspect (`inspector_problem`).
    `experts`: the accounts of experts drawn from the expert pool for this case and sent with
    the staff (the caller, `inspections.actions.complete_inspection`, checked each one's draw).
    They count toward the two, and at least one member of staff is always among them."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.REVIEWER, Role.SIGNATORY)
    check("record_site_inspection", case)
    require_filled(place=place, findings=findings)
    people = list(inspectors or [])
    drawn = list(experts)
    ids = [getattr(u, "pk", None) for u in people + drawn]
    problem = None
    if len(set(ids)) != len(ids):
        problem = _("核查人员不能重复")
    elif len(ids) < MIN_INSPECTORS:
        problem = _("现场核查须由两名以上工作人员进行（《行政许可法》第三十四条第三款）")
    elif not people:
        problem = _("现场核查须有本局工作人员参加，不能只由评审专家进行")
    else:
        problem = "；".join(p for p in (inspector_problem(u, case) for u in people) if p) or None
    if problem:
        raise ValidationFailed(problem, fields={"inspectors": [problem]})
    require_not_before(on, case.accepted_on)
    if on > today():
        raise ValidationFailed(fields={"on": [_("核查日期不能晚于今天")]})
    inspection = SiteInspection.objects.create(
        case=case,
        on=on,
        place=place.strip(),
        findings=findings.strip(),
        recorded_by=stored_user(actor),
    )
    inspection.inspectors.set(people + drawn)
    move(
        case,
        "record_site_inspection",
        actor=actor,
        on=on,
        data={
            "inspection": inspection.pk,
            "place": inspection.place,
            "findings": inspection.findings,
            "inspectors": [{"id": u.pk, "name": actor_name(u)} for u in people]
            + [{"id": u.pk, "name": actor_name(u), "expert": True} for u in drawn],
            "basis": "《中华人民共和国行政许可法》第三十四条第三款",
        },
    )
    return inspection


# --- suspension for a special procedure ---------------------------------------------------

SUSPENSION_FIELDS = [
    "suspended_on",
    "promised_remaining_at_suspension",
    "statutory_remaining_at_suspension",
]


def guide_procedures(case: Case) -> dict[str, SpecialProcedure]:
    """The special procedures the case's guide lists, by kind: the only ones it may be
    suspended for at the bureau's own motion."""
    return {
        p.kind: p
        for p in SpecialProcedure.objects.filter(handling_item_id=case.handling_item_id).order_by(
            "id"
        )
    }


def may_suspend(actor: "User", case: Case, steps: list[CaseStep]) -> bool:
    """The case's own section suspends it: a signatory, the reviewer a pending step is
    assigned to, or a reviewer of a section the case's steps name (any reviewer of the
    region when no step names one)."""
    if getattr(actor, "is_superuser", False) or has_role(actor, Role.SIGNATORY, case.region):
        return True
    if any(
        s.assignee_id == getattr(actor, "pk", None)
        for s in steps
        if s.state == CaseStep.StepState.PENDING
    ):
        return True
    sections = {s.section_id for s in steps if s.section_id is not None}
    if not sections:
        return True
    staff = staff_of(actor)
    return staff is not None and staff.section_id in sections


@transaction.atomic
def suspend(
    case: Case,
    *,
    actor: "User",
    kind: str,
    reason: str,
    expected_days: int,
    on: datetime.date | None = None,
    expected_version: int | None = None,
    technical_support: bool = False,
    ordered_hearing: bool = False,
) -> Case:
    """第四十五条: the time a hearing, tendering, auction, inspection, testing, quarantine,
    appraisal or expert review takes is not counted; the applicant is told in writing how long
    it will take. Only a procedure the item's guide lists may be started (a technical-support
    request, `technical_support`, is the department's, not the guide's). Another procedure
    (a site survey) or a technical-support request stops only the promised clock, unless the
    guide cites the item's own law for it. A hearing the bureau ordered on a matter of public
    interest (第四十六条, `ordered_hearing`, from `hearings.actions`) needs no listing in the
    guide: the law itself calls for it. Keeps the working days left after `on` up to each
    stopped due date (negative when the case is already late)."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.REVIEWER, Role.SIGNATORY)
    check("suspend", case)
    if not may_suspend(actor, case, ensure_steps(case)):
        raise NotPermitted(_("只有本办件承办科室的审查人员（或被分派的承办人）可以中止办理"))
    listed = guide_procedures(case)
    errors = {}
    if kind not in SpecialProcedure.Kind.values:
        errors["kind"] = [_("请选择特别程序的种类")]
    elif ordered_hearing and kind != SpecialProcedure.Kind.HEARING:
        errors["kind"] = [_("依职权举行的听证只能以“听证”程序中止办理")]
    elif not (technical_support or ordered_hearing) and kind not in listed:
        names = "、".join(str(SpecialProcedure.Kind(k).label) for k in listed) or _("无")
        errors["kind"] = [
            _(
                "该事项办事指南未列明“{kind}”程序，不能据此中止办理（指南列明的特别程序：{names}）"
            ).format(kind=SpecialProcedure.Kind(kind).label, names=names)
        ]
    if not str(reason or "").strip():
        errors["reason"] = [_("请填写中止的理由")]
    if not isinstance(expected_days, int) or isinstance(expected_days, bool) or expected_days < 1:
        errors["expected_days"] = [_("请填写特别程序预计所需的工作日数（至少1日）")]
    fail_fields(errors)
    on = on or today()
    require_not_before(on, clock_floor(case))
    guide = listed.get(kind)
    stops_statutory, basis = rules.suspension_stops_statutory(
        kind, guide_basis=guide.legal_basis if guide else "", technical_support=technical_support
    )
    cal = calendar()
    # Set at acceptance; only an accepted case is suspended.
    promised_left = rules.remaining(cal, on, cast(datetime.date, case.promised_due))
    statutory_left = (
        rules.remaining(cal, on, cast(datetime.date, case.statutory_due))
        if stops_statutory
        else None
    )
    expected_end = cal.add(on, expected_days)
    Suspension.objects.create(
        case=case,
        kind=kind,
        reason=reason.strip(),
        expected_days=expected_days,
        expected_end=expected_end.date,
        suspended_on=on,
        suspended_by=stored_user(actor),
        promised_remaining=promised_left,
        statutory_remaining=statutory_left,
        stops_statutory=stops_statutory,
        basis=basis,
        technical_support=technical_support,
    )
    case.suspended_on = on
    case.promised_remaining_at_suspension, case.statutory_remaining_at_suspension = (
        promised_left,
        statutory_left,
    )
    move(
        case,
        "suspend",
        actor=actor,
        on=on,
        reason=reason.strip(),
        notice_due="special_procedure",
        update_fields=SUSPENSION_FIELDS,
        data={
            "kind": kind,
            "kind_label": str(SpecialProcedure.Kind(kind).label),
            "reason": reason.strip(),
            "expected_days": expected_days,
            "expected_end": expected_end.date.isoformat(),
            "expected_end_provisional": expected_end.provisional,
            "promised_remaining": promised_left,
            "statutory_remaining": statutory_left,
            "stops_statutory": stops_statutory,
            "technical_support": technical_support,
            "statutory_due": case.statutory_due.isoformat() if case.statutory_due else None,
            "statutory_due_provisional": case.statutory_due_provisional,
            "basis": basis,
        },
    )
    return case


@transaction.atomic
def resume(
    case: Case,
    *,
    actor: "User",
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """The special procedure is over: each stopped due date becomes the kept number of working
    days after `on` (before it, for a case that was already late); a statutory due date that
    ran on stays where it was."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.REVIEWER, Role.SIGNATORY)
    check("resume", case)
    on = on or today()
    require_not_before(on, case.suspended_on)
    dues = rules.resumed_dues(
        calendar(),
        dues_of(case),
        accepted_on=cast(datetime.date, case.accepted_on),  # only an accepted case is suspended
        suspended_on=cast(datetime.date, case.suspended_on),  # a suspended case
        resumed_on=on,
        left=(
            cast(int, case.promised_remaining_at_suspension),  # kept by `suspend`
            case.statutory_remaining_at_suspension,
        ),
    )
    suspension = Suspension.objects.select_for_update().get(case=case, resumed_on__isnull=True)
    suspension.resumed_on, suspension.resumed_by = on, stored_user(actor)
    suspension.save(update_fields=["resumed_on", "resumed_by"])
    data = {
        "kind": suspension.kind,
        "suspended_on": cast(datetime.date, case.suspended_on).isoformat(),  # a suspended case
        "promised_remaining": case.promised_remaining_at_suspension,
        "statutory_remaining": case.statutory_remaining_at_suspension,
        "stops_statutory": suspension.stops_statutory,
        **dues.as_data(),
    }
    set_dues(case, dues)
    case.suspended_on = case.promised_remaining_at_suspension = (
        case.statutory_remaining_at_suspension
    ) = None
    move(
        case,
        "resume",
        actor=actor,
        on=on,
        update_fields=[*DUE_FIELDS, *SUSPENSION_FIELDS],
        data=data,
    )
    return case


# --- extension ----------------------------------------------------------------------------


def _extension_state_blockers(action: str, case: Case, on: datetime.date) -> list[str]:
    if case.state == State.SUSPENDED:
        return [_("办件中止期间不能延期，请先恢复办理")]
    out = rules.transition_blockers(action, case.state)
    if out:
        return out
    if case.handling_item.is_instant:
        out.append(_("即办件当场作出决定，不适用延期"))
    elif case.statutory_due is not None and on > case.statutory_due:
        out.append(
            _("法定办结期限（{date}）已届满，不能再延期").format(
                date=date_format(case.statutory_due, "DATE_FORMAT")
            )
        )
    return out


def request_extension_blockers(case: Case, *, on: datetime.date) -> list[str]:
    out = _extension_state_blockers("request_extension", case, on)
    existing = Extension.objects.filter(case=case).first()
    if existing is not None:
        out.append(
            _("本办件已于{date}申请延期，依法只能延期一次").format(
                date=date_format(existing.requested_on, "DATE_FORMAT")
            )
        )
    return out


@transaction.atomic
def request_extension(
    case: Case,
    *,
    actor: "User",
    reason: str,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """第四十二条: a reviewer asks for the one extension, stating why the decision cannot be made
    within the limit; the head decides (`approve_extension`)."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.REVIEWER)
    on = on or today()
    fail_blockers(request_extension_blockers(case, on=on))
    require_filled(reason=reason)
    require_not_before(on, clock_floor(case))
    Extension.objects.create(
        case=case, reason=reason.strip(), requested_by=stored_user(actor), requested_on=on
    )
    move(
        case,
        "request_extension",
        actor=actor,
        on=on,
        reason=reason.strip(),
        data={"reason": reason.strip()},
    )
    return case


def approve_extension_blockers(
    case: Case, *, actor: "Actor | None" = None, on: datetime.date
) -> list[str]:
    out = _extension_state_blockers("approve_extension", case, on)
    extension = Extension.objects.filter(case=case).first()
    if extension is None:
        out.append(_("尚未申请延期"))
    elif extension.approved_on is not None:
        out.append(
            _("本办件已于{date}批准延期，依法只能延期一次").format(
                date=date_format(extension.approved_on, "DATE_FORMAT")
            )
        )
    elif actor is not None and extension.requested_by_id == getattr(actor, "pk", None):
        out.append(_("延期须由申请人以外的本机关负责人批准"))
    return out


@transaction.atomic
def approve_extension(
    case: Case,
    *,
    actor: "User",
    on: datetime.date | None = None,
    government_approver: str = "",
    approval_document: str = "",
    expected_version: int | None = None,
) -> Case:
    """第四十二条: with the bureau head's approval both due dates move 10 working days (第一款).
    Where the licence is handled jointly (第二款) the 15 days are approved by the head of the
    people's government at the bureau's level: the signatory records who approved it and the
    approval document. The applicant is told why."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.SIGNATORY)
    on = on or today()
    fail_blockers(approve_extension_blockers(case, actor=actor, on=on))
    hi = case.handling_item
    government_approver, approval_document = (
        str(government_approver or "").strip(),
        str(approval_document or "").strip(),
    )
    if hi.is_joint:
        errors = {}
        if not government_approver:
            errors["government_approver"] = [
                _("联合办理延长十五日须经本级人民政府负责人批准，请填写批准人（第四十二条第二款）")
            ]
        if not approval_document:
            errors["approval_document"] = [_("请填写本级人民政府负责人批准延期的文件或文号")]
        fail_fields(errors)
    else:
        government_approver = approval_document = ""
    extension = Extension.objects.select_for_update().get(case=case)
    require_not_before(on, max(d for d in (clock_floor(case), extension.requested_on) if d))
    before = dues_of(case)  # set at acceptance; only an accepted case is extended
    after = rules.extended_dues(calendar(), before, is_joint=hi.is_joint)
    days = rules.EXTENSION_DAYS_JOINT if hi.is_joint else rules.EXTENSION_DAYS
    extension.approved_by, extension.approved_on, extension.days = stored_user(actor), on, days
    extension.government_approver, extension.approval_document = (
        government_approver,
        approval_document,
    )
    extension.save(
        update_fields=[
            "approved_by",
            "approved_on",
            "days",
            "government_approver",
            "approval_document",
        ]
    )
    set_dues(case, after)
    case.extended = True
    move(
        case,
        "approve_extension",
        actor=actor,
        on=on,
        reason=extension.reason,
        notice_due="extension",
        update_fields=[*DUE_FIELDS, "extended"],
        data={
            "reason": extension.reason,
            "days": days,
            "requested_by": actor_name(extension.requested_by),
            "promised_due_before": before.promised.isoformat(),
            "statutory_due_before": before.statutory.isoformat(),
            **after.as_data(),
            "joint": hi.is_joint,
            "government_approver": government_approver,
            "approval_document": approval_document,
            "basis": "《中华人民共和国行政许可法》第四十二条"
            + ("第二款" if hi.is_joint else "第一款"),
        },
    )
    return case


def reject_extension_blockers(case: Case) -> list[str]:
    """Why the pending extension request cannot be refused now. It may be refused while the
    case is suspended too: the refusal moves no clock."""
    out = rules.transition_blockers("reject_extension", case.state)
    extension = Extension.objects.filter(case=case).first()
    if extension is None:
        out.append(_("没有待批准的延期申请"))
    elif extension.approved_on is not None:
        out.append(
            _("延期已于{date}批准，不能再驳回").format(
                date=date_format(extension.approved_on, "DATE_FORMAT")
            )
        )
    return out


@transaction.atomic
def reject_extension(
    case: Case,
    *,
    actor: "User",
    reason: str,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """The head refuses the extension asked for, saying why. The request is closed and kept as
    an `ExtensionRejection`; the due dates stay as they are, and a new request may be made
    while the statutory limit has not passed (第四十二条 allows one extension granted)."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.SIGNATORY)
    on = on or today()
    fail_blockers(reject_extension_blockers(case))
    require_filled(reason=reason)
    extension = Extension.objects.select_for_update().get(case=case)
    require_not_before(on, extension.requested_on)
    rejection = ExtensionRejection.objects.create(
        case=case,
        reason=extension.reason,
        requested_by=extension.requested_by,
        requested_on=extension.requested_on,
        rejected_by=stored_user(actor),
        rejected_on=on,
        rejection_reason=reason.strip(),
    )
    extension.delete()
    move(
        case,
        "reject_extension",
        actor=actor,
        on=on,
        reason=rejection.rejection_reason,
        data={
            "rejection": rejection.pk,
            "request_reason": rejection.reason,
            "requested_by": actor_name(rejection.requested_by),
            "requested_on": rejection.requested_on.isoformat(),
            "promised_due": case.promised_due.isoformat() if case.promised_due else None,
            "statutory_due": case.statutory_due.isoformat() if case.statutory_due else None,
            "basis": "《中华人民共和国行政许可法》第四十二条第一款",
        },
    )
    return case
