import pytest
import time_machine
from django.test import Client

from oneseal.inspections import actions
from oneseal.testing import accepted_case, at


@pytest.mark.django_db
def test_the_admin_shows_inspections_and_changes_nothing(
    surveyed_item, own_applicant, clerk, reviewer, second_reviewer, root
):
    with time_machine.travel(at("2025-09-24 09:00"), tick=False):
        case = accepted_case(surveyed_item, own_applicant, clerk, "2025-09-24")
    with time_machine.travel(at("2025-09-26 10:00"), tick=False):
        inspection = actions.schedule_inspection(
            case,
            actor=reviewer,
            at=at("2025-09-30 10:00"),
            place="平罗县城关镇鼓楼南街8号",
            expected_days=2,
            inspectors=[reviewer, second_reviewer],
        )
    c = Client()
    c.force_login(root)
    assert inspection.code in c.get("/admin/inspections/inspection/").content.decode()
    page = c.get(f"/admin/inspections/inspection/{inspection.pk}/change/")
    assert page.status_code == 200 and "经营场所面积与申请一致" in page.content.decode()
    assert c.get("/admin/inspections/checklistline/").status_code == 200
    assert c.get("/admin/inspections/inspection/add/").status_code == 403
