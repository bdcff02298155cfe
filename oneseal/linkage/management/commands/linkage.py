"""`oneseal linkage …`: the approval–supervision linkage from the command line.

oneseal linkage deliver [--once] [--interval SECONDS]
    send the departments' webhooks (as `oneseal worker` does on every pass); SIGTERM or
    Ctrl-C finishes the message in flight, then exits with status 0
oneseal linkage token create --department ID --scopes pushes:read,pushes:sign,… [--name NAME]
    a new API token for a department; printed once, only its hash is kept
oneseal linkage token revoke KEY_ID
oneseal linkage token list [--department ID]
"""

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oneseal.calendars.queries import today
from oneseal.errors import DomainError
from oneseal.organisation.models import Department


class Command(BaseCommand):
    help = "Approval–supervision linkage: deliver webhooks, manage department API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        deliver = sub.add_parser("deliver", help="send due webhooks")
        deliver.add_argument("--once", action="store_true", help="one pass, then exit")
        deliver.add_argument(
            "--interval", type=float, default=10.0, help="seconds between passes (default 10)"
        )
        token = sub.add_parser("token", help="department API tokens").add_subparsers(
            dest="token_action", required=True
        )
        create = token.add_parser("create")
        create.add_argument("--department", type=int, required=True, help="department id")
        create.add_argument(
            "--scopes", required=True, help="comma-separated, e.g. pushes:read,pushes:sign"
        )
        create.add_argument(
            "--name", default="", help="what the token is for (default: the department's system)"
        )
        revoke = token.add_parser("revoke")
        revoke.add_argument("key_id")
        listing = token.add_parser("list")
        listing.add_argument("--department", type=int, default=None)

    def handle(self, *args: Any, what: str, **options: Any) -> None:
        try:
            if what == "deliver":
                return self.deliver(once=options["once"], interval=options["interval"])
            return getattr(self, f"token_{options['token_action']}")(**options)
        except DomainError as error:
            fields = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.fields.items())
            raise CommandError(f"{error.message}{' (' + fields + ')' if fields else ''}") from error

    def deliver(self, *, once: bool, interval: float) -> None:
        from oneseal.linkage.delivery import deliver_due

        if interval <= 0:
            raise CommandError("--interval must be positive")
        stop = threading.Event()

        def asked_to_stop(signum: int, _frame: FrameType | None) -> None:
            # Only a flag: the message in flight is sent and recorded, then the loop ends.
            # (The default SIGTERM would kill the send half-way and leave its lease to expire.)
            self.stderr.write(
                f"{signal.Signals(signum).name}: finishing the message in flight, then stopping"
            )
            stop.set()

        # Handlers can be set only in the main thread (a test may call the command from another).
        in_main = threading.current_thread() is threading.main_thread()
        previous = (
            {s: signal.signal(s, asked_to_stop) for s in (signal.SIGTERM, signal.SIGINT)}
            if in_main
            else {}
        )
        try:
            while True:
                _beat()
                counts = deliver_due(stop=stop.is_set)
                self.stdout.write(
                    f"{counts['delivered']} webhook(s) delivered, {counts['retry']} to retry, "
                    f"{counts['dead']} dead"
                )
                self.stdout.flush()
                if once or stop.is_set() or stop.wait(interval):
                    return
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)

    def token_create(self, *, department: int, scopes: str, name: str, **_options: Any) -> None:
        from oneseal.linkage.actions import create_token

        dept = Department.objects.filter(pk=department).first()
        if dept is None:
            raise CommandError(f"no department with id {department}")
        token, plain = create_token(
            dept,
            system=True,
            name=name or f"{dept} system",
            scopes=[s.strip() for s in scopes.split(",") if s.strip()],
        )
        self.stdout.write(f"key id {token.key_id} for {dept} ({', '.join(token.scopes)})")
        self.stdout.write(plain)
        self.stderr.write("The token is shown only now; store it in the department's system.")

    def token_revoke(self, *, key_id: str, **_options: Any) -> None:
        from oneseal.linkage.actions import revoke_token
        from oneseal.linkage.models import ApiToken

        token = ApiToken.objects.filter(key_id=key_id).first()
        if token is None:
            raise CommandError(f"no token with key id {key_id}")
        revoke_token(token, system=True)
        self.stdout.write(f"revoked {key_id}")

    def token_list(self, *, department: int | None, **_options: Any) -> None:
        from oneseal.linkage.models import ApiToken

        tokens = ApiToken.objects.select_related("department").order_by(
            "department_id", "created_at"
        )
        if department is not None:
            tokens = tokens.filter(department_id=department)
        for t in tokens:
            state = f"revoked {today(t.revoked_at):%Y-%m-%d}" if t.revoked_at else "active"
            self.stdout.write(
                f"{t.key_id}  {t.department}  {t.name}  {','.join(t.scopes)}  {state}"
            )


def _beat() -> None:
    """The deliverer's heartbeat (oneseal.operations); never stops a delivery."""
    import logging

    from oneseal.operations import heartbeats

    try:
        heartbeats.beat(heartbeats.DELIVERER)
    except Exception:
        logging.getLogger("oneseal.linkage").exception("heartbeat not recorded")
