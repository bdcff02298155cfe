"""Technical support (技术支撑, seed 002 (四)): a reviewer asks the supervising department for a
site survey, technical review, testing or a hearing on a case, with a deadline in working
days. Per 《行政许可法》第四十五条 that time is not counted: the request suspends the case
(cases.actions.suspend, with the special procedure of the kind) and the answer resumes it
(cases.actions.resume). An unanswered request past its deadline is escalated."""

import datetime
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.audit.actions import record
from oneseal.calendars.queries import current_calendar
from oneseal.calendars.queries import today as business_today
from oneseal.cases import actions as case_actions
from oneseal.cases import rules as case_rules
from oneseal.cases.models import Case, State, Suspension
from oneseal.errors import DomainError, NotPermitted, fail_blockers, fail_fields
from oneseal.organisation.models import Department, Role
from oneseal.organisation.rules import has_role

from .. import actors, routing
from ..actors import acting_department, actor_fields, actor_label, audit_actor, audit_data
from ..files import check_files, store_files
from ..models import PROCEDURE_OF, DutyBoundary, Scope, SupportKind, SupportRequest
from ..outbox import enqueue
from ..routing import Liaison
from ._common import not_before, positive_days, supervisors_of, tell_escalation, text


def route_of(
    department: Department, *, chosen: bool, boundary_found: bool, on: datetime.date
) -> tuple[str, Liaison | None]:
    """Who in the department the request goes to on `on`: the liaison of a running transition
    period (seed 000 四(二)6), else the department by its duty boundary list (or, without an
    entry, as the item's original department)."""
    liaison = routing.liaison_for(department, on)
    if liaison is not None:
        return SupportRequest.Route.LIAISON, liaison
    if boundary_found and not chosen:
        return SupportRequest.Route.DUTY_LIST, None
    return SupportRequest.Route.DEPARTMENT, None


def default_terms(case: Case, kind: str) -> tuple[Department | None, int | None]:
    """The department and working days the item's duty boundary list gives for this kind."""
    boundary = (
        DutyBoundary.objects.filter(item_id=case.handling_item.item_version.item_id)
        .select_related("supervising_department")
        .first()
    )
    if boundary is None:
        return case.handling_item.item_version.original_department, None
    duty = boundary.support_duties.filter(kind=kind).first()
    return boundary.supervising_department, duty.limit_days if duty else None


def request_support_blockers(case: Case) -> list[str]:
    """The case must be running: a suspended case is already in a special procedure."""
    out = case_rules.transition_blockers("suspend", case.state)
    if case.state == State.SUSPENDED:
        out = [_("办件已中止，请先恢复办理后再发起技术支撑请求")]
    return out


@transaction.atomic
def request_support(
    case: Case,
    *,
    actor: "User",
    kind: str,
    details: str,
    department: Department | None = None,
    days: int | None = None,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> SupportRequest:
    """Ask `department` (default: the item's supervising department) for support of `kind`
    within `days` working days (default: the duty boundary list's limit), and suspend the
    case for it."""
    case = Case.objects.select_related("region", "handling_item__item_version").get(pk=case.pk)
    if not any(has_role(actor, role, case.region) for role in (Role.REVIEWER, Role.SIGNATORY)):
        raise NotPermitted()
    fail_blockers(request_support_blockers(case))
    errors: dict = {}
    if kind not in SupportKind.values:
        errors["kind"] = [_("请选择技术支撑类别")]
        fail_fields(errors)
    default_department, default_days = default_terms(case, kind)
    chosen = department is not None and department != default_department
    department = department or default_department
    if (
        department is None
        or not department.region.contains(case.region)
        and not case.region.contains(department.region)
    ):
        errors["department"] = [_("请选择本地区的行业主管部门")]
    if not text(details):
        errors["details"] = [_("请填写需要支撑的事项")]
    days = positive_days(
        days if days is not None else default_days,
        errors,
        "days",
        _("请填写答复时限（1至365个工作日）"),
    )
    fail_fields(errors)
    on = on or business_today()
    assert department is not None  # fail_fields refused a missing one
    assert days is not None  # and days out of range
    route, liaison = route_of(
        department,
        chosen=chosen,
        boundary_found=DutyBoundary.objects.filter(
            item_id=case.handling_item.item_version.item_id
        ).exists(),
        on=on,
    )
    label = SupportKind(kind).label
    case = case_actions.suspend(
        case,
        actor=actor,
        kind=PROCEDURE_OF[SupportKind(kind)],
        expected_days=days,
        on=on,
        expected_version=expected_version,
        technical_support=True,
        reason=_("请{department}提供技术支撑（{kind}）：{details}").format(
            department=department, kind=label, details=text(details)
        ),
    )
    suspension = Suspension.objects.get(case=case, resumed_on__isnull=True)
    due = current_calendar().add(on, days)
    request = SupportRequest.objects.create(
        case=case,
        department=department,
        region_code=case.region_code,
        kind=kind,
        details=text(details),
        days=days,
        requested_on=on,
        due_on=due.date,
        due_provisional=due.provisional,
        requested_by=stored_user(actor),
        suspension=suspension,
        route=route,
        liaison=liaison.user if liaison else None,
        liaison_name=liaison.name if liaison else "",
    )
    enqueue(
        department,
        event_type="support_request",
        region_code=case.region_code,
        support_request=request,
        payload=request_payload(request),
    )
    record(
        "linkage.request_support",
        actor=actor,
        subject=request,
        region_code=case.region_code,
        summary=_("{case}请{department}提供{kind}，{date}前答复").format(
            case=case.number,
            department=department,
            kind=label,
            date=date_format(due.date, "DATE_FORMAT"),
        ),
        data={
            "case": case.pk,
            "kind": kind,
            "days": days,
            "due_on": due.date.isoformat(),
            "route": route,
            **({"liaison": liaison.name} if liaison else {}),
        },
    )
    return request


def request_payload(request: SupportRequest) -> dict:
    case = request.case
    return {
        "support_request": request.pk,
        "kind": request.kind,
        "kind_label": str(SupportKind(request.kind).label),
        "details": request.details,
        "requested_on": request.requested_on.isoformat(),
        "due_on": request.due_on.isoformat(),
        "days": request.days,
        "route": request.route,
        "liaison": request.liaison_name,
        "case": {
            "number": case.number,
            "item": case.handling_item.item_version.name,
            "handling_item": case.handling_item.name,
            "applicant": case.applicant.name,
        },
    }


def answer_blockers(request: SupportRequest) -> list[str]:
    if request.state != SupportRequest.RequestState.OPEN:
        assert request.answered_on is not None  # set with the answer
        return [
            _("该请求已于{date}答复").format(date=date_format(request.answered_on, "DATE_FORMAT"))
        ]
    return []


@transaction.atomic
def answer_support_request(
    request: SupportRequest,
    *,
    actor: "actors.LinkageActor",
    result: str,
    attachments: Iterable[UploadedFile] = (),
    on: datetime.date | None = None,
) -> SupportRequest:
    """The department answers with its result and files. The case resumes with the answer: its
    clock runs again from `on`, with exactly the working days it had left (第四十五条)."""
    request = (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("case", "department")
        .get(pk=request.pk)
    )
    if acting_department(actor, Scope.SUPPORT_ANSWER) != request.department:
        raise NotPermitted()
    fail_blockers(answer_blockers(request))
    errors: dict = {}
    if not text(result):
        errors["result"] = [_("请填写支撑结论")]
    on = on or business_today()
    not_before(on, request.requested_on, errors)
    checked = check_files(attachments, errors)
    fail_fields(errors)
    request.state, request.result, request.answered_on = (
        SupportRequest.RequestState.ANSWERED,
        text(result),
        on,
    )
    request.answerer_name = actor_label(actor)
    for field, value in actor_fields(actor, "answered").items():
        setattr(request, field, value)
    request.answered_late = on > request.due_on
    if request.answered_late and request.escalated_on is None:
        request.escalated_on = on
    request.save()
    files = store_files(request, checked)
    resumed = _resume_case(request, on)
    record(
        "linkage.answer_support_request",
        actor=audit_actor(actor),
        subject=request,
        region_code=request.region_code,
        summary=_("{department}答复{case}的技术支撑请求").format(
            department=request.department, case=request.case.number
        ),
        data=audit_data(
            actor,
            answered_on=on.isoformat(),
            late=request.answered_late,
            files=[f.sha256 for f in files],
            case_resumed=resumed,
        ),
    )
    return request


def _resume_case(request: SupportRequest, on: datetime.date) -> bool:
    """Resume the case in the requester's name when its suspension for this request is still
    open. When the requester may no longer act (moved, lost the role) the case stays
    suspended and a reviewer resumes it by hand; the answer is kept either way."""
    suspension = request.suspension
    if suspension is None:
        return False
    suspension.refresh_from_db()
    if suspension.resumed_on is not None:
        return False
    try:
        with transaction.atomic():
            case_actions.resume(request.case, actor=request.requested_by, on=on)
    except DomainError:
        return False
    return True


def escalate_overdue_support(today: datetime.date) -> int:
    """Run by the worker: each request still open after its due date is escalated once (flag
    and audit row); a conditional update keeps two workers from both recording it."""
    done = 0
    late = SupportRequest.objects.filter(
        state=SupportRequest.RequestState.OPEN, escalated_on__isnull=True, due_on__lt=today
    )
    for request in late.select_related("case", "department", "liaison").order_by("due_on", "id"):
        with transaction.atomic():
            if not SupportRequest.objects.filter(
                pk=request.pk, state=SupportRequest.RequestState.OPEN, escalated_on__isnull=True
            ).update(escalated_on=today):
                continue
            record(
                "linkage.support_overdue",
                actor=None,
                subject=request,
                region_code=request.region_code,
                summary=_("{department}逾期未答复{case}的技术支撑请求（期限{date}）").format(
                    department=request.department,
                    case=request.case.number,
                    date=date_format(request.due_on, "DATE_FORMAT"),
                ),
                data={"due_on": request.due_on.isoformat(), "noticed_on": today.isoformat()},
            )
            # The transition liaison was told when the request was made; the escalation
            # goes to them again, or else to the department's supervisors.
            tell_escalation(
                [request.liaison] if request.liaison_id else supervisors_of(request.department),
                key=f"support-overdue:{request.pk}",
                title=_("技术支撑逾期督办（{case}）").format(case=request.case.number),
                body=_(
                    "{case}的技术支撑请求（{kind}）已超过答复期限（{date}），请尽快答复。"
                ).format(
                    case=request.case.number,
                    kind=request.get_kind_display(),
                    date=date_format(request.due_on, "DATE_FORMAT"),
                ),
                url_name="linkage:support",
                pk=request.pk,
                case=request.case,
            )
            done += 1
    return done
