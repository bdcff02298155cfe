"""Parallel writers of the audit log and a checkpoint sealed while they write, each on its own
database connection (PostgreSQL only: SQLite serialises every writer, so it cannot show a race)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from oneseal.audit import checkpoints
from oneseal.audit.actions import record
from oneseal.audit.models import AuditEvent, AuditHead, Checkpoint
from oneseal.documents import actions as document_actions
from oneseal.regions.models import Region
from oneseal.testing import POSTGRES_ONLY, in_parallel

pytestmark = POSTGRES_ONLY


def writer(n: int, rows: int = 5):
    def run():
        region = Region.objects.first()
        for i in range(rows):
            with transaction.atomic():
                record("test.parallel", actor=None, subject=region, summary=f"{n}-{i}")
        return n

    return run


def verify() -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except Exception as error:  # noqa: BLE001 - the exit code is what the test reads
        return out.getvalue(), getattr(error, "returncode", -1)
    return out.getvalue(), 0


@pytest.mark.django_db(transaction=True)
def test_six_writers_at_once_make_one_unbroken_chain(regions):
    AuditHead.objects.all().delete()  # a flushed database: the first writers recreate the head together
    before = AuditEvent.objects.count()
    results = in_parallel(*[writer(n) for n in range(6)])
    assert results == list(range(6)), results
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == before + 30 and seqs == list(range(1, len(seqs) + 1))
    assert AuditHead.objects.get().seq == seqs[-1]
    out, code = verify()
    assert code == 0, out


@pytest.mark.django_db(transaction=True)
def test_checkpoints_sealed_while_others_write_match_the_history(regions, bureau):
    document_actions.create_seal(bureau, system=True, valid_from=datetime.date(2024, 1, 1))

    def sealer():
        return [checkpoints.make_checkpoint().number for _ in range(3)]

    results = in_parallel(sealer, sealer, *[writer(n, rows=8) for n in range(4)])
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(results[0] + results[1]) == [1, 2, 3, 4, 5, 6]
    assert Checkpoint.objects.count() == 6
    out, code = verify()
    assert code == 0, out
    assert "history matches checkpoint #6 of" in out
