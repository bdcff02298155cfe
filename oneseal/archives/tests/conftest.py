import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.cases import actions as case_actions
from oneseal.cases.models import CaseMaterial
from oneseal.documents import actions as document_actions
from oneseal.organisation.models import Role
from oneseal.testing import at, day, reviewed

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seal(bureau):
    return document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))


@pytest.fixture
def archivist(make_staff, county, bureau):
    return make_staff("archivist", county, Role.ARCHIVIST, bureau=bureau)


@pytest.fixture
def far_archivist(make_staff, other_county):
    return make_staff("far-archivist", other_county, Role.ARCHIVIST)


@pytest.fixture
def delivered(item, applicant, clerk, reviewer, second_reviewer, signatory, seal):
    """Received with one file, accepted, reviewed, granted and delivered on real dates."""
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-09-26 09:00"))
    line = case.materials.order_by("material__order").first()
    case_actions.attach_file(
        line, actor=clerk, upload=SimpleUploadedFile("申请书.pdf", PDF, "application/pdf")
    )
    case_actions.check_materials(
        case,
        actor=clerk,
        statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
    )
    case = case_actions.accept(case, actor=clerk, on=day("2025-09-29"))
    reviewed(case, reviewer, second_reviewer, "2025-09-30")
    case_actions.grant(
        case,
        actor=signatory,
        on=day("2025-10-09"),
        scope="热食类食品制售",
        valid_from=day("2025-10-09"),
        valid_until=day("2030-10-08"),
    )
    case_actions.deliver(case, actor=clerk, channel="window", on=day("2025-10-10"))
    case.refresh_from_db()
    return case
