"""What `oneseal audit verify` checks, as functions that return the problems found.

1. Every case's event chain (no changed, missing or reordered event) and that the case's
   state is the state its last event left it in.
2. The audit log's chain (no changed, missing or reordered row) and that the chain head row
   names the log's last row.
3. The checkpoints themselves: numbered without a gap, each chained to the one before, its
   digest that of its content, its signature made by a seal of this installation.
4. Against the newest intact checkpoint (or the one in a file kept elsewhere): the audit log
   still has the sealed row count and head hash, and each case still has the sealed head —
   which catches what a chain alone cannot: rows changed with every later hash recomputed,
   rows inserted, and a cut-off tail. Then which checkpoint the history still matches.
5. What other apps register (`register`, from their AppConfig.ready, since the audit app
   imports none of them): the archives' stored packages against their manifests.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, QuerySet, Subquery

from . import chain, checkpoints
from .models import GENESIS, AuditEvent, AuditHead, Checkpoint

if TYPE_CHECKING:
    from oneseal.cases.models import Case, CaseEvent

BATCH = 500

# Case id -> (seq, hash) of its chain head.
Heads = dict[int, tuple[int, str]]


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cases: int = 0
    events: int = 0
    audit_rows: int = 0
    # The first event id / audit seq where a chain is broken: no checkpoint sealed after it matches.
    first_bad_event_id: int | None = None
    first_bad_audit_seq: int | None = None

    def case_problem(self, text: str, event_id: int | None = None) -> None:
        self.problems.append(text)
        if event_id is not None and (
            self.first_bad_event_id is None or event_id < self.first_bad_event_id
        ):
            self.first_bad_event_id = event_id

    def audit_problem(self, text: str, seq: int | None = None) -> None:
        self.problems.append(text)
        if seq is not None and (self.first_bad_audit_seq is None or seq < self.first_bad_audit_seq):
            self.first_bad_audit_seq = seq


# ---- 1. case chains -------------------------------------------------------------------------


def _case_chain(report: Report, case_id: int, events: "list[CaseEvent]") -> None:
    from oneseal.cases.actions._base import event_hash, hashed_fields

    prev, expected_seq = GENESIS, 1
    for event in events:
        if event.seq != expected_seq:
            report.case_problem(f"case {case_id}: event {expected_seq} is missing", event.pk)
        if event.prev_hash != prev:
            report.case_problem(
                f"case {case_id}: event {event.seq} does not follow its predecessor", event.pk
            )
        if event_hash(hashed_fields(event)) != event.hash:
            report.case_problem(
                f"case {case_id}: event {event.seq} ({event.action}) was changed", event.pk
            )
        prev, expected_seq = event.hash, event.seq + 1


def _case_state(report: Report, case_id: int, state: str, last_to_state: str | None) -> None:
    # About the case row, not its chain: a checkpoint's match is decided by the chains alone.
    if last_to_state is None:
        report.case_problem(f"case {case_id}: has no events")
    elif last_to_state != state:
        report.case_problem(
            f"case {case_id}: state is {state!r} but its last event left it {last_to_state!r}"
        )


def check_cases(report: Report, cases: "QuerySet[Case]") -> None:
    """Keyset batches of cases, their events read in one query per batch: memory stays flat."""
    from oneseal.cases.models import CaseEvent

    last_event = CaseEvent.objects.filter(case_id=OuterRef("pk")).order_by("-seq")
    last = 0
    while True:
        batch = list(
            cases.filter(pk__gt=last)
            .annotate(last_to_state=Subquery(last_event.values("to_state")[:1]))
            .order_by("pk")
            .values_list("pk", "state", "last_to_state")[:BATCH]
        )
        if not batch:
            return
        last = batch[-1][0]
        by_case: dict[int, list[CaseEvent]] = {row[0]: [] for row in batch}
        for event in CaseEvent.objects.filter(case_id__in=list(by_case)).order_by("case_id", "seq"):
            by_case[event.case_id].append(event)
        for case_id, state, last_to_state in batch:
            _case_chain(report, case_id, by_case[case_id])
            _case_state(report, case_id, state, last_to_state)
            report.cases += 1
            report.events += len(by_case[case_id])


# ---- 2. the audit log -----------------------------------------------------------------------


def check_audit_log(report: Report) -> None:
    prev, expected, last = GENESIS, 1, None
    for row in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if row.seq != expected:
            report.audit_problem(f"audit log: row {expected} is missing", expected)
        if row.prev_hash != prev:
            report.audit_problem(
                f"audit log: row {row.seq} does not follow its predecessor", row.seq
            )
        if chain.row_hash(row) != row.hash:
            report.audit_problem(f"audit log: row {row.seq} ({row.action}) was changed", row.seq)
        prev, expected, last = row.hash, row.seq + 1, row
        report.audit_rows += 1
    head = AuditHead.objects.filter(pk=1).first()
    last_seq, last_hash = (last.seq, last.hash) if last else (0, GENESIS)
    if head is not None and (head.seq, head.hash) != (last_seq, last_hash):
        report.audit_problem(
            f"audit log: the chain head names row {head.seq} but the log ends at row {last_seq} "
            f"(rows deleted or added behind the log)",
            min(head.seq, last_seq) + 1,
        )


# ---- 3. the checkpoints themselves ----------------------------------------------------------


def _certificates() -> dict[str, str]:
    from oneseal.documents.models import Seal

    return dict(Seal.objects.exclude(fingerprint="").values_list("fingerprint", "certificate_pem"))


def intact_checkpoints(report: Report) -> list[Checkpoint]:
    """The stored checkpoints that are what they claim (newest first); each one that is not
    is a problem."""
    certificates = _certificates()
    intact, prev, expected = [], GENESIS, 1
    for cp in Checkpoint.objects.order_by("number"):
        name = f"checkpoint #{cp.number} of {cp.on.isoformat()}"
        ok = True
        content = checkpoints.payload(cp)
        if cp.number != expected:
            gap = (
                f"#{expected}" if cp.number == expected + 1 else f"#{expected} to #{cp.number - 1}"
            )
            report.problems.append(f"checkpoint {gap} is missing")
        elif cp.prev_digest != prev:
            report.problems.append(f"{name}: does not follow the checkpoint before it")
        if checkpoints.digest_of(content) != cp.digest:
            report.problems.append(f"{name}: was changed after it was sealed")
            ok = False
        elif cp.fingerprint not in certificates:
            report.problems.append(f"{name}: signed by an unknown seal {cp.fingerprint[:16]}")
            ok = False
        elif not checkpoints.signature_valid(content, cp.signature, certificates[cp.fingerprint]):
            report.problems.append(f"{name}: its signature is not valid")
            ok = False
        if ok:
            intact.append(cp)
        prev, expected = cp.digest, cp.number + 1
    return intact[::-1]


# ---- 4. the present against a checkpoint ----------------------------------------------------


def _audit_hash_at(seq: int) -> str | None:
    if seq == 0:
        return GENESIS
    return AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()


def audit_differences(report: Report, name: str, rows: int, head: str) -> list[str]:
    if report.first_bad_audit_seq is not None and report.first_bad_audit_seq <= rows:
        return [
            f"{name}: the audit log is broken at row {report.first_bad_audit_seq}, "
            f"inside the {rows} rows it sealed"
        ]
    now = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    if now < rows:
        return [f"{name}: sealed {rows} audit rows, the log now has {now} (rows were deleted)"]
    if _audit_hash_at(rows) != head:
        return [
            f"{name}: audit log row {rows} is not the row it sealed "
            f"(rows up to it were changed, inserted or deleted and their hashes recomputed)"
        ]
    return []


def case_differences(
    report: Report, name: str, content: dict[str, Any], sealed: Heads | None
) -> list[str]:
    """How the case chains differ from a checkpoint's sealed `content`; `sealed` (its case
    heads folded, when the database keeps them) names the cases."""
    last_id, root = content["last_event_id"], content["root"]
    found = []
    if report.first_bad_event_id is not None and report.first_bad_event_id <= last_id:
        found.append(
            f"{name}: a case chain is broken in an event it sealed (event id {report.first_bad_event_id})"
        )
    present = checkpoints.case_heads(last_id)
    if checkpoints.cases_root(present) == root:
        return found
    if sealed is None:
        events = sum(seq for seq, _h in present.values())
        return [
            *found,
            f"{name}: the case chains differ from it (sealed {content['cases']} cases and "
            f"{content['events']} events, now {len(present)} cases and {events} events up to it)",
        ]
    for case_id in sorted(sealed.keys() | present.keys()):
        was, now = sealed.get(case_id), present.get(case_id)
        if was == now:
            continue
        if now is None:
            assert was is not None  # both None is equal, skipped above
            found.append(f"case {case_id}: {name} sealed {was[0]} events, none is left")
        elif was is None:
            found.append(
                f"case {case_id}: has {now[0]} events up to {name}, which sealed none (rows inserted)"
            )
        elif now[0] < was[0]:
            found.append(
                f"case {case_id}: has {now[0]} events where {name} sealed {was[0]} (a deleted tail)"
            )
        elif now[0] > was[0]:
            found.append(
                f"case {case_id}: has {now[0]} events up to {name}, which sealed {was[0]} (rows inserted)"
            )
        else:
            found.append(
                f"case {case_id}: event {now[0]} is not the event {name} sealed "
                f"(events changed and their hashes recomputed)"
            )
    return found


def sealed_heads(report: Report, cp: Checkpoint, name: str) -> Heads | None:
    heads = checkpoints.folded_heads(cp)
    if checkpoints.cases_root(heads) != cp.cases_root:
        report.problems.append(
            f"{name}: its stored case heads do not give its sealed root (altered)"
        )
        return None
    return heads


def differences(
    report: Report, cp: Checkpoint, *, name: str | None = None, sealed: Heads | None = None
) -> list[str]:
    name = name or f"checkpoint #{cp.number} of {cp.on.isoformat()}"
    content = checkpoints.payload(cp)
    return audit_differences(
        report, name, content["audit"]["rows"], content["audit"]["head"]
    ) + case_differences(report, name, content["cases"], sealed)


def check_against_checkpoints(report: Report, intact: list[Checkpoint]) -> None:
    """Detailed differences from the newest intact checkpoint, then the newest checkpoint
    the history still matches."""
    if not intact:
        report.notes.append("no checkpoint yet (make one with `oneseal audit checkpoint`)")
        return
    newest = intact[0]
    name = f"checkpoint #{newest.number} of {newest.on.isoformat()}"
    found = differences(report, newest, name=name, sealed=sealed_heads(report, newest, name))
    if not found:
        report.notes.append(f"history matches {name} (the newest)")
        return
    report.problems.extend(found)
    for n, cp in enumerate(intact[1:], start=1):
        if not differences(report, cp):
            report.problems.append(
                f"history matches checkpoint #{cp.number} of {cp.on.isoformat()}, "
                f"not the {n} newer one(s)"
            )
            return
    report.problems.append("history matches no checkpoint")


def check_against_file(report: Report, doc: dict[str, Any], intact: list[Checkpoint]) -> None:
    """Against a checkpoint kept outside the database."""
    content = checkpoints.payload(doc["checkpoint"])
    name = f"checkpoint #{content['number']} of {content['on']} (file)"
    if checkpoints.digest_of(content) != doc["digest"]:
        report.problems.append(
            f"{name}: its content does not give its digest (the file was changed)"
        )
        return
    if not checkpoints.signature_valid(content, doc["signature"], doc["certificate"]):
        report.problems.append(f"{name}: its signature is not valid")
        return
    if doc["fingerprint"] not in _certificates():
        report.problems.append(
            f"{name}: signed by a seal this installation does not know ({doc['fingerprint'][:16]})"
        )
    stored = Checkpoint.objects.filter(number=content["number"]).first()
    sealed = None
    if stored is None:
        report.problems.append(f"{name}: is not in the database (deleted)")
    elif stored.digest != doc["digest"]:
        report.problems.append(
            f"{name}: the database holds another checkpoint #{stored.number} (replaced)"
        )
    elif stored in intact:
        sealed = sealed_heads(report, stored, name)
    found = audit_differences(
        report, name, content["audit"]["rows"], content["audit"]["head"]
    ) + case_differences(report, name, content["cases"], sealed)
    report.problems.extend(found)
    if not found:
        report.notes.append(f"history matches {name}")


# ---- 5. records other apps keep -------------------------------------------------------------

# check(report): appends a line to report.problems per record that no longer matches what was
# sealed, and may add a note of what it checked.
RecordCheck = Callable[[Report], None]

_record_checks: list[RecordCheck] = []


def register(check: RecordCheck) -> None:
    if check not in _record_checks:
        _record_checks.append(check)


def check_registered(report: Report) -> None:
    for check in list(_record_checks):
        check(report)
