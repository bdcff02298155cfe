"""A notice states China's date for a moment stored in UTC (issue 11, point 10): an application
received at 00:30 in Pingluo is 16:30 the day before in UTC."""

import datetime

from oneseal.cases import actions as case_actions
from oneseal.testing import day

from .conftest import notice_of, pdf_text


def test_a_notice_dates_a_just_after_midnight_application_on_the_local_day(
    item, applicant, clerk, seal
):
    moment = datetime.datetime(
        2026, 3, 1, 16, 30, tzinfo=datetime.UTC
    )  # 2026-03-02 00:30 in Shanghai
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=moment)
    assert case.received_on == day("2026-03-02")
    case_actions.check_materials(
        case, actor=clerk, statuses={m.pk: "provided" for m in case.materials.all()}
    )
    case = case_actions.accept(case, actor=clerk, on=day("2026-03-02"))
    text = pdf_text(notice_of(case, "acceptance"))  # the acceptance issued its notice itself
    assert "于2026年3月2日提交" in text and "2026年3月1日" not in text
