"""The API's writes on reform tasks: a reform with its phases, a phase, a task with its units,
a status change, each scoped like the pages (another region's reform is a 404) and refused
for a role without the right (403), bad dates and units outside the reform's region (400)."""

import pytest
from rest_framework.test import APIClient

from oneseal.organisation.models import Department
from oneseal.transfers.models import Reform, ReformTask, TaskStatus


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.fixture
def bianban(county):
    return Department.objects.create(region=county, name="平罗县委编办")


@pytest.fixture
def unit_staff(make_staff, county, bianban):
    return make_staff("bb_staff", county, display_name="赵编办", department=bianban)


REFORM = {
    "name": "平罗县相对集中行政许可权改革",
    "plan_document": "实施方案",
    "milestones": [
        {"name": "挂牌", "due_on": "2026-01-31"},
        {"name": "人员划转", "due_on": "2026-02-28"},
    ],
}


def _reform(user, **body):
    return api(user).post("/api/v1/transfers/reforms", {**REFORM, **body}, format="json")


def test_the_office_creates_a_reform_and_a_phase_and_others_are_refused(
    signatory, reviewer, far_staff, applicant_user
):
    assert _reform(reviewer).status_code == 403
    assert _reform(applicant_user).status_code == 404
    bad = _reform(signatory, milestones=[{"name": "挂牌", "due_on": "2026-02-30"}])
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"milestones.0.due_on"}
    assert not Reform.objects.exists()
    r = _reform(signatory)
    assert r.status_code == 201, r.content
    assert r.json()["region"] == "640221" and [m["name"] for m in r.json()["milestones"]] == [
        "挂牌",
        "人员划转",
    ]
    url = f"/api/v1/transfers/reforms/{r.json()['id']}/milestones"
    assert (
        api(far_staff)
        .post(url, {"name": "验收", "due_on": "2026-06-30"}, format="json")
        .status_code
        == 404
    )
    assert (
        api(reviewer).post(url, {"name": "验收", "due_on": "2026-06-30"}, format="json").status_code
        == 403
    )
    bad = api(signatory).post(url, {"name": "验收", "due_on": "30/06/2026"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"due_on"}
    ok = api(signatory).post(url, {"name": "验收", "due_on": "2026-06-30"}, format="json")
    assert ok.status_code == 201 and ok.json()["name"] == "验收"


def test_a_task_with_its_units_and_its_status_through_the_api(
    signatory, reviewer, far_staff, unit_staff, bianban, bureau, other_county
):
    reform = Reform.objects.get(pk=_reform(signatory).json()["id"])
    phase = reform.milestones.get(name="人员划转")
    url = f"/api/v1/transfers/reforms/{reform.pk}/tasks"
    body = {
        "title": "完成审批人员划转",
        "lead_unit": f"department:{bianban.pk}",
        "helping_units": [f"bureau:{bureau.pk}"],
        "deadline": "2026-02-13",
        "milestone": phase.pk,
    }
    foreign = Department.objects.create(region=other_county, name="大武口区委编办")
    outside = api(signatory).post(
        url,
        {
            **body,
            "lead_unit": f"department:{foreign.pk}",
            "helping_units": [f"department:{foreign.pk}"],
        },
        format="json",
    )
    assert outside.status_code == 400 and set(outside.json()["fields"]) == {
        "lead_unit",
        "helping_units",
    }
    shape = api(signatory).post(url, {**body, "helping_units": ["x:1"]}, format="json")
    assert shape.status_code == 400 and set(shape.json()["fields"]) == {"helping_units.0"}
    late = api(signatory).post(url, {**body, "deadline": "2026-03-02"}, format="json")
    assert late.status_code == 400 and set(late.json()["fields"]) == {"deadline"}
    assert api(reviewer).post(url, body, format="json").status_code == 403
    assert api(far_staff).post(url, body, format="json").status_code == 404
    assert not ReformTask.objects.exists()
    r = api(signatory).post(url, body, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["lead_unit"] == f"department:{bianban.pk}"
    assert r.json()["helping_units"] == [f"bureau:{bureau.pk}"]
    table = api(reviewer).get(url).json()["tasks"][0]
    assert (table["lead_unit"], table["helping_units"]) == (bianban.name, bureau.name)

    status = f"/api/v1/transfers/reform-tasks/{r.json()['id']}/status"
    # The bureau's reviewer helps but does not lead: not theirs to move.
    assert api(reviewer).post(status, {"status": "underway"}, format="json").status_code == 403
    assert api(far_staff).post(status, {"status": "underway"}, format="json").status_code == 404
    bad = api(unit_staff).post(status, {"status": "finished"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"status"}
    done = api(unit_staff).post(status, {"status": "done"}, format="json")
    assert done.status_code == 200 and done.json()["percent"] == 100
    again = api(unit_staff).post(status, {"status": "underway"}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "invalid_transition"
    assert ReformTask.objects.get().status == TaskStatus.DONE
