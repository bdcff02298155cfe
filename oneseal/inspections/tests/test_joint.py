"""联合勘验 (#10): one visit for a project's stage, covering every case of it."""

import pytest

from oneseal.cases.models import SiteInspection, State
from oneseal.errors import InvalidTransition, ValidationFailed
from oneseal.inspections import actions
from oneseal.inspections.models import Party
from oneseal.inspections.queries import visible_inspections
from oneseal.testing import accepted_case, at, day, travel


@pytest.fixture
def stage_cases(surveyed_item, plain_item, applicant, clerk):
    with travel("2026-02-09 09:00"):
        return [
            accepted_case(surveyed_item, applicant, clerk, "2026-02-09"),
            accepted_case(plain_item, applicant, clerk, "2026-02-09"),
        ]


@pytest.fixture
def endpoint(department):
    from oneseal.linkage.actions import configure_department_link

    configure_department_link(
        department,
        system=True,
        sign_days=3,
        webhook_url="https://scjg.example.gov.cn/hooks",
        webhook_enabled=True,
    )


@pytest.fixture
def joint(project, stage_cases, section, department, reviewer, second_reviewer):
    with travel("2026-02-10 09:00"):
        return actions.schedule_joint_inspection(
            project,
            actor=reviewer,
            stage=2,
            cases=stage_cases,
            sections=[section],
            departments=[department],
            at=at("2026-02-13 09:30"),
            place="平罗县工业园区纬三路仓储中心工地",
            expected_days=3,
            inspectors=[reviewer, second_reviewer],
        )


def test_a_joint_inspection_covers_the_stage_with_one_checklist(joint, stage_cases):
    assert joint.is_joint and joint.stage == 2 and joint.case is None
    assert sorted(joint.covered.values_list("case_id", flat=True)) == sorted(
        c.pk for c in stage_cases
    )
    # The union of both items' checklists, each point once.
    assert [f.text for f in joint.findings.all()] == [
        "经营场所面积与申请一致",
        "设有更衣、洗手设施",
        "场所与申请一致",
    ]
    assert [p.name for p in joint.parties.all()] == ["市场准入科", "平罗县市场监督管理局"]


def test_the_joint_visit_across_spring_festival_stops_only_the_listed_case(
    joint, stage_cases, reviewer, second_reviewer
):
    """Begun on Friday 13 February 2026 and completed on Tuesday 24 February: the Spring
    Festival holiday runs 15–23 February (Saturday 14 and 28 February are working days in
    lieu), so the visit took two working days (14 and 24 February) off the case whose guide
    lists 现场勘验; the other case's clock ran on."""
    surveyed, plain = stage_cases
    before = {c.pk: c.promised_due for c in stage_cases}
    with travel("2026-02-13 09:35"):
        actions.start_inspection(joint, actor=reviewer, on=day("2026-02-13"))
        for order in (1, 2, 3):
            actions.record_finding(joint, actor=reviewer, order=order, result="conforms")
        section_party, department_party = joint.parties.order_by("id")
        actions.record_party(
            joint,
            section_party,
            actor=reviewer,
            attended=True,
            representative="李初审",
            findings="同意",
        )
        with pytest.raises(InvalidTransition, match="平罗县市场监督管理局"):
            actions.confirm(joint, actor=reviewer)
        actions.record_party(joint, department_party, actor=second_reviewer, attended=False)
        actions.record_conclusion(joint, actor=reviewer, conclusion="现场与图纸一致")
        actions.confirm(joint, actor=reviewer)
        actions.confirm(joint, actor=second_reviewer)
    surveyed.refresh_from_db()
    plain.refresh_from_db()
    assert (surveyed.state, plain.state) == (State.SUSPENDED, State.ACCEPTED)
    with travel("2026-02-24 17:00"):
        actions.complete_inspection(joint, actor=reviewer, on=day("2026-02-24"))
    surveyed.refresh_from_db()
    plain.refresh_from_db()
    assert surveyed.state == State.ACCEPTED
    # Accepted Monday 9 February, 10 working days: 10–13, 14 (in lieu), 24–27, 28 (in lieu)
    # → 28 February. Suspended on the 13th with 6 left (14, 24, 25, 26, 27, 28); resumed on
    # the 24th they run 25, 26, 27, 28 February, 2 and 3 March.
    assert before[surveyed.pk] == day("2026-02-28")
    assert surveyed.promised_due == day("2026-03-03")
    assert plain.promised_due == before[plain.pk]
    for case in stage_cases:
        record = SiteInspection.objects.get(case=case)
        assert "平罗县市场监督管理局：未到场" in record.findings
        assert "市场准入科：到场，李初审；同意" in record.findings


def test_a_case_of_another_owner_is_refused(
    project, stage_cases, own_applicant, surveyed_item, clerk, section, reviewer, second_reviewer
):
    with travel("2026-02-09 09:00"):
        stranger = accepted_case(surveyed_item, own_applicant, clerk, "2026-02-09")
    with travel("2026-02-10 09:00"), pytest.raises(ValidationFailed) as e:
        actions.schedule_joint_inspection(
            project,
            actor=reviewer,
            stage=2,
            cases=[*stage_cases, stranger],
            sections=[section],
            at=at("2026-02-13 09:30"),
            place="工地",
            expected_days=3,
            inspectors=[reviewer, second_reviewer],
        )
    assert "不是本项目的建设单位" in e.value.fields["cases"][0]


def test_a_joint_inspection_needs_a_party(project, stage_cases, reviewer, second_reviewer):
    with travel("2026-02-10 09:00"), pytest.raises(ValidationFailed) as e:
        actions.schedule_joint_inspection(
            project,
            actor=reviewer,
            stage=2,
            cases=stage_cases,
            at=at("2026-02-13 09:30"),
            place="工地",
            expected_days=3,
            inspectors=[reviewer, second_reviewer],
        )
    assert "parties" in e.value.fields


def test_an_attending_party_needs_its_findings(joint, reviewer):
    party = joint.parties.first()
    with travel("2026-02-13 09:35"):
        actions.start_inspection(joint, actor=reviewer, on=day("2026-02-13"))
        with pytest.raises(ValidationFailed) as e:
            actions.record_party(joint, party, actor=reviewer, attended=True)
    assert set(e.value.fields) == {"representative", "findings"}
    assert Party.objects.get(pk=party.pk).attended is None


def test_the_owners_account_sees_the_joint_inspection_and_a_stranger_does_not(
    joint, applicant, own_applicant, clerk, applicant_user, other_applicant_user, far_staff
):
    from oneseal.applicants.actions import record_authorisation

    record_authorisation(
        applicant, person=own_applicant, capacity="representative", papers="营业执照", actor=clerk
    )
    assert list(visible_inspections(applicant_user)) == [joint]
    assert not visible_inspections(other_applicant_user).exists()
    assert not visible_inspections(far_staff).exists()


def test_a_department_taking_part_is_told_through_linkage(
    endpoint, joint, department, reviewer, supervisor
):
    from oneseal.linkage.models import OutboxMessage

    message = OutboxMessage.objects.get(department=department)
    assert message.event_type == "joint_inspection.scheduled"
    assert message.payload["code"] == joint.code
    assert message.payload["project"] == "2025-640221-47-01-012345"
    assert len(message.payload["cases"]) == 2
    with travel("2026-02-10 10:00"):
        actions.reschedule(joint, actor=reviewer, at=at("2026-02-12 14:00"), reason="部门另有安排")
    assert list(
        OutboxMessage.objects.filter(department=department)
        .order_by("id")
        .values_list("event_type", flat=True)
    ) == ["joint_inspection.scheduled", "joint_inspection.rescheduled"]
    # The department's supervisor sees the visit their department attends.
    assert list(visible_inspections(supervisor)) == [joint]


def test_a_case_withdrawn_during_the_visit_does_not_hold_up_the_others(
    joint, stage_cases, reviewer, second_reviewer, clerk
):
    from oneseal.cases import actions as case_actions

    surveyed, plain = stage_cases
    with travel("2026-02-13 09:35"):
        actions.start_inspection(joint, actor=reviewer, on=day("2026-02-13"))
        for order in (1, 2, 3):
            actions.record_finding(joint, actor=reviewer, order=order, result="conforms")
        for party in joint.parties.all():
            actions.record_party(joint, party, actor=reviewer, attended=False)
        actions.record_conclusion(joint, actor=reviewer, conclusion="符合")
        actions.confirm(joint, actor=reviewer)
        actions.confirm(joint, actor=second_reviewer)
        case_actions.withdraw(plain, actor=clerk, reason="建设单位调整方案，撤回申请")
        actions.complete_inspection(joint, actor=reviewer, on=day("2026-02-13"))
    assert SiteInspection.objects.filter(case=surveyed).exists()
    assert not SiteInspection.objects.filter(case=plain).exists()
    surveyed.refresh_from_db()
    assert surveyed.state == State.ACCEPTED
