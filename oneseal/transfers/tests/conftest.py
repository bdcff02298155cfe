import pytest

from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import TransferStatus
from oneseal.documents import actions as document_actions
from oneseal.organisation.models import Role
from oneseal.testing import day
from oneseal.transfers import actions


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
