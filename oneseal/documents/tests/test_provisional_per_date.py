"""Each decision due date is marked 暂定 by its own flag, on every path that shows it: the
acceptance notice, the window's case page and queues, the signatory's queue, the applicant's
page, the tracking page and the API. The calendar of the tests: 2026 published (the package
carries it), 2027 not until `publish_2027`.

Promised 5 and statutory 20 working days (the `item` fixture):
- accepted Monday 2026-11-02: 11-09 and 11-30, both in 2026;
- accepted Monday 2026-12-07: 12-14 in 2026, but 12-08 … 12-31 are 18 working days, then
  (New Year's Day off by law) 1-4 and 1-5 in 2027 — only the statutory date is provisional;
- accepted Monday 2026-12-28: 12-29 … 12-31, 1-4, 1-5 and 1-26, both in 2027."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from oneseal.calendars import actions as calendar_actions
from oneseal.cases import actions as case_actions
from oneseal.cases import jobs
from oneseal.documents.models import Document
from oneseal.testing import accepted_case, day, reviewed

from .conftest import notice_of, pdf_text

MARK = "暂定"
NOTE = "注：标注“暂定”的日期所在年度的节假日安排尚未公布"


def publish_2027(admin_user):
    """The 2027 schedule as entered here: Monday 1-4 off too (元旦调休), then declared official."""
    calendar_actions.enter_day(
        day("2027-01-04"), actor=admin_user, is_workday=False, name="元旦调休"
    )
    calendar_actions.declare_year_official(
        2027, actor=admin_user, announcement="国务院办公厅关于2027年部分节假日安排的通知"
    )


def page(client, user, url, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def dd(html: str, label: str) -> str:
    """The <dd> after the <dt> that reads `label`."""
    found = re.search(rf"<dt>{label}</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)
    assert found, label
    return found.group(1)


def dd_by_id(html: str, element_id: str) -> str:
    found = re.search(rf'<dd id="{element_id}">(.*?)</dd>', html, re.S)
    assert found, element_id
    return found.group(1)


def row(html: str, number: str) -> str:
    """The table row that names the case."""
    found = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{re.escape(number)}.*?</tr>", html, re.S)
    assert found, number
    return found.group(0)


def tracked(case) -> str:
    response = Client().post("/track/", {"number": case.number, "query_code": case.query_code})
    assert response.status_code == 200
    return response.content.decode().split('id="track-result"', 1)[1]


def api_clocks(user, case) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 200, response.content
    return response.json()["clocks"]


@pytest.fixture
def shows(client, applicant_user, clerk, reviewer, signatory):
    """What each path shows of a case's two due dates: for each, whether it is marked 暂定."""

    def show(case) -> dict[str, tuple[bool, ...]]:
        case.refresh_from_db()
        window = page(client, clerk, reverse("workbench:case", args=[case.pk]))
        queue = row(page(client, signatory, reverse("workbench:home"), queue="decide"), case.number)
        sign = row(page(client, signatory, reverse("workbench:sign")), case.number)
        portal = page(client, applicant_user, reverse("portal:my_case", args=[case.pk]))
        track = tracked(case)
        clocks = api_clocks(clerk, case)
        text = pdf_text(notice_of(case, "acceptance"))
        promised = re.search(r"承诺办结日期：(.*?)法定办结期限：", text).group(1)
        statutory = re.search(r"法定办结期限：(.*?)受理人：", text).group(1)
        return {
            "promised": (
                MARK in promised,
                MARK in dd_by_id(window, "promised-due"),
                MARK in queue,
                MARK in sign,
                MARK in dd(portal, "承诺办结日期"),
                MARK in dd(track, "承诺办结日期"),
                clocks["promised_due_provisional"],
            ),
            "statutory": (
                MARK in statutory,
                MARK in dd_by_id(window, "statutory-due"),
                MARK in dd(portal, "法定办结日期"),
                clocks["statutory_due_provisional"],
            ),
            "note": (NOTE in text, "调休安排公布后可能变化" in window),
            "either": (clocks["due_provisional"],),
        }

    return show


def waiting_for_decision(item, own_applicant, clerk, reviewer, second_reviewer, on: str):
    """Accepted on `on` and reviewed, so it waits in the signatory's queue too."""
    return reviewed(accepted_case(item, own_applicant, clerk, on), reviewer, second_reviewer, on)


def test_a_december_acceptance_marks_only_its_statutory_date_in_the_next_year_provisional(
    item, own_applicant, clerk, reviewer, second_reviewer, seal, shows
):
    case = waiting_for_decision(item, own_applicant, clerk, reviewer, second_reviewer, "2026-12-07")
    assert (case.promised_due, case.statutory_due) == (day("2026-12-14"), day("2027-01-05"))
    assert (case.promised_due_provisional, case.statutory_due_provisional) == (False, True)
    shown = shows(case)
    assert shown["promised"] == (False,) * 7
    assert shown["statutory"] == (True,) * 4
    # The statutory date the notice prints is provisional, so its note explains the mark.
    assert shown["note"] == (True, True) and shown["either"] == (True,)
    text = pdf_text(notice_of(case, "acceptance"))
    assert "承诺办结日期：2026年12月14日法定办结期限：2027年1月5日（暂定）" in text
    accepted = case.events.get(action="accept").data
    assert (accepted["promised_due_provisional"], accepted["statutory_due_provisional"]) == (
        False,
        True,
    )


def test_dates_both_in_the_published_year_are_marked_nowhere(
    item, own_applicant, clerk, reviewer, second_reviewer, seal, shows
):
    case = waiting_for_decision(item, own_applicant, clerk, reviewer, second_reviewer, "2026-11-02")
    assert (case.promised_due, case.statutory_due) == (day("2026-11-09"), day("2026-11-30"))
    shown = shows(case)
    assert shown["promised"] == (False,) * 7 and shown["statutory"] == (False,) * 4
    assert shown["note"] == (False, False) and shown["either"] == (False,)
    assert MARK not in pdf_text(notice_of(case, "acceptance"))


def test_dates_both_in_the_unpublished_year_are_both_marked(
    item, own_applicant, clerk, reviewer, second_reviewer, seal, shows
):
    case = waiting_for_decision(item, own_applicant, clerk, reviewer, second_reviewer, "2026-12-28")
    assert (case.promised_due, case.statutory_due) == (day("2027-01-05"), day("2027-01-26"))
    shown = shows(case)
    assert shown["promised"] == (True,) * 7 and shown["statutory"] == (True,) * 4
    assert shown["note"] == (True, True) and shown["either"] == (True,)


def test_publishing_the_schedule_clears_each_dates_flag_and_corrects_the_notice(
    item, own_applicant, clerk, reviewer, second_reviewer, admin_user, seal, shows
):
    split = waiting_for_decision(
        item, own_applicant, clerk, reviewer, second_reviewer, "2026-12-07"
    )
    later = waiting_for_decision(
        item, own_applicant, clerk, reviewer, second_reviewer, "2026-12-28"
    )
    first = notice_of(split, "acceptance")

    publish_2027(admin_user)
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 2

    split.refresh_from_db()
    # Monday 1-4 off too: the statutory date moves a day; the promise in 2026 stays.
    assert (split.promised_due, split.statutory_due) == (day("2026-12-14"), day("2027-01-06"))
    assert not (
        split.promised_due_provisional or split.statutory_due_provisional or split.due_provisional
    )
    event = split.events.get(action="recompute_due_dates")
    assert event.data["old"] == {
        "statutory_due": "2027-01-05",
        "statutory_due_provisional": True,
    }
    assert event.data["new"] == {
        "statutory_due": "2027-01-06",
        "statutory_due_provisional": False,
    }
    later.refresh_from_db()
    assert (later.promised_due, later.statutory_due) == (day("2027-01-06"), day("2027-01-27"))
    assert not (later.promised_due_provisional or later.statutory_due_provisional)

    first.refresh_from_db()
    corrected = Document.objects.get(supersedes=first)
    assert corrected.corrected["statutory_due_provisional"] is False
    text = pdf_text(corrected)
    assert "承诺办结日期：2026年12月14日法定办结期限：2027年1月6日" in text
    assert MARK not in text
    for case in (split, later):
        shown = shows(case)
        assert shown["promised"] == (False,) * 7 and shown["statutory"] == (False,) * 4
        assert shown["note"] == (False, False)


def test_an_extension_marks_each_date_by_its_own_span(
    item, own_applicant, clerk, reviewer, signatory, seal
):
    # Accepted 2026-11-23: promised 11-30, statutory 12-21. Ten more working days each: 12-14 in
    # 2026, and 12-22 … 12-31, 1-4, 1-5 in 2027 — only the statutory date turns provisional.
    case = accepted_case(item, own_applicant, clerk, "2026-11-23")
    case_actions.request_extension(
        case, actor=reviewer, reason="需要补充现场核查", on=day("2026-11-25")
    )
    case = case_actions.approve_extension(case, actor=signatory, on=day("2026-11-25"))
    assert (case.promised_due, case.statutory_due) == (day("2026-12-14"), day("2027-01-05"))
    assert (case.promised_due_provisional, case.statutory_due_provisional) == (False, True)
    text = pdf_text(notice_of(case, "extension"))
    assert "2026年12月14日（暂定）" not in text and "2027年1月5日（暂定）" in text
    assert api_clocks(clerk, case)["promised_due_provisional"] is False


def test_a_granted_cases_row_marks_its_delivery_date_by_that_dates_own_span(
    client, item, own_applicant, clerk, reviewer, second_reviewer, signatory, seal
):
    # Both decision dates in 2026, but the ten working days for delivery after 12-24 end 1-8.
    case = waiting_for_decision(item, own_applicant, clerk, reviewer, second_reviewer, "2026-11-02")
    case_actions.grant(
        case,
        actor=signatory,
        on=day("2026-12-24"),
        scope="热食类食品制售",
        valid_from=day("2026-12-24"),
        valid_until=day("2031-12-23"),
    )
    case.refresh_from_db()
    assert case.delivery_due == day("2027-01-08") and not case.due_provisional
    shown = row(page(client, clerk, reverse("workbench:home"), queue="deliver"), case.number)
    assert "2027年1月8日" in shown and MARK in shown
    # The case page marks it by the same rule (`Clocks.delivery_due_provisional`).
    on_page = dd(page(client, clerk, reverse("workbench:case", args=[case.pk])), "送达期限")
    assert "2027年1月8日" in on_page and MARK in on_page


def test_a_delivery_date_counted_over_december_alone_is_not_marked(
    client, item, own_applicant, clerk, reviewer, second_reviewer, signatory, seal
):
    # Granted Tuesday 2026-12-01: ten working days end 12-15, in 2026.
    case = waiting_for_decision(item, own_applicant, clerk, reviewer, second_reviewer, "2026-11-02")
    case_actions.grant(
        case,
        actor=signatory,
        on=day("2026-12-01"),
        scope="热食类食品制售",
        valid_from=day("2026-12-01"),
        valid_until=day("2031-11-30"),
    )
    case.refresh_from_db()
    assert case.delivery_due == day("2026-12-15")
    shown = row(page(client, clerk, reverse("workbench:home"), queue="deliver"), case.number)
    on_page = dd(page(client, clerk, reverse("workbench:case", args=[case.pk])), "送达期限")
    for html in (shown, on_page):
        assert "2026年12月15日" in html and MARK not in html
