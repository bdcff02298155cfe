"""Rating pages. The applicant's side: rate a finished case of their own and see their
ratings with the bureau's answer. The staff side: the region's ratings, and the follow-ups of
bad ratings (overdue first) with the answer and assignment forms. A refused request answers
404 and reveals nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oneseal.actors import stored_user
from oneseal.calendars.queries import today as business_today
from oneseal.cases.queries import is_scoped_staff
from oneseal.errors import DomainError
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, staff_of
from oneseal.regions.models import Region

from . import actions, queries, rules
from .forms import AnswerForm, AssignForm, PolicyForm, RateForm
from .models import FollowUp, Rating


def _reason_labels(rating: Rating) -> list[str]:
    return [str(rules.REASON_LABELS.get(code, code)) for code in rating.reasons]


# --- the public figures --------------------------------------------------------------------


def public(request: HttpRequest, region_code: str) -> HttpResponse:
    """好差评公示: a county's figures for anyone, the same counts the staff list shows."""
    region = get_object_or_404(Region, code=region_code)
    figures = queries.public_figures(region)
    per_score = [(label, figures.summary.per_score[s]) for s, label in rules.SCORES.items()]
    return render(
        request,
        "ratings/public.html",
        {"region": region, "figures": figures, "per_score": per_score},
    )


# --- the applicant's side -----------------------------------------------------------------


@login_required
def rate(request: HttpRequest, case_id: int) -> HttpResponse:
    case = queries.own_case(request.user, case_id)
    if case is None:
        raise Http404()
    rating = queries.rating_rows(Rating.objects.filter(case=case)).first()
    blockers = [] if rating else actions.rate_blockers(case)
    form = RateForm(request.POST or None)
    if request.method == "POST" and not rating and form.is_valid():
        try:
            rating = actions.rate(case, actor=request.user, **form.cleaned_data)
        except DomainError as e:
            add_domain_error(form, e)
        else:
            if rating.is_bad:
                messages.success(
                    request,
                    _("感谢您的评价。我们将核实整改，并在{date}前答复您。").format(
                        date=f"{rating.follow_up.due_on:%Y年%-m月%-d日}"
                    ),
                )
            else:
                messages.success(request, _("感谢您的评价。"))
            return redirect("ratings:rate", case_id=case.pk)
    return render(
        request,
        "ratings/rate.html",
        {
            "case": case,
            "rating": rating,
            "blockers": blockers,
            "form": form,
            "reason_labels": _reason_labels(rating) if rating else [],
            "scores": rules.SCORES,
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    ratings = list(
        queries.rating_rows(Rating.objects.filter(applicant__user=stored_user(request.user)))
    )
    for r in ratings:
        r.reason_labels = _reason_labels(r)
    return render(request, "ratings/mine.html", {"ratings": ratings})


# --- the staff side -----------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if not is_scoped_staff(request.user):
        raise PermissionDenied(_("只有工作人员可以查看好差评"))


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    qs = queries.visible_ratings(request.user).exclude(applicant__user=stored_user(request.user))
    band = request.GET.get("band")
    summary = queries.summary(qs)
    if band in rules.REASONS:
        scores = [s for s in rules.SCORES if rules.band(s) == band]
        qs = qs.filter(score__in=scores)
    ratings = list(queries.rating_rows(qs)[:200])
    for r in ratings:
        r.reason_labels = _reason_labels(r)
    return render(
        request,
        "ratings/list.html",
        {
            "ratings": ratings,
            "summary": summary,
            "band": band if band in rules.REASONS else "",
            "bands": rules.BAND_LABELS,
        },
    )


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    today = business_today()
    qs = queries.staff_follow_ups(request.user)
    late = list(queries.overdue(qs, today))
    open_ = list(qs.filter(state=FollowUp.FollowUpState.OPEN, due_on__gte=today))
    answered = list(
        qs.filter(state=FollowUp.FollowUpState.ANSWERED).order_by("-answered_on", "-id")[:50]
    )
    staff = staff_of(request.user)
    policy = None
    if staff and staff.bureau and has_role(request.user, Role.SIGNATORY, staff.bureau.region):
        policy = PolicyForm(initial={"answer_days": actions.answer_days(staff.bureau)})
    return render(
        request,
        "ratings/follow_ups.html",
        {
            "late": late,
            "open": open_,
            "answered": answered,
            "today": today,
            "policy": policy,
        },
    )


def _follow_up(request: HttpRequest, pk: int) -> FollowUp:
    return get_object_or_404(
        queries.staff_follow_ups(request.user).select_related("rating__case__region"), pk=pk
    )


@login_required
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    item = _follow_up(request, pk)
    answer = AnswerForm(request.POST or None) if request.method == "POST" else AnswerForm()
    if request.method == "POST" and answer.is_valid():
        try:
            actions.answer_follow_up(item, actor=request.user, answer=answer.cleaned_data["answer"])
        except DomainError as e:
            add_domain_error(answer, e)
        else:
            messages.success(request, _("已回复。"))
            return redirect("ratings:follow_up", pk=item.pk)
    can_answer = actions.may_answer(request.user, item)
    can_assign = actions.may_assign(request.user, item)
    return render(
        request,
        "ratings/follow_up.html",
        {
            "item": item,
            "rating": item.rating,
            "reason_labels": _reason_labels(item.rating),
            "answer_form": answer if can_answer else None,
            "assign_form": AssignForm(
                candidates=actions.assignees_for(item), initial={"assignee": item.assignee_id}
            )
            if can_assign
            else None,
            "overdue": queries.is_overdue(item, business_today()),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    item = _follow_up(request, pk)
    form = AssignForm(request.POST, candidates=actions.assignees_for(item))
    if not form.is_valid():
        messages.error(request, _("承办人：{message}").format(message=form.errors["assignee"][0]))
    else:
        try:
            actions.assign_follow_up(
                item, actor=request.user, assignee=form.cleaned_data["assignee"]
            )
        except DomainError as e:
            messages.error(request, str(e.fields.get("assignee", [e.message])[0]))
        else:
            messages.success(request, _("已交办。"))
    return redirect("ratings:follow_up", pk=item.pk)


@login_required
@require_POST
def policy(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None or staff.bureau is None:
        raise Http404()
    form = PolicyForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("差评回复时限：{message}").format(message=form.errors["answer_days"][0])
        )
    else:
        try:
            actions.set_answer_days(
                staff.bureau, actor=request.user, days=form.cleaned_data["answer_days"]
            )
        except DomainError as e:
            messages.error(
                request,
                _("差评回复时限：{message}").format(
                    message=e.fields.get("answer_days", [e.message])[0]
                ),
            )
        else:
            messages.success(request, _("已保存差评回复时限。"))
    return redirect("ratings:follow_ups")
