"""The lead section's desk (并联审批工作台) in the workbench: the queue of the stages the reader's
section leads in their region (`desk.queue`), filters, the xlsx download, and one stage with
every case's blockers. A reader who is not lead-section staff gets 403; a stage outside their
desk is a 404."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from oneseal.calendars.queries import today
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.esupervision.sheets import Table, workbook
from oneseal.interface.files import xlsx_response

from . import desk
from .models import ProjectKind, Stage

PAGE_SIZE = 20


def _date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _label(level: str) -> str:
    return str(desk.LEVEL_LABELS.get(level, ""))


def desk_tables(rows: list[desk.Row]) -> list[Table]:
    stages = Table(
        _("并联审批阶段"),
        [
            _("投资项目统一代码"),
            _("项目名称"),
            _("建设单位"),
            _("项目类型"),
            _("行政区划"),
            _("审批阶段"),
            _("收件日期"),
            _("阶段时限（工作日）"),
            _("阶段到期日"),
            _("阶段剩余工作日"),
            _("计时暂停"),
            _("阶段预警"),
            _("项目全流程时限（工作日）"),
            _("项目已用工作日"),
            _("项目剩余工作日"),
            _("项目预警"),
            _("办件数"),
            _("办结日期"),
        ],
    )
    cases = Table(
        _("阶段办件"),
        [_("投资项目统一代码"), _("审批阶段"), _("办件编号"), _("办理项"), _("必办"), _("状态")]
        + [_("待办")],
    )
    for row in rows:
        s, a, p = row.standing, row.application, row.project
        stages.rows.append(
            [
                p.code,
                p.name,
                p.owner.name,
                p.get_kind_display(),
                p.region.name,
                a.get_stage_display(),
                _date(s.received_on),
                s.limit_days,
                _date(s.due_on),
                row.remaining,
                _("是") if s.paused else _("否"),
                # Annotated by desk.with_levels; the stubs see only the model.
                _label(s.stage_level),  # type: ignore[attr-defined]
                s.project_limit,
                s.project_used,
                row.project_remaining,
                _label(s.project_level),  # type: ignore[attr-defined]
                len(row.cases),
                _date(s.concluded_on),
            ]
        )
        for line in row.cases:
            cases.rows.append(
                [
                    p.code,
                    a.get_stage_display(),
                    line.number,
                    line.item,
                    _("是") if line.required else _("否"),
                    line.state_display,
                    "；".join(line.waits_on),
                ]
            )
    return [stages, cases]


@login_required
def stage_desk(request: HttpRequest) -> HttpResponseBase:
    on = today()
    try:
        filters = desk.Filters.parse(request.GET)
        standings = desk.queue(request.user, filters, on)
        counts = desk.level_counts(request.user, on, fresh=True)
    except NotPermitted:
        raise PermissionDenied from None
    except ValidationFailed as exc:
        return render(
            request,
            "projects/desk.html",
            {"errors": exc.fields, "filters": None, **_choices()},
            status=400,
        )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            workbook(*desk_tables(desk.rows(list(standings), on))),
            filename=_("并联审批工作台.xlsx"),
            ascii_filename=f"stage-desk-{on.isoformat()}.xlsx",
        )
    paginator = Paginator(standings, PAGE_SIZE)
    total = desk.total_from_counts(filters, counts)
    if total is not None:
        paginator.count = total  # the warning counts hold it: no second count of the desk
    page = paginator.get_page(request.GET.get("page"))
    query = {k: v for k in ("stage", "kind", "warning", "status") if (v := request.GET.get(k, ""))}
    return render(
        request,
        "projects/desk.html",
        {
            "on": on,
            "page": page,
            "rows": desk.rows(list(page.object_list), on),
            "filters": filters,
            "counts": counts,
            "query": urlencode(query),
            **_choices(),
        },
    )


def _choices() -> dict:
    return {
        "stage_choices": Stage.choices,
        "kind_choices": ProjectKind.choices,
        "level_choices": [(level, desk.LEVEL_LABELS[level]) for level in desk.LEVELS],
    }


@login_required
def desk_stage(request: HttpRequest, pk: int) -> HttpResponse:
    on = today()
    try:
        standing = desk.stage_on_desk(request.user, pk, on)
    except NotPermitted:
        # Another section's or another county's stage is not told apart from none.
        raise Http404 from None
    row = desk.rows([standing], on)[0]
    desk.add_blockers(row, on)
    return render(request, "projects/desk_stage.html", {"on": on, "row": row})
