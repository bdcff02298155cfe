"""`oneseal load-demo`: load the demo county (平罗县, 640221) and print the demo accounts.

Runs in `make demo` right after `oneseal migrate`. Running it again changes nothing: it
finds the demo catalogue and its cases and prints the accounts again."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from oneseal.calendars.queries import today as business_today
from oneseal.cases.models import State
from oneseal.catalogue.report_sheets import text_table
from oneseal.demo import builder, steps
from oneseal.demo import cases as demo_cases
from oneseal.demo.data.organisation import DEMO_PASSWORD
from oneseal.errors import DomainError


class Command(BaseCommand):
    help = _(
        "加载演示数据：平罗县审批服务管理局、划转事项目录、自治区指导目录、演示账号和各状态的演示办件（可重复运行）"
    )

    def handle(self, *args, **options):
        try:
            built = builder.load()
        except DomainError as e:
            raise CommandError(str(e.message)) from e
        if built:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "演示数据已加载：平罗县（640221）审批服务事项目录、自治区指导目录、演示账号和演示办件。"
                    )
                )
            )
        else:
            self.stdout.write(_("演示数据已存在，未作改动。"))
        extra = []
        try:
            for module in steps.ALL:
                extra += module.load(today=business_today())
        except DomainError as e:
            raise CommandError(str(e.message)) from e
        per_state, warnings = demo_cases.summary(business_today())
        self.stdout.write(
            _(
                "演示办件 {total} 件：{states}。今日预警：黄牌 {yellow} 件，红牌 {red} 件，法定时限告警 {statutory} 件。"
            ).format(
                total=sum(per_state.values()),
                states="，".join(
                    f"{State(state).label} {n}" for state, n in per_state.items() if n
                ),
                yellow=warnings["yellow"],
                red=warnings["red"],
                statutory=warnings["statutory"],
            )
        )
        for line in extra:
            self.stdout.write(line)
        lines = builder.account_lines()
        self.stdout.write("")
        self.stdout.write(
            text_table(
                [_("用户名"), _("角色"), _("姓名"), _("职务"), _("范围"), _("密码")],
                [[a.username, a.role, a.display_name, a.title, a.scope, a.password] for a in lines],
            )
        )
        self.stdout.write("")
        self.stdout.write(
            _("所有演示账号的初始密码均为 {password}，仅供演示，请勿用于生产环境。").format(
                password=DEMO_PASSWORD
            )
        )
