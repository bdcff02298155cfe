"""What /healthz checks: the database answers, a worker beat recently, the seal key is there.
Each check says only "ok" or a one-word reason — never an error message, a path, a host name
or a key — because the endpoint needs no sign-in."""

from django.db import connection

from oneseal.keys import MissingSealKey, seal_key

from . import heartbeats


def database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure is "down"; the log has the detail
        return "down"
    return "ok"


def worker() -> str:
    try:
        age = heartbeats.age_seconds(heartbeats.WORKER)
    except Exception:  # noqa: BLE001 - the database check reports the cause
        return "unknown"
    if age is None:
        return "missing"
    return "ok" if heartbeats.fresh(heartbeats.WORKER) else "stale"


def seal() -> str:
    try:
        return "ok" if seal_key() is not None else "missing"
    except MissingSealKey:
        return "invalid"


def checks() -> dict[str, str]:
    result = {"database": database()}
    result["worker"] = worker() if result["database"] == "ok" else "unknown"
    result["seal_key"] = seal()
    return result
