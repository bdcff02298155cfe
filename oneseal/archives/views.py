"""The archive pages (workbench style): search, an archive with its files, one file or the
whole package, a case's archive, and the hand-over list. Everything scoped by `queries`."""

import datetime
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from oneseal.calendars.queries import today
from oneseal.cases.queries import is_scoped_staff, staff_sees, visible_cases
from oneseal.errors import DomainError
from oneseal.interface.files import xlsx_response
from oneseal.interface.forms import add_domain_error

from . import actions, integrity, queries, sheets
from .forms import HandoverForm, PeriodForm, SearchForm
from .models import Archive


def _attachment(content: bytes, *, name: str, content_type: str) -> FileResponse:
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=name, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _damaged(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "archives/damaged.html", {"message": error.message}, status=409)


@login_required
def archive_list(request: HttpRequest) -> HttpResponseBase:
    if not is_scoped_staff(request.user):
        raise Http404()
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        results = queries.search(
            request.user,
            number=data["number"],
            applicant=data["applicant"],
            item=data["item"],
            year=data["year"],
        )[:200]
    elif not form.is_bound:
        results = queries.search(request.user)[:50]
    return render(
        request,
        "archives/list.html",
        {"form": form, "results": results, "is_archivist": queries.is_archivist(request.user)},
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    archive = get_object_or_404(
        queries.visible_archives(request.user).select_related(
            "case__applicant", "case__handling_item__item_version", "handover", "bureau"
        ),
        pk=pk,
    )
    supplements = list(archive.supplements.all())
    covered = supplements[-1].last_event_seq if supplements else archive.last_event_seq
    later = archive.case.events.filter(seq__gt=covered).count()
    return render(
        request,
        "archives/detail.html",
        {
            "archive": archive,
            "files": archive.files.select_related("supplement"),
            "supplements": supplements,
            "later_events": later,
        },
    )


@login_required
def file(request: HttpRequest, pk: int, position: int) -> HttpResponseBase:
    archive = get_object_or_404(queries.visible_archives(request.user), pk=pk)
    row = get_object_or_404(archive.files.select_related("supplement"), position=position)
    try:
        content = integrity.read_member(row.supplement or archive, row.name, row.sha256)
    except integrity.Damaged as error:
        return _damaged(request, error)
    return _attachment(content, name=row.name, content_type=row.content_type)


@login_required
def package(request: HttpRequest, pk: int) -> HttpResponseBase:
    archive = get_object_or_404(queries.visible_archives(request.user), pk=pk)
    try:
        content = integrity.read_package(archive)
    except integrity.Damaged as error:
        return _damaged(request, error)
    return _attachment(content, name=f"{archive.number}.zip", content_type="application/zip")


@login_required
def supplement_package(request: HttpRequest, pk: int, sequence: int) -> HttpResponseBase:
    archive = get_object_or_404(queries.visible_archives(request.user), pk=pk)
    supplement = get_object_or_404(archive.supplements, sequence=sequence)
    try:
        content = integrity.read_package(supplement)
    except integrity.Damaged as error:
        return _damaged(request, error)
    return _attachment(content, name=f"{supplement.number}.zip", content_type="application/zip")


@login_required
def of_case(request: HttpRequest, case_pk: int) -> HttpResponseBase:
    """The case page's "档案" link: its archive, or why there is none yet."""
    archive = queries.visible_archives(request.user).filter(case_id=case_pk).first()
    if archive is not None:
        return redirect("archives:detail", pk=archive.pk)
    case = visible_cases(request.user).filter(pk=case_pk).first()
    if (
        case is None
        or not staff_sees(request.user, case)
        or Archive.objects.filter(case_id=case_pk).exists()
    ):
        raise Http404()
    return render(
        request,
        "archives/not_archived.html",
        {"case": case, "blockers": actions.archive_blockers(case)},
    )


def _default_period() -> tuple[datetime.date, datetime.date]:
    on = today()
    return datetime.date(on.year, 1, 1), on


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest) -> HttpResponseBase:
    bureau = queries.handover_bureau(request.user)
    if bureau is None:
        raise Http404()
    start, end = _default_period()
    period = PeriodForm(request.GET or {"period_from": start, "period_to": end})
    if period.is_valid():
        start, end = period.cleaned_data["period_from"], period.cleaned_data["period_to"]
    listing = queries.handover_list(request.user, start, end)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            sheets.handover_workbook(listing, bureau=bureau.name),
            filename=f"档案移交清单-{start.isoformat()}-{end.isoformat()}.xlsx",
            ascii_filename=f"archive-handover-{start.isoformat()}-{end.isoformat()}.xlsx",
        )
    form = HandoverForm(request.POST or None, initial={"period_from": start, "period_to": end})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = actions.hand_over(
                actor=request.user,
                period_from=data["period_from"],
                period_to=data["period_to"],
                received_by=data["received_by"],
                note=data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("已移交{n}件档案，批次号{number}").format(
                    n=batch.archives_count, number=batch.number
                ),
            )
            return redirect(
                f"{request.path}?period_from={quote(batch.period_from.isoformat())}"
                f"&period_to={quote(batch.period_to.isoformat())}"
            )
    return render(
        request,
        "archives/handover.html",
        {
            "bureau": bureau,
            "period": period,
            "listing": listing,
            "form": form,
            "batches": queries.visible_handovers(request.user)[:50],
            "start": start,
            "end": end,
        },
    )
