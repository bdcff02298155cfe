"""E-supervision of construction projects: the stages and projects whose clocks warn, and the
approval time of whole projects per kind and of stages, for a period (`projects`). Scoped as
every e-supervision page (`views.oversight`); each table downloads as xlsx."""

import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from oneseal.calendars.queries import today
from oneseal.errors import ValidationFailed
from oneseal.interface.files import xlsx_response
from oneseal.projects import desk
from oneseal.projects.models import StageStanding

from . import projects, queries
from .sheets import Table, workbook
from .views import _base, _date_param, oversight

PAGE_LIMIT = 200


def _date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def time_table(title: str, first: str, rows: list[projects.TimeRow]) -> Table:
    return Table(
        title,
        [
            first,
            _("件数"),
            _("平均用时（工作日）"),
            _("中位数"),
            _("90%分位"),
            _("最长"),
            _("在时限内"),
            _("时限内比例（%）"),
        ],
        [
            [r.label, r.count, r.average, r.median, r.p90, r.longest, r.within, r.within_share]
            for r in rows
        ],
        numeric={1, 2, 3, 4, 5, 6, 7},
    )


def warned_table(title: str, standings: QuerySet[StageStanding]) -> Table:
    on = today()
    rows = desk.rows(list(standings[:PAGE_LIMIT]), on, cases=False)
    return Table(
        title,
        [
            _("项目"),
            _("投资项目统一代码"),
            _("行政区划"),
            _("审批阶段"),
            _("牵头科室"),
            _("阶段到期日"),
            _("阶段剩余工作日"),
            _("阶段预警"),
            _("项目剩余工作日"),
            _("项目预警"),
        ],
        [
            [
                r.project.name,
                r.project.code,
                r.project.region.name,
                r.application.get_stage_display(),
                r.standing.lead_section.name if r.standing.lead_section else "",
                _date(r.standing.due_on),
                r.remaining,
                # Annotated by desk.with_levels; the stubs see only the model.
                str(desk.LEVEL_LABELS[r.standing.stage_level]),  # type: ignore[attr-defined]
                r.project_remaining,
                str(desk.LEVEL_LABELS[r.standing.project_level]),  # type: ignore[attr-defined]
            ]
            for r in rows
        ],
        numeric={6, 8},
    )


@oversight
def project_supervision(request: HttpRequest, scope: queries.Scope) -> HttpResponseBase:
    on = today()
    first, last = queries.month_bounds(on)
    start = _date_param(request, "from", first.replace(month=1))
    end = _date_param(request, "to", last)
    level = request.GET.get("level", desk.RED)
    counts = projects.warning_counts(scope, on)
    report = projects.approval_time(scope, start=start, end=end, on=on)
    if level not in desk.LEVELS:
        msg = _("预警级别须为 red 或 yellow")
        raise ValidationFailed(msg, fields={"level": [msg]})
    warned = warned_table(
        _("红牌阶段与项目") if level == desk.RED else _("黄牌阶段与项目"),
        projects.warned_stages(scope, on, level),
    )
    kinds = time_table(_("项目全流程审批用时（按项目类型）"), _("项目类型"), report.by_kind)
    stages = time_table(_("阶段审批用时（按审批阶段）"), _("审批阶段"), report.by_stage)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            workbook(warned, kinds, stages),
            filename=_("工程建设项目审批监察.xlsx"),
            ascii_filename=f"projects-{start.isoformat()}-{end.isoformat()}.xlsx",
        )
    return render(
        request,
        "esupervision/projects.html",
        _base(
            request,
            scope,
            on=on,
            counts=counts,
            level=level,
            warned=warned,
            tables=[kinds, stages],
            start=start,
            end=end,
        ),
    )
