"""The public register of licence decisions (no sign-in, portal style, phone first) with its
xlsx, and the staff page (clerks and signatories of a region: publish at once, withdraw with a
reason; overseers read). Every write is an action of `actions`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oneseal.calendars.queries import today
from oneseal.errors import DomainError, NotPermitted, ValidationFailed
from oneseal.interface.files import xlsx_response
from oneseal.interface.forms import add_domain_error

from . import actions, queries
from .forms import WithdrawForm
from .models import Kind, Publication
from .sheets import register_xlsx

PAGE_SIZE = 20
XLSX_LIMIT = 5000


def _query(request: HttpRequest) -> str:
    keep = request.GET.copy()
    keep.pop("page", None)
    keep.pop("format", None)
    return keep.urlencode()


@require_GET
def register(request: HttpRequest) -> HttpResponseBase:
    errors: dict = {}
    try:
        filters = queries.filters_from(request.GET)
    except ValidationFailed as error:
        errors, filters = error.fields, None
    rows = queries.public_register(filters) if filters else Publication.objects.none()
    if filters and request.GET.get("format") == "xlsx":
        return xlsx_response(
            register_xlsx(rows[:XLSX_LIMIT]),
            filename=_("行政许可公示.xlsx"),
            ascii_filename="publications.xlsx",
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "publications/register.html",
        {
            "page": page,
            "errors": errors,
            "q": request.GET.get("q", ""),
            "region": request.GET.get("region", ""),
            "kind": request.GET.get("kind", ""),
            "kinds": Kind.choices,
            "regions": queries.public_regions(),
            "filter_query": _query(request),
        },
        status=400 if errors else 200,
    )


# --- staff ----------------------------------------------------------------------------------


def _manage_page(
    request: HttpRequest, *, failed: tuple[int, WithdrawForm] | None = None, status: int = 200
) -> HttpResponse:
    try:
        filters = queries.filters_from(request.GET)
    except ValidationFailed:
        filters = queries.Filters()
    state = request.GET.get("state", "")
    rows = queries.staff_list(request.user, filters, state)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    on = today()
    for p in page.object_list:
        p.may_publish = p.state == Publication.State.PENDING and actions.may_publish(
            request.user, p
        )
        p.may_withdraw = p.state != Publication.State.WITHDRAWN and actions.may_withdraw(
            request.user, p
        )
        p.overdue = p.state == Publication.State.PENDING and p.due_on < on
        p.form = failed[1] if failed and failed[0] == p.pk else WithdrawForm(prefix=f"w{p.pk}")
    return render(
        request,
        "publications/manage.html",
        {
            "page": page,
            "q": request.GET.get("q", ""),
            "state": state,
            "states": Publication.State.choices,
            "filter_query": _query(request),
        },
        status=status,
    )


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    try:
        return _manage_page(request)
    except NotPermitted:
        raise Http404 from None


def _visible(request: HttpRequest, pk: int) -> Publication:
    try:
        return get_object_or_404(queries.visible_publications(request.user), pk=pk)
    except NotPermitted:
        raise Http404 from None


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _visible(request, pk)
    try:
        actions.publish(publication, actor=request.user, today=today())
    except DomainError as error:
        messages.error(request, str(error.message))
        return _manage_page(request, status=403 if isinstance(error, NotPermitted) else 400)
    messages.success(request, _("已公示：{number}").format(number=publication.licence_number))
    return redirect("publications:manage")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _visible(request, pk)
    form = WithdrawForm(request.POST, prefix=f"w{pk}")
    if form.is_valid():
        try:
            actions.withdraw(publication, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_error(form, error)
            status = 403 if isinstance(error, NotPermitted) else 400
            return _manage_page(request, failed=(pk, form), status=status)
        messages.success(
            request, _("已撤回公示：{number}").format(number=publication.licence_number)
        )
        return redirect("publications:manage")
    return _manage_page(request, failed=(pk, form), status=400)
