"""The workbench's queues: the home page (my cases, filtered and paged), the signatory's
queue, and the notices waiting to be issued."""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oneseal.calendars.queries import current_calendar, today
from oneseal.cases.actions.revocation import proposals_ready_to_decide
from oneseal.cases.models import (
    OPEN_PROPOSAL_STATES,
    Case,
)
from oneseal.cases.queries import visible_cases
from oneseal.cases.texts import event_text
from oneseal.documents import actions as document_actions
from oneseal.documents import queries as document_queries
from oneseal.documents import rules as document_rules
from oneseal.errors import DomainError, NotPermitted
from oneseal.interface import counts as capped
from oneseal.interface import keyset
from oneseal.interface.counts import CappedPaginator
from oneseal.linkage import queries as linkage_queries
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix

from .. import assigned as assigned_rows
from .. import queries
from ..forms import CaseFilterForm
from .common import PAGE_SIZE, case_url, staff_only


def _rows(page: Page, on: datetime.date) -> list[Case]:
    return queries.attach_row_clocks(page.object_list, on)


@dataclass
class QueuePage:
    """A page of a queue as its template shows it: the rows, the page's number of the count's
    pages, and the cursors of the pages either side (oneseal.interface.keyset)."""

    rows: list[Case]
    number: int
    count: int
    count_estimated: bool
    previous: str
    next: str
    # The count is a floor ("1000+", queries.heading_count): no last page is known.
    count_at_least: bool = False

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE), self.number)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.previous or self.next)


def _queue_page(
    request: HttpRequest,
    queue: queries.Queue,
    cases: QuerySet[Case],
    heading: queries.QueueCount | None = None,
) -> QueuePage:
    """The page a queue's links ask for: `cursor` (the page's own links: read from the
    order's position, as fast deep in a province's queue as on top, and stable while cases
    come in), or `page` (a number, as links from before the cursors: read by offset, then
    linked on by cursor), or the first. `heading`: the capped count of `cases`, made with the
    tabs' (queries.queue_counts), which says what it shows above its cap: "1000+", or
    PostgreSQL's estimate (CappedPaginator)."""
    counted = None
    at_least = False
    if heading is not None:
        at_least = heading.more and not heading.estimate
        counted = capped.EXACT_COUNT_UP_TO + 1 if heading.more and heading.estimate else heading.n
    paginator = CappedPaginator(cases, PAGE_SIZE, counted=counted)
    position = None
    if request.GET.get("cursor"):
        try:
            position = keyset.Position.parse(request.GET["cursor"], queue.keys)
        except keyset.BadPosition:
            messages.error(request, _("分页位置无效，已回到第一页"))
    elif request.GET.get("page"):
        numbered = paginator.get_page(request.GET.get("page"))
        rows = list(numbered.object_list)
        n = numbered.number
        before = (
            keyset.Position(keyset.values_of(rows[0], queue.keys), backwards=True, page=n - 1)
            if rows and n > 1
            else None
        )
        after = (
            keyset.Position(keyset.values_of(rows[-1], queue.keys), page=n + 1)
            if rows and numbered.has_next()
            else None
        )
        return QueuePage(
            rows,
            n,
            paginator.count,
            paginator.count_estimated,
            before.token() if before else "",
            after.token() if after else "",
        )
    found = keyset.keyset_page(cases, queue.keys, PAGE_SIZE, position)
    return QueuePage(
        found.rows,
        found.number,
        paginator.count,
        paginator.count_estimated,
        found.previous.token() if found.previous else "",
        found.next.token() if found.next else "",
        at_least,
    )


@staff_only
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    queues = queries.queues_for(user)
    key = request.GET.get("queue") or queues[0].key
    queue = next((q for q in queues if q.key == key), None)
    if queue is None:
        raise Http404()
    form = CaseFilterForm(request.GET or None, items=queries.items_in_scope(user))
    filters = form.cleaned_data if form.is_valid() else {}
    # Filtered once for the tabs and the page: a search reads the applicants it names once.
    rows = queries.apply_filters(queries.case_rows(user), filters)
    with queries.per_row_subplans(queues):
        counts = queries.queue_counts(
            user, queues, base=rows, heading=queue, numbered=bool(request.GET.get("page"))
        )
        heading = counts.pop("")
        page = _queue_page(
            request,
            queue,
            queries.shown_columns(queries.queue_cases(user, queue, base=rows)),
            heading,
        )
    keep = request.GET.copy()
    for name in ("page", "queue", "cursor"):
        keep.pop(name, None)
    return render(
        request,
        "workbench/home.html",
        {
            "queues": [(q, counts[q.key]) for q in queues],
            "queue": queue,
            "form": form,
            "page": page,
            "rows": queries.attach_row_clocks(page.rows, today()),
            "filter_query": keep.urlencode(),
        },
    )


@staff_only
@require_GET
def sign(request: HttpRequest) -> HttpResponse:
    """The signatory's queue: decisions to make and extensions to approve or refuse."""
    user = request.user
    if not has_role(user, Role.SIGNATORY):
        raise PermissionDenied(_("签批事项仅供签批领导办理"))
    on = today()
    lists = []
    for key in queries.SIGN_QUEUES:
        queue = queries.QUEUE_BY_KEY[key]
        page = Paginator(
            queries.queue_cases(user, queue).select_related("extension"), PAGE_SIZE
        ).get_page(request.GET.get(f"{key}_page"))
        lists.append((queue, page, _rows(page, on)))
    # Revocations whose holder was heard or whose period passed (cases.actions.revocation).
    with_open = (
        visible_cases(user)
        .filter(revocation_proposals__state__in=OPEN_PROPOSAL_STATES)
        .select_related("region")
    )
    signed_here = [c.pk for c in with_open.distinct() if has_role(user, Role.SIGNATORY, c.region)]
    proposals = proposals_ready_to_decide(Case.objects.filter(pk__in=signed_here), today=on)
    # The departments' requests to revoke (linkage), answered on the case's linkage page.
    requests = [
        f
        for f in linkage_queries.revocation_requests_to_decide(scope_prefix(user))
        if has_role(user, Role.SIGNATORY, f.case.region)
    ]
    return render(
        request,
        "workbench/sign.html",
        {"lists": lists, "revocations": proposals, "revocation_requests": requests},
    )


@staff_only
@require_GET
def assigned(request: HttpRequest) -> HttpResponse:
    """我的待办 · 指派给我: what was given to this user by name in any app, each linking to the
    page where it is done; the count is in the navigation."""
    rows = assigned_rows.assigned_to(request.user, today=today())
    return render(request, "workbench/assigned.html", {"rows": rows})


@staff_only
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    """The window's queue of notices their act could not issue (no seal, no wording in force,
    a character no font draws …): each with the reason recorded then, what still stands in the
    way now, and a button to issue it; the overdue ones first (e-supervision counts them)."""
    user = request.user
    if not (has_role(user, Role.CLERK) or has_role(user, Role.SIGNATORY)):
        raise PermissionDenied(_("待出具文书仅供窗口受理人员和签批领导办理"))
    on = today()
    cal = current_calendar()
    page = Paginator(document_queries.pending_notices(user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for pending in page:
        due_by = document_queries.notice_overdue_on(cal, pending.queued_on)
        rows.append(
            {
                "pending": pending,
                "overdue": due_by <= on,
                "blockers": document_queries.issue_blockers(pending.case, kind=pending.kind),
                "act": event_text(pending.event.action),
            }
        )
    return render(
        request,
        "workbench/notices.html",
        {"page": page, "rows": rows, "days": document_rules.NOTICE_ISSUE_DAYS},
    )


@staff_only
@require_POST
def issue_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue one notice of the queue, then show it for printing on its case."""
    pending = get_object_or_404(document_queries.pending_notices(request.user), pk=pk)
    try:
        document = document_actions.issue_pending(pending, actor=request.user)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from None
    except DomainError as exc:
        messages.error(
            request,
            _("未能出具{label}：{reason}").format(
                label=pending.get_kind_display(),
                reason="；".join(str(r) for r in exc.reasons) or str(exc.message),
            ),
        )
        return redirect("workbench:notices")
    messages.success(
        request,
        _("已出具{label}（{number}）").format(
            label=document.get_kind_display(), number=document.number
        ),
    )
    return redirect(case_url(pending.case, issued=[document], anchor="documents"))
