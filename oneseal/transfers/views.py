"""The reform pages (改革推进) for the bureau head, the reform office and the departments: the
agreements and their signatures, the transfer ledger, the staff register as of a day, and the
transition periods. Every read goes through `queries` (scoped by region); every write calls
one action. Anyone who is not scoped staff gets a 404."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from oneseal.calendars.queries import today
from oneseal.errors import DomainError
from oneseal.interface.files import xlsx_response
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Bureau, Role
from oneseal.organisation.rules import has_role, staff_of
from oneseal.spreadsheets import append, to_bytes

from . import actions, queries, rules
from .forms import (
    AgreementForm,
    ClearForm,
    QuotaForm,
    StaffTransferForm,
    TrainingForm,
    TransitionForm,
)


def _bureau(request) -> Bureau:
    """The bureau a page is about: ?bureau= among the visible ones, else the user's own, else
    the first of their region."""
    if not queries.may_see(request.user):
        raise Http404()
    bureaus = queries.visible_bureaus(request.user)
    wanted = request.GET.get("bureau") or request.POST.get("bureau")
    if wanted:
        try:
            found = bureaus.filter(pk=int(wanted)).first()
        except ValueError:
            found = None
        if found is None:
            raise Http404()
        return found
    staff = staff_of(request.user)
    own = bureaus.filter(pk=staff.bureau_id).first() if staff and staff.bureau_id else None
    found = own or bureaus.order_by("region__code").first()
    if found is None:
        raise Http404()
    return found


def _office(user, bureau: Bureau) -> bool:
    return has_role(user, Role.SIGNATORY, bureau.region) or has_role(
        user, Role.ADMINISTRATOR, bureau.region
    )


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    bureau = _bureau(request)
    may_draft = _office(request.user, bureau)
    form = AgreementForm(request.POST or None, bureau=bureau) if may_draft else None
    if request.method == "POST":
        if form is None:
            raise Http404()
        if form.is_valid():
            try:
                agreement = actions.save_agreement(
                    None, actor=request.user, bureau=bureau, **form.action_kwargs()
                )
            except DomainError as e:
                add_domain_error(form, e)
            else:
                messages.success(request, _("已起草《{title}》").format(title=agreement.title))
                return redirect("transfers:agreement", pk=agreement.pk)
    on = today()
    agreements = queries.visible_agreements(request.user).filter(bureau=bureau)
    return render(
        request,
        "transfers/index.html",
        {
            "bureau": bureau,
            "agreements": agreements,
            "shares": queries.department_shares(bureau, on),
            "target": (rules.TARGET_LOW, rules.TARGET_HIGH),
            "transitions": queries.visible_transitions(request.user).filter(bureau=bureau),
            "today": on,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request, pk: int):
    found = queries.agreement_detail(request.user, pk)
    if found is None:
        raise Http404()
    if request.method == "POST":
        what = request.POST.get("do")
        try:
            if what in (actions.BUREAU_SIDE, actions.DEPARTMENT_SIDE):
                actions.sign_agreement(found, actor=request.user, side=what)
                messages.success(request, _("已签字"))
            elif what == "seal":
                sealed = actions.seal_agreement(found, actor=request.user)
                messages.success(request, _("已盖章：{number}").format(number=sealed.number))
            else:
                raise Http404()
        except DomainError as e:
            messages.error(request, str(e.message))
        return redirect("transfers:agreement", pk=pk)
    lines = list(found.items.all())
    offers = [
        (side, label, actions.sign_blockers(found, side))
        for side, label in (
            (actions.BUREAU_SIDE, _("代表审批局签字")),
            (actions.DEPARTMENT_SIDE, _("代表原审批部门签字")),
        )
        if actions.may_sign(found, request.user, side)
    ]
    return render(
        request,
        "transfers/agreement.html",
        {
            "agreement": found,
            "lines": lines,
            "names": queries.item_names(lines),
            "offers": offers,
            "seal_blockers": actions.seal_blockers(found)
            if has_role(request.user, Role.SIGNATORY, found.bureau.region)
            else None,
        },
    )


@login_required
def agreement_file(request, pk: int):
    found = queries.visible_agreements(request.user).filter(pk=pk).first()
    if found is None or not found.file:
        raise Http404()
    return FileResponse(
        default_storage.open(found.file, "rb"),
        content_type="application/pdf",
        filename=f"agreement-{found.pk}.pdf",
    )


@login_required
def ledger(request):
    bureau = _bureau(request)
    return render(
        request,
        "transfers/ledger.html",
        {"bureau": bureau, "rows": queries.ledger(bureau), "today": today()},
    )


def _day(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def staff(request):
    bureau = _bureau(request)
    is_admin = has_role(request.user, Role.ADMINISTRATOR, bureau.region)
    quota_form = QuotaForm(prefix="quota") if is_admin else None
    move_form = StaffTransferForm(prefix="move", bureau=bureau) if is_admin else None
    if request.method == "POST":
        if not is_admin:
            raise Http404()
        if "quota-body" in request.POST:
            quota_form = QuotaForm(request.POST, prefix="quota")
            if quota_form.is_valid():
                try:
                    actions.set_quota(bureau, actor=request.user, **quota_form.cleaned_data)
                except DomainError as e:
                    add_domain_error(quota_form, e)
                else:
                    messages.success(request, _("编制已保存"))
                    return redirect(request.get_full_path())
        else:
            move_form = StaffTransferForm(request.POST, prefix="move", bureau=bureau)
            if move_form.is_valid():
                data = dict(move_form.cleaned_data)
                try:
                    actions.record_staff_transfer(data.pop("staff"), actor=request.user, **data)
                except DomainError as e:
                    add_domain_error(move_form, e)
                else:
                    messages.success(request, _("已登记划转人员"))
                    return redirect(request.get_full_path())
    bad_date = bool(request.GET.get("on")) and _day(request.GET.get("on")) is None
    on = _day(request.GET.get("on")) or today()
    register = queries.staff_register(bureau, on)
    if request.GET.get("format") == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("人员花名册"))
        for row in queries.register_sheet(register):
            append(sheet, row)
        return xlsx_response(
            to_bytes(book),
            filename=f"{bureau.name}划转人员花名册（{on.isoformat()}）.xlsx",
            ascii_filename=f"staff-register-{on.isoformat()}.xlsx",
        )
    return render(
        request,
        "transfers/staff.html",
        {
            "bureau": bureau,
            "register": register,
            "on": on,
            "bad_date": bad_date,
            "shares": queries.department_shares(bureau, on),
            "target": (rules.TARGET_LOW, rules.TARGET_HIGH),
            "quota_form": quota_form,
            "move_form": move_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_member(request, pk: int):
    transfer = queries.visible_staff_transfers(request.user).filter(pk=pk).first()
    if transfer is None:
        raise Http404()
    may_train = _office(request.user, transfer.bureau)
    may_clear = has_role(request.user, Role.SIGNATORY, transfer.bureau.region)
    training_form = TrainingForm(prefix="training") if may_train else None
    clear_form = ClearForm(prefix="clear", initial={"on": today()}) if may_clear else None
    if request.method == "POST":
        if "clear-on" in request.POST:
            if not may_clear:
                raise Http404()
            clear_form = ClearForm(request.POST, prefix="clear")
            if clear_form.is_valid():
                try:
                    actions.clear_to_act_alone(
                        transfer, actor=request.user, on=clear_form.cleaned_data["on"]
                    )
                except DomainError as e:
                    add_domain_error(clear_form, e)
                else:
                    messages.success(request, _("已确认可独立办理"))
                    return redirect("transfers:staff-member", pk=pk)
        else:
            if not may_train:
                raise Http404()
            training_form = TrainingForm(request.POST, prefix="training")
            if training_form.is_valid():
                try:
                    actions.record_training(
                        transfer, actor=request.user, **training_form.cleaned_data
                    )
                except DomainError as e:
                    add_domain_error(training_form, e)
                else:
                    messages.success(request, _("培训记录已保存"))
                    return redirect("transfers:staff-member", pk=pk)
    return render(
        request,
        "transfers/staff_member.html",
        {
            "transfer": transfer,
            "trainings": transfer.trainings.all(),
            "training_form": training_form,
            "clear_form": clear_form if transfer.cleared_on is None else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def transitions(request):
    bureau = _bureau(request)
    form = (
        TransitionForm(request.POST or None, bureau=bureau)
        if _office(request.user, bureau)
        else None
    )
    if request.method == "POST":
        if form is None:
            raise Http404()
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                actions.open_transition(data.pop("department"), actor=request.user, **data)
            except DomainError as e:
                add_domain_error(form, e)
            else:
                messages.success(request, _("过渡期已登记"))
                return redirect("transfers:transitions")
    on = today()
    return render(
        request,
        "transfers/transitions.html",
        {
            "bureau": bureau,
            "transitions": queries.visible_transitions(request.user).filter(bureau=bureau),
            "duties": queries.open_transition_duties(bureau.region.prefix, today=on),
            "today": on,
            "form": form,
        },
    )
