"""补充归档: what an archived case gains later (here, its licence revoked through the whole
procedure) goes into a supplementary package of its own once the day of those acts is over —
the archive's own package untouched, the chain continued from its head, the files numbered on
from the archive's — checked by `oneseal audit verify` and read through the same scope."""

import hashlib
import io
import json
import zipfile

import pytest
from django.test import Client
from rest_framework.test import APIClient

from oneseal.archives import actions, jobs
from oneseal.archives.models import Archive, ArchiveSupplement
from oneseal.audit.models import AuditEvent
from oneseal.cases import actions as case_actions
from oneseal.documents.queries import due_documents
from oneseal.errors import InvalidTransition, NotPermitted
from oneseal.testing import audit_verify, day, issued_document, revoke_through_procedure


@pytest.fixture
def archived(delivered):
    """Delivered 2025-10-10 and archived the next day."""
    assert jobs.archive_ended_cases(day("2025-10-11"))["archived"] == 1
    return Archive.objects.get(case=delivered)


@pytest.fixture
def revoked(archived, delivered, clerk, signatory):
    """…then its licence revoked through the whole procedure in November."""
    archive = archived
    revoke_in_november(delivered, clerk, signatory)
    delivered.refresh_from_db()
    return archive


def revoke_in_november(case, clerk, signatory) -> None:
    revoke_through_procedure(
        case,
        proposer=signatory,
        clerk=clerk,
        signatory=signatory,
        proposed_on="2025-11-03",
        notified_on="2025-11-03",
        decided_on="2025-11-20",
    )


def sign_what_is_due(case, clerk) -> None:
    for due in due_documents(case):
        issued_document(case, kind=due.kind, actor=clerk)


def run(on: str) -> dict[str, int]:
    return jobs.archive_ended_cases(day(on))


def read_zip(field) -> tuple[bytes, zipfile.ZipFile]:
    with field.open("rb") as fh:
        data = fh.read()
    return data, zipfile.ZipFile(io.BytesIO(data))


def test_later_acts_go_into_a_supplement_that_continues_the_chain(revoked, clerk):
    archive = revoked
    original_sha = archive.package_sha256
    original_files = list(archive.files.values_list("name", "sha256"))
    case = archive.case
    sign_what_is_due(case, clerk)
    # The decision's own day: the procedure may still be going on.
    assert run("2025-11-20")["supplemented"] == 0
    assert run("2025-11-21") == {"archived": 0, "supplemented": 1, "waiting": 0}

    supplement = ArchiveSupplement.objects.get(archive=archive)
    assert supplement.number == f"{archive.number}-B01" and supplement.sequence == 1
    assert supplement.first_event_seq == archive.last_event_seq + 1
    assert supplement.last_event_seq == case.events.order_by("-seq").first().seq

    # The archive's package and rows are as they were.
    archive.refresh_from_db()
    assert archive.package_sha256 == original_sha
    assert list(archive.files.filter(supplement=None).values_list("name", "sha256")) == (
        original_files
    )

    data, zf = read_zip(supplement.package)
    assert hashlib.sha256(data).hexdigest() == supplement.package_sha256
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["archive"] == archive.number and manifest["supplement"] == supplement.number
    assert manifest["events"]["follows_hash"] == archive.last_event_hash
    for entry in manifest["files"]:
        assert hashlib.sha256(zf.read(entry["name"])).hexdigest() == entry["sha256"]
    # Positions run on from the archive's; the supplement's index first, its history last.
    rows = list(supplement.files.order_by("position"))
    assert rows[0].position == len(original_files) + 1 and rows[0].kind == "index"
    assert rows[-1].kind == "history"
    history = json.loads(zf.read(rows[-1].name))
    assert history["chain_intact"]
    assert history["events"][0]["prev_hash"] == archive.last_event_hash
    assert [e["seq"] for e in history["events"]] == list(
        range(supplement.first_event_seq, supplement.last_event_seq + 1)
    )
    # Only what came after: the revocation's documents, none of the archived ones again.
    sources = {r.source for r in rows if r.source}
    archived = set(archive.files.filter(supplement=None).values_list("source", flat=True))
    assert sources and not sources & archived
    kinds = {d.kind for d in case.documents.filter(pk__in=[s.split(":")[1] for s in sources])}
    assert "revocation_notice" in kinds
    assert AuditEvent.objects.filter(
        action="archives.supplement", subject_id=str(supplement.pk)
    ).exists()

    # Nothing new since: the next passes make nothing.
    assert run("2025-11-24") == {"archived": 0, "supplemented": 0, "waiting": 0}
    assert "archive package(s) checked" in audit_verify()


def test_each_round_of_later_acts_makes_its_own_supplement(archived, clerk, signatory):
    case = archived.case
    case_actions.propose_revocation(
        case, actor=signatory, facts="以欺骗手段取得行政许可", on=day("2025-11-03")
    )
    sign_what_is_due(case, clerk)
    case_actions.notify_revocation(case, actor=clerk, on=day("2025-11-03"))
    assert run("2025-11-04")["supplemented"] == 1
    first = ArchiveSupplement.objects.get(archive=archived)
    case_actions.decide_revocation(
        case,
        actor=signatory,
        revoke=True,
        reason="经复核，事实清楚，依据充分",
        on=day("2025-11-20"),
    )
    sign_what_is_due(case, clerk)
    assert run("2025-11-21")["supplemented"] == 1
    second = ArchiveSupplement.objects.get(archive=archived, sequence=2)
    assert second.first_event_seq == first.last_event_seq + 1
    assert second.number == f"{archived.number}-B02"
    assert second.files.order_by("position").first().position == (
        first.files.order_by("-position").first().position + 1
    )
    _data, zf = read_zip(second.package)
    history = json.loads(zf.read(second.files.get(kind="history").name))
    assert history["events"][0]["prev_hash"] == first.last_event_hash
    assert "archive package(s) checked" in audit_verify()


def test_only_the_system_or_the_regions_archivist_supplements(
    revoked, clerk, archivist, far_archivist
):
    sign_what_is_due(revoked.case, clerk)
    for stranger in (clerk, far_archivist):
        with pytest.raises(NotPermitted):
            actions.supplement_archive(revoked, actor=stranger)
    assert not ArchiveSupplement.objects.exists()
    supplement = actions.supplement_archive(revoked, actor=archivist)
    assert supplement.sequence == 1
    with pytest.raises(InvalidTransition):
        actions.supplement_archive(revoked, actor=archivist)  # nothing new: refused
    assert ArchiveSupplement.objects.count() == 1


def test_the_page_the_api_and_audit_verify_see_the_supplement(revoked, clerk, archivist):
    sign_what_is_due(revoked.case, clerk)
    run("2025-11-21")
    supplement = ArchiveSupplement.objects.get(archive=revoked)
    client = Client()
    client.force_login(archivist)
    body = client.get(f"/archives/{revoked.pk}/").content.decode()
    assert supplement.number in body and 'id="later-events"' not in body
    row = supplement.files.exclude(kind="index").first()
    r = client.get(f"/archives/{revoked.pk}/files/{row.position}/")
    assert r.status_code == 200
    assert hashlib.sha256(b"".join(r.streaming_content)).hexdigest() == row.sha256
    r = client.get(f"/archives/{revoked.pk}/supplements/1/package/")
    assert hashlib.sha256(b"".join(r.streaming_content)).hexdigest() == supplement.package_sha256

    api = APIClient()
    api.force_authenticate(archivist)
    data = api.get(f"/api/v1/archives/{revoked.pk}").json()
    assert [s["number"] for s in data["supplements"]] == [supplement.number]
    assert {f["supplement"] for f in data["files"]} == {None, supplement.number}
    r = api.get(f"/api/v1/archives/{revoked.pk}/files/{row.position}")
    assert r.status_code == 200

    # Tampering with the supplement is reported by its number; the archive stays clean.
    path = supplement.package.path
    with open(path, "ab") as fh:
        fh.write(b"appended")
    text = audit_verify(failing=True)
    assert f"supplement {supplement.number}" in text
    assert not [line for line in text.splitlines() if line.startswith(f"archive {revoked.number}")]
    assert client.get(f"/archives/{revoked.pk}/supplements/1/package/").status_code == 409


def test_a_supplement_is_handed_over_after_its_archive_went_in_an_earlier_batch(
    archived, delivered, clerk, signatory, archivist
):
    from openpyxl import load_workbook

    from oneseal.archives import queries

    first = actions.hand_over(
        actor=archivist,
        period_from=day("2025-01-01"),
        period_to=day("2030-12-31"),
        received_by="县档案馆李明",
        on=day("2025-11-03"),
    )
    revoke_in_november(delivered, clerk, signatory)
    sign_what_is_due(delivered, clerk)
    run("2025-11-21")
    supplement = ArchiveSupplement.objects.get(archive=archived)
    listing = queries.handover_list(archivist, day("2025-01-01"), day("2030-12-31"))
    assert listing.archives == [] and listing.supplements == [supplement]
    assert listing.files == supplement.files_count
    client = Client()
    client.force_login(archivist)
    url = "/archives/handover/?period_from=2025-01-01&period_to=2030-12-31"
    body = client.get(url).content.decode()
    assert supplement.number in body and listing.checksum in body and 'id="hand-over"' in body
    sheet = client.get(url + "&format=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(sheet.streaming_content))).active.values)
    assert any(supplement.number in row for row in rows)
    api = APIClient()
    api.force_authenticate(archivist)
    r = api.post(
        "/api/v1/archives/handovers",
        {"period_from": "2025-01-01", "period_to": "2030-12-31", "received_by": "县档案馆李明"},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["supplements"] == [supplement.number] and r.json()["archives"] == []
    assert r.json()["list_sha256"] == listing.checksum
    supplement.refresh_from_db()
    archived.refresh_from_db()
    assert supplement.handover is not None and supplement.handover != first
    assert archived.handover == first
