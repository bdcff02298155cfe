"""What every case action shares: lock the row, check the transition and the caller's view
of it, move the state, and append a hash-chained event — all inside the caller's transaction."""

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.actors import Actor, User
from oneseal.calendars.queries import current_calendar
from oneseal.calendars.queries import today as business_today
from oneseal.delegations import rules as delegation_rules
from oneseal.errors import Conflict, NotPermitted, fail_blockers
from oneseal.organisation.rules import has_role, staff_of
from oneseal.prepared import Prepared, insert, update

from .. import notices, rules
from ..locks import OutsideRange, mark_locked
from ..models import Case, CaseEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

    from oneseal.calendars.rules import WorkCalendar

GENESIS = "0" * 64


def calendar() -> "WorkCalendar":
    return current_calendar()


# The fields `set_dues` writes.
DUE_FIELDS = [
    "promised_due",
    "statutory_due",
    "promised_due_provisional",
    "statutory_due_provisional",
]


def set_dues(case: Case, dues: rules.Dues) -> None:
    """Store the decision due dates, each with its own provisional flag: every action that
    moves the dates goes through here, so a date and its flag never disagree."""
    case.promised_due, case.statutory_due = dues.promised, dues.statutory
    case.promised_due_provisional = dues.promised_provisional
    case.statutory_due_provisional = dues.statutory_provisional


def dues_of(case: Case) -> rules.Dues:
    """The decision due dates a case holds (set at acceptance; only an accepted, suspended or
    decided case has them)."""
    assert case.promised_due is not None and case.statutory_due is not None
    return rules.Dues(
        case.promised_due,
        case.statutory_due,
        case.promised_due_provisional,
        case.statutory_due_provisional,
    )


def _head(field: str) -> Subquery:
    return Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-seq").values(field)[:1]
    )


# Every act's first statement, built once per connection (oneseal.prepared): building it (five
# joined models and the two subqueries of the chain head) cost more CPU than running it.
def _locking(pk: int) -> QuerySet:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("handling_item__item_version", "region", "applicant", "bureau")
        .annotate(head_seq=_head("seq"), head_hash=_head("hash"))
        .filter(pk=pk)
    )


_LOCKED = Prepared(_locking, int)
# The same, only within a region range [low, high): the caller's scope checked by the lock
# itself instead of by a statement of its own before it (the API's intake decisions).
_LOCKED_IN_RANGE = Prepared(
    lambda pk, low, high: _locking(pk).filter(region_code__gte=low, region_code__lt=high),
    int,
    str,
    str,
)


def lock(case: Case, *, expected_version: int | None = None) -> Case:
    """Lock the case row for the rest of the transaction. When the caller says which version
    of the case they acted on, a change by someone else in between is a conflict, not a
    silent double action.

    Only the case row is locked (FOR UPDATE OF): two cases of one handling item or one region
    must not wait for each other. The same read brings the case's chain head (the last
    event's seq and hash), which `append_event` then needs no query for.

    A case object that carries `in_range` (a region range [low, high) that is its caller's
    whole scope: `cases.queries.region_wide_range`) is locked only within it; outside it
    nothing is locked and `OutsideRange` is raised for the caller's exact check."""
    in_range = case.__dict__.pop("in_range", None)
    if in_range is not None:
        locked = _LOCKED_IN_RANGE.first(case.pk, *in_range)
        if locked is None:
            raise OutsideRange
    else:
        locked = _LOCKED.first(case.pk)
    if locked is None:
        raise Case.DoesNotExist("Case matching query does not exist.")
    if expected_version is not None and locked.lock_version != expected_version:
        raise Conflict(
            _("该办件已被他人处理（当前状态：{state}），请刷新后重试").format(
                state=locked.get_state_display()
            )
        )
    # Whatever the caller's object knew of the chain is now older than the lock's read.
    case.__dict__.pop("_chain_head", None)
    locked._chain_head = (locked.head_seq or 0, locked.head_hash or GENESIS)
    return mark_locked(locked)


def require_case_role(actor: "User", case: Case, *roles: str, delegable: bool = False) -> None:
    """The actor holds one of `roles` over the case's region. For the acts a delegation (委托)
    covers (`delegable`: receiving and the intake decisions, the decision, handing out), a
    township service centre's clerk may also act, under the bureau's delegation in force today,
    on a case received at their centre (a signatory's act only when the delegation lets the
    centre decide). A delegated refusal names its reason (scope, period, region, mode)."""
    if any(has_role(actor, role, case.region) for role in roles):
        return
    blockers = delegated_blockers(actor, case, *roles) if delegable else None
    if blockers is None:
        raise NotPermitted()
    if blockers:
        raise NotPermitted(blockers[0], reasons=blockers)


def delegated_blockers(actor: "Actor", case: Case, *roles: str) -> list[str] | None:
    """None when the actor does not act under a delegation at all (no centre, or none of
    `roles` is one a centre may stand in for); else why the delegation does not cover this act
    on this case today (empty: it does)."""
    staff = delegation_rules.centre_staff(actor)
    acts = [delegation_rules.ACT_OF_ROLE[r] for r in roles if r in delegation_rules.ACT_OF_ROLE]
    if staff is None or not acts:
        return None
    return delegation_rules.case_blockers(staff, case, on=business_today(), act=acts[0])


def check(action: str, case: Case, extra: list[str] | None = None) -> None:
    blockers = rules.transition_blockers(action, case.state) + list(extra or [])
    fail_blockers(blockers)


def event_hash(fields: dict) -> str:
    payload = json.dumps(
        fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def hashed_fields(event: CaseEvent) -> dict:
    return {
        "case": event.case_id,
        "seq": event.seq,
        "at": event.at.isoformat(),
        "on": event.on.isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "from": event.from_state,
        "to": event.to_state,
        "reason": event.reason,
        "data": event.data,
        "notice_due": event.notice_due,
        "prev": event.prev_hash,
    }


def actor_name(actor: "Actor | None") -> str:
    if actor is None:
        return str(_("系统"))
    staff = staff_of(actor)
    if staff is not None:
        return staff.display_name
    # No staff record: a signed-in applicant (department tokens record no case events).
    person = cast("AuthUser", actor)
    return person.get_full_name() or person.get_username()


def append_event(
    case: Case,
    *,
    action: str,
    actor: "Actor | None",
    from_state: str,
    on: datetime.date,
    reason: str = "",
    data: dict | None = None,
    notice_due: str = "",
    attach: Callable[[CaseEvent], None] | None = None,
) -> CaseEvent:
    """Append the next event of the case's chain. The case row is locked by the caller, so
    `seq` and the previous hash cannot race. The head comes from the lock's read (or, for a
    case object that did not come from `lock`, from a query); were it ever stale, the unique
    (case, seq) constraint refuses the row rather than fork the chain."""
    head = case.__dict__.pop("_chain_head", None)
    if head is None:
        last = (
            CaseEvent.objects.filter(case=case).order_by("-seq").values_list("seq", "hash").first()
        )
        head = last or (0, GENESIS)
    event = CaseEvent(
        case=case,
        seq=head[0] + 1,
        at=timezone.now().replace(microsecond=0),
        on=on,
        actor=cast("AuthUser", actor) if getattr(actor, "pk", None) else None,
        actor_name=actor_name(actor),
        action=action,
        from_state=from_state,
        to_state=case.state,
        reason=reason,
        data=data or {},
        notice_due=notice_due,
        prev_hash=head[1],
    )
    event.hash = event_hash(hashed_fields(event))
    insert(event)  # save(force_insert=True), its SQL built once per connection
    case._chain_head = (event.seq, event.hash)
    if attach is not None:
        # What the act ties to its event (a licence version) is tied before its notice is
        # issued, so the notice sees it.
        attach(event)
    # The notice the act calls for is issued with the act, in its transaction, whoever called
    # it (window, portal, API, worker, admin).
    if notices.calls_for_notice(event):
        notices.event_recorded(case, event, actor)
        # An issuer may record an event of its own (a corrected notice): read the head again.
        case.__dict__.pop("_chain_head", None)
    # Whoever tells the applicant or the staff of the act (notifications) hears of it here too.
    notices.event_observed(case, event, actor)
    return event


def move(
    case: Case,
    action: str,
    *,
    actor: "Actor | None",
    on: datetime.date,
    reason: str = "",
    data: dict | None = None,
    notice_due: str = "",
    update_fields: list[str] | None = None,
    attach: Callable[[CaseEvent], None] | None = None,
) -> CaseEvent:
    """Set the state the transition table gives, bump the version, save, and record the event."""
    from_state = case.state
    case.state = rules.target_state(action, from_state)
    case.lock_version += 1
    # case.save(update_fields=…) by an UPDATE built once per connection and set of fields.
    update(case, ["state", "lock_version", *(update_fields or [])])
    return append_event(
        case,
        action=action,
        actor=actor,
        from_state=from_state,
        on=on,
        reason=reason,
        data=data,
        notice_due=notice_due,
        attach=attach,
    )


def verify_chain(case_id: int) -> list[str]:
    """Every problem in a case's event chain: a changed row, a missing or reordered one."""
    problems, prev, expected_seq = [], GENESIS, 1
    for event in CaseEvent.objects.filter(case_id=case_id).order_by("seq"):
        if event.seq != expected_seq:
            problems.append(f"case {case_id}: event {expected_seq} is missing")
        if event.prev_hash != prev:
            problems.append(f"case {case_id}: event {event.seq} does not follow its predecessor")
        if event_hash(hashed_fields(event)) != event.hash:
            problems.append(f"case {case_id}: event {event.seq} ({event.action}) was changed")
        prev, expected_seq = event.hash, event.seq + 1
    return problems
