import datetime
import json
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from openpyxl import load_workbook

from oneseal.catalogue import actions
from oneseal.catalogue.models import Catalogue, HandlingItem, Material, TransferStatus
from oneseal.catalogue.queries import guidance_gaps, transfer_report
from oneseal.catalogue.report_sheets import guidance_gaps_xlsx, text_table, transfer_report_xlsx
from oneseal.organisation.models import Department, Role
from oneseal.regions.models import Region

D1 = datetime.date(2025, 1, 1)


@pytest.fixture
def housing(county):
    return Department.objects.create(
        region=county, name="平罗县住房和城乡建设局", short_name="住建局", order=3
    )


@pytest.fixture
def listed(complete_draft, admin_user, housing):
    """市场监管局: 2 transferred items (3 handling items), 1 stationed; 住建局: 1 retained;
    plus one unpublished draft."""

    def publish(code, name, *, extra_handling_items=0, **fields):
        v = complete_draft(code, name)
        for n in range(extra_handling_items):
            hi = actions.save_draft_part(
                HandlingItem(
                    item_version=v,
                    code=f"{code}-9{n}",
                    name=f"{name}（变更）",
                    statutory_limit_days=20,
                    promised_limit_days=5,
                    complaint_phone="12345",
                ),
                actor=admin_user,
            )
            actions.save_draft_part(Material(handling_item=hi, name="变更申请书"), actor=admin_user)
        if fields:
            actions.update_draft(v, actor=admin_user, **fields)
        return actions.publish(v, actor=admin_user, effective_from=D1)

    publish("XK-001", "食品经营许可", extra_handling_items=1)
    publish("XK-002", "药品零售许可")
    publish("QR-001", "食品小作坊登记", transfer_status=TransferStatus.STATIONED)
    publish(
        "XK-020",
        "城市建筑垃圾处置核准",
        original_department=housing,
        transfer_status=TransferStatus.RETAINED,
    )
    complete_draft("XK-003", "尚在起草的事项")


@pytest.fixture
def guidance(regions, make_staff, catalogue, admin_user):
    """The province's guidance list: XK-001 (listed here), XK-010 (declared no such power),
    XK-011 (a gap)."""
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


def run(name, *args) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_transfer_report_prints_a_chinese_table_with_a_totals_row(listed):
    text = run("transfer-report", "--region", "640221")
    lines = text.splitlines()
    assert lines[0].startswith("平罗县事项划转情况统计")
    assert "进驻 = 进驻大厅（不划转）" in lines[1]
    header = next(line for line in lines if line.startswith("原审批部门"))
    assert "事项·划转" in header and "办理项·不划转" in header
    market = next(line for line in lines if line.startswith("平罗县市场监督管理局")).split()
    assert market[1:] == ["2", "1", "0", "3", "3", "1", "0", "4"]
    total = lines[-1].split()
    assert total == ["合计", "2", "1", "1", "4", "3", "1", "1", "5"]
    assert "尚在起草的事项" not in text


def test_the_transfer_report_prints_json_with_the_counts(listed):
    data = json.loads(run("transfer-report", "--region", "640221", "--json"))
    assert data["region"] == {"code": "640221", "name": "平罗县"}
    assert data["include_drafts"] is False
    assert data["totals"]["items"] == {"transferred": 2, "stationed": 1, "retained": 1}
    assert data["totals"]["handling_item_total"] == 5
    assert [r["department"] for r in data["rows"]] == [
        "平罗县住房和城乡建设局",
        "平罗县市场监督管理局",
    ]


def test_the_transfer_report_can_count_drafts_and_look_at_a_past_date(listed):
    with_drafts = json.loads(
        run("transfer-report", "--region", "640221", "--json", "--include-drafts")
    )
    assert with_drafts["totals"]["item_total"] == 5
    before = json.loads(
        run("transfer-report", "--region", "640221", "--json", "--on", "2024-12-31")
    )
    assert (
        before["on"] == "2024-12-31"
        and before["totals"]["item_total"] == 0
        and before["rows"] == []
    )


def test_the_transfer_report_writes_an_xlsx_with_the_totals(listed, tmp_path):
    path = tmp_path / "划转.xlsx"
    out = run("transfer-report", "--region", "640221", "--xlsx", str(path))
    assert str(path) in out
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("平罗县事项划转情况统计表")
    assert rows[1][:3] == ("序号", "原审批部门", "事项（项）")
    assert rows[2][2:6] == ("划转", "进驻大厅（不划转）", "不划转不进驻", "小计")
    assert rows[-1] == (None, "合计", 2, 1, 1, 4, 3, 1, 1, 5)
    assert sheet.cell(row=2, column=1).font.bold


def test_json_and_xlsx_together_keep_stdout_parseable(listed, tmp_path):
    path = tmp_path / "r.xlsx"
    data = json.loads(run("transfer-report", "--region", "640221", "--json", "--xlsx", str(path)))
    assert data["totals"]["item_total"] == 4 and path.exists()


@pytest.mark.parametrize("command", ["transfer-report", "guidance-gaps"])
def test_an_unknown_region_is_a_clear_command_error(regions, command):
    with pytest.raises(CommandError, match="区划代码 999999 不存在"):
        run(command, "--region", "999999")


@pytest.mark.parametrize("command", ["transfer-report", "guidance-gaps"])
def test_an_unknown_region_exits_with_a_non_zero_code(regions, command, capsys, monkeypatch):
    # run_from_argv closes every connection when it ends, as a process does; the test's own
    # transaction (and the shared cache cleared after it) must outlive it.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    cmd = load_command_class("oneseal.catalogue", command)
    with pytest.raises(SystemExit) as exit_:
        cmd.run_from_argv(["oneseal", command, "--region", "999999"])
    assert exit_.value.code != 0
    assert "区划代码 999999 不存在" in capsys.readouterr().err


def test_a_malformed_date_is_a_command_error_naming_the_option(regions):
    with pytest.raises(CommandError, match="--on"):
        run("transfer-report", "--region", "640221", "--on", "2025/01/01")


def test_guidance_gaps_list_the_gaps_and_the_exempted_with_counts(listed, guidance):
    text = run("guidance-gaps", "--region", "640221")
    assert "指导目录事项 3 项，已列入 1 项，缺项 1 项，无此权力 1 项" in text
    gap_line = next(line for line in text.splitlines() if "XK-011" in line)
    assert "渔业捕捞许可" in gap_line and "行政许可" in gap_line
    exempt_line = next(line for line in text.splitlines() if "XK-010" in line)
    assert "本县无矿产资源审批权" in exempt_line


def test_guidance_gaps_print_json(listed, guidance):
    data = json.loads(run("guidance-gaps", "--region", "640221", "--json"))
    assert data["guidance_total"] == 3
    assert [g["basic_code"] for g in data["gaps"]] == ["XK-011"]
    assert [(e["basic_code"], e["reason"]) for e in data["exempted"]] == [
        ("XK-010", "本县无矿产资源审批权")
    ]


def test_guidance_gaps_without_a_guidance_catalogue_say_so(listed):
    assert "未找到本省的指导目录" in run("guidance-gaps", "--region", "640221")


def test_guidance_gaps_write_an_xlsx_with_a_summary_and_both_lists(listed, guidance, tmp_path):
    path = tmp_path / "gaps.xlsx"
    run("guidance-gaps", "--region", "640221", "--xlsx", str(path))
    book = load_workbook(path)
    assert book.sheetnames == ["汇总", "缺项清单", "无此权力"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["指导目录事项数"] == 3 and summary["本级目录已列入"] == 1
    assert summary["缺项"] == 1 and summary["无此权力（不计缺项）"] == 1
    gaps = list(book["缺项清单"].iter_rows(min_row=2, values_only=True))
    assert gaps[0] == ("序号", "基本编码", "事项名称", "事项类型", "原审批部门")
    assert gaps[1][:4] == (1, "XK-011", "渔业捕捞许可", "行政许可")
    assert gaps[-1][1:3] == ("合计", "共1项")
    exempted = list(book["无此权力"].iter_rows(min_row=3, values_only=True))
    assert exempted[0][1] == "XK-010" and exempted[0][5] == "本县无矿产资源审批权"


def test_the_transfer_sheet_totals_match_the_report(listed, county):
    report = transfer_report(county)
    sheet = load_workbook(BytesIO(transfer_report_xlsx(report))).active
    totals = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "合计")
    assert totals[5] == report.totals.item_total and totals[9] == report.totals.handling_item_total
    assert sheet.column_dimensions["B"].width >= 20


def test_an_empty_gap_report_still_makes_a_workbook(county):
    book = load_workbook(BytesIO(guidance_gaps_xlsx(guidance_gaps(county))))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["指导目录"] == "（未找到本省指导目录）" and summary["缺项"] == 0


def test_the_text_table_aligns_chinese_by_display_width():
    table = text_table(["部门", "数量"], [["市场监管局", 12], ["住建局", 3]], numeric_from=1)
    lines = table.splitlines()
    assert lines[2] == "市场监管局    12"
    assert lines[3] == "住建局         3"
