"""Registering and changing projects, who may, and who sees them."""

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from oneseal.applicants.actions import register_applicant
from oneseal.audit.models import AuditEvent
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation.models import Role
from oneseal.projects import actions
from oneseal.projects.models import Project
from oneseal.projects.queries import visible_projects
from oneseal.testing import at

GOOD = {
    "code": "2021-640221-47-03-000417",
    "name": "平罗县小型加工车间",
    "kind": "small_low_risk",
    "location": "平罗县城关镇",
    "floor_area": "860",
    "investment": "320.5",
}


def audit_actions(subject) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_id=str(subject.pk), subject_type="projects.project")
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_clerk_registers_a_project_of_the_county_with_an_audit_row(project, county, clerk):
    assert project.region == county
    assert project.code == "2020-640221-47-01-012345"
    assert str(project.floor_area) == "12000.50"
    assert project.registered_by == clerk
    assert audit_actions(project) == ["projects.register_project"]


def test_the_owner_registers_its_own_project_online(owner, owner_user, bureau):
    project = actions.register_project(actor=owner_user, owner=owner, **GOOD)
    assert project.owner == owner
    assert list(visible_projects(owner_user)) == [project]


def test_another_countys_clerk_may_not_register_here(owner, far_staff, bureau):
    with pytest.raises(NotPermitted):
        actions.register_project(actor=far_staff, owner=owner, **GOOD)
    assert not Project.objects.exists()


def test_an_applicant_who_is_not_the_owner_may_not_register(owner, other_applicant_user, bureau):
    with pytest.raises(NotPermitted):
        actions.register_project(actor=other_applicant_user, owner=owner, **GOOD)
    with pytest.raises(NotPermitted):
        actions.register_project(actor=None, owner=owner, **GOOD)
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"code": "2020-640299-47-01-012345"}, "code", "“640299”不存在"),
        ({"code": "2020-640202-47-01-012345"}, "code", "不在项目所属行政区划"),
        ({"code": "2020-640221-47-05-012345"}, "code", "类别代码“05”"),
        ({"kind": "mansion"}, "kind", "不是有效的项目类型"),
        ({"name": "  "}, "name", "必填"),
        ({"location": "平罗\u202e县"}, "location", "控制字符"),
        ({"floor_area": "-1"}, "floor_area", "不小于0"),
        ({"investment": "many"}, "investment", "应为数字"),
    ],
)
def test_bad_input_is_refused_naming_the_field(owner, clerk, county, bureau, changes, field, says):
    with pytest.raises(ValidationFailed) as e:
        actions.register_project(actor=clerk, owner=owner, region=county, **{**GOOD, **changes})
    assert says in str(e.value.fields[field][0])
    assert not Project.objects.exists()


def test_a_region_without_a_bureau_takes_no_projects(owner, root, other_county):
    with pytest.raises(ValidationFailed) as e:
        actions.register_project(
            actor=root, owner=owner, **{**GOOD, "code": "2020-640202-47-01-012345"}
        )
    assert "没有行政审批局" in e.value.fields["region"][0]


def test_a_code_is_registered_once(project, owner, clerk):
    with pytest.raises(ValidationFailed) as e:
        actions.register_project(actor=clerk, owner=owner, **{**GOOD, "code": project.code})
    assert "已登记" in e.value.fields["code"][0]


def test_the_owner_is_an_organisation_found_by_a_checked_credit_code(
    owner, own_applicant, clerk, bureau
):
    assert actions.owner_by_credit_code("91350100m000100y43") == owner
    with pytest.raises(ValidationFailed) as e:
        actions.owner_by_credit_code("91350100M000100Y44")
    assert "校验位" in e.value.fields["owner"][0]
    with pytest.raises(ValidationFailed) as e:
        actions.owner_by_credit_code("91640221MA76L0XM1A")
    assert "尚未登记" in e.value.fields["owner"][0]
    with pytest.raises(ValidationFailed) as e:
        actions.register_project(actor=clerk, owner=own_applicant, **GOOD)
    assert "法人或其他组织" in e.value.fields["owner"][0]


def test_who_sees_a_project(
    project, clerk, far_staff, owner_user, other_applicant_user, make_staff, regions, root
):
    city = make_staff("city", regions.get(code="640200"), Role.REVIEWER)
    for user in (clerk, city, owner_user, root):
        assert list(visible_projects(user)) == [project], user
    for user in (far_staff, other_applicant_user, AnonymousUser()):
        assert not visible_projects(user).exists(), user


def test_an_update_by_the_clerk_or_the_owner_is_audited(project, clerk, owner_user):
    actions.update_project(project, actor=clerk, name="平罗县物流仓储中心（一期）")
    actions.update_project(project, actor=owner_user, investment="9000")
    project.refresh_from_db()
    assert (project.name, str(project.investment)) == ("平罗县物流仓储中心（一期）", "9000.00")
    assert audit_actions(project) == [
        "projects.register_project",
        "projects.update_project",
        "projects.update_project",
    ]
    event = AuditEvent.objects.filter(action="projects.update_project").order_by("seq").first()
    assert event.data["before"] == {"name": "平罗县物流仓储中心"}


def test_an_update_by_anyone_else_or_of_the_identity_is_refused(
    project, far_staff, other_applicant_user, clerk
):
    for user in (far_staff, other_applicant_user):
        with pytest.raises(NotPermitted):
            actions.update_project(project, actor=user, name="改名")
    with pytest.raises(ValidationFailed) as e:
        actions.update_project(project, actor=clerk, code="2020-640221-47-01-099999")
    assert "code" in e.value.fields
    project.refresh_from_db()
    assert project.name == "平罗县物流仓储中心"
    assert audit_actions(project) == ["projects.register_project"]


def test_the_worker_acts_as_the_system(owner, bureau):
    project = actions.register_project(actor=None, system=True, owner=owner, **GOOD)
    assert project.registered_by is None


def test_an_organisation_registered_elsewhere_is_still_an_owner(clerk, bureau):
    other = register_applicant(
        actor=clerk,
        kind="organisation",
        name="石嘴山市某建设有限公司",
        number="91640200MA76L0XM1W",
        phone="0952-2012345",
    )
    assert actions.owner_by_credit_code(other.credit_code) == other


def test_a_code_of_the_new_year_is_taken_from_the_first_minute_in_shanghai(owner, clerk, bureau):
    code = {**GOOD, "code": "2027-640221-47-03-000001"}
    # 2026-12-31 23:59 in Shanghai is 15:59 UTC: still 2026 for the bureau.
    with time_machine.travel(at("2026-12-31 23:59"), tick=False):
        with pytest.raises(ValidationFailed) as e:
            actions.register_project(actor=clerk, owner=owner, **code)
        assert "年份“2027”" in e.value.fields["code"][0]
    # 00:01 in Shanghai, while UTC is still on 31 December.
    with time_machine.travel(at("2027-01-01 00:01"), tick=False):
        assert actions.register_project(actor=clerk, owner=owner, **code).code == code["code"]
