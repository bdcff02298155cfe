"""`oneseal seal create --bureau-region 640221 [--name NAME] [--valid-from DATE]`: a new key and
self-signed certificate for the bureau's approval seal (the previous one is sealed away and
keeps verifying what it signed).
`oneseal seal department --department-id ID --name NAME --valid-from DATE [--holder --place]`:
register a department's old seal, still in its hands (seed 000 四(二)5).
`oneseal seal hand-over --seal-id ID --sealed-away-on DATE --handed-over-by … --received-by …
--holder … --place … --checklist …`: record its hand-over and sealing away, not before the
department's transfer date; the checklist must have been signed by both sides.
`oneseal seal list [--bureau-region CODE]`: the register of seals.
`oneseal seal rekey`: re-encrypt the seals' private keys and the departments' webhook secrets
under the seal key (ONESEAL_SEAL_KEY or its file), from the passphrase derived from SECRET_KEY
that earlier versions used. The old secret key is read from the environment variable
ONESEAL_OLD_SECRET_KEY (default: the current SECRET_KEY), never from the command line."""

import datetime
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oneseal.errors import DomainError


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from exc


class Command(BaseCommand):
    help = "The register of approval seals: create a bureau's seal, register a department's old seal, list."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="op", required=True)
        create = sub.add_parser("create", help="create (or rotate) a bureau's approval seal")
        create.add_argument(
            "--bureau-region", required=True, help="the bureau's region code, e.g. 640221"
        )
        create.add_argument("--name", default="", help="default: <bureau name>行政审批专用章")
        create.add_argument("--valid-from", default=None, help="YYYY-MM-DD, default today")
        department = sub.add_parser("department", help="register a department's old seal")
        department.add_argument("--department-id", type=int, required=True)
        department.add_argument("--name", required=True)
        department.add_argument("--valid-from", required=True, help="YYYY-MM-DD")
        department.add_argument("--holder", default="")
        department.add_argument("--place", default="")
        handover = sub.add_parser(
            "hand-over", help="record a department's old seal handed over and sealed away"
        )
        handover.add_argument("--seal-id", type=int, required=True)
        handover.add_argument("--sealed-away-on", required=True, help="YYYY-MM-DD")
        for name in ("--handed-over-by", "--received-by", "--holder", "--place", "--checklist"):
            handover.add_argument(name, required=True)
        listing = sub.add_parser("list", help="list seals")
        listing.add_argument("--bureau-region", default=None)
        sub.add_parser("rekey", help="re-encrypt stored keys under the seal key (after an upgrade)")

    def handle(self, *args: Any, op: str, **options: Any) -> None:
        from oneseal.documents import actions
        from oneseal.documents.models import Seal
        from oneseal.organisation.models import Bureau, Department

        seal: Seal | None  # what an operation made or, for a hand-over, looked up
        try:
            if op == "create":
                bureau = Bureau.objects.filter(region__code=options["bureau_region"]).first()
                if bureau is None:
                    raise CommandError(f"no bureau for region {options['bureau_region']}")
                valid_from = _date(options["valid_from"]) if options["valid_from"] else None
                seal = actions.create_seal(
                    bureau, system=True, name=options["name"], valid_from=valid_from
                )
                self.stdout.write(
                    f"seal {seal.pk} {seal.name} active from {seal.valid_from} "
                    f"certificate sha256 {seal.fingerprint}"
                )
            elif op == "department":
                department = Department.objects.filter(pk=options["department_id"]).first()
                if department is None:
                    raise CommandError(f"no department {options['department_id']}")
                seal = actions.register_department_seal(
                    department,
                    system=True,
                    name=options["name"],
                    valid_from=_date(options["valid_from"]),
                    holder=options["holder"],
                    place=options["place"],
                )
                self.stdout.write(f"seal {seal.pk} {seal.name} registered, active")
            elif op == "hand-over":
                seal = Seal.objects.filter(pk=options["seal_id"]).first()
                if seal is None:
                    raise CommandError(f"no seal {options['seal_id']}")
                # Signed on paper by both sides; the operator records it from that paper.
                handover = actions.seal_away_department_seal(
                    seal,
                    system=True,
                    handed_over_by=options["handed_over_by"],
                    received_by=options["received_by"],
                    holder=options["holder"],
                    place=options["place"],
                    sealed_away_on=_date(options["sealed_away_on"]),
                    checklist=options["checklist"],
                    checklist_signed=True,
                )
                self.stdout.write(
                    f"seal {seal.pk} {seal.name} sealed away on {handover.sealed_away_on}, "
                    f"kept by {handover.holder} at {handover.place}"
                )
            elif op == "rekey":
                from django.conf import settings
                from django.db import transaction

                from oneseal.linkage.actions import rekey_webhook_secrets

                old = os.environ.get("ONESEAL_OLD_SECRET_KEY") or settings.SECRET_KEY
                # One transaction: the seals and the webhook secrets move to the seal key together.
                with transaction.atomic():
                    done = {
                        "seals": actions.rekey_seals(old_secret_key=old, system=True),
                        **rekey_webhook_secrets(old_secret_key=old, system=True),
                    }
                self.stdout.write(
                    f"re-encrypted {done['seals']} seal key(s) and {done['webhook_secrets']} "
                    f"webhook secret(s) under the seal key"
                )
                if done["unreadable_webhook_secrets"]:
                    self.stderr.write(
                        f"{done['unreadable_webhook_secrets']} webhook secret(s) opened by neither "
                        "key: set them again on the department's linkage page"
                    )
            else:
                seals = Seal.objects.select_related("bureau__region", "department")
                if options["bureau_region"]:
                    seals = seals.filter(bureau__region__code=options["bureau_region"])
                for seal in seals:
                    owner = seal.bureau or seal.department
                    self.stdout.write(
                        f"{seal.pk}\t{seal.kind}\t{seal.state}\t{owner}\t{seal.name}\t"
                        f"{seal.valid_from}\t{seal.sealed_away_on or ''}\t{seal.fingerprint[:16]}"
                    )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
