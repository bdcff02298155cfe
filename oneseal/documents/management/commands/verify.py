"""`oneseal verify FILE.pdf`: check a document's PAdES signature against the seals' certificates
(old seals included), find its record by the file's SHA-256 or, for a changed file, by the
verification code written into it, and say separately whether it is authentic and whether it
is in force today (`documents.rules.standing`, the same answer as the public page and the API).

Every input gets a last line that is the verdict, and an exit code:
  0  authentic and in force                        (… GENUINE)
  1  not authentic: unsigned, damaged, changed, unknown, not a PDF, empty (… NOT GENUINE)
  2  nothing to check: no such file, a directory, unreadable        (… NOT CHECKED)
  3  authentic but no longer in force: revoked, cancelled, superseded, expired, held
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

if TYPE_CHECKING:
    from oneseal.documents.queries import FileCheck

EXIT_GENUINE, EXIT_NOT_GENUINE, EXIT_NOT_CHECKED, EXIT_NOT_IN_FORCE = 0, 1, 2, 3
PDF_HEADER_WINDOW = 1024  # ISO 32000-1 §7.5.2: the header may sit anywhere in the first 1024 bytes


class Command(BaseCommand):
    help = "Verify a signed document: whether it is authentic, and whether it is in force today."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the PDF to check")

    def _verdict(self, text: str, code: int) -> None:
        self.stdout.write(text)
        if code:
            raise SystemExit(code)

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        path = Path(file)
        try:
            if path.is_dir():
                return self._verdict(
                    f"verdict: {file} is a directory, not a file — NOT CHECKED", EXIT_NOT_CHECKED
                )
            if not path.exists():
                return self._verdict(
                    f"verdict: no such file: {file} — NOT CHECKED", EXIT_NOT_CHECKED
                )
            data = path.read_bytes()
        except OSError as exc:
            return self._verdict(
                f"verdict: cannot read {file}: {exc.strerror or exc} — NOT CHECKED",
                EXIT_NOT_CHECKED,
            )
        if not data:
            return self._verdict("verdict: the file is empty — NOT GENUINE", EXIT_NOT_GENUINE)
        if b"%PDF-" not in data[:PDF_HEADER_WINDOW]:
            return self._verdict("verdict: not a PDF file — NOT GENUINE", EXIT_NOT_GENUINE)

        from oneseal.documents.queries import check_file

        result = check_file(data)
        sig = result.signature
        self.stdout.write(
            f"signature: {'valid' if sig.ok else 'INVALID'} (signed={sig.signed} intact={sig.intact} "
            f"valid={sig.valid} trusted={sig.trusted} whole_file={sig.covers_whole_file})"
        )
        if result.seal is not None:
            self.stdout.write(f"seal: {result.seal.name} ({result.seal.get_state_display()})")
        doc, record = result.document, result.record
        if doc is None and record is not None:
            self.stdout.write(
                f"record: {record.kind} {record.number} {record.dated} {record.issuer}"
            )
            if not result.matches_record:
                self.stdout.write("file: DIFFERS from the stored record (sha256 mismatch)")
        elif doc is None:
            self.stdout.write("record: not found")
        else:
            self.stdout.write(
                f"record: {doc.get_kind_display()} {doc.number} {doc.dated} {doc.bureau.name} "
                f"state={doc.state} ({doc.get_state_display()})"
            )
            if not result.matches_record:
                self.stdout.write("file: DIFFERS from the stored document (sha256 mismatch)")
        if result.standing is not None:
            with translation.override("zh-hans"):
                why = str(result.standing.text)
            self.stdout.write(
                f"in force: {'yes' if result.standing.in_force else 'NO'} ({result.standing.reason}"
                f"{' since ' + result.standing.since.isoformat() if result.standing.since else ''})"
                f" {why}"
            )
        if not result.authentic:
            return self._verdict(
                f"verdict: {self._why_not(result)} — NOT GENUINE", EXIT_NOT_GENUINE
            )
        if not result.in_force:
            return self._verdict(
                "verdict: authentic, but NOT IN FORCE — GENUINE, NOT IN FORCE", EXIT_NOT_IN_FORCE
            )
        return self._verdict("verdict: authentic and in force — GENUINE", EXIT_GENUINE)

    @staticmethod
    def _why_not(result: "FileCheck") -> str:
        sig = result.signature
        if not sig.signed:
            return "no readable signature (damaged or unsigned file)"
        if not (sig.intact and sig.valid):
            return "the signature does not match the file (changed or damaged after signing)"
        if not sig.trusted or result.seal is None:
            return "signed by a certificate that is not one of the bureau's seals"
        if not sig.covers_whole_file:
            return "bytes were added after the signature"
        if result.document is None and result.record is None:
            return "the bureau has no record of this file"
        return "the file differs from the document the bureau stored"
