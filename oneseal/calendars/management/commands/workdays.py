import datetime
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oneseal.calendars.queries import current_calendar


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from exc


class Command(BaseCommand):
    help = "Working-day arithmetic: `add DATE N`, `between A B`, `is DATE`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="op", required=True)
        add = sub.add_parser("add", help="the N-th working day after DATE")
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="working days after A up to and including B")
        between.add_argument("start")
        between.add_argument("end")
        is_ = sub.add_parser("is", help="whether DATE is a working day")
        is_.add_argument("date")
        for p in (add, between, is_):
            p.add_argument("--json", action="store_true")

    def handle(self, *args: Any, op: str, json: bool = False, **options: Any) -> None:
        cal = current_calendar()
        out: dict[str, Any] | str  # the dictionary with --json, the line of text without
        try:
            if op == "add":
                if options["n"] < 0:
                    raise CommandError("N must not be negative")
                result = cal.add(_date(options["date"]), options["n"])
                out = (
                    result.as_dict()
                    if json
                    else result.date.isoformat() + (" (provisional)" if result.provisional else "")
                )
            elif op == "between":
                a, b = _date(options["start"]), _date(options["end"])
                count, provisional = cal.between(a, b), cal.is_provisional(a, b)
                out = (
                    {"workdays": count, "provisional": provisional}
                    if json
                    else str(count) + (" (provisional)" if provisional else "")
                )
            else:
                d = _date(options["date"])
                value, provisional = cal.is_workday(d), cal.is_provisional(d, d)
                out = (
                    {"date": d.isoformat(), "workday": value, "provisional": provisional}
                    if json
                    else (("yes" if value else "no") + (" (provisional)" if provisional else ""))
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(out if isinstance(out, str) else _dumps(out))


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
