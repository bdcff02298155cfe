"""What the background worker (`oneseal worker`) does on every pass, as plain functions.

Each job is idempotent and safe to run from two processes at once: candidates are read
without locks, then every case is handled in its own transaction under the same row lock
the actions take (`actions._base.lock`), and re-checked under it. A second worker that
reaches the same case after the first committed finds nothing left to do.

- `recompute_open_due_dates`: a year's official schedule was entered, so due dates computed
  from weekends alone (provisional) are recomputed (《行政许可法》第八十二条);
- `run_deemed_acceptance`: silence for 5 working days means acceptance as of the day the
  materials arrived (第三十二条第一款);
- `overdue_verifications`: a commitment (告知承诺) whose check is still open after its due
  date is noted once on its case;
- `run_deemed_renewals`: a renewal still undecided when the licence expired is deemed granted
  (第五十条第二款);
- `send_expiry_reminders`: holders are reminded 90, 60 and 30 days before a licence expires,
  once per licence, expiry date and period;
- `warning_scan` / `cases_by_warning`: yellow and red cards against the promised limit and
  the alarm against the statutory one, counted in SQL with thresholds turned into dates.
"""

import datetime
import logging
from collections.abc import Iterator

from django.db import models
from django.db.models import Count, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from oneseal.calendars import queries as calendar_queries
from oneseal.calendars.rules import WorkCalendar
from oneseal.errors import ValidationFailed

from . import clocks, rules
from .actions import deem_accepted, dues, licences, notice_overdue_verification
from .actions._base import calendar
from .actions.commitment import unnoticed_overdue_cases
from .models import Case, Licence, State

logger = logging.getLogger(__name__)

BATCH = 500


def _ids(queryset: QuerySet) -> Iterator[int]:
    """The primary keys of `queryset` in ascending batches (keyset pagination): memory stays
    flat however many cases match, and rows that stop matching simply drop out."""
    last = 0
    while True:
        batch = list(
            queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not batch:
            return
        yield from batch
        last = batch[-1]


# --- deemed acceptance --------------------------------------------------------------------


def run_deemed_acceptance(today: datetime.date) -> int:
    """Deem accepted every received case whose 5 working days ended before `today`; returns
    how many this run deemed accepted. `deem_accepted` locks and re-checks each case."""
    candidates = Case.objects.filter(state=State.RECEIVED, acceptance_due__lt=today)
    done = 0
    for case_id in _ids(candidates):
        try:
            if deem_accepted(Case(pk=case_id), today=today) is not None:
                done += 1
        except Exception:
            # One broken case must not keep every later case from its acceptance.
            logger.exception("deemed acceptance failed for case %s", case_id)
    return done


# --- commitment verifications (告知承诺) -------------------------------------------------------


def overdue_verifications(today: datetime.date) -> int:
    """Note once on each case that its commitment check is still open after its due date;
    returns how many this run noted. The note is remembered on the verification
    (`overdue_noticed_on`), so running again notes nothing more."""
    done = 0
    for case_id in _ids(unnoticed_overdue_cases(today)):
        try:
            if notice_overdue_verification(Case(pk=case_id), today=today) is not None:
                done += 1
        except Exception:
            # One broken case must not keep every later case from its notice.
            logger.exception(
                "noting the overdue commitment verification of case %s failed", case_id
            )
    return done


# --- licences: deemed renewal and reminders before expiry (第五十条) ---------------------------


def run_deemed_renewals(today: datetime.date) -> int:
    """Deem granted every renewal still undecided after its licence's last day of validity;
    returns how many this run deemed. `licences.deem_renewed` locks and re-checks each case."""
    done = 0
    for case_id in _ids(licences.deemed_renewal_candidates(today)):
        try:
            if licences.deem_renewed(Case(pk=case_id), today=today) is not None:
                done += 1
        except Exception:
            logger.exception("deemed renewal failed for case %s", case_id)
    return done


def send_expiry_reminders(today: datetime.date) -> int:
    """Remind the holder of every licence in force that expires within 90, 60 or 30 days and
    has no renewal under way; once per licence, expiry date and period. Returns how many
    reminders this run recorded."""
    done = 0
    for licence_id in _ids(licences.reminder_candidates(today)):
        licence = Licence.objects.select_related("holder__user", "case").get(pk=licence_id)
        try:
            if licences.remind(licence, today=today) is not None:
                done += 1
        except Exception:
            logger.exception("the expiry reminder of licence %s failed", licence_id)
    return done


# --- due dates after a calendar change ----------------------------------------------------


def _recompute_batch(case_ids: list[int], cal: WorkCalendar, today: datetime.date) -> int:
    cases = Case.objects.filter(pk__in=case_ids).select_related("handling_item")
    history = dues.clock_history(case_ids)
    changed = 0
    for case in cases:
        if not dues.needs_recompute(case, cal, history[case.pk]):
            continue
        try:
            if dues.recompute_due_dates(case, system=True, today=today) is not None:
                changed += 1
        except Exception:
            logger.exception("recomputing the due dates of case %s failed", case.pk)
    return changed


def recompute_open_due_dates(today: datetime.date | None = None) -> int:
    """After the calendar changed (a year's schedule entered or corrected), recompute every
    running case whose due dates were provisional; returns how many changed. The comparison
    runs without locks on batches of cases; only a case whose dates move is locked and
    written, so a pass after which nothing changed costs a few reads."""
    today = today or calendar_queries.today()
    cal = calendar()
    candidates = Case.objects.filter(
        Q(state=State.RECEIVED, acceptance_due_provisional=True)
        | Q(state=State.ACCEPTED)
        & (Q(promised_due_provisional=True) | Q(statutory_due_provisional=True))
        # No flag says whether an expected end or a delivery date was provisional; these are
        # few (a suspension, a licence awaiting delivery) and compared without locks.
        | Q(state=State.SUSPENDED)
        | Q(state=State.GRANTED, delivery_due__isnull=False)
    )
    changed = 0
    batch: list[int] = []
    for case_id in _ids(candidates):
        batch.append(case_id)
        if len(batch) == BATCH:
            changed += _recompute_batch(batch, cal, today)
            batch = []
    if batch:
        changed += _recompute_batch(batch, cal, today)
    return changed


# --- warnings -----------------------------------------------------------------------------


class Level:
    YELLOW = rules.Warning.YELLOW
    RED = rules.Warning.RED
    STATUTORY = rules.Warning.STATUTORY
    ALL = (YELLOW, RED, STATUTORY)


def warning_dates(
    today: datetime.date, cal: WorkCalendar | None = None
) -> dict[str, datetime.date]:
    """The warning thresholds as dates, so the database compares dates and never counts days:
    at most n working days remain after `today` up to a due date exactly when the due date
    lies before the (n+1)-th working day after `today`. A limit ends with its last day, so a
    promise is broken (red) from the day after its due date."""
    cal = cal or calendar()
    return {
        "today": today,
        "yellow_before": cal.add(today, clocks.yellow_at() + 1).date,
        "statutory_before": cal.add(today, clocks.statutory_alarm_at() + 1).date,
    }


def _running(prefix: str | None) -> QuerySet:
    """Cases whose decision clock runs: accepted and not suspended (a suspended case's clock
    stands still, 第四十五条; received cases have the acceptance clock, which deemed acceptance
    closes; a decided case has met its limit)."""
    cases = Case.objects.all() if prefix == "" else Case.objects.visible_to_prefix(prefix)
    return cases.filter(state=State.ACCEPTED)


def _level_filters(dates: dict) -> dict[str, Q]:
    """One level per case, the most serious first: the statutory alarm, then red, then
    yellow, as `rules.warning_level` — except that a promise due on a Friday is red on the
    Saturday, where counting working days alone would still call it yellow."""
    statutory = Q(statutory_due__lt=dates["statutory_before"])
    red = Q(promised_due__lt=dates["today"]) & ~statutory
    yellow = (
        Q(promised_due__gte=dates["today"], promised_due__lt=dates["yellow_before"]) & ~statutory
    )
    return {Level.STATUTORY: statutory, Level.RED: red, Level.YELLOW: yellow}


def warning_count_queries(today: datetime.date, *, prefix: str | None = "") -> list[QuerySet]:
    """The warning scan as two COUNT … GROUP BY queries over disjoint date ranges, each one
    index range: cases whose promise is near or broken (any level), and the rest whose
    statutory limit is near (the alarm alone). Rows: {"level", "n"}."""
    dates = warning_dates(today)
    filters = _level_filters(dates)
    level = models.Case(
        *(When(q, then=Value(name)) for name, q in filters.items()),
        default=Value(""),
        output_field=models.CharField(),
    )
    near_promise = Q(promised_due__lt=dates["yellow_before"])
    return [
        _running(prefix)
        .filter(near_promise)
        .annotate(level=level)
        .order_by()
        .values("level")
        .annotate(n=Count("id")),
        _running(prefix)
        .filter(filters[Level.STATUTORY])
        .exclude(near_promise)
        .annotate(level=Value(Level.STATUTORY))
        .order_by()
        .values("level")
        .annotate(n=Count("id")),
    ]


def warning_scan(today: datetime.date, *, prefix: str | None = "") -> dict[str, int]:
    """Open cases per warning level in the regions under `prefix` ("" for all)."""
    counts = dict.fromkeys(Level.ALL, 0)
    for query in warning_count_queries(today, prefix=prefix):
        for row in query:
            if row["level"]:
                counts[row["level"]] += row["n"]
    return counts


def cases_by_warning(today: datetime.date, level: str, prefix: str | None) -> QuerySet:
    """The cases of one warning level under `prefix`, most urgent first, for the e-supervision
    and workbench lists. `prefix` comes from organisation.rules.scope_prefix (None: nothing)."""
    if level not in Level.ALL:
        msg = _("预警级别须为 yellow、red 或 statutory")
        raise ValidationFailed(msg, fields={"level": [msg]})
    dates = warning_dates(today)
    order = ["statutory_due", "id"] if level == Level.STATUTORY else ["promised_due", "id"]
    return (
        _running(prefix)
        .filter(_level_filters(dates)[level])
        .annotate(warning=Value(level))
        .select_related("applicant", "handling_item")
        .order_by(*order)
    )
