"""Import of county lists (xlsx) and of the real Guang'an csv: every file is built here with
openpyxl or read from data/, and every outcome is read back from the database."""

import csv
import datetime
import io
import json
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from oneseal.audit.models import AuditEvent
from oneseal.catalogue import actions
from oneseal.catalogue.actions import import_catalogue
from oneseal.catalogue.importing.columns import HEADERS, ImportRejected, Problem
from oneseal.catalogue.importing.national_csv import (
    grouped_basic_code,
    read_service_items_csv,
    ungrouped_basic_code,
    variant_from_name,
)
from oneseal.catalogue.importing.readers import read_rows
from oneseal.catalogue.models import (
    Catalogue,
    ChangeKind,
    HandlingItem,
    Item,
    ItemType,
    ItemVersion,
    Material,
    ReviewStep,
    Topic,
    TransferStatus,
    Variant,
)
from oneseal.errors import NotPermitted
from oneseal.organisation.models import Department, Role
from oneseal.regions.models import Region

CSV_PATH = (
    Path(__file__).resolve().parents[1] / "data" / "guang_an_district_511602_service_items.csv"
)
D1 = datetime.date(2025, 1, 1)
D2 = datetime.date(2025, 7, 1)


def row(**overrides):
    """One handling-item row of a county list, complete enough to publish for a public service."""
    base = {
        "序号": 1,
        "实施部门": "平罗县市场监督管理局",
        "事项名称": "食品经营许可",
        "基本编码": "640221-XK-001",
        "事项类型": "行政许可",
        "实施编码": "11640221MB0001-XK-001",
        "设定和实施依据": "《中华人民共和国食品安全法》第三十五条",
        "行使层级": "县级",
        "划转情况": "划转",
        "主题": "",
        "办理项名称": "食品经营许可（新办）",
        "办理项编码": "640221-XK-001-01",
        "业务类型": "新办",
        "服务对象": "法人或其他组织",
        "法定时限": 20,
        "承诺时限": 5,
        "即办件": "否",
        "是否收费": "否",
        "收费标准": "",
        "收费依据": "",
        "到现场次数": 1,
        "网上办理深度": "三级：网上预审",
        "咨询电话": "0952-1111111",
        "监督投诉电话": "0952-12345",
        "俗称与同义词": "开饭店 开餐馆",
    }
    base.update(overrides)
    if "实施编码" not in overrides:
        base["实施编码"] = "11640221MB0001-" + str(
            base["基本编码"]
        )  # one implementing code per item
    return base


def xlsx(rows, headers=HEADERS, title_rows=(), extra_header=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for title in title_rows:
        ws.append([title])
    head = list(headers) + ([extra_header] if extra_header else [])
    ws.append(head)
    for r in rows:
        ws.append([r.get(h.strip()) if h else None for h in head])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_rows():
    return [
        row(),
        row(
            **{
                "办理项名称": "食品经营许可（变更）",
                "办理项编码": "640221-XK-001-02",
                "业务类型": "变更",
                "承诺时限": 3,
            }
        ),
        row(
            **{
                "事项名称": "个体工商户登记",
                "基本编码": "640221-QT-002",
                "事项类型": "公共服务",
                "设定和实施依据": "《促进个体工商户发展条例》",
                "办理项名称": "个体工商户设立登记",
                "办理项编码": "640221-QT-002-01",
                "法定时限": None,
                "承诺时限": "1个工作日",
                "即办件": "是",
                "划转情况": "进驻大厅（不划转）",
                "到现场次数": 0,
                "网上办理深度": "四级：全程网办",
            }
        ),
    ]


def counts():
    return (
        Item.objects.count(),
        ItemVersion.objects.count(),
        HandlingItem.objects.count(),
        Material.objects.count(),
        AuditEvent.objects.count(),
        Department.objects.count(),
    )


# --- a good file -------------------------------------------------------------------------------


def test_a_good_file_creates_every_item_and_reports_it(catalogue, admin_user, department):
    report = import_catalogue(
        catalogue, xlsx(good_rows()), actor=admin_user, reason="", basis="", publish_on=None
    )
    assert report.created == ["640221-XK-001", "640221-QT-002"]
    assert report.counts["created"] == 2 and report.counts["rows"] == 3 and not report.changed
    v = ItemVersion.objects.get(item__basic_code="640221-XK-001")
    assert (
        v.is_draft
        and v.number == 1
        and v.change_kind == ChangeKind.ADD
        and v.created_by == admin_user
    )
    assert v.original_department == department and v.item_type == ItemType.LICENSING
    assert v.transfer_status == TransferStatus.TRANSFERRED
    his = list(v.handling_items.order_by("order"))
    assert [(h.code, h.variant, h.statutory_limit_days, h.promised_limit_days) for h in his] == [
        ("640221-XK-001-01", Variant.NEW, 20, 5),
        ("640221-XK-001-02", Variant.CHANGE, 20, 3),
    ]
    assert his[0].keywords == "开饭店 开餐馆" and his[0].complaint_phone == "0952-12345"
    service = HandlingItem.objects.get(code="640221-QT-002-01")
    assert (
        service.is_instant
        and service.statutory_limit_days is None
        and service.promised_limit_days == 1
    )
    assert service.visits_required == 0 and service.online_depth == 4
    assert service.item_version.transfer_status == TransferStatus.STATIONED
    events = AuditEvent.objects.filter(action="catalogue.import")
    assert events.count() == 1 and events.get().data["counts"]["created"] == 2


def test_reimporting_the_same_file_writes_nothing(catalogue, admin_user, department):
    data = xlsx(good_rows())
    import_catalogue(catalogue, data, actor=admin_user)
    before = counts()
    report = import_catalogue(catalogue, data, actor=admin_user, reason="再导入", basis="同一文件")
    assert counts() == before
    assert sorted(report.unchanged) == ["640221-QT-002", "640221-XK-001"]
    assert not report.created and not report.changed and not report.wrote_anything


def test_changing_one_limit_of_a_published_item_makes_exactly_one_new_version(
    catalogue, admin_user, department, complete_draft
):
    published = actions.publish(complete_draft(), actor=admin_user, effective_from=D1)
    hi = published.handling_items.get()
    step = ReviewStep.objects.create(handling_item=hi, name="审查", order=1)
    file_row = row(
        **{
            "办理项名称": hi.name,
            "办理项编码": hi.code,
            "实施编码": "",
            "服务对象": "自然人、法人或其他组织",
            "咨询电话": "",
            "俗称与同义词": "",
            "网上办理深度": "三级：网上预审",
        }
    )
    same = import_catalogue(catalogue, xlsx([file_row]), actor=admin_user)
    assert same.unchanged == ["640221-XK-001"], "the file matches the published version"
    versions_before = ItemVersion.objects.count()
    report = import_catalogue(
        catalogue,
        xlsx([dict(file_row, 承诺时限=3)]),
        actor=admin_user,
        reason="压缩承诺时限",
        basis="县政府办〔2025〕1号",
    )
    assert report.changed == ["640221-XK-001"]
    assert ItemVersion.objects.count() == versions_before + 1
    draft = ItemVersion.objects.get(item__basic_code="640221-XK-001", number=2)
    assert (
        draft.is_draft
        and draft.change_kind == ChangeKind.IMPORT
        and draft.change_reason == "压缩承诺时限"
    )
    new_hi = draft.handling_items.get()
    assert new_hi.promised_limit_days == 3 and new_hi.statutory_limit_days == 20
    # the guide's parts the list does not carry came along untouched
    assert list(new_hi.materials.values_list("name", flat=True)) == ["食品经营许可申请书"]
    assert list(new_hi.review_steps.values_list("name", flat=True)) == [step.name]
    hi.refresh_from_db()
    assert hi.promised_limit_days == 5, "the published version is never rewritten"


def test_a_change_to_an_item_that_is_still_a_draft_edits_the_draft_in_place(
    catalogue, admin_user, department, complete_draft
):
    draft = complete_draft()
    hi = draft.handling_items.get()
    file_row = row(
        **{
            "办理项名称": hi.name,
            "办理项编码": hi.code,
            "事项名称": "食品经营许可（含网络经营）",
            "承诺时限": 4,
        }
    )
    report = import_catalogue(catalogue, xlsx([file_row]), actor=admin_user)
    assert report.changed == ["640221-XK-001"]
    assert ItemVersion.objects.filter(item=draft.item).count() == 1
    draft.refresh_from_db()
    assert (
        draft.name == "食品经营许可（含网络经营）"
        and draft.handling_items.get().promised_limit_days == 4
    )
    assert draft.handling_items.get().materials.count() == 1


def test_adjusting_a_published_item_needs_a_reason_and_a_basis(
    catalogue, admin_user, department, complete_draft
):
    published = actions.publish(complete_draft(), actor=admin_user, effective_from=D1)
    hi = published.handling_items.get()
    before = counts()
    with pytest.raises(ImportRejected) as error:
        import_catalogue(
            catalogue, xlsx([row(**{"办理项编码": hi.code, "承诺时限": 2})]), actor=admin_user
        )
    assert [(p.row, p.column) for p in error.value.problems] == [(0, "")]
    assert "调整原因和调整依据" in error.value.problems[0].message
    assert counts() == before


def test_handling_items_and_items_missing_from_the_file_are_kept_and_reported(
    catalogue, admin_user, department
):
    import_catalogue(catalogue, xlsx(good_rows()), actor=admin_user)
    report = import_catalogue(catalogue, xlsx(good_rows()[:1]), actor=admin_user)
    assert report.items_not_in_file == ["640221-QT-002"]
    assert report.handling_items_not_in_file == {"640221-XK-001": ["640221-XK-001-02"]}
    assert HandlingItem.objects.count() == 3


def test_a_new_handling_item_is_added_to_an_existing_item(catalogue, admin_user, department):
    import_catalogue(catalogue, xlsx(good_rows()), actor=admin_user)
    extra = row(
        **{
            "办理项名称": "食品经营许可（注销）",
            "办理项编码": "640221-XK-001-03",
            "业务类型": "注销",
        }
    )
    report = import_catalogue(catalogue, xlsx([*good_rows(), extra]), actor=admin_user)
    assert report.changed == ["640221-XK-001"]
    version = ItemVersion.objects.get(item__basic_code="640221-XK-001")
    assert list(version.handling_items.values_list("code", "order")) == [
        ("640221-XK-001-01", 1),
        ("640221-XK-001-02", 2),
        ("640221-XK-001-03", 3),
    ]


def test_a_column_absent_from_the_file_leaves_its_field_untouched(
    catalogue, admin_user, department
):
    import_catalogue(catalogue, xlsx(good_rows()), actor=admin_user)
    narrow = [h for h in HEADERS if h not in ("承诺时限", "俗称与同义词")]
    rows = [dict(r, 承诺时限=99) for r in good_rows()]
    report = import_catalogue(catalogue, xlsx(rows, headers=narrow), actor=admin_user)
    assert not report.changed
    assert HandlingItem.objects.get(code="640221-XK-001-01").promised_limit_days == 5


def test_headers_match_by_name_in_any_order_with_spaces_and_a_title_row_above(
    catalogue, admin_user, department
):
    headers = [f"  {h} " for h in reversed(HEADERS)]
    data = xlsx(
        good_rows(),
        headers=headers,
        title_rows=["平罗县审批服务事项目录（2025年版）"],
        extra_header="备注",
    )
    report = import_catalogue(catalogue, data, actor=admin_user)
    assert report.counts["created"] == 2
    assert HandlingItem.objects.get(code="640221-XK-001-01").promised_limit_days == 5


def test_an_empty_cell_in_a_column_that_cannot_be_empty_leaves_the_field_as_it_is(
    catalogue, admin_user, department
):
    import_catalogue(catalogue, xlsx(good_rows()), actor=admin_user)
    blanks = {
        "事项类型": None,
        "划转情况": None,
        "业务类型": None,
        "到现场次数": None,
        "网上办理深度": None,
    }
    report = import_catalogue(
        catalogue, xlsx([dict(r, **blanks) for r in good_rows()]), actor=admin_user
    )
    assert not report.changed
    service = HandlingItem.objects.get(code="640221-QT-002-01")
    assert (
        service.item_version.item_type == ItemType.PUBLIC_SERVICE and service.visits_required == 0
    )
    # … while an empty text or limit clears it
    report = import_catalogue(
        catalogue,
        xlsx([dict(r, 承诺时限=None, 俗称与同义词="") for r in good_rows()]),
        actor=admin_user,
    )
    assert sorted(report.changed) == ["640221-QT-002", "640221-XK-001"]
    assert set(HandlingItem.objects.values_list("promised_limit_days", "keywords")) == {(None, "")}


def test_labels_are_read_with_either_kind_of_bracket_and_common_spellings(
    catalogue, admin_user, department
):
    import_catalogue(
        catalogue,
        xlsx(
            [
                row(
                    **{
                        "划转情况": "进驻大厅(不划转)",
                        "网上办理深度": "4",
                        "行使层级": "区级",
                        "业务类型": "补证/换证",
                        "到现场次数": "0次",
                        "即办件": "是",
                    }
                )
            ]
        ),
        actor=admin_user,
    )
    hi = HandlingItem.objects.select_related("item_version").get()
    assert (
        hi.item_version.transfer_status == TransferStatus.STATIONED
        and hi.item_version.exercise_level == "county"
    )
    assert (hi.online_depth, hi.variant, hi.visits_required, hi.is_instant) == (
        4,
        Variant.REISSUE,
        0,
        True,
    )


def test_numbered_empty_rows_and_notes_in_the_serial_column_are_skipped(
    catalogue, admin_user, department
):
    rows = [*good_rows(), {"序号": 4}, {"序号": 5}, {"序号": "注：本清单共3个办理项"}]
    report = import_catalogue(catalogue, xlsx(rows), actor=admin_user)
    assert report.counts["rows"] == 3 and report.counts["created"] == 2


def test_an_item_value_given_on_any_row_of_the_item_applies_to_the_item(
    catalogue, admin_user, department
):
    first, second = good_rows()[:2]
    import_catalogue(
        catalogue,
        xlsx([dict(first, 事项类型=None), dict(second, 事项类型="行政确认")]),
        actor=admin_user,
    )
    assert ItemVersion.objects.get().item_type == ItemType.CONFIRMATION


@pytest.mark.parametrize(
    "cell, days",
    [
        (20, 20),
        ("20", 20),
        ("20个工作日", 20),
        ("20 工作日", 20),
        (20.0, 20),
        ("０", 0),
        (None, None),
    ],
)
def test_a_limit_is_a_whole_number_of_working_days(catalogue, admin_user, department, cell, days):
    import_catalogue(catalogue, xlsx([row(法定时限=cell, 承诺时限=0)]), actor=admin_user)
    assert HandlingItem.objects.get().statutory_limit_days == days


def test_the_bureaus_own_name_means_no_original_department(catalogue, admin_user, bureau):
    import_catalogue(catalogue, xlsx([row(实施部门=bureau.name)]), actor=admin_user)
    assert ItemVersion.objects.get().original_department is None


def test_a_department_may_be_named_by_its_short_name(catalogue, admin_user, department):
    import_catalogue(catalogue, xlsx([row(实施部门="市场监管局")]), actor=admin_user)
    assert ItemVersion.objects.get().original_department == department


def test_a_topic_is_matched_by_name(catalogue, admin_user, department):
    topic = Topic.objects.create(name="市场准入")
    import_catalogue(catalogue, xlsx([row(主题="市场准入")]), actor=admin_user)
    assert ItemVersion.objects.get().topic == topic


def test_an_import_reads_the_catalogue_with_a_fixed_number_of_queries(
    catalogue, admin_user, department, django_assert_max_num_queries
):
    def rows(n):
        return [
            row(**{"基本编码": f"B{i:03}", "办理项编码": f"B{i:03}-01", "事项名称": f"事项{i}"})
            for i in range(n)
        ]

    catalogue = Catalogue.objects.select_related("region", "bureau").get(pk=catalogue.pk)
    small, large = xlsx(rows(5)), xlsx(rows(60))
    # 16: the import's one audit row is three statements (lock the chain head, insert, move the head).
    with django_assert_max_num_queries(16):
        import_catalogue(catalogue, large, actor=admin_user)
    with django_assert_max_num_queries(8):
        report = import_catalogue(catalogue, large, actor=admin_user)
    assert len(report.unchanged) == 60
    with django_assert_max_num_queries(8):
        import_catalogue(catalogue, small, actor=admin_user)


# --- publishing on import ----------------------------------------------------------------------


def test_publish_on_publishes_the_complete_drafts_and_reports_the_others(
    catalogue, admin_user, department
):
    report = import_catalogue(catalogue, xlsx(good_rows()), actor=admin_user, publish_on=D1)
    # a public service needs no materials; a licence does, and a list carries none
    assert report.published == ["640221-QT-002"]
    assert list(report.blocked) == ["640221-XK-001"]
    assert any("未列明申请材料" in m for m in report.blocked["640221-XK-001"])
    service = ItemVersion.objects.get(item__basic_code="640221-QT-002")
    assert service.status == ItemVersion.Status.PUBLISHED and service.effective_from == D1
    assert service.published_by == admin_user
    assert ItemVersion.objects.get(item__basic_code="640221-XK-001").is_draft
    assert list(ItemVersion.objects.in_force(D1)) == [service]


def test_publish_on_publishes_a_changed_adjustment_that_is_complete(
    catalogue, admin_user, department, complete_draft
):
    published = actions.publish(complete_draft(), actor=admin_user, effective_from=D1)
    hi = published.handling_items.get()
    file_row = row(**{"办理项名称": hi.name, "办理项编码": hi.code, "承诺时限": 3})
    report = import_catalogue(
        catalogue,
        xlsx([file_row]),
        actor=admin_user,
        reason="压缩时限",
        basis="文件",
        publish_on=D2,
    )
    assert report.published == ["640221-XK-001"] and not report.blocked
    published.refresh_from_db()
    assert published.effective_until == D2
    assert [v.number for v in ItemVersion.objects.in_force(D2)] == [2]


# --- broken files: every problem, nothing written ------------------------------------------------


def test_a_broken_file_reports_every_problem_and_writes_nothing(catalogue, admin_user, department):
    rows = [
        row(),  # 2: fine
        row(**{"事项名称": "", "办理项编码": "B-01", "法定时限": "二十"}),  # 3
        row(**{"办理项编码": "640221-XK-001-01", "承诺时限": -1}),  # 4: duplicate code
        row(
            **{"事项名称": "另一个名字", "办理项编码": "A-03", "承诺时限": 3.5}
        ),  # 5: conflicting name
        row(
            **{
                "基本编码": "X-2",
                "实施部门": "不存在的局",
                "办理项编码": "X-2-01",
                "事项类型": "行政许可证",
            }
        ),  # 6
        row(
            **{"基本编码": "X-3", "划转情况": "已划转", "办理项编码": "X-3-01", "即办件": "可能"}
        ),  # 7
        row(**{"基本编码": "", "办理项名称": "", "办理项编码": "", "实施部门": ""}),  # 8
        row(
            **{
                "基本编码": "X-4",
                "办理项编码": "X-4-01",
                "到现场次数": 3,
                "承诺时限": "3.5个工作日",
            }
        ),  # 9
    ]
    before = counts()
    with pytest.raises(ImportRejected) as error:
        import_catalogue(catalogue, xlsx(rows), actor=admin_user, publish_on=D1)
    got = {(p.row, p.column): p.message for p in error.value.problems}
    expected = {
        (3, "事项名称"): "“事项名称”未填写",
        (3, "法定时限"): "整数",
        (4, "办理项编码"): "与第 2 行重复",
        (4, "承诺时限"): "整数",
        (5, "事项名称"): "与第 2 行不同",
        (5, "承诺时限"): "整数",
        (6, "实施部门"): "不存在的局",
        (6, "事项类型"): "不是有效的事项类型",
        (7, "划转情况"): "不是有效的划转情况",
        (7, "即办件"): "“是”或“否”",
        (8, "基本编码"): "未填写",
        (8, "办理项名称"): "未填写",
        (8, "办理项编码"): "未填写",
        (8, "实施部门"): "未填写",
        (9, "到现场次数"): "0、1 或 2",
        (9, "承诺时限"): "整数",
    }
    for where, text in expected.items():
        assert where in got, f"missing problem at {where}"
        assert text in got[where], (where, got[where])
    assert set(got) == set(expected)
    assert counts() == before
    assert "未导入任何数据" in str(error.value.message)


def test_missing_required_headers_are_reported_by_name(catalogue, admin_user, department):
    headers = [h for h in HEADERS if h not in ("基本编码", "办理项编码")]
    with pytest.raises(ImportRejected) as error:
        import_catalogue(catalogue, xlsx(good_rows(), headers=headers), actor=admin_user)
    assert [(p.row, p.column) for p in error.value.problems] == [(1, "基本编码"), (1, "办理项编码")]
    assert all("缺少必填列" in p.message for p in error.value.problems)
    assert Item.objects.count() == 0


def test_a_text_file_renamed_xlsx_is_a_file_level_problem(catalogue, admin_user, tmp_path):
    path = tmp_path / "目录.xlsx"
    path.write_text("这不是表格\n事项名称,基本编码\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as error:
        import_catalogue(catalogue, read_rows(path), actor=admin_user)
    [problem] = error.value.problems
    assert problem.row == 0 and ".xlsx" in problem.message
    assert Item.objects.count() == 0


def test_a_zip_that_is_not_a_workbook_is_a_file_level_problem(catalogue, admin_user):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(ImportRejected) as error:
        import_catalogue(catalogue, buffer.getvalue(), actor=admin_user)
    assert [p.row for p in error.value.problems] == [0]


def test_an_empty_sheet_and_a_sheet_with_only_headers_are_refused(catalogue, admin_user):
    wb = openpyxl.Workbook()
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ImportRejected) as error:
        import_catalogue(catalogue, out.getvalue(), actor=admin_user)
    assert error.value.problems == [Problem(0, "", "文件中没有数据")]
    with pytest.raises(ImportRejected) as error:
        import_catalogue(catalogue, xlsx([]), actor=admin_user)
    assert "没有事项数据" in error.value.problems[0].message


def test_a_cancelled_item_cannot_be_revived_by_an_import(
    catalogue, admin_user, department, complete_draft
):
    published = actions.publish(complete_draft(), actor=admin_user, effective_from=D1)
    cancel = actions.start_adjustment(
        published.item,
        actor=admin_user,
        kind=ChangeKind.CANCEL,
        reason="法律修改",
        basis="国发〔2025〕1号",
    )
    actions.publish(cancel, actor=admin_user, effective_from=D2)
    with pytest.raises(ImportRejected) as error:
        import_catalogue(catalogue, xlsx([row()]), actor=admin_user, reason="r", basis="b")
    [problem] = error.value.problems
    assert (problem.row, problem.column) == (2, "基本编码") and "已取消" in problem.message


def test_only_a_catalogue_administrator_of_the_region_may_import(
    catalogue, make_staff, county, other_county, department
):
    clerk = make_staff("clerk", county, Role.CLERK)
    stranger = make_staff("other-admin", other_county, Role.CATALOGUE_ADMIN)
    for user in (clerk, stranger):
        with pytest.raises(NotPermitted):
            import_catalogue(catalogue, xlsx(good_rows()), actor=user)
    assert Item.objects.count() == 0


# --- the real Guang'an csv ----------------------------------------------------------------------


@pytest.fixture
def guang_an(regions):
    return Region.objects.get(code="511602")


@pytest.fixture
def guang_an_admin(make_staff, guang_an):
    return make_staff("ga-admin", guang_an, Role.CATALOGUE_ADMIN)


@pytest.fixture
def guang_an_catalogue(guang_an):
    return Catalogue.objects.create(region=guang_an, name="广安区政务服务事项目录")


def csv_rows():
    with CSV_PATH.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_real_csv_imports_all_1135_handling_items(guang_an_catalogue, guang_an_admin):
    rows = csv_rows()
    report = import_catalogue(guang_an_catalogue, read_rows(CSV_PATH), actor=guang_an_admin)
    assert report.counts["rows"] == len(rows) == 1135
    assert (
        HandlingItem.objects.filter(item_version__item__catalogue=guang_an_catalogue).count()
        == 1135
    )
    grouped = {r["main_item"] for r in rows if r["main_item"] != "未分类"}
    ungrouped = sum(1 for r in rows if r["main_item"] == "未分类")
    assert Item.objects.filter(catalogue=guang_an_catalogue).count() == len(grouped) + ungrouped
    # departments named by the csv were created; the bureau is not one of them
    names = set(
        Department.objects.filter(region=guang_an_catalogue.region).values_list("name", flat=True)
    )
    assert "区人社局" in names and "区行政审批局" not in names and len(names) == 33
    # handling items per department, against the csv (the mixed items count under the department)
    per_dept = Counter(r["department"] for r in rows)
    stored = Counter(
        HandlingItem.objects.filter(item_version__item__catalogue=guang_an_catalogue).values_list(
            "item_version__original_department__name", flat=True
        )
    )
    for dept in ("区交通运输局", "广安区税务局", "区住建局", "区公安分局"):
        assert stored[dept] == per_dept[dept]
    assert stored["区卫健局"] == per_dept["区卫健局"] + 8  # 母婴保健 rows of the bureau
    assert stored[None] == per_dept["区行政审批局"] - 8 - 4  # … and of 劳务派遣
    statuses = Counter(
        ItemVersion.objects.filter(item__catalogue=guang_an_catalogue).values_list(
            "transfer_status", flat=True
        )
    )
    assert statuses[TransferStatus.STATIONED] == 0 and statuses[TransferStatus.TRANSFERRED] > 0
    licence = HandlingItem.objects.get(
        code="511A0138600000-511602000000-000-115113010833722043-1-00"
    )
    assert (
        licence.name == "教师资格认定" and licence.item_version.item.basic_code == "511A0138600000"
    )
    assert licence.item_version.item_type == ItemType.LICENSING
    assert licence.item_version.transfer_status == TransferStatus.RETAINED
    assert ItemVersion.objects.filter(
        item__catalogue=guang_an_catalogue, item_type=ItemType.RULING
    ).exists()


def test_reimporting_the_real_csv_changes_nothing(guang_an_catalogue, guang_an_admin):
    import_catalogue(guang_an_catalogue, read_rows(CSV_PATH), actor=guang_an_admin)
    before = counts()
    report = import_catalogue(guang_an_catalogue, read_rows(CSV_PATH), actor=guang_an_admin)
    assert counts() == before
    assert (
        not report.created and not report.changed and len(report.unchanged) == Item.objects.count()
    )


def test_the_csv_can_say_departments_are_stationed(guang_an_catalogue, guang_an_admin):
    sheet = read_service_items_csv(CSV_PATH, stationed={"区人社局"})
    import_catalogue(guang_an_catalogue, sheet, actor=guang_an_admin)
    statuses = set(
        ItemVersion.objects.filter(original_department__name="区人社局").values_list(
            "transfer_status", flat=True
        )
    )
    assert statuses <= {TransferStatus.STATIONED, TransferStatus.TRANSFERRED}
    assert TransferStatus.STATIONED in statuses
    assert ItemVersion.objects.filter(
        original_department__name="区住建局", transfer_status=TransferStatus.RETAINED
    ).exists()


def test_the_csv_basic_codes_are_unique_and_do_not_depend_on_row_order():
    rows = csv_rows()
    grouped = {r["main_item"] for r in rows if r["main_item"] != "未分类"}
    codes = [grouped_basic_code("511602000000", m) for m in grouped]
    codes += [
        ungrouped_basic_code(r["itemCode"], r["areaCode"])
        for r in rows
        if r["main_item"] == "未分类"
    ]
    assert len(codes) == len(set(codes))
    assert grouped_basic_code("511602000000", "取水许可") == grouped_basic_code(
        "511602", "取水许可"
    )


def test_a_csv_with_an_unknown_task_type_and_a_duplicate_code_is_refused_whole(
    guang_an_catalogue, guang_an_admin
):
    text = CSV_PATH.read_text(encoding="utf-8").splitlines()
    fields = text[3].split(",")
    fields[5] = "2"  # 行政处罚: a power, not a service item
    duplicate = text[10].split(",")
    duplicate[4] = text[9].split(",")[4]  # the itemCode of the row above
    broken = text[:3] + [",".join(fields)] + text[4:10] + [",".join(duplicate)] + text[11:]
    with pytest.raises(ImportRejected) as error:
        import_catalogue(
            guang_an_catalogue,
            read_rows("\n".join(broken).encode(), name="x.csv"),
            actor=guang_an_admin,
        )
    # the duplicated code also makes row 11 a second row of row 10's item, with another name and type
    assert [(p.row, p.column) for p in error.value.problems] == [
        (4, "taskType"),
        (11, "itemCode"),
        (11, "main_item"),
        (11, "taskType"),
    ]
    assert "与第 10 行重复" in error.value.problems[1].message
    assert Item.objects.count() == 0 and Department.objects.count() == 0


@pytest.mark.parametrize(
    "name, variant",
    [
        ("客运车辆道路运输证办理（注销）", Variant.CANCELLATION),
        ("母婴保健技术服务机构执业许可变更（婚前医学检查）", Variant.CHANGE),
        ("劳务派遣经营许可证延续审批(县级)", Variant.RENEWAL),
        ("教师资格证书补发、换发", Variant.REISSUE),
        ("教师资格认定", Variant.NEW),
        ("企业设立、变更、注销登记", Variant.OTHER),
    ],
)
def test_a_handling_items_kind_is_read_from_its_name(name, variant):
    assert variant_from_name(name) == variant


# --- the command --------------------------------------------------------------------------------


def test_the_import_command_creates_the_catalogue_and_reports_json(
    guang_an, guang_an_admin, capsys
):
    call_command("catalogue-import", str(CSV_PATH), region="511602", actor="ga-admin", json=True)
    out = json.loads(capsys.readouterr().out)
    assert out["counts"]["rows"] == 1135 and out["counts"]["created"] > 0
    catalogue = Catalogue.objects.get(region=guang_an, kind=Catalogue.Kind.LOCAL)
    assert catalogue.name == "广安区政务服务事项目录"


def test_the_import_command_prints_every_problem_and_fails(
    county, admin_user, department, tmp_path, capsys
):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(
        xlsx([row(法定时限="二十"), row(**{"办理项编码": "Z-1", "实施部门": "无名局"})])
    )
    with pytest.raises(CommandError) as error:
        call_command("catalogue-import", str(path), region="640221", actor="catadmin")
    assert error.value.returncode == 1
    err = capsys.readouterr().err
    assert "第2行 [法定时限]" in err and "第3行 [实施部门]" in err
    assert not Catalogue.objects.filter(region=county).exists(), (
        "a rejected file leaves no catalogue"
    )


def test_the_import_command_needs_an_actor_unless_there_is_one_superuser(
    county, tmp_path, department
):
    from django.contrib.auth import get_user_model

    path = tmp_path / "ok.xlsx"
    path.write_bytes(xlsx([row()]))
    with pytest.raises(CommandError, match="--actor"):
        call_command("catalogue-import", str(path), region="640221")
    get_user_model().objects.create_superuser("root", password="pw-root-123")
    call_command("catalogue-import", str(path), region="640221")
    assert Item.objects.filter(catalogue__region=county).count() == 1


def test_a_promise_over_the_statutory_limit_and_a_shared_implementing_code_are_refused_at_import(
    catalogue, admin_user, department
):
    from openpyxl import Workbook

    from oneseal.catalogue.actions import import_catalogue
    from oneseal.catalogue.importing.columns import HEADERS, ImportRejected
    from oneseal.catalogue.models import Item

    def row(basic, hi_code, impl, promised, statutory):
        values = {
            "实施部门": department.name,
            "事项名称": "某许可",
            "基本编码": basic,
            "实施编码": impl,
            "办理项名称": "某许可（新办）",
            "办理项编码": hi_code,
            "承诺时限": promised,
            "法定时限": statutory,
        }
        return [values.get(h, "") for h in HEADERS]

    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    ws.append(row("B-1", "B-1-01", "IMPL-1", 10, 5))
    ws.append(row("B-2", "B-2-01", "IMPL-1", 3, 20))
    data = io.BytesIO()
    wb.save(data)
    with pytest.raises(ImportRejected) as e:
        import_catalogue(catalogue, data.getvalue(), actor=admin_user)
    found = {(p.row, p.column) for p in e.value.problems}
    assert (2, "承诺时限") in found and (3, "实施编码") in found
    assert not Item.objects.filter(catalogue=catalogue).exists()


def test_a_bulk_import_records_what_each_action_would_in_one_unbroken_chain(
    catalogue, admin_user, department
):
    """New items are written in bulk, not through `create_item` and `publish`; the audit log
    still gets their rows — one per item created and per item published — then the import's."""
    import io as _io

    from django.core.management import call_command

    from oneseal.audit.chain import row_hash

    start = AuditEvent.objects.count()
    import_catalogue(catalogue, xlsx(good_rows()), actor=admin_user, publish_on=D1)
    rows = list(AuditEvent.objects.order_by("seq")[start:])
    assert [(r.action, r.data.get("basic_code") or r.summary) for r in rows] == [
        ("catalogue.create_item", "640221-XK-001"),
        ("catalogue.create_item", "640221-QT-002"),
        ("catalogue.publish", rows[2].summary),
        ("catalogue.import", rows[3].summary),
    ]
    created = rows[0]
    assert created.subject_type == "catalogue.itemversion" and created.actor == admin_user
    assert created.data["handling_items"] == ["640221-XK-001-01", "640221-XK-001-02"]
    published = rows[2]
    assert published.subject_id == str(ItemVersion.objects.get(item__basic_code="640221-QT-002").pk)
    assert (
        published.data["effective_from"] == D1.isoformat()
        and published.data["by"] == "catalogue.import"
    )
    assert all(r.hash == row_hash(r) for r in rows)
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    out = _io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().strip().endswith(", 0 problems")


def test_departments_an_import_creates_are_audited_each(guang_an_catalogue, guang_an_admin):
    import_catalogue(guang_an_catalogue, read_rows(CSV_PATH), actor=guang_an_admin)
    made = AuditEvent.objects.filter(
        action="organisation.save_department", data__by="catalogue.import"
    )
    assert made.count() == Department.objects.filter(region=guang_an_catalogue.region).count() == 33
    assert "区人社局" in set(made.values_list("summary", flat=True))
