"""`oneseal backup [--out DIR|FILE] [--key-file FILE] [--database-format native|json]
[--without-seal-key]`: one dated, encrypted archive of the database, the media, the seal key
and the newest audit checkpoint (oneseal.operations.backups). The passphrase comes from
ONESEAL_BACKUP_KEY or --key-file and is never written into the archive."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oneseal.operations import backups


class Command(BaseCommand):
    help = "Write an encrypted backup archive: database, media, seal key, audit checkpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            default=None,
            help="a directory (a dated file name is chosen) or a file; default ONESEAL_VAR/backups",
        )
        parser.add_argument("--key-file", default=None, help="a file holding the passphrase")
        parser.add_argument(
            "--database-format",
            choices=["native", "json"],
            default="native",
            help="native: pg_dump or the SQLite file (default); json: dumpdata, for any engine",
        )
        parser.add_argument(
            "--without-seal-key",
            action="store_true",
            help="leave the seal key out (then keep it safe elsewhere: the seals need it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            secret = backups.passphrase(options["key_file"])
            out = Path(options["out"] or Path(settings.VAR_DIR) / "backups")
            path = backups.backup(
                out,
                secret,
                fmt=options["database_format"],
                include_seal_key=not options["without_seal_key"],
                say=self.stdout.write,
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"backup written: {path}")
