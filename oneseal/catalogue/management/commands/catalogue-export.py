"""`oneseal catalogue-export --region CODE -o FILE`: write the region's local catalogue as an
xlsx in the shape of a county list (the layout `catalogue-import` reads back)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from oneseal.catalogue.exporting import export_catalogue
from oneseal.catalogue.queries import local_catalogue
from oneseal.regions.models import Region


class Command(BaseCommand):
    help = "导出事项目录为县级清单格式的 xlsx"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="region code, e.g. 640221")
        parser.add_argument("-o", "--output", required=True, help="the xlsx file to write")
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="list the newest version of every item, drafts included",
        )

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(_("区划代码 {code} 不存在").format(code=options["region"]))
        catalogue = local_catalogue(region)
        if catalogue is None:
            raise CommandError(_("{region}还没有本级事项目录").format(region=region.name))
        data = export_catalogue(catalogue, include_drafts=options["include_drafts"])
        Path(options["output"]).write_bytes(data)
        self.stdout.write(
            _("{name} → {path}（{size} 字节）").format(
                name=catalogue.name, path=options["output"], size=len(data)
            )
        )
