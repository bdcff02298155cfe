"""On a phone (390 px): the city's administrator starts a rollout, opens a county's page and
issues a starting account's one-time link; its holder sets a password through it. Every page
fits the width, the long link included."""

from oneseal.transfers.models import Rollout


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-" + username)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_rollout_on_a_phone(city_admin, guidance, phone, screenshot):
    sign_in(phone, "city_admin")
    phone.goto("/transfers/rollouts/new/")
    assert fits(phone)
    phone.get_by_label("改革名称").fill("中卫市相对集中行政许可权改革")
    phone.get_by_label("实施方案").fill("中卫市实施方案")
    phone.get_by_label("精简模板", exact=False).check()
    phone.get_by_label("中宁县").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="发起推开").click()
    assert "中宁县" in phone.locator("main").inner_text()
    assert fits(phone)
    screenshot(phone, "rollout-dashboard-phone")
    county = Rollout.objects.get().counties.get()
    with phone.expect_navigation():
        phone.get_by_role("link", name="中宁县").click()
    assert "640521-director" in phone.locator("main").inner_text()
    with phone.expect_navigation():
        phone.get_by_role("button", name="生成一次性链接").first.click()
    link = phone.locator("code.digest").inner_text()
    assert "/transfers/accounts/" in link and fits(phone)
    screenshot(phone, "rollout-county-phone")
    assert county.bureau.name in phone.locator("h1").inner_text()
    phone.context.clear_cookies()
    phone.goto(link)
    phone.get_by_label("设置密码").fill("Zn-2026-director")
    phone.get_by_label("再次输入密码").fill("Zn-2026-director")
    assert fits(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="设置密码").click()
    assert "/accounts/login/" in phone.url
