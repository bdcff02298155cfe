"""Appointment pages. The applicant's side: book a slot for a handling item, see and cancel
their bookings. The staff side: the day's bookings of a hall (arrived / no-show), and the
halls, item groups, slots and capacities. Views parse a form, load through a scoped query and
call one action; a refused request answers 404 and reveals nothing about the booking."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oneseal.actors import Actor
from oneseal.applicants.queries import acts_for, represented
from oneseal.calendars.queries import today
from oneseal.catalogue.models import HandlingItem
from oneseal.errors import DomainError
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Bureau
from oneseal.organisation.rules import scope_prefix

from . import actions, queries, rules
from .forms import BookForm, DayForm, GroupForm, HallForm, MarkForm, NewHallForm
from .models import Booking, Hall, ItemGroup, Slot

# --- the applicant's side -----------------------------------------------------------------


def _handling_item(pk: int) -> HandlingItem:
    return get_object_or_404(
        HandlingItem.objects.select_related(
            "item_version__item__catalogue__region", "item_version__original_department"
        ),
        pk=pk,
    )


@login_required
def book(request: HttpRequest, handling_item_id: int) -> HttpResponse:
    """Choose a hall (window group) serving the handling item, then a slot; book it."""
    hi = _handling_item(handling_item_id)
    groups = list(queries.groups_for(hi))
    applicants = list(represented(request.user).order_by("-kind", "id"))
    chosen = next(
        (g for g in groups if str(g.pk) == request.GET.get("group", request.POST.get("group"))),
        None,
    )
    if chosen is None and len(groups) == 1:
        chosen = groups[0]
    form = BookForm(request.POST or None)
    if request.method == "POST" and chosen is None:
        form.add_error(None, _("请先选择大厅和窗口"))
    if request.method == "POST" and chosen is not None and form.is_valid():
        slot = Slot.objects.filter(pk=form.cleaned_data["slot"], group=chosen).first()
        applicant = next((a for a in applicants if a.pk == form.cleaned_data["applicant"]), None)
        if applicant is None and len(applicants) == 1:
            applicant = applicants[0]
        if slot is None:
            form.add_error("slot", _("请选择所列的预约时段"))
        elif applicant is None:
            form.add_error("applicant", _("请选择以哪位申请人的名义预约"))
        else:
            try:
                booking = actions.book(
                    slot, actor=request.user, applicant=applicant, handling_item=hi
                )
            except DomainError as e:
                add_domain_error(form, e)
            else:
                messages.success(
                    request,
                    _("预约成功，预约码 {code}。请按时到大厅取号办理。").format(
                        code=rules.format_code(booking.code)
                    ),
                )
                return redirect("appointments:booking", code=booking.code)
    context = {
        "hi": hi,
        "groups": groups,
        "chosen": chosen,
        "form": form,
        "applicants": applicants,
        "days": queries.open_slots(chosen) if chosen else [],
    }
    template = (
        "appointments/_slots.html"
        if request.headers.get("HX-Request") and request.method == "GET"
        else "appointments/book.html"
    )
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    bookings = list(queries.own_bookings(request.user))
    now = timezone.now()
    for b in bookings:
        b.cancel_blockers = actions.cancel_blockers(b, now=now)
    return render(request, "appointments/mine.html", {"bookings": bookings})


def _visible_booking(request: HttpRequest, code: str) -> Booking:
    return get_object_or_404(
        queries.booking_rows(queries.visible_bookings(request.user)),
        code=rules.normalise_code(code),
    )


@login_required
def booking(request: HttpRequest, code: str) -> HttpResponse:
    b = _visible_booking(request, code)
    own = acts_for(request.user, b.applicant)
    return render(
        request,
        "appointments/booking.html",
        {
            "booking": b,
            "own": own,
            "cancel_blockers": actions.cancel_blockers(b) if own else [],
            "deadline": rules.cancel_deadline(
                actions.slot_start(b.slot), b.slot.group.hall.cancel_cutoff_minutes
            ),
            "code": rules.format_code(b.code),
        },
    )


@login_required
@require_POST
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    b = get_object_or_404(
        Booking.objects.filter(applicant__in=represented(request.user)),
        code=rules.normalise_code(code),
    )
    try:
        actions.cancel(b, actor=request.user)
    except DomainError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("已取消预约 {code}。").format(code=rules.format_code(b.code)))
    return redirect("appointments:mine")


# --- the clerks' side ---------------------------------------------------------------------


@login_required
def day(request: HttpRequest) -> HttpResponse:
    """The day's bookings of a hall of the clerk's region, with arrival marking; a booking code
    typed at the window finds its row."""
    halls = queries.clerk_halls(request.user)
    first = halls.first()
    if first is None:
        raise PermissionDenied(_("只有本地区的综合受理窗口工作人员可以查看预约"))
    data = {
        "hall": request.GET.get("hall") or first.pk,
        "day": request.GET.get("day") or today(),
    }
    form = DayForm(data, halls=halls)
    rows, hall, on = [], None, None
    if form.is_valid():
        hall, on = form.cleaned_data["hall"], form.cleaned_data["day"]
        rows = list(queries.day_bookings(hall, on))
        now = timezone.now()
        for b in rows:
            b.arrive_blockers = actions.mark_blockers(b, Booking.BookingState.ARRIVED, now=now)
            b.no_show_blockers = actions.mark_blockers(b, Booking.BookingState.NO_SHOW, now=now)
    code = rules.normalise_code(request.GET.get("code", ""))
    found = None
    if code and hall is not None:
        found = next((b for b in rows if b.code == code), None)
        if found is None:
            messages.error(
                request,
                _("本大厅当天没有预约码为 {code} 的预约").format(code=rules.format_code(code)),
            )
    counts = {s: sum(1 for b in rows if b.state == s) for s in Booking.BookingState.values}
    return render(
        request,
        "appointments/day.html",
        {
            "form": form,
            "rows": rows,
            "hall": hall,
            "on": on,
            "found": found,
            "counts": counts,
            "previous": on - datetime.timedelta(days=1) if on else None,
            "next": on + datetime.timedelta(days=1) if on else None,
        },
    )


@login_required
@require_POST
def mark(request: HttpRequest, code: str) -> HttpResponse:
    b = get_object_or_404(
        queries.visible_bookings(request.user).exclude(applicant__in=represented(request.user)),
        code=rules.normalise_code(code),
    )
    form = MarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择已到场或未到场"))
    else:
        try:
            actions.mark(b, actor=request.user, state=form.cleaned_data["state"])
        except DomainError as e:
            messages.error(request, str(e.message))
        else:
            messages.success(
                request,
                _("已登记预约 {code}：{state}").format(
                    code=rules.format_code(b.code),
                    state=Booking.BookingState(form.cleaned_data["state"]).label,
                ),
            )
    slot = b.slot
    return redirect(
        f"{reverse('appointments:day')}?hall={slot.group.hall_id}&day={slot.day.isoformat()}"
    )


# --- halls, groups, slots -----------------------------------------------------------------


def _manageable_bureaus(user: Actor) -> QuerySet[Bureau]:
    prefix = scope_prefix(user)
    if prefix is None:
        return Bureau.objects.none()
    return Bureau.objects.filter(region__code__startswith=prefix).select_related("region")


@login_required
def halls(request: HttpRequest) -> HttpResponse:
    managed = queries.managed_halls(request.user)
    bureaus = [
        b for b in _manageable_bureaus(request.user) if actions.can_manage(request.user, b.region)
    ]
    if not managed and not bureaus:
        raise PermissionDenied(
            _("只有本地区的综合受理窗口工作人员或事项目录管理员可以管理预约大厅")
        )
    return render(request, "appointments/halls.html", {"halls": managed, "bureaus": bureaus})


def _hall_for_manager(request: HttpRequest, hall_id: int) -> Hall:
    hall = queries.hall_with_groups(hall_id).first()
    if hall is None or not actions.can_manage(request.user, hall.region):
        raise Http404()
    return hall


@login_required
def hall_new(request: HttpRequest, bureau_id: int) -> HttpResponse:
    bureau = get_object_or_404(_manageable_bureaus(request.user), pk=bureau_id)
    if not actions.can_manage(request.user, bureau.region):
        raise Http404()
    form = NewHallForm(request.POST or None, bureau=bureau)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        centre = data.pop("service_centre")
        try:
            hall = actions.create_hall(
                bureau,
                actor=request.user,
                region=centre.region if centre else bureau.region,
                service_centre=centre,
                **data,
            )
        except DomainError as e:
            add_domain_error(form, e)
        else:
            messages.success(
                request,
                _("已新建服务大厅“{name}”。请添加窗口分组并生成预约时段。").format(name=hall.name),
            )
            return redirect("appointments:hall", hall_id=hall.pk)
    return render(
        request,
        "appointments/hall_form.html",
        {"form": form, "bureau": bureau},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def hall(request: HttpRequest, hall_id: int) -> HttpResponse:
    hall = _hall_for_manager(request, hall_id)
    form = HallForm(request.POST or None, instance=hall)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_hall(hall, actor=request.user, **form.cleaned_data)
        except DomainError as e:
            add_domain_error(form, e)
        else:
            messages.success(request, _("已保存。"))
            return redirect("appointments:hall", hall_id=hall.pk)
    upcoming = (
        Slot.objects.filter(group__hall=hall, day__gte=today())
        .select_related("group")
        .order_by("day", "starts_at", "group__order")[:400]
    )
    return render(
        request,
        "appointments/hall.html",
        {"hall": hall, "form": form, "slots": upcoming},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def group(request: HttpRequest, hall_id: int, group_id: int | None = None) -> HttpResponse:
    hall = _hall_for_manager(request, hall_id)
    existing = get_object_or_404(ItemGroup, pk=group_id, hall=hall) if group_id else None
    initial = None
    if existing is not None:
        initial = {
            "name": existing.name,
            "windows": existing.windows,
            "capacity": existing.capacity,
            "order": existing.order,
            "is_active": existing.is_active,
            "departments": list(existing.departments.all()),
            "items": list(existing.items.all()),
        }
    form = GroupForm(request.POST or None, hall=hall, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_group(hall, actor=request.user, group=existing, **form.cleaned_data)
        except DomainError as e:
            add_domain_error(form, e)
        else:
            messages.success(request, _("已保存窗口分组。"))
            return redirect("appointments:hall", hall_id=hall.pk)
    return render(
        request,
        "appointments/group_form.html",
        {"hall": hall, "group": existing, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def generate(request: HttpRequest, hall_id: int) -> HttpResponse:
    hall = _hall_for_manager(request, hall_id)
    try:
        created, removed = actions.generate_slots(hall, actor=request.user)
    except DomainError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(
            request,
            _("已生成预约时段 {created} 个，删除不再适用的空时段 {removed} 个。").format(
                created=created, removed=removed
            ),
        )
    return redirect("appointments:hall", hall_id=hall.pk)


@login_required
@require_POST
def slot_capacity(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = get_object_or_404(Slot.objects.select_related("group__hall__region"), pk=slot_id)
    if not actions.can_manage(request.user, slot.group.hall.region):
        raise Http404()
    try:
        capacity = int(request.POST.get("capacity", ""))
    except ValueError:
        messages.error(request, _("可约人数：请填写整数"))
    else:
        try:
            actions.set_slot_capacity(slot, actor=request.user, capacity=capacity)
        except DomainError as e:
            messages.error(
                request,
                _("可约人数：{message}").format(
                    message="；".join(str(m) for m in e.fields.get("capacity", [e.message]))
                ),
            )
        else:
            messages.success(request, _("已调整可约人数。"))
    return redirect("appointments:hall", hall_id=slot.group.hall_id)
