"""On a phone, in Chromium: a department's supervisor answers a request for an opinion from its
inbox, and the reviewer reads it on the case's linkage page; neither page is wider than the
screen. Screenshots go to var/screenshots/."""

import pytest

from oneseal.linkage import actions
from oneseal.linkage.models import OpinionRequest
from oneseal.testing import accepted_case, day, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_answers_an_opinion_on_a_phone(
    item, applicant, clerk, reviewer, supervisor, department, phone, screenshot, live_server
):
    case = accepted_case(item, applicant, clerk, "2026-02-12")
    opinion = actions.request_opinion(
        case,
        actor=reviewer,
        department=department,
        subject="请就该店经营场所的消防安全条件提出意见",
        days=3,
        on=day("2026-02-12"),
    )
    sign_in_page(phone, supervisor, live_server.url)
    phone.goto(live_server.url + "/linkage/inbox/")
    # Wait for the case page itself: measuring while the link still navigates reads no document.
    with phone.expect_navigation():
        phone.get_by_role("link", name=f"{case.number} · {case.handling_item.name}").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label("有条件同意").check()
    phone.get_by_label("理由或条件").fill("开业前完成消防设施检测")
    phone.get_by_role("button", name="提交意见").click()
    phone.wait_for_selector("text=意见已答复")
    screenshot(phone, "opinion-answered-phone")
    opinion.refresh_from_db()
    assert opinion.state == OpinionRequest.RequestState.ANSWERED
    assert opinion.reasons == "开业前完成消防设施检测"

    sign_in_page(phone, reviewer, live_server.url)
    phone.goto(live_server.url + f"/linkage/cases/{case.pk}/")
    assert "开业前完成消防设施检测" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "opinion-case-phone")
