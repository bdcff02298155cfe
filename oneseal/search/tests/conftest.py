"""A small published catalogue in 平罗县 with the variants of three items, and one item in the
neighbouring county. Built through the catalogue's actions; the search index of each test is
rebuilt by itself (its fingerprint differs), the meaning vectors are computed once per process."""

import datetime

import pytest

from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Catalogue, HandlingItem, Material
from oneseal.organisation.models import Department, Role

PUBLISHED_ON = datetime.date(2024, 1, 1)


@pytest.fixture
def publish_item(admin_user, department):
    def publish(catalogue, basic_code, name, handling, *, actor=None, dept=None):
        actor = actor or admin_user
        version = catalogue_actions.create_item(
            catalogue,
            actor=actor,
            basic_code=basic_code,
            name=name,
            legal_basis="《中华人民共和国行政许可法》",
            original_department=dept or department,
        )
        for n, (hi_name, variant, keywords) in enumerate(handling):
            hi = catalogue_actions.save_draft_part(
                HandlingItem(
                    item_version=version,
                    code=f"{basic_code}-{n:02d}",
                    name=hi_name,
                    variant=variant,
                    keywords=keywords,
                    statutory_limit_days=20,
                    promised_limit_days=5,
                    complaint_phone="0952-12345",
                    order=n,
                ),
                actor=actor,
            )
            catalogue_actions.save_draft_part(
                Material(handling_item=hi, name="申请书", order=1), actor=actor
            )
        return catalogue_actions.publish(version, actor=actor, effective_from=PUBLISHED_ON)

    return publish


@pytest.fixture
def search_catalogue(catalogue, publish_item):
    """平罗县's small catalogue: food business, company registration, kindergarten, building, driving school."""
    publish_item(
        catalogue,
        "64-SC-001",
        "食品（含保健食品）经营许可",
        [
            ("食品经营许可核发", "new", "开饭店 开餐馆 开超市"),
            ("食品经营许可变更经营者名称", "change", ""),
            ("食品经营许可延续", "renewal", ""),
            ("食品经营许可注销", "cancellation", ""),
        ],
    )
    publish_item(
        catalogue,
        "64-SC-002",
        "企业设立、变更、注销登记",
        [
            ("公司设立登记", "new", "开公司 注册公司"),
            ("公司变更登记", "change", ""),
            ("公司注销登记", "cancellation", ""),
        ],
    )
    publish_item(catalogue, "64-JY-001", "幼儿园设立审批", [("幼儿园设立审批", "new", "")])
    publish_item(
        catalogue,
        "64-ZJ-001",
        "建筑工程施工许可证核发",
        [
            ("建筑工程施工许可证核发", "new", "施工许可 开工"),
        ],
    )
    publish_item(
        catalogue, "64-JT-001", "机动车驾驶员培训许可", [("机动车驾驶员培训许可", "new", "")]
    )
    publish_item(
        catalogue,
        "64-WS-001",
        "公共场所卫生许可",
        [("公共场所卫生许可新办", "new", "开理发店 开宾馆")],
    )
    return catalogue


@pytest.fixture
def neighbour_catalogue(other_county, make_staff, publish_item):
    """大武口区's catalogue with one item of its own."""
    admin = make_staff("catadmin_dwk", other_county, Role.CATALOGUE_ADMIN)
    dept = Department.objects.create(region=other_county, name="大武口区市场监督管理局", order=1)
    cat = Catalogue.objects.create(region=other_county, name="大武口区审批服务事项目录")
    publish_item(
        cat,
        "64-DWK-001",
        "烟草专卖零售许可证核发",
        [("烟草专卖零售许可证新办", "new", "卖烟")],
        actor=admin,
        dept=dept,
    )
    return cat
