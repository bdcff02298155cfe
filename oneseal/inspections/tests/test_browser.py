"""On a phone, in Chromium: an inspector works through the checklist at the site and uploads a
photo from the camera input; the page stays within 390 px. Screenshots go to var/screenshots/."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from oneseal.calendars.queries import current_calendar
from oneseal.inspections import actions
from oneseal.testing import accepted_case

from .conftest import jpeg_with_exif

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, base_url):
    c = Client()
    c.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": c.cookies["sessionid"].value, "url": base_url}]
    )


def test_an_inspector_records_findings_and_a_photo_on_a_phone(
    surveyed_item,
    own_applicant,
    clerk,
    reviewer,
    second_reviewer,
    phone,
    screenshot,
    live_server,
    tmp_path,
    settings,
):
    settings.MEDIA_ROOT = tmp_path
    cal, today = current_calendar(), timezone.localdate()
    accepted, agreed, visit = (cal.before(today, n).date for n in (4, 3, 1))
    case = accepted_case(surveyed_item, own_applicant, clerk, accepted.isoformat())
    inspection = actions.schedule_inspection(
        case,
        actor=reviewer,
        on=agreed,
        at=datetime.datetime.combine(
            visit, datetime.time(10, 0), tzinfo=timezone.get_current_timezone()
        ),
        place="平罗县城关镇鼓楼南街8号",
        expected_days=2,
        inspectors=[reviewer, second_reviewer],
    )
    actions.start_inspection(inspection, actor=reviewer, on=visit)
    sign_in(phone, second_reviewer, live_server.url)
    phone.goto(f"/inspections/{inspection.pk}/")
    line = phone.locator("#line-2")
    line.get_by_label("不符合").check()
    line.get_by_label("情况说明").fill("洗手池缺非手动式水龙头")
    # wait_for_load_state() alone returns at once: the visit page itself is already loaded.
    with phone.expect_navigation():
        line.get_by_role("button", name="保存").click()
    assert "洗手池缺非手动式水龙头" in phone.locator("#line-2").inner_text()
    picture = tmp_path / "site.jpg"
    picture.write_bytes(jpeg_with_exif())
    camera = phone.locator("input[type=file]")
    assert camera.get_attribute("capture") == "environment"
    camera.set_input_files(str(picture))
    with phone.expect_navigation():
        phone.get_by_role("button", name="上传照片").click()
    assert "北纬 38.908333" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "inspections-visit-phone")


def test_a_drawn_expert_records_and_signs_on_a_phone_then_loses_the_visit(
    make_item, admin_user, own_applicant, clerk, reviewer, county, phone, live_server
):
    from django.contrib.auth import get_user_model

    from oneseal.experts import actions as expert_actions
    from oneseal.testing import id_number

    cal, today = current_calendar(), timezone.localdate()
    accepted, opened, agreed, visit = (cal.before(today, n).date for n in (5, 4, 3, 1))
    hi = make_item()
    actions.save_checklist(hi, actor=admin_user, lines=[("冷库温度记录完整", "查看")])
    case = accepted_case(hi, own_applicant, clerk, accepted.isoformat())
    food = expert_actions.create_field(system=True, code="food", name="食品安全")
    expert = expert_actions.register_expert(
        actor=reviewer,
        region=county,
        name="冷链专家",
        id_number=id_number("640221", "19700101", "301"),
        fields=[food],
        title="高级工程师",
        employer_name="宁夏某设计院",
        phone="13900000000",
    )
    user = get_user_model().objects.create_user(username="coldchain", password="pw-coldchain")
    expert.user = user
    expert.save(update_fields=["user"])
    review = expert_actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=1,
        subject="冷库布局评审",
        ends_on=cal.add(today, 5).date,
        on=opened,
    )
    expert_actions.accept_invitation(review.assignments.get(), actor=user)
    inspection = actions.schedule_inspection(
        case,
        actor=reviewer,
        on=agreed,
        at=datetime.datetime.combine(
            visit, datetime.time(10, 0), tzinfo=timezone.get_current_timezone()
        ),
        place="平罗县城关镇鼓楼南街8号",
        expected_days=2,
        inspectors=[reviewer],
        experts=[expert],
    )
    actions.start_inspection(inspection, actor=reviewer, on=visit)
    actions.record_conclusion(inspection, actor=reviewer, conclusion="符合条件")
    sign_in(phone, user, live_server.url)
    phone.goto("/experts/my/")
    with phone.expect_navigation():
        phone.locator(f"#inspection-{inspection.pk} a").click()
    line = phone.locator("#line-1")
    line.get_by_label("符合", exact=True).check()
    with phone.expect_navigation():
        line.get_by_role("button", name="保存").click()
    assert "符合" in phone.locator("#line-1").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with phone.expect_navigation():
        phone.get_by_role("button", name="我已核对以上记录，签名确认").click()
    assert "已签名，勘验记录已提交" in phone.content()
    assert phone.goto(f"/inspections/{inspection.pk}/").status == 404
