import pytest

from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Catalogue, HandlingItem, Material, TransferStatus
from oneseal.documents import actions as document_actions
from oneseal.organisation.models import Role
from oneseal.regions.models import Region
from oneseal.testing import day
from oneseal.transfers import actions
from oneseal.transfers import rollout as rollouts


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seal(bureau):
    return document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))


@pytest.fixture
def head(make_staff, county, department):
    """The market regulator's head: signs for the department."""
    return make_staff(
        "dept_head", county, Role.SUPERVISOR, display_name="周局长", department=department
    )


@pytest.fixture
def stationed(complete_draft, admin_user):
    """食品生产许可, stationed in the hall since 2024: the item the agreement moves."""
    version = complete_draft(
        basic_code="640221-XK-002", name="食品生产许可", transfer_status=TransferStatus.STATIONED
    )
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return version.item


@pytest.fixture
def switch_draft(stationed, admin_user):
    """The stationed item's next version, switching it to the bureau."""
    draft = catalogue_actions.start_adjustment(
        stationed, actor=admin_user, kind="transfer", reason="划转至审批局", basis="县委编办文件"
    )
    return catalogue_actions.update_draft(
        draft, actor=admin_user, transfer_status=TransferStatus.TRANSFERRED
    )


AGREEMENT = {
    "transfer_date": "2025-10-09",
    "bureau_duties": "负责食品生产许可的受理、审查、决定和送达。",
    "department_duties": "负责食品生产企业的事中事后监管。",
    "approval_staff": 10,
    "handovers": [
        {"kind": "system", "name": "食品生产许可管理系统账号", "quantity": 3, "unit": "个"},
        {"kind": "equipment", "name": "专用电脑及密钥", "quantity": 2, "unit": "套"},
        {"kind": "archive", "name": "许可档案", "quantity": 412, "unit": "卷"},
    ],
}


@pytest.fixture
def agreement(stationed, signatory, bureau, department):
    return actions.save_agreement(
        None,
        actor=signatory,
        bureau=bureau,
        department=department,
        items=[{"item": stationed}],
        **AGREEMENT,
    )


@pytest.fixture
def signed(agreement, signatory, head):
    actions.sign_agreement(agreement, actor=signatory, side="bureau", on=day("2025-09-26"))
    return actions.sign_agreement(agreement, actor=head, side="department", on=day("2025-09-28"))


# The city rollout's fixtures (test_rollout*.py): 中卫市 rolling out three counties under the
# province's guidance catalogue of two items.
D1 = day("2025-01-02")


@pytest.fixture
def city(regions):
    return Region.objects.get(code="640500")  # 中卫市


@pytest.fixture
def chosen(regions):
    return [Region.objects.get(code=c) for c in ("640502", "640521", "640522")]


@pytest.fixture
def city_admin(make_staff, city):
    return make_staff("city_admin", city, Role.ADMINISTRATOR, Role.CATALOGUE_ADMIN)


@pytest.fixture
def guidance(regions, make_staff):
    province = Region.objects.get(code="640000")
    guide = Catalogue.objects.create(
        region=province, kind=Catalogue.Kind.GUIDANCE, name="宁夏回族自治区政务服务事项指导目录"
    )
    admin = make_staff("province_admin", province, Role.CATALOGUE_ADMIN)
    for code, name in [("XK-001", "食品经营许可"), ("XK-010", "采矿许可")]:
        v = catalogue_actions.create_item(
            guide, actor=admin, basic_code=code, name=name, legal_basis="某法"
        )
        hi = catalogue_actions.save_draft_part(
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
        catalogue_actions.save_draft_part(Material(handling_item=hi, name="申请书"), actor=admin)
        catalogue_actions.publish(v, actor=admin, effective_from=D1)
    return guide


@pytest.fixture
def started(city, chosen, city_admin, guidance):
    return rollouts.start_rollout(
        city,
        actor=city_admin,
        name="中卫市相对集中行政许可权改革",
        plan_document="中卫市实施方案",
        counties=chosen,
        template="compact",
        milestones=[("挂牌", "2026-01-31"), ("人员划转", "2026-02-28")],
        on=D1,
    )
