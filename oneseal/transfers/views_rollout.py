"""The rollout's pages: the city starts a rollout (counties, template, phases); a county's
page shows what the rollout set up (sections, accounts and their roles, the seal request) and
where its list stands, where the county files its list and the city accepts or returns it;
and the page where a starting account sets its first password through its one-time link.
Reads go through `rollout` (scoped by region: another county or city is a 404); every write
calls one action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from oneseal.errors import DomainError
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Role, Staff
from oneseal.organisation.rules import has_role, staff_of

from . import accounts, rollout
from .forms_rollout import PasswordForm, ReturnForm, StartForm, phase_lines
from .models import ListFiling


@login_required
@require_http_methods(["GET", "POST"])
def start(request):
    cities = rollout.startable_cities(request.user)
    wanted = request.POST.get("city") or request.GET.get("city")
    city = cities.filter(code=wanted).first() if wanted else cities.first()
    if city is None:
        raise Http404()
    counties = list(rollout.open_counties(city))
    form = StartForm(request.POST or None, counties=counties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [c for c in counties if c.code in set(data["counties"])]
        try:
            started = rollout.start_rollout(
                city,
                actor=request.user,
                name=data["name"],
                plan_document=data["plan_document"],
                counties=chosen,
                template=data["template"],
                milestones=phase_lines(data["milestones"]),
            )
        except DomainError as e:
            add_domain_error(form, e)
        else:
            messages.success(
                request,
                _("已为{n}个县（区）设立行政审批局、科室、初始账号和印章刻制申请").format(
                    n=len(chosen)
                ),
            )
            return redirect("transfers:rollout", pk=started.pk)
    return render(
        request,
        "transfers/rollout_start.html",
        {"form": form, "city": city, "cities": cities, "has_counties": bool(counties)},
    )


def _may_file(user, county) -> bool:
    staff = staff_of(user)
    own = getattr(user, "is_superuser", False) or (
        staff is not None and staff.region.code.startswith(county.region.prefix)
    )
    return own and (
        has_role(user, Role.SIGNATORY, county.region)
        or has_role(user, Role.ADMINISTRATOR, county.region)
    )


def _city_office(user, county) -> bool:
    city = county.rollout.reform.region
    return has_role(user, Role.ADMINISTRATOR, city) or has_role(user, Role.SIGNATORY, city)


def _act(request, found, what: str, return_form: ReturnForm):
    """Run the button's action; returns (staff member, link) when a link was issued."""
    if what == "file":
        rollout.file_list(found, actor=request.user)
        messages.success(request, _("目录已报送市级备案"))
    elif what in ("accept", "return"):
        filing = get_object_or_404(
            ListFiling.objects.filter(county=found), pk=request.POST.get("filing") or 0
        )
        if what == "accept":
            rollout.accept_filing(filing, actor=request.user)
            messages.success(request, _("已予备案"))
        else:
            rollout.return_filing(
                filing, actor=request.user, reasons=request.POST.get("reasons", "")
            )
            messages.success(request, _("已退回，并告知理由"))
    elif what == "link":
        member = get_object_or_404(
            Staff.objects.filter(bureau=found.bureau), pk=request.POST.get("staff") or 0
        )
        path = accounts.issue_link(member, actor=request.user)
        return member, request.build_absolute_uri(path)
    else:
        raise Http404()
    return None


@login_required
@require_http_methods(["GET", "POST"])
def county(request, pk: int):
    found = get_object_or_404(rollout.visible_counties(request.user), pk=pk)
    what = request.POST.get("do", "")
    return_form = ReturnForm(request.POST if what == "return" else None)
    issued = None
    if request.method == "POST":
        try:
            issued = _act(request, found, what, return_form)
        except DomainError as e:
            if what == "return":
                add_domain_error(return_form, e)
            else:
                for reason in e.reasons or [e.message]:
                    messages.error(request, str(reason))
        else:
            if issued is None:
                return redirect("transfers:rollout-county", pk=pk)
    setup = rollout.county_setup(found)
    pending = next((f for f in setup.filings if f.state == ListFiling.State.PENDING), None)
    return render(
        request,
        "transfers/rollout_county.html",
        {
            "setup": setup,
            "county": found,
            "pending": pending,
            "may_file": _may_file(request.user, found)
            and all(f.state == ListFiling.State.RETURNED for f in setup.filings),
            "may_decide": pending is not None and _city_office(request.user, found),
            "may_link": has_role(request.user, Role.ADMINISTRATOR, found.region),
            "return_form": return_form,
            "issued": issued,
        },
    )


@require_http_methods(["GET", "POST"])
def set_password(request, uidb64: str, token: str):
    user = accounts.account_of(uidb64, token)
    if user is None:
        return render(request, "transfers/set_password.html", {"invalid": True}, status=404)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.set_first_password(uidb64, token, **form.cleaned_data)
        except DomainError as e:
            add_domain_error(form, e)
        else:
            messages.success(request, _("密码已设置，请登录"))
            return redirect("login")
    return render(request, "transfers/set_password.html", {"form": form, "account": user})
