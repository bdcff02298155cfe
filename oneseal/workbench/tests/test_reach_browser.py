"""In Chromium, on a phone and on an office screen: the signatory finds a department's request
to revoke a licence in the signing queue and reaches the page where it is answered; neither
page scrolls sideways. Screenshots go to var/screenshots/."""

import pytest

from oneseal.linkage.models import Feedback
from oneseal.testing import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_signatory_reaches_a_revocation_request_from_the_queue(
    requested, signatory, page, phone, screenshot, live_server
):
    case, feedback = requested
    for screen, width, name in ((phone, 390, "phone"), (page, 1366, "desktop")):
        sign_in_page(screen, signatory, live_server.url)
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
