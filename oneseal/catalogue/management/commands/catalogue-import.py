"""`oneseal catalogue-import --region CODE FILE`: import a county list (xlsx) or the portal
csv into the region's local catalogue, all or nothing.

The command acts as the user named by --actor. Without --actor it acts as the installation's
superuser when there is exactly one active superuser, and refuses otherwise: an import is an
adjustment of the catalogue and its audit row must name a person.
"""

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.catalogue.actions import ensure_local_catalogue, import_catalogue
from oneseal.catalogue.importing.columns import ImportRejected
from oneseal.catalogue.importing.readers import read_rows
from oneseal.errors import DomainError
from oneseal.regions.models import Region


class Command(BaseCommand):
    help = "导入事项目录（县级清单 xlsx 或政务服务网 csv），全部成功或全部不导入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="xlsx or csv file")
        parser.add_argument("--region", required=True, help="region code, e.g. 640221")
        parser.add_argument(
            "--reason", default="", help="调整原因 (needed when published items change)"
        )
        parser.add_argument(
            "--basis", default="", help="调整依据 (needed when published items change)"
        )
        parser.add_argument(
            "--publish-on",
            dest="publish_on",
            default=None,
            help="YYYY-MM-DD: publish complete drafts",
        )
        parser.add_argument("--actor", default=None, help="username of the catalogue administrator")
        parser.add_argument(
            "--stationed",
            action="append",
            default=[],
            metavar="DEPARTMENT",
            help="csv only: this department's items are stationed (进驻大厅); repeatable, * for all",
        )
        parser.add_argument(
            "--json", action="store_true", help="print the report (or the problems) as JSON"
        )

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(_("区划代码 {code} 不存在").format(code=options["region"]))
        actor = self._actor(options["actor"])
        publish_on = None
        if options["publish_on"]:
            try:
                publish_on = datetime.date.fromisoformat(options["publish_on"])
            except ValueError as error:
                raise CommandError(_("--publish-on 须为 YYYY-MM-DD 格式的日期")) from error
        stationed = options["stationed"]
        if not Path(options["file"]).is_file():
            raise CommandError(_("文件 {path} 不存在").format(path=options["file"]))
        sheet = read_rows(
            options["file"], stationed=True if "*" in stationed else frozenset(stationed)
        )
        try:
            with transaction.atomic():
                catalogue = ensure_local_catalogue(region, actor=actor)
                report = import_catalogue(
                    catalogue,
                    sheet,
                    actor=actor,
                    reason=options["reason"],
                    basis=options["basis"],
                    publish_on=publish_on,
                )
        except ImportRejected as rejected:
            if options["json"]:
                self.stdout.write(
                    json.dumps(
                        {"problems": [p.as_dict() for p in rejected.problems]},
                        ensure_ascii=False,
                        indent=2,
                    )
                )
            else:
                for problem in rejected.problems:
                    self.stderr.write(str(problem))
            raise CommandError(str(rejected.message), returncode=1) from rejected
        except DomainError as error:
            raise CommandError(str(error.message), returncode=1) from error
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            _(
                "{name}：共 {rows} 个办理项；新增 {created} 项，变更 {changed} 项，未变 {unchanged} 项，"
                "发布 {published} 项，未能发布 {blocked} 项；新建部门 {departments_created} 个；"
                "文件中未列出的事项 {items_not_in_file} 项、办理项 {handling_items_not_in_file} 个（保留未删）"
            ).format(name=catalogue.name, **report.counts)
        )
        for code, reasons in report.blocked.items():
            self.stdout.write(
                _("  未能发布 {code}：{reasons}").format(code=code, reasons="；".join(reasons))
            )

    def _actor(self, username):
        users = get_user_model().objects
        if username:
            user = users.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(_("用户 {username} 不存在或已停用").format(username=username))
            return user
        superusers = list(users.filter(is_superuser=True, is_active=True)[:2])
        if len(superusers) != 1:
            raise CommandError(_("请用 --actor 指定操作人（仅当系统中只有一个超级用户时可省略）"))
        return superusers[0]
