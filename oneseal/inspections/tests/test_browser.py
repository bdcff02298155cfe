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
