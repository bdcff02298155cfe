"""What a browser is refused and what it is not shown: the case page to a clerk of another
county, and everything but the state and the masked name on the anonymous tracking page.
The case is built through the real actions; the looking is done in Chromium."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.applicants.actions import register_applicant
from oneseal.cases import actions
from oneseal.cases.models import CaseMaterial

from .conftest import PDF, office, sign_in_staff

NAME, NUMBER, PHONE = "马𠮷祥", "640221198001011237", "13909520000"
FILE_NAME = "马𠮷祥身份证明.pdf"


@pytest.fixture(autouse=True)
def _no_tracking_failures():
    cache.clear()  # the tracking page counts wrong codes per client in the cache
    yield
    cache.clear()


@pytest.fixture
def case(online_item, clerk, reviewer):
    """Received at the window with a file, accepted by 王窗口, first review done by 李初审."""
    applicant = register_applicant(
        actor=clerk, kind="person", name=NAME, number=NUMBER, phone=PHONE
    )
    case = actions.receive(online_item, actor=clerk, applicant=applicant)
    lines = list(case.materials.order_by("material__order"))
    actions.attach_file(
        lines[0], actor=clerk, upload=SimpleUploadedFile(FILE_NAME, PDF, "application/pdf")
    )
    actions.check_materials(
        case, actor=clerk, statuses={line.pk: CaseMaterial.Status.PROVIDED for line in lines}
    )
    actions.accept(case, actor=clerk)
    return actions.complete_review_step(case, actor=reviewer, opinion="材料齐全", outcome="approve")


def test_a_clerk_of_another_county_cannot_open_the_case_page(
    case, clerk, far_staff, page, browser, live_server
):
    sign_in_staff(page, far_staff)
    assert case.number not in page.content()  # not in any of the neighbour's queues
    response = page.goto(f"/workbench/cases/{case.pk}/")
    assert response.status == 404
    shown = page.content()
    for secret in (case.number, NAME, NUMBER, "食品经营许可", FILE_NAME, "王窗口"):
        assert secret not in shown
    # The same address opens for the county's own clerk.
    own = office(browser, live_server)
    sign_in_staff(own, clerk)
    assert own.goto(f"/workbench/cases/{case.pk}/").status == 200
    assert NAME in own.locator("#applicant-name").inner_text()
    own.context.close()


def test_the_tracking_page_shows_the_state_and_the_masked_name_only(case, phone, screenshot):
    phone.goto("/track/")
    phone.get_by_label("办件编号").fill(case.number)
    phone.get_by_label("查询码").fill(case.query_code)
    phone.get_by_role("button", name="查询").click()
    result = phone.locator("#track-result")
    shown = result.inner_text()
    assert "已受理" in shown and "马**" in shown and "食品经营许可（新办）" in shown
    page_text = phone.locator("main").inner_text()
    for secret in (
        NAME,
        NUMBER,
        NUMBER[-4:],
        PHONE,
        FILE_NAME,
        "食品经营许可申请书",
        "王窗口",
        "李初审",
        "材料齐全",
    ):
        assert secret not in page_text and secret not in phone.content(), secret
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "tracking-result-phone")

    # A wrong code, and a number that does not exist, get the same neutral answer.
    answers = []
    for number, code in [
        (case.number, "00000000" if case.query_code != "00000000" else "11111111"),
        (case.number[:-1] + ("9" if case.number[-1] != "9" else "8"), case.query_code),
    ]:
        phone.goto("/track/")
        phone.get_by_label("办件编号").fill(number)
        phone.get_by_label("查询码").fill(code)
        phone.get_by_role("button", name="查询").click()
        phone.locator("#track-error").wait_for()
        assert phone.locator("#track-result").count() == 0
        answers.append(phone.locator("#track-error").inner_text())
        for secret in (NAME, "马**", "已受理", "食品经营许可"):
            assert secret not in phone.locator("main").inner_text()
    assert answers[0] == answers[1] == "办件编号或查询码不正确。查询码印在受理通知书上。"
    screenshot(phone, "tracking-wrong-code-phone")
