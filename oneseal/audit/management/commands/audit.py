"""`oneseal audit verify | checkpoint | export-checkpoint`: the tamper evidence of the records.

- `verify [--case NUMBER] [--checkpoint FILE]`: every case's event chain and state, the audit
  log's chain, the stored checkpoints, and the present against the newest checkpoint (or the
  one in FILE, kept elsewhere); says which checkpoint the history still matches; then the checks
  other apps register (the archives' packages against their manifests). One line per
  problem, then a summary; exit status 1 on any problem. With `--case`, only that case's chain.
- `checkpoint`: seal a checkpoint of every chain head now (the worker makes one a day).
- `export-checkpoint [--number N] [--out FILE]`: the newest (or N-th) checkpoint as a small
  JSON file to keep outside the database.
"""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oneseal.errors import DomainError


class Command(BaseCommand):
    help = "Audit checks: verify the hash chains, seal and export checkpoints."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="op", required=True)
        verify = sub.add_parser(
            "verify", help="verify the case chains, the audit log and the checkpoints"
        )
        verify.add_argument("--case", dest="number", default=None, help="only this case (办件编号)")
        verify.add_argument(
            "--checkpoint",
            dest="checkpoint_file",
            default=None,
            help="a checkpoint file (from export-checkpoint) to verify against",
        )
        sub.add_parser("checkpoint", help="seal a checkpoint of every chain head now")
        export = sub.add_parser("export-checkpoint", help="write a checkpoint as JSON")
        export.add_argument(
            "--number", type=int, default=None, help="the checkpoint's number (default: newest)"
        )
        export.add_argument(
            "--out", default=None, help="the file to write (default: standard output)"
        )

    def handle(self, *args: Any, op: str, **options: Any) -> None:
        if op == "verify":
            return self.verify(options["number"], options["checkpoint_file"])
        if op == "checkpoint":
            return self.checkpoint()
        return self.export(options["number"], options["out"])

    def verify(self, number: str | None, checkpoint_file: str | None) -> None:
        from oneseal.cases.models import Case

        from ... import verification

        doc = self._read_checkpoint_file(checkpoint_file) if checkpoint_file else None
        report = verification.Report()
        cases = Case.objects.all()
        if number is not None:
            cases = cases.filter(number=number)
            if not cases.exists():
                raise CommandError(f"no case numbered {number}")
        verification.check_cases(report, cases)
        if number is None:
            verification.check_audit_log(report)
            intact = verification.intact_checkpoints(report)
            if doc is not None:
                verification.check_against_file(report, doc, intact)
            else:
                verification.check_against_checkpoints(report, intact)
            verification.check_registered(report)
        for line in report.problems:
            self.stdout.write(line)
        if number is None:
            self.stdout.write(f"{report.audit_rows} audit rows checked")
            for line in report.notes:
                self.stdout.write(line)
        n_problems = len(report.problems)
        self.stdout.write(
            f"{report.cases} cases, {report.events} events checked, {n_problems} problems"
        )
        if n_problems:
            raise CommandError(f"{n_problems} problems found", returncode=1)

    def _read_checkpoint_file(self, path: str) -> dict[str, Any]:
        from ... import checkpoints

        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}") from error
        try:
            return checkpoints.parse_export(text)
        except DomainError as error:
            raise CommandError(f"{path}: {error.message}") from error

    def checkpoint(self) -> None:
        from ... import checkpoints

        try:
            cp = checkpoints.make_checkpoint()
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        assert cp is not None  # only `only_if_none_on` makes none
        self.stdout.write(
            f"checkpoint #{cp.number} of {cp.on.isoformat()}: {cp.audit_rows} audit rows, "
            f"{cp.case_count} cases, {cp.case_event_count} events; digest {cp.digest}; "
            f"signed by seal {cp.fingerprint[:16]}"
        )

    def export(self, number: int | None, out: str | None) -> None:
        from ... import checkpoints
        from ...models import Checkpoint

        cps = Checkpoint.objects.order_by("-number")
        cp = cps.filter(number=number).first() if number is not None else cps.first()
        if cp is None:
            raise CommandError(
                f"no checkpoint #{number}"
                if number is not None
                else "no checkpoint yet (make one with `oneseal audit checkpoint`)"
            )
        text = json.dumps(checkpoints.export(cp), ensure_ascii=False, indent=2) + "\n"
        if out is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error}") from error
        self.stdout.write(f"checkpoint #{cp.number} → {out}")
