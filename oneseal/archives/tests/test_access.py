"""Who reads an archive (the archivist of the region, the case's staff — nobody else, an
applicant never), the pages and the API scoped alike, tampering found by `oneseal audit
verify`, and the hand-over list."""

import io
import zipfile

import pytest
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from oneseal.archives import actions, jobs, queries
from oneseal.archives.models import Archive
from oneseal.audit.models import AuditEvent
from oneseal.cases import actions as case_actions
from oneseal.cases.models import Case
from oneseal.cases.queries import visible_cases
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Role
from oneseal.testing import at, audit_verify, day


@pytest.fixture
def archive(delivered):
    jobs.archive_ended_cases(day("2025-10-11"))
    return Archive.objects.get(case=delivered)


def page(user):
    client = Client()
    client.force_login(user)
    return client


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_archivist_and_the_cases_staff_read_it_nobody_else(
    archive,
    archivist,
    far_archivist,
    clerk,
    far_staff,
    supervisor,
    applicant_user,
    own_applicant,
    make_staff,
    county,
):
    # The applicant's own ended case, archived too: still not theirs to read.
    own = case_actions.refuse(
        case_actions.receive(
            archive.case.handling_item,
            actor=clerk,
            applicant=own_applicant,
            at=at("2025-10-13 09:00"),
        ),
        actor=clerk,
        clause="2",
        reason="不属于本机关职权范围",
        competent_body="平罗县自然资源局",
        on=day("2025-10-13"),
    )
    jobs.archive_ended_cases(day("2025-10-14"))
    assert visible_cases(applicant_user).filter(pk=own.pk).exists()
    administrator_only = make_staff("sysadmin", county, Role.ADMINISTRATOR)
    readers = [archivist, clerk]
    others = [far_archivist, far_staff, applicant_user, administrator_only]
    for user in readers:
        assert set(queries.visible_archives(user)) == set(Archive.objects.all()), user
        assert page(user).get(f"/archives/{archive.pk}/").status_code == 200
        assert api(user).get(f"/api/v1/archives/{archive.pk}").status_code == 200
        assert page(user).get(f"/archives/{archive.pk}/files/1/").status_code == 200
    for user in others:
        assert not queries.visible_archives(user).exists(), user
        assert page(user).get(f"/archives/{archive.pk}/").status_code == 404, user
        assert page(user).get(f"/archives/{archive.pk}/files/2/").status_code == 404, user
        assert page(user).get(f"/archives/{archive.pk}/package/").status_code == 404, user
        assert page(user).get(f"/archives/case/{archive.case_id}/").status_code == 404, user
        assert api(user).get(f"/api/v1/archives/{archive.pk}").status_code == 404, user
        assert page(user).get(f"/archives/case/{own.pk}/").status_code == 404, user
        assert api(user).get(f"/api/v1/archives/{archive.pk}/files/1").status_code == 404
        assert api(user).get("/api/v1/archives").json() == [], user
    assert Client().get(f"/archives/{archive.pk}/").status_code == 302  # to sign in
    assert APIClient().get("/api/v1/archives").status_code in (401, 403)
    # The department's supervisor of this item's department reads the case, so its archive.
    assert queries.visible_archives(supervisor).exists() == (
        visible_cases(supervisor).filter(pk=archive.case_id).exists()
    )


def test_search_and_the_pages(archive, archivist, delivered, clerk):
    client = page(archivist)
    for query in (
        f"number={delivered.number}",
        f"applicant={delivered.applicant.name[:4]}",
        "item=食品经营",
        "year=2025",
    ):
        r = client.get(f"/archives/?{query}")
        assert r.status_code == 200 and archive.number in r.content.decode(), query
    assert archive.number not in client.get("/archives/?year=2024").content.decode()
    assert client.get("/archives/?year=abc").status_code == 200  # a form error, not a 500
    found = api(archivist).get("/api/v1/archives", {"number": delivered.number}).json()
    assert [a["number"] for a in found] == [archive.number]
    assert api(archivist).get("/api/v1/archives", {"year": "abc"}).status_code == 400
    detail = client.get(f"/archives/{archive.pk}/").content.decode()
    assert "卷内目录" in detail and "PDF/A-2U" in detail
    first = client.get(f"/archives/{archive.pk}/files/1/")
    assert (
        first["Content-Type"] == "application/pdf"
        and b"".join(first.streaming_content)[:5] == b"%PDF-"
    )
    # The case page links to it; the link leads to the archive.
    case_page = page(clerk).get(f"/workbench/cases/{delivered.pk}/").content.decode()
    assert f"/archives/case/{delivered.pk}/" in case_page
    r = page(archivist).get(f"/archives/case/{delivered.pk}/")
    assert r.status_code == 302 and r["Location"].endswith(f"/archives/{archive.pk}/")
    # The navigation offers the archive to the archivist.
    assert 'href="/archives/"' in client.get("/archives/").content.decode()


def test_a_tampered_package_is_reported_by_audit_verify_and_not_served(archive, archivist):
    before = audit_verify()
    assert "1 archive package(s) checked" in before
    assert not [line for line in before.splitlines() if line.startswith("archive ")]
    # Rewrite one file inside the stored zip, keeping the manifest as it was.
    path = archive.package.path
    with open(path, "rb") as fh:
        original = zipfile.ZipFile(io.BytesIO(fh.read()))
    target = archive.files.get(kind="material").name
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w") as zf:
        for info in original.infolist():
            data = original.read(info.filename)
            zf.writestr(info, data + b"tampered" if info.filename == target else data)
    with open(path, "wb") as fh:
        fh.write(rebuilt.getvalue())
    text = audit_verify(failing=True)
    assert f"archive {archive.number}" in text
    assert f"file {target} does not match its manifest checksum" in text
    assert "the package no longer matches its SHA-256" in text
    position = archive.files.get(name=target).position
    r = page(archivist).get(f"/archives/{archive.pk}/files/{position}/")
    assert r.status_code == 409 and "校验值不符" in r.content.decode()
    assert page(archivist).get(f"/archives/{archive.pk}/package/").status_code == 409
    assert api(archivist).get(f"/api/v1/archives/{archive.pk}/files/{position}").status_code == 409


def test_audit_verify_reports_a_missing_package(archive):
    archive.package.storage.delete(archive.package.name)
    text = audit_verify(failing=True)
    assert f"archive {archive.number} (case {archive.case.number}): its package" in text


def test_the_hand_over_list_and_marking_a_batch_handed_over(
    archive, archivist, clerk, far_archivist
):
    listing = queries.handover_list(archivist, day("2025-01-01"), day("2030-12-31"))
    assert [a.number for a in listing.archives] == [archive.number]
    client = page(archivist)
    r = client.get("/archives/handover/?period_from=2025-01-01&period_to=2030-12-31")
    assert r.status_code == 200 and listing.checksum in r.content.decode()
    sheet = client.get(
        "/archives/handover/?period_from=2025-01-01&period_to=2030-12-31&format=xlsx"
    )
    rows = list(load_workbook(io.BytesIO(b"".join(sheet.streaming_content))).active.values)
    assert any(archive.number in row for row in rows)
    assert any(row and any(str(c).endswith(listing.checksum) for c in row if c) for row in rows)
    assert page(clerk).get("/archives/handover/").status_code == 404
    assert (
        api(clerk)
        .get(
            "/api/v1/archives/handover-list",
            {"period_from": "2025-01-01", "period_to": "2030-12-31"},
        )
        .status_code
        == 403
    )
    with pytest.raises(NotPermitted):
        actions.hand_over(
            actor=clerk, period_from=day("2025-01-01"), period_to=day("2030-12-31"), received_by="x"
        )
    # The far archivist's bureau has none of these archives.
    with pytest.raises((NotPermitted, InvalidTransition)):
        actions.hand_over(
            actor=far_archivist,
            period_from=day("2025-01-01"),
            period_to=day("2030-12-31"),
            received_by="x",
        )
    with pytest.raises(ValidationFailed) as error:
        actions.hand_over(
            actor=archivist,
            period_from=day("2025-12-31"),
            period_to=day("2025-01-01"),
            received_by="",
        )
    assert {"period_to", "received_by"} <= set(error.value.fields)
    r = api(archivist).post(
        "/api/v1/archives/handovers",
        {"period_from": "2025-01-01", "period_to": "2030-12-31", "received_by": "县档案馆李明"},
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["archives"] == [archive.number] and body["list_sha256"] == listing.checksum
    archive.refresh_from_db()
    assert archive.handover is not None and archive.handover.received_by == "县档案馆李明"
    assert AuditEvent.objects.filter(action="archives.hand_over").count() == 1
    # Nothing left in the period: a second batch is refused with the reason.
    r = client.post(
        "/archives/handover/",
        {"period_from": "2025-01-01", "period_to": "2030-12-31", "received_by": "李明"},
    )
    assert r.status_code == 200 and "该期间没有待移交的档案" in r.content.decode()
    assert api(archivist).get("/api/v1/archives/handovers").json()[0]["number"] == body["number"]
    assert api(clerk).get("/api/v1/archives/handovers").json() == []


def test_the_case_page_link_explains_a_case_not_archived_yet(delivered, clerk, far_staff):
    r = page(clerk).get(f"/archives/case/{delivered.pk}/")
    assert r.status_code == 200 and "尚未归档" in r.content.decode()
    assert page(far_staff).get(f"/archives/case/{delivered.pk}/").status_code == 404
    assert Case.objects.filter(pk=delivered.pk).exists()
