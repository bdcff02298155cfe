"""The hand-over report as an xlsx, the same columns the page shows."""

import datetime

from django.utils.translation import gettext as _

from oneseal.esupervision.sheets import Table, workbook

from .queries import ReportRow


def headers() -> list[str]:
    return [
        _("移交部门"),
        _("移交批次"),
        _("移交件数"),
        _("已办结"),
        _("在办"),
        _("超承诺时限"),
        _("超法定时限"),
        _("缺件"),
        _("材料份数"),
        _("部门未确认批次"),
    ]


def report_workbook(rows: list[ReportRow], on: datetime.date) -> bytes:
    table = Table(
        title=_("在办件移交情况（截至{y}年{m}月{d}日）").format(y=on.year, m=on.month, d=on.day),
        headers=headers(),
        rows=[
            [
                r.department,
                r.handovers,
                r.received,
                r.finished,
                r.open,
                r.overdue,
                r.past_statutory,
                r.with_missing,
                r.papers,
                r.unconfirmed,
            ]
            for r in rows
        ],
    )
    return workbook(table)
