"""Tamper evidence: the audit log's chain, the checkpoints that anchor every chain, and
`oneseal audit verify` catching each kind of tampering — on the audit log and on case events."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from oneseal.audit import chain, checkpoints
from oneseal.audit.actions import record
from oneseal.audit.models import AuditEvent, AuditHead, Checkpoint
from oneseal.cases.actions._base import event_hash, hashed_fields
from oneseal.cases.models import Case, CaseEvent
from oneseal.documents import actions as document_actions
from oneseal.documents.models import Seal
from oneseal.regions.models import Region

from .conftest import delete_behind_the_actions
from .test_verify import verify


def note(n: int):
    """An audited write of no consequence: a row in the log."""
    return record("test.note", actor=None, subject=Region.objects.first(), summary=f"第{n}条")


def checkpoint() -> Checkpoint:
    out = io.StringIO()
    call_command("audit", "checkpoint", stdout=out)
    assert out.getvalue().startswith("checkpoint #")
    return Checkpoint.objects.order_by("-number").first()


def rechain_audit_log(from_seq: int) -> None:
    """What a careful forger does after changing a row: recompute every later link and the head."""
    prev = AuditEvent.objects.get(seq=from_seq - 1).hash if from_seq > 1 else chain.GENESIS
    for row in AuditEvent.objects.filter(seq__gte=from_seq).order_by("seq"):
        row.prev_hash = prev
        row.hash = prev = chain.row_hash(row)
        AuditEvent.objects.filter(pk=row.pk).update(prev_hash=row.prev_hash, hash=row.hash)
    last = AuditEvent.objects.order_by("-seq").first()
    AuditHead.objects.filter(pk=1).update(seq=last.seq, hash=last.hash)


def rechain_case(case: Case) -> None:
    prev = chain.GENESIS
    for event in CaseEvent.objects.filter(case=case).order_by("seq"):
        event.prev_hash = prev
        event.hash = prev = event_hash(hashed_fields(event))
        CaseEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)


# ---- the audit log's chain ------------------------------------------------------------------


def test_record_appends_each_row_as_the_next_link_of_one_chain(db, regions):
    first, second = note(1), note(2)
    start = first.seq
    assert second.seq == start + 1 and second.prev_hash == first.hash
    assert chain.row_hash(AuditEvent.objects.get(pk=second.pk)) == second.hash, (
        "the stored row gives its hash"
    )
    assert (AuditHead.objects.get().seq, AuditHead.objects.get().hash) == (second.seq, second.hash)
    # Data that JSON stores differently (a tuple, an integer key) hashes as it is stored.
    odd = record("test.odd", actor=None, subject=Region.objects.first(), data={"t": (1, 2), 3: "x"})
    assert AuditEvent.objects.get(pk=odd.pk).data == {"t": [1, 2], "3": "x"}
    assert verify()[1] == 0


def test_an_edited_audit_row_is_reported(db, regions):
    note(1)
    row = note(2)
    note(3)
    AuditEvent.objects.filter(pk=row.pk).update(summary="改过的摘要")
    out, code = verify()
    assert code == 1
    assert f"audit log: row {row.seq} (test.note) was changed" in out
    assert out.strip().endswith("0 cases, 0 events checked, 1 problems")


def test_a_deleted_audit_tail_is_reported_by_the_chain_head(db, regions):
    note(1)
    last = note(2)
    AuditEvent.objects.filter(pk=last.pk).delete()
    out, code = verify()
    assert code == 1
    assert (
        f"audit log: the chain head names row {last.seq} but the log ends at row {last.seq - 1}"
        in out
    )


def test_an_audit_row_inserted_behind_record_is_reported(db, regions):
    note(1)
    last = note(2)
    AuditEvent.objects.create(
        action="test.forged",
        subject_type="x",
        subject_id="1",
        seq=last.seq + 1,
        prev_hash=last.hash,
        hash="f" * 64,
    )
    out, code = verify()
    assert code == 1
    assert f"audit log: row {last.seq + 1} (test.forged) was changed" in out
    assert f"audit log: the chain head names row {last.seq}" in out


# ---- checkpoints: making, signing, exporting ------------------------------------------------


def test_a_checkpoint_seals_every_chain_head_signed_with_the_bureaus_seal(two_cases, seal):
    refused, waiting = two_cases
    cp = checkpoint()
    assert cp.number == 1 and cp.prev_digest == chain.GENESIS and cp.fingerprint == seal.fingerprint
    head = AuditHead.objects.get()
    # The checkpoint's own audit row comes after what it sealed.
    assert cp.audit_rows == head.seq - 1
    assert AuditEvent.objects.get(seq=cp.audit_rows).hash == cp.audit_head
    assert (cp.case_count, cp.case_event_count) == (2, 3)
    heads = {
        c.pk: (e.seq, e.hash)
        for c in (refused, waiting)
        for e in [c.events.order_by("-seq").first()]
    }
    assert cp.cases_root == checkpoints.cases_root(heads)
    assert cp.case_heads == {str(k): list(v) for k, v in heads.items()}
    content = checkpoints.payload(cp)
    assert checkpoints.digest_of(content) == cp.digest
    assert checkpoints.signature_valid(content, cp.signature, seal.certificate_pem)
    assert not checkpoints.signature_valid(
        {**content, "number": 2}, cp.signature, seal.certificate_pem
    )
    # The next one chains to it and keeps only the heads that moved.
    from oneseal.cases import actions as case_actions

    case_actions.withdraw(waiting, actor=waiting_clerk(waiting), reason="申请人书面撤回")
    second = checkpoint()
    assert second.prev_digest == cp.digest and list(second.case_heads) == [str(waiting.pk)]
    assert second.case_event_count == 4
    out, code = verify()
    assert code == 0 and "history matches checkpoint #2 of" in out and "(the newest)" in out


def waiting_clerk(case):
    return case.events.get(seq=1).actor


def test_without_an_active_seal_no_checkpoint_is_made_and_the_reason_is_given(two_cases):
    with pytest.raises(CommandError, match="本局尚未启用电子印章"):
        call_command("audit", "checkpoint", stdout=io.StringIO())
    assert checkpoints.daily_checkpoint(datetime.date(2026, 12, 6)).startswith("no checkpoint: ")
    assert not Checkpoint.objects.exists()


def test_a_sealed_away_seal_does_not_sign_the_new_seal_does(two_cases, seal, bureau):
    Seal.objects.filter(pk=seal.pk).update(state=Seal.SealState.SEALED_AWAY)
    with pytest.raises(CommandError):
        call_command("audit", "checkpoint", stdout=io.StringIO())
    new = document_actions.create_seal(bureau, system=True, valid_from=datetime.date(2025, 1, 1))
    assert checkpoint().fingerprint == new.fingerprint


def test_the_worker_job_makes_one_checkpoint_per_business_day(two_cases, seal):
    day = datetime.date(2026, 12, 6)
    assert checkpoints.daily_checkpoint(day).startswith("checkpoint #1 sealed")
    assert checkpoints.daily_checkpoint(day) == "checkpoint of the day already made"
    assert checkpoints.daily_checkpoint(day + datetime.timedelta(days=1)).startswith(
        "checkpoint #2 sealed"
    )
    assert list(Checkpoint.objects.values_list("on", flat=True)) == [
        day + datetime.timedelta(days=1),
        day,
    ]


def test_export_writes_a_small_file_that_verifies_elsewhere(two_cases, seal, tmp_path):
    cp = checkpoint()
    path = tmp_path / "checkpoint.json"
    call_command("audit", "export-checkpoint", "--out", str(path), stdout=io.StringIO())
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["digest"] == cp.digest and doc["certificate"] == seal.certificate_pem
    assert doc["checkpoint"]["audit"] == {"rows": cp.audit_rows, "head": cp.audit_head}
    assert path.stat().st_size < 4000
    out, code = verify("--checkpoint", str(path))
    assert code == 0 and f"history matches checkpoint #1 of {cp.on.isoformat()} (file)" in out
    # Standard output without --out; an unknown number is an error.
    stdout = io.StringIO()
    call_command("audit", "export-checkpoint", stdout=stdout)
    assert json.loads(stdout.getvalue())["digest"] == cp.digest
    with pytest.raises(CommandError, match="no checkpoint #7"):
        call_command("audit", "export-checkpoint", "--number", "7", stdout=io.StringIO())


def test_a_changed_or_unreadable_checkpoint_file_is_refused_clearly(two_cases, seal, tmp_path):
    checkpoint()
    path = tmp_path / "cp.json"
    call_command("audit", "export-checkpoint", "--out", str(path), stdout=io.StringIO())
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["checkpoint"]["audit"]["rows"] -= 1
    path.write_text(json.dumps(doc), encoding="utf-8")
    out, code = verify("--checkpoint", str(path))
    assert code == 1 and "its content does not give its digest (the file was changed)" in out
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="不是审计检查点文件"):
        call_command("audit", "verify", "--checkpoint", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="cannot read"):
        call_command(
            "audit", "verify", "--checkpoint", str(tmp_path / "missing.json"), stdout=io.StringIO()
        )


def test_a_changed_deleted_or_badly_signed_checkpoint_row_is_reported(two_cases, seal):
    first, second = checkpoint(), checkpoint()
    Checkpoint.objects.filter(pk=second.pk).update(audit_rows=second.audit_rows - 1)
    out, code = verify()
    assert (
        code == 1
        and f"checkpoint #2 of {second.on.isoformat()}: was changed after it was sealed" in out
    )
    # The altered one is not trusted; the history still matches the first.
    assert "history matches checkpoint #1" in out
    Checkpoint.objects.filter(pk=second.pk).update(
        audit_rows=second.audit_rows, signature=first.signature
    )
    assert "checkpoint #2 of" in verify()[0] and "its signature is not valid" in verify()[0]
    Checkpoint.objects.filter(pk=second.pk).delete()
    third = checkpoint()
    assert third.number == 2  # numbered after the newest left, which hides nothing:
    Checkpoint.objects.filter(pk=first.pk).delete()
    out, code = verify()
    assert code == 1 and "checkpoint #1 is missing" in out


# ---- what only a checkpoint catches: the audit log --------------------------------------------


def test_an_audit_row_edited_with_its_hash_recomputed_is_caught_by_the_checkpoint(
    two_cases, seal, tmp_path
):
    first = checkpoint()
    note(1)
    victim = note(2)
    note(3)
    second = checkpoint()
    AuditEvent.objects.filter(pk=victim.pk).update(summary="改过的摘要")
    rechain_audit_log(victim.seq)
    out, code = verify()
    assert code == 1
    assert "was changed" not in out, "the chain itself is consistent again"
    assert (
        f"checkpoint #2 of {second.on.isoformat()}: audit log row {second.audit_rows} is not the row it sealed"
        in out
    )
    assert f"history matches checkpoint #1 of {first.on.isoformat()}, not the 1 newer one(s)" in out


def test_a_deleted_audit_tail_with_the_head_moved_back_is_caught_by_the_checkpoint(two_cases, seal):
    note(1)
    note(2)
    cp = checkpoint()
    # Cut the log back before the sealed rows, head included: the chain alone looks fine.
    keep = cp.audit_rows - 2
    AuditEvent.objects.filter(seq__gt=keep).delete()
    rechain_audit_log(keep)
    out, code = verify()
    assert code == 1
    assert f"sealed {cp.audit_rows} audit rows, the log now has {keep} (rows were deleted)" in out
    assert "history matches no checkpoint" in out


def test_an_audit_row_inserted_in_the_middle_is_caught_by_the_checkpoint(two_cases, seal):
    note(1)
    middle = note(2)
    cp = checkpoint()
    for row in AuditEvent.objects.filter(seq__gte=middle.seq).order_by("-seq"):
        AuditEvent.objects.filter(pk=row.pk).update(seq=row.seq + 1)
    AuditEvent.objects.create(
        action="test.forged",
        subject_type="x",
        subject_id="1",
        seq=middle.seq,
        at=middle.at,
        prev_hash="",
        hash="",
    )
    rechain_audit_log(middle.seq)
    out, code = verify()
    assert code == 1
    assert f"audit log row {cp.audit_rows} is not the row it sealed" in out


# ---- what only a checkpoint catches: case events ----------------------------------------------


def test_a_case_event_edited_with_its_hash_recomputed_is_caught_and_the_case_named(two_cases, seal):
    refused, waiting = two_cases
    cp = checkpoint()
    CaseEvent.objects.filter(case=refused, seq=1).update(reason="改过的理由")
    rechain_case(refused)
    out, code = verify()
    assert code == 1
    assert "was changed" not in out
    assert (
        f"case {refused.pk}: event 2 is not the event checkpoint #1 of {cp.on.isoformat()} sealed "
        f"(events changed and their hashes recomputed)"
    ) in out
    assert f"case {waiting.pk}" not in out
    assert "history matches no checkpoint" in out


def test_a_deleted_case_tail_that_keeps_the_state_is_caught_by_the_checkpoint(two_cases, seal):
    refused, _waiting = two_cases
    cp = checkpoint()
    delete_behind_the_actions(CaseEvent.objects.filter(case=refused, seq=2))
    Case.objects.filter(pk=refused.pk).update(
        state="received"
    )  # consistent with the remaining event
    out, code = verify()
    assert code == 1
    assert "state is" not in out, "without the checkpoint the history would look whole"
    assert (
        f"case {refused.pk}: has 1 events where checkpoint #1 of {cp.on.isoformat()} sealed 2 (a deleted tail)"
        in out
    )


def test_a_case_event_inserted_in_the_middle_is_caught_by_the_checkpoint(two_cases, seal):
    refused, _waiting = two_cases
    cp = checkpoint()
    CaseEvent.objects.filter(case=refused, seq=2).update(seq=3)
    first = CaseEvent.objects.get(case=refused, seq=1)
    CaseEvent.objects.create(
        case=refused,
        seq=2,
        at=first.at,
        on=first.on,
        actor_name="伪造",
        action="note",
        from_state="received",
        to_state="received",
        prev_hash="",
        hash="",
    )
    rechain_case(refused)
    out, code = verify()
    assert code == 1
    assert "is missing" not in out and "was changed" not in out
    assert (
        f"case {refused.pk}: has 3 events up to checkpoint #1 of {cp.on.isoformat()}, which sealed 2 (rows inserted)"
        in out
    )


def test_the_file_kept_elsewhere_catches_what_was_done_to_the_database_and_its_checkpoints(
    two_cases, seal, tmp_path
):
    refused, _waiting = two_cases
    checkpoint()
    path = tmp_path / "kept.json"
    call_command("audit", "export-checkpoint", "--out", str(path), stdout=io.StringIO())
    # The forger rewrites a case, deletes every checkpoint and seals a fresh one.
    CaseEvent.objects.filter(case=refused, seq=1).update(reason="改过的理由")
    rechain_case(refused)
    Checkpoint.objects.all().delete()
    checkpoint()
    assert verify()[1] == 0, "the database alone now agrees with itself"
    out, code = verify("--checkpoint", str(path))
    assert code == 1
    assert "(file): the database holds another checkpoint #1 (replaced)" in out
    assert "(file): the case chains differ from it" in out


# ---- parallel writers -------------------------------------------------------------------------


def test_a_checkpoint_in_a_transaction_that_fails_leaves_nothing(two_cases, seal):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        checkpoints.make_checkpoint()
        raise RuntimeError
    assert not Checkpoint.objects.exists() and AuditEvent.objects.count() == before
