"""The import and export pages: who may use them, what they show, and the upload limit."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from oneseal.catalogue.models import Catalogue, HandlingItem, Item
from oneseal.catalogue.tests.test_importing import good_rows, row, xlsx
from oneseal.organisation.models import Role

IMPORT = reverse("catalogue:import")
EXPORT = reverse("catalogue:export")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(data: bytes, name="目录.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    for url in (IMPORT, EXPORT):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_clerk_and_another_countys_administrator_are_refused(
    client, make_staff, county, other_county, catalogue
):
    clerk = make_staff("clerk", county, Role.CLERK)
    stranger = make_staff("other-admin", other_county, Role.CATALOGUE_ADMIN)
    client.force_login(clerk)
    assert client.get(IMPORT).status_code == 403
    assert client.get(EXPORT).status_code == 403
    client.force_login(stranger)
    assert client.get(IMPORT, {"region": county.code}).status_code == 403
    assert client.get(EXPORT, {"region": county.code}).status_code == 403
    response = client.post(IMPORT, {"region": county.code, "file": upload(xlsx(good_rows()))})
    assert response.status_code == 403
    assert Item.objects.count() == 0


def test_the_administrator_sees_the_form(admin_client, catalogue):
    response = admin_client.get(IMPORT)
    assert response.status_code == 200
    page = response.content.decode()
    assert "导入事项目录" in page and 'type="file"' in page and "调整依据" in page


def test_a_good_file_is_imported_and_the_report_shown(admin_client, catalogue, department):
    response = admin_client.post(
        IMPORT, {"file": upload(xlsx(good_rows())), "reason": "", "basis": ""}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "导入完成" in page and "640221-XK-001" in page
    assert response.context["report"].counts["created"] == 2
    assert HandlingItem.objects.count() == 3


def test_the_page_creates_the_regions_catalogue_when_it_has_none(
    admin_client, county, bureau, department
):
    response = admin_client.post(IMPORT, {"file": upload(xlsx(good_rows()))})
    assert response.status_code == 200
    catalogue = Catalogue.objects.get(region=county)
    assert catalogue.name == "平罗县政务服务事项目录" and catalogue.bureau == bureau


def test_a_bad_file_shows_every_problem_and_imports_nothing(admin_client, county, department):
    rows = [row(法定时限="二十"), row(**{"办理项编码": "B-1", "实施部门": "无名局"})]
    response = admin_client.post(IMPORT, {"file": upload(xlsx(rows))})
    assert response.status_code == 400
    page = response.content.decode()
    assert "未导入任何数据" in page
    problems = [(p.row, p.column) for p in response.context["problems"]]
    assert problems == [(2, "法定时限"), (3, "实施部门")]
    assert '<td class="num">2</td><td>法定时限</td>' in page
    assert "无名局" in page
    assert Item.objects.count() == 0
    assert not Catalogue.objects.filter(region=county).exists()


def test_a_text_file_renamed_xlsx_is_reported_as_a_file_problem(admin_client, catalogue):
    response = admin_client.post(
        IMPORT, {"file": upload("事项名称,基本编码\n".encode(), name="list.xlsx")}
    )
    assert response.status_code == 400
    assert "整个文件" in response.content.decode() and ".xlsx" in response.content.decode()


@override_settings(UPLOAD_MAX_BYTES=2048)
def test_a_file_over_the_upload_limit_is_refused_with_a_clear_message(
    admin_client, catalogue, department
):
    data = xlsx(good_rows())
    assert len(data) > 2048
    response = admin_client.post(IMPORT, {"file": upload(data)})
    assert response.status_code == 400
    message = response.context["form"].errors["file"][0]
    assert "超过上限" in message and "2.0\xa0KB" in message
    assert Item.objects.count() == 0


def test_a_date_to_publish_on_publishes_the_complete_drafts(admin_client, catalogue, department):
    response = admin_client.post(
        IMPORT, {"file": upload(xlsx(good_rows())), "publish_on": "2025-01-01"}
    )
    page = response.content.decode()
    assert response.context["report"].published == ["640221-QT-002"]
    assert "未能发布" in page and "未列明申请材料" in page


def test_the_administrator_downloads_the_list(admin_client, catalogue, department):
    admin_client.post(IMPORT, {"file": upload(xlsx(good_rows()))})
    response = admin_client.get(EXPORT, {"include_drafts": "1"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    assert len(list(ws.iter_rows(values_only=True))) == 1 + 3
    # without drafts nothing is in force yet: only the header row
    data = b"".join(admin_client.get(EXPORT).streaming_content)
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    assert len(list(ws.iter_rows(values_only=True))) == 1
