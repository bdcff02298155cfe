"""What a case action writes into the linkage inside its own transaction: the push of a
decision to the supervising department (双推送, domain.md §7; a decision without its push
cannot exist) and the closing of a department's revocation request by the decision on it.

Depends on models, the outbox and the audit log only, never on an actions module: the case
actions call it, and the linkage's actions call the case actions."""

import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.audit.actions import record
from oneseal.calendars.queries import current_calendar
from oneseal.cases.models import Case, CaseEvent, Licence
from oneseal.organisation.models import Department

from .models import Decision, DepartmentLink, DutyBoundary, Feedback, FeedbackKind, Push
from .outbox import enqueue


def supervising_department(case: Case) -> Department | None:
    """The department the item's duty boundary list names; without a list entry, the item's
    original department (which supervises after the transfer)."""
    version = case.handling_item.item_version
    boundary = (
        DutyBoundary.objects.filter(item_id=version.item_id)
        .select_related("supervising_department")
        .first()
    )
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
        "item": {
            "basic_code": version.item.basic_code,
            "name": version.name,
            "implementing_code": version.implementing_code,
        },
        "handling_item": {
            "code": hi.code,
            "name": hi.name,
            "variant": hi.variant,
            "variant_label": str(hi.get_variant_display()),
        },
        "applicant": {
            "kind": applicant.kind,
            "name": applicant.name,
            "number": applicant.number,
            "representative": applicant.representative,
            "phone": applicant.phone,
            "address": applicant.address,
        },
        "licence": None
        if licence is None
        else {
            "number": licence.number,
            "name": licence.name,
            "scope": licence.scope,
            "valid_from": licence.valid_from.isoformat(),
            "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
            "state": licence.state,
        },
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
    push = Push.objects.create(
        case=case,
        event=event,
        licence=licence,
        department=department,
        region_code=case.region_code,
        decision=event.action,
        payload=payload,
        pushed_on=event.on,
        sign_due=due.date,
        sign_due_provisional=due.provisional,
    )
    enqueue(
        department,
        event_type="decision",
        region_code=case.region_code,
        push=push,
        payload={"push": push.pk, "sign_due": due.date.isoformat(), **payload},
    )
    record(
        "linkage.push_decision",
        actor=None,
        subject=push,
        region_code=case.region_code,
        summary=_("{case} {decision} 推送至 {department}").format(
            case=case.number, decision=Decision(event.action).label, department=department
        ),
        data={"case": case.pk, "event": event.seq, "sign_due": due.date.isoformat()},
    )
    return push


def close_revocation_request(
    licence: Licence, *, actor: User, revoked: bool, note: str, on: datetime.date
) -> None:
    """The revocation procedure a department's request started was decided (or withdrawn):
    the request is closed with that outcome. Called inside the decision's transaction."""
    feedback = (
        Feedback.objects.select_for_update(of=("self",))
        .filter(
            licence=licence,
            kind=FeedbackKind.REVOCATION_REQUEST,
            request_state=Feedback.RequestState.OPEN,
        )
        .first()
    )
    if feedback is None:
        return
    feedback.request_state = (
        Feedback.RequestState.REVOKED if revoked else Feedback.RequestState.DECLINED
    )
    feedback.handled_by, feedback.handled_on, feedback.handling_note = (
        stored_user(actor),
        on,
        str(note or "").strip(),
    )
    feedback.save(update_fields=["request_state", "handled_by", "handled_on", "handling_note"])
    record(
        "linkage.close_revocation_request",
        actor=actor,
        subject=feedback,
        region_code=feedback.region_code,
        summary=_("{case}撤销建议：{state}").format(
            case=feedback.case.number, state=feedback.get_request_state_display()
        ),
        data={"revoked": revoked, "licence": licence.number, "on": on.isoformat()},
    )
