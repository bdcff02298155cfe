"""The reform task pages: the reform office sets up a reform, its phases and its tasks; the
lead unit's staff file progress reports with attachments (a bad file is named on its field and
nothing is stored) and move the status; the overdue warning shows; everyone else is refused."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.organisation.models import Department
from oneseal.testing import at
from oneseal.transfers import tasks
from oneseal.transfers.models import ProgressReport, Reform, ReformTask, TaskStatus

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def bianban(county):
    return Department.objects.create(region=county, name="平罗县委编办")


@pytest.fixture
def unit_staff(make_staff, county, bianban):
    return make_staff("bb_staff", county, display_name="赵编办", department=bianban)


@pytest.fixture
def reform(county, signatory):
    return tasks.create_reform(
        county,
        actor=signatory,
        name="平罗县改革",
        plan_document="实施方案",
        milestones=[("人员划转", "2026-02-28")],
    )


@pytest.fixture
def task(reform, signatory, bianban, bureau):
    return tasks.add_task(
        reform,
        actor=signatory,
        title="完成审批人员划转",
        lead_unit=bianban,
        helping_units=[bureau],
        deadline="2026-02-13",
    )


def test_the_office_creates_a_reform_with_its_phases_on_a_page(client, signatory, reviewer):
    client.force_login(signatory)
    assert 'href="/transfers/reforms/new/"' in client.get("/transfers/reforms/").content.decode()
    bad = client.post(
        "/transfers/reforms/new/",
        {"name": "平罗县改革", "plan_document": "方案", "milestones": "挂牌，2026-02-30\n人员划转"},
    )
    page = bad.content.decode()
    assert bad.status_code == 200 and "第1行" in page and "第2行" in page
    assert not Reform.objects.exists()
    done = client.post(
        "/transfers/reforms/new/",
        {
            "name": "平罗县改革",
            "plan_document": "方案",
            "milestones": "挂牌，2026-01-31\n人员划转,2026-02-28",
        },
    )
    reform = Reform.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/transfers/reforms/{reform.pk}/"
    assert [m.name for m in reform.milestones.all()] == ["挂牌", "人员划转"]
    client.force_login(reviewer)
    assert "/transfers/reforms/new/" not in client.get("/transfers/reforms/").content.decode()
    assert client.get("/transfers/reforms/new/").status_code == 404


def test_the_office_adds_phases_and_tasks_with_units_and_others_cannot(
    client, reform, signatory, reviewer, bianban, bureau, other_county
):
    foreign = Department.objects.create(region=other_county, name="大武口区委编办")
    client.force_login(signatory)
    url = f"/transfers/reforms/{reform.pk}/"
    page = client.get(url).content.decode()
    assert f'value="department-{bianban.pk}"' in page and f"department-{foreign.pk}" not in page
    refused = client.post(
        url,
        {
            "task-title": "人员划转",
            "task-lead_unit": f"department-{foreign.pk}",
            "task-deadline": "2026-02-13",
        },
    )
    assert refused.status_code == 200 and not ReformTask.objects.exists()
    assert "task-lead_unit" in refused.content.decode()
    made = client.post(
        url,
        {
            "task-title": "完成审批人员划转",
            "task-lead_unit": f"department-{bianban.pk}",
            "task-helping_units": [f"bureau-{bureau.pk}"],
            "task-deadline": "2026-02-13",
            "task-milestone": reform.milestones.get().pk,
        },
    )
    assert made.status_code == 302
    task = ReformTask.objects.get()
    assert task.lead_department == bianban and list(task.helping_bureaus.all()) == [bureau]
    late = client.post(url, {"phase-name": "验收", "phase-due_on": "2026-06-30"})
    assert late.status_code == 302 and reform.milestones.count() == 2
    table = client.get(url).content.decode()
    assert f"/transfers/reform-tasks/{task.pk}/" in table and bianban.name in table
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    assert "添加任务" not in page
    assert client.post(url, {"phase-name": "x", "phase-due_on": "2026-06-30"}).status_code == 404
    assert reform.milestones.count() == 2


def test_the_lead_unit_reports_with_an_attachment_and_a_bad_file_stores_nothing(
    client, task, unit_staff, settings
):
    client.force_login(unit_staff)
    url = f"/transfers/reform-tasks/{task.pk}/"
    bad = client.post(
        url,
        {
            "report-text": "摸底完成",
            "report-percent": "40",
            "report-file": SimpleUploadedFile("摸底表.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    page = bad.content.decode()
    assert bad.status_code == 200 and "附件类型不被接受" in page and "摸底完成" in page
    settings.UPLOAD_MAX_BYTES = 10
    big = client.post(
        url,
        {
            "report-text": "摸底完成",
            "report-percent": "40",
            "report-file": SimpleUploadedFile("摸底表.pdf", PDF),
        },
    )
    assert "附件过大" in big.content.decode()
    assert not ProgressReport.objects.exists()
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    ok = client.post(
        url,
        {
            "report-text": "摸底完成",
            "report-percent": "40",
            "report-file": SimpleUploadedFile("摸底表.pdf", PDF),
        },
    )
    assert ok.status_code == 302
    report = ProgressReport.objects.get()
    page = client.get(url).content.decode()
    assert "摸底表.pdf" in page and f"/transfers/progress-reports/{report.pk}/file/" in page
    download = client.get(f"/transfers/progress-reports/{report.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    moved = client.post(url, {"status-status": "done"})
    assert moved.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.percent) == (TaskStatus.DONE, 100)


def test_the_overdue_warning_shows_and_outsiders_are_refused(
    client, task, unit_staff, reviewer, far_staff
):
    tasks.report_progress(
        task, actor=unit_staff, text="进展", percent=10, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    report = ProgressReport.objects.get()
    url = f"/transfers/reform-tasks/{task.pk}/"
    client.force_login(reviewer)
    # 2026-02-13 is a Friday; the Spring Festival holiday runs 2-15..2-23: on 2-24 two working
    # days have passed (2-14 is a make-up working day, and 2-24 itself).
    with time_machine.travel(at("2026-02-24 10:00"), tick=False):
        page = client.get(url).content.decode()
    assert "已逾期2个工作日" in page
    # The bureau helps; its reviewer sees the task but neither reports nor moves it.
    assert "报告进展" not in page
    assert client.post(url, {"status-status": "done"}).status_code == 404
    client.force_login(far_staff)
    assert client.get(url).status_code == 404
    assert client.get(f"/transfers/progress-reports/{report.pk}/file/").status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.UNDERWAY
