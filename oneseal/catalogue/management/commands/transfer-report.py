"""`oneseal transfer-report --region CODE`: the transfer report (seeds 000 and 001) as a
console table, JSON or an xlsx workbook."""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from oneseal.catalogue.models import TransferStatus
from oneseal.catalogue.queries import transfer_report
from oneseal.catalogue.report_sheets import text_table, transfer_report_xlsx
from oneseal.regions.models import Region


def region_or_error(code: str) -> Region:
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise CommandError(_("区划代码 {code} 不存在").format(code=code))
    return region


def date_or_error(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("--on 日期格式应为 YYYY-MM-DD：{text}").format(text=text)) from None


class Command(BaseCommand):
    help = _("划转情况统计：按原审批部门统计事项和办理项的划转、进驻、不划转数量及合计")

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help=_("区划代码，如 640221"))
        parser.add_argument("--on", help=_("统计该日期有效的目录，YYYY-MM-DD，默认今天"))
        parser.add_argument("--include-drafts", action="store_true", help=_("连同未发布的草稿一起统计"))
        parser.add_argument("--json", dest="as_json", action="store_true", help=_("输出 JSON"))
        parser.add_argument("--xlsx", metavar="FILE", help=_("写入 xlsx 文件"))

    def handle(self, *args, region, on, include_drafts, as_json, xlsx, **options):
        report = transfer_report(region_or_error(region), on=date_or_error(on), include_drafts=include_drafts)
        if xlsx:
            Path(xlsx).write_bytes(transfer_report_xlsx(report))
            # Keep stdout pure JSON when both are asked for.
            (self.stderr if as_json else self.stdout).write(_("已写入 {file}").format(file=xlsx))
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        elif not xlsx:
            self.stdout.write(self.table(report))

    def table(self, report) -> str:
        short = {TransferStatus.TRANSFERRED: _("划转"), TransferStatus.STATIONED: _("进驻"),
                 TransferStatus.RETAINED: _("不划转")}
        headers = [_("原审批部门")]
        for group in (_("事项"), _("办理项")):
            headers += [f"{group}·{short[s]}" for s in TransferStatus.values] + [f"{group}·{_('合计')}"]

        def cells(row):
            return ([row.department] + [row.items[s] for s in TransferStatus.values] + [row.item_total]
                    + [row.handling_items[s] for s in TransferStatus.values] + [row.handling_item_total])

        if report.include_drafts:
            scope = _("含未发布草稿")
        else:
            scope = _("{date}有效目录").format(date=report.on.isoformat())
        title = _("{region}事项划转情况统计（{scope}）").format(region=report.region.name, scope=scope)
        legend = "；".join(f"{short[value]} = {label}" for value, label in TransferStatus.choices
                          if short[value] != label)
        body = text_table(headers, [cells(r) for r in report.rows] + [cells(report.totals)], numeric_from=1)
        return f"{title}\n{legend}\n\n{body}"
