"""People and quotas: staffing quotas by kind, staff moved with their date and quota, training
until they may act alone (their roles granted only then, in organisation's `set_roles`), the
share of each department's approval staff that moved, and the register as of any day."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from oneseal.audit.models import AuditEvent
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation import actions as organisation_actions
from oneseal.organisation.models import Role, Staff
from oneseal.testing import day
from oneseal.transfers import actions, queries
from oneseal.transfers.models import StaffTransfer


@pytest.fixture
def quotas(bureau, administrator):
    # Seed 001 二(一): 行政编制 20 for the bureau, 事业编制 40 for its centre.
    actions.set_quota(
        bureau, actor=administrator, body="bureau", kind="administrative", approved=20
    )
    actions.set_quota(bureau, actor=administrator, body="centre", kind="institution", approved=1)


@pytest.fixture
def inspector(make_staff, county, department):
    """A food-licensing officer of the market regulator, about to move."""
    user = make_staff(
        "food_officer", county, Role.SUPERVISOR, display_name="马小兰", department=department
    )
    return user.staff


@pytest.fixture
def moved(inspector, quotas, administrator, department):
    return actions.record_staff_transfer(
        inspector,
        actor=administrator,
        department=department,
        moved_on="2025-09-26",
        body="centre",
        quota_kind="institution",
    )


def test_only_the_administrator_sets_quotas(bureau, signatory, far_staff):
    for user in (signatory, far_staff):
        with pytest.raises(NotPermitted):
            actions.set_quota(bureau, actor=user, body="bureau", kind="administrative", approved=20)


def test_a_moved_staff_member_is_placed_in_the_bureau_and_loses_the_departments_roles(
    moved, inspector, bureau
):
    staff = Staff.objects.get(pk=inspector.pk)
    assert staff.bureau == bureau and staff.department is None
    assert not staff.roles.exists()
    assert AuditEvent.objects.filter(
        action="organisation.withdraw_role", subject_id=str(staff.pk)
    ).exists()
    assert AuditEvent.objects.filter(action="transfers.record_staff_transfer").count() == 1


def test_a_full_quota_takes_nobody_more(moved, make_staff, county, department, administrator):
    other = make_staff("second", county, display_name="李二", department=department).staff
    with pytest.raises(ValidationFailed) as refused:
        actions.record_staff_transfer(
            other,
            actor=administrator,
            department=department,
            moved_on="2025-09-29",
            body="centre",
            quota_kind="institution",
        )
    assert refused.value.fields["quota_kind"] == [
        "政务服务中心（事业单位）事业编制已满（核定1名），不能再划入"
    ]
    with pytest.raises(ValidationFailed) as refused:
        actions.set_quota(
            moved.bureau, actor=administrator, body="centre", kind="institution", approved=0
        )
    assert "approved" in refused.value.fields


def test_a_transferred_staff_member_gets_no_acting_role_until_cleared(
    moved, inspector, administrator, signatory
):
    with pytest.raises(ValidationFailed) as refused:
        organisation_actions.set_roles(inspector, [Role.REVIEWER], actor=administrator)
    assert refused.value.fields["roles"] == [
        "马小兰是划转人员，培训合格、确认可独立办理前不能授予“审批科室审查人员”"
    ]
    with pytest.raises(InvalidTransition) as refused:
        actions.clear_to_act_alone(moved, actor=signatory, on=day("2025-10-09"))
    assert refused.value.reasons == ["尚无培训记录，不能确认可独立办理"]
    actions.record_training(
        moved,
        actor=administrator,
        on="2025-10-09",
        subject="食品生产许可审查要点",
        hours="4",
        trainer="马建军",
    )
    with pytest.raises(NotPermitted):
        actions.clear_to_act_alone(moved, actor=administrator, on=day("2025-10-10"))
    actions.clear_to_act_alone(moved, actor=signatory, on=day("2025-10-10"))
    # Cleared from a day already past: the role may be given now.
    organisation_actions.set_roles(inspector, [Role.REVIEWER], actor=administrator)
    assert set(inspector.roles.values_list("role", flat=True)) == {Role.REVIEWER}


def test_a_clearance_from_a_later_day_does_not_open_the_roles_today(
    moved, inspector, administrator, signatory
):
    import time_machine

    from oneseal.testing import at

    actions.record_training(
        moved, actor=administrator, on="2025-10-09", subject="业务培训", hours=8, trainer="丁建华"
    )
    actions.clear_to_act_alone(moved, actor=signatory, on=day("2025-10-20"))
    with time_machine.travel(at("2025-10-17 09:00"), tick=False), pytest.raises(ValidationFailed):
        organisation_actions.set_roles(inspector, [Role.CLERK], actor=administrator)
    with time_machine.travel(at("2025-10-20 09:00"), tick=False):
        organisation_actions.set_roles(inspector, [Role.CLERK], actor=administrator)


def test_training_input_is_checked_field_by_field(moved, administrator):
    with pytest.raises(ValidationFailed) as refused:
        actions.record_training(
            moved, actor=administrator, on="2025-09-01", subject=" ", hours="-1", trainer=""
        )
    assert set(refused.value.fields) == {"on", "subject", "hours", "trainer"}


def test_the_register_as_of_a_day_and_the_share_of_approval_staff_moved(
    moved, agreement, bureau, administrator, signatory
):
    assert queries.staff_register(bureau, day("2025-09-25")).rows == []
    register = queries.staff_register(bureau, day("2025-09-26"))
    assert [r.staff.display_name for r in register.rows] == ["马小兰"]
    assert not register.rows[0].alone_on_day
    centre = next(q for q in register.quotas if q.body == "centre")
    assert (centre.approved, centre.taken, centre.free) == (1, 1, 0)
    (row,) = queries.department_shares(bureau, day("2025-09-26"))
    assert (row.share.moved, row.share.base, row.share.percent, row.share.verdict) == (
        1,
        10,
        10.0,
        "below",
    )
    actions.record_training(
        moved, actor=administrator, on="2025-10-09", subject="业务培训", hours=8, trainer="丁建华"
    )
    actions.clear_to_act_alone(moved, actor=signatory, on=day("2025-10-10"))
    assert not queries.staff_register(bureau, day("2025-10-09")).rows[0].alone_on_day
    assert queries.staff_register(bureau, day("2025-10-10")).rows[0].alone_on_day


def test_the_register_page_takes_a_date_and_gives_xlsx(client, moved, signatory, far_staff):
    client.force_login(signatory)
    r = client.get(reverse("transfers:staff"), {"on": "2025-09-26"})
    assert r.status_code == 200 and "马小兰" in r.content.decode()
    r = client.get(reverse("transfers:staff"), {"on": "2025-09-25"})
    assert "马小兰" not in r.content.decode()
    r = client.get(reverse("transfers:staff"), {"on": "2025-13-45"})
    assert r.status_code == 200 and "日期格式应为" in r.content.decode()
    r = client.get(reverse("transfers:staff"), {"on": "2025-09-26", "format": "xlsx"})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "姓名" and rows[1][:2] == ("马小兰", "平罗县市场监督管理局")
    client.force_login(far_staff)
    r = client.get(reverse("transfers:staff"), {"bureau": moved.bureau.pk})
    assert r.status_code == 404


def test_the_administrator_moves_staff_and_the_head_clears_them_on_the_pages(
    client, inspector, quotas, administrator, signatory, department, bureau
):
    client.force_login(administrator)
    r = client.post(
        reverse("transfers:staff"),
        {
            "move-staff": inspector.pk,
            "move-department": department.pk,
            "move-moved_on": "2025-09-26",
            "move-body": "bureau",
            "move-quota_kind": "administrative",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    transfer = StaffTransfer.objects.get(staff=inspector)
    url = reverse("transfers:staff-member", args=[transfer.pk])
    r = client.post(
        url,
        {
            "training-on": "2025-10-09",
            "training-subject": "审批系统操作",
            "training-hours": "2",
            "training-trainer": "杨帆",
        },
    )
    assert r.status_code == 302 and transfer.trainings.count() == 1
    r = client.post(url, {"clear-on": "2025-10-10"})
    assert r.status_code == 404  # the administrator does not clear; the head does
    client.force_login(signatory)
    r = client.post(url, {"clear-on": "2025-10-10"})
    assert r.status_code == 302
    transfer.refresh_from_db()
    assert transfer.cleared_on == day("2025-10-10")


def test_a_staff_member_moves_only_from_their_own_department(
    inspector, quotas, administrator, county
):
    from oneseal.organisation.models import Department

    water = Department.objects.create(region=county, name="平罗县水务局")
    with pytest.raises(ValidationFailed) as refused:
        actions.record_staff_transfer(
            inspector,
            actor=administrator,
            department=water,
            moved_on="2025-09-26",
            body="bureau",
            quota_kind="administrative",
        )
    assert refused.value.fields["staff"] == ["该工作人员不是平罗县水务局的人员"]
    assert not StaffTransfer.objects.exists()


def test_another_countys_administrator_moves_nobody(
    inspector, quotas, department, make_staff, other_county
):
    from oneseal.organisation.models import Role

    far_admin = make_staff("far_admin", other_county, Role.ADMINISTRATOR)
    with pytest.raises(NotPermitted):
        actions.record_staff_transfer(
            inspector,
            actor=far_admin,
            department=department,
            moved_on="2025-09-26",
            body="bureau",
            quota_kind="administrative",
        )
