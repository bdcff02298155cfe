"""Export of a catalogue as a county list, and the round trip export → import."""

import datetime
import io
from pathlib import Path

import openpyxl
from django.core.management import call_command

from oneseal.audit.models import AuditEvent
from oneseal.catalogue import actions
from oneseal.catalogue.actions import import_catalogue
from oneseal.catalogue.exporting import export_catalogue
from oneseal.catalogue.importing.columns import HEADERS, ImportRejected
from oneseal.catalogue.importing.readers import read_rows
from oneseal.catalogue.models import Catalogue, HandlingItem, ItemVersion, Topic, TransferStatus
from oneseal.organisation.models import Department, Role
from oneseal.regions.models import Region

D1 = datetime.date(2025, 1, 1)
CSV_PATH = (
    Path(__file__).resolve().parents[1] / "data" / "guang_an_district_511602_service_items.csv"
)


def sheet_rows(data: bytes):
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def build_catalogue(catalogue, admin_user, department, bureau, complete_draft):
    """A published licence of a department, a bureau item with awkward text, and a draft."""
    topic = Topic.objects.create(name="市场准入")
    housing = Department.objects.create(
        region=catalogue.region, name="平罗县住房和城乡建设局", order=2
    )
    licence = complete_draft(topic=topic, transfer_status=TransferStatus.STATIONED)
    actions.publish(licence, actor=admin_user, effective_from=D1)
    own = actions.create_item(
        catalogue,
        actor=admin_user,
        basic_code="640221-QT-009",
        name="证明事项",
        item_type="public_service",
        legal_basis="=第一条\r\n第二条",
    )
    actions.save_draft_part(
        HandlingItem(
            item_version=own,
            code="640221-QT-009-01",
            name="开具证明",
            is_instant=True,
            fee_charged=True,
            fee_standard="每件10元",
            fee_basis="川价费〔2020〕1号",
            complaint_phone="12345",
            visits_required=0,
            online_depth=4,
        ),
        actor=admin_user,
    )
    actions.publish(own, actor=admin_user, effective_from=D1)
    draft = actions.create_item(
        catalogue,
        actor=admin_user,
        basic_code="640221-XK-100",
        name="建筑工程施工许可",
        original_department=housing,
    )
    actions.save_draft_part(
        HandlingItem(
            item_version=draft,
            code="640221-XK-100-01",
            name="施工许可（新办）",
            statutory_limit_days=15,
            promised_limit_days=5,
        ),
        actor=admin_user,
    )
    return draft


def test_an_export_lists_one_row_per_handling_item_in_the_import_layout(
    catalogue, admin_user, department, bureau, complete_draft
):
    build_catalogue(catalogue, admin_user, department, bureau, complete_draft)
    header, rows = sheet_rows(export_catalogue(catalogue, on=D1))
    assert tuple(header) == HEADERS
    # in force only: the draft is not listed; the bureau's own item comes first
    assert [r["基本编码"] for r in rows] == ["640221-QT-009", "640221-XK-001"]
    own, licence = rows
    assert (
        own["实施部门"] == bureau.name and own["事项类型"] == "公共服务" and own["即办件"] == "是"
    )
    assert own["设定和实施依据"] == "=第一条\n第二条", "text starting with = stays text"
    assert (
        own["是否收费"] == "是"
        and own["收费标准"] == "每件10元"
        and own["网上办理深度"] == "四级：全程网办"
    )
    assert licence["实施部门"] == department.name and licence["划转情况"] == "进驻大厅（不划转）"
    assert licence["主题"] == "市场准入" and licence["法定时限"] == 20 and licence["承诺时限"] == 5
    assert [r["序号"] for r in rows] == [1, 2]


def test_an_export_with_drafts_lists_the_newest_version_of_every_item(
    catalogue, admin_user, department, bureau, complete_draft
):
    build_catalogue(catalogue, admin_user, department, bureau, complete_draft)
    _header, rows = sheet_rows(export_catalogue(catalogue, include_drafts=True))
    # departments in their order: 住建局 (2) before 市场监管局 (6)
    assert [r["基本编码"] for r in rows] == ["640221-QT-009", "640221-XK-100", "640221-XK-001"]


def test_export_then_import_changes_nothing(
    catalogue, admin_user, department, bureau, complete_draft
):
    build_catalogue(catalogue, admin_user, department, bureau, complete_draft)
    data = export_catalogue(catalogue, include_drafts=True)
    before = (ItemVersion.objects.count(), HandlingItem.objects.count(), AuditEvent.objects.count())
    report = import_catalogue(catalogue, data, actor=admin_user, reason="核对", basis="导出文件")
    assert sorted(report.unchanged) == ["640221-QT-009", "640221-XK-001", "640221-XK-100"]
    assert not report.changed and not report.created and not report.items_not_in_file
    assert (
        ItemVersion.objects.count(),
        HandlingItem.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_an_export_makes_a_fixed_number_of_queries(
    catalogue, admin_user, department, bureau, complete_draft, django_assert_max_num_queries
):
    for n in range(12):
        complete_draft(basic_code=f"640221-XK-{n:03}", name=f"许可{n}")
    catalogue = Catalogue.objects.select_related("region", "bureau").get(pk=catalogue.pk)
    with django_assert_max_num_queries(3):
        data = export_catalogue(catalogue, include_drafts=True)
    assert len(sheet_rows(data)[1]) == 12


def test_the_real_csv_exported_imports_back_unchanged(regions, make_staff):
    region = Region.objects.get(code="511602")
    admin = make_staff("ga-admin", region, Role.CATALOGUE_ADMIN)
    catalogue = Catalogue.objects.create(region=region, name="广安区政务服务事项目录")
    import_catalogue(catalogue, read_rows(CSV_PATH), actor=admin)
    data = export_catalogue(catalogue, include_drafts=True)
    assert len(sheet_rows(data)[1]) == 1135
    before = ItemVersion.objects.count(), AuditEvent.objects.count()
    report = import_catalogue(catalogue, data, actor=admin)
    assert not report.changed and not report.created
    assert (ItemVersion.objects.count(), AuditEvent.objects.count()) == before


def test_the_export_command_writes_the_file(
    catalogue, admin_user, department, bureau, complete_draft, tmp_path
):
    build_catalogue(catalogue, admin_user, department, bureau, complete_draft)
    path = tmp_path / "目录.xlsx"
    call_command("catalogue-export", region="640221", output=str(path), include_drafts=True)
    assert len(sheet_rows(path.read_bytes())[1]) == 3


TODAY = datetime.date(2026, 12, 6)
LATER = datetime.date(2027, 1, 1)


def scheduled_catalogue(catalogue, admin_user, complete_draft):
    """Three items in force today: one whose cancellation is published for a later date, one
    whose limit cut is published for a later date, and one with a draft change on top."""
    versions = {}
    for code, name in [
        ("640221-XK-001", "食品经营许可"),
        ("640221-XK-002", "药品经营许可"),
        ("640221-XK-003", "酒类经营许可"),
    ]:
        v = complete_draft(basic_code=code, name=name)
        versions[code] = actions.publish(v, actor=admin_user, effective_from=D1)
    cancel = actions.start_adjustment(
        versions["640221-XK-001"].item,
        actor=admin_user,
        kind="cancel",
        reason="条例施行后不再单独办理",
        basis="《条例》第二十条",
    )
    actions.publish(cancel, actor=admin_user, effective_from=LATER)
    cut = actions.start_adjustment(
        versions["640221-XK-002"].item,
        actor=admin_user,
        kind="change",
        reason="压减时限",
        basis="《优化营商环境条例》第三十六条",
    )
    hi = cut.handling_items.get()
    hi.promised_limit_days = 3
    actions.save_draft_part(hi, actor=admin_user)
    actions.publish(cut, actor=admin_user, effective_from=LATER)
    draft = actions.start_adjustment(
        versions["640221-XK-003"].item, actor=admin_user, kind="change", reason="更名", basis="文件"
    )
    actions.update_draft(draft, actor=admin_user, name="酒类商品零售许可")
    return versions


def test_todays_list_imports_back_unchanged_with_a_scheduled_cancellation_change_and_a_draft(
    catalogue, admin_user, complete_draft
):
    scheduled_catalogue(catalogue, admin_user, complete_draft)
    data = export_catalogue(catalogue, on=TODAY)
    assert [r["基本编码"] for r in sheet_rows(data)[1]] == [
        "640221-XK-001",
        "640221-XK-002",
        "640221-XK-003",
    ]
    before = (
        ItemVersion.objects.count(),
        HandlingItem.objects.count(),
        AuditEvent.objects.count(),
        list(
            ItemVersion.objects.values_list(
                "pk", "name", "status", "effective_from", "effective_until"
            )
        ),
    )
    report = import_catalogue(catalogue, data, actor=admin_user, publish_on=TODAY)
    assert sorted(report.unchanged) == ["640221-XK-001", "640221-XK-002", "640221-XK-003"]
    assert not (report.changed or report.created or report.published or report.items_not_in_file)
    assert (
        ItemVersion.objects.count(),
        HandlingItem.objects.count(),
        AuditEvent.objects.count(),
        list(
            ItemVersion.objects.values_list(
                "pk", "name", "status", "effective_from", "effective_until"
            )
        ),
    ) == before
    # The newest versions (drafts and scheduled ones included) import back unchanged too.
    newest = export_catalogue(catalogue, include_drafts=True)
    assert sorted(import_catalogue(catalogue, newest, actor=admin_user).unchanged) == [
        "640221-XK-002",
        "640221-XK-003",
    ]
    assert ItemVersion.objects.count() == before[0]


def test_a_row_that_differs_from_todays_version_and_the_scheduled_one_is_refused_naming_the_date(
    catalogue, admin_user, complete_draft
):
    scheduled_catalogue(catalogue, admin_user, complete_draft)
    header, rows = sheet_rows(export_catalogue(catalogue, on=TODAY))
    rows[1]["承诺时限"] = 4  # neither today's 5 nor the scheduled 3
    rows[0]["承诺时限"] = 4  # the cancelled one: still a revival, refused as before
    before = ItemVersion.objects.count(), AuditEvent.objects.count()
    try:
        import_catalogue(
            catalogue,
            read_rows_from(header, rows),
            actor=admin_user,
            reason="r",
            basis="b",
            publish_on=TODAY,
        )
    except ImportRejected as rejected:
        messages = [p.message for p in rejected.problems]
    else:
        raise AssertionError("the import must be refused")
    assert any("已有定于2027年1月1日生效的调整" in m and "640221-XK-002" in m for m in messages)
    assert any("已取消" in m and "640221-XK-001" in m for m in messages)
    assert (ItemVersion.objects.count(), AuditEvent.objects.count()) == before


def read_rows_from(header, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([row[h] for h in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
