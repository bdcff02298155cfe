"""Helpers shared by the tests that need real parallel database connections."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

# SQLite serialises every writer, so a race can only be shown on PostgreSQL.
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: real parallel connections and row locks (SQLite serialises writers)")
POSTGRES_ONLY = [pytest.mark.postgres, needs_postgres]


def in_parallel(*calls, timeout: float = 60):
    """Run each call in its own thread, released together by a barrier; each thread closes its
    own connection. Returns the results (or raised exceptions) in call order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a parallel call hung"
    return results


def poster(user, url, body, **headers):
    """A call for `in_parallel`: `user` posts the JSON `body` to the API at `url`."""
    def call():
        client = APIClient()
        client.force_authenticate(user)
        return client.post(url, body, format="json", **headers)
    return call


def issued_document(case, *, kind: str, actor):
    """The genuine document of `kind` for the case's latest event that calls for one: the one
    the act issued itself (documents issue with their act, cases.notices), or — when the act
    could not (no seal yet) — issued now by `actor`, as the window does from its queue."""
    from oneseal.documents import actions as document_actions
    from oneseal.documents.models import Document
    from oneseal.documents.queries import due_documents

    existing = (Document.objects.filter(case=case, kind=kind, state=Document.DocumentState.GENUINE)
                .order_by("-pk").first())
    due = [d.kind for d in due_documents(case)]
    if existing is not None and kind not in due:
        return existing
    return document_actions.issue_document(case, kind=kind, actor=actor)
