"""The portal opens in a real browser, in Chinese, on a phone, and finds a guide from plain words."""

import datetime

from oneseal.catalogue import actions


def test_a_citizen_finds_a_guide_on_a_phone(complete_draft, admin_user, phone, screenshot):
    v = complete_draft(name="食品经营许可")
    hi = v.handling_items.get()
    hi.keywords = "开饭店"
    actions.save_draft_part(hi, actor=admin_user)
    actions.publish(v, actor=admin_user, effective_from=datetime.date(2024, 1, 1))

    phone.goto("/")
    assert phone.locator("html").get_attribute("lang") == "zh-Hans"
    box = phone.get_by_role("searchbox").first
    box.fill("开饭店")
    box.press("Enter")
    # wait_for_load_state() alone returns at once: the results page is already loaded.
    with phone.expect_navigation():
        phone.get_by_role("link", name="食品经营许可（新办）").first.click()
    assert "食品经营许可申请书" in phone.content()
    # Nothing wider than the phone's screen: the page does not scroll sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "portal-guide-phone")
