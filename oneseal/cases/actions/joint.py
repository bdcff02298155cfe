"""The results of several cases told together (联办: a stage of a construction project, a life
event). The bundle they belong to lives in `projects`; the case that was decided last records
the event whose notice (联办结果告知书, issued through `cases.notices` like every notice) lists
every case's decision, so the one written notice answers an act of a case like the others."""

import datetime

from django.db import transaction

from oneseal.actors import Actor

from ..models import Case
from ._base import append_event, check, lock


@transaction.atomic
def record_joint_result(
    case: Case,
    *,
    on: datetime.date,
    title: str,
    received_on: datetime.date,
    results: list[str],
    outcome: str,
    reasons: list[str],
    decided_by: "Actor | None",
) -> Case:
    """Run only by the act that decided the bundle's last case (`projects.bundles.conclude`),
    inside that act's transaction: it has no permission of its own, it records, in the name of
    whoever made that decision (`decided_by`), what the decision concluded."""
    case = lock(case)
    check("record_joint_result", case)
    append_event(
        case,
        action="record_joint_result",
        actor=decided_by,
        from_state=case.state,
        on=on,
        notice_due="joint_result",
        data={
            "title": title,
            "received_on": received_on.isoformat(),
            "results": results,
            "outcome": outcome,
            "reasons": reasons,
        },
    )
    return case
