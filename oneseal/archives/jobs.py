"""`archive_ended_cases`, run by `oneseal worker` on every pass: every ended case (decided and
delivered, denied, refused, withdrawn, terminated) not archived yet gets its package, and every
archived case that gained events since (a revocation, a change, a commitment's verification)
gets a supplementary package once those events are a day old — so a procedure of several acts
on one day goes into one supplement, not one per act.

Idempotent and safe from two workers, like `cases.jobs`: candidates are read without locks,
then each case is archived in its own transaction under the case's row lock and re-checked
under it (`actions.archive_case`), so the second worker finds it archived. A case still owing a
signed notice waits for it (the window's queue) and is taken up on a later pass."""

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from oneseal.calendars.queries import today as business_today
from oneseal.cases.models import CLOSED_STATES, Case, CaseEvent
from oneseal.errors import DomainError

from . import actions
from .models import Archive, ArchiveSupplement
from .packaging import BrokenChain

logger = logging.getLogger(__name__)

BATCH = 200


def candidates() -> QuerySet[Case]:
    return Case.objects.filter(state__in=CLOSED_STATES).exclude(
        pk__in=Archive.objects.values("case_id")
    )


def needing_supplements(today: datetime.date) -> QuerySet[Archive]:
    """Archives whose case has events past what the archive and its supplements hold, the
    newest of them from before `today`."""
    covered = Coalesce(
        Subquery(
            ArchiveSupplement.objects.filter(archive=OuterRef("pk"))
            .order_by("-sequence")
            .values("last_event_seq")[:1]
        ),
        F("last_event_seq"),
    )
    later = CaseEvent.objects.filter(case=OuterRef("case_id"), seq__gt=OuterRef("covered"))
    return (
        Archive.objects.alias(covered=covered)
        .filter(Exists(later))
        .exclude(Exists(later.filter(on__gte=today)))
    )


def archive_ended_cases(today: datetime.date | None = None) -> dict[str, int]:
    """Archive what can be archived now; returns {"archived": n, "supplemented": s,
    "waiting": m} (waiting: cases that still owe a document, or whose chain does not
    verify — logged)."""
    today = today or business_today()
    archived, waiting = _each(
        candidates(), lambda pk: actions.archive_case(Case(pk=pk), system=True), "case %s"
    )
    supplemented, still = _each(
        needing_supplements(today),
        lambda pk: actions.supplement_archive(Archive(pk=pk), system=True),
        "the supplement of archive %s",
    )
    return {"archived": archived, "supplemented": supplemented, "waiting": waiting + still}


def _each(rows: QuerySet[Any], act: Callable[[int], object], what: str) -> tuple[int, int]:
    """Act on every row of `rows` by primary key, in batches read without locks (the act
    locks and re-checks); returns (done, waiting). DomainError: done meanwhile by another
    worker, or a document is still owed."""
    done = waiting = 0
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not batch:
            break
        last = batch[-1]
        for pk in batch:
            try:
                act(pk)
            except DomainError:
                waiting += 1
            except BrokenChain:
                waiting += 1
                logger.error(f"{what} is not archived: its event chain does not verify", pk)
            except Exception:
                # One broken case must not keep every later case from its archive.
                waiting += 1
                logger.exception(f"archiving {what} failed", pk)
            else:
                done += 1
    return done, waiting
