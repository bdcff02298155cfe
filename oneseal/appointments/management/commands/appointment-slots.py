"""`oneseal appointment-slots`: generate every active hall's slots from today (or --today)
for its working-day horizon; remove empty slots that no longer fit. Safe to run at any time."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from oneseal.appointments.jobs import generate_all
from oneseal.calendars.queries import today as business_today


class Command(BaseCommand):
    help = _("生成各服务大厅今后可预约工作日的预约时段（可重复运行）")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, today: str | None, **options: Any) -> None:
        try:
            day = datetime.date.fromisoformat(today) if today else business_today()
        except ValueError as e:
            raise CommandError(_("--today 的日期格式应为 YYYY-MM-DD")) from e
        result = generate_all(day)
        self.stdout.write(
            _("已生成预约时段 {created} 个，删除不再适用的空时段 {removed} 个。").format(**result)
        )
