"""`oneseal verify FILE.pdf`: check a document's PAdES signature against the seals' certificates
(old seals included) and print its status from the register, found by the file's SHA-256 or,
for a changed file, by the verification code written into it. Exits 1 unless the signature is
valid, the file is the one stored and the document is in force."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Verify a signed document: its signature and its status in the register."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the PDF to check")

    def handle(self, *args, file: str, **options):
        from oneseal.documents.queries import check_file

        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        result = check_file(path.read_bytes())
        sig = result.signature
        self.stdout.write(f"signature: {'valid' if sig.ok else 'INVALID'} (signed={sig.signed} intact={sig.intact} "
                          f"valid={sig.valid} trusted={sig.trusted} whole_file={sig.covers_whole_file})")
        if result.seal is not None:
            self.stdout.write(f"seal: {result.seal.name} ({result.seal.get_state_display()})")
        doc = result.document
        if doc is None:
            self.stdout.write("record: not found")
        else:
            self.stdout.write(f"record: {doc.get_kind_display()} {doc.number} {doc.dated} {doc.bureau.name} "
                              f"state={doc.state} ({doc.get_state_display()})")
            if not result.matches_record:
                self.stdout.write("file: DIFFERS from the stored document (sha256 mismatch)")
        self.stdout.write("GENUINE" if result.genuine else "NOT GENUINE")
        if not result.genuine:
            raise SystemExit(1)
