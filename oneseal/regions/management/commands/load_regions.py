from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from oneseal.regions.actions import GB2260_SOURCE, gb2260_table, load_regions


class Command(BaseCommand):
    help = "Load GB/T 2260 province, city and county codes (optionally only under a prefix)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--prefix", default="", help="only codes starting with this, e.g. 64")

    def handle(self, *args: Any, prefix: str, **options: Any) -> None:
        result = load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix=prefix, system=True)
        self.stdout.write(
            f"regions: {result['created']} created, {result['renamed']} renamed, "
            f"{result['unchanged']} unchanged"
        )
