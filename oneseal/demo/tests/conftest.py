import pytest
from django.test.utils import override_settings


@pytest.fixture(scope="module", autouse=True)
def _scratch_media(tmp_path_factory):
    # load-demo signs and stores every notice and licence; they must not land in var/media.
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield
