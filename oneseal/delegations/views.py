"""The delegation pages: the delegations a user sees and, for the bureau's signatories, the
form that issues a 委托书; a delegation's page (its sealed PDF, renewal, taking it back); the
statistics per township centre; and the public check of a 委托书 by its code."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from oneseal.actors import User
from oneseal.calendars.queries import today
from oneseal.cases.queries import is_scoped_staff
from oneseal.catalogue.models import Item, ItemVersion, TransferStatus
from oneseal.errors import DomainError
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Bureau, Role
from oneseal.organisation.rules import has_role, staff_of

from . import actions, queries
from .forms import DelegationForm, PeriodForm, RenewForm, RevokeForm
from .models import Delegation


def signing_bureau(user: User) -> Bureau | None:
    staff = staff_of(user)
    if staff is None or staff.bureau is None:
        return None
    return staff.bureau if has_role(user, Role.SIGNATORY, staff.bureau.region) else None


def delegable_items(bureau: Bureau, on: datetime.date) -> QuerySet[Item]:
    """The transferred items of the bureau's catalogue in force on `on`, named by that version."""
    versions = ItemVersion.objects.in_force(on).filter(
        item=OuterRef("pk"), transfer_status=TransferStatus.TRANSFERRED
    )
    return (
        Item.objects.filter(catalogue__region=bureau.region)
        .annotate(current_name=Subquery(versions.values("name")[:1]))
        .filter(current_name__isnull=False)
        .order_by("basic_code")
    )


@login_required
def delegation_list(request: HttpRequest) -> HttpResponseBase:
    if not is_scoped_staff(request.user):
        raise Http404()
    on = today()
    bureau = signing_bureau(request.user)
    form = None
    if bureau is not None:
        form = DelegationForm(
            request.POST or None,
            centres=queries.visible_centres(request.user).filter(bureau=bureau),
            items=delegable_items(bureau, on),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                delegation = actions.delegate(bureau, actor=request.user, **data)
            except DomainError as e:
                add_domain_error(form, e)
            else:
                messages.success(
                    request, _("已签发委托书{number}").format(number=delegation.number)
                )
                return redirect("delegations:detail", pk=delegation.pk)
    elif request.method == "POST":
        raise Http404()
    delegations = [
        (d, d.standing(on))
        for d in queries.visible_delegations(request.user).prefetch_related("items")[:200]
    ]
    return render(
        request, "delegations/list.html", {"delegations": delegations, "form": form, "on": on}
    )


@login_required
def delegation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = get_object_or_404(queries.visible_delegations(request.user), pk=pk)
    on = today()
    may_sign = has_role(request.user, Role.SIGNATORY, delegation.bureau.region)
    renew_form = revoke_form = None
    if may_sign and not actions.renew_blockers(delegation):
        renew_form = RenewForm(request.POST if "renew" in request.POST else None, prefix="renew")
        revoke_form = RevokeForm(
            request.POST if "revoke" in request.POST else None, prefix="revoke"
        )
    if request.method == "POST":
        if not may_sign or renew_form is None or revoke_form is None:
            raise Http404()
        try:
            if "renew" in request.POST and renew_form.is_valid():
                renewed = actions.renew(delegation, actor=request.user, **renew_form.cleaned_data)
                messages.success(request, _("已续期：{number}").format(number=renewed.number))
                return redirect("delegations:detail", pk=renewed.pk)
            if "revoke" in request.POST and revoke_form.is_valid():
                actions.revoke(delegation, actor=request.user, **revoke_form.cleaned_data)
                messages.success(request, _("已收回委托"))
                return redirect("delegations:detail", pk=delegation.pk)
        except DomainError as e:
            add_domain_error(renew_form if "renew" in request.POST else revoke_form, e)
    names = {
        v.item_id: v.name
        for v in ItemVersion.objects.in_force(min(on, delegation.valid_until)).filter(
            item__in=delegation.items.all()
        )
    }
    items = [(i, names.get(i.pk, i.basic_code)) for i in delegation.items.order_by("basic_code")]
    cases = delegation.service_centre.cases.filter(
        bureau=delegation.bureau,
        received_on__gte=delegation.valid_from,
        received_on__lte=delegation.valid_until,
        handling_item__item_version__item__in=delegation.items.all(),
    ).select_related("applicant", "handling_item")[:50]
    return render(
        request,
        "delegations/detail.html",
        {
            "delegation": delegation,
            "standing": delegation.standing(on),
            "items": items,
            "cases": cases,
            "renew_form": renew_form,
            "revoke_form": revoke_form,
        },
    )


@login_required
def delegation_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    delegation = get_object_or_404(queries.visible_delegations(request.user), pk=pk)
    if not delegation.file:
        raise Http404()
    return FileResponse(
        delegation.file.open("rb"),
        content_type="application/pdf",
        filename=f"{delegation.verification_code}.pdf",
    )


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    if not is_scoped_staff(request.user):
        raise Http404()
    on = today()
    form = PeriodForm(request.GET or None)
    start, end = on.replace(month=1, day=1), on
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    rows = queries.township_statistics(request.user, start, end, on=on)
    return render(
        request,
        "delegations/statistics.html",
        {"rows": rows, "form": form, "start": start, "end": end, "on": on},
    )


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone holding a 委托书 can check it: the centre, the scope, the period, the standing."""
    delegation = get_object_or_404(
        Delegation.objects.select_related("bureau", "service_centre"), verification_code=code
    )
    return render(
        request,
        "delegations/verify.html",
        {"delegation": delegation, "standing": delegation.standing(today())},
    )
