"""E-supervision pages: thin views over `queries` (reads) and `actions` (declarations and
baselines). Every oversight page resolves the reader's scope first (`oversight_scope`); a
reader without the role, or asking for a region outside theirs, gets the 403 page and no
data. Each table downloads as xlsx with ?format=xlsx."""

import datetime
import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from oneseal.actors import Actor
from oneseal.calendars.queries import today
from oneseal.cases import jobs as case_jobs
from oneseal.catalogue.models import Catalogue, Item, ItemVersion
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.interface.files import xlsx_response
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix, staff_of

from . import actions, projects, queries, tables
from .jobs import last_rollup_at
from .models import ConflictDeclaration, ReformBaseline, Rule
from .sheets import Table, workbook

PAGE_SIZE = 50
# The colours of the warning cards (esupervision.css), so a chart and its tile agree.
WARNING_COLOURS = {
    case_jobs.Level.YELLOW: "#f9a825",
    case_jobs.Level.RED: "#d32f2f",
    case_jobs.Level.STATUTORY: "#6a1b9a",
    "overdue": "#b71c1c",
}
# Statistics groupings a chart's bar opens the cases of (columns of the roll-up's rows).
DRILL_DIMENSIONS = ("department", "section", "handler")


def with_region(url: str, region: str, **params: str) -> str:
    query = {**({"region": region} if region else {}), **params}
    return f"{url}?{urlencode(query)}" if query else url


def cases_url(region: str, **params: str) -> str:
    """The e-supervision case list narrowed to one figure (`leader.parse_drill_down`)."""
    return with_region(reverse("esupervision:cases"), region, **params)


if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

P = ParamSpec("P")
_T = TypeVar("_T")
_M = TypeVar("_M", bound=Model)


def oversight(
    view: Callable[Concatenate[HttpRequest, queries.Scope, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Sign-in required; the scope (or a 403) before the view runs; a bad parameter is a 400
    page naming it."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        try:
            scope = queries.oversight_scope(request.user, request.GET.get("region", ""))
            return view(request, scope, *args, **kwargs)
        except NotPermitted:
            raise PermissionDenied from None
        except ValidationFailed as exc:
            return render(request, "esupervision/error.html", {"error": exc}, status=400)

    return wrapped


def _base(request: HttpRequest, scope: queries.Scope, **context: object) -> dict:
    return {
        "scope": scope,
        "region_param": request.GET.get("region", ""),
        "rolled_up_at": last_rollup_at(),
        **context,
    }


def _listing(
    request: HttpRequest,
    scope: queries.Scope,
    table_of: Callable[[str, Iterable[_T]], Table],
    queryset: QuerySet[Any, _T],
    *,
    title: str,
    filename: str,
    **extra: object,
) -> HttpResponseBase:
    """A paginated table page, or the whole list as xlsx."""
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            workbook(table_of(title, queryset)),
            filename=f"{title}.xlsx",
            ascii_filename=f"{filename}.xlsx",
        )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "esupervision/list.html",
        _base(
            request, scope, title=title, table=table_of(title, page.object_list), page=page, **extra
        ),
    )


@oversight
def dashboard(request: HttpRequest, scope: queries.Scope) -> HttpResponseBase:
    on = today()
    warnings = queries.warning_counts(scope, on)
    overdue = queries.overdue_counts(scope, on)
    hits = queries.rule_hit_counts(scope)
    pushes = queries.unsigned_pushes(scope, on)
    support = queries.overdue_support_requests(scope, on)
    linkage = {
        "unsigned": pushes.count(),
        # `overdue` is annotated by linkage.queries.unsigned_pushes; the stubs see only Push.
        "unsigned_overdue": pushes.filter(overdue=True).count(),  # type: ignore[misc]
        "support_overdue": support.count(),
        "opinions_overdue": queries.overdue_opinion_requests(scope, on).count(),
    }
    region = request.GET.get("region", "")
    chart = {
        "title": _("预警与异常"),
        "categories": [str(queries.LEVEL_LABELS[level]) for level in case_jobs.Level.ALL]
        + [str(queries.Overdue.LABELS[k]) for k in queries.Overdue.ALL],
        "series": [
            {
                "name": _("办件数"),
                "data": [warnings[level] for level in case_jobs.Level.ALL]
                + [overdue[k] for k in queries.Overdue.ALL],
                "colors": [WARNING_COLOURS[level] for level in case_jobs.Level.ALL]
                + [WARNING_COLOURS["overdue"] for _k in queries.Overdue.ALL],
                "links": [
                    with_region(reverse("esupervision:warnings", args=[level]), region)
                    for level in case_jobs.Level.ALL
                ]
                + [
                    with_region(reverse("esupervision:overdue", args=[k]), region)
                    for k in queries.Overdue.ALL
                ],
            }
        ],
        "horizontal": True,
    }
    hit_chart = {
        "title": _("异常行为"),
        "categories": [str(Rule(r).label) for r in hits],
        "series": [
            {
                "name": _("命中数"),
                "data": list(hits.values()),
                "links": [with_region(reverse("esupervision:hits"), region, rule=r) for r in hits],
            }
        ],
        "horizontal": True,
    }
    context = _base(
        request,
        scope,
        on=on,
        warnings=[
            (level, queries.LEVEL_LABELS[level], warnings[level]) for level in case_jobs.Level.ALL
        ],
        overdue=[
            (kind, queries.Overdue.LABELS[kind], overdue[kind]) for kind in queries.Overdue.ALL
        ],
        hits=[(rule, Rule(rule).label, n) for rule, n in hits.items()],
        linkage=linkage,
        project_warnings=projects.warning_counts(scope, on),
        expert_overrides=queries.expert_draw_overrides(scope).count(),
        duties=queries.transition_duties(scope, on),
        seal_warnings=queries.seal_warnings(scope, on),
        reform_tasks=queries.overdue_reform_tasks(scope, on),
        overdue_publications=queries.overdue_publications(scope, on),
        charts=[("warnings-chart", chart), ("hits-chart", hit_chart)],
    )
    if request.GET.get("format") == "xlsx":
        table = Table(
            _("电子监察总览"),
            [_("类别"), _("项目"), _("数量")],
            [[_("预警"), str(label), n] for _k, label, n in context["warnings"]]
            + [[_("逾期"), str(label), n] for _k, label, n in context["overdue"]]
            + [[_("异常行为"), str(label), n] for _k, label, n in context["hits"]]
            + [
                [_("工程建设项目"), _("阶段红牌"), context["project_warnings"].stage_red],
                [_("工程建设项目"), _("阶段黄牌"), context["project_warnings"].stage_yellow],
                [_("工程建设项目"), _("项目全流程红牌"), context["project_warnings"].project_red],
                [
                    _("工程建设项目"),
                    _("项目全流程黄牌"),
                    context["project_warnings"].project_yellow,
                ],
            ]
            + [
                [_("审管联动"), _("未签收推送"), linkage["unsigned"]],
                [_("审管联动"), _("逾期未签收推送"), linkage["unsigned_overdue"]],
                [_("审管联动"), _("逾期未答复的技术支撑请求"), linkage["support_overdue"]],
            ]
            + (
                [
                    [
                        _("过渡期"),
                        f"{d.transition.department}（{d.transition.liaison_name}）",
                        len(d.open_requests),
                    ]
                    for d in context["duties"]
                ]
            )
            + [
                [_("原部门印章未封存"), f"{w.department}：{w.text}", w.days_late]
                for w in context["seal_warnings"]
            ]
            + [
                [_("改革任务逾期"), f"{t.task.title}（{t.task.lead_unit_name}）", t.overdue_days]
                for t in context["reform_tasks"]
            ]
            + [[_("许可公示"), _("逾期未公示"), context["overdue_publications"]["count"]]],
        )
        return xlsx_response(
            workbook(table), filename=_("电子监察总览.xlsx"), ascii_filename="esupervision.xlsx"
        )
    return render(request, "esupervision/dashboard.html", context)


@oversight
def warning_list(request: HttpRequest, scope: queries.Scope, level: str) -> HttpResponseBase:
    if level not in case_jobs.Level.ALL:
        raise Http404
    cases = queries.warning_cases(scope, today(), level)
    return _listing(
        request,
        scope,
        lambda title, rows: tables.warning_table(title, level, rows),
        cases,
        title=str(queries.LEVEL_LABELS[level]),
        filename=f"warnings-{level}",
    )


@oversight
def overdue_list(request: HttpRequest, scope: queries.Scope, kind: str) -> HttpResponseBase:
    if kind not in queries.Overdue.ALL:
        raise Http404
    cases = queries.overdue_cases(scope, today(), kind)
    return _listing(
        request,
        scope,
        lambda title, rows: tables.overdue_table(title, kind, rows),
        cases,
        title=str(queries.Overdue.LABELS[kind]),
        filename=f"overdue-{kind}",
    )


def _linkage_list(
    read: Callable[[queries.Scope, datetime.date], QuerySet[_M]],
    table_of: Callable[[str, Iterable[_M]], Table],
    title: "StrPromise",
    filename: str,
) -> Callable[[HttpRequest], HttpResponseBase]:
    """The page (and xlsx) of one of the linkage's lists for e-supervision."""

    @oversight
    def view(request: HttpRequest, scope: queries.Scope) -> HttpResponseBase:
        rows = read(scope, today())
        return _listing(request, scope, table_of, rows, title=str(title), filename=filename)

    return view


push_list = _linkage_list(
    queries.unsigned_pushes, tables.pushes_table, gettext_lazy("未签收的推送"), "unsigned-pushes"
)
support_request_list = _linkage_list(
    queries.overdue_support_requests,
    tables.support_requests_table,
    gettext_lazy("逾期未答复的技术支撑请求"),
    "overdue-support-requests",
)
opinion_request_list = _linkage_list(
    queries.overdue_opinion_requests,
    tables.opinion_requests_table,
    gettext_lazy("逾期未答复的征求意见"),
    "overdue-opinion-requests",
)


@oversight
def expert_override_list(request: HttpRequest, scope: queries.Scope) -> HttpResponseBase:
    return _listing(
        request,
        scope,
        tables.expert_overrides_table,
        queries.expert_draw_overrides(scope),
        title=_("专家抽取人工干预"),
        filename="expert-draw-overrides",
    )


@oversight
def hit_list(request: HttpRequest, scope: queries.Scope) -> HttpResponseBase:
    rule = request.GET.get("rule", "")
    hits = queries.rule_hits(scope, rule)
    title = str(Rule(rule).label) if rule else _("异常行为")
    return _listing(
        request,
        scope,
        tables.hits_table,
        hits,
        title=title,
        filename=f"rule-hits-{rule or 'all'}",
        rules=Rule.choices,
        rule=rule,
    )


def _date_param(request: HttpRequest, name: str, default: datetime.date) -> datetime.date:
    text = request.GET.get(name, "").strip()
    if not text:
        return default
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        msg = _("日期格式应为 YYYY-MM-DD，例如 2025-07-01")
        raise ValidationFailed(msg, fields={name: [msg]}) from None


@oversight
def statistics(request: HttpRequest, scope: queries.Scope) -> HttpResponseBase:
    first, last = queries.month_bounds(today())
    start, end = _date_param(request, "from", first), _date_param(request, "to", last)
    by = request.GET.get("by", queries.By.DEPARTMENT)
    report = queries.statistics(scope, start=start, end=end, by=by)
    table = tables.statistics_table(report)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            workbook(table),
            filename=f"{table.title}.xlsx",
            ascii_filename=f"statistics-{by}-{start.isoformat()}-{end.isoformat()}.xlsx",
        )
    rows = report.rows[:20]

    def links(measure: str) -> list[str | None]:
        """Each bar's cases (the roll-up rows it counted); by month or item, none."""
        if by not in DRILL_DIMENSIONS:
            return [None for _r in rows]
        region = request.GET.get("region", "")
        return [
            cases_url(
                region,
                measure=measure,
                **{"from": start.isoformat(), "to": end.isoformat()},
                **{by: "none" if r.key is None else str(r.key)},
            )
            for r in rows
        ]

    chart = {
        "title": table.title,
        "categories": [r.label for r in rows],
        "series": [
            {"name": _("收件"), "data": [r.received for r in rows], "links": links("received")},
            {"name": _("办结"), "data": [r.decided for r in rows], "links": links("decided")},
            {
                "name": _("平均用时（工作日）"),
                "data": [r.avg_days for r in rows],
                "type": "line",
                "axis": 1,
            },
        ],
    }
    return render(
        request,
        "esupervision/statistics.html",
        _base(
            request,
            scope,
            report=report,
            table=table,
            by_choices=list(queries.By.LABELS.items()),
            start=start,
            end=end,
            charts=[("statistics-chart", chart)],
        ),
    )


@oversight
def reform(request: HttpRequest, scope: queries.Scope) -> HttpResponseBase:
    on = _date_param(request, "on", today())
    report = queries.reform_measures(scope, on=on)
    table = tables.reform_table(report)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            workbook(table),
            filename=f"{table.title}.xlsx",
            ascii_filename=f"reform-{on.isoformat()}.xlsx",
        )
    rows = report.rows[:30]
    chart = {
        "title": _("压减比例（%）"),
        "categories": [r.name for r in rows],
        "target": report.target,
        "series": [
            {"name": _("材料"), "data": [r.materials_cut for r in rows]},
            {"name": _("环节"), "data": [r.steps_cut for r in rows]},
            {"name": _("时限"), "data": [r.days_cut for r in rows]},
        ],
    }
    return render(
        request,
        "esupervision/reform.html",
        _base(
            request,
            scope,
            report=report,
            table=table,
            on=on,
            charts=[("reform-chart", chart)],
            may_enter=has_role(request.user, Role.CATALOGUE_ADMIN),
        ),
    )


# --- baselines (catalogue administrators) -------------------------------------------------


def _admin_catalogue(user: Actor) -> Catalogue:
    """The local catalogue of the administrator's own region."""
    staff = staff_of(user)
    if not has_role(user, Role.CATALOGUE_ADMIN) or staff is None:
        raise PermissionDenied
    catalogue = (
        Catalogue.objects.filter(region=staff.region, kind=Catalogue.Kind.LOCAL)
        .select_related("region")
        .first()
    )
    if catalogue is None:
        raise Http404
    return catalogue


@login_required
def baselines(request: HttpRequest) -> HttpResponseBase:
    catalogue = _admin_catalogue(request.user)
    errors: list[str] = []
    if request.method == "POST":
        try:
            upload = request.FILES.get("file")
            if upload is not None:
                n = actions.import_baselines(
                    catalogue, actor=request.user, content=upload.read(), filename=upload.name or ""
                )
                messages.success(request, _("已导入 {n} 项事项的改革前基数").format(n=n))
            else:
                item = get_object_or_404(Item, pk=request.POST.get("item"), catalogue=catalogue)
                actions.set_baseline(
                    item,
                    actor=request.user,
                    materials=request.POST.get("materials"),
                    steps=request.POST.get("steps"),
                    days=request.POST.get("days"),
                    source=request.POST.get("source", ""),
                )
                messages.success(
                    request, _("已保存“{code}”的改革前基数").format(code=item.basic_code)
                )
            return redirect("esupervision:baselines")
        except NotPermitted:
            raise PermissionDenied from None
        except ValidationFailed as exc:
            errors = (
                exc.reasons or [m for ms in exc.fields.values() for m in ms] or [str(exc.message)]
            )
    items = Item.objects.filter(catalogue=catalogue).order_by("basic_code")
    names: dict[int, str] = {}
    for item_id, name in (
        ItemVersion.objects.filter(item__catalogue=catalogue)
        .order_by("item_id", "-number")
        .values_list("item_id", "name")
    ):
        names.setdefault(item_id, name)
    known = {b.item_id: b for b in ReformBaseline.objects.filter(item__catalogue=catalogue)}
    rows = [(item, names.get(item.pk, ""), known.get(item.pk)) for item in items]
    return render(
        request,
        "esupervision/baselines.html",
        {"catalogue": catalogue, "rows": rows, "errors": errors, "posted": request.POST},
        status=400 if errors else 200,
    )


# --- conflict declarations (every staff member, for themselves) ---------------------------


@login_required
def declarations(request: HttpRequest) -> HttpResponseBase:
    if staff_of(request.user) is None or scope_prefix(request.user) is None:
        raise PermissionDenied
    errors: dict = {}
    if request.method == "POST":
        try:
            actions.declare_conflict(
                actor=request.user,
                relative_name=request.POST.get("relative_name", ""),
                relation=request.POST.get("relation", ""),
                number=request.POST.get("number", ""),
            )
            messages.success(request, _("回避申报已登记"))
            return redirect("esupervision:declarations")
        except NotPermitted:
            raise PermissionDenied from None
        except ValidationFailed as exc:
            errors = exc.fields or {"form": [str(exc.message)]}
    return render(
        request,
        "esupervision/declarations.html",
        {
            "declarations": queries.own_declarations(request.user),
            "relations": ConflictDeclaration.Relation.choices,
            "errors": errors,
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def withdraw_declaration(request: HttpRequest, pk: int) -> HttpResponseBase:
    declaration = get_object_or_404(queries.own_declarations(request.user), pk=pk)
    try:
        actions.withdraw_declaration(declaration, actor=request.user)
        messages.success(request, _("回避申报已撤销"))
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
    return redirect("esupervision:declarations")
