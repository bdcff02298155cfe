"""Corrected notices for suspended and decided cases: the special-procedure notice prints the
expected end of the procedure (第四十五条) and a grant the delivery date of the licence (送达期限),
both counted in working days. When the year they fall in was provisional and its official
schedule is entered, the worker recomputes them and a corrected notice supersedes the old one."""

import pytest
from django.urls import reverse

from oneseal.calendars import actions as calendar_actions
from oneseal.cases import actions as case_actions
from oneseal.cases import jobs
from oneseal.cases.models import Suspension
from oneseal.documents import queries
from oneseal.documents.models import Document
from oneseal.testing import accepted_case, day, reviewed

from .conftest import notice_of, pdf_text


def publish_2027(admin_user):
    """The 2027 schedule as entered here: Monday 1-4 off too (元旦调休), then declared official."""
    calendar_actions.enter_day(
        day("2027-01-04"), actor=admin_user, is_workday=False, name="元旦调休"
    )
    calendar_actions.declare_year_official(
        2027, actor=admin_user, announcement="国务院办公厅关于2027年部分节假日安排的通知"
    )


def superseded_by(old: Document) -> str | None:
    standing = queries.check_file(old.file.open("rb").read()).standing
    old.file.close()
    assert not standing.in_force and standing.reason == "superseded"
    return standing.superseded_by


def test_a_suspensions_expected_end_is_corrected_when_the_year_is_published(
    client, item, own_applicant, applicant_user, clerk, reviewer, admin_user, seal
):
    case = accepted_case(item, own_applicant, clerk, "2026-12-23")
    # Seven working days from Thursday 2026-12-24: 12-25, 12-28 … 12-31, (New Year's Day off by
    # law) 1-4, 1-5 — in 2027, whose schedule is not published yet.
    case_actions.suspend(
        case,
        actor=reviewer,
        kind="expert_review",
        reason="需组织专家评审",
        expected_days=7,
        on=day("2026-12-24"),
    )
    suspension = Suspension.objects.get(case=case)
    assert suspension.expected_end == day("2027-01-05")
    first = notice_of(case, "special_procedure")
    assert "预计完成日期：2027年1月5日（暂定）" in pdf_text(first)

    publish_2027(admin_user)
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 1
    suspension.refresh_from_db()
    case.refresh_from_db()
    assert suspension.expected_end == day("2027-01-06") and case.state == "suspended"
    recomputed = case.events.get(action="recompute_due_dates")
    assert recomputed.data["suspension"] == {
        "old": {"expected_end": "2027-01-05"},
        "new": {"expected_end": "2027-01-06"},
    }
    first.refresh_from_db()
    corrected = Document.objects.get(supersedes=first)
    assert first.state == "superseded" and corrected.kind == "special_procedure"
    assert corrected.corrected["expected_end"] == "2027-01-06"
    assert corrected.corrected["expected_end_provisional"] is False
    text = pdf_text(corrected)
    assert "预计完成日期：2027年1月6日" in text and "暂定" not in text
    assert superseded_by(first) == corrected.number
    told = case.events.filter(action="notice_corrected", data__kind="special_procedure")
    assert told.get().data["new"] == corrected.number

    client.force_login(applicant_user)
    page = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert "已出具更正后的通知书" in page and corrected.number in page and "特别程序告知书" in page

    # Nothing moves a second time, and the resumption counts on the corrected dates.
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 0
    assert Document.objects.filter(case=case, kind="special_procedure").count() == 2
    resumed = case_actions.resume(case, actor=reviewer, on=day("2027-01-06"))
    assert not resumed.due_provisional


def test_an_ended_suspensions_notice_is_left_as_served(
    item, applicant, clerk, reviewer, admin_user, seal
):
    case = accepted_case(item, applicant, clerk, "2026-12-23")
    case_actions.suspend(
        case,
        actor=reviewer,
        kind="expert_review",
        reason="需组织专家评审",
        expected_days=7,
        on=day("2026-12-24"),
    )
    case_actions.resume(case, actor=reviewer, on=day("2026-12-28"))
    first = notice_of(case, "special_procedure")
    publish_2027(admin_user)
    jobs.recompute_open_due_dates(day("2026-12-31"))
    first.refresh_from_db()
    assert first.state == "genuine"
    assert not Document.objects.filter(supersedes=first).exists()


def test_a_grants_delivery_date_is_corrected_when_the_year_is_published(
    client,
    item,
    own_applicant,
    applicant_user,
    clerk,
    reviewer,
    second_reviewer,
    signatory,
    admin_user,
    seal,
):
    case = accepted_case(item, own_applicant, clerk, "2026-12-21")
    case = reviewed(case, reviewer, second_reviewer, "2026-12-23")
    case_actions.grant(
        case,
        actor=signatory,
        on=day("2026-12-24"),
        scope="热食类食品制售",
        valid_from=day("2026-12-24"),
        valid_until=day("2031-12-23"),
    )
    case.refresh_from_db()
    # Ten working days from 12-24: 12-25, 12-28 … 12-31, 1-4 … 1-8 (provisional).
    assert case.delivery_due == day("2027-01-08")
    first = notice_of(case, "grant")
    assert "2027年1月8日（暂定）前" in pdf_text(first)

    publish_2027(admin_user)
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 1
    case.refresh_from_db()
    assert case.delivery_due == day("2027-01-11")
    first.refresh_from_db()
    corrected = Document.objects.get(supersedes=first)
    assert corrected.kind == "grant" and corrected.corrected == {
        "delivery_due": "2027-01-11",
        "delivery_due_provisional": False,
    }
    text = pdf_text(corrected)
    assert "2027年1月11日前" in text and "暂定" not in text
    assert superseded_by(first) == corrected.number
    # The acceptance notice of a decided case is history: not corrected.
    assert not Document.objects.filter(case=case, kind="acceptance", supersedes__isnull=False)
    client.force_login(applicant_user)
    page = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert corrected.number in page and "准予行政许可决定书" in page
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 0


def test_only_the_installation_recomputes(item, applicant, clerk, reviewer):
    from oneseal.cases.actions import dues
    from oneseal.errors import NotPermitted

    case = accepted_case(item, applicant, clerk, "2026-12-23")
    case_actions.suspend(
        case,
        actor=reviewer,
        kind="expert_review",
        reason="需组织专家评审",
        expected_days=7,
        on=day("2026-12-24"),
    )
    with pytest.raises(NotPermitted):
        dues.recompute_due_dates(case, system=False, today=day("2026-12-31"))
