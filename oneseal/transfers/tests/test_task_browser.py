"""On a phone, in Chromium: the lead unit's staff member opens the reform's task table, goes to
their task and files a progress report with an attachment; neither page is wider than the
screen. Screenshots go to var/screenshots/."""

import pytest

from oneseal.organisation.models import Department
from oneseal.testing import sign_in_page
from oneseal.transfers import tasks
from oneseal.transfers.models import ProgressReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_lead_unit_reports_progress_on_a_phone(
    county, signatory, make_staff, phone, screenshot, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    office = Department.objects.create(region=county, name="中共平罗县委机构编制委员会办公室")
    unit_staff = make_staff("bb_staff", county, display_name="赵编办", department=office)
    reform = tasks.create_reform(
        county,
        actor=signatory,
        name="平罗县相对集中行政许可权改革",
        plan_document="平罗县相对集中行政许可权改革实施方案",
        milestones=[("人员划转", "2026-02-28")],
    )
    task = tasks.add_task(
        reform,
        actor=signatory,
        title="核定审批局和政务服务中心编制",
        lead_unit=office,
        deadline="2026-02-13",
    )
    sign_in_page(phone, unit_staff, live_server.url)
    phone.goto(live_server.url + f"/transfers/reforms/{reform.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with phone.expect_navigation():
        phone.get_by_role("link", name=task.title).click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label("进展情况").fill("编制已核定：行政编制20名，事业编制40名")
    phone.get_by_label("完成进度（%）").fill("60")
    phone.get_by_label("附件（可不传）").set_input_files(
        files=[{"name": "编制核定通知.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交").click()
    phone.wait_for_selector("text=进展已报告")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "reform-task-phone")
    report = ProgressReport.objects.get()
    assert (report.percent, report.file_name) == (60, "编制核定通知.pdf")
