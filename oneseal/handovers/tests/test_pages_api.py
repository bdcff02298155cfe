"""The hand-over's pages and API: what a clerk, a department's supervisor and someone outside
see and may do; a refused register shows every problem and imports nothing."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from oneseal.cases.models import Case
from oneseal.handovers.models import Handover
from oneseal.testing import at

from .sheets import SWITCH, register, row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _on_switch_day():
    with time_machine.travel(at(f"{SWITCH} 09:30"), tick=False):
        yield


def upload(*rows):
    return SimpleUploadedFile("台账.xlsx", register(*rows), content_type=XLSX)


def test_a_clerk_imports_a_register_on_the_page(client, clerk, department, handling_item):
    client.force_login(clerk)
    page = client.get("/handovers/")
    assert page.status_code == 200 and "接收部门移交的在办件" in page.content.decode()
    bad = client.post(
        "/handovers/",
        {
            "department": department.pk,
            "handed_over_by": "李移交",
            "file": upload(row(), row(**{"原办件编号": "B1", "办理项编码": "NO"})),
        },
    )
    text = bad.content.decode()
    assert bad.status_code == 200 and "第4行" in text and "[办理项编码]" in text
    assert not Case.objects.exists()
    good = client.post(
        "/handovers/",
        {"department": department.pk, "handed_over_by": "李移交", "file": upload(row())},
    )
    handover = Handover.objects.get()
    assert good.status_code == 302 and good["Location"].endswith(f"/handovers/{handover.pk}/")
    detail = client.get(good["Location"]).content.decode()
    assert "SJ2025-0901" in detail and "李移交" in detail and "王窗口" in detail
    sheet = client.get("/handovers/?format=xlsx")
    assert sheet.status_code == 200 and sheet["Content-Type"] == XLSX


def test_the_department_confirms_on_the_page(client, clerk, supervisor, department, handling_item):
    client.force_login(clerk)
    client.post(
        "/handovers/",
        {"department": department.pk, "handed_over_by": "李移交", "file": upload(row())},
    )
    handover = Handover.objects.get()
    assert "confirm-handover" not in client.get(f"/handovers/{handover.pk}/").content.decode()
    client.force_login(supervisor)
    page = client.get(f"/handovers/{handover.pk}/").content.decode()
    assert "confirm-handover" in page
    assert client.post(f"/handovers/{handover.pk}/confirm/").status_code == 302
    handover.refresh_from_db()
    assert handover.confirmed_by == supervisor


def test_outsiders_get_nothing(client, clerk, far_staff, applicant_user, department, handling_item):
    client.force_login(clerk)
    client.post(
        "/handovers/",
        {"department": department.pk, "handed_over_by": "李移交", "file": upload(row())},
    )
    pk = Handover.objects.get().pk
    client.force_login(far_staff)
    assert client.get(f"/handovers/{pk}/").status_code == 404
    assert "SJ2025" not in client.get("/handovers/").content.decode()
    client.force_login(applicant_user)
    assert client.get("/handovers/").status_code == 404


def test_the_api_imports_refuses_and_reports(clerk, far_staff, department, handling_item):
    api = APIClient()
    api.force_authenticate(clerk)
    refused = api.post(
        "/api/v1/handovers",
        {
            "department": department.pk,
            "handed_over_by": "李移交",
            "file": upload(row(**{"办理状态": "x"})),
        },
        format="multipart",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "import_rejected"
    assert refused.json()["reasons"] == [
        "第3行 [办理状态] “x”不是可移交的在办状态，应为“已收件”或“已受理”"
    ]
    made = api.post(
        "/api/v1/handovers",
        {"department": department.pk, "handed_over_by": "李移交", "file": upload(row())},
        format="multipart",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["handed_over_cases"][0]["acceptance_due"] == "2025-10-10"
    assert body["handed_over_cases"][0]["original_number"] == "SJ2025-0901"
    assert api.post(f"/api/v1/handovers/{body['id']}/confirm").status_code == 403
    report = api.get("/api/v1/handovers/report").json()
    assert report[0]["received"] == 1
    other = APIClient()
    other.force_authenticate(far_staff)
    assert other.get(f"/api/v1/handovers/{body['id']}").status_code == 404
    assert other.get("/api/v1/handovers").json()["count"] == 0


def _import_as(user, department):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(
        "/api/v1/handovers",
        {"department": department.pk, "handed_over_by": "李移交", "file": upload(row())},
        format="multipart",
    )


def test_another_countys_clerk_and_another_department_are_refused(
    clerk, make_staff, other_county, county, department, handling_item
):
    from oneseal.organisation.models import Bureau, Department, Role

    far_bureau = Bureau.objects.create(region=other_county, name="大武口区行政审批局")
    far_clerk = make_staff("farclerk", other_county, Role.CLERK, bureau=far_bureau)
    refused = _import_as(far_clerk, department)
    assert refused.status_code == 400 and "department" in refused.json()["fields"]
    assert not Handover.objects.exists() and not Case.objects.exists()
    pk = _import_as(clerk, department).json()["id"]
    other = Department.objects.create(region=county, name="平罗县住房和城乡建设局", order=3)
    stranger = make_staff("zjj", county, Role.SUPERVISOR, department=other)
    for outsider in (far_clerk, stranger):
        client = APIClient()
        client.force_authenticate(outsider)
        assert client.post(f"/api/v1/handovers/{pk}/confirm").status_code == 404
        assert client.get(f"/api/v1/handovers/{pk}").status_code == 404
    assert Handover.objects.get().confirmed_by is None
