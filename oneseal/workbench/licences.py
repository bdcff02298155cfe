"""The licence register (证照登记簿) in the workbench: search the licences of the user's region
by holder, credit code or ID number, licence number, item, standing and "expiring within N
days", download the list as xlsx, and open a licence with its versions, documents and cases.

Every licence is read through `cases.queries.visible_licences`: another region's licence is a
404 that names nothing."""

import datetime
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from oneseal.calendars.queries import today
from oneseal.cases.models import Licence
from oneseal.cases.queries import (
    LicenceFilters,
    Viewer,
    licence_history,
    licence_register,
    visible_licences,
)
from oneseal.esupervision.sheets import Table, workbook
from oneseal.interface.files import xlsx_response
from oneseal.interface.rows import shown_with

from .views.common import PAGE_SIZE, staff_only


class LicenceFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("持证人、信用代码、身份证号或证照编号"), required=False, max_length=100
    )
    item = forms.TypedChoiceField(
        label=gettext_lazy("事项"), required=False, coerce=int, empty_value=None
    )
    standing = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部"))] + list(Licence.Standing.choices),
    )
    expiring_within = forms.IntegerField(
        label=gettext_lazy("N日内到期"), required=False, min_value=0, max_value=3660
    )

    def __init__(self, *args: Any, items: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["item"]).choices = [
            ("", gettext_lazy("全部事项")),
            *items,
        ]


def _items(user: Viewer) -> list[tuple[int, str]]:
    rows = (
        visible_licences(user)
        .order_by()
        .values_list(
            "case__handling_item__item_version__item_id", "case__handling_item__item_version__name"
        )
        .distinct()
    )
    names: dict[int, str] = {}
    for item_id, name in rows:
        names.setdefault(item_id, name)
    return sorted(names.items(), key=lambda pair: pair[1])


def _date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def register_table(rows: Iterable[Licence], on: datetime.date) -> Table:
    headers = [
        _("证照编号"),
        _("证照名称"),
        _("持证人"),
        _("统一社会信用代码或身份证号码"),
        _("事项"),
        _("许可范围"),
        _("有效期自"),
        _("有效期至"),
        _("版本"),
        _("状态"),
        _("发证日期"),
    ]
    return Table(
        str(_("证照登记簿")),
        [str(h) for h in headers],
        [
            [
                lic.number,
                lic.name,
                lic.holder.name,
                lic.holder.number,
                lic.case.handling_item.item_version.name,
                lic.scope,
                _date(lic.valid_from),
                _date(lic.valid_until) or str(_("长期")),
                lic.version,
                lic.standing_display(on),
                _date(lic.issued_on),
            ]
            for lic in rows
        ],
    )


@staff_only
@require_GET
def register(request: HttpRequest) -> HttpResponseBase:
    user, on = request.user, today()
    form = LicenceFilterForm(request.GET or None, items=_items(user))
    filters = {
        k: v
        for k, v in (form.cleaned_data if form.is_valid() else {}).items()
        if v not in (None, "")
    }
    rows = licence_register(user, LicenceFilters(on=on, **filters))
    if request.GET.get("format") == "xlsx" and form.is_valid():
        return xlsx_response(
            workbook(register_table(rows, on)),
            filename=_("证照登记簿.xlsx"),
            ascii_filename="licences.xlsx",
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for licence in page.object_list:
        shown_with(licence, today_standing=licence.standing(on))
    keep = request.GET.copy()
    keep.pop("page", None)
    keep.pop("format", None)
    return render(
        request,
        "workbench/licences.html",
        {"form": form, "page": page, "filter_query": keep.urlencode()},
        status=200 if form.is_valid() or not request.GET else 400,
    )


@staff_only
@require_GET
def find_for_applicant(request: HttpRequest) -> HttpResponse:
    """htmx, at the window: the register's licences of the applicant whose number is typed, to
    name the one a 变更 / 延续 / 注销 / 补证 application acts on."""
    number = request.GET.get("number", "").strip().upper()[:40]
    rows = []
    if number:
        rows = list(
            visible_licences(request.user)
            .filter(Q(holder__credit_code=number) | Q(holder__id_number=number))
            .select_related("holder", "case__handling_item__item_version")
            .order_by("-issued_on", "-id")[:20]
        )
    on = today()
    for licence in rows:
        shown_with(licence, today_standing_display=licence.standing_display(on))
    return render(
        request, "workbench/_licence_results.html", {"rows": rows, "searched": bool(number)}
    )


@staff_only
@require_GET
def licence_page(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(
        visible_licences(request.user).select_related(
            "holder", "case__handling_item__item_version", "issued_by"
        ),
        pk=pk,
    )
    versions, cases = licence_history(licence)
    return render(
        request,
        "workbench/licence.html",
        {
            "licence": licence,
            "versions": versions,
            "cases": cases,
            "standing": licence.standing(today()),
            "standing_display": licence.standing_display(today()),
            "reminders": licence.reminders.order_by("on", "id"),
        },
    )
