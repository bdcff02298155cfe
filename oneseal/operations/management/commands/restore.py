"""`oneseal restore ARCHIVE [--key-file FILE] [--force]`: bring back what `oneseal backup`
wrote, into the configured (empty) database, media directory and seal key file. Refuses a
database or media directory that is not empty unless --force, a wrong key, and a damaged or
cut-off archive — before changing anything. Then: `oneseal audit verify`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oneseal.operations import backups


class Command(BaseCommand):
    help = "Restore an archive written by `oneseal backup` into an empty installation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--key-file", default=None, help="a file holding the passphrase")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database and media that are not empty (the media moved aside)",
        )

    def handle(self, *args: Any, archive: str, **options: Any) -> None:
        try:
            secret = backups.passphrase(options["key_file"])
            manifest = backups.restore(
                Path(archive), secret, force=options["force"], say=self.stdout.write
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        check = "oneseal audit verify"
        if manifest.get("checkpoint_file"):
            check += f" --checkpoint {manifest['checkpoint_file']}"
        self.stdout.write(f"restored; now check the history: {check}")
