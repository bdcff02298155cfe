"""The roll-up job: keeps the statistics rows and the rule hits current, set-based in SQL.

`rollup(today)` is what `oneseal worker` runs on every pass and `oneseal esupervision rollup`
runs by hand. It is idempotent and cheap when nothing happened:
1. the `Workday` table follows the calendar in force (rebuilt only when the calendar changed,
   and then the working days of every decided case are counted again);
2. the cases touched by case events since the last run get their `CaseMilestone` rows again:
   deleted and inserted by one INSERT … SELECT per milestone kind over a batch of case ids;
3. the rules for irregular actions run as SQL over those new events (and the conflict rule
   over every open declaration, which is a handful of indexed lookups), adding `RuleHit`s.

Events are read by id after the last position, and the ids missing below it are remembered
for a while (`GAP_SECONDS`): a transaction that took an id earlier but committed after the
last run is still read (ids are given at insert, not at commit); a rolled-back id is simply
forgotten later. Everything it writes is keyed (case and kind, rule and event), so reading an
event twice changes nothing.

On PostgreSQL the job and the statistics run with JIT compilation off (`no_jit`): their plans
are many small index lookups whose estimated cost crosses the JIT threshold, and compiling
them takes seconds for queries that run in milliseconds.
"""

import contextlib
import datetime
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractHour, ExtractMinute, TruncDate
from django.utils import timezone

from oneseal.applicants.models import Applicant
from oneseal.calendars.queries import current_calendar
from oneseal.calendars.rules import FIRST_YEAR, LAST_YEAR, WorkCalendar
from oneseal.calendars.rules import fingerprint as calendar_fingerprint
from oneseal.cases.models import Case, CaseEvent, CaseMaterial, State
from oneseal.ratings.models import Rating

from . import rules
from .models import (
    STAT_KEY,
    CaseMilestone,
    ConflictDeclaration,
    DailyStat,
    Milestone,
    MonthlyStat,
    PeriodStat,
    RollupState,
    Rule,
    RuleHit,
    Workday,
)

logger = logging.getLogger(__name__)

BATCH = 500
# How long an id missing below the last position is looked for again, and how many at most.
GAP_SECONDS = 600
MAX_GAPS = 10_000
EVENTS_KEY = "events"
GAPS_KEY = "event_gaps"
RATINGS_KEY = "ratings"
CALENDAR_KEY = "calendar"
# What the milestone rows hold; a roll-up finding rows of another version rebuilds them all
# (version 2: review steps, site inspections, sections of the handler, first-row flags).
MILESTONES_KEY = "milestones_version"
MILESTONES_VERSION = "2"

DECISIONS = ("grant", "deny")
ACCEPTANCES = ("accept", "deem_accepted")


@dataclass
class RollupResult:
    calendar_rebuilt: bool = False
    cases: int = 0
    hits: dict = field(default_factory=dict)
    last_event: int = 0

    def summary(self) -> str:
        hits = ", ".join(f"{k} {v}" for k, v in self.hits.items() if v) or "no new rule hits"
        cal = "calendar table rebuilt, " if self.calendar_rebuilt else ""
        return f"{cal}{self.cases} case(s) rolled up, {hits} (events up to {self.last_event})"


# --- state --------------------------------------------------------------------------------


def _get(key: str) -> str:
    row = RollupState.objects.filter(key=key).first()
    return row.value if row else ""


def _set(key: str, value: str) -> None:
    RollupState.objects.update_or_create(key=key, defaults={"value": value})


def last_rollup_at() -> datetime.datetime | None:
    row = RollupState.objects.filter(key=EVENTS_KEY).first()
    return row.updated_at if row else None


@contextlib.contextmanager
def no_jit() -> Iterator[None]:
    """A transaction with PostgreSQL's JIT compilation off (see the module docstring)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def _gap_times() -> dict[int, float]:
    """The ids missing below the last position, with when each was first missed."""
    try:
        return {int(i): float(seen) for i, seen in json.loads(_get(GAPS_KEY) or "{}").items()}
    except (ValueError, AttributeError):
        return {}


def _load_gaps(now: float) -> set[int]:
    return {i for i, seen in _gap_times().items() if now - seen < GAP_SECONDS}


def _save_gaps(gaps: dict[int, float]) -> None:
    newest = sorted(gaps)[-MAX_GAPS:]
    _set(GAPS_KEY, json.dumps({str(i): gaps[i] for i in newest}))


# --- the calendar as a table --------------------------------------------------------------


def workday_rows(cal: WorkCalendar) -> list[tuple[datetime.date, bool, int]]:
    rows, n = [], 0
    day, last = datetime.date(FIRST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31)
    one = datetime.timedelta(days=1)
    while day <= last:
        is_workday = cal.is_workday(day)
        n += is_workday
        rows.append((day, is_workday, n))
        day += one
    return rows


def refresh_workdays(cal: WorkCalendar | None = None) -> bool:
    """Rebuild `Workday` when the calendar in force differs from the one it was built from;
    True when it did. Plain tuples, not model instances: 13,500 rows of three columns."""
    cal = cal or current_calendar()
    fingerprint = calendar_fingerprint(cal)
    if _get(CALENDAR_KEY) == fingerprint and Workday.objects.exists():
        return False
    table = connection.ops.quote_name(Workday._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        Workday.objects.all().delete()
        cursor.executemany(
            f"INSERT INTO {table} (day, is_workday, ordinal) VALUES (%s, %s, %s)",  # noqa: S608
            workday_rows(cal),
        )
        _set(CALENDAR_KEY, fingerprint)
    return True


# --- milestones ---------------------------------------------------------------------------


def _tables() -> dict:
    from oneseal.cases.models import CaseStep, SiteInspection, Suspension
    from oneseal.catalogue.models import HandlingItem, ItemVersion, ReviewStep
    from oneseal.organisation.models import Staff

    inspectors = SiteInspection.inspectors.through
    return {
        "case": Case._meta.db_table,
        "event": CaseEvent._meta.db_table,
        "hi": HandlingItem._meta.db_table,
        "iv": ItemVersion._meta.db_table,
        "step": ReviewStep._meta.db_table,
        "staff": Staff._meta.db_table,
        "susp": Suspension._meta.db_table,
        "wd": Workday._meta.db_table,
        "ms": CaseMilestone._meta.db_table,
        "cs": CaseStep._meta.db_table,
        "si": SiteInspection._meta.db_table,
        "insp": inspectors._meta.db_table,
        "insp_si": inspectors._meta.get_field("siteinspection").column,
        "insp_user": inspectors._meta.get_field("user").column,
    }


def _handler_by_event(actions: tuple[str, ...]) -> str:
    """The staff member behind the latest event of `actions` on the case (SQL)."""
    names = ", ".join(f"'{a}'" for a in actions)  # constants of this module, never user input
    return (
        "(SELECT st.id FROM {event} e JOIN {staff} st ON st.user_id = e.actor_id "  # noqa: S608
        f"WHERE e.case_id = c.id AND e.action IN ({names}) ORDER BY e.seq DESC LIMIT 1)"
    )


def _ordinal(column: str) -> str:
    return f"(SELECT w.ordinal FROM {{wd}} w WHERE w.day = {column})"  # noqa: S608


def _suspended_days(case: str, after: str, until: str) -> str:
    """The working days of the case's finished suspensions lying after `after` up to `until`
    (第四十五条: special procedures do not count towards a time limit)."""
    return (
        "COALESCE((SELECT SUM(r.ordinal - s0.ordinal) FROM {susp} s "  # noqa: S608
        "JOIN {wd} s0 ON s0.day = s.suspended_on JOIN {wd} r ON r.day = s.resumed_on "
        f"WHERE s.case_id = {case} AND s.suspended_on >= {after} AND s.resumed_on <= {until}), 0)"
    )


# SQL below is built only from this module's constants and model table names; values are
# always passed as parameters.
# Each milestone kind: (condition on the case, date, handler, online, visits, on_time, working days).
# The working days of a decision are those after acceptance up to the decision, less the
# working days of each finished suspension (第四十五条: special procedures do not count).
# Keyed by the Milestone value (a plain str once read back from the table).
MILESTONE_SQL: dict[str, tuple[str, str, str, str, str, str, str]] = {
    Milestone.RECEIVED: (
        "1 = 1",
        "c.received_on",
        "(SELECT st.id FROM {staff} st WHERE st.user_id = c.created_by_id)",
        "c.channel = 'online'",
        "CASE WHEN c.channel = 'window' AND hi.visits_required = 0 THEN 1 ELSE hi.visits_required END",
        "NULL",
        "NULL",
    ),
    Milestone.ACCEPTED: (
        "c.accepted_on IS NOT NULL",
        "c.accepted_on",
        _handler_by_event(ACCEPTANCES),
        "NULL",
        "NULL",
        "NULL",
        "NULL",
    ),
    Milestone.DECIDED: (
        "c.decided_on IS NOT NULL AND c.accepted_on IS NOT NULL",
        "c.decided_on",
        _handler_by_event(DECISIONS),
        "NULL",
        "NULL",
        "CASE WHEN c.promised_due IS NULL THEN NULL WHEN c.decided_on <= c.promised_due THEN 1 = 1 ELSE 1 = 0 END",
        f"{_ordinal('c.decided_on')} - {_ordinal('c.accepted_on')} - "
        + _suspended_days("c.id", "c.accepted_on", "c.decided_on"),
    ),
}

COLUMNS = (
    "case_id",
    "kind",
    "source_id",
    "happened_on",
    "region_code",
    "department_id",
    "section_id",
    "item_id",
    "handler_id",
    "online",
    "visits",
    "on_time",
    "working_days",
    "rating",
    "section_first",
    "handler_first",
)
STEP_ROLES = (
    "clerk",
    "reviewer",
    "signatory",
)  # ReviewStep.Role: the kinds step_<role> of Milestone


def milestone_insert_sql(kind: str, where: str) -> str:
    """The case's own milestone `kind`; its section is filled in afterwards (`SECTION_SQL`)."""
    condition, on, handler, online, visits, on_time, days = MILESTONE_SQL[kind]
    sql = (
        f"INSERT INTO {{ms}} ({', '.join(COLUMNS)}) "  # noqa: S608
        f"SELECT c.id, '{kind}', 0, {on}, c.region_code, iv.original_department_id, NULL, iv.item_id, "
        f"{handler}, {online}, {visits}, {on_time}, {days}, NULL, 1 = 0, 1 = 0 "
        "FROM {case} c JOIN {hi} hi ON hi.id = c.handling_item_id JOIN {iv} iv ON iv.id = hi.item_version_id "
        f"WHERE {condition} AND {where}"
    )
    return sql.format(**_tables())


def step_insert_sql(where: str) -> str:
    """One row per completed review step: done by whom, in the step's section. A step with a
    time limit (`ReviewStep.limit_days`) is on time when the working days after the previous
    step was done (the first: after acceptance) up to its own completion, less suspended
    days, are within the limit."""
    roles = ", ".join(f"'{r}'" for r in STEP_ROLES)
    days = f"{_ordinal('cs.done_on')} - {_ordinal('cs.started_on')} - " + _suspended_days(
        "cs.case_id", "cs.started_on", "cs.done_on"
    )
    sql = (
        f"INSERT INTO {{ms}} ({', '.join(COLUMNS)}) "  # noqa: S608
        "SELECT c.id, 'step_' || cs.role, cs.id, cs.done_on, c.region_code, iv.original_department_id, "
        "cs.section_id, iv.item_id, (SELECT st.id FROM {staff} st WHERE st.user_id = cs.done_by_id), NULL, NULL, "
        f"CASE WHEN rs.limit_days IS NULL OR cs.started_on IS NULL THEN NULL WHEN {days} <= rs.limit_days "
        "THEN 1 = 1 ELSE 1 = 0 END, NULL, NULL, 1 = 0, 1 = 0 "
        "FROM (SELECT x.*, COALESCE((SELECT MAX(p.done_on) FROM {cs} p WHERE p.case_id = x.case_id "
        'AND p."order" < x."order" AND p.done_on IS NOT NULL), '
        "(SELECT c0.accepted_on FROM {case} c0 WHERE c0.id = x.case_id)) AS started_on "
        f"FROM {{cs}} x WHERE x.state = 'done' AND x.done_on IS NOT NULL AND x.role IN ({roles}) "
        f"AND {where.format(case='x.case_id')}) cs "
        "JOIN {case} c ON c.id = cs.case_id JOIN {step} rs ON rs.id = cs.review_step_id "
        "JOIN {hi} hi ON hi.id = c.handling_item_id JOIN {iv} iv ON iv.id = hi.item_version_id"
    )
    return sql.format(**_tables())


def inspection_insert_sql(where: str) -> str:
    """One row per inspector of a site inspection (第三十四条), on the day of the inspection."""
    sql = (
        f"INSERT INTO {{ms}} ({', '.join(COLUMNS)}) "  # noqa: S608
        f"SELECT c.id, '{Milestone.INSPECTED}', x.id, si.\"on\", c.region_code, iv.original_department_id, "
        "NULL, iv.item_id, (SELECT st.id FROM {staff} st WHERE st.user_id = x.{insp_user}), "
        "NULL, NULL, NULL, NULL, NULL, 1 = 0, 1 = 0 "
        "FROM {insp} x JOIN {si} si ON si.id = x.{insp_si} JOIN {case} c ON c.id = si.case_id "
        "JOIN {hi} hi ON hi.id = c.handling_item_id JOIN {iv} iv ON iv.id = hi.item_version_id "
        f"WHERE {where.format(case='si.case_id')}"
    )
    return sql.format(**_tables())


def section_fill_sql(where: str) -> str:
    """A row without a section (a case milestone, or a step the catalogue gives to no
    section) counts for the section of the staff member who handled it."""
    t = _tables()
    return (
        f"UPDATE {t['ms']} SET section_id = (SELECT st.section_id FROM {t['staff']} st "  # noqa: S608
        f"WHERE st.id = {t['ms']}.handler_id) "
        f"WHERE section_id IS NULL AND handler_id IS NOT NULL AND {where.format(case=t['ms'] + '.case_id')}"
    )


def first_flags_sql(where: str) -> str:
    """Mark each case's first row per section and per handler (earliest date, then row).
    Rows without one form their own group (未分科室, the system or the applicant online); a
    rating is the applicant's, not work on the case, and is never a first row."""
    ms = _tables()["ms"]
    rated = Milestone.RATED.value

    def first(column: str) -> str:
        return (
            f"{ms}.kind <> '{rated}' AND NOT EXISTS (SELECT 1 FROM {ms} m2 "  # noqa: S608
            f"WHERE m2.case_id = {ms}.case_id AND m2.kind <> '{rated}' "
            f"AND COALESCE(m2.{column}, 0) = COALESCE({ms}.{column}, 0) "
            f"AND (m2.happened_on < {ms}.happened_on OR (m2.happened_on = {ms}.happened_on AND m2.id < {ms}.id)))"
        )

    return (
        f"UPDATE {ms} SET section_first = ({first('section_id')}), "  # noqa: S608
        f"handler_first = ({first('handler_id')}) WHERE {where.format(case=ms + '.case_id')}"
    )


def insert_milestones(cursor: CursorWrapper, where: str, params: list) -> None:
    """Every milestone row of the cases matching `where` (a template on `{case}`, the
    case id column), with sections and first-row flags."""
    for kind in MILESTONE_SQL:
        cursor.execute(milestone_insert_sql(kind, where.format(case="c.id")), params)
    cursor.execute(step_insert_sql(where), params)
    cursor.execute(inspection_insert_sql(where), params)


def _insert_ratings(case_ids: list[int] | None) -> None:
    ratings = (
        Rating.objects.all() if case_ids is None else Rating.objects.filter(case_id__in=case_ids)
    )
    latest = ratings.filter(case_id=OuterRef("case_id")).order_by("-rated_on", "-pk")
    rows = ratings.filter(pk=Subquery(latest.values("pk")[:1])).values_list(
        "case_id",
        "rated_on",
        "case__region_code",
        "case__handling_item__item_version__original_department_id",
        "case__handling_item__item_version__item_id",
        "score",
    )
    CaseMilestone.objects.bulk_create(
        [
            CaseMilestone(
                case_id=c,
                kind=Milestone.RATED,
                happened_on=on,
                region_code=region,
                department_id=dept,
                item_id=item,
                rating=score,
            )
            for c, on, region, dept, item, score in rows.iterator()
        ],
        batch_size=2000,
    )


STAT_SUMS = (
    "n",
    "online",
    "visits",
    "on_time",
    "rating_sum",
    "late",
    "section_cases",
    "handler_cases",
)
# The summed tables and the column each sums by: a month's first day, or the day itself.
PERIOD_TABLES = ((MonthlyStat, "month"), (DailyStat, "day"))


def stat_delta_sql(model: type[PeriodStat], sign: int, where: str) -> str:
    """Add (sign 1) or subtract (sign -1) the milestones matching `where` to `model` (a
    `PeriodStat`): one INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE, on both databases."""
    if model is MonthlyStat:
        bucket, period = (
            (
                "CAST(date_trunc('month', m.happened_on) AS date)"
                if connection.vendor == "postgresql"
                else "date(m.happened_on, 'start of month')"
            ),
            "month",
        )
    else:
        bucket, period = "m.happened_on", "day"
    key = (period, *STAT_KEY)
    table = model._meta.db_table
    sums = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in STAT_SUMS)
    return (
        f"INSERT INTO {table} ({', '.join(key + STAT_SUMS)}) "  # noqa: S608
        f"SELECT {bucket}, m.region_code, m.kind, COALESCE(m.department_id, 0), COALESCE(m.section_id, 0), "
        "COALESCE(m.item_id, 0), COALESCE(m.handler_id, 0), COALESCE(m.working_days, -1), "
        f"{sign} * COUNT(*), {sign} * SUM(CASE WHEN m.online THEN 1 ELSE 0 END), "
        f"{sign} * COALESCE(SUM(m.visits), 0), {sign} * SUM(CASE WHEN m.on_time THEN 1 ELSE 0 END), "
        f"{sign} * COALESCE(SUM(m.rating), 0), {sign} * SUM(CASE WHEN NOT m.on_time THEN 1 ELSE 0 END), "
        f"{sign} * SUM(CASE WHEN m.section_first THEN 1 ELSE 0 END), "
        f"{sign} * SUM(CASE WHEN m.handler_first THEN 1 ELSE 0 END) "
        f"FROM {CaseMilestone._meta.db_table} m WHERE {where} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sums}"
    )


def roll_up_cases(case_ids: list[int] | None) -> None:
    """Rewrite the milestones of `case_ids` (None: every case) from the cases as they are,
    and move the monthly and daily sums with them."""
    with transaction.atomic(), connection.cursor() as cursor:
        if case_ids is None:
            CaseMilestone.objects.all().delete()
            for model, _period in PERIOD_TABLES:
                model.objects.all().delete()
            where, params, mine = "1 = 1", [], "1 = 1"
        else:
            marks = ", ".join(["%s"] * len(case_ids))
            where, params, mine = (
                f"{{case}} IN ({marks})",
                list(case_ids),
                f"m.case_id IN ({marks})",
            )
            for model, _period in PERIOD_TABLES:
                cursor.execute(stat_delta_sql(model, -1, mine), params)
            CaseMilestone.objects.filter(case_id__in=case_ids).delete()
        insert_milestones(cursor, where, params)
        _insert_ratings(case_ids)
        cursor.execute(section_fill_sql(where), params)
        cursor.execute(first_flags_sql(where), params)
        for model, _period in PERIOD_TABLES:
            cursor.execute(stat_delta_sql(model, 1, mine), params)
            model.objects.filter(n=0).delete()
        if case_ids is None:
            _set(MILESTONES_KEY, MILESTONES_VERSION)


def recount_working_days() -> None:
    """After the calendar changed: every decided case's and every timed step's working days
    again, which is every milestone rebuilt in one pass."""
    roll_up_cases(None)


# --- rules for irregular actions ----------------------------------------------------------

ACTION_WORDS = {"grant": "准予许可决定", "deny": "不予许可决定"}


def _events(start: int, top: int) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(pk__gt=start, pk__lte=top)


def _hit(rule: str, event: dict, data: dict) -> RuleHit:
    return RuleHit(
        rule=rule,
        case_id=event["case_id"],
        event_id=event["id"],
        region_code=event["case__region_code"],
        on=event["on"],
        at=event["at"],
        actor_name=event["actor_name"],
        data=data,
    )


EVENT_FIELDS = ("id", "case_id", "case__region_code", "on", "at", "actor_name", "action")


def repeated_suspensions(events: QuerySet[CaseEvent]) -> list[RuleHit]:
    """A case suspended more than twice: its third and every later suspension."""
    nth = (
        CaseEvent.objects.filter(
            case_id=OuterRef("case_id"), action="suspend", seq__lte=OuterRef("seq")
        )
        .order_by()
        .values("case_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = (
        events.filter(action="suspend")
        .annotate(nth=Subquery(nth, output_field=IntegerField()))
        .filter(nth__gt=2)
        .values(*EVENT_FIELDS, "nth")
    )
    return [_hit(Rule.REPEATED_SUSPENSION, row, {"nth": row["nth"]}) for row in rows]


def off_hours_decisions(events: QuerySet[CaseEvent]) -> list[RuleHit]:
    """A grant or denial bearing a non-working day, or recorded on its own day outside office
    hours or on a non-working day. A decision recorded later than the date it bears (a paper
    decision entered afterwards) is judged by that date alone."""
    hours = rules.office_hours()
    tz = timezone.get_current_timezone()
    off_day = Workday.objects.filter(is_workday=False)
    rows = (
        events.filter(action__in=DECISIONS)
        .annotate(
            local_day=TruncDate("at", tzinfo=tz),
            hour=ExtractHour("at", tzinfo=tz),
            minute=ExtractMinute("at", tzinfo=tz),
        )
        .annotate(
            minute_of_day=F("hour") * 60 + F("minute"),
            dated_off=Exists(off_day.filter(day=OuterRef("on"))),
        )
        .filter(
            Q(dated_off=True)
            | (
                Q(local_day=F("on"))
                & (Q(minute_of_day__lt=hours.start_minute) | Q(minute_of_day__gte=hours.end_minute))
            )
        )
        .values(*EVENT_FIELDS, "dated_off")
    )
    out = []
    for row in rows:
        local = timezone.localtime(row["at"], tz)
        when = row["on"].isoformat() if row["dated_off"] else local.strftime("%Y-%m-%d %H:%M")
        out.append(
            _hit(
                Rule.OFF_HOURS_DECISION,
                row,
                {
                    "when": when,
                    "non_workday": row["dated_off"],
                    "hours": hours.label(),
                    "action": row["action"],
                },
            )
        )
    return out


def reversed_refusals(events: QuerySet[CaseEvent]) -> list[RuleHit]:
    """An acceptance after a refusal: the same applicant's earlier refused case of the same
    handling item (by its code, across catalogue versions), or a refusal in the case's own
    history (which the transition table forbids, so only a changed record shows it)."""
    refused = (
        Case.objects.filter(
            applicant_id=OuterRef("case__applicant_id"),
            state=State.REFUSED,
            handling_item__code=OuterRef("case__handling_item__code"),
            closed_on__lte=OuterRef("on"),
        )
        .exclude(pk=OuterRef("case_id"))
        .order_by("-closed_on", "-id")
    )
    own = CaseEvent.objects.filter(
        case_id=OuterRef("case_id"), action="refuse", seq__lt=OuterRef("seq")
    )
    rows = (
        events.filter(action__in=ACCEPTANCES)
        .annotate(
            refused_case=Subquery(refused.values("number")[:1]),
            refused_on=Subquery(refused.values("closed_on")[:1]),
            own_refusal=Exists(own),
        )
        .filter(Q(refused_case__isnull=False) | Q(own_refusal=True))
        .values(*EVENT_FIELDS, "refused_case", "refused_on")
    )
    return [
        _hit(
            Rule.REFUSAL_REVERSED,
            row,
            {
                "refused_case": row["refused_case"] or "",
                "refused_on": row["refused_on"].isoformat() if row["refused_on"] else "",
            },
        )
        for row in rows
    ]


def missing_core_acceptances(events: QuerySet[CaseEvent]) -> list[RuleHit]:
    """An acceptance while a required core material is not provided: core materials cannot be
    tolerated (容缺受理 is for non-core ones only), and a deemed acceptance with one missing means
    the window let the 5 working days pass instead of asking for it (第三十二条)."""
    missing = CaseMaterial.objects.filter(
        case_id=OuterRef("case_id"), material__is_core=True, material__is_required=True
    ).exclude(status__in=[CaseMaterial.Status.PROVIDED, CaseMaterial.Status.NOT_NEEDED])
    count = missing.order_by().values("case_id").annotate(n=Count("id")).values("n")
    rows = (
        events.filter(action__in=ACCEPTANCES)
        .annotate(
            material=Subquery(
                missing.order_by("material__order", "id").values("material__name")[:1]
            ),
            count=Subquery(count, output_field=IntegerField()),
        )
        .filter(material__isnull=False)
        .values(*EVENT_FIELDS, "material", "count")
    )
    return [
        _hit(Rule.CORE_MATERIAL_MISSING, row, {"material": row["material"], "count": row["count"]})
        for row in rows
    ]


def repeated_corrections(events: QuerySet[CaseEvent]) -> list[RuleHit]:
    """A correction notice after the first on the same case: the law wants every correction
    told at once (第三十二条第一款第（四）项). `request_correction` allows it only for materials
    the reply newly brought, and marks it (`repeat`, `nth`); it is still shown."""
    rows = events.filter(action="request_correction", data__repeat=True).values(
        *EVENT_FIELDS, "data"
    )
    return [
        _hit(
            Rule.REPEATED_CORRECTION,
            row,
            {
                "nth": row["data"].get("nth"),
                "materials": [item["material"] for item in row["data"].get("items", [])],
            },
        )
        for row in rows
    ]


def conflicts_of_interest() -> list[RuleHit]:
    """Every action a staff member took on a case of an applicant they declared as a relative
    (回避申报). Declarations are few; each is a lookup by number, then the applicant's cases and
    their events by the declarer, all through indexes."""
    out = []
    declarations = ConflictDeclaration.objects.filter(withdrawn_on__isnull=True).select_related(
        "staff"
    )
    for declaration in declarations:
        applicants = Applicant.objects.filter(
            Q(kind=Applicant.Kind.PERSON, id_number=declaration.number)
            | Q(kind=Applicant.Kind.ORGANISATION, credit_code=declaration.number)
        ).values("pk")
        rows = CaseEvent.objects.filter(
            case__applicant_id__in=applicants, actor_id=declaration.staff.user_id
        ).values(*EVENT_FIELDS)
        for row in rows:
            out.append(
                _hit(
                    Rule.CONFLICT_OF_INTEREST,
                    row,
                    {
                        "staff": declaration.staff.display_name,
                        "relative": declaration.relative_name,
                        "relation": declaration.relation,
                        "action": row["action"],
                        "declaration": declaration.pk,
                    },
                )
            )
    return out


def find_hits(events: QuerySet[CaseEvent]) -> list[RuleHit]:
    return (
        repeated_suspensions(events)
        + off_hours_decisions(events)
        + reversed_refusals(events)
        + missing_core_acceptances(events)
        + repeated_corrections(events)
        + conflicts_of_interest()
    )


# --- the job ------------------------------------------------------------------------------


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), BATCH):
        yield ids[i : i + BATCH]


def _touched_by_ratings() -> set[int]:
    last = int(_get(RATINGS_KEY) or 0)
    top = Rating.objects.aggregate(top=Max("pk"))["top"] or 0
    # Ratings are few and written once: re-reading a short stretch covers a late commit.
    touched = set(
        Rating.objects.filter(pk__gt=max(0, last - 100), pk__lte=top).values_list(
            "case_id", flat=True
        )
    )
    _set(RATINGS_KEY, str(top))
    return touched


def _hit_counts() -> dict[str, int]:
    return dict(
        RuleHit.objects.order_by().values("rule").annotate(n=Count("id")).values_list("rule", "n")
    )


def rollup(today: datetime.date | None = None, *, rebuild: bool = False) -> RollupResult:
    """One pass (see the module docstring). `rebuild` recomputes everything from the cases."""
    result = RollupResult()
    result.calendar_rebuilt = refresh_workdays()
    now = time.time()
    with no_jit():
        top = CaseEvent.objects.aggregate(top=Max("pk"))["top"] or 0
        stored = _get(EVENTS_KEY)
        if rebuild or stored == "":
            roll_up_cases(None)
            _touched_by_ratings()
            result.cases = Case.objects.count()
            events = _events(0, top)
            gaps: dict[int, float] = {}
        else:
            if result.calendar_rebuilt or _get(MILESTONES_KEY) != MILESTONES_VERSION:
                recount_working_days()
            elif CaseMilestone.objects.exists():
                # Milestones from before the monthly (or daily) sums existed: sum them once.
                for model, _period in PERIOD_TABLES:
                    if not model.objects.exists():
                        with transaction.atomic(), connection.cursor() as cursor:
                            cursor.execute(stat_delta_sql(model, 1, "1 = 1"))
            last = int(stored)
            looked_for = _load_gaps(now)
            events = CaseEvent.objects.filter(Q(pk__gt=last, pk__lte=top) | Q(pk__in=looked_for))
            found = dict(events.values_list("pk", "case_id"))
            touched = set(found.values()) | _touched_by_ratings()
            for batch in _batches(sorted(touched)):
                roll_up_cases(batch)
            result.cases = len(touched)
            missing = set(range(max(last, top - MAX_GAPS) + 1, top + 1)) | looked_for
            first_seen = _gap_times()
            gaps = {i: first_seen.get(i, now) for i in missing - set(found)}
        before = _hit_counts()
        RuleHit.objects.bulk_create(find_hits(events), batch_size=1000, ignore_conflicts=True)
        after = _hit_counts()
        result.hits = {rule: after.get(rule, 0) - before.get(rule, 0) for rule in Rule.values}
        _set(EVENTS_KEY, str(top))
        _save_gaps(gaps)
    result.last_event = top
    return result
