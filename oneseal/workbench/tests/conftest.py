import pytest
from django.utils import translation

from oneseal.documents import actions as document_actions
from oneseal.testing import day


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
