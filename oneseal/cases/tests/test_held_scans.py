"""The window's held scans (`cases.actions.held_scans`): kept while the form's signed reference
is valid, then deleted by the worker unless some row names the file — and an intake using the
reference at the moment of a sweep never leaves a case naming a deleted file."""

import datetime
import threading
import time

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from oneseal.audit.models import AuditEvent
from oneseal.cases import actions
from oneseal.cases.actions import held_scans, intake
from oneseal.cases.models import Case, HeldScan, Upload
from oneseal.errors import ValidationFailed
from oneseal.testing import in_parallel, needs_postgres

from .test_window_intake import PERSON, checklist, materials, pdf, publish_food

RULES = b"%PDF-1.7 food safety rules, scanned at the window"
DAY = held_scans.VALIDITY


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def food(complete_draft, admin_user):
    return publish_food(complete_draft, admin_user, "640221-XK-301")


def hold(clerk, body: bytes = RULES) -> intake.StoredFile:
    return actions.hold_upload(pdf("制度.pdf", body), actor=clerk)


def held_at(stored: intake.StoredFile) -> datetime.datetime:
    return HeldScan.objects.get(name=stored.name).held_at


def given(food, clerk, stored: intake.StoredFile, key: str = "k-1") -> Case:
    """The window's intake, accepted, with the held scan for the rules list."""
    return actions.intake_at_window(
        food,
        actor=clerk,
        applicant=PERSON,
        decision="accept",
        checklist=checklist(food),
        idempotency_key=key,
        uploads={materials(food)["食品安全管理制度"]: stored},
    )


def sweeps() -> int:
    return AuditEvent.objects.filter(action="cases.sweep_held_scans").count()


def test_a_scan_no_case_used_is_deleted_once_its_reference_expired_and_the_pass_audited(clerk):
    held = hold(clerk)
    start = held_at(held)
    assert default_storage.exists(held.name)
    assert held_scans.sweep_held_scans(now=start + DAY) == {"removed": 0, "released": 0}
    assert default_storage.exists(held.name) and sweeps() == 0
    other = hold(clerk, b"%PDF-1.7 the ID card")
    result = held_scans.sweep_held_scans(now=held_at(other) + DAY + datetime.timedelta(seconds=1))
    assert result == {"removed": 2, "released": 0}
    assert not default_storage.exists(held.name) and not default_storage.exists(other.name)
    assert not HeldScan.objects.exists()
    event = AuditEvent.objects.get(action="cases.sweep_held_scans")
    assert event.actor is None and event.data["removed"] == 2 and event.data["released"] == 0
    assert sorted(event.data["sha256"]) == sorted([held.sha256, other.sha256])
    # Idempotent: a second pass finds nothing and records nothing.
    later = start + 3 * DAY
    assert held_scans.sweep_held_scans(now=later) == {"removed": 0, "released": 0}
    assert sweeps() == 1


def test_holding_the_same_scan_again_renews_its_day(clerk):
    first = hold(clerk)
    start = held_at(first)
    HeldScan.objects.filter(name=first.name).update(
        held_at=start - DAY + datetime.timedelta(hours=1)
    )
    again = hold(clerk)
    assert again.name == first.name and HeldScan.objects.count() == 1
    assert held_at(again) >= start
    assert held_scans.sweep_held_scans(now=start + datetime.timedelta(hours=2))["removed"] == 0
    assert default_storage.exists(first.name)


def test_a_held_scan_given_to_a_case_is_kept_and_left_to_its_upload(food, clerk):
    held = hold(clerk)
    case = given(food, clerk, held)
    upload = Upload.objects.get(case_material__case=case)
    assert upload.file.name == held.name
    result = held_scans.sweep_held_scans(now=held_at(held) + 2 * DAY)
    assert result == {"removed": 0, "released": 1}
    assert default_storage.exists(held.name) and not HeldScan.objects.exists()
    assert AuditEvent.objects.get(action="cases.sweep_held_scans").data["sha256"] == []
    with upload.file.open("rb") as fh:
        assert fh.read() == RULES


def test_the_same_content_stored_for_another_application_is_kept(food, clerk, applicant):
    """A bundle's shared file (`store_once`) lands where the held scan is: the row the bundle's
    case writes names it, so the sweep leaves it."""
    held = hold(clerk)
    with transaction.atomic():
        shared = intake.store_once(pdf("规章制度.pdf", RULES))
        case = actions.receive(
            food,
            actor=clerk,
            applicant=applicant,
            uploads={materials(food)["食品安全管理制度"]: shared},
        )
    assert shared.name == held.name
    assert Upload.objects.get(case_material__case=case).file.name == held.name
    assert held_scans.sweep_held_scans(now=timezone.now() + 2 * DAY) == {
        "removed": 0,
        "released": 1,
    }
    assert default_storage.exists(held.name)


def test_every_file_column_of_every_app_is_looked_at():
    columns = {(model._meta.label_lower, name) for model, name in held_scans.file_fields()}
    assert {
        ("cases.upload", "file"),
        ("drafts.draftupload", "file"),
        ("documents.document", "file"),
        ("reuse.importedlicence", "file"),
        ("linkage.supportattachment", "file"),
        ("inspections.photo", "file"),
        ("archives.archive", "package"),
    } <= columns


def test_an_intake_after_the_sweep_is_refused_under_the_material_and_keeps_nothing(food, clerk):
    held = hold(clerk)
    assert held_scans.sweep_held_scans(now=held_at(held) + 2 * DAY)["removed"] == 1
    # The form's reference may still be valid for a moment; the file is gone all the same.
    with pytest.raises(ValidationFailed) as refused:
        given(food, clerk, held)
    field = f"material-{materials(food)['食品安全管理制度']}"
    assert "请重新扫描" in refused.value.fields[field][0]
    assert not Case.objects.exists() and not Upload.objects.exists()


def test_an_expired_mark_whose_file_a_case_names_is_never_taken_for_unused(food, clerk):
    """Released and held again: the renewed mark and the case's upload both name the file."""
    held = hold(clerk)
    given(food, clerk, held)
    held_scans.sweep_held_scans(now=held_at(held) + 2 * DAY)
    again = hold(clerk)
    assert held_scans.sweep_held_scans(now=held_at(again) + 2 * DAY)["released"] == 1
    assert default_storage.exists(held.name)


@pytest.mark.django_db(transaction=True)
def test_scans_held_before_the_marks_existed_are_marked_from_the_audit_log(migration_steps, clerk):
    first = hold(clerk)
    second = hold(clerk, b"%PDF-1.7 the ID card")
    hold(clerk)  # the first again: its latest hold counts
    holds = AuditEvent.objects.filter(action="cases.hold_upload").order_by("seq")
    latest = {e.data["file"]: e.at for e in holds}
    steps = migration_steps(("cases", "0016_heldscan"))
    steps.back()
    marks = steps.forward().apps.get_model("cases", "HeldScan").objects.all()
    assert {m.name: (m.sha256, m.held_at) for m in marks} == {
        first.name: (first.sha256, latest[first.name]),
        second.name: (second.sha256, latest[second.name]),
    }
    assert latest[first.name] > latest[second.name]


# --- at the same moment (PostgreSQL: real parallel connections and row locks) -------------


def _released_once_queued(started: threading.Event, go: threading.Event, done: threading.Event):
    """A third party to `in_parallel`: once `started`, wait until a connection queues for a
    lock (or `done` says there is nobody left to), then let the paused one go on."""

    def watch() -> None:
        assert started.wait(timeout=30)
        try:
            for _attempt in range(3000):
                if done.is_set():
                    return
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                    if cursor.fetchone()[0]:
                        return
                time.sleep(0.01)
            raise AssertionError("nobody queued for a lock")
        finally:
            go.set()

    return watch


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
def test_a_sweep_while_an_intake_gives_the_scan_to_a_case_never_deletes_it(
    food, clerk, monkeypatch
):
    held = hold(clerk)
    later = held_at(held) + 2 * DAY
    claimed, go, swept = threading.Event(), threading.Event(), threading.Event()
    real_claim = held_scans.claim

    def claim_then_pause(name: str) -> bool:
        kept = real_claim(name)
        claimed.set()
        assert go.wait(timeout=30)
        return kept

    monkeypatch.setattr(held_scans, "claim", claim_then_pause)

    def sweeping() -> dict[str, int]:
        assert claimed.wait(timeout=30)
        try:
            return held_scans.sweep_held_scans(now=later)
        finally:
            swept.set()

    case, result, watched = in_parallel(
        lambda: given(food, clerk, held), sweeping, _released_once_queued(claimed, go, swept)
    )
    assert isinstance(case, Case) and watched is None, (case, watched)
    # Passed over while the intake held it, or waited for and found named by the upload.
    assert result["removed"] == 0
    again = held_scans.sweep_held_scans(now=later)
    assert again["removed"] == 0 and result["released"] + again["released"] == 1
    assert default_storage.exists(held.name) and not HeldScan.objects.exists()
    assert Upload.objects.get(case_material__case=case).file.name == held.name


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
def test_an_intake_while_a_sweep_deletes_the_scan_waits_for_it_and_is_refused(
    food, clerk, monkeypatch
):
    held = hold(clerk)
    later = held_at(held) + 2 * DAY
    locked, go, taken = threading.Event(), threading.Event(), threading.Event()
    real_referenced = held_scans.referenced

    def referenced_then_pause(names: list[str]) -> set[str]:
        locked.set()
        assert go.wait(timeout=30)
        return real_referenced(names)

    monkeypatch.setattr(held_scans, "referenced", referenced_then_pause)

    def using() -> Case:
        assert locked.wait(timeout=30)
        try:
            return given(food, clerk, held)
        finally:
            taken.set()

    refused, result, watched = in_parallel(
        using,
        lambda: held_scans.sweep_held_scans(now=later),
        _released_once_queued(locked, go, taken),
    )
    assert watched is None and result == {"removed": 1, "released": 0}, (watched, result)
    assert isinstance(refused, ValidationFailed), refused
    assert "请重新扫描" in next(iter(refused.fields.values()))[0]
    assert not Case.objects.exists() and not default_storage.exists(held.name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
def test_two_workers_sweeping_at_once_delete_each_scan_once(clerk):
    held = [hold(clerk, b"%%PDF-1.7 scan %d" % i) for i in range(20)]
    later = max(held_at(h) for h in held) + 2 * DAY
    results = in_parallel(*[lambda: held_scans.sweep_held_scans(now=later)] * 2)
    assert not any(isinstance(r, Exception) for r in results), results
    assert sum(r["removed"] for r in results) == 20
    assert not HeldScan.objects.exists()
    assert not any(default_storage.exists(h.name) for h in held)
    removed = [
        sha
        for event in AuditEvent.objects.filter(action="cases.sweep_held_scans")
        for sha in event.data["sha256"]
    ]
    assert sorted(removed) == sorted(h.sha256 for h in held)


def test_a_held_scans_reference_gives_it_back_only_to_its_holder_and_form(clerk, signatory):
    stored = intake.StoredFile(
        name="cases/shared/ab.pdf",
        original_name="制度.pdf",
        content_type="application/pdf",
        size=12,
        sha256="ab" * 32,
        held=True,
    )
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ref = held_scans.sign_reference(stored, holder=clerk, context="case:1")
    with time_machine.travel(start + DAY - datetime.timedelta(seconds=1), tick=False):
        assert held_scans.read_reference(ref, holder=clerk, context="case:1") == stored
        forged = ref[:-2] + ("A" if ref[-2] != "A" else "B") + ref[-1]
        assert held_scans.read_reference(forged, holder=clerk, context="case:1") is None
        assert held_scans.read_reference("", holder=clerk, context="case:1") is None
        assert held_scans.read_reference(ref, holder=signatory, context="case:1") is None
        assert held_scans.read_reference(ref, holder=clerk, context="case:2") is None
    with time_machine.travel(start + DAY + datetime.timedelta(seconds=1), tick=False):
        assert held_scans.read_reference(ref, holder=clerk, context="case:1") is None
