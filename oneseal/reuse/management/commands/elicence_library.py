"""`oneseal elicence_library import FILE` (xlsx or JSON), `oneseal elicence_library pull [--url URL]`,
`oneseal elicence_library token NAME` (the library's push token, shown once)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oneseal.errors import DomainError
from oneseal.reuse import actions, importing, pulling
from oneseal.reuse.models import ImportedLicence


class Command(BaseCommand):
    help = "Import e-licences of the provincial library (file or pull), or create its push token."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        imp = sub.add_parser("import", help="an xlsx or JSON file")
        imp.add_argument("path")
        pull = sub.add_parser("pull", help="GET the library's endpoint")
        pull.add_argument("--url", default="")
        pull.add_argument("--since", default="")
        tok = sub.add_parser("token", help="a new push token for the library")
        tok.add_argument("name")

    def handle(self, *args: Any, what: str, **options: Any) -> None:
        if what == "token":
            self.stdout.write(actions.create_library_token(options["name"], system=True))
            return
        if what == "import":
            path = Path(options["path"])
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
            read = importing.read_file(path.read_bytes(), path.name)
            source = ImportedLicence.Source.FILE
        else:
            read = pulling.fetch(options["url"] or None, since=options["since"])
            source = ImportedLicence.Source.PULL
        try:
            result = actions.import_licences(read, source=source, system=True)
        except DomainError as exc:
            for reason in exc.reasons or [str(exc.message)]:
                self.stderr.write(str(reason))
            raise CommandError(str(exc.message)) from None
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
            + (f", no longer valid: {', '.join(result.revoked)}" if result.revoked else "")
        )
