"""The linkage's pages.

- public: a region's duty boundary list, as a page and as xlsx;
- catalogue administrators: maintain the list per item;
- a department's supervisors: the inbox, a push (sign, feed back), a support request (answer);
- bureau staff: a case's linkage (pushes, feedback, support requests; ask for support; decide
  a revocation request);
- administrators: the dead-letter list and its replay.

Each view loads through a scoped query (another department's push is a 404 that says nothing),
parses a form, and calls one action; refusals come back as form errors."""

from typing import TYPE_CHECKING, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oneseal.actors import User
from oneseal.calendars.queries import today
from oneseal.cases.models import Case
from oneseal.cases.queries import visible_cases
from oneseal.catalogue.models import Catalogue, Item, ItemVersion
from oneseal.errors import DomainError, NotPermitted
from oneseal.interface.files import xlsx_response
from oneseal.interface.rows import shown_with
from oneseal.organisation.models import Department, Role
from oneseal.organisation.rules import has_role, scope_prefix
from oneseal.regions.models import Region

from . import actions, queries
from .actors import acting_department
from .forms import (
    AnswerForm,
    BoundaryForm,
    FeedbackForm,
    OpinionAnswerForm,
    OpinionRequestForm,
    OpinionWithdrawForm,
    RevocationDecisionForm,
    SupportRequestForm,
    add_domain_error,
)
from .models import (
    DutyBoundary,
    OpinionAttachment,
    OpinionRequest,
    Push,
    Scope,
    SupportAttachment,
    SupportKind,
    SupportRequest,
)
from .sheets import duty_boundaries_xlsx

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

_Row = TypeVar("_Row", Push, SupportRequest, OpinionRequest)
_File = TypeVar("_File", SupportAttachment, OpinionAttachment)


def _bureau_may_see(user: User, region_code: str) -> bool:
    """Bureau and oversight staff see the linkage of the cases of their region."""
    prefix = scope_prefix(user)
    staff_roles = (Role.CLERK, Role.REVIEWER, Role.SIGNATORY, Role.OVERSEER, Role.CATALOGUE_ADMIN)
    return (
        prefix is not None
        and region_code.startswith(prefix)
        and any(has_role(user, role) for role in staff_roles)
    )


# --- duty boundaries: public --------------------------------------------------------------


def boundaries(request: HttpRequest, region_code: str) -> HttpResponseBase:
    region = get_object_or_404(Region, code=region_code)
    rows = list(queries.duty_boundaries(region.code))
    names = queries.item_names([row.item_id for row in rows])
    for row in rows:
        shown_with(row, item_name=names.get(row.item_id, row.item.basic_code))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            duty_boundaries_xlsx(region, rows),
            filename=_("{region}审管职责边界清单.xlsx").format(region=region.name),
            ascii_filename=f"duty-boundaries-{region.code}.xlsx",
        )
    return render(
        request,
        "linkage/boundaries.html",
        {"region": region, "rows": rows, "kinds": SupportKind.choices},
    )


# --- duty boundaries: maintenance ---------------------------------------------------------


def _admin_catalogues(user: User) -> QuerySet[Catalogue]:
    prefix = scope_prefix(user)
    if prefix is None or not has_role(user, Role.CATALOGUE_ADMIN):
        raise PermissionDenied(_("您不是事项目录管理员"))
    return Catalogue.objects.filter(
        region__code__startswith=prefix, kind=Catalogue.Kind.LOCAL
    ).select_related("region")


@login_required
def boundaries_manage(request: HttpRequest) -> HttpResponse:
    catalogues = list(_admin_catalogues(request.user))
    items = (
        ItemVersion.objects.published()
        .latest_per_item()
        .filter(item__catalogue__in=catalogues, is_cancelled=False, transfer_status="transferred")
        .select_related(
            "item", "original_department", "item__duty_boundary__supervising_department"
        )
        .order_by("item__basic_code")
    )
    return render(
        request, "linkage/boundaries_manage.html", {"catalogues": catalogues, "versions": items}
    )


@login_required
def boundary_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(
        Item.objects.select_related("catalogue__region"),
        pk=item_id,
        catalogue__in=_admin_catalogues(request.user),
    )
    if not has_role(request.user, Role.CATALOGUE_ADMIN, item.catalogue.region):
        raise PermissionDenied(_("您不是该目录所在地区的事项目录管理员"))
    boundary = DutyBoundary.objects.filter(item=item).prefetch_related("support_duties").first()
    version = ItemVersion.objects.published().filter(item=item).order_by("-number").first()
    departments = Department.objects.filter(region__code__startswith=item.catalogue.region.prefix)
    initial = {}
    if boundary:
        initial = {
            "supervising_department": boundary.supervising_department,
            "bureau_duties": boundary.bureau_duties,
            "department_duties": boundary.department_duties,
            "coordination": boundary.coordination,
        }
        for duty in boundary.support_duties.all():
            initial[f"{duty.kind}_description"], initial[f"{duty.kind}_days"] = (
                duty.description,
                duty.limit_days,
            )
    elif version is not None:
        initial["supervising_department"] = version.original_department
    form = BoundaryForm(request.POST or None, initial=initial, departments=departments)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.save_duty_boundary(
                    item,
                    actor=request.user,
                    supervising_department=data["supervising_department"],
                    bureau_duties=data["bureau_duties"],
                    department_duties=data["department_duties"],
                    coordination=data["coordination"],
                    support_duties=form.support_duties(),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("职责边界清单已保存"))
                return redirect("linkage:boundaries-manage")
        status = 400
    return render(
        request,
        "linkage/boundary_edit.html",
        {"item": item, "version": version, "form": form, "kinds": SupportKind.choices},
        status=status,
    )


# --- the department's inbox ---------------------------------------------------------------


def _require_department(user: User, scope: str) -> Department:
    department = acting_department(user, scope)
    if department is None:
        raise PermissionDenied(_("您不是行业主管部门的监管人员"))
    return department


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    department = _require_department(request.user, Scope.PUSHES_READ)
    return render(
        request,
        "linkage/inbox.html",
        {"department": department, "today": today(), **queries.inbox(request.user, today=today())},
    )


def _load(user: User, pk: int, own: QuerySet[_Row], every: QuerySet[_Row]) -> tuple[_Row, bool]:
    """(row, whether the user acts for its department): `own` holds the rows of the user's
    department; bureau staff of the row's region may read it from `every`; anyone else, another
    department included, gets a 404 that says nothing."""
    row = own.filter(pk=pk).first()
    if row is not None:
        return row, True
    row = get_object_or_404(every, pk=pk)
    if not _bureau_may_see(user, row.region_code):
        raise Http404
    return row, False


def _attachment(files: QuerySet[_File], pk: int) -> FileResponse:
    row = get_object_or_404(files, pk=pk)
    return FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=row.original_name,
        content_type=row.content_type,
    )


def _load_push(user: User, pk: int) -> tuple[Push, bool]:
    return _load(
        user,
        pk,
        queries.department_pushes(user, Scope.PUSHES_READ),
        Push.objects.select_related("case", "licence", "department"),
    )


@login_required
def push_detail(request: HttpRequest, pk: int) -> HttpResponse:
    push, own = _load_push(request.user, pk)
    return _push_page(request, push, own=own, form=FeedbackForm(initial={"on": today()}))


def _push_page(
    request: HttpRequest, push: Push, *, own: bool, form: Form, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "linkage/push.html",
        {
            "push": push,
            "own": own,
            "form": form,
            "sign_blockers": actions.sign_blockers(push),
            "feedback": push.feedback.select_related("department").order_by("-on", "-id"),
        },
        status=status,
    )


@login_required
@require_POST
def push_sign(request: HttpRequest, pk: int) -> HttpResponse:
    push = get_object_or_404(queries.department_pushes(request.user, Scope.PUSHES_SIGN), pk=pk)
    try:
        actions.sign_push(push, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("已签收"))
    return redirect("linkage:push", pk=push.pk)


@login_required
@require_POST
def push_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    push = get_object_or_404(queries.department_pushes(request.user, Scope.FEEDBACK_WRITE), pk=pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.give_feedback(
                push,
                actor=request.user,
                kind=data["kind"],
                on=data["on"],
                summary=data["summary"],
                document_number=data["document_number"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("反馈已提交"))
            return redirect("linkage:push", pk=push.pk)
    return _push_page(request, push, own=True, form=form, status=400)


# --- technical support --------------------------------------------------------------------


def _load_support(user: User, pk: int) -> tuple[SupportRequest, bool]:
    return _load(
        user,
        pk,
        queries.department_support_requests(user, Scope.SUPPORT_READ),
        SupportRequest.objects.select_related("case", "department"),
    )


@login_required
def support_detail(request: HttpRequest, pk: int) -> HttpResponse:
    support, own = _load_support(request.user, pk)
    form = AnswerForm()
    status = 200
    if request.method == "POST":
        support = get_object_or_404(
            queries.department_support_requests(request.user, Scope.SUPPORT_ANSWER), pk=pk
        )
        form = AnswerForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actions.answer_support_request(
                    support,
                    actor=request.user,
                    result=form.cleaned_data["result"],
                    attachments=form.cleaned_data["attachments"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("已答复，办件恢复计时"))
                return redirect("linkage:support", pk=support.pk)
        status = 400
    return render(
        request,
        "linkage/support.html",
        {
            "support": support,
            "own": own,
            "form": form,
            "answer_blockers": actions.answer_blockers(support),
            "today": today(),
        },
        status=status,
    )


@login_required
def support_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    support, _own = _load_support(request.user, pk)
    return _attachment(SupportAttachment.objects.filter(request=support), file_pk)


# --- the bureau's view of a case ----------------------------------------------------------


def _bureau_case(request: HttpRequest, case_id: int) -> Case:
    case = get_object_or_404(
        visible_cases(request.user).select_related(
            "region", "handling_item__item_version", "applicant"
        ),
        pk=case_id,
    )
    if not _bureau_may_see(request.user, case.region_code):
        raise Http404
    return case


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    form: SupportRequestForm,
    opinion_form: OpinionRequestForm,
    status: int = 200,
) -> HttpResponse:
    """The bureau's linkage page of a case, with the support request and opinion request forms
    (either one bound when it was sent with an error)."""
    return render(
        request,
        "linkage/case.html",
        {
            "case": case,
            "linkage": queries.case_linkage(case),
            "form": form,
            "may_request": any(
                has_role(request.user, r, case.region) for r in (Role.REVIEWER, Role.SIGNATORY)
            ),
            "request_blockers": actions.request_support_blockers(case),
            "may_decide": has_role(request.user, Role.SIGNATORY, case.region),
            "decision_form": RevocationDecisionForm(),
            "opinion_form": opinion_form,
            "opinion_blockers": actions.request_opinion_blockers(case),
        },
        status=status,
    )


@login_required
def case_panel(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _bureau_case(request, case_id)
    departments = _departments_near(case)
    form = SupportRequestForm(request.POST or None, departments=departments)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                support = actions.request_support(
                    case,
                    actor=request.user,
                    kind=data["kind"],
                    department=data["department"],
                    days=data["days"],
                    details=data["details"],
                )
            except NotPermitted as error:
                raise PermissionDenied(str(error.message)) from error
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("技术支撑请求已发出，办件中止计时"))
                return redirect("linkage:support", pk=support.pk)
        status = 400
    return _case_page(
        request,
        case,
        form=form,
        opinion_form=OpinionRequestForm(departments=departments, prefix="opinion"),
        status=status,
    )


def _departments_near(case: Case) -> QuerySet[Department]:
    return Department.objects.filter(region__code__startswith=case.region_code[:6])


@login_required
@require_POST
def request_opinion(request: HttpRequest, case_id: int) -> HttpResponse:
    """A reviewer or signatory asks a department for its opinion on the case."""
    case = _bureau_case(request, case_id)
    departments = _departments_near(case)
    form = OpinionRequestForm(request.POST, departments=departments, prefix="opinion")
    if form.is_valid():
        data = form.cleaned_data
        try:
            opinion = actions.request_opinion(case, actor=request.user, **data)
        except NotPermitted as error:
            raise PermissionDenied(str(error.message)) from error
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("征求意见已发出"))
            return redirect("linkage:opinion", pk=opinion.pk)
    return _case_page(
        request,
        case,
        form=SupportRequestForm(departments=departments),
        opinion_form=form,
        status=400,
    )


# --- opinions (征求意见) ---------------------------------------------------------------------


def _load_opinion(user: User, pk: int) -> tuple[OpinionRequest, bool]:
    return _load(
        user,
        pk,
        queries.department_opinion_requests(user, Scope.OPINIONS_READ),
        OpinionRequest.objects.select_related(
            "case", "joint_step__project", "department"
        ).prefetch_related("attachments"),
    )


def _opinion_page(
    request: HttpRequest,
    opinion: OpinionRequest,
    *,
    own: bool,
    form: Form | None = None,
    withdraw_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    may_withdraw = not own and actions.may_withdraw_opinion(request.user, opinion)
    return render(
        request,
        "linkage/opinion.html",
        {
            "opinion": opinion,
            "own": own,
            "form": form or OpinionAnswerForm(),
            "withdraw_form": withdraw_form or OpinionWithdrawForm(),
            "answer_blockers": actions.answer_opinion_blockers(opinion),
            "may_withdraw": may_withdraw,
            "today": today(),
        },
        status=status,
    )


@login_required
def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opinion, own = _load_opinion(request.user, pk)
    if request.method != "POST":
        return _opinion_page(request, opinion, own=own)
    opinion = get_object_or_404(
        queries.department_opinion_requests(request.user, Scope.OPINIONS_ANSWER), pk=pk
    )
    form = OpinionAnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.answer_opinion(
                opinion,
                actor=request.user,
                conclusion=form.cleaned_data["conclusion"],
                reasons=form.cleaned_data["reasons"],
                attachments=form.cleaned_data["attachments"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("意见已答复"))
            return redirect("linkage:opinion", pk=opinion.pk)
    return _opinion_page(request, opinion, own=True, form=form, status=400)


@login_required
@require_POST
def opinion_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    opinion, own = _load_opinion(request.user, pk)
    if own:
        raise Http404
    form = OpinionWithdrawForm(request.POST)
    if form.is_valid():
        try:
            actions.withdraw_opinion_request(
                opinion, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except NotPermitted as error:
            raise PermissionDenied(str(error.message)) from error
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("征求意见已撤回"))
            return redirect("linkage:opinion", pk=opinion.pk)
    return _opinion_page(request, opinion, own=False, withdraw_form=form, status=400)


@login_required
def opinion_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    opinion, _own = _load_opinion(request.user, pk)
    return _attachment(OpinionAttachment.objects.filter(request=opinion), file_pk)


@login_required
@require_POST
def decide_revocation(request: HttpRequest, case_id: int, feedback_id: int) -> HttpResponse:
    case = get_object_or_404(visible_cases(request.user), pk=case_id)
    feedback = get_object_or_404(case.linkage_feedback, pk=feedback_id)
    form = RevocationDecisionForm(request.POST)
    if form.is_valid():
        try:
            actions.decide_revocation_request(
                feedback,
                actor=request.user,
                revoke=form.cleaned_data["decision"] == "revoke",
                note=form.cleaned_data["note"],
            )
        except NotPermitted as error:
            raise PermissionDenied(str(error.message)) from error
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("撤销建议已处理"))
    else:
        messages.error(request, _("请选择处理结果"))
    return redirect("linkage:case", case_id=case.pk)


# --- the dead letters ---------------------------------------------------------------------


def _may_replay_somewhere(user: "AuthUser | AnonymousUser") -> bool:
    return user.is_active and (user.is_superuser or user.has_perm("linkage.replay_outboxmessage"))


@login_required
def dead_letters(request: HttpRequest) -> HttpResponse:
    if not _may_replay_somewhere(request.user):
        raise PermissionDenied(_("您无权处理推送接口死信"))
    rows = queries.dead_letters(scope_prefix(request.user)).order_by("-dead_at", "-id")[:200]
    return render(request, "linkage/dead_letters.html", {"rows": rows})


@login_required
@require_POST
def replay(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_replay_somewhere(request.user):
        raise PermissionDenied(_("您无权处理推送接口死信"))
    message = get_object_or_404(queries.dead_letters(scope_prefix(request.user)), pk=pk)
    try:
        actions.replay_message(message, actor=request.user)
    except NotPermitted as error:
        raise PermissionDenied(str(error.message)) from error
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("消息已重新排队投递"))
    return redirect("linkage:dead-letters")
