import datetime
import re
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from oneseal.catalogue import actions
from oneseal.catalogue.models import Catalogue, HandlingItem, Material, TransferStatus
from oneseal.organisation.models import Role
from oneseal.regions.models import Region

D1 = datetime.date(2025, 1, 1)


@pytest.fixture
def publish(complete_draft, admin_user):
    def make(code, name, **fields):
        v = complete_draft(code, name)
        if fields:
            actions.update_draft(v, actor=admin_user, **fields)
        return actions.publish(v, actor=admin_user, effective_from=D1)

    return make


@pytest.fixture
def listed(publish, complete_draft):
    publish("XK-001", "食品经营许可")
    publish("XK-002", "药品零售许可")
    publish("QR-001", "食品小作坊登记", transfer_status=TransferStatus.STATIONED)
    complete_draft("XK-003", "尚在起草的事项")


@pytest.fixture
def guidance(regions, make_staff, catalogue, admin_user):
    province = Region.objects.get(code="640000")
    guide = Catalogue.objects.create(
        region=province, kind=Catalogue.Kind.GUIDANCE, name="宁夏回族自治区政务服务事项指导目录"
    )
    admin = make_staff("province-admin", province, Role.CATALOGUE_ADMIN)
    for code, name in [
        ("XK-001", "食品经营许可"),
        ("XK-010", "采矿许可"),
        ("XK-011", "渔业捕捞许可"),
    ]:
        v = actions.create_item(guide, actor=admin, basic_code=code, name=name, legal_basis="某法")
        hi = actions.save_draft_part(
            HandlingItem(
                item_version=v,
                code=code + "-01",
                name=name,
                statutory_limit_days=20,
                promised_limit_days=10,
                complaint_phone="12345",
            ),
            actor=admin,
        )
        actions.save_draft_part(Material(handling_item=hi, name="申请书"), actor=admin)
        actions.publish(v, actor=admin, effective_from=D1)
    actions.declare_no_such_power(
        catalogue, actor=admin_user, basic_code="XK-010", reason="本县无矿产资源审批权"
    )
    return guide


def cells(html: str, row_label: str) -> list[str]:
    row = re.search(
        rf"<tr><th scope=\"row\">{re.escape(row_label)}</th>(.*?)</tr>", html, re.S
    ).group(1)
    return re.findall(r'<td class="num">(?:<strong>)?(\d+)', row)


def test_the_transfer_page_is_public_and_shows_the_counts_and_totals(client, listed):
    url = reverse("portal:transfer-report", args=["640221"])
    assert url == "/reports/transfer/640221/"
    r = client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "平罗县事项划转情况统计" in html and '<div class="table-wrap">' in html
    assert cells(html, "平罗县市场监督管理局") == ["2", "1", "0", "3", "2", "1", "0", "3"]
    assert cells(html, "合计") == ["2", "1", "0", "3", "2", "1", "0", "3"]
    assert "?format=xlsx" in html


def test_the_transfer_page_can_look_at_a_past_date(client, listed):
    r = client.get("/reports/transfer/640221/", {"on": "2024-12-31"})
    assert r.status_code == 200 and "该日期没有有效的已发布事项" in r.content.decode()


def test_a_malformed_date_on_a_report_page_is_a_400_saying_so(client, listed):
    r = client.get("/reports/transfer/640221/", {"on": "2024-13-45"})
    assert r.status_code == 400 and "统计日期格式应为 YYYY-MM-DD" in r.content.decode()


def test_the_transfer_page_downloads_as_xlsx_with_a_chinese_filename(client, listed):
    r = client.get("/reports/transfer/640221/", {"format": "xlsx"})
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = r["Content-Disposition"]
    assert disposition.startswith('attachment; filename="transfer-report-640221-')
    encoded = re.search(r"filename\*=UTF-8''(\S+)", disposition, re.IGNORECASE).group(1)
    assert unquote(encoded).startswith("平罗县事项划转情况统计表") and unquote(encoded).endswith(
        ".xlsx"
    )
    disposition.encode("ascii")  # the header itself stays ASCII
    sheet = load_workbook(BytesIO(r.getvalue())).active
    totals = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "合计")
    assert totals[2:] == (2, 1, 0, 3, 2, 1, 0, 3)


def test_the_guidance_gaps_page_lists_gaps_and_exemptions(client, listed, guidance):
    r = client.get(reverse("portal:guidance-gaps", args=["640221"]))
    assert r.status_code == 200
    html = r.content.decode()
    assert "宁夏回族自治区政务服务事项指导目录" in html
    assert "XK-011" in html and "渔业捕捞许可" in html
    assert "XK-010" in html and "本县无矿产资源审批权" in html
    assert re.search(r"缺项</th><td class=\"num\">1</td>", html)
    assert re.search(r"指导目录事项数</th><td class=\"num\">3</td>", html)


def test_the_guidance_gaps_page_downloads_as_xlsx(client, listed, guidance):
    r = client.get("/reports/guidance-gaps/640221/", {"format": "xlsx"})
    assert r.status_code == 200
    assert "filename*=utf-8''" in r["Content-Disposition"].lower()
    book = load_workbook(BytesIO(r.getvalue()))
    assert [row[1] for row in book["缺项清单"].iter_rows(min_row=3, values_only=True)] == [
        "XK-011",
        "合计",
    ]


def test_the_guidance_gaps_page_without_a_guidance_catalogue_says_so(client, listed):
    r = client.get("/reports/guidance-gaps/640221/")
    assert r.status_code == 200 and "未找到本省的指导目录" in r.content.decode()


@pytest.mark.parametrize("name", ["portal:transfer-report", "portal:guidance-gaps"])
def test_an_unknown_region_is_a_404(client, regions, name):
    assert client.get(reverse(name, args=["999999"])).status_code == 404
    assert client.get(reverse(name, args=["999999"]) + "?format=xlsx").status_code == 404


def test_the_transfer_page_makes_as_many_queries_for_twenty_items_as_for_three(
    client, listed, publish
):
    with CaptureQueriesContext(connection) as few:
        client.get("/reports/transfer/640221/")
    for n in range(20):
        publish(f"N-{n}", f"新增许可{n}")
    with CaptureQueriesContext(connection) as many:
        r = client.get("/reports/transfer/640221/")
    assert cells(r.content.decode(), "合计")[3] == "23"
    assert len(many.captured_queries) == len(few.captured_queries)
