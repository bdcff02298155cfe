"""On a phone (390 px), in Chromium: from the portal's case page the applicant opens the
intermediary services, chooses by lowest quote, sees the engagement, and rates it once it is
delivered. Screenshots go to var/screenshots/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.intermediaries import actions
from oneseal.intermediaries.models import Engagement
from oneseal.testing import accepted_case, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj\n"


def narrow_enough(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_applicant_chooses_and_rates_on_a_phone(
    handling_item,
    own_applicant,
    clerk,
    applicant_user,
    listing,
    make_intermediary,
    agency_user,
    phone,
    screenshot,
    live_server,
):
    case = accepted_case(handling_item, own_applicant, clerk, "2025-09-22")
    cheap = make_intermediary("宁夏恒信检测服务有限公司", fee="860.00", days=5, user=agency_user)
    make_intermediary("宁夏中检食品检测有限公司", fee="1200.00", days=7)
    make_intermediary("宁夏清源检测科技有限公司", fee="500.00", valid_to="2024-12-31")
    sign_in_page(phone, applicant_user, live_server.url)
    phone.goto(f"/my/cases/{case.pk}/")
    with phone.expect_navigation():
        phone.locator("#open-intermediary").click()
    phone.get_by_role("heading", name="中介服务", exact=True).wait_for()
    assert phone.get_by_text("宁夏中检食品检测有限公司").is_visible()
    assert phone.get_by_text("宁夏清源检测科技有限公司").count() == 0  # expired
    phone.locator("label", has_text="最低报价").click()
    assert narrow_enough(phone)
    screenshot(phone, "intermediaries-choose-phone")
    with phone.expect_navigation():
        phone.get_by_role("button", name="确认选取").click()
    engagement = Engagement.objects.get()
    assert engagement.method == "lowest" and engagement.intermediary == cheap
    phone.get_by_text(engagement.contract_number, exact=True).wait_for()
    assert narrow_enough(phone)
    actions.deliver(engagement, actor=agency_user, upload=SimpleUploadedFile("报告.pdf", PDF))
    phone.reload()
    phone.get_by_label("服务质量").select_option("4")
    phone.get_by_label("服务时效").select_option("5")
    phone.get_by_label("服务态度").select_option("5")
    phone.get_by_label("收费合理").select_option("3")
    phone.get_by_label("评价意见").fill("报告清楚")
    screenshot(phone, "intermediaries-rate-phone")
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交评价").click()
    phone.get_by_text("感谢您的评价").wait_for()
    assert narrow_enough(phone)
    rating = Engagement.objects.get().rating
    assert (rating.quality, rating.timeliness, rating.attitude, rating.fee) == (4, 5, 5, 3)
