import pytest

from oneseal.applicants.actions import record_authorisation
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Material
from oneseal.projects import actions
from oneseal.projects.models import Stage
from oneseal.testing import day, list_special_procedures


@pytest.fixture
def owner(applicant):
    """平罗县𠮷祥餐饮有限公司, an organisation registered at the window."""
    return applicant


@pytest.fixture
def owner_user(own_applicant, owner, clerk, applicant_user):
    """马𠮷祥's online account, recorded at the window as the owner's legal representative."""
    record_authorisation(
        owner,
        person=own_applicant,
        capacity="representative",
        papers="营业执照、法定代表人身份证明",
        actor=clerk,
    )
    return applicant_user


@pytest.fixture
def project(owner, clerk, bureau):
    return actions.register_project(
        actor=clerk,
        code="2020-640221-47-01-012345",
        name="平罗县物流仓储中心",
        owner=owner,
        kind="enterprise",
        location="平罗县工业园区纬三路",
        floor_area="12000.50",
        investment="8600",
    )


# --- stage applications ------------------------------------------------------------------


@pytest.fixture
def stage_items(complete_draft, admin_user):
    """Three items of the construction permit stage. Each lists its own application form; the
    first two also list 建设工程规划许可证 and the first and third 施工图设计文件审查合格书."""

    def make(code, name, extra):
        version = complete_draft(basic_code=code, name=name)
        hi = version.handling_items.get()
        form = hi.materials.get(order=1)
        form.name = f"{name}申请书"
        catalogue_actions.save_draft_part(form, actor=admin_user)
        for order, material in enumerate(extra, 2):
            catalogue_actions.save_draft_part(
                Material(handling_item=hi, name=material, order=order), actor=admin_user
            )
        list_special_procedures(hi, admin_user)
        catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
        return hi

    return [
        make(
            "640221-XK-101", "建筑工程施工许可", ["建设工程规划许可证", "施工图设计文件审查合格书"]
        ),
        make("640221-XK-102", "人防工程施工图备案", ["建设工程规划许可证 "]),
        make("640221-XK-103", "消防设计审查", ["施工图设计文件审查合格书"]),
    ]


@pytest.fixture
def template(catalogue, admin_user, section, stage_items):
    t = actions.create_stage_template(
        catalogue,
        actor=admin_user,
        stage=Stage.CONSTRUCTION_PERMIT,
        name="施工许可阶段（社会投资）",
        limit_days=10,
        project_kinds=["enterprise"],
        lead_section=section,
        legal_basis="《宁夏回族自治区工程建设项目审批制度改革实施方案》",
    )
    actions.update_stage_template(t, actor=admin_user, project_limits={"enterprise": 90})
    for i, hi in enumerate(stage_items):
        actions.add_stage_item(t, hi, actor=admin_user, required=i < 2)
    return actions.publish_stage_template(t, actor=admin_user)
