"""Signing for the decisions pushed to the supervising department (双推送, domain.md §7).

The push itself is written by the decision (`linkage.push_records.push_decision`). The
department signs for the push within its `sign_days` working days (calendar-aware, counted
like every limit: the push day does not count); a signature after that is late and escalated,
and the worker escalates an unsigned push the day after its due date."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.audit.actions import record
from oneseal.calendars.queries import today as business_today
from oneseal.errors import NotPermitted, fail_blockers

from .. import actors
from ..actors import acting_department, actor_fields, actor_label, audit_actor, audit_data
from ..models import Push, Scope
from ._common import supervisors_of, tell_escalation

# --- signing ------------------------------------------------------------------------------


def sign_blockers(push: Push) -> list[str]:
    if push.signed_on is not None:
        return [
            _("该推送已于{date}由{name}签收").format(
                date=date_format(push.signed_on, "DATE_FORMAT"), name=push.signer_name
            )
        ]
    return []


@transaction.atomic
def sign_push(push: Push, *, actor: "actors.LinkageActor", on: datetime.date | None = None) -> Push:
    """签收: the department acknowledges the decision. Only the department it was pushed to may
    sign (a supervisor of it, or its token with pushes:sign). A signature after `sign_due` is
    late: flagged and escalated for e-supervision."""
    push = Push.objects.select_for_update().get(pk=push.pk)
    if acting_department(actor, Scope.PUSHES_SIGN) != push.department:
        raise NotPermitted()
    fail_blockers(sign_blockers(push))
    on = on or business_today()
    push.signed_on, push.signed_at, push.signer_name = on, timezone.now(), actor_label(actor)
    for field, value in actor_fields(actor, "signed").items():
        setattr(push, field, value)
    push.signed_late = on > push.sign_due
    if push.signed_late and push.escalated_on is None:
        push.escalated_on = on
    push.save(
        update_fields=[
            "signed_on",
            "signed_at",
            "signer_name",
            "signed_by",
            "signed_token",
            "signed_late",
            "escalated_on",
        ]
    )
    record(
        "linkage.sign_push",
        actor=audit_actor(actor),
        subject=push,
        region_code=push.region_code,
        summary=_("{department}签收{case}").format(
            department=push.department, case=push.case.number
        ),
        data=audit_data(
            actor,
            signed_on=on.isoformat(),
            sign_due=push.sign_due.isoformat(),
            late=push.signed_late,
        ),
    )
    return push


def escalate_late_pushes(today: datetime.date) -> int:
    """Run by the worker: every push still unsigned after its due date is escalated once (a
    flag e-supervision lists, and an audit row). Safe with two workers: the flag is set by a
    conditional update, so only one of them records it."""
    done = 0
    late = Push.objects.filter(
        signed_on__isnull=True, escalated_on__isnull=True, sign_due__lt=today
    )
    for push in late.select_related("case", "department").order_by("sign_due", "id"):
        with transaction.atomic():
            if not Push.objects.filter(
                pk=push.pk, signed_on__isnull=True, escalated_on__isnull=True
            ).update(escalated_on=today):
                continue
            record(
                "linkage.push_overdue",
                actor=None,
                subject=push,
                region_code=push.region_code,
                summary=_("{department}逾期未签收{case}（签收期限{date}）").format(
                    department=push.department,
                    case=push.case.number,
                    date=date_format(push.sign_due, "DATE_FORMAT"),
                ),
                data={"sign_due": push.sign_due.isoformat(), "noticed_on": today.isoformat()},
            )
            tell_escalation(
                supervisors_of(push.department),
                key=f"push-overdue:{push.pk}",
                title=_("逾期未签收督办（{case}）").format(case=push.case.number),
                body=_("审批局推送的{case}审批结果已超过签收期限（{date}），请尽快签收。").format(
                    case=push.case.number, date=date_format(push.sign_due, "DATE_FORMAT")
                ),
                url_name="linkage:push",
                pk=push.pk,
                case=push.case,
            )
            done += 1
    return done
