"""Pages of the marketplace: the public listing (no sign-in), the intermediary's own page
(its engagements, delivery by upload, its appeal against a suspension; works on a phone) and
the e-supervision listing of staff whose direct choices concentrate on one intermediary.
The applicant's page is `views_portal`, the staff's `views_staff`."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from oneseal.cases.queries import is_scoped_staff
from oneseal.errors import DomainError
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.rules import scope_prefix

from . import actions, queries, rules
from .forms import AppealForm, DeliverForm
from .models import Appeal, Intermediary


def listing(request: HttpRequest) -> HttpResponse:
    return render(
        request, "intermediaries/listing.html", {"intermediaries": queries.public_listing()}
    )


def _mine(
    request: HttpRequest,
    intermediary: Intermediary,
    *,
    form: DeliverForm | None = None,
    failed: int | None = None,
    appeal_form: AppealForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "intermediaries/mine.html",
        {
            "intermediary": intermediary,
            "engagements": queries.own_engagements(request.user),
            "form": form or DeliverForm(),
            "blank": DeliverForm(),
            "failed": failed,
            "appeal_form": appeal_form or AppealForm(),
            "appeals": intermediary.appeals.all(),
            "pending": intermediary.appeals.filter(outcome=Appeal.Outcome.PENDING).exists(),
        },
        status=status,
    )


@login_required
def mine(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    intermediary = queries.intermediary_of(request.user)
    if intermediary is None:
        raise Http404
    if request.method != "POST":
        return _mine(request, intermediary)
    engagement = get_object_or_404(queries.own_engagements(request.user), pk=pk)
    form = DeliverForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.deliver(engagement, actor=request.user, upload=form.cleaned_data["file"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("intermediaries:mine")
    return _mine(request, intermediary, form=form, failed=engagement.pk, status=400)


@login_required
@require_POST
def appeal(request: HttpRequest) -> HttpResponse:
    intermediary = queries.intermediary_of(request.user)
    if intermediary is None:
        raise Http404
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            actions.appeal(intermediary, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("intermediaries:mine")
    return _mine(request, intermediary, appeal_form=form, status=400)


@login_required
def steering(request: HttpRequest) -> HttpResponse:
    prefix = scope_prefix(request.user)
    if not is_scoped_staff(request.user) or prefix is None:
        raise Http404
    return render(
        request,
        "intermediaries/steering.html",
        {"flags": queries.steering(prefix), "test": rules.SteeringTest()},
    )
