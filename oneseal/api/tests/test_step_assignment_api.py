"""The API's assign-step refuses staff outside the case's bureau on the `assignee` field, as
the workbench does (one rule: cases.actions.review.assignee_problem)."""

from rest_framework.test import APIClient

from oneseal.cases import actions
from oneseal.organisation.models import Bureau, Role
from oneseal.regions.models import Region
from oneseal.testing import accepted_case


def test_a_city_bureaus_reviewer_is_refused_on_the_assignee_field(
    item, applicant, clerk, signatory, make_staff, county
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    city = Region.objects.get(code="640200")
    other = Bureau.objects.create(region=city, name="石嘴山市审批服务管理局")
    city_reviewer = make_staff("city", city, Role.REVIEWER, bureau=other)
    second = next(s for s in actions.steps_of(case) if s.name == "复审")
    api = APIClient()
    api.force_authenticate(signatory)
    r = api.post(
        f"/api/v1/cases/{case.pk}/assign-step",
        {"step": second.review_step_id, "assignee": city_reviewer.pk},
        format="json",
    )
    assert r.status_code == 400
    assert "平罗县审批服务管理局" in r.json()["fields"]["assignee"][0]
    assert case.steps.get(name="复审").assignee is None
