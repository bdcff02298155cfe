"""The applicant's marketplace page for one of their cases (portal style, phone first): the
services the case's item needs, the qualified intermediaries with fees, promised times and
ratings, the choice (direct, random draw, lowest quote), the engagement as contracted and its
rating once delivered. The case comes only from the applicants the account acts for; anyone
else's is a 404. Every write is one action, which itself refuses anybody but the applicant to
rate and records how the intermediary was chosen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oneseal.applicants.queries import represented
from oneseal.calendars.queries import today
from oneseal.cases.models import Case
from oneseal.cases.queries import visible_cases
from oneseal.errors import DomainError
from oneseal.interface.forms import add_domain_error
from oneseal.interface.rows import shown_with

from . import actions, queries
from .forms import ChooseForm, RateForm
from .models import Engagement, Intermediary, ItemService

signed_in = login_required(login_url="portal:signin")


def own_case(request: HttpRequest, pk: int) -> Case:
    case = (
        visible_cases(request.user)
        .filter(applicant__in=represented(request.user), pk=pk)
        .select_related("applicant", "handling_item", "region")
        .first()
    )
    if case is None:
        raise Http404(_("办件不存在"))
    return case


def _page(
    request: HttpRequest,
    case: Case,
    *,
    choose: tuple[int, ChooseForm] | None = None,
    rate: tuple[int, RateForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    needed = queries.needed_services(case, today())
    for n in needed:
        shown_with(
            n,
            form=choose[1]
            if choose and choose[0] == n.listing.service_id
            else ChooseForm(prefix=f"s{n.listing.service_id}", initial={"method": "random"}),
        )
        for e in n.engagements:
            shown_with(
                e,
                form=rate[1] if rate and rate[0] == e.pk else RateForm(prefix=f"e{e.pk}"),
                rateable=e.status == Engagement.Status.DELIVERED and not hasattr(e, "rating"),
            )
    return render(
        request,
        "intermediaries/case.html",
        {"case": case, "needed": needed, "open": case.is_open},
        status=status,
    )


@signed_in
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, own_case(request, pk))


@signed_in
@require_POST
def choose(request: HttpRequest, pk: int, service: int) -> HttpResponse:
    case = own_case(request, pk)
    listing = get_object_or_404(
        ItemService.objects.select_related("service"),
        handling_item=case.handling_item_id,
        service_id=service,
    )
    form = ChooseForm(request.POST, prefix=f"s{service}")
    if form.is_valid():
        chosen = None
        if form.cleaned_data["intermediary"]:
            chosen = Intermediary.objects.filter(pk=form.cleaned_data["intermediary"]).first()
            if chosen is None:
                form.add_error("intermediary", _("没有该中介机构"))
        if form.is_valid():
            try:
                engagement = actions.engage(
                    case,
                    actor=request.user,
                    service=listing.service,
                    method=form.cleaned_data["method"],
                    intermediary=chosen,
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("已委托{name}（{method}），合同编号{number}").format(
                        name=engagement.intermediary.name,
                        method=engagement.get_method_display(),
                        number=engagement.contract_number,
                    ),
                )
                return redirect("intermediaries:case", case.pk)
    return _page(request, case, choose=(service, form), status=400)


@signed_in
@require_POST
def rate(request: HttpRequest, pk: int, engagement: int) -> HttpResponse:
    case = own_case(request, pk)
    row = get_object_or_404(case.engagements, pk=engagement)
    form = RateForm(request.POST, prefix=f"e{row.pk}")
    if form.is_valid():
        try:
            actions.rate(row, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("感谢您的评价"))
            return redirect("intermediaries:case", case.pk)
    return _page(request, case, rate=(row.pk, form), status=400)
