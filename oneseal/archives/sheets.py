"""The hand-over list (移交清单) as an xlsx: the same rows and checksum the page shows."""

from django.utils.translation import gettext as _

from oneseal.documents.rules import chinese_date
from oneseal.esupervision.sheets import Table, workbook

from .queries import HandoverList


def handover_workbook(listing: HandoverList, *, bureau: str) -> bytes:
    table = Table(
        title=_("档案移交清单（{a}至{b}）").format(
            a=chinese_date(listing.period_from), b=chinese_date(listing.period_to)
        ),
        headers=[
            _("序号"),
            _("档号"),
            _("办件编号"),
            _("题名"),
            _("保管期限"),
            _("归档日期"),
            _("文件数"),
            _("字节数"),
            _("归档包 SHA-256"),
        ],
        rows=[
            [
                i + 1,
                a.number,
                a.case.number,
                a.title,
                a.get_retention_display(),
                chinese_date(a.archived_on),
                a.files_count,
                a.package_size,
                a.package_sha256,
            ]
            for i, a in enumerate(listing.archives)
        ]
        + [
            [
                len(listing.archives) + i + 1,
                s.number,
                s.archive.case.number,
                _("档号 {number} 的补充归档").format(number=s.archive.number),
                s.archive.get_retention_display(),
                chinese_date(s.archived_on),
                s.files_count,
                s.package_size,
                s.package_sha256,
            ]
            for i, s in enumerate(listing.supplements)
        ],
        numeric={0, 6, 7},
        footer=[
            _("合计"),
            bureau,
            "",
            _("清单校验值 {sha}").format(sha=listing.checksum),
            "",
            "",
            listing.files,
            listing.bytes_total,
            "",
        ],
    )
    return workbook(table)
