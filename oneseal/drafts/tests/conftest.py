"""Files and the retention clock for the drafts' tests. The applicants and the handling item
are the shared fixtures (`own_applicant` with `applicant_user`, `other_applicant_user`,
`handling_item`: a required 申请书 and a tolerable 食品安全管理制度)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name="申请书.pdf", body=b"%PDF-1.7 draft"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def form(handling_item):
    return handling_item.materials.get(name="食品经营许可申请书")


@pytest.fixture
def rules_doc(handling_item):
    return handling_item.materials.get(name="食品安全管理制度")
