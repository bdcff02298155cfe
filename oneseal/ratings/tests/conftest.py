import pytest

from oneseal.cases import actions as case_actions
from oneseal.organisation.models import Role

from .. import actions


def refused(hi, applicant, clerk):
    """A case received and refused today: closed, so it may be rated."""
    case = case_actions.receive(hi, actor=clerk, applicant=applicant)
    return case_actions.refuse(case, actor=clerk, clause="1", reason="该事项无需取得行政许可")


@pytest.fixture
def own_case(handling_item, own_applicant, clerk):
    return refused(handling_item, own_applicant, clerk)


@pytest.fixture
def running_case(handling_item, own_applicant, clerk):
    return case_actions.receive(handling_item, actor=clerk, applicant=own_applicant)


@pytest.fixture
def far_clerk(make_staff, other_county):
    return make_staff(
        "far_clerk", other_county, Role.CLERK, Role.SIGNATORY, display_name="外区窗口"
    )


@pytest.fixture
def bad_rating(own_case, applicant_user):
    return actions.rate(
        own_case,
        actor=applicant_user,
        score=1,
        reasons=["guide_wrong"],
        comment="指南没写清楚，白跑一趟",
    )


@pytest.fixture(autouse=True)
def _chinese_first():
    # A request through the LocaleMiddleware leaves its language active in the test thread;
    # every test starts in the default language, as a fresh request would.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
