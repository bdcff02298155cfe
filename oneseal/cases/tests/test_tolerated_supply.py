"""A tolerated material (容缺受理) supplied later is on file: the action takes the scan or file,
checks it as every upload is (size, type from its first bytes) and stores it on the line with
its SHA-256, in the same transaction that marks the line supplied. Without a file nothing is
supplied."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.cases import actions
from oneseal.cases.models import CaseMaterial
from oneseal.errors import ValidationFailed
from oneseal.testing import accepted_case, day, events

PDF = b"%PDF-1.7 test scan"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tolerated(item, applicant, clerk):
    case = accepted_case(item, applicant, clerk, "2025-03-03", tolerated_until="2025-03-14")
    return case, case.materials.get(status=CaseMaterial.Status.TOLERATED)


def test_the_supplied_material_is_stored_on_its_line(tolerated, clerk):
    case, line = tolerated
    scan = SimpleUploadedFile("管理制度.pdf", PDF, content_type="application/pdf")
    actions.supply_tolerated_material(case, line, actor=clerk, upload=scan, on=day("2025-03-07"))
    line.refresh_from_db()
    assert line.supplied_on == day("2025-03-07")
    upload = line.uploads.get()
    assert upload.original_name == "管理制度.pdf" and upload.content_type == "application/pdf"
    assert len(upload.sha256) == 64 and upload.uploaded_by == clerk
    attached, supplied = case.events.order_by("-seq")[:2][::-1]
    assert attached.action == "attach_file" and attached.data["sha256"] == upload.sha256
    assert supplied.action == "supply_tolerated_material"


def test_without_a_file_nothing_is_supplied(tolerated, clerk):
    case, line = tolerated
    before = events(case)
    with pytest.raises(ValidationFailed) as refused:
        actions.supply_tolerated_material(case, line, actor=clerk, on=day("2025-03-07"))
    assert "file" in refused.value.fields
    line.refresh_from_db()
    assert line.supplied_on is None and events(case) == before


def test_a_file_the_upload_check_refuses_supplies_nothing(tolerated, clerk, settings):
    case, line = tolerated
    fake = SimpleUploadedFile("扫描件.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed) as refused:
        actions.supply_tolerated_material(case, line, actor=clerk, upload=fake)
    assert "file" in refused.value.fields
    settings.UPLOAD_MAX_BYTES = 8
    big = SimpleUploadedFile("管理制度.pdf", PDF, content_type="application/pdf")
    with pytest.raises(ValidationFailed) as refused:
        actions.supply_tolerated_material(case, line, actor=clerk, upload=big)
    assert "file" in refused.value.fields
    line.refresh_from_db()
    assert line.supplied_on is None and not line.uploads.exists()
