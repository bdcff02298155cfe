"""Argument parsing shared by the report commands."""

import datetime

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

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


def add_report_arguments(parser, *, on_help: str) -> None:
    parser.add_argument("--region", required=True, help=_("区划代码，如 640221"))
    parser.add_argument("--on", help=on_help)
    parser.add_argument("--json", dest="as_json", action="store_true", help=_("输出 JSON"))
    parser.add_argument("--xlsx", metavar="FILE", help=_("写入 xlsx 文件"))
