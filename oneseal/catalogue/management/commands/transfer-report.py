"""`oneseal transfer-report --region CODE`: the transfer report (seeds 000 and 001) as a
console table, JSON or an xlsx workbook."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.catalogue.management.arguments import (
    add_report_arguments,
    date_or_error,
    region_or_error,
)
from oneseal.catalogue.models import TransferStatus
from oneseal.catalogue.queries import transfer_report
from oneseal.catalogue.report_sheets import text_table, transfer_report_xlsx


class Command(BaseCommand):
    help = _("划转情况统计：按原审批部门统计事项和办理项的划转、进驻、不划转数量及合计")

    def add_arguments(self, parser):
        add_report_arguments(parser, on_help=_("统计该日期有效的目录，YYYY-MM-DD，默认今天"))
        parser.add_argument(
            "--include-drafts", action="store_true", help=_("连同未发布的草稿一起统计")
        )

    def handle(self, *args, region, on, include_drafts, as_json, xlsx, **options):
        report = transfer_report(
            region_or_error(region), on=date_or_error(on), include_drafts=include_drafts
        )
        if xlsx:
            Path(xlsx).write_bytes(transfer_report_xlsx(report))
            # Keep stdout pure JSON when both are asked for.
            (self.stderr if as_json else self.stdout).write(_("已写入 {file}").format(file=xlsx))
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        elif not xlsx:
            self.stdout.write(self.table(report))

    def table(self, report) -> str:
        short: dict[str, str] = {
            TransferStatus.TRANSFERRED: _("划转"),
            TransferStatus.STATIONED: _("进驻"),
            TransferStatus.RETAINED: _("不划转"),
        }
        headers = [_("原审批部门")]
        for group in (_("事项"), _("办理项")):
            headers += [f"{group}·{short[s]}" for s in TransferStatus.values] + [
                f"{group}·{_('合计')}"
            ]

        def cells(row):
            return (
                [row.department]
                + [row.items[s] for s in TransferStatus.values]
                + [row.item_total]
                + [row.handling_items[s] for s in TransferStatus.values]
                + [row.handling_item_total]
            )

        if report.include_drafts:
            scope = _("含未发布草稿")
        else:
            scope = _("{date}有效目录").format(date=date_format(report.on, "DATE_FORMAT"))
        title = _("{region}事项划转情况统计（{scope}）").format(
            region=report.region.name, scope=scope
        )
        legend = "；".join(
            f"{short[value]} = {label}"
            for value, label in TransferStatus.choices
            if short[value] != str(label)
        )
        body = text_table(
            headers, [cells(r) for r in report.rows] + [cells(report.totals)], numeric_from=1
        )
        return f"{title}\n{legend}\n\n{body}"
