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

from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from oneseal.calendars.queries import today as business_today
from oneseal.cases.models import CLOSED_STATES, Case, CaseEvent
from oneseal.errors import DomainError

from . import actions
from .models import Archive, ArchiveSupplement
from .packaging import BrokenChain

logger = logging.getLogger(__name__)

BATCH = 200


def candidates():
    return Case.objects.filter(state__in=CLOSED_STATES).exclude(
        pk__in=Archive.objects.values("case_id")
    )


def needing_supplements(today: datetime.date):
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
    done = supplemented = waiting = 0
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
    last = 0
    while True:
        archive_ids = list(
            needing_supplements(today)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not archive_ids:
            break
        last = archive_ids[-1]
        for archive_id in archive_ids:
            try:
                actions.supplement_archive(Archive(pk=archive_id), system=True)
            except DomainError:
                waiting += 1  # a document of the later acts is still owed, or done meanwhile
            except BrokenChain:
                waiting += 1
                logger.error("archive %s gets no supplement: its chain does not verify", archive_id)
            except Exception:
                waiting += 1
                logger.exception("supplementing archive %s failed", archive_id)
            else:
                supplemented += 1
    return {"archived": done, "supplemented": supplemented, "waiting": waiting}
