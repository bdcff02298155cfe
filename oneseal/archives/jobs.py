"""`archive_ended_cases`, run by `oneseal worker` on every pass: every ended case (decided and
delivered, denied, refused, withdrawn, terminated) not archived yet gets its package.

Idempotent and safe from two workers, like `cases.jobs`: candidates are read without locks,
then each case is archived in its own transaction under the case's row lock and re-checked
under it (`actions.archive_case`), so the second worker finds it archived. A case still owing a
signed notice waits for it (the window's queue) and is taken up on a later pass."""

import datetime
import logging

from oneseal.cases.models import CLOSED_STATES, Case
from oneseal.errors import DomainError

from . import actions
from .models import Archive
from .packaging import BrokenChain

logger = logging.getLogger(__name__)

BATCH = 200


def candidates():
    return Case.objects.filter(state__in=CLOSED_STATES).exclude(
        pk__in=Archive.objects.values("case_id")
    )


def archive_ended_cases(today: datetime.date | None = None) -> dict[str, int]:
    """Archive what can be archived now; returns {"archived": n, "waiting": m} (waiting: ended
    cases that still owe a document, or whose chain does not verify — logged)."""
    done = waiting = 0
    last = 0
    while True:
        batch = list(
            candidates().filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not batch:
            break
        last = batch[-1]
        for case_id in batch:
            try:
                actions.archive_case(Case(pk=case_id), system=True)
            except DomainError:
                # Archived meanwhile by another worker, or a notice is still owed.
                waiting += 1
            except BrokenChain:
                waiting += 1
                logger.error("case %s is not archived: its event chain does not verify", case_id)
            except Exception:
                # One broken case must not keep every later case from its archive.
                waiting += 1
                logger.exception("archiving failed for case %s", case_id)
            else:
                done += 1
    return {"archived": done, "waiting": waiting}
