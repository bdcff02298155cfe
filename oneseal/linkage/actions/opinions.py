"""Opinions of other departments (征求意见, issue #10 point 5): a reviewer asks a department
for its opinion on a case, or on a joint step of a project's stage, within working days. The
request reaches the department like every linkage message — its inbox page, its API and a
signed webhook — and the department answers: agree, agree with conditions, or object, with
reasons and files.

Silence: the request says whether silence past the limit counts as no objection, and by which
rule (the caller's basis; for a project's stage, its template). The worker records such a
request as deemed no objection on the first working day after the limit, as a case event
naming the rule; any other request still unanswered then is escalated once (the department is
told again, e-supervision and the case page show it overdue). Nothing here suspends the case:
unlike technical support (第四十五条), consulting a department is part of the review and its
days count."""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.audit.actions import record
from oneseal.calendars.queries import current_calendar
from oneseal.calendars.queries import today as business_today
from oneseal.cases.actions._base import append_event, lock
from oneseal.cases.models import CLOSED_STATES, Case, State
from oneseal.errors import NotPermitted, fail_blockers, fail_fields
from oneseal.organisation.models import Department, Role
from oneseal.organisation.rules import has_role

from .. import actors
from ..actors import acting_department, actor_fields, actor_label, audit_actor, audit_data
from ..files import check_files, store_files
from ..models import OpinionConclusion, OpinionRequest, Scope

if TYPE_CHECKING:
    from oneseal.projects.models import JointStep
    from oneseal.regions.models import Region
from ..opinion_records import deemed_day
from ..outbox import enqueue
from ._common import not_before, positive_days, text

# A case is consulted on while it is under review.
CONSULTABLE_STATES = (State.ACCEPTED, State.SUSPENDED)


def _region_of(request: OpinionRequest) -> "Region":
    if request.case is not None:
        return request.case.region
    assert request.joint_step is not None  # a request is on a case or on a joint step
    return request.joint_step.project.region


def _may_ask(actor: "User", region: "Region") -> bool:
    return any(has_role(actor, role, region) for role in (Role.REVIEWER, Role.SIGNATORY))


def may_withdraw_opinion(actor: User, request: OpinionRequest) -> bool:
    return request.awaited and _may_ask(actor, _region_of(request))


def request_opinion_blockers(case: Case) -> list[str]:
    if case.state not in CONSULTABLE_STATES:
        return [
            _("办件当前状态为“{state}”，只能在审查期间征求意见").format(
                state=case.get_state_display()
            )
        ]
    return []


def _terms(
    errors: dict,
    *,
    region: "Region",
    department: Department | None,
    subject: str,
    days: object,
    silence_is_consent: bool,
    silence_rule: str,
) -> int | None:
    if department is None:
        errors["department"] = [_("请选择征求意见的部门")]
    elif not department.region.contains(region) and not region.contains(department.region):
        errors["department"] = [_("请选择本地区的行业主管部门")]
    if not text(subject):
        errors["subject"] = [_("请填写征求意见的事项")]
    if silence_is_consent and not text(silence_rule):
        errors["silence_rule"] = [_("逾期未答复视为无意见须写明依据")]
    return positive_days(days, errors, "days", _("请填写答复时限（1至365个工作日）"))


def _create(
    *,
    actor: "User",
    region: "Region",
    department: Department,
    subject: str,
    days: int,
    silence_is_consent: bool,
    silence_rule: str,
    on: datetime.date,
    case: Case | None = None,
    joint_step: "JointStep | None" = None,
) -> OpinionRequest:
    due = current_calendar().add(on, days)
    request = OpinionRequest.objects.create(
        case=case,
        joint_step=joint_step,
        department=department,
        region_code=region.code,
        subject=text(subject),
        days=days,
        requested_on=on,
        due_on=due.date,
        due_provisional=due.provisional,
        silence_is_consent=bool(silence_is_consent),
        silence_rule=text(silence_rule) if silence_is_consent else "",
        requested_by=stored_user(actor) if actor.pk else None,
        requester_name=actor_label(actor),
    )
    enqueue(
        department,
        event_type="opinion_request",
        region_code=region.code,
        opinion_request=request,
        payload=opinion_payload(request),
    )
    return request


@transaction.atomic
def request_opinion(
    case: Case,
    *,
    actor: "User",
    department: Department | None,
    subject: str,
    days: int | None,
    silence_is_consent: bool = False,
    silence_rule: str = "",
    on: datetime.date | None = None,
) -> OpinionRequest:
    """Ask `department` for its opinion on `case` within `days` working days. Reviewers and
    signatories of the case's region only."""
    case = lock(case)
    if not _may_ask(actor, case.region):
        raise NotPermitted()
    fail_blockers(request_opinion_blockers(case))
    errors: dict = {}
    days = _terms(
        errors,
        region=case.region,
        department=department,
        subject=subject,
        days=days,
        silence_is_consent=silence_is_consent,
        silence_rule=silence_rule,
    )
    on = on or business_today()
    if case.accepted_on is not None:
        not_before(on, case.accepted_on, errors)
    fail_fields(errors)
    assert department is not None and days is not None
    request = _create(
        actor=actor,
        region=case.region,
        department=department,
        subject=subject,
        days=days,
        silence_is_consent=silence_is_consent,
        silence_rule=silence_rule,
        on=on,
        case=case,
    )
    _note_cases(
        request,
        "opinion_requested",
        actor=actor,
        on=on,
        reason=_("征求{department}意见：{subject}").format(
            department=department, subject=request.subject
        ),
        data=_event_data(request),
        locked=case,
    )
    _audit_request(request, actor)
    return request


@transaction.atomic
def request_step_opinion(
    joint_step: "JointStep",
    *,
    actor: "User",
    department: Department | None,
    subject: str,
    days: int | None,
    silence_is_consent: bool,
    silence_rule: str,
    on: datetime.date | None = None,
) -> OpinionRequest:
    """Ask `department` for its opinion on a joint step of a project's stage (联合审图, 多评合一,
    联合验收); the projects app calls it with the silence rule of the stage's template. One
    request per department and step (a withdrawn one may be asked again)."""
    region = joint_step.project.region
    if not _may_ask(actor, region):
        raise NotPermitted()
    errors: dict = {}
    days = _terms(
        errors,
        region=region,
        department=department,
        subject=subject,
        days=days,
        silence_is_consent=silence_is_consent,
        silence_rule=silence_rule,
    )
    if (
        department is not None
        and OpinionRequest.objects.filter(joint_step=joint_step, department=department)
        .exclude(state=OpinionRequest.RequestState.WITHDRAWN)
        .exists()
    ):
        errors["department"] = [_("已向该部门征求过本环节的意见")]
    fail_fields(errors)
    assert department is not None and days is not None
    on = on or business_today()
    request = _create(
        actor=actor,
        region=region,
        department=department,
        subject=subject,
        days=days,
        silence_is_consent=silence_is_consent,
        silence_rule=silence_rule,
        on=on,
        joint_step=joint_step,
    )
    _note_cases(
        request,
        "opinion_requested",
        actor=actor,
        on=on,
        reason=_("征求{department}意见：{subject}").format(
            department=department, subject=request.subject
        ),
        data=_event_data(request),
    )
    _audit_request(request, actor)
    return request


def _audit_request(request: OpinionRequest, actor: User) -> None:
    record(
        "linkage.request_opinion",
        actor=actor,
        subject=request,
        region_code=request.region_code,
        summary=_("征求{department}意见，{date}前答复").format(
            department=request.department, date=date_format(request.due_on, "DATE_FORMAT")
        ),
        data={
            "case": request.case_id,
            "joint_step": request.joint_step_id,
            "days": request.days,
            "due_on": request.due_on.isoformat(),
            "silence_is_consent": request.silence_is_consent,
        },
    )


def _event_data(request: OpinionRequest, **extra: Any) -> dict:
    return {
        "opinion_request": request.pk,
        "department": request.department.name,
        "due_on": request.due_on.isoformat(),
        "silence_is_consent": request.silence_is_consent,
        **({"joint_step": request.joint_step_id} if request.joint_step_id else {}),
        **extra,
    }


def _note_cases(
    request: OpinionRequest,
    action: str,
    *,
    actor: User | None,
    on: datetime.date,
    reason: str,
    data: dict,
    locked: Case | None = None,
) -> None:
    """An event on the case the request is about, or on every case that uses its joint step.
    Cases are locked in id order so two notes never wait on each other crosswise."""
    if request.case is not None:
        cases = [locked or lock(request.case)]
    else:
        assert request.joint_step is not None  # a request is on a case or on a joint step
        ids = list(request.joint_step.cases.order_by("pk").values_list("pk", flat=True))
        cases = [lock(Case(pk=pk)) for pk in ids]
    for case in cases:
        append_event(
            case,
            action=action,
            actor=actor,
            from_state=case.state,
            on=on,
            reason=reason,
            data=data,
        )


def opinion_payload(request: OpinionRequest) -> dict:
    """What the department's system is told: the request as it stands."""
    about: dict = {}
    if request.case is not None:
        case = request.case
        about["case"] = {
            "number": case.number,
            "item": case.handling_item.item_version.name,
            "handling_item": case.handling_item.name,
            "applicant": case.applicant.name,
        }
    else:
        step = request.joint_step
        assert step is not None  # a request is on a case or on a joint step
        about["joint_step"] = {
            "id": step.pk,
            "kind": step.kind,
            "title": step.title,
            "project_code": step.project.code,
            "project_name": step.project.name,
            "stage": step.stage,
        }
    return {
        "opinion_request": request.pk,
        "subject": request.subject,
        "requested_on": request.requested_on.isoformat(),
        "due_on": request.due_on.isoformat(),
        "days": request.days,
        "silence_is_consent": request.silence_is_consent,
        "silence_rule": request.silence_rule,
        "state": request.state,
        **about,
    }


# --- the department's answer --------------------------------------------------------------


def answer_opinion_blockers(request: OpinionRequest) -> list[str]:
    state = OpinionRequest.RequestState
    if request.state == state.ANSWERED:
        assert request.answered_on is not None  # set with the answer
        return [
            _("该征求意见已于{date}答复").format(
                date=date_format(request.answered_on, "DATE_FORMAT")
            )
        ]
    if request.state == state.DEEMED:
        assert request.deemed_on is not None  # set with the deeming
        return [
            _("答复期限已过，已于{date}依规视为无意见").format(
                date=date_format(request.deemed_on, "DATE_FORMAT")
            )
        ]
    if request.state == state.WITHDRAWN:
        return [_("审批局已撤回该征求意见")]
    return []


@transaction.atomic
def answer_opinion(
    request: OpinionRequest,
    *,
    actor: "actors.LinkageActor",
    conclusion: str,
    reasons: str = "",
    attachments: Iterable[UploadedFile] = (),
    on: datetime.date | None = None,
) -> OpinionRequest:
    """The department answers. Conditions and objections state their reasons. An answer after
    the limit (a request whose silence does not count as consent) is kept and marked late."""
    request = (
        OpinionRequest.objects.select_for_update(of=("self",))
        .select_related("department", "case", "joint_step")
        .get(pk=request.pk)
    )
    if acting_department(actor, Scope.OPINIONS_ANSWER) != request.department:
        raise NotPermitted()
    fail_blockers(answer_opinion_blockers(request))
    errors: dict = {}
    if conclusion not in OpinionConclusion.values:
        errors["conclusion"] = [_("请选择意见：同意、有条件同意或不同意")]
    elif conclusion != OpinionConclusion.AGREE and not text(reasons):
        errors["reasons"] = [_("有条件同意或不同意的，请写明条件或理由")]
    on = on or business_today()
    not_before(on, request.requested_on, errors)
    if request.silence_is_consent and on >= deemed_day(request):
        errors["on"] = [
            _("答复期限{date}已过，依规视为无意见").format(
                date=date_format(request.due_on, "DATE_FORMAT")
            )
        ]
    checked = check_files(attachments, errors)
    fail_fields(errors)
    request.state = OpinionRequest.RequestState.ANSWERED
    request.conclusion, request.reasons, request.answered_on = conclusion, text(reasons), on
    request.answerer_name = actor_label(actor)
    for field, value in actor_fields(actor, "answered").items():
        setattr(request, field, value)
    request.answered_late = on > request.due_on
    request.save()
    files = store_files(request, checked)
    label = OpinionConclusion(conclusion).label
    _note_cases(
        request,
        "opinion_answered",
        actor=None,
        on=on,
        reason=_("{department}意见：{conclusion}{reasons}").format(
            department=request.department,
            conclusion=label,
            reasons=f"（{request.reasons}）" if request.reasons else "",
        ),
        data=_event_data(
            request,
            conclusion=conclusion,
            answerer=request.answerer_name,
            late=request.answered_late,
            files=[f.sha256 for f in files],
        ),
    )
    record(
        "linkage.answer_opinion",
        actor=audit_actor(actor),
        subject=request,
        region_code=request.region_code,
        summary=_("{department}答复征求意见：{conclusion}").format(
            department=request.department, conclusion=label
        ),
        data=audit_data(
            actor,
            conclusion=conclusion,
            answered_on=on.isoformat(),
            late=request.answered_late,
            files=[f.sha256 for f in files],
        ),
    )
    return request


# --- withdrawal ---------------------------------------------------------------------------


@transaction.atomic
def withdraw_opinion_request(
    request: OpinionRequest,
    *,
    actor: "User",
    reason: str,
    on: datetime.date | None = None,
) -> OpinionRequest:
    """The reviewer no longer needs the opinion (the decision does not depend on it, or it was
    sent to the wrong department). Only an open request; the department is told."""
    request = (
        OpinionRequest.objects.select_for_update(of=("self",))
        .select_related("department", "case__region", "joint_step__project__region")
        .get(pk=request.pk)
    )
    if not _may_ask(actor, _region_of(request)):
        raise NotPermitted()
    fail_blockers(answer_opinion_blockers(request))
    if not text(reason):
        fail_fields({"reason": [_("请填写撤回理由")]})
    on = on or business_today()
    request.state = OpinionRequest.RequestState.WITHDRAWN
    request.withdrawn_on, request.withdrawal_reason = on, text(reason)
    request.save(update_fields=["state", "withdrawn_on", "withdrawal_reason"])
    enqueue(
        request.department,
        event_type="opinion_withdrawn",
        region_code=request.region_code,
        opinion_request=request,
        payload={**opinion_payload(request), "reason": request.withdrawal_reason},
    )
    _note_cases(
        request,
        "opinion_withdrawn",
        actor=actor,
        on=on,
        reason=_("撤回向{department}征求意见：{reason}").format(
            department=request.department, reason=request.withdrawal_reason
        ),
        data=_event_data(request),
    )
    record(
        "linkage.withdraw_opinion_request",
        actor=actor,
        subject=request,
        region_code=request.region_code,
        summary=_("撤回向{department}征求意见").format(department=request.department),
        data={"reason": request.withdrawal_reason},
    )
    return request


# --- the worker: silence ------------------------------------------------------------------


def run_opinion_deadlines(today: datetime.date) -> dict[str, int]:
    """Run by the worker. Each open request whose limit has passed — from the first working day
    after `due_on` — is either deemed no objection (where its silence counts as consent) or
    escalated once; one on a case closed meanwhile (withdrawn, terminated, refused) is
    withdrawn and the department told. Each is handled under its row lock and re-checked, so two workers record
    it once."""
    done = {"deemed": 0, "escalated": 0, "withdrawn": 0}
    candidates = OpinionRequest.objects.filter(
        state=OpinionRequest.RequestState.OPEN, due_on__lt=today
    ).order_by("due_on", "id")
    for pk, silence in candidates.values_list("pk", "silence_is_consent"):
        with transaction.atomic():
            request = (
                OpinionRequest.objects.select_for_update(of=("self",))
                .select_related("department", "case")
                .get(pk=pk)
            )
            if request.state != OpinionRequest.RequestState.OPEN:
                continue
            day = deemed_day(request)
            if today < day:
                continue
            if request.case_id and request.case.state in CLOSED_STATES:
                # Withdrawn, terminated or refused meanwhile: nothing to consult on any more.
                _close_for_closed_case(request, today)
                done["withdrawn"] += 1
            elif silence:
                _deem(request, day, today)
                done["deemed"] += 1
            elif request.escalated_on is None:
                _escalate(request, today)
                done["escalated"] += 1
    return done


def _close_for_closed_case(request: OpinionRequest, today: datetime.date) -> None:
    case = request.case
    assert case is not None  # called for a request on a case
    request.state = OpinionRequest.RequestState.WITHDRAWN
    request.withdrawn_on = today
    request.withdrawal_reason = _("办件已于{date}办结（{state}），不再征求意见").format(
        date=date_format(case.closed_on or today, "DATE_FORMAT"),
        state=case.get_state_display(),
    )
    request.save(update_fields=["state", "withdrawn_on", "withdrawal_reason"])
    enqueue(
        request.department,
        event_type="opinion_withdrawn",
        region_code=request.region_code,
        opinion_request=request,
        payload={**opinion_payload(request), "reason": request.withdrawal_reason},
    )
    record(
        "linkage.withdraw_opinion_request",
        actor=None,
        subject=request,
        region_code=request.region_code,
        summary=_("撤回向{department}征求意见").format(department=request.department),
        data={"reason": request.withdrawal_reason, "case_state": case.state},
    )


def _deem(request: OpinionRequest, day: datetime.date, today: datetime.date) -> None:
    request.state = OpinionRequest.RequestState.DEEMED
    request.deemed_on = day
    request.save(update_fields=["state", "deemed_on"])
    due = date_format(request.due_on, "DATE_FORMAT")
    _note_cases(
        request,
        "opinion_deemed",
        actor=None,
        on=day,
        reason=_("{department}在答复期限{date}内未答复，依“{rule}”视为无意见").format(
            department=request.department, date=due, rule=request.silence_rule
        ),
        data=_event_data(request, rule=request.silence_rule, found_on=today.isoformat()),
    )
    enqueue(
        request.department,
        event_type="opinion_deemed",
        region_code=request.region_code,
        opinion_request=request,
        payload=opinion_payload(request),
    )
    record(
        "linkage.opinion_deemed",
        actor=None,
        subject=request,
        region_code=request.region_code,
        summary=_("{department}逾期未答复，视为无意见（期限{date}）").format(
            department=request.department, date=date_format(request.due_on, "DATE_FORMAT")
        ),
        data={
            "due_on": request.due_on.isoformat(),
            "deemed_on": day.isoformat(),
            "rule": request.silence_rule,
        },
    )


def _escalate(request: OpinionRequest, today: datetime.date) -> None:
    request.escalated_on = today
    request.save(update_fields=["escalated_on"])
    due = date_format(request.due_on, "DATE_FORMAT")
    _note_cases(
        request,
        "opinion_overdue",
        actor=None,
        on=today,
        reason=_("{department}逾期未答复征求意见（期限{date}），已督办").format(
            department=request.department, date=due
        ),
        data=_event_data(
            request, working_days_late=current_calendar().between(request.due_on, today)
        ),
    )
    # The department hears of it again, on its system as in its inbox.
    enqueue(
        request.department,
        event_type="opinion_overdue",
        region_code=request.region_code,
        opinion_request=request,
        payload={**opinion_payload(request), "escalated_on": today.isoformat()},
    )
    record(
        "linkage.opinion_overdue",
        actor=None,
        subject=request,
        region_code=request.region_code,
        summary=_("{department}逾期未答复征求意见（期限{date}）").format(
            department=request.department, date=date_format(request.due_on, "DATE_FORMAT")
        ),
        data={"due_on": request.due_on.isoformat(), "noticed_on": today.isoformat()},
    )
