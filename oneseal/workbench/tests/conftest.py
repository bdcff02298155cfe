import pytest
from django.utils import translation

from oneseal.cases import actions as case_actions
from oneseal.documents import actions as document_actions
from oneseal.linkage import actions as linkage_actions
from oneseal.testing import accepted_case, day, reviewed


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seal(bureau):
    return document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _chinese_first():
    # A request under /en/ leaves English active in the thread; each test starts in Chinese.
    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture
def requested(item, applicant, clerk, reviewer, second_reviewer, signatory, supervisor):
    """A granted case whose licence the supervising department asks the bureau to revoke."""
    case = reviewed(
        accepted_case(item, applicant, clerk, "2025-03-03"), reviewer, second_reviewer, "2025-03-05"
    )
    case_actions.grant(
        case,
        actor=signatory,
        on=day("2025-03-05"),
        scope="预包装食品销售",
        valid_from=day("2025-03-05"),
        valid_until=day("2030-03-04"),
    )
    feedback = linkage_actions.give_feedback(
        case.pushes.get(),
        actor=supervisor,
        kind="revocation_request",
        on=day("2025-03-20"),
        summary="经营场所已拆除，不再具备许可条件",
    )
    return case, feedback
