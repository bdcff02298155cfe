"""Due dates after a calendar change (《行政许可法》第八十二条): a year's official schedule
was entered or corrected, so due dates computed from weekends alone are recomputed. The
clocks are replayed from the case's own events; the worker runs `recompute_due_dates` on
every case whose dates were provisional (`cases.jobs.recompute_open_due_dates`).

A suspended case keeps its clocks as they stood at the suspension, and the special-procedure
notice printed its expected end (第四十五条); a granted case printed the delivery date of its
licence (送达期限). Both are working-day counts, so both move with the schedule too."""

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.actors import acts_as_system
from oneseal.calendars.rules import WorkCalendar
from oneseal.errors import NotPermitted

from .. import clocks, rules
from ..models import Case, CaseEvent, State, Suspension
from ._base import DUE_FIELDS, calendar, lock, move

ACCEPTANCE_FIELDS = ("acceptance_due", "acceptance_due_provisional")
DECISION_FIELDS = tuple(DUE_FIELDS)
CLOCK_ACTIONS = ("suspend", "resume", "approve_extension")


def clock_history(case_ids: list[int]) -> dict[int, list[tuple[str, datetime.date, bool]]]:
    """Per case, its clock events in order: (action, date, whether a suspension stopped the
    statutory clock — every suspension recorded before that was known did)."""
    out: dict[int, list] = defaultdict(list)
    rows = (
        CaseEvent.objects.filter(case_id__in=case_ids, action__in=CLOCK_ACTIONS)
        .order_by("case_id", "seq")
        .values_list("case_id", "action", "on", "data")
    )
    for case_id, action, on, data in rows:
        out[case_id].append((action, on, bool((data or {}).get("stops_statutory", True))))
    return out


def recomputed_dues(
    case: Case, cal: WorkCalendar, history: list[tuple[str, datetime.date, bool]]
) -> dict:
    """The date fields of an open case as `cal` gives them: the acceptance window of a received
    case, the decision dues of an accepted one, the dues as they stood at the suspension (and the
    working days then left) of a suspended one, the delivery date of a granted one; {} for a
    case awaiting correction (its window opens when the correction arrives)."""
    if case.state == State.RECEIVED:
        due = rules.acceptance_due(cal, case.materials_arrived_on)
        return {"acceptance_due": due.date, "acceptance_due_provisional": due.provisional}
    if case.state in (State.ACCEPTED, State.SUSPENDED) and case.accepted_on is not None:
        # The last clock event of a suspended case is its suspension, which moves no due date.
        dues = clocks.replayed_decision_dues(case, cal, history)
        new = {
            "promised_due": dues.promised,
            "statutory_due": dues.statutory,
            "promised_due_provisional": dues.promised_provisional,
            "statutory_due_provisional": dues.statutory_provisional,
        }
        if case.state == State.SUSPENDED and case.suspended_on is not None:
            new["promised_remaining_at_suspension"] = rules.remaining(
                cal, case.suspended_on, dues.promised
            )
            if case.statutory_remaining_at_suspension is not None:
                new["statutory_remaining_at_suspension"] = rules.remaining(
                    cal, case.suspended_on, dues.statutory
                )
        return new
    if case.state == State.GRANTED and case.decided_on is not None and case.delivery_due:
        return {"delivery_due": rules.delivery_due(cal, case.decided_on).date}
    return {}


def open_suspension(case: Case) -> Suspension | None:
    return Suspension.objects.filter(case=case, resumed_on__isnull=True).order_by("-id").first()


def recomputed_suspension(suspension: Suspension, case: Case, cal: WorkCalendar) -> dict:
    """The open suspension's expected end (printed on the special-procedure notice) and the
    working days it keeps, as `cal` gives them."""
    new = {
        "expected_end": cal.add(suspension.suspended_on, suspension.expected_days).date,
        "promised_remaining": case.promised_remaining_at_suspension,
    }
    if suspension.statutory_remaining is not None:
        new["statutory_remaining"] = case.statutory_remaining_at_suspension
    return new


def needs_recompute(
    case: Case, cal: WorkCalendar, history: list[tuple[str, datetime.date, bool]]
) -> bool:
    """Whether `recompute_due_dates` would record anything (read without locks)."""
    new = recomputed_dues(case, cal, history)
    if changes(case, new):
        return True
    if case.state != State.SUSPENDED:
        return False
    suspension = open_suspension(case)
    if suspension is None:
        return False
    shadow = Case(
        promised_remaining_at_suspension=new.get("promised_remaining_at_suspension"),
        statutory_remaining_at_suspension=new.get("statutory_remaining_at_suspension"),
    )
    return bool(changes(suspension, recomputed_suspension(suspension, shadow, cal)))


def changes(row: Case | Suspension, new: dict) -> dict:
    return {field: value for field, value in new.items() if getattr(row, field) != value}


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime.date) else value


@transaction.atomic
def recompute_due_dates(case: Case, *, system: bool, today: datetime.date) -> Case | None:
    """Recompute the due dates of one open case on the calendar in force, under the case lock,
    and record the change as an event ("recompute_due_dates", data {old, new}). Returns None
    when nothing changed: running it again records nothing more. Only the installation
    recomputes (the worker, `system=True`): no person moves a case's due dates."""
    if not acts_as_system(None, system=system):
        raise NotPermitted()
    case = lock(case)
    if case.state not in rules.sources("recompute_due_dates"):
        return None
    cal = calendar()
    new = recomputed_dues(case, cal, clock_history([case.pk])[case.pk])
    changed = changes(case, new)
    old = {field: _plain(getattr(case, field)) for field in changed}
    for field, value in changed.items():
        setattr(case, field, value)
    suspension = (
        Suspension.objects.select_for_update()
        .filter(case=case, resumed_on__isnull=True)
        .order_by("-id")
        .first()
        if case.state == State.SUSPENDED
        else None
    )
    moved_suspension = (
        changes(suspension, recomputed_suspension(suspension, case, cal)) if suspension else {}
    )
    if not changed and not moved_suspension:
        return None
    data = {"old": old, "new": {field: _plain(value) for field, value in changed.items()}}
    if moved_suspension:
        assert suspension is not None  # moved_suspension is empty without one
        data["suspension"] = {
            "old": {field: _plain(getattr(suspension, field)) for field in moved_suspension},
            "new": {field: _plain(value) for field, value in moved_suspension.items()},
        }
        for field, value in moved_suspension.items():
            setattr(suspension, field, value)
        suspension.save(update_fields=list(moved_suspension))
    # The dates a clerk saw have moved: an action taken on the old view is a conflict.
    move(
        case,
        "recompute_due_dates",
        actor=None,
        on=today,
        update_fields=list(changed),
        reason=_("工作日历已更新，依正式公布的节假日安排重新计算期限"),
        data=data,
    )
    return case
