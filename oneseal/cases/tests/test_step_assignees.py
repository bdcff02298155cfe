"""Who a review step may be given to: staff of the case's own bureau holding the step's role,
in the step's section when it names one. A city bureau's reviewer (whose scope covers the
county) and a department's staff hold no step of the county bureau's case."""

import pytest

from oneseal.cases import actions
from oneseal.errors import ValidationFailed
from oneseal.organisation.models import Bureau, Role
from oneseal.regions.models import Region
from oneseal.testing import accepted_case, events


@pytest.fixture
def city_reviewer(make_staff, county):
    city = Region.objects.get(code="640200")
    city_bureau = Bureau.objects.create(region=city, name="石嘴山市审批服务管理局")
    return make_staff("city", city, Role.REVIEWER, display_name="市局审查", bureau=city_bureau)


@pytest.fixture
def department_reviewer(make_staff, county, department):
    return make_staff("dept", county, Role.REVIEWER, display_name="部门人员", department=department)


def test_staff_outside_the_cases_bureau_cannot_take_its_step(
    item, applicant, clerk, signatory, city_reviewer, department_reviewer
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    second_review = actions.steps_of(case)[2]
    assert second_review.name == "复审" and second_review.section_id is None
    for wrong in (city_reviewer, department_reviewer):
        before = events(case)
        with pytest.raises(ValidationFailed) as e:
            actions.assign_step(case, second_review, actor=signatory, assignee=wrong)
        assert "平罗县审批服务管理局" in e.value.fields["assignee"][0]
        assert events(case) == before
