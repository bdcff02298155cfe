"""Staff pages of the marketplace (workbench style): the register of intermediaries with their
qualifications, published fees and promised times, accounts and standing (suspend, reinstate,
remove, each with a reason); the services and the 中介服务事项清单; the appeals against
suspension. Any scoped staff member reads the intermediaries of their regions; only a catalogue
administrator of the region changes anything (the actions check). No page here chooses an
intermediary for an applicant: that is the applicant's own page."""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oneseal.calendars.queries import today
from oneseal.cases.queries import is_scoped_staff
from oneseal.catalogue.models import HandlingItem, ItemVersion
from oneseal.errors import DomainError
from oneseal.interface.forms import add_domain_error
from oneseal.interface.rows import shown_with
from oneseal.organisation.rules import scope_prefix, staff_of
from oneseal.regions.models import Region

from . import actions, forms, queries
from .models import Engagement, Intermediary, ItemService, Service

View = Callable[..., HttpResponse]


def staff_page(view: View) -> View:
    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_scoped_staff(request.user):
            raise PermissionDenied(_("中介超市管理仅供行政审批局工作人员使用"))
        return view(request, *args, **kwargs)

    return wrapped


def _home_region(request: HttpRequest) -> Region | None:
    staff = staff_of(request.user)
    return staff.region if staff is not None else None


def _try(form: Form, call: Callable[[dict[str, Any]], object]) -> bool:
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except DomainError as error:
        add_domain_error(form, error)
        return False
    return True


# --- the register ---------------------------------------------------------------------------


@staff_page
def manage(request: HttpRequest) -> HttpResponse:
    region = _home_region(request)
    may_register = region is not None and actions.may_keep_market(request.user, region)
    form = forms.RegisterForm(request.POST or None) if may_register else None
    if request.method == "POST":
        if form is None or region is None:
            raise PermissionDenied
        made: dict[str, Intermediary] = {}

        def register(d: dict[str, Any]) -> None:
            made["row"] = actions.register_intermediary(
                actor=request.user,
                name=d["name"],
                credit_code=d["credit_code"],
                region=region,
                phone=d["phone"],
            )

        if _try(form, register):
            messages.success(request, _("中介机构已入驻"))
            return redirect("intermediaries:manage-detail", made["row"].pk)
    status = request.GET.get("status", "")
    rows = queries.managed(request.user).prefetch_related("offers__service").order_by("name")
    if status in Intermediary.Status.values:
        rows = rows.filter(status=status)
    listed = list(rows)
    table = queries.standings([i.pk for i in listed])
    for i in listed:
        shown_with(i, standing=table.get(i.pk, queries.Standing()))
    return render(
        request,
        "intermediaries/manage.html",
        {
            "rows": listed,
            "form": form,
            "statuses": Intermediary.Status.choices,
            "status": status,
            "pending_appeals": queries.appeals(request.user).filter(outcome="pending").count(),
        },
        status=400 if request.method == "POST" else 200,
    )


DETAIL_FORMS: dict[str, type[Form]] = {
    "qualification": forms.QualificationForm,
    "offer": forms.OfferForm,
    "account": forms.AccountForm,
    "suspend": forms.ReasonForm,
    "reinstate": forms.ReasonForm,
    "remove": forms.ReasonForm,
}


def _call(request: HttpRequest, row: Intermediary, op: str) -> Callable[[dict[str, Any]], object]:
    user = request.user
    calls: dict[str, Callable[[dict[str, Any]], object]] = {
        "qualification": lambda d: actions.add_qualification(
            row,
            actor=user,
            kind=d["kind"],
            level=d["level"],
            valid_from=d["valid_from"],
            valid_to=d["valid_to"],
        ),
        "offer": lambda d: actions.publish_offer(
            row, actor=user, service=d["service"], fee=d["fee"], promised_days=d["promised_days"]
        ),
        "account": lambda d: actions.open_account(
            row, actor=user, username=d["username"], password=d["password"]
        ),
        "suspend": lambda d: actions.suspend_intermediary(row, actor=user, reason=d["reason"]),
        "reinstate": lambda d: actions.reinstate_intermediary(row, actor=user, reason=d["reason"]),
        "remove": lambda d: actions.remove_intermediary(row, actor=user, reason=d["reason"]),
    }
    return calls[op]


@staff_page
def detail(request: HttpRequest, pk: int, op: str = "") -> HttpResponse:
    row = get_object_or_404(queries.managed(request.user), pk=pk)
    page_forms = {name: cls(prefix=name) for name, cls in DETAIL_FORMS.items()}
    status, failed = 200, ""
    if request.method == "POST":
        if op not in DETAIL_FORMS:
            raise Http404
        form = DETAIL_FORMS[op](request.POST, prefix=op)
        if _try(form, _call(request, row, op)):
            messages.success(request, _("已保存"))
            return redirect("intermediaries:manage-detail", row.pk)
        page_forms[op], status, failed = form, 400, op
    row.refresh_from_db()
    engagements = (
        Engagement.objects.filter(intermediary=row)
        .select_related("case", "service", "rating")
        .order_by("-starts_on", "-id")
    )
    return render(
        request,
        "intermediaries/manage_detail.html",
        {
            "row": row,
            "forms": page_forms,
            "failed": failed,
            "may_keep": actions.may_keep_market(request.user, row.region),
            "qualifications": row.qualifications.order_by("kind", "valid_to"),
            "offers": row.offers.select_related("service"),
            "engagements": engagements[:50],
            "standing": queries.standings([row.pk]).get(row.pk, queries.Standing()),
            "appeals": row.appeals.select_related("decided_by"),
            "today": today(),
        },
        status=status,
    )


# --- services and the 中介服务事项清单 -------------------------------------------------------------


def _items_in_scope(request: HttpRequest) -> Any:
    prefix = scope_prefix(request.user) or ""
    return HandlingItem.objects.filter(
        item_version__in=ItemVersion.objects.in_force(today()),
        item_version__item__catalogue__region__code__startswith=prefix,
    ).select_related("item_version")


@staff_page
def services(request: HttpRequest) -> HttpResponse:
    region = _home_region(request)
    may_keep = region is not None and actions.may_keep_market(request.user, region)
    posted_service = request.method == "POST" and request.POST.get("op") != "listing"
    service_form = forms.ServiceForm(request.POST if posted_service else None, prefix="service")
    item_id = request.GET.get("item", "")
    item = None
    if item_id.isascii() and item_id.isdigit() and len(item_id) < 12:
        item = _items_in_scope(request).filter(pk=int(item_id)).first()
    listing_form = forms.ListingForm(item, prefix="listing") if item is not None else None
    status = 200
    if request.method == "POST":
        if not may_keep or region is None:
            raise PermissionDenied
        if request.POST.get("op") == "listing":
            if item is None:
                raise Http404
            listing_form = forms.ListingForm(item, request.POST, prefix="listing")
            if _try(
                listing_form,
                lambda d: actions.list_service(
                    item, actor=request.user, service=d["service"], material=d["material"]
                ),
            ):
                messages.success(request, _("已列入中介服务事项清单"))
                return redirect("intermediaries:services")
        elif _try(
            service_form,
            lambda d: actions.create_service(
                actor=request.user,
                region=region,
                code=d["code"],
                name=d["name"],
                qualification_kind=d["qualification_kind"],
                procedure_kind=d["procedure_kind"],
            ),
        ):
            messages.success(request, _("中介服务已添加"))
            return redirect("intermediaries:services")
        status = 400
    q = request.GET.get("q", "").strip()[:50]
    found = (
        list(_items_in_scope(request).filter(Q(name__contains=q) | Q(code__contains=q))[:20])
        if q
        else []
    )
    prefix = scope_prefix(request.user) or ""
    listings = (
        ItemService.objects.filter(
            handling_item__item_version__item__catalogue__region__code__startswith=prefix
        )
        .select_related("handling_item__item_version", "service", "material")
        .order_by("handling_item__name", "service__name")
    )
    return render(
        request,
        "intermediaries/services.html",
        {
            "services": Service.objects.order_by("code"),
            "listings": listings,
            "service_form": service_form if may_keep else None,
            "listing_form": listing_form if may_keep else None,
            "item": item,
            "q": q,
            "found": found,
            "may_keep": may_keep,
        },
        status=status,
    )


# --- appeals --------------------------------------------------------------------------------


@staff_page
def appeals(request: HttpRequest) -> HttpResponse:
    return render(request, "intermediaries/appeals.html", {"rows": _appeal_rows(request)})


def _appeal_rows(request: HttpRequest, failed: forms.DecideAppealForm | None = None) -> list:
    """The appeals page's rows, each with its decision form (the one that failed keeps what
    was typed and its errors) and whether this user may decide it."""
    return [
        shown_with(
            a,
            form=failed
            if failed is not None and failed.prefix == f"a{a.pk}"
            else forms.DecideAppealForm(prefix=f"a{a.pk}"),
            may_decide=actions.may_keep_market(request.user, a.intermediary.region),
        )
        for a in queries.appeals(request.user)[:100]
    ]


@staff_page
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(queries.appeals(request.user), pk=pk)
    form = forms.DecideAppealForm(request.POST, prefix=f"a{row.pk}")
    if _try(
        form,
        lambda d: actions.decide_appeal(
            row, actor=request.user, upheld=d["upheld"], answer=d["answer"]
        ),
    ):
        messages.success(request, _("申诉已处理"))
        return redirect("intermediaries:appeals")
    return render(
        request, "intermediaries/appeals.html", {"rows": _appeal_rows(request, form)}, status=400
    )
