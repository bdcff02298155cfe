import pytest

from oneseal.applicants.actions import record_authorisation
from oneseal.projects import actions


@pytest.fixture
def owner(applicant):
    """平罗县𠮷祥餐饮有限公司, an organisation registered at the window."""
    return applicant


@pytest.fixture
def owner_user(own_applicant, owner, clerk, applicant_user):
    """马𠮷祥's online account, recorded at the window as the owner's legal representative."""
    record_authorisation(
        owner,
        person=own_applicant,
        capacity="representative",
        papers="营业执照、法定代表人身份证明",
        actor=clerk,
    )
    return applicant_user


@pytest.fixture
def project(owner, clerk, bureau):
    return actions.register_project(
        actor=clerk,
        code="2020-640221-47-01-012345",
        name="平罗县物流仓储中心",
        owner=owner,
        kind="enterprise",
        location="平罗县工业园区纬三路",
        floor_area="12000.50",
        investment="8600",
    )
