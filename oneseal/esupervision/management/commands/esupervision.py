"""`oneseal esupervision rollup [--rebuild] [--today YYYY-MM-DD]`: bring the statistics rows
and the rule hits of e-supervision up to date (what `oneseal worker` does on every pass).
`--rebuild` recomputes everything from the cases, e.g. after restoring a backup."""

import datetime
import time
from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from oneseal.calendars.queries import today as business_today


class Command(BaseCommand):
    help = "E-supervision. `rollup [--rebuild]`: update the statistics rows and the rule hits."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="op", required=True)
        rollup = sub.add_parser(
            "rollup", help="update the statistics rows and rule hits from new case events"
        )
        rollup.add_argument(
            "--rebuild", action="store_true", help="recompute everything from the cases"
        )
        rollup.add_argument(
            "--today", default=None, help="YYYY-MM-DD: the business date (default today)"
        )

    def handle(
        self,
        *args: object,
        op: str,
        rebuild: bool = False,
        today: str | None = None,
        **options: object,
    ) -> None:

        from oneseal.esupervision.jobs import rollup

        try:
            day = datetime.date.fromisoformat(today) if today else business_today()
        except ValueError as exc:
            raise CommandError(f"not a date (YYYY-MM-DD): {today}") from exc
        started = time.monotonic()
        result = rollup(day, rebuild=rebuild)
        self.stdout.write(
            f"{day.isoformat()} esupervision rollup: {result.summary()} "
            f"({(time.monotonic() - started) * 1000:.0f} ms)"
        )
