"""Pages of the expert pool: the pool and each expert (staff, by region), a case's expert
reviews with their draws (staff who see the case), and the expert's own page (their account,
their open assignments only). Every write is one action of `actions`; a refusal comes back
on its form, with status 400."""

import functools
from collections.abc import Callable
from typing import Any, cast

from django import forms as forms_
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oneseal.actors import Actor
from oneseal.calendars.queries import today
from oneseal.cases.models import Case, Upload
from oneseal.cases.queries import Viewer, is_scoped_staff, staff_sees, visible_cases
from oneseal.errors import DomainError
from oneseal.inspections.queries import expert_inspections
from oneseal.interface.forms import add_domain_error
from oneseal.regions.models import Region

from . import actions, forms, queries
from .models import Assignment, Expert, ExpertField, ExpertReview

PAGE_SIZE = 50


def staff_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_scoped_staff(request.user):
            raise PermissionDenied(_("专家库仅供行政审批局工作人员使用"))
        return view(request, *args, **kwargs)

    return wrapped


def _posted_id(request: HttpRequest, name: str) -> int:
    """A posted row id, or 0 (which matches nothing) for anything that is not one."""
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else 0


def _try(form: forms_.Form, call: Callable[[dict], object]) -> bool:
    """Run the action when the form parsed; put its refusal on the form."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except DomainError as error:
        add_domain_error(form, error)
        return False
    return True


# --- the pool ------------------------------------------------------------------------------


def _home_region(user: Actor) -> Region | None:
    from oneseal.organisation.rules import staff_of

    staff = staff_of(user)
    return staff.region if staff is not None else None


@staff_page
def pool(request: HttpRequest) -> HttpResponse:
    region = _home_region(request.user)
    may_register = region is not None and actions.may_keep_pool(request.user, region)
    form = forms.ExpertForm(request.POST or None) if may_register else None
    if request.method == "POST":
        if form is None or region is None:
            raise PermissionDenied
        holder: dict[str, Expert] = {}

        def register(data: dict) -> None:
            holder["expert"] = actions.register_expert(
                actor=request.user,
                region=region,
                name=data["name"],
                id_number=data["id_number"],
                fields=list(data["fields"]),
                title=data["title"],
                employer_name=data["employer_name"],
                employer_credit_code=data["employer_credit_code"],
                phone=data["phone"],
                email=data["email"],
            )

        if _try(form, register):
            messages.success(request, _("专家已入库"))
            return redirect("experts:expert", holder["expert"].pk)
    field, status, q = (request.GET.get(k, "").strip() for k in ("field", "status", "q"))
    experts = queries.pool(
        request.user,
        field=field,
        status=status if status in Expert.Status.values else "",
        q=q[:50],
    )
    page = Paginator(experts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "experts/pool.html",
        {
            "page": page,
            "form": form,
            "fields": ExpertField.objects.order_by("code"),
            "statuses": Expert.Status.choices,
            "filters": {"field": field, "status": status, "q": q},
        },
        status=400 if request.method == "POST" else 200,
    )


EXPERT_FORMS = {
    "edit": forms.EditExpertForm,
    "unavailable": forms.UnavailabilityForm,
    "declare": forms.DeclarationForm,
    "suspend": forms.ReasonForm,
    "reinstate": None,
    "account": forms.AccountForm,
}


def _expert_call(request: HttpRequest, expert: Expert, op: str) -> Callable[[dict], object]:
    user = request.user
    return {
        "edit": lambda d: actions.update_expert(
            expert,
            actor=user,
            fields=list(d["fields"]),
            title=d["title"],
            employer_name=d["employer_name"],
            employer_credit_code=d["employer_credit_code"],
            phone=d["phone"],
            email=d["email"],
        ),
        "unavailable": lambda d: actions.add_unavailability(
            expert, actor=user, starts_on=d["starts_on"], ends_on=d["ends_on"], reason=d["reason"]
        ),
        "declare": lambda d: actions.declare_expert_conflict(
            expert,
            actor=user,
            relative_name=d["relative_name"],
            relation=d["relation"],
            number=d["number"],
        ),
        "suspend": lambda d: actions.suspend_expert(expert, actor=user, reason=d["reason"]),
        "reinstate": lambda d: actions.reinstate_expert(expert, actor=user),
        "account": lambda d: actions.open_account(
            expert, actor=user, username=d["username"], password=d["password"]
        ),
    }[op]


def _expert_forms(expert: Expert) -> dict:
    return {
        "edit": forms.EditExpertForm(
            initial={
                "fields": list(expert.fields.all()),
                "title": expert.title,
                "employer_name": expert.employer_name,
                "employer_credit_code": expert.employer_credit_code,
                "phone": expert.phone,
                "email": expert.email,
            },
            prefix="edit",
        ),
        "unavailable": forms.UnavailabilityForm(prefix="unavailable"),
        "declare": forms.DeclarationForm(prefix="declare"),
        "suspend": forms.ReasonForm(prefix="suspend"),
        "account": forms.AccountForm(prefix="account"),
    }


@staff_page
def expert_page(request: HttpRequest, pk: int, op: str = "") -> HttpResponse:
    expert = get_object_or_404(queries.visible_experts(request.user), pk=pk)
    page_forms = _expert_forms(expert)
    status = 200
    if request.method == "POST":
        if op not in EXPERT_FORMS:
            raise Http404
        form_class = EXPERT_FORMS[op]
        form = form_class(request.POST, prefix=op) if form_class else None
        call = _expert_call(request, expert, op)
        if form is None:
            try:
                call({})
            except DomainError as error:
                messages.error(request, str(error.message))
            return redirect("experts:expert", expert.pk)
        if _try(form, call):
            messages.success(request, _("已保存"))
            return redirect("experts:expert", expert.pk)
        page_forms[op] = form
        status = 400
    return render(
        request,
        "experts/expert.html",
        {
            "expert": expert,
            "record": queries.expert_record(expert),
            "forms": page_forms,
            "may_keep": actions.may_keep_pool(request.user, expert.region),
            "failed": op if status == 400 else "",
        },
        status=status,
    )


# --- a case's expert reviews -----------------------------------------------------------------


def _staff_case(user: Viewer, pk: int) -> Case:
    case = get_object_or_404(
        visible_cases(user).select_related("region", "applicant", "handling_item__item_version"),
        pk=pk,
    )
    if not staff_sees(user, case):
        raise Http404
    return case


def _case_context(request: HttpRequest, case: Case, **overrides: Any) -> dict:
    on = today()
    reviews = queries.reviews_of(case)
    may_act = actions.may_keep_pool(request.user, case.region)
    context = {
        "case": case,
        "rows": queries.review_rows(reviews),
        "may_act": may_act,
        "open_blockers": actions.open_review_blockers(case),
        "open_form": forms.OpenReviewForm(
            initial={"on": on.isoformat(), "ends_on": "", "experts_needed": 3}, prefix="open"
        ),
        "appoint_choices": list(queries.visible_experts(request.user).filter(status="active"))
        if may_act
        else [],
        "failed": "",
        "failed_form": None,
        "failed_target": "",
    }
    context.update(overrides)
    return context


@staff_page
@require_GET
def case_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    case = _staff_case(request.user, pk)
    return render(request, "experts/case.html", _case_context(request, case))


CASE_FORMS = {
    "open": forms.OpenReviewForm,
    "draw-more": None,
    "appoint": forms.AppointForm,
    "remove": forms.ReasonForm,
    "conclude": forms.ConcludeForm,
    "rate": forms.RateForm,
    "fee": forms.FeeForm,
}


@staff_page
@require_POST
def case_act(request: HttpRequest, pk: int, op: str) -> HttpResponse:
    case = _staff_case(request.user, pk)
    if op not in CASE_FORMS:
        raise Http404
    user = request.user
    review: ExpertReview | None = None
    assignment: Assignment | None = None
    if op in ("draw-more", "appoint", "conclude"):
        review = get_object_or_404(ExpertReview, case=case, pk=_posted_id(request, "review"))
    if op in ("remove", "rate", "fee"):
        assignment = get_object_or_404(
            Assignment.objects.select_related("expert"),
            review__case=case,
            pk=_posted_id(request, "assignment"),
        )
    form_class = CASE_FORMS[op]
    form = form_class(request.POST, prefix=op) if form_class else None

    def call(d: dict) -> None:
        # `review` or `assignment` was loaded above for each op that names one.
        if op == "open":
            actions.open_review(
                case,
                actor=user,
                field=d["field"],
                experts_needed=d["experts_needed"],
                subject=d["subject"],
                ends_on=d["ends_on"],
                on=d["on"],
            )
        elif op == "draw-more":
            actions.draw_more(cast(ExpertReview, review), actor=user)
        elif op == "appoint":
            expert = queries.visible_experts(user).filter(pk=d["expert"]).first()
            if expert is None:
                from oneseal.errors import ValidationFailed

                raise ValidationFailed(fields={"expert": [_("请选择专家")]})
            actions.appoint_expert(
                cast(ExpertReview, review), expert, actor=user, reason=d["reason"]
            )
        elif op == "remove":
            actions.remove_expert(cast(Assignment, assignment), actor=user, reason=d["reason"])
        elif op == "conclude":
            actions.conclude_review(
                cast(ExpertReview, review), actor=user, conclusion=d["conclusion"], on=d["on"]
            )
        elif op == "rate":
            actions.rate_expert(
                cast(Assignment, assignment), actor=user, rating=d["rating"], note=d["note"]
            )
        elif op == "fee":
            actions.record_fee(
                cast(Assignment, assignment), actor=user, amount=d["amount"], paid_on=d["paid_on"]
            )

    if form is None:
        try:
            call({})
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect("experts:case", case.pk)
        messages.success(request, _("已完成"))
        return redirect("experts:case", case.pk)
    if _try(form, call):
        messages.success(request, _("已完成"))
        return redirect("experts:case", case.pk)
    loaded = review or assignment
    target = loaded.pk if loaded is not None else ""
    context = _case_context(request, case, failed=op, failed_form=form, failed_target=str(target))
    if op == "open":
        context["open_form"] = form
    return render(request, "experts/case.html", context, status=400)


# --- the expert's own page -------------------------------------------------------------------


@login_required
def mine(request: HttpRequest, op: str = "") -> HttpResponse:
    """The expert's own page; they may also tell the pool when they are away and declare
    their relatives and related organisations."""
    expert = queries.expert_of(request.user)
    if expert is None:
        raise Http404
    own_forms = {
        "unavailable": forms.UnavailabilityForm(prefix="unavailable"),
        "declare": forms.DeclarationForm(prefix="declare"),
    }
    status = 200
    if request.method == "POST":
        if op not in own_forms:
            raise Http404
        form = type(own_forms[op])(request.POST, prefix=op)
        call = {
            "unavailable": lambda d: actions.add_unavailability(
                expert,
                actor=request.user,
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                reason=d["reason"],
            ),
            "declare": lambda d: actions.declare_expert_conflict(
                expert,
                actor=request.user,
                relative_name=d["relative_name"],
                relation=d["relation"],
                number=d["number"],
            ),
        }[op]
        if _try(form, call):
            messages.success(request, _("已保存"))
            return redirect("experts:mine")
        own_forms[op], status = form, 400
    elif request.method != "GET":
        raise Http404
    return render(
        request,
        "experts/mine.html",
        {
            "expert": expert,
            "open": list(queries.own_assignments(request.user)),
            "inspections": expert_inspections(request.user),
            "finished": list(queries.finished_assignments(request.user)[:50]),
            "forms": own_forms,
            "failed": op if status == 400 else "",
        },
        status=status,
    )


def _own(request: HttpRequest, pk: int) -> Assignment:
    return get_object_or_404(queries.own_assignments(request.user), pk=pk)


def _assignment_context(request: HttpRequest, assignment: Assignment, **overrides: Any) -> dict:
    case = assignment.review.case
    context = {
        "a": assignment,
        "review": assignment.review,
        "case": case,
        "materials": list(case.materials.select_related("material").prefetch_related("uploads"))
        if assignment.state == Assignment.State.ACCEPTED
        else [],
        "decline_form": forms.DeclineForm(prefix="decline"),
        "opinion_form": forms.OpinionForm(prefix="opinion"),
    }
    context.update(overrides)
    return context


@login_required
def assignment_page(request: HttpRequest, pk: int, op: str = "") -> HttpResponse:
    assignment = _own(request, pk)
    if request.method == "GET":
        return render(request, "experts/assignment.html", _assignment_context(request, assignment))
    if request.method != "POST":
        raise Http404
    user = request.user
    if op == "accept":
        try:
            actions.accept_invitation(assignment, actor=user)
        except DomainError as error:
            messages.error(request, str(error.message))
        return redirect("experts:assignment", assignment.pk)
    if op == "decline":
        form = forms.DeclineForm(request.POST, prefix="decline")
        if _try(
            form, lambda d: actions.decline_invitation(assignment, actor=user, reason=d["reason"])
        ):
            messages.success(request, _("已谢绝，系统已重新抽取专家"))
            return redirect("experts:mine")
        context = _assignment_context(request, assignment, decline_form=form)
        return render(request, "experts/assignment.html", context, status=400)
    if op == "opinion":
        opinion_form = forms.OpinionForm(request.POST, prefix="opinion")
        if _try(
            opinion_form,
            lambda d: actions.submit_opinion(
                assignment,
                actor=user,
                opinion=d["opinion"],
                score=d["score"],
                conclusion=d["conclusion"],
            ),
        ):
            messages.success(request, _("评审意见已提交"))
            return redirect("experts:mine")
        context = _assignment_context(request, assignment, opinion_form=opinion_form)
        return render(request, "experts/assignment.html", context, status=400)
    raise Http404


@login_required
@require_GET
def assignment_file(request: HttpRequest, pk: int, upload: int) -> HttpResponseBase:
    """A material's file of the case, for an expert who accepted and has not yet given the
    opinion."""
    assignment = _own(request, pk)
    if assignment.state != Assignment.State.ACCEPTED:
        raise Http404
    found = get_object_or_404(Upload, pk=upload, case_material__case_id=assignment.review.case_id)
    response = FileResponse(
        found.file.open("rb"), content_type=found.content_type, filename=found.original_name
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
