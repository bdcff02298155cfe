"""Pushing decisions to the supervising department and signing for them (双推送, domain.md §7).

`push_decision` runs inside the decision's own transaction (cases.actions.decision calls it
after the decision's event is written), so a decision without its push cannot exist. The
department signs for the push within its `sign_days` working days (calendar-aware, counted
like every limit: the push day does not count); a signature after that is late and escalated,
and the worker escalates an unsigned push the day after its due date."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.audit.actions import record
from oneseal.calendars.queries import current_calendar
from oneseal.cases.models import Case, CaseEvent, Licence
from oneseal.errors import NotPermitted
from oneseal.organisation.models import Department

from ..actors import acting_department, actor_fields, actor_label, audit_actor, audit_data
from ..models import Decision, DepartmentLink, DutyBoundary, Push, Scope
from ..outbox import enqueue
from ._common import raise_blockers


def supervising_department(case: Case) -> Department | None:
    """The department the item's duty boundary list names; without a list entry, the item's
    original department (which supervises after the transfer)."""
    version = case.handling_item.item_version
    boundary = DutyBoundary.objects.filter(item_id=version.item_id).select_related("supervising_department").first()
    return boundary.supervising_department if boundary else version.original_department


def sign_days_of(department: Department) -> int:
    link = DepartmentLink.objects.filter(department=department).only("sign_days").first()
    if link is not None:
        return link.sign_days
    return settings.ONESEAL_PUSH_SIGN_DAYS


def decision_payload(case: Case, event: CaseEvent, licence: Licence | None) -> dict:
    """What the department is told: the case, the item and handling item (新办、变更、注销 …),
    the holder, the decision and its own data (licence, scope, validity, reasons)."""
    hi = case.handling_item
    version = hi.item_version
    applicant = case.applicant
    return {
        "decision": event.action,
        "decision_label": str(Decision(event.action).label),
        "decided_on": event.on.isoformat(),
        "case": {"number": case.number, "region_code": case.region_code},
        "item": {"basic_code": version.item.basic_code, "name": version.name,
                 "implementing_code": version.implementing_code},
        "handling_item": {"code": hi.code, "name": hi.name, "variant": hi.variant,
                          "variant_label": str(hi.get_variant_display())},
        "applicant": {"kind": applicant.kind, "name": applicant.name, "number": applicant.number,
                      "representative": applicant.representative, "phone": applicant.phone,
                      "address": applicant.address},
        "licence": None if licence is None else {
            "number": licence.number, "name": licence.name, "scope": licence.scope,
            "valid_from": licence.valid_from.isoformat(),
            "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
            "state": licence.state},
        "details": event.data,
        "reason": event.reason,
    }


def push_decision(case: Case, event: CaseEvent, *, licence: Licence | None = None) -> Push | None:
    """Push a decision (grant, deny, revoke_licence, deem_renewed) to the case's supervising department, in
    the caller's transaction; a webhook message too when the department has an endpoint.
    None when the item names no department at all."""
    department = supervising_department(case)
    if department is None:
        return None
    due = current_calendar().add(event.on, sign_days_of(department))
    payload = decision_payload(case, event, licence)
    push = Push.objects.create(case=case, event=event, licence=licence, department=department,
                               region_code=case.region_code, decision=event.action, payload=payload,
                               pushed_on=event.on, sign_due=due.date, sign_due_provisional=due.provisional)
    enqueue(department, event_type="decision", region_code=case.region_code, push=push,
            payload={"push": push.pk, "sign_due": due.date.isoformat(), **payload})
    record("linkage.push_decision", actor=None, subject=push, region_code=case.region_code,
           summary=_("{case} {decision} 推送至 {department}").format(
               case=case.number, decision=Decision(event.action).label, department=department),
           data={"case": case.pk, "event": event.seq, "sign_due": due.date.isoformat()})
    return push


# --- signing ------------------------------------------------------------------------------


def sign_blockers(push: Push) -> list[str]:
    if push.signed_on is not None:
        return [_("该推送已于{date}由{name}签收").format(date=push.signed_on.isoformat(), name=push.signer_name)]
    return []


@transaction.atomic
def sign_push(push: Push, *, actor, on: datetime.date | None = None) -> Push:
    """签收: the department acknowledges the decision. Only the department it was pushed to may
    sign (a supervisor of it, or its token with pushes:sign). A signature after `sign_due` is
    late: flagged and escalated for e-supervision."""
    push = Push.objects.select_for_update().get(pk=push.pk)
    if acting_department(actor, Scope.PUSHES_SIGN) != push.department:
        raise NotPermitted()
    raise_blockers(sign_blockers(push))
    on = on or timezone.localdate()
    push.signed_on, push.signed_at, push.signer_name = on, timezone.now(), actor_label(actor)
    for field, value in actor_fields(actor, "signed").items():
        setattr(push, field, value)
    push.signed_late = on > push.sign_due
    if push.signed_late and push.escalated_on is None:
        push.escalated_on = on
    push.save(update_fields=["signed_on", "signed_at", "signer_name", "signed_by", "signed_token", "signed_late",
                             "escalated_on"])
    record("linkage.sign_push", actor=audit_actor(actor), subject=push, region_code=push.region_code,
           summary=_("{department}签收{case}").format(department=push.department, case=push.case.number),
           data=audit_data(actor, signed_on=on.isoformat(), sign_due=push.sign_due.isoformat(),
                           late=push.signed_late))
    return push


def escalate_late_pushes(today: datetime.date) -> int:
    """Run by the worker: every push still unsigned after its due date is escalated once (a
    flag e-supervision lists, and an audit row). Safe with two workers: the flag is set by a
    conditional update, so only one of them records it."""
    done = 0
    late = Push.objects.filter(signed_on__isnull=True, escalated_on__isnull=True, sign_due__lt=today)
    for push in late.select_related("case", "department").order_by("sign_due", "id"):
        with transaction.atomic():
            if not Push.objects.filter(pk=push.pk, signed_on__isnull=True, escalated_on__isnull=True).update(
                    escalated_on=today):
                continue
            record("linkage.push_overdue", actor=None, subject=push, region_code=push.region_code,
                   summary=_("{department}逾期未签收{case}（签收期限{date}）").format(
                       department=push.department, case=push.case.number, date=push.sign_due.isoformat()),
                   data={"sign_due": push.sign_due.isoformat(), "noticed_on": today.isoformat()})
            done += 1
    return done
