"""On a phone (390 px): the expert signs in, accepts, gives the opinion, and the case is gone
from their page; the staff's draw page with its record fits the same width."""

from urllib.parse import urlsplit

from django.contrib.auth import get_user_model

from oneseal.experts import actions
from oneseal.testing import day


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-" + username)
    # The next goto would cancel a sign-in still in flight, and the session with it.
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    assert urlsplit(page.url).path != "/accounts/login/", page.url


def test_an_expert_answers_on_a_phone_and_staff_read_the_draw(
    case, reviewer, make_expert, food, phone, screenshot
):
    user = get_user_model().objects.create_user(username="expertp", password="pw-expertp")
    expert = make_expert("马建国", user=user)
    review = actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=1,
        subject="冷库及加工区布局专家评审",
        ends_on=day("2025-10-10"),
        on=day("2025-09-29"),
    )
    assignment = review.assignments.get(expert=expert)
    sign_in(phone, "expertp")
    phone.goto("/experts/my/")
    with phone.expect_navigation():
        phone.get_by_role("link", name="冷库及加工区布局专家评审").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "experts-invitation-phone")
    phone.get_by_role("button", name="接受邀请").click()
    phone.get_by_label("评审意见").fill("加工区布局合理，冷库温控记录完整，同意。")
    phone.get_by_label("评分（0–100）").fill("88")
    phone.get_by_label("结论").select_option("agree")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "experts-opinion-phone")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/experts/my/")
    assert "冷库及加工区布局专家评审" not in phone.locator("main").inner_text()
    assert phone.goto(f"/experts/my/{assignment.pk}/").status == 404
    phone.context.clear_cookies()
    sign_in(phone, "reviewer")
    phone.goto(f"/experts/cases/{case.pk}/")
    phone.locator("details.draw summary").first.click()
    assert review.draws.get().seed in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "experts-draw-phone")
