"""`oneseal guidance-gaps --region CODE`: the items of the province's guidance catalogue that
the region's list lacks (seed 002), and those exempted as 无此权力, as a console list, JSON or
an xlsx workbook."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from oneseal.catalogue.management.arguments import (
    add_report_arguments,
    date_or_error,
    region_or_error,
)
from oneseal.catalogue.queries import guidance_gaps
from oneseal.catalogue.report_sheets import guidance_gaps_xlsx, text_table


class Command(BaseCommand):
    help = _("指导目录缺项：本省指导目录中本区划事项目录未列入的事项，及已说明无此权力的事项")

    def add_arguments(self, parser):
        add_report_arguments(parser, on_help=_("按该日期有效的指导目录比对，YYYY-MM-DD，默认今天"))

    def handle(self, *args, region, on, as_json, xlsx, **options):
        report = guidance_gaps(region_or_error(region), on=date_or_error(on))
        if xlsx:
            Path(xlsx).write_bytes(guidance_gaps_xlsx(report))
            (self.stderr if as_json else self.stdout).write(_("已写入 {file}").format(file=xlsx))
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        elif not xlsx:
            self.stdout.write(self.listing(report))

    def listing(self, report) -> str:
        if report.guidance is None:
            return _("{region}：未找到本省的指导目录，无从比对").format(region=report.region.name)
        listed = report.guidance_total - len(report.gaps) - len(report.exempted)
        parts = [
            _(
                "{region}对照《{guidance}》：指导目录事项 {total} 项，已列入 {listed} 项，"
                "缺项 {gaps} 项，无此权力 {exempted} 项"
            ).format(
                region=report.region.name,
                guidance=report.guidance.name,
                total=report.guidance_total,
                listed=listed,
                gaps=len(report.gaps),
                exempted=len(report.exempted),
            )
        ]
        headers = [_("序号"), _("基本编码"), _("事项名称"), _("事项类型"), _("原审批部门")]
        parts.append("\n" + _("缺项（{n}项）").format(n=len(report.gaps)))
        if report.gaps:
            parts.append(
                text_table(
                    headers,
                    [
                        [n, g["basic_code"], g["name"], g["item_type"], g["department"]]
                        for n, g in enumerate(report.gaps, start=1)
                    ],
                )
            )
        else:
            parts.append(_("无"))
        parts.append("\n" + _("无此权力（{n}项，不计缺项）").format(n=len(report.exempted)))
        if report.exempted:
            parts.append(
                text_table(
                    [*headers, _("理由")],
                    [
                        [
                            n,
                            e["basic_code"],
                            e["name"],
                            e["item_type"],
                            e["department"],
                            e["reason"],
                        ]
                        for n, e in enumerate(report.exempted, start=1)
                    ],
                )
            )
        else:
            parts.append(_("无"))
        return "\n".join(parts)
