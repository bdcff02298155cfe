"""The tables the pages show and the workbooks download, built from the query results."""

import datetime
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oneseal.cases.models import State
from oneseal.experts.models import Draw
from oneseal.linkage.models import OpinionRequest, Push, SupportRequest

from . import rules
from .models import ConflictDeclaration, Rule
from .queries import (
    By,
    ListedCase,
    ListedHit,
    Overdue,
    OverdueCase,
    ReformReport,
    StatReport,
    StatRow,
    history_url,
)
from .sheets import Cell, Table

_Listed = TypeVar("_Listed", bound=ListedCase)


def _date(value: datetime.date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def state_label(value: str) -> str:
    """A case state's label. Not `get_state_display()`: Django rebuilds a dict of every
    choice, each label translated, on each call (≈0.35 ms; half of building 50 rows)."""
    return str(State(value).label)


class _Numbered(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def number(self) -> str: ...


def _number(case: _Numbered) -> Cell:
    return Cell(case.number, history_url(case.id))


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value}%"


def case_table(
    title: str,
    cases: Iterable[_Listed],
    *,
    due_label: str,
    due: Callable[[_Listed], datetime.date | None],
) -> Table:
    """`cases`: rows of esupervision.queries.listed (named tuples, not model objects)."""
    rows = [
        [
            _number(c),
            c.applicant_name,
            c.handling_item_name,
            state_label(c.state),
            _date(c.accepted_on),
            _date(due(c)),
        ]
        for c in cases
    ]
    return Table(
        title, [_("办件编号"), _("申请人"), _("办理项"), _("状态"), _("受理日期"), due_label], rows
    )


def warning_table(title: str, level: str, cases: Iterable[ListedCase]) -> Table:
    if level == "statutory":
        return case_table(title, cases, due_label=_("法定办结日期"), due=lambda c: c.statutory_due)
    return case_table(title, cases, due_label=_("承诺办结日期"), due=lambda c: c.promised_due)


def overdue_table(title: str, kind: str, cases: Iterable[OverdueCase]) -> Table:
    if kind == Overdue.STATUTORY:
        return case_table(title, cases, due_label=_("法定办结日期"), due=lambda c: c.statutory_due)
    if kind == Overdue.DELIVERY:
        return case_table(title, cases, due_label=_("送达期限"), due=lambda c: c.delivery_due)
    if kind == Overdue.NOTICE:
        return case_table(
            title, cases, due_label=_("文书列入待出具日期"), due=lambda c: c.notice_queued_on
        )
    return case_table(
        title, cases, due_label=_("特别程序预计完成日期"), due=lambda c: c.expected_end
    )


ACTION_LABELS = {
    "receive": gettext_lazy("收件"),
    "accept": gettext_lazy("受理"),
    "deem_accepted": gettext_lazy("逾期视为受理"),
    "refuse": gettext_lazy("不予受理"),
    "request_correction": gettext_lazy("一次性告知补正"),
    "submit_correction": gettext_lazy("提交补正材料"),
    "check_materials": gettext_lazy("核验材料"),
    "assign_step": gettext_lazy("分派审批环节"),
    "complete_review_step": gettext_lazy("完成审批环节"),
    "record_site_inspection": gettext_lazy("现场核查"),
    "suspend": gettext_lazy("中止"),
    "resume": gettext_lazy("恢复办理"),
    "request_extension": gettext_lazy("申请延期"),
    "approve_extension": gettext_lazy("批准延期"),
    "grant": gettext_lazy("准予许可"),
    "deny": gettext_lazy("不予许可"),
    "deliver": gettext_lazy("送达"),
    "withdraw": gettext_lazy("撤回申请"),
    "terminate": gettext_lazy("终止办理"),
    "attach_file": gettext_lazy("上传材料"),
    "supply_tolerated_material": gettext_lazy("补齐容缺材料"),
    "revoke_licence": gettext_lazy("撤销证照"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def hit_detail(hit: ListedHit) -> str:
    data = dict(hit.data)
    if "action" in data:
        data["action"] = action_label(data["action"])
    if "relation" in data and data["relation"] in ConflictDeclaration.Relation.values:
        data["relation"] = ConflictDeclaration.Relation(data["relation"]).label
    return rules.hit_detail(hit.rule, data)


def hits_table(title: str, hits: Iterable[ListedHit]) -> Table:
    """`hits`: rows of esupervision.queries.rule_hits (named tuples)."""
    rows = [
        [
            str(Rule(h.rule).label),
            Cell(h.case_number, history_url(h.case_id)),
            action_label(h.action),
            h.actor_name,
            _date(h.on),
            date_format(timezone.localtime(h.at), "SHORT_DATETIME_FORMAT") if h.at else "",
            hit_detail(h),
        ]
        for h in hits
    ]
    return Table(
        title,
        [_("规则"), _("办件编号"), _("操作"), _("操作人"), _("业务日期"), _("操作时间"), _("说明")],
        rows,
    )


_Row = TypeVar("_Row", Push, SupportRequest, OpinionRequest)


def _linkage_table(
    title: str, rows: Iterable[_Row], headers: list[str], rest: Callable[[_Row], list]
) -> Table:
    """A list of what the bureau sent a department (pushes, support and opinion requests): the
    case (or for an opinion on a joint step, the step), the department, then `rest` of the row."""
    table = Table(title, headers)
    sent: _Row
    for sent in rows:
        first = (
            _number(sent.case)
            if sent.case is not None
            else str(getattr(sent, "joint_step", None) or "")
        )
        table.rows.append([first, str(sent.department), *rest(sent)])
    return table


def pushes_table(title: str, pushes: Iterable[Push]) -> Table:
    """The rows come annotated with `overdue` (`linkage.queries.unsigned_pushes`)."""
    return _linkage_table(
        title,
        pushes,
        [_("办件编号"), _("监管部门"), _("推送日期"), _("签收期限"), _("状态")],
        lambda p: [
            _date(p.pushed_on),
            _date(p.sign_due),
            _("已逾期") if getattr(p, "overdue", False) else _("未到期"),
        ],
    )


def support_requests_table(title: str, requests: Iterable[SupportRequest]) -> Table:
    return _linkage_table(
        title,
        requests,
        [_("办件编号"), _("被请求部门"), _("技术支撑类别"), _("请求人"), _("答复期限")],
        lambda r: [r.get_kind_display(), str(r.requested_by), _date(r.due_on)],
    )


def opinion_requests_table(title: str, requests: Iterable[OpinionRequest]) -> Table:
    return _linkage_table(
        title,
        requests,
        [_("办件或联合环节"), _("被征求意见部门"), _("征求人"), _("答复期限"), _("督办日期")],
        lambda r: [r.requester_name, _date(r.due_on), _date(r.escalated_on) or _("待督办")],
    )


def expert_overrides_table(title: str, draws: Iterable[Draw]) -> Table:
    rows = [
        [
            Cell(d.review.case.number, history_url(d.review.case_id)),
            d.review.case.applicant.name,
            d.get_kind_display(),
            d.reason,
            str(getattr(d.drawn_by, "staff", None) or d.drawn_by.username),
            _date(d.on),
        ]
        for d in draws
    ]
    return Table(
        title,
        [_("办件编号"), _("申请人"), _("方式"), _("理由"), _("操作人"), _("日期")],
        rows,
    )


STAT_HEADERS = [
    gettext_lazy("收件"),
    gettext_lazy("受理"),
    gettext_lazy("办结"),
    gettext_lazy("按时办结"),
    gettext_lazy("按时办结率"),
    gettext_lazy("平均用时（工作日）"),
    gettext_lazy("90%办结用时（工作日）"),
    gettext_lazy("网上收件"),
    gettext_lazy("网办率"),
    gettext_lazy("到现场次数（件均）"),
]
DIMENSION_HEADERS = {
    By.DEPARTMENT: gettext_lazy("部门"),
    By.SECTION: gettext_lazy("科室"),
    By.ITEM: gettext_lazy("事项"),
    By.HANDLER: gettext_lazy("经办人"),
    By.MONTH: gettext_lazy("月份"),
}


# By section and by handler: who did the work, before the case figures.
WORK_HEADERS = [
    gettext_lazy("经办办件"),
    gettext_lazy("完成环节"),
    gettext_lazy("其中审查"),
    gettext_lazy("环节按时"),
    gettext_lazy("环节超时"),
    gettext_lazy("现场核查"),
]


def statistics_table(report: StatReport) -> Table:
    work = report.by in (By.SECTION, By.HANDLER)
    headers = [
        str(DIMENSION_HEADERS[report.by]),
        *([str(h) for h in WORK_HEADERS] if work else []),
        *[str(h) for h in STAT_HEADERS],
        _("评价数"),
        _("平均评分"),
    ]

    def cells(row: StatRow) -> list[object]:
        out: list[object] = [row.label]
        if work:
            out += [
                "" if row.cases is None else row.cases,
                row.steps,
                row.steps_reviewer,
                row.steps_on_time,
                row.steps_late,
                row.inspections,
            ]
        out += [
            row.received,
            row.accepted,
            row.decided,
            row.on_time,
            _percent(row.on_time_share),
            "" if row.avg_days is None else row.avg_days,
            "" if row.p90_days is None else row.p90_days,
            row.online,
            _percent(row.online_share),
            "" if row.visits_per_case is None else row.visits_per_case,
            row.ratings,
            "" if row.rating is None else row.rating,
        ]
        return out

    title = _("办件统计 {start} 至 {end}").format(start=_date(report.start), end=_date(report.end))
    return Table(
        title,
        headers,
        [cells(r) for r in report.rows],
        numeric=set(range(1, len(headers))),
        footer=cells(report.totals),
    )


def reform_table(report: ReformReport) -> Table:
    headers = [
        _("事项"),
        _("原审批部门"),
        _("办理项"),
        _("材料（改革前）"),
        _("材料（现在）"),
        _("材料压减"),
        _("环节（改革前）"),
        _("环节（现在）"),
        _("环节压减"),
        _("时限（改革前）"),
        _("时限（现在）"),
        _("时限压减"),
        _("达到压减50%目标"),
    ]
    rows = []
    for r in report.rows:
        b = r.baseline
        target = {True: _("是"), False: _("否"), None: ""}[r.meets_target]
        rows.append(
            [
                r.name,
                r.department,
                r.handling_item,
                b.materials if b else "",
                r.materials,
                _percent(r.materials_cut),
                b.steps if b else "",
                r.steps,
                _percent(r.steps_cut),
                b.days if b else "",
                r.days,
                _percent(r.days_cut),
                target,
            ]
        )
    title = _("改革成效：材料、环节、时限压减情况（{date}）").format(date=_date(report.on))
    return Table(title, headers, rows, numeric=set(range(3, 12)))
