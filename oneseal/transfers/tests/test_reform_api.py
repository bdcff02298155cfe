"""The reform tasks API: the task table within the region, a progress report with an
attachment, a 400 naming the field, and another region's staff refused with a 404."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from oneseal.transfers import tasks

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def _reform(county, signatory, lead):
    reform = tasks.create_reform(
        county,
        actor=signatory,
        name="平罗县改革",
        plan_document="实施方案",
        milestones=[("人员划转", "2026-02-28")],
    )
    task = tasks.add_task(
        reform, actor=signatory, title="人员划转", lead_unit=lead, deadline="2026-02-13"
    )
    return reform, task


def test_the_table_and_a_report_through_the_api(county, signatory, reviewer, bureau):
    # The reviewer works in the lead unit (the bureau): they report.
    reform, task = _reform(county, signatory, bureau)
    response = api(reviewer).get(f"/api/v1/transfers/reforms/{reform.pk}/tasks")
    assert response.status_code == 200
    assert response.json()["tasks"][0]["lead_unit"] == bureau.name
    assert response.json()["phases"][0]["name"] == "人员划转"
    response = api(reviewer).post(
        f"/api/v1/transfers/reform-tasks/{task.pk}/reports",
        {"text": "摸底完成", "percent": "40", "file": SimpleUploadedFile("a.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["tasks"][0]["percent"] == 40
    response = api(reviewer).post(
        f"/api/v1/transfers/reform-tasks/{task.pk}/reports",
        {"text": "", "percent": "40"},
        format="multipart",
    )
    assert response.status_code == 400 and "text" in response.json()["fields"]


def test_another_regions_staff_get_a_404(county, signatory, far_staff, bureau):
    reform, task = _reform(county, signatory, bureau)
    assert api(far_staff).get(f"/api/v1/transfers/reforms/{reform.pk}/tasks").status_code == 404
    response = api(far_staff).post(
        f"/api/v1/transfers/reform-tasks/{task.pk}/reports",
        {"text": "x", "percent": "10"},
        format="multipart",
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.percent == 0


def test_the_progress_page_and_its_xlsx_within_the_region(
    client, county, signatory, far_staff, department
):
    reform, task = _reform(county, signatory, department)
    client.force_login(signatory)
    page = client.get(f"/transfers/reforms/{reform.pk}/")
    assert page.status_code == 200 and department.name in page.content.decode()
    sheet = client.get(f"/transfers/reforms/{reform.pk}/?format=xlsx")
    assert sheet.status_code == 200 and b"".join(sheet.streaming_content)[:2] == b"PK"
    assert client.get("/transfers/reforms/").status_code == 200
    client.force_login(far_staff)
    assert client.get(f"/transfers/reforms/{reform.pk}/").status_code == 404
