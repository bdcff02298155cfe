"""Prometheus metrics beyond django-prometheus' request metrics (its middleware, installed
when metrics are enabled): case actions counted as they commit, and the queues and overdue
counts read from the database at each scrape — a handful of COUNTs, each on a partial or
leading index (the running cases by due date, pending webhooks and notifications, notices
waiting to be issued), so a scrape stays cheap at a million cases.

Several processes (gunicorn's workers, `oneseal worker`) each count in their own memory; with
PROMETHEUS_MULTIPROC_DIR set (deploy/oneseal.env) each writes its counts to a file there and
a scrape adds them up (prometheus_client's multiprocess mode)."""

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

if TYPE_CHECKING:
    from oneseal.actors import Actor
    from oneseal.cases.models import Case, CaseEvent

CASE_ACTIONS = Counter(
    "oneseal_case_actions", "Case actions committed (case events), by action", ["action"]
)


def case_event(case: "Case", event: "CaseEvent", actor: "Actor | None") -> None:
    """cases.notices observer: count the action once its transaction commits."""
    action = event.action
    transaction.on_commit(lambda: CASE_ACTIONS.labels(action=action).inc())


class DatabaseCollector:
    """Gauges computed at scrape time from the database."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from oneseal.calendars.queries import today
        from oneseal.cases.models import OPEN_STATES, Case, State
        from oneseal.documents.models import PendingNotice
        from oneseal.linkage.models import OutboxMessage
        from oneseal.notifications.models import Delivery

        from . import heartbeats

        day = today()
        open_cases = GaugeMetricFamily(
            "oneseal_cases_open", "Open cases by state", labels=["state"]
        )
        counts = dict(
            Case.objects.filter(state__in=OPEN_STATES)
            .order_by()
            .values("state")
            .annotate(n=Count("id"))
            .values_list("state", "n")
        )
        for state in OPEN_STATES:
            open_cases.add_metric([str(state)], counts.get(state, 0))
        yield open_cases

        overdue = GaugeMetricFamily(
            "oneseal_cases_overdue",
            "Cases past a due date today: acceptance (received, not yet decided whether to "
            "accept), promised and statutory (accepted, undecided)",
            labels=["limit"],
        )
        overdue.add_metric(
            ["acceptance"],
            Case.objects.filter(state=State.RECEIVED, acceptance_due__lt=day).count(),
        )
        overdue.add_metric(
            ["promised"], Case.objects.filter(state=State.ACCEPTED, promised_due__lt=day).count()
        )
        overdue.add_metric(
            ["statutory"],
            Case.objects.filter(state=State.ACCEPTED, statutory_due__lt=day).count(),
        )
        yield overdue

        queues = GaugeMetricFamily(
            "oneseal_queue_depth", "Work waiting in a queue", labels=["queue"]
        )
        queues.add_metric(
            ["webhooks"],
            OutboxMessage.objects.filter(state=OutboxMessage.MessageState.PENDING).count(),
        )
        queues.add_metric(
            ["notifications"],
            Delivery.objects.filter(state=Delivery.DeliveryState.PENDING).count(),
        )
        queues.add_metric(["notices"], PendingNotice.objects.filter(issued_at__isnull=True).count())
        yield queues

        ages = GaugeMetricFamily(
            "oneseal_heartbeat_age_seconds",
            "Seconds since the process last beat (absent: it never did)",
            labels=["process"],
        )
        for process in (heartbeats.WORKER, heartbeats.DELIVERER):
            age = heartbeats.age_seconds(process)
            if age is not None:
                ages.add_metric([process], age)
        yield ages


def scrape() -> tuple[bytes, str]:
    """The exposition: the processes' metrics, then the database's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return generate_latest(processes) + generate_latest(database), CONTENT_TYPE_LATEST
