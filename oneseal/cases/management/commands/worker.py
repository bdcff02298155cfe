"""`oneseal worker [--interval SECONDS] [--once] [--today YYYY-MM-DD]`: the background worker.

Every pass runs, in order: due dates recomputed after a calendar change, deemed acceptance
(《行政许可法》第三十二条), tolerated-acceptance promises past their date (容缺受理), commitment
verifications past their due date (告知承诺), renewals deemed granted when the licence expired
undecided and reminders 90, 60 and 30 days before a licence expires (第五十条), pushes and technical support requests past
their due dates and the departments' webhooks (审管联动), the warning scan, the e-supervision
roll-up (statistics and irregular-action rules), the appointment slots of the days ahead and the
day's audit checkpoint (one per business day, signed with the bureau's seal), the drafts
left unchanged for 30 days (owners warned 3 days before, then the drafts removed), the
window's held scans whose reference expired and that no case came to use, licence
decisions to publish (双公示), the e-licences whose issue or OFD failed with their licence
document, the ended cases' archives and the notifications (tomorrow's appointment reminders, the
e-mails and text messages due). A job that
fails is logged and the next one runs. SIGTERM or SIGINT stops the worker once the job under
way has finished (its transaction committed; the jobs left run on the next start). Each pass
records the worker's heartbeat (oneseal.operations), which /healthz reads. It needs nothing but
the database (SQLite or PostgreSQL):
each job locks the cases it changes, so two workers may run at once.
"""

import datetime
import logging
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connections

logger = logging.getLogger("oneseal.worker")


# (name, job(today), summary of its result): each job returns its own kind of count.
ScheduledJob = tuple[str, Callable[[datetime.date], Any], Callable[[Any], str]]


def scheduled_jobs() -> list[ScheduledJob]:
    """(name, job(today), summary of its result) in the order of one pass. Looked up at
    every pass, so the functions are always the current ones."""
    from oneseal.appointments import jobs as appointment_jobs
    from oneseal.archives import jobs as archive_jobs
    from oneseal.audit.checkpoints import daily_checkpoint
    from oneseal.cases import actions, jobs
    from oneseal.cases.actions import held_scans
    from oneseal.drafts import actions as draft_actions
    from oneseal.elicences import actions as elicence_actions
    from oneseal.esupervision import jobs as esupervision_jobs
    from oneseal.linkage import jobs as linkage_jobs
    from oneseal.notifications import jobs as notification_jobs
    from oneseal.projects import desk as stage_desk
    from oneseal.publications import actions as publications

    return [
        (
            "recompute_due_dates",
            jobs.recompute_open_due_dates,
            lambda n: f"{n} case(s) with new due dates",
        ),
        ("deemed_acceptance", jobs.run_deemed_acceptance, lambda n: f"{n} case(s) deemed accepted"),
        (
            "overdue_promises",
            actions.overdue_promises,
            lambda found: f"{len(found)} tolerated material(s) newly past their promised date",
        ),
        (
            "overdue_verifications",
            jobs.overdue_verifications,
            lambda n: f"{n} commitment verification(s) newly past their due date",
        ),
        ("deemed_renewals", jobs.run_deemed_renewals, lambda n: f"{n} renewal(s) deemed granted"),
        (
            "expiry_reminders",
            jobs.send_expiry_reminders,
            lambda n: f"{n} expiry reminder(s) recorded",
        ),
        (
            "linkage_escalations",
            linkage_jobs.escalations,
            lambda c: (
                f"{c['pushes']} push(es) newly unsigned past due, {c['support']} support request(s) newly overdue"
            ),
        ),
        (
            "linkage_opinions",
            linkage_jobs.opinions,
            lambda c: (
                f"{c['deemed']} opinion request(s) deemed no objection, {c['escalated']} newly overdue, "
                f"{c['withdrawn']} withdrawn (case closed)"
            ),
        ),
        (
            "linkage_webhooks",
            linkage_jobs.webhooks,
            lambda c: (
                f"{c['delivered']} webhook(s) delivered, {c['retry']} to retry, {c['dead']} dead"
            ),
        ),
        (
            "warnings",
            jobs.warning_scan,
            lambda c: f"yellow {c['yellow']}, red {c['red']}, statutory {c['statutory']}",
        ),
        ("stage_standings", stage_desk.refresh_job, lambda n: f"{n} stage clock(s) computed"),
        ("esupervision_rollup", esupervision_jobs.rollup, lambda r: r.summary()),
        (
            "appointment_slots",
            appointment_jobs.generate_all,
            lambda c: f"{c['created']} slot(s) created, {c['removed']} removed",
        ),
        (
            "draft_retention",
            lambda day: draft_actions.expire_drafts(day, system=True),
            lambda c: f"{c['warned']} draft owner(s) warned, {c['removed']} draft(s) removed",
        ),
        # By the clock, not the business day: the window's signed references expire so.
        (
            "held_scans",
            lambda day: held_scans.sweep_held_scans(),
            lambda c: (
                f"{c['removed']} held scan(s) removed, {c['released']} left to the rows naming them"
            ),
        ),
        (
            "publish_due",
            publications.publish_due,
            lambda c: f"{c['opened']} publication(s) opened, {c['published']} published",
        ),
        (
            "elicences",
            elicence_actions.retry_pending,
            lambda c: (
                f"{c['followed']} e-licence(s) issued, {c['files']} OFD(s) made, {c['failed']} failed"
            ),
        ),
        # Ended cases' archival packages.
        (
            "archives",
            archive_jobs.archive_ended_cases,
            lambda c: (
                f"{c['archived']} case(s) archived, {c['supplemented']} supplemented, "
                f"{c['waiting']} waiting"
            ),
        ),
        ("notifications", notification_jobs.run, notification_jobs.describe),
        # Last, so the day's checkpoint seals what the jobs above wrote.
        ("audit_checkpoint", daily_checkpoint, str),
    ]


class Command(BaseCommand):
    help = (
        "Run the background jobs (deemed acceptance, due-date recomputation, promises, commitment "
        "verifications, warnings) in a loop."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=60.0, help="seconds between passes (default 60)"
        )
        parser.add_argument("--once", action="store_true", help="run one pass and exit")
        parser.add_argument(
            "--today", default=None, help="YYYY-MM-DD: run as of this business date"
        )

    def handle(
        self, *args: Any, interval: float, once: bool, today: str | None, **options: Any
    ) -> None:
        if interval <= 0:
            raise CommandError("--interval must be positive")
        fixed_day = _date(today) if today else None
        if once:
            failures = self.run_pass(fixed_day)
            if failures:
                raise CommandError(f"{failures} job(s) failed", returncode=1)
            return
        stop = threading.Event()
        previous = _install_stop_handlers(stop)
        logger.info("worker started, a pass every %s s", interval)
        try:
            while not stop.is_set():
                self.run_pass(fixed_day, stop=stop)
                stop.wait(interval)
        finally:
            _restore_handlers(previous)
            logger.info("worker stopped")

    def run_pass(self, fixed_day: datetime.date | None, stop: threading.Event | None = None) -> int:
        """One pass over every job, or up to the job under way when `stop` is set; returns
        how many failed."""
        from oneseal.calendars import queries as calendar_queries
        from oneseal.operations import heartbeats

        _fresh_connections()
        _beat(heartbeats.WORKER)
        today = fixed_day or calendar_queries.today()
        failures = 0
        for name, job, describe in scheduled_jobs():
            if stop is not None and stop.is_set():
                logger.info("stopping before job %s", name)
                return failures
            started = time.monotonic()
            try:
                result = job(today)
            except Exception as error:
                failures += 1
                logger.exception("job %s failed", name)
                self.stderr.write(
                    f"{today.isoformat()} {name}: FAILED {type(error).__name__}: {error}"
                )
                _fresh_connections()
                continue
            line = f"{today.isoformat()} {name}: {describe(result)} ({(time.monotonic() - started) * 1000:.0f} ms)"
            logger.info(line)
            self.stdout.write(line)
        _beat(heartbeats.WORKER)
        return failures


def _beat(process: str) -> None:
    """Record the heartbeat; a failure to (the database is away) is logged, never fatal:
    the stale heartbeat is what tells /healthz."""
    from oneseal.operations import heartbeats

    try:
        heartbeats.beat(process)
    except Exception:
        logger.exception("heartbeat of %s not recorded", process)
        _fresh_connections()


def _fresh_connections() -> None:
    """Like a request does: drop connections that broke or outlived their age, so a worker
    survives a database restart. Not inside a transaction someone else holds open (tests)."""
    if not any(conn.in_atomic_block for conn in connections.all(initialized_only=True)):
        close_old_connections()


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from exc


def _install_stop_handlers(stop: threading.Event) -> dict:
    """Turn SIGTERM and SIGINT into a request to stop after the current pass. Signals can
    only be handled in the main thread; elsewhere (an embedding thread) the caller stops us."""
    if threading.current_thread() is not threading.main_thread():
        return {}

    def request_stop(signum: int, frame: FrameType | None) -> None:
        logger.info("signal %s: stopping after this pass", signum)
        stop.set()

    return {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}


def _restore_handlers(previous: dict) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)
