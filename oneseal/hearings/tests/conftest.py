import pytest

from oneseal.organisation.models import Role


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def presider(make_staff, county, bureau):
    """A reviewer of the bureau who took no part in reviewing the case."""
    return make_staff("presider", county, Role.REVIEWER, display_name="周主持", bureau=bureau)


@pytest.fixture
def second_presider(make_staff, county, bureau):
    return make_staff("presider2", county, Role.REVIEWER, display_name="吴主持", bureau=bureau)
