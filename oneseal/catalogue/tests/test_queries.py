import datetime

from oneseal.catalogue import actions, queries
from oneseal.organisation.models import Department


def test_an_item_of_a_city_department_is_counted_under_that_department(
    complete_draft, admin_user, county, regions
):
    city_dept = Department.objects.create(
        region=regions.get(code="640200"), name="石嘴山市生态环境局"
    )
    v = complete_draft()
    actions.update_draft(v, actor=admin_user, original_department=city_dept)
    actions.publish(v, actor=admin_user, effective_from=datetime.date(2025, 1, 1))
    report = queries.transfer_report(county, on=datetime.date(2025, 6, 1))
    assert [(r.department, r.item_total, r.handling_item_total) for r in report.rows] == [
        ("石嘴山市生态环境局", 1, 1)
    ]


def test_the_drafts_report_says_it_is_not_for_a_date(complete_draft, county):
    complete_draft()
    report = queries.transfer_report(county, include_drafts=True)
    assert report.as_dict()["on"] is None and report.totals.item_total == 1
