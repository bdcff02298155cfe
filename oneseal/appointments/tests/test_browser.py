"""On a phone, in Chromium: an applicant books a window slot (the slots arrive by htmx) and
rates a finished case (only the reasons of the chosen band show). Screenshots go to
var/screenshots/. The browser fixtures (`phone`, `screenshot`) are the shared ones of
oneseal/conftest.py."""

import pytest

from oneseal.cases import actions as case_actions
from oneseal.ratings.models import Rating
from oneseal.testing import sign_in_page

from .. import actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_applicant_books_on_a_phone(
    live_slots,
    handling_item,
    own_applicant,
    applicant_user,
    hall,
    clerk,
    department,
    phone,
    screenshot,
    live_server,
):
    # A second window group, so the page asks which one.
    actions.save_group(
        hall, actor=clerk, name="综合窗口", capacity=1, departments=[department], order=9
    )
    actions.generate_slots(hall, actor=clerk)
    sign_in_page(phone, applicant_user, live_server.url)
    phone.goto(f"/appointments/book/{handling_item.pk}/")
    phone.get_by_label("平罗县政务服务中心 · 市场准入").check()
    phone.get_by_text("第二步：选择时段").wait_for()  # swapped in by htmx
    phone.locator("label.slot:not(.full)").first.click()
    screenshot(phone, "appointments-book-phone")
    # wait_for_load_state() alone returns at once: the booking page itself is already loaded.
    with phone.expect_navigation():
        phone.get_by_role("button", name="确认预约").click()
    assert "预约成功" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "appointments-booking-phone")


def test_an_applicant_rates_on_a_phone(
    handling_item, own_applicant, applicant_user, clerk, phone, screenshot, live_server
):
    case = case_actions.receive(handling_item, actor=clerk, applicant=own_applicant)
    case_actions.refuse(case, actor=clerk, clause="1", reason="该事项无需取得行政许可")
    sign_in_page(phone, applicant_user, live_server.url)
    phone.goto(f"/ratings/rate/{case.pk}/")
    phone.get_by_text("2 不满意").click()
    assert phone.get_by_label("超过承诺时限").is_visible()
    assert not phone.get_by_label("工作人员热情耐心").is_visible()
    phone.get_by_label("超过承诺时限").check()
    phone.get_by_label("意见建议（选填）").fill("等了很久")
    screenshot(phone, "ratings-rate-phone")
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交评价").click()
    assert "我们将核实整改" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert Rating.objects.get().follow_up.state == "open"
