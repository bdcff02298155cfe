"""The leader's view (领导驾驶舱) and the case list every chart of it opens. Both are read
through the reader's oversight scope (`views.oversight`): a county leader sees his county,
and asking for another region is a 403 before any data is read."""

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from oneseal.calendars.queries import today
from oneseal.cases import jobs as case_jobs
from oneseal.interface.files import xlsx_response

from . import leader, queries, tables
from .sheets import Cell, Table, csv_bytes, workbook
from .views import WARNING_COLOURS, _base, _listing, cases_url, oversight, with_region

COLOURS = {
    **WARNING_COLOURS,
    leader.Measure.RECEIVED: "#1565c0",
    leader.Measure.DECIDED: "#2e7d32",
    leader.Measure.OVERDUE: "#c62828",
}

# A chart's rows: a week of the trend, or a region or department compared.
_Figures = TypeVar("_Figures", leader.Week, leader.Compared)


def _measure_series(rows: Sequence[_Figures], link: Callable[[_Figures, str], str]) -> list[dict]:
    """Received and decided as bars, overdue as a line, each point linking to its cases."""
    out = []
    for measure in leader.Measure.ALL:
        out.append(
            {
                "name": str(leader.Measure.LABELS[measure]),
                "data": [getattr(r, measure) for r in rows],
                "type": "line" if measure == leader.Measure.OVERDUE else "bar",
                "color": COLOURS[measure],
                "links": [link(r, measure) for r in rows],
            }
        )
    return out


def _compare_chart(
    title: str, rows: list[leader.Compared], trend: leader.Trend, region: str
) -> dict:
    def link(row: leader.Compared, measure: str) -> str:
        params = {
            "measure": measure,
            "from": trend.start.isoformat(),
            "to": trend.end.isoformat(),
            **row.params,
        }
        return cases_url(params.pop("region", region), **params)

    return {
        "title": title,
        "categories": [r.label for r in rows],
        "series": _measure_series(rows, link),
    }


def _compare_table(title: str, heading: str, rows: list[leader.Compared]) -> Table:
    return Table(
        title,
        [heading, _("收件"), _("办结"), _("超期办结")],
        [[r.label, r.received, r.decided, r.overdue] for r in rows],
        numeric={1, 2, 3},
    )


def leader_figures(scope: queries.Scope, region: str) -> dict:
    on = today()
    trend = leader.weekly_trend(scope, on)
    warnings = queries.warning_counts(scope, on)
    overdue = queries.overdue_counts(scope, on)
    # Counties are compared when the reader looks at more than one (a city, a province).
    regions = leader.by_region(scope, trend.start, trend.end) if len(scope.prefix) < 6 else []
    departments = leader.by_department(scope, trend.start, trend.end)

    def week_link(week: leader.Week, measure: str) -> str:
        return cases_url(
            region, measure=measure, **{"from": week.start.isoformat(), "to": week.end.isoformat()}
        )

    warning_rows = [
        (
            str(queries.LEVEL_LABELS[level]),
            warnings[level],
            COLOURS[level],
            with_region(reverse("esupervision:warnings", args=[level]), region),
        )
        for level in case_jobs.Level.ALL
    ] + [
        (
            str(queries.Overdue.LABELS[kind]),
            overdue[kind],
            COLOURS["overdue"],
            with_region(reverse("esupervision:overdue", args=[kind]), region),
        )
        for kind in queries.Overdue.ALL
    ]
    period = _("{start}至{end}").format(
        start=tables._date(trend.start), end=tables._date(trend.end)
    )
    trend_table = Table(
        _("近{n}周收件、办结、超期办结（{period}）").format(n=len(trend.weeks), period=period),
        [_("周（起始日）"), _("收件"), _("办结"), _("超期办结")],
        [
            [
                Cell(w.label, week_link(w, leader.Measure.RECEIVED)),
                w.received,
                w.decided,
                w.overdue,
            ]
            for w in trend.weeks
        ],
        numeric={1, 2, 3},
    )
    warning_table = Table(
        _("时限预警与逾期（截至{date}）").format(date=tables._date(on)),
        [_("类别"), _("办件数")],
        [[Cell(label, url), n] for label, n, _c, url in warning_rows],
        numeric={1},
    )
    tables_ = [trend_table, warning_table]
    charts = [
        (
            "trend-chart",
            {
                "title": trend_table.title,
                "categories": [w.label for w in trend.weeks],
                "series": _measure_series(trend.weeks, week_link),
            },
        ),
        (
            "warning-chart",
            {
                "title": warning_table.title,
                "categories": [label for label, *_rest in warning_rows],
                "series": [
                    {
                        "name": _("办件数"),
                        "data": [n for _l, n, _c, _u in warning_rows],
                        "colors": [c for _l, _n, c, _u in warning_rows],
                        "links": [u for *_rest, u in warning_rows],
                    }
                ],
                "horizontal": True,
            },
        ),
    ]
    if regions:
        title = _("各地区对比（{period}）").format(period=period)
        tables_.append(_compare_table(title, _("地区"), regions))
        charts.append(("region-chart", _compare_chart(title, regions, trend, region)))
    title = _("各部门对比（{period}）").format(period=period)
    tables_.append(_compare_table(title, _("部门"), departments))
    charts.append(("department-chart", _compare_chart(title, departments, trend, region)))
    return {
        "on": on,
        "trend": trend,
        "tables": tables_,
        "charts": charts,
        "tiles": {
            "received": trend.weeks[-1].received,
            "decided": trend.weeks[-1].decided,
            "yellow": warnings[case_jobs.Level.YELLOW],
            "red": warnings[case_jobs.Level.RED],
            "statutory": warnings[case_jobs.Level.STATUTORY],
            "overdue": overdue[queries.Overdue.STATUTORY],
        },
    }


@oversight
def leader_view(request: HttpRequest, scope: queries.Scope) -> HttpResponseBase:
    region = request.GET.get("region", "")
    figures = leader_figures(scope, region)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return xlsx_response(
            workbook(*figures["tables"]),
            filename=_("领导驾驶舱.xlsx"),
            ascii_filename="esupervision-leader.xlsx",
        )
    if fmt == "csv":
        response = HttpResponse(csv_bytes(*figures["tables"]), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="esupervision-leader.csv"'
        return response
    return render(request, "esupervision/leader.html", _base(request, scope, **figures))


@oversight
def case_list(request: HttpRequest, scope: queries.Scope) -> HttpResponseBase:
    """The cases behind one figure of a chart: measure, period and dimensions from the query
    string (`leader.parse_drill_down`), within the reader's scope."""
    drill = leader.parse_drill_down(request.GET, default_end=today())
    return _listing(
        request,
        scope,
        lambda title, rows: tables.case_table(
            title, rows, due_label=_("承诺办结日期"), due=lambda c: c.promised_due
        ),
        leader.drill_down_cases(scope, drill),
        title=drill.describe(),
        filename=f"cases-{drill.measure}-{drill.start.isoformat()}-{drill.end.isoformat()}",
    )
