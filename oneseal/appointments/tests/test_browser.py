"""On a phone, in Chromium: an applicant books a window slot (the slots arrive by htmx) and
rates a finished case (only the reasons of the chosen band show). Screenshots go to
var/screenshots/.

The shared browser fixtures live in oneseal/e2e, whose Playwright instance is session-wide;
a second sync Playwright cannot run beside it, so this module starts its own for the module
only (it runs before oneseal/e2e in a full run) and reuses e2e's settings."""

import pytest
from django.test import Client

from oneseal.cases import actions as case_actions
from oneseal.e2e.conftest import CHROMIUM_ARGS, SCREENSHOTS, chromium_path
from oneseal.ratings.models import Rating

from .. import actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def module_browser():
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (scripts/chromium.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(module_browser, live_server):
    context = module_browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                         has_touch=True, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    return take


def sign_in(page, user, base_url):
    c = Client()
    c.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": c.cookies["sessionid"].value, "url": base_url}])


def test_an_applicant_books_on_a_phone(live_slots, handling_item, own_applicant, applicant_user, hall, clerk,
                                       department, phone, screenshot, live_server):
    # A second window group, so the page asks which one.
    actions.save_group(hall, actor=clerk, name="综合窗口", capacity=1, departments=[department], order=9)
    actions.generate_slots(hall, actor=clerk)
    sign_in(phone, applicant_user, live_server.url)
    phone.goto(f"/appointments/book/{handling_item.pk}/")
    phone.get_by_label("平罗县政务服务中心 · 市场准入").check()
    phone.get_by_text("第二步：选择时段").wait_for()  # swapped in by htmx
    phone.locator("label.slot:not(.full)").first.click()
    screenshot(phone, "appointments-book-phone")
    phone.get_by_role("button", name="确认预约").click()
    phone.wait_for_load_state()
    assert "预约成功" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "appointments-booking-phone")


def test_an_applicant_rates_on_a_phone(handling_item, own_applicant, applicant_user, clerk, phone, screenshot,
                                       live_server):
    case = case_actions.receive(handling_item, actor=clerk, applicant=own_applicant)
    case_actions.refuse(case, actor=clerk, clause="1", reason="该事项无需取得行政许可")
    sign_in(phone, applicant_user, live_server.url)
    phone.goto(f"/ratings/rate/{case.pk}/")
    phone.get_by_text("2 不满意").click()
    assert phone.get_by_label("超过承诺时限").is_visible()
    assert not phone.get_by_label("工作人员热情耐心").is_visible()
    phone.get_by_label("超过承诺时限").check()
    phone.get_by_label("意见建议（选填）").fill("等了很久")
    screenshot(phone, "ratings-rate-phone")
    phone.get_by_role("button", name="提交评价").click()
    phone.wait_for_load_state()
    assert "我们将核实整改" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert Rating.objects.get().follow_up.state == "open"
