"""Due dates after a calendar change (《行政许可法》第八十二条): a year's official schedule
was entered or corrected, so due dates computed from weekends alone are recomputed. The
clocks are replayed from the case's own events; the worker runs `recompute_due_dates` on
every case whose dates were provisional (`cases.jobs.recompute_open_due_dates`)."""

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.actors import acts_as_system
from oneseal.calendars.rules import WorkCalendar
from oneseal.errors import NotPermitted

from .. import clocks, rules
from ..models import Case, CaseEvent, State
from ._base import calendar, lock, move

ACCEPTANCE_FIELDS = ("acceptance_due", "acceptance_due_provisional")
DECISION_FIELDS = ("promised_due", "statutory_due", "due_provisional")
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
    """The due fields of an open, running case as `cal` gives them; {} for a case whose clock
    is not running (a suspended case gets its dates at resumption, a case awaiting correction
    when the correction arrives, a decided case has met its limit)."""
    if case.state == State.RECEIVED:
        due = rules.acceptance_due(cal, case.materials_arrived_on)
        return {"acceptance_due": due.date, "acceptance_due_provisional": due.provisional}
    if case.state == State.ACCEPTED and case.accepted_on is not None:
        dues = clocks.replayed_decision_dues(case, cal, history)
        return {
            "promised_due": dues.promised,
            "statutory_due": dues.statutory,
            "due_provisional": dues.provisional,
        }
    return {}


def changes(case: Case, new: dict) -> dict:
    return {field: value for field, value in new.items() if getattr(case, field) != value}


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
    new = recomputed_dues(case, calendar(), clock_history([case.pk])[case.pk])
    changed = changes(case, new)
    if not changed:
        return None
    old = {field: _plain(getattr(case, field)) for field in changed}
    for field, value in changed.items():
        setattr(case, field, value)
    # The dates a clerk saw have moved: an action taken on the old view is a conflict.
    move(
        case,
        "recompute_due_dates",
        actor=None,
        on=today,
        update_fields=list(changed),
        reason=_("工作日历已更新，依正式公布的节假日安排重新计算期限"),
        data={"old": old, "new": {field: _plain(value) for field, value in changed.items()}},
    )
    return case
