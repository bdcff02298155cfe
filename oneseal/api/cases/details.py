"""Loading the case a response shows: read in the caller's scope, or rebuilt from what the
action that just ran wrote, with its clocks and review steps attached."""

from collections import defaultdict

from django.http import Http404
from django.shortcuts import get_object_or_404

from oneseal.cases import actions
from oneseal.cases.actions import review as review_actions
from oneseal.cases.models import Case, CaseEvent, CaseMaterial, Upload
from oneseal.cases.queries import case_details, case_is_visible, region_wide_range, with_clocks
from oneseal.prepared import Prepared


def detail_of(user, pk: int) -> Case:
    case = get_object_or_404(case_details(user), pk=pk)
    with_clocks([case])
    case.review_steps = actions.steps_of(case)
    return case


def require_visible(user, pk: int, *, by_lock: bool = False) -> Case:
    """404 unless the caller may see case `pk`; the action locks and reads the row itself,
    so only its existence in the caller's scope is asked here. `by_lock` (an action whose first
    statement is the lock: `CaseAction.locks_first`): when the caller's scope is a region range,
    nothing is asked here and the case carries the range for the lock to check
    (`actions._base.lock`); the caller runs this again without it when the lock raises
    `OutsideRange`, and before answering anything else (a body it refuses)."""
    if by_lock:
        in_range = region_wide_range(user)
        if in_range is not None:
            case = Case(pk=pk)
            case.in_range = in_range
            return case
    if not case_is_visible(user, pk):
        raise Http404
    return Case(pk=pk)


def _prefilled(instance, name: str, objects) -> None:
    """Fill a reverse relation's prefetch cache with rows this request already holds."""
    rows = getattr(instance, name).all()
    rows._result_cache, rows._prefetch_done = list(objects), True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = rows


ONE_TO_ONE = ("licence", "commitment", "commitment_verification")
LOCKED_JOINS = ("handling_item", "applicant", "bureau", "region")


def opened_detail(case: Case) -> Case:
    """The detail of a case `actions.receive` just opened, from what it wrote: nothing to
    read back (its checklist lines have no uploads yet; no licence, no commitment)."""
    for line in case.new_lines:
        _prefilled(line, "uploads", [])
    _prefilled(case, "materials", case.new_lines)
    _prefilled(case, "events", case.new_events)
    for name in ONE_TO_ONE:
        Case._meta.get_field(name).set_cached_value(case, None)
    with_clocks([case])
    case.review_steps = review_actions.planned_steps(case)
    return case


# The answer to every action request: the case's row and its lists as `case_details` reads them
# (DETAIL_PREFETCH's rows in its order), by SQL built once per connection (oneseal.prepared).
_ANSWER_CASE = Prepared(lambda pk: Case.objects.select_related(*ONE_TO_ONE).filter(pk=pk), int)
_ANSWER_LINES = Prepared(
    lambda pk: CaseMaterial.objects.select_related("material").filter(case_id=pk), int
)
_ANSWER_UPLOADS = Prepared(
    lambda pk: Upload.objects.filter(case_material__case_id=pk).order_by("uploaded_at", "id"), int
)
_ANSWER_EVENTS = Prepared(lambda pk: CaseEvent.objects.filter(case_id=pk).order_by("seq"), int)


def _answer(pk: int, lines: list[CaseMaterial] | None = None) -> Case:
    """`Case.objects.select_related(*ONE_TO_ONE).prefetch_related(*DETAIL_PREFETCH).get(pk=pk)`:
    the same four statements and the same objects, each row knowing its parent. `lines`: the
    checklist (with its materials, in its order) the act read under its lock and left as
    stored; then three statements."""
    found = _ANSWER_CASE(pk)
    if not found:
        raise Case.DoesNotExist("Case matching query does not exist.")
    fresh = found[0]
    lines = _ANSWER_LINES(pk) if lines is None else lines
    uploads: defaultdict[int, list[Upload]] = defaultdict(list)
    upload_line = Upload._meta.get_field("case_material")
    by_pk = {line.pk: line for line in lines}
    for upload in _ANSWER_UPLOADS(pk):
        upload_line.set_cached_value(upload, by_pk[upload.case_material_id])
        uploads[upload.case_material_id].append(upload)
    line_case = CaseMaterial._meta.get_field("case")
    for line in lines:
        line_case.set_cached_value(line, fresh)
        _prefilled(line, "uploads", uploads.get(line.pk, []))
    _prefilled(fresh, "materials", lines)
    events = _ANSWER_EVENTS(pk)
    event_case = CaseEvent._meta.get_field("case")
    for event in events:
        event_case.set_cached_value(event, fresh)
    _prefilled(fresh, "events", events)
    return fresh


def acted_detail(case: Case) -> Case:
    """The detail of a case an action just returned from under its lock (the caller was
    checked by `require_visible`): the row and its lists are read again, the handling item,
    applicant and bureau the lock read are reused, and the checklist when the act says it holds
    it as stored (`held_lines`: accepting)."""
    fresh = _answer(case.pk, getattr(case, "held_lines", None))
    for name in LOCKED_JOINS:
        field = Case._meta.get_field(name)
        if field.is_cached(case):
            field.set_cached_value(fresh, field.get_cached_value(case))
    with_clocks([fresh])
    created = getattr(case, "created_steps", None)
    if created is not None:
        # Stored by this very act (accepting) as its last step: in hand, nobody assigned yet.
        fresh.review_steps = review_actions.with_sections(created) or review_actions.planned_steps(
            fresh
        )
    else:
        fresh.review_steps = actions.steps_of(fresh)
    return fresh
