"""Pages of the marketplace: the public listing (no sign-in), the intermediary's own page
(its engagements, delivery by upload; works on a phone) and the e-supervision listing of
staff whose direct choices concentrate on one intermediary."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from oneseal.cases.queries import is_scoped_staff
from oneseal.errors import DomainError
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.rules import scope_prefix

from . import actions, queries, rules


class DeliverForm(forms.Form):
    file = forms.FileField(label=_("服务成果文件"))


def listing(request):
    return render(
        request, "intermediaries/listing.html", {"intermediaries": queries.public_listing()}
    )


@login_required
def mine(request, pk: int | None = None):
    intermediary = queries.intermediary_of(request.user)
    if intermediary is None:
        raise Http404
    engagements = queries.own_engagements(request.user)
    status, failed, form = 200, None, DeliverForm()
    if request.method == "POST":
        engagement = get_object_or_404(engagements, pk=pk)
        form = DeliverForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actions.deliver(engagement, actor=request.user, upload=form.cleaned_data["file"])
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return redirect("intermediaries:mine")
        status, failed = 400, engagement.pk
    return render(
        request,
        "intermediaries/mine.html",
        {
            "intermediary": intermediary,
            "engagements": engagements,
            "form": form,
            "blank": DeliverForm(),
            "failed": failed,
        },
        status=status,
    )


@login_required
def steering(request):
    prefix = scope_prefix(request.user)
    if not is_scoped_staff(request.user) or prefix is None:
        raise Http404
    return render(
        request,
        "intermediaries/steering.html",
        {"flags": queries.steering(prefix), "test": rules.SteeringTest()},
    )
