"""Reads that shape the workbench's screens: each user's queues of cases waiting for them,
and the staff a case's forms may name. Every case comes through `cases.queries.visible_cases`,
so a queue never shows a case outside the user's region.

Which queue a case sits in follows from its state and from the pending review step, which is
stored once the case is first worked on and, before that, is the handling item's first step
after the window's own (acceptance completes those; `cases.actions.review._planned_steps`)."""

import contextlib
import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Case as Switch
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oneseal.applicants.models import Applicant
from oneseal.calendars.queries import current_calendar
from oneseal.calendars.rules import WorkCalendar
from oneseal.cases import rules as case_rules
from oneseal.cases.actions.review import INSPECTING_ROLES
from oneseal.cases.clocks import Clocks, clocks_of
from oneseal.cases.models import (
    Case,
    CaseMaterial,
    CaseStep,
    CommitmentVerification,
    Extension,
    State,
)
from oneseal.cases.queries import REGION_WIDE_ROLES, Viewer, case_rows
from oneseal.catalogue.models import Catalogue, HandlingItem, ItemVersion, ReviewStep
from oneseal.interface import counts
from oneseal.interface.keyset import Key, order_of
from oneseal.interface.rows import shown_with
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix, staff_of
from oneseal.prepared import KeptCount

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


STEP_PENDING = CaseStep.StepState.PENDING


def with_current_step(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate the role, section and assignee of each case's pending step (NULL role: none).
    The queues say the same as semi-joins (`_pending_step`), which PostgreSQL reads far faster
    over a whole queue; this reads one case's, and is the reference the tests compare with."""
    stored = CaseStep.objects.filter(case=OuterRef("pk"))
    pending = stored.filter(state=STEP_PENDING).order_by("order", "id")
    planned = (
        ReviewStep.objects.filter(handling_item=OuterRef("handling_item"))
        .exclude(role=ReviewStep.Role.CLERK)
        .order_by("order", "id")
    )
    has_steps = Exists(stored)
    return cases.annotate(
        step_role=Switch(
            When(has_steps, then=Subquery(pending.values("role")[:1])),
            default=Subquery(planned.values("role")[:1]),
        ),
        step_section=Switch(
            When(has_steps, then=Subquery(pending.values("section")[:1])),
            default=Subquery(planned.values("section")[:1]),
        ),
        step_assignee=Subquery(pending.values("assignee")[:1]),
    )


def _pending_step(step: Q, planned: Q) -> Q:
    """The cases whose pending step meets `step` (a condition on a CaseStep), or which are not
    yet worked on and whose handling item's first step after the window's own meets `planned`
    (a condition on `first_role` and `first_section` of that item): the rule of
    `with_current_step` said as semi-joins rather than as its annotation. Each EXISTS here is
    correlated on the case alone, so PostgreSQL reads each once, hashed, over the pending
    steps' partial index (`casestep_pending`), where the annotation ran six subqueries per
    accepted case of the scope before sorting (a superuser's decision queue at 1,000,000
    cases: ≈1 s, docs/scaling.md). `test_decide_queue.py` checks both say the same."""
    pending = CaseStep.objects.filter(state=STEP_PENDING)
    earlier = pending.filter(case=OuterRef("case")).filter(
        Q(order__lt=OuterRef("order")) | Q(order=OuterRef("order"), id__lt=OuterRef("id"))
    )
    first_pending = pending.filter(case=OuterRef("pk")).exclude(Exists(earlier))
    first = (
        ReviewStep.objects.filter(handling_item=OuterRef("pk"))
        .exclude(role=ReviewStep.Role.CLERK)
        .order_by("order", "id")
    )
    items = HandlingItem.objects.annotate(
        first_role=Subquery(first.values("role")[:1]),
        first_section=Subquery(first.values("section")[:1]),
    )
    not_started = ~Exists(CaseStep.objects.filter(case=OuterRef("pk")))
    return Exists(first_pending.filter(step)) | (
        not_started & Q(handling_item__in=items.filter(planned).values("pk"))
    )


def _review_filter(user: Viewer) -> Q:
    """A reviewer's step: assigned to them, or unassigned in their section (or in none)."""
    reviewer = ReviewStep.Role.REVIEWER
    if user.is_superuser:
        return _pending_step(Q(role=reviewer), Q(first_role=reviewer))
    section = getattr(staff_of(user), "section_id", None)
    in_section = Q(section__isnull=True) | Q(section=section)
    return _pending_step(
        Q(role=reviewer) & (Q(assignee=user.pk) | (Q(assignee__isnull=True) & in_section)),
        # Not yet worked on: nobody is assigned.
        Q(first_role=reviewer) & (Q(first_section__isnull=True) | Q(first_section=section)),
    )


def _decision_filter(user: Viewer) -> Q:
    """Ready for the decision: the pending step is the signatory's (assigned to the user or
    to nobody), there is none left before it, or the item is decided on the spot (即办件)."""
    signatory = ReviewStep.Role.SIGNATORY
    stored = CaseStep.objects.filter(case=OuterRef("pk"))
    all_done = Exists(stored) & ~Exists(stored.filter(state=STEP_PENDING))
    return (
        _pending_step(
            Q(role=signatory) & (Q(assignee=user.pk) | Q(assignee__isnull=True)),
            Q(first_role=signatory) | Q(first_role__isnull=True),
        )
        | all_done
        # The instant items by their ids (a few rows, hashed), not by a join to the catalogue:
        # with the join PostgreSQL read the accepted cases in the table's order, from wherever
        # the last scan of it had stopped (synchronised scans); the accepted cases are the
        # newest, so about one page in twenty first read the nine tenths before them (at
        # 1,000,000 cases 390 ms of a 40 ms statement). On the cases alone the counts read the
        # accepted cases' own index (docs/performance.md).
        | Q(handling_item__in=HandlingItem.objects.filter(is_instant=True).values("pk"))
    )


@dataclass(frozen=True)
class Queue:
    key: str
    label: "StrOrPromise"
    roles: tuple[str, ...]
    # Which date the queue runs against, earliest first: the fewest working days left on top.
    due_field: str

    def cases(self, user: Viewer, base: QuerySet[Case]) -> QuerySet[Case]:
        return QUEUE_FILTERS[self.key](user, base)

    @property
    def keys(self) -> tuple[Key, ...]:
        """The queue's order, which its pages seek along (oneseal.interface.keyset): the lists
        of every case newest first, the others the nearest due date first (none last)."""
        if self.key in ("open", "all"):
            return (
                Key("received_at", descending=True, kind=datetime.datetime),
                Key("id", descending=True),
            )
        return (Key(self.due_field, nulls_last=True, kind=datetime.date), Key("id"))


def _tolerated_outstanding() -> Exists:
    return Exists(
        CaseMaterial.objects.filter(
            case=OuterRef("pk"), status=CaseMaterial.Status.TOLERATED, supplied_on__isnull=True
        )
    )


QUEUE_FILTERS = {
    "received": lambda user, qs: qs.filter(state=State.RECEIVED),
    "correction": lambda user, qs: qs.filter(state=State.AWAITING_CORRECTION),
    "deliver": lambda user, qs: qs.filter(state=State.GRANTED),
    "tolerated": lambda user, qs: qs.filter(
        _tolerated_outstanding(),
        state__in=(State.ACCEPTED, State.SUSPENDED, State.GRANTED, State.DELIVERED),
    ),
    "review": lambda user, qs: qs.filter(_review_filter(user), state=State.ACCEPTED),
    "suspended": lambda user, qs: qs.filter(state=State.SUSPENDED),
    "decide": lambda user, qs: qs.filter(_decision_filter(user), state=State.ACCEPTED),
    "extension": lambda user, qs: qs.filter(
        Exists(Extension.objects.filter(case=OuterRef("pk"), approved_on__isnull=True)),
        state=State.ACCEPTED,
    ),
    "verify": lambda user, qs: qs.filter(
        Exists(
            CommitmentVerification.objects.filter(
                case=OuterRef("pk"), state=CommitmentVerification.VerificationState.OPEN
            )
        )
    ),
    "open": lambda user, qs: qs.open(),
    "all": lambda user, qs: qs,
}

QUEUES = [
    Queue("received", _("待受理"), (Role.CLERK,), "acceptance_due"),
    Queue("correction", _("待补正"), (Role.CLERK,), "acceptance_due"),
    Queue("deliver", _("待送达"), (Role.CLERK,), "delivery_due"),
    Queue("tolerated", _("容缺待补齐"), (Role.CLERK,), "promised_due"),
    Queue("review", _("待我审查"), (Role.REVIEWER,), "promised_due"),
    Queue("suspended", _("中止中"), (Role.REVIEWER, Role.SIGNATORY), "suspended_on"),
    Queue("decide", _("待决定"), (Role.SIGNATORY,), "promised_due"),
    Queue("extension", _("待批准延期"), (Role.SIGNATORY,), "statutory_due"),
    Queue("verify", _("告知承诺待核查"), (Role.REVIEWER,), "decided_on"),
    Queue("open", _("全部在办"), (), "received_on"),
    Queue("all", _("全部办件"), (), "received_on"),
]
QUEUE_BY_KEY = {q.key: q for q in QUEUES}
SIGN_QUEUES = ("decide", "extension")


def queues_for(user: Viewer) -> list[Queue]:
    """The queues of the user's roles, then the lists every member of staff has."""
    return [q for q in QUEUES if not q.roles or any(has_role(user, role) for role in q.roles)]


def default_queue(user: Viewer) -> Queue:
    return queues_for(user)[0]


def queue_cases(
    user: Viewer,
    queue: Queue,
    *,
    filters: dict | None = None,
    base: QuerySet[Case] | None = None,
) -> QuerySet[Case]:
    """The queue's cases, filtered, the nearest due date first (none last). `base`: the
    user's `case_rows`, when the caller already has them (one scoping for all the queues)."""
    rows = case_rows(user) if base is None else base
    return queue.cases(user, apply_filters(rows, filters or {})).order_by(*order_of(queue.keys))


def apply_filters(qs: QuerySet[Case], filters: dict) -> QuerySet[Case]:
    if filters.get("item"):
        # The item's handling items first (a few rows), then the cases by their
        # handling-item index: a join to the catalogue read every case of the scope.
        variants = HandlingItem.objects.filter(item_version__item_id=filters["item"])
        qs = qs.filter(handling_item__in=variants.values("pk"))
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("received_from"):
        qs = qs.filter(received_on__gte=filters["received_from"])
    if filters.get("received_to"):
        qs = qs.filter(received_on__lte=filters["received_to"])
    if filters.get("q"):
        qs = qs.filter(search_q(filters["q"]))
    return qs


# Up to this many applicants whose name matches, the search names them by id; beyond, the
# words are too common for an index to narrow (a list of every "公司") and the list is read in
# its own order, keeping the rows that match.
NAME_MATCHES_LISTED = 500
# Likewise the cases whose number matches: a number or its tail names a case or a few.
NUMBER_MATCHES_LISTED = 500


def number_matches(text: str) -> QuerySet[Case]:
    """The cases whose number contains `text`, by the trigram index on the number (cases
    0014), in no order: an order would let PostgreSQL read the list's order instead."""
    return Case.objects.filter(number__icontains=text).order_by()


def search_q(text: str) -> Q:
    """The cases whose number or applicant's name contains `text`. The applicants and the
    cases whose number matches are read first, by the trigram indexes on their name and
    number (cases 0014), so that the condition on the cases is `id IN (ids) OR applicant_id
    IN (ids)`, answered by primary keys in each of a page's statements (its tabs' counts,
    its heading, its rows): each statement's own trigram scan of a digit-heavy number cost a
    county clerk's search 45 ms at 1,000,000 cases, eight times a page (docs/scaling.md).
    `applicant__name LIKE` across the join made PostgreSQL read every case of the scope and
    its applicant. Above the listed limits the words are too common for an index to narrow,
    and the condition stays the LIKE."""
    ids = list(
        Applicant.objects.filter(name__icontains=text).values_list("pk", flat=True)[
            : NAME_MATCHES_LISTED + 1
        ]
    )
    by_name = (
        Q(applicant_id__in=ids)
        if len(ids) <= NAME_MATCHES_LISTED
        else Q(applicant__name__icontains=text)
    )
    numbered = list(number_matches(text).values_list("pk", flat=True)[: NUMBER_MATCHES_LISTED + 1])
    by_number = (
        Q(pk__in=numbered) if len(numbered) <= NUMBER_MATCHES_LISTED else Q(number__icontains=text)
    )
    return by_number | by_name


# A tab says whether there is work and roughly how much ("99+"); the queue shown counts its
# own rows in its heading (interface.counts.CappedPaginator). A count stops at the first
# TAB_COUNT_UP_TO + 1 rows, so a page does not pay for a province's other queues.
TAB_COUNT_UP_TO = 99


@dataclass(frozen=True)
class QueueCount:
    """A queue's number of cases: exact up to its cap, above it "at least" (`more`). A
    heading's count says which of two things it then shows (`queue_counts`): `n`+ as a tab
    does, or PostgreSQL's estimate (`estimate`), which a numbered page needs for its pages."""

    n: int
    more: bool
    estimate: bool = False

    def __str__(self) -> str:
        return f"{self.n}+" if self.more else str(self.n)


# The queues whose pending step is said by EXISTS conditions joined by OR (`_pending_step`).
PENDING_STEP_QUEUES = frozenset({"review", "decide"})

# Their heading counts exactly up to this many cases and says "1000+" above (the tabs' "99+"
# a step further): each case counted tests its conditions row by row (`per_row_subplans`), so
# a province's 10,000 (interface.counts.EXACT_COUNT_UP_TO) cost its review page 211 ms at
# 1,000,000 cases where the page itself took 1 ms, and PostgreSQL's estimate of such
# conditions is a guess (docs/scaling.md).
PENDING_HEADING_UP_TO = 1_000


def heading_count(queue: Queue, *, numbered: bool = False) -> tuple[int, bool]:
    """How far the heading of `queue` counts exactly, and whether above that it asks for the
    estimate (`QueueCount.estimate`): a queue of PENDING_STEP_QUEUES says "1000+", unless its
    page is asked by number (a link from before the cursors), which needs the pages' count."""
    if queue.key in PENDING_STEP_QUEUES and not numbered:
        return PENDING_HEADING_UP_TO, False
    return counts.EXACT_COUNT_UP_TO, True


@contextlib.contextmanager
def per_row_subplans(queues: Iterable[Queue], using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A transaction in which PostgreSQL tests the queues' EXISTS conditions row by row.

    The review and decision queues say their pending step as EXISTS conditions joined by OR
    (`_pending_step`), which PostgreSQL cannot make semi-joins; it runs them as subplans,
    either once per case or "hashed": every pending step of the scope read into a hash table
    before the first case. It costs the choice for every accepted case of the scope, not for
    the few a page or a capped count reads before its LIMIT, so for a superuser it hashes
    (measured at 1,000,000 cases: the decision tab's count 750–930 ms, its first page about
    1 s; the review tab's 300 ms) where row by row the count took 1.4 ms and the page 10 ms
    (docs/scaling.md). A hashed subplan is only planned when its table fits in work_mem, so
    the smallest work_mem, for the queue's statements alone, leaves the row-by-row plan. The
    other steps of these plans (a sort bounded by the page's LIMIT, a hash of the handling
    items) fit in it."""
    connection = connections[using]
    # Only a page with such a queue among its tabs: the small work_mem also makes every other
    # hash and sort of the page's statements spill (a county clerk's item filter, measured at
    # 1,000,000 cases: 46 ms of database time with the default, 99 ms with 64 kB).
    if connection.vendor != "postgresql" or not PENDING_STEP_QUEUES & {q.key for q in queues}:
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64kB'")
        yield


def queue_counts(
    user: Viewer,
    queues: list[Queue],
    *,
    filters: dict | None = None,
    base: QuerySet[Case] | None = None,
    heading: Queue | None = None,
    numbered: bool = False,
) -> dict[str, QueueCount]:
    """Each queue's count for its tab, each over at most TAB_COUNT_UP_TO + 1 rows; with
    `heading`, also that queue's count for its heading under the key "", over at most
    `heading_count` + 1 rows and saying what the heading shows above them (`numbered`: for a
    page asked by its number). `base`: the user's `case_rows`, already filtered. Best read
    inside `per_row_subplans`, as the queue's page.

    One statement: a scalar subquery per count, each with its own LIMIT, so that PostgreSQL
    plans each as it planned the statement of its own (an InitPlan that stops at its limit)
    and a page pays one round trip, not one per tab. A single scan with COUNT(*) FILTER per
    tab would read every case of the scope: a province's million, where each capped count
    stops at the hundredth row."""
    rows = apply_filters(case_rows(user), filters or {}) if base is None else base
    wanted = [(q.key, q, TAB_COUNT_UP_TO, False) for q in queues]
    if heading is not None:
        wanted.append(("", heading, *heading_count(heading, numbered=numbered)))
    sql, params = counts_statement(user, rows, [(q, cap) for _key, q, cap, _e in wanted])
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    return {
        key: QueueCount(min(n, cap), n > cap, estimate)
        for (key, _q, cap, estimate), n in zip(wanted, found, strict=True)
    }


def counts_statement(
    user: Viewer, rows: QuerySet[Case], capped: list[tuple[Queue, int]]
) -> tuple[str, list]:
    """The statement of `queue_counts`: one column per (queue, cap), the queue's cases among
    `rows` counted up to cap + 1."""
    parts: list[str] = []
    params: list = []
    base = _sql_key(rows)
    for q, cap in capped:
        key = None if base is None else (*base, q.key, cap, *_filter_inputs(user))
        found = _COUNTS.statement(key, _capped(user, rows, q, cap), using=rows.db)
        if found is None:  # a filter that can match nothing (an empty IN list)
            parts.append("0")
            continue
        sql, p = found
        parts.append(f"({sql})")
        params.extend(p)
    return "SELECT " + ", ".join(parts), params


def _capped(user: Viewer, rows: QuerySet[Case], q: Queue, cap: int) -> Callable[[], QuerySet]:
    return lambda: q.cases(user, rows).order_by().values("pk")[: cap + 1]


# The SQL of each count of `counts_statement`, kept by what it is made of (`_sql_key`,
# `_filter_inputs`). Building a queue's filter into SQL was a superuser's largest Python cost
# on a queue page (the review and decision queues' semi-joins, `_pending_step`: about 18 ms of
# the page's 60 ms of CPU in a small database), and a user's pages ask the same counts over
# the same rows again and again.
_COUNTS = KeptCount()


def _sql_key(rows: QuerySet[Case]) -> tuple | None:
    """`rows` as the SQL they read, a key for `_COUNTS`; None when it cannot be one."""
    try:
        sql, params = rows.query.get_compiler(using=rows.db).as_sql()
        key = (sql, tuple(params))
        hash(key)
    except (EmptyResultSet, TypeError):  # matching nothing; a value that is not hashable
        return None
    return key


def _filter_inputs(user: Viewer) -> tuple:
    """What of the user a queue's filter reads besides its rows (QUEUE_FILTERS: the review
    and decision queues' assignee and section). A filter that comes to read anything else
    (another of the user's fields, today's date) must add it here, or `_COUNTS` would
    give one user's counts the SQL made for another."""
    return (user.pk, user.is_superuser, getattr(staff_of(user), "section_id", None))


# What a queue's row shows and is ordered by (_case_rows.html, `row_clock`, `clocks_of`, the
# queues' keys): the rest of a case (its forms' fields, the applicant's and the item's) is
# not read for a list of them.
SHOWN_COLUMNS = (
    "number",
    "state",
    "extended",
    "received_at",
    "received_on",
    "acceptance_due",
    "acceptance_due_provisional",
    "accepted_on",
    "deemed_accepted",
    "promised_due",
    "statutory_due",
    "promised_due_provisional",
    "statutory_due_provisional",
    "delivery_due",
    "suspended_on",
    "promised_remaining_at_suspension",
    "statutory_remaining_at_suspension",
    "decided_on",
    "closed_on",
    "applicant__name",
    "handling_item__name",
    "handling_item__item_version__name",
)


def shown_columns(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.only(*SHOWN_COLUMNS)


def items_in_scope(user: Viewer) -> list[tuple[int, str]]:
    """The items the user's cases can be of, for the item filter: the published items of the
    local catalogues of the user's region and below (a case is of its region's catalogue),
    with the bureau's for a service centre's staff, named by their newest published version.
    From the catalogue, not a DISTINCT over every visible case."""
    prefix = scope_prefix(user)
    if prefix is None:
        return []
    catalogues = Q(item__catalogue__region__code__startswith=prefix)
    staff = staff_of(user)
    if staff is not None and staff.service_centre_id is not None:
        catalogues |= Q(item__catalogue__region__bureau__service_centres=staff.service_centre_id)
    versions = ItemVersion.objects.published().filter(
        catalogues, item__catalogue__kind=Catalogue.Kind.LOCAL
    )
    if not user.is_superuser and staff is not None and not (staff.role_set & REGION_WIDE_ROLES):
        # A department's supervisor sees only its own items' cases (cases.queries).
        versions = versions.filter(original_department_id=staff.department_id)
    names: dict[int, str] = {}
    for item_id, name in versions.order_by("item_id", "-number").values_list("item_id", "name"):
        names.setdefault(item_id, name)
    return sorted(names.items(), key=lambda pair: pair[1])


@dataclass(frozen=True)
class RowClock:
    due: datetime.date | None
    remaining: int | None
    label: str
    # Whether `due` itself is provisional: each date has its own flag, never another's.
    provisional: bool = False


def row_clock(case: Case, clocks: Clocks, cal: WorkCalendar, today: datetime.date) -> RowClock:
    """The date the case's current stage runs against and the working days left to it; the
    decision clocks are the API's (`clocks_of`)."""
    if case.state in (State.RECEIVED, State.AWAITING_CORRECTION):
        left = (
            case_rules.remaining(cal, today, case.acceptance_due)
            if case.state == State.RECEIVED
            else None
        )
        return RowClock(
            case.acceptance_due,
            left,
            str(_("受理期限")),
            # The window of a case awaiting correction opens only when the correction arrives.
            case.state == State.RECEIVED and case.acceptance_due_provisional,
        )
    if case.state in (State.ACCEPTED, State.SUSPENDED):
        return RowClock(
            case.promised_due,
            clocks.promised_remaining,
            str(_("承诺办结")),
            case.promised_due_provisional,
        )
    if case.state == State.GRANTED and case.delivery_due and case.decided_on:
        return RowClock(
            case.delivery_due,
            case_rules.remaining(cal, today, case.delivery_due),
            str(_("送达期限")),
            clocks.delivery_due_provisional,
        )
    return RowClock(case.closed_on, None, str(_("办结日期")))


# A number no case reaches, put where a case's key goes in its link and replaced by each
# row's own (`attach_row_clocks`).
_KEY_SLOT = 9_007_199_254_740_993


def attach_row_clocks(cases: Iterable[Case], today: datetime.date) -> list[Case]:
    """The cases of a queue's page, each with the clocks its row shows (`case.clocks` as
    `cases.queries.with_clocks` gives them, and `case.row_clock`), its state's label
    (`case.state_label`) and the link to its page (`case.link`). The labels are translated
    and the link reversed once for the page: per row, `get_state_display` hashed every lazy
    label of the states and `{% url %}` resolved the pattern again, a tenth of a queue page's
    CPU (docs/scaling.md)."""
    cal = current_calendar()
    states = {value: str(label) for value, label in State.choices}
    head, tail = reverse("workbench:case", args=[_KEY_SLOT]).split(str(_KEY_SLOT))
    out = []
    for case in cases:
        clocks = clocks_of(case, cal, today)
        out.append(
            shown_with(
                case,
                clocks=clocks,
                row_clock=row_clock(case, clocks, cal, today),
                state_label=states.get(case.state, case.state),
                link=f"{head}{case.pk}{tail}",
            )
        )
    return out


# --- people a form may name ----------------------------------------------------------------


def _covering_prefixes(region_code: str) -> list[str]:
    return [region_code[:i] for i in range(len(region_code) + 1)]


def staff_covering(case: Case, *roles: str) -> QuerySet:
    """Active staff whose scope covers the case's region (holding one of `roles` when given),
    for the assignee and inspector choices. The action checks each choice again."""
    users = get_user_model().objects.filter(
        is_active=True, staff__region__prefix__in=_covering_prefixes(case.region_code)
    )
    if roles:
        users = users.filter(staff__roles__role__in=roles)
    return (
        users.select_related("staff", "staff__section")
        .distinct()
        .order_by("staff__display_name", "id")
    )


def inspectors_for(case: Case) -> QuerySet:
    """The staff a site inspection of the case may name (`cases.actions.review.
    inspector_problem`): the bureau's reviewers and signatories, and the supervisors of the
    item's own department. Not every member of staff of the region: the form offered overseers,
    clerks, archivists and other departments' people, each refused only after the submission."""
    supervising = case.handling_item.item_version.original_department_id
    may = Q(staff__bureau_id=case.bureau_id, staff__roles__role__in=INSPECTING_ROLES)
    if supervising is not None:
        may |= Q(staff__department_id=supervising, staff__roles__role=Role.SUPERVISOR)
    return staff_covering(case).filter(may)


# --- what the user may do on a case now ------------------------------------------------------


@dataclass
class Offer:
    """One action of the case page: `blockers` are the action's own reasons why it cannot run
    now (the form is then shown disabled with them); `values` and `errors` refill the form
    after a refused submission."""

    name: str
    label: str
    blockers: list[str]
    values: dict
    errors: dict

    @property
    def possible(self) -> bool:
        return not self.blockers


ACTION_LABELS = {
    "intake": _("受理审查"),
    "submit-correction": _("收到补正材料"),
    "assign-step": _("分派审批环节"),
    "complete-review-step": _("完成当前审批环节"),
    "record-site-inspection": _("记录现场核查"),
    "suspend": _("中止（特别程序）"),
    "resume": _("恢复办理"),
    "request-extension": _("申请延期"),
    "approve-extension": _("批准延期"),
    "reject-extension": _("驳回延期申请"),
    "grant": _("准予许可"),
    "deny": _("不予许可"),
    "deliver": _("送达"),
    "withdraw": _("撤回申请"),
    "terminate": _("终止办理"),
    "supply-tolerated-material": _("补齐容缺材料"),
    "record-commitment": _("登记告知承诺书"),
    "verify-commitment": _("告知承诺核查"),
    "propose-revocation": _("提出撤销许可"),
    "notify-revocation": _("登记告知书送达"),
    "submit-revocation-views": _("记录陈述、申辩"),
    "record-revocation-hearing": _("登记听证"),
    "decide-revocation": _("作出撤销决定"),
    "withdraw-revocation-proposal": _("撤回撤销提议"),
}


# The usual next step first: the decisions of the case's stage, then the occasional ones.
OFFER_ORDER = [
    "intake",
    "submit-correction",
    "complete-review-step",
    "grant",
    "deny",
    "approve-extension",
    "reject-extension",
    "deliver",
    "supply-tolerated-material",
    "record-commitment",
    "verify-commitment",
    "request-extension",
    "decide-revocation",
    "notify-revocation",
    "submit-revocation-views",
    "record-revocation-hearing",
    "assign-step",
    "record-site-inspection",
    "suspend",
    "resume",
    "withdraw",
    "terminate",
    "propose-revocation",
    "withdraw-revocation-proposal",
]


def _revocation_offers(
    case: Case, *, today: datetime.date, clerk: bool, reviewer: bool, signatory: bool
) -> list[tuple[str, list[str]]]:
    """The steps of the revocation procedure (cases.actions.revocation) open to these roles:
    only on a case with a licence, and each step only while the procedure is at it."""
    from oneseal.cases import actions
    from oneseal.cases.actions.revocation import open_proposal

    if case.state not in (State.GRANTED, State.DELIVERED) or not (clerk or reviewer or signatory):
        return []
    proposal = open_proposal(case)
    out = []
    if proposal is None:
        if reviewer or signatory:
            out.append(("propose-revocation", actions.propose_revocation_blockers(case)))
        return out
    if proposal.state == proposal.ProposalState.PROPOSED:
        out.append(("notify-revocation", actions.notify_revocation_blockers(case)))
    elif proposal.state == proposal.ProposalState.NOTIFIED:
        out.append(("submit-revocation-views", actions.submit_views_blockers(case)))
    if proposal.hearing_requested and (reviewer or signatory):
        out.append(("record-revocation-hearing", actions.record_hearing_blockers(case)))
    if signatory:
        out.append(("decide-revocation", actions.decide_revocation_blockers(case, on=today)))
        out.append(("withdraw-revocation-proposal", actions.withdraw_proposal_blockers(case)))
    return out


def offers_for(
    case: Case, user: Viewer, *, today: datetime.date, steps: list[CaseStep]
) -> list[Offer]:
    """The actions of the user's roles on this case, each with the blockers the case actions
    give now. The actions check the role and the state again when they run."""
    from oneseal.cases import actions
    from oneseal.cases.actions import delegated_blockers
    from oneseal.cases.actions.commitment import may_verify
    from oneseal.cases.actions.review import current_step, decision_step, may_work_step

    bureau_clerk = has_role(user, Role.CLERK, case.region)
    reviewer = has_role(user, Role.REVIEWER, case.region)
    signatory = has_role(user, Role.SIGNATORY, case.region)
    # A township centre's clerk does what its delegation covers (委托): the intake, handing out,
    # and the decision when the delegation lets the centre decide.
    clerk = bureau_clerk or delegated_blockers(user, case, Role.CLERK) == []
    decides = signatory or delegated_blockers(user, case, Role.SIGNATORY) == []
    hi = case.handling_item
    out: list[tuple[str, list[str]]] = []

    def transition(action: str) -> list[str]:
        return [str(b) for b in case_rules.transition_blockers(action, case.state)]

    if clerk:
        out.append(("intake", transition("accept")))
        if case.state == State.AWAITING_CORRECTION:
            out.append(("submit-correction", transition("submit_correction")))
        if hi.is_commitment and bureau_clerk:
            out.append(("record-commitment", actions.record_commitment_blockers(case)))
    if reviewer or signatory:
        pending = [s for s in steps if s.state == STEP_PENDING]
        out.append(
            (
                "assign-step",
                transition("assign_step") + ([] if pending else [str(_("没有待分派的审批环节"))]),
            )
        )
    step = current_step(steps)
    if bureau_clerk or reviewer or signatory:
        blockers = actions.complete_review_step_blockers(case)
        if not blockers and step is not None and not may_work_step(user, case, step):
            blockers = [str(_("当前环节“{name}”不由您承办")).format(name=step.name)]
        if reviewer or signatory or (step is not None and step.role == ReviewStep.Role.CLERK):
            out.append(("complete-review-step", blockers))
    if reviewer or signatory:
        out.append(("record-site-inspection", transition("record_site_inspection")))
        if case.state == State.SUSPENDED:
            out.append(("resume", transition("resume")))
        else:
            out.append(("suspend", transition("suspend")))
    if reviewer:
        out.append(("request-extension", actions.request_extension_blockers(case, on=today)))
    if signatory:
        out.append(
            ("approve-extension", actions.approve_extension_blockers(case, actor=user, on=today))
        )
        out.append(("reject-extension", actions.reject_extension_blockers(case)))
    if decides:
        decider = decision_step(steps)
        other = (
            [str(_("决定环节已分派给其他签批领导"))]
            if decider is not None and decider.assignee_id not in (None, user.pk)
            else []
        )
        out.append(("grant", actions.grant_blockers(case, on=today) + other))
        out.append(("deny", actions.deny_blockers(case) + other))
    if clerk:
        out.append(("deliver", actions.deliver_blockers(case)))
    if bureau_clerk:
        if any(
            m.status == CaseMaterial.Status.TOLERATED and m.supplied_on is None
            for m in case.materials.all()
        ):
            out.append(("supply-tolerated-material", transition("supply_tolerated_material")))
        out.append(("withdraw", actions.withdraw_blockers(case)))
    if signatory:
        out.append(("terminate", actions.terminate_blockers(case)))
    if hasattr(case, "commitment_verification") and may_verify(user, case):
        out.append(("verify-commitment", actions.verify_commitment_blockers(case)))
    out += _revocation_offers(
        case, today=today, clerk=bureau_clerk, reviewer=reviewer, signatory=signatory
    )
    out.sort(key=lambda pair: OFFER_ORDER.index(pair[0]))
    return [
        Offer(name, str(ACTION_LABELS[name]), [str(b) for b in blockers], {}, {})
        for name, blockers in out
    ]


# --- what the user may do on a case on another app's page ------------------------------------


@dataclass(frozen=True)
class LinkedOffer:
    """An action of another app on this case (technical support, opinions, an expert draw, a
    site inspection, a department's revocation request): the case page links to the page
    where it is done, with the owning app's own blockers when it cannot be done now."""

    name: str
    label: str
    url: str
    blockers: list[str]


def linked_offers(case: Case, user: Viewer) -> list[LinkedOffer]:
    """The other apps' actions open to this user's roles on this case, only while they apply:
    each app's action checks the role and the case again when it runs."""
    from django.urls import reverse

    from oneseal.cases.actions.review import guide_procedures
    from oneseal.catalogue.models import SpecialProcedure
    from oneseal.experts import actions as expert_actions
    from oneseal.inspections import actions as inspection_actions
    from oneseal.inspections.queries import checklist_for
    from oneseal.linkage import actions as linkage_actions
    from oneseal.linkage.models import Feedback

    reviewing = any(has_role(user, r, case.region) for r in (Role.REVIEWER, Role.SIGNATORY))
    out: list[LinkedOffer] = []
    if reviewing and case.state in (State.ACCEPTED, State.SUSPENDED):
        linkage_url = reverse("linkage:case", args=[case.pk])

        def strings(blockers: Iterable[object]) -> list[str]:
            return [str(b) for b in blockers]

        out.append(
            LinkedOffer(
                "request-support",
                str(_("请求技术支撑")),
                linkage_url + "#request-support",
                strings(linkage_actions.request_support_blockers(case)),
            )
        )
        out.append(
            LinkedOffer(
                "request-opinion",
                str(_("征求部门意见")),
                linkage_url + "#opinions",
                strings(linkage_actions.request_opinion_blockers(case)),
            )
        )
        if SpecialProcedure.Kind.EXPERT_REVIEW in guide_procedures(case):
            out.append(
                LinkedOffer(
                    "expert-review",
                    str(_("组织专家评审（随机抽取专家）")),
                    reverse("experts:case", args=[case.pk]),
                    strings(expert_actions.open_review_blockers(case)),
                )
            )
        blockers = strings(inspection_actions.schedule_blockers(case))
        if not blockers and not checklist_for(case.handling_item):
            blockers = [str(_("该事项尚未设置现场勘验核查要点，请事项目录管理员先行设置"))]
        out.append(
            LinkedOffer(
                "schedule-inspection",
                str(_("安排现场勘验")),
                reverse("inspections:schedule", args=[case.pk]),
                blockers,
            )
        )
    if has_role(user, Role.SIGNATORY, case.region):
        for feedback in Feedback.objects.filter(
            case=case, request_state=Feedback.RequestState.OPEN, handled_on__isnull=True
        ).select_related("department"):
            out.append(
                LinkedOffer(
                    f"revocation-request-{feedback.pk}",
                    str(_("处理{department}的撤销建议")).format(department=feedback.department),
                    reverse("linkage:case", args=[case.pk]) + f"#feedback-{feedback.pk}",
                    [],
                )
            )
    return out
