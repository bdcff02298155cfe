"""Heartbeats of the long-running processes. A heartbeat is not a domain act: no audit row
(one a minute per process would bury the audit log) and no permission (only the processes
themselves write it)."""

import datetime
import os
import socket

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from .models import Heartbeat

WORKER = "worker"
DELIVERER = "deliverer"

# This process's start, kept in the row so a restart shows.
_STARTED = timezone.now()


def beat(process: str) -> None:
    """Record that `process` on this host is alive now (an upsert of its one row)."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(
        process=process,
        host=socket.gethostname()[:255],
        defaults={"pid": os.getpid(), "beat_at": now, "started_at": _STARTED},
    )


def last_beat(process: str) -> datetime.datetime | None:
    """The newest beat of `process` on any host."""
    return Heartbeat.objects.filter(process=process).aggregate(newest=Max("beat_at"))["newest"]


def age_seconds(process: str) -> float | None:
    newest = last_beat(process)
    return None if newest is None else (timezone.now() - newest).total_seconds()


def fresh(process: str) -> bool:
    """Whether `process` beat within ONESEAL_HEARTBEAT_MAX_AGE seconds."""
    age = age_seconds(process)
    return age is not None and age <= settings.ONESEAL_HEARTBEAT_MAX_AGE
