"""Feedback (审管互动, seed 002 (四)): the department reports what supervision and enforcement
found on a decision pushed to it — an inspection, a penalty, a rectification order, or a
request that the bureau revoke the licence. A signatory either declines it with reasons, or
accepts it as grounds and starts the revocation procedure (cases.actions.revocation: the
holder is notified and heard, then a signatory decides; the decision records its notice and
pushes the revocation back). The request is closed by that decision."""

import datetime

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.audit.actions import record
from oneseal.calendars.queries import today as business_today
from oneseal.cases.actions._base import lock
from oneseal.cases.actions.revocation import start_proposal
from oneseal.cases.models import Licence, RevocationProposal
from oneseal.errors import NotPermitted, fail_blockers, fail_fields
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

from .. import actors
from ..actors import acting_department, actor_fields, actor_label, audit_actor, audit_data
from ..models import Feedback, FeedbackKind, Push, Scope
from ._common import not_before, text


def feedback_blockers(push: Push, kind: str) -> list[str]:
    if kind != FeedbackKind.REVOCATION_REQUEST:
        return []
    licence = push.licence
    if licence is None:
        return [_("该决定没有证照，不能建议撤销许可")]
    licence = Licence.objects.get(pk=licence.pk)
    if licence.state == Licence.LicenceState.REVOKED:
        return [_("证照{number}已撤销").format(number=licence.number)]
    if Feedback.objects.filter(licence=licence, request_state=Feedback.RequestState.OPEN).exists():
        return [_("证照{number}已有待处理的撤销建议").format(number=licence.number)]
    return []


@transaction.atomic
def give_feedback(
    push: Push,
    *,
    actor: "actors.LinkageActor",
    kind: str,
    summary: str,
    on: datetime.date | None = None,
    document_number: str = "",
) -> Feedback:
    """Only the department the decision was pushed to may feed back on it."""
    push = (
        Push.objects.select_for_update(of=("self",))
        .select_related("case", "licence", "department")
        .get(pk=push.pk)
    )
    if acting_department(actor, Scope.FEEDBACK_WRITE) != push.department:
        raise NotPermitted()
    repeated = _same_feedback(push, kind, summary, on, document_number)
    if repeated is not None:
        return repeated
    errors: dict = {}
    if kind not in FeedbackKind.values:
        errors["kind"] = [_("请选择反馈类型")]
        fail_fields(errors)
    fail_blockers(feedback_blockers(push, kind))
    if not text(summary):
        errors["summary"] = [_("请填写情况说明")]
    today = business_today()
    on = on or today
    not_before(on, push.pushed_on, errors)
    if on > today:
        errors["on"] = [_("日期不能晚于今天")]
    fail_fields(errors)
    is_request = kind == FeedbackKind.REVOCATION_REQUEST
    feedback = Feedback.objects.create(
        push=push,
        case=push.case,
        licence=push.licence,
        department=push.department,
        region_code=push.region_code,
        kind=kind,
        on=on,
        summary=text(summary),
        document_number=text(document_number)[:100],
        recorder_name=actor_label(actor),
        **actor_fields(actor, "recorded"),
        request_state=Feedback.RequestState.OPEN if is_request else Feedback.RequestState.NONE,
    )
    record(
        "linkage.give_feedback",
        actor=audit_actor(actor),
        subject=feedback,
        region_code=push.region_code,
        summary=_("{department}反馈{case}：{kind}").format(
            department=push.department, case=push.case.number, kind=FeedbackKind(kind).label
        ),
        data=audit_data(actor, push=push.pk, kind=kind, on=on.isoformat()),
    )
    return feedback


def _same_feedback(
    push: Push, kind: str, summary: str, on: datetime.date | None, document_number: str
) -> Feedback | None:
    """The feedback this one repeats word for word (the form sent twice, a retried API call):
    the department's record of one inspection or penalty is one row, so the repeat answers with
    the first instead of a second row counted twice in the statistics. Read under the push's
    lock, so two sent at once find each other."""
    if not text(summary):
        return None
    return (
        Feedback.objects.filter(
            push=push,
            kind=kind,
            on=on or business_today(),
            summary=text(summary),
            document_number=text(document_number)[:100],
        )
        .order_by("id")
        .first()
    )


def revocation_request_blockers(feedback: Feedback) -> list[str]:
    if feedback.request_state != Feedback.RequestState.OPEN:
        return [_("该撤销建议已处理")]
    if feedback.handled_on is not None:
        return [
            _("已于{date}据此启动撤销程序，待签批领导在听取持证人陈述、申辩后决定").format(
                date=date_format(feedback.handled_on, "DATE_FORMAT")
            )
        ]
    return []


@transaction.atomic
def decide_revocation_request(
    feedback: Feedback, *, actor: "User", revoke: bool, note: str, on: datetime.date | None = None
) -> Feedback:
    """A signatory of the case's region answers the department's request: decline (with
    reasons; the request is closed), or take it up — which starts the revocation procedure on
    the licence (`cases.actions.revocation`), not the revocation itself. The request stays
    open, marked as taken up, until the procedure's decision closes it
    (`close_revocation_request`)."""
    feedback = (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("case__region", "licence", "department")
        .get(pk=feedback.pk)
    )
    if not has_role(actor, Role.SIGNATORY, feedback.case.region):
        raise NotPermitted()
    fail_blockers(revocation_request_blockers(feedback))
    if not text(note):
        fail_fields({"note": [_("请填写处理意见")]})
    on = on or business_today()
    proposal = None
    if revoke:
        case = lock(feedback.case)
        facts = _("{department}于{date}建议撤销：{summary}").format(
            department=feedback.department,
            date=date_format(feedback.on, "DATE_FORMAT"),
            summary=feedback.summary,
        )
        proposal = start_proposal(
            case,
            actor=actor,
            grounds=RevocationProposal.Grounds.DEPARTMENT_REQUEST,
            facts=facts,
            on=on,
            department=feedback.department,
        )
    else:
        feedback.request_state = Feedback.RequestState.DECLINED
    feedback.handled_by, feedback.handled_on, feedback.handling_note = (
        stored_user(actor),
        on,
        text(note),
    )
    feedback.save(update_fields=["request_state", "handled_by", "handled_on", "handling_note"])
    record(
        "linkage.decide_revocation_request",
        actor=actor,
        subject=feedback,
        region_code=feedback.region_code,
        summary=_("{case}撤销建议：{state}").format(
            case=feedback.case.number,
            state=_("启动撤销程序") if revoke else feedback.get_request_state_display(),
        ),
        data={
            "revoke": revoke,
            "proposal": proposal.pk if proposal else None,
            "on": on.isoformat(),
        },
    )
    return feedback
