"""The hearing pages on a 390 px phone: the presiding officer in the hearing room, the
applicant at home. Nothing is wider than the screen."""

from urllib.parse import urlsplit

from oneseal.cases import actions as case_actions
from oneseal.hearings import actions
from oneseal.testing import accepted_case, at, day


def sign_in(page, path, user):
    page.goto(path)
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("pw-" + user.username)
    page.get_by_role("button", name="登录").click()
    # By path: a glob ending in `path` also matches the login page (?next=<path>) itself.
    page.wait_for_url(lambda url: urlsplit(url).path == path)


def test_hearing_pages_fit_a_phone(
    item, own_applicant, clerk, reviewer, presider, applicant_user, phone, screenshot
):
    applicant_user.set_password("pw-public")
    applicant_user.save()
    case = accepted_case(item, own_applicant, clerk, "2025-09-22")
    case_actions.complete_review_step(
        case, actor=reviewer, opinion="初审", outcome="approve", on=day("2025-09-23")
    )
    hearing = actions.notify_hearing_right(
        case, actor=reviewer, matter="间距", on=day("2025-09-24")
    )
    actions.request_hearing(hearing, actor=clerk, on=day("2025-09-25"))
    actions.schedule_hearing(
        hearing,
        actor=reviewer,
        starts_at=at("2025-10-14 09:30"),
        place="平罗县政务服务中心三楼听证室",
        presiding=presider,
        on=day("2025-09-26"),
    )
    sign_in(phone, f"/hearings/case/{case.pk}/", presider)
    assert phone.get_by_role("button", name="保存听证笔录").is_visible()
    screenshot(phone, "hearing-case-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.context.clear_cookies()
    sign_in(phone, f"/hearings/mine/hearing/{hearing.pk}/", applicant_user)
    assert "申请主持人回避" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
