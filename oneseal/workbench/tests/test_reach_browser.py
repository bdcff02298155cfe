"""In Chromium, on a phone and on an office screen: the signatory finds a department's request
to revoke a licence in the signing queue and reaches the page where it is answered; neither
page scrolls sideways. Screenshots go to var/screenshots/."""

import pytest
from django.test import Client

from oneseal.cases import actions as case_actions
from oneseal.linkage import actions as linkage_actions
from oneseal.linkage.models import Feedback
from oneseal.testing import accepted_case, day, reviewed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, base_url):
    c = Client()
    c.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": c.cookies["sessionid"].value, "url": base_url}]
    )


def test_the_signatory_reaches_a_revocation_request_from_the_queue(
    item,
    applicant,
    clerk,
    reviewer,
    second_reviewer,
    signatory,
    supervisor,
    page,
    phone,
    screenshot,
    live_server,
):
    case = reviewed(
        accepted_case(item, applicant, clerk, "2026-02-09"), reviewer, second_reviewer, "2026-02-10"
    )
    case_actions.grant(
        case,
        actor=signatory,
        on=day("2026-02-10"),
        scope="预包装食品销售",
        valid_from=day("2026-02-10"),
        valid_until=day("2031-02-09"),
    )
    feedback = linkage_actions.give_feedback(
        case.pushes.get(),
        actor=supervisor,
        kind="revocation_request",
        on=day("2026-02-12"),
        summary="经营场所已拆除，不再具备许可条件",
    )
    for screen, width, name in ((phone, 390, "phone"), (page, 1366, "desktop")):
        sign_in(screen, signatory, live_server.url)
        screen.goto(live_server.url + "/workbench/sign/")
        row = screen.locator(f"#revocation-request-{feedback.pk}")
        assert case.number in row.inner_text()
        assert screen.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(screen, f"sign-revocation-requests-{name}")
        with screen.expect_navigation():
            screen.locator(f"#handle-revocation-request-{feedback.pk}").click()
        assert screen.url.endswith(f"/linkage/cases/{case.pk}/#feedback-{feedback.pk}")
        screen.locator(f"#feedback-{feedback.pk}").wait_for()
        assert screen.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(screen, f"revocation-request-{name}")
    page.get_by_label("不予撤销").check()
    page.get_by_label("处理意见").fill("经核实经营场所已迁址，仍符合许可条件")
    with page.expect_navigation():
        page.get_by_role("button", name="处理撤销建议").click()
    page.wait_for_selector("text=撤销建议已处理")
    feedback.refresh_from_db()
    assert feedback.request_state == Feedback.RequestState.DECLINED
    page.goto(live_server.url + "/workbench/sign/")
    assert page.locator(f"#revocation-request-{feedback.pk}").count() == 0
