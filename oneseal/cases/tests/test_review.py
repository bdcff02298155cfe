"""Review after acceptance: the handling item's steps worked by the right people, site
inspections by two or more staff (《行政许可法》第三十四条), suspensions (第四十五条) and the one
extension (第四十二条). Dates are real ones around National Day 2025 (10/1–10/8 off, Sunday 9/28
and Saturday 10/11 worked) and the 2026 Spring Festival (2/15–2/23 off, Saturdays 2/14 and
2/28 worked); every expected date is counted by hand in a comment."""

import pytest

from oneseal.cases import actions
from oneseal.cases.models import (
    CaseStep,
    Extension,
    SiteInspection,
    State,
    Suspension,
)
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Role
from oneseal.testing import accepted_case, day, events, reviewed


def test_an_accepted_case_takes_its_steps_from_the_handling_item_version(
    item, applicant, clerk, reviewer
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    planned = actions.steps_of(case)
    # Stored by the acceptance itself (test_steps_at_acceptance.py).
    assert [s.name for s in planned] == ["受理", "初审", "复审", "决定"] and all(
        s.pk for s in planned
    )
    actions.complete_review_step(
        case, actor=reviewer, opinion="符合条件", outcome="approve", on=day("2025-09-23")
    )
    steps = list(case.steps.order_by("order"))
    assert [(s.name, s.state) for s in steps] == [
        ("受理", "done"),
        ("初审", "done"),
        ("复审", "pending"),
        ("决定", "pending"),
    ]
    # The window's step was done by the acceptance itself, by the clerk who accepted.
    assert steps[0].done_by == clerk and steps[0].done_on == day("2025-09-22")
    assert (
        steps[1].done_by == reviewer
        and steps[1].opinion == "符合条件"
        and steps[1].section.name == "市场准入科"
    )


def test_a_step_is_assigned_only_to_staff_of_its_section_with_its_role(
    item, applicant, clerk, reviewer, second_reviewer, signatory, far_staff
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    first_review = actions.steps_of(case)[1]
    for wrong, why in ((second_reviewer, "市场准入科"), (far_staff, "在岗"), (clerk, "角色")):
        before = events(case)
        with pytest.raises(ValidationFailed) as e:
            actions.assign_step(case, first_review, actor=signatory, assignee=wrong)
        assert why in e.value.fields["assignee"][0]
        assert events(case) == before
    actions.assign_step(case, first_review, actor=signatory, assignee=reviewer)
    step = case.steps.get(name="初审")
    assert step.assignee == reviewer
    assert case.events.last().data["assignee_name"] == "李初审"


def test_an_assigned_step_is_completed_only_by_its_assignee(
    item, applicant, clerk, reviewer, make_staff, county, bureau, section, signatory
):
    colleague = make_staff("colleague", county, Role.REVIEWER, bureau=bureau, section=section)
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    actions.assign_step(case, actions.steps_of(case)[1], actor=signatory, assignee=colleague)
    before = events(case)
    with pytest.raises(NotPermitted):
        actions.complete_review_step(
            case, actor=reviewer, opinion="同意", outcome="approve", on=day("2025-09-23")
        )
    assert events(case) == before
    actions.complete_review_step(
        case, actor=colleague, opinion="同意", outcome="approve", on=day("2025-09-23")
    )
    assert case.steps.get(name="初审").done_by == colleague


def test_an_unassigned_step_is_open_to_its_role_and_section_only(
    item, applicant, clerk, reviewer, second_reviewer
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    # 初审 belongs to 市场准入科: a reviewer of no section may not take it.
    with pytest.raises(NotPermitted):
        actions.complete_review_step(
            case, actor=second_reviewer, opinion="同意", outcome="approve", on=day("2025-09-23")
        )
    with pytest.raises(ValidationFailed) as e:
        actions.complete_review_step(
            case, actor=reviewer, opinion="  ", outcome="approve", on=day("2025-09-23")
        )
    assert "opinion" in e.value.fields
    with pytest.raises(ValidationFailed) as e:
        actions.complete_review_step(
            case, actor=reviewer, opinion="同意", outcome="maybe", on=day("2025-09-23")
        )
    assert "outcome" in e.value.fields
    case = reviewed(case, reviewer, second_reviewer, "2025-09-23")
    assert case.steps.get(name="复审").done_by == second_reviewer


def test_the_decision_step_is_not_completed_as_a_review_step(
    item, applicant, clerk, reviewer, second_reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    case = reviewed(case, reviewer, second_reviewer, "2025-09-23")
    assert any("决定" in b for b in actions.complete_review_step_blockers(case))
    with pytest.raises(InvalidTransition):
        actions.complete_review_step(
            case, actor=signatory, opinion="同意", outcome="approve", on=day("2025-09-24")
        )


def test_a_decision_waits_for_every_review_step(item, applicant, clerk, reviewer, signatory):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    assert actions.grant_blockers(case, on=day("2025-09-23")) == [
        "审批环节“初审”尚未完成",
        "审批环节“复审”尚未完成",
    ]
    with pytest.raises(InvalidTransition) as e:
        actions.deny(case, actor=signatory, on=day("2025-09-23"), reasons="不符合条件")
    assert e.value.reasons == ["审批环节“初审”尚未完成", "审批环节“复审”尚未完成"]
    actions.complete_review_step(
        case, actor=reviewer, opinion="同意", outcome="approve", on=day("2025-09-23")
    )
    assert actions.grant_blockers(case, on=day("2025-09-23")) == ["审批环节“复审”尚未完成"]
    assert case.state == State.ACCEPTED


# --- site inspection ----------------------------------------------------------------------


def test_a_site_inspection_needs_two_distinct_staff_of_the_region(
    item, applicant, clerk, reviewer, second_reviewer, far_staff
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    attempts = [[reviewer], [reviewer, reviewer], [reviewer, far_staff], []]
    for people in attempts:
        with pytest.raises(ValidationFailed) as e:
            actions.record_site_inspection(
                case,
                actor=reviewer,
                on=day("2025-09-24"),
                place="平罗县城关镇鼓楼街8号",
                findings="经营场所与申报一致",
                inspectors=people,
            )
        assert "inspectors" in e.value.fields
    assert SiteInspection.objects.count() == 0 and events(case) == 2
    with pytest.raises(ValidationFailed) as e:
        actions.record_site_inspection(
            case,
            actor=reviewer,
            on=day("2025-09-24"),
            place="",
            findings="",
            inspectors=[reviewer, second_reviewer],
        )
    assert set(e.value.fields) == {"place", "findings"}

    inspection = actions.record_site_inspection(
        case,
        actor=reviewer,
        on=day("2025-09-24"),
        place="平罗县城关镇鼓楼街8号",
        findings="经营场所与申报一致",
        inspectors=[reviewer, second_reviewer],
    )
    assert set(inspection.inspectors.all()) == {reviewer, second_reviewer}
    event = case.events.last()
    assert event.action == "record_site_inspection" and event.on == day("2025-09-24")
    assert [i["name"] for i in event.data["inspectors"]] == ["李初审", "赵复审"]


def test_an_overseer_a_clerk_or_another_departments_supervisor_is_no_inspector(
    item, applicant, clerk, reviewer, make_staff, county, bureau, department
):
    from oneseal.catalogue.models import ItemVersion
    from oneseal.organisation.models import Department

    case = accepted_case(item, applicant, clerk, "2025-09-22")
    overseer = make_staff(
        "overseer", county, Role.OVERSEER, display_name="纪检监察员", bureau=bureau
    )
    window = make_staff("window2", county, Role.CLERK, display_name="窗口二", bureau=bureau)
    other = Department.objects.create(region=county, name="平罗县交通运输局")
    wrong_supervisor = make_staff(
        "transport", county, Role.SUPERVISOR, display_name="交通监管员", department=other
    )
    for person, why in (
        (overseer, "纪检监察员是监督人员（只读），不能参与现场核查"),
        (window, "窗口二不是本局具有审查职责的工作人员"),
        (wrong_supervisor, "交通监管员不是本局具有审查职责的工作人员"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            actions.record_site_inspection(
                case,
                actor=reviewer,
                on=day("2025-09-24"),
                place="平罗县城关镇鼓楼街8号",
                findings="经营场所与申报一致",
                inspectors=[reviewer, person],
            )
        assert why in refused.value.fields["inspectors"][0]
    assert SiteInspection.objects.count() == 0
    # The item's supervising department (its former approving department) may send a supervisor.
    ItemVersion.objects.filter(pk=item.item_version_id).update(original_department=department)
    supervisor = make_staff(
        "market", county, Role.SUPERVISOR, display_name="市场监管员", department=department
    )
    inspection = actions.record_site_inspection(
        case,
        actor=reviewer,
        on=day("2025-09-24"),
        place="平罗县城关镇鼓楼街8号",
        findings="经营场所与申报一致",
        inspectors=[reviewer, supervisor],
    )
    assert set(inspection.inspectors.all()) == {reviewer, supervisor}


# --- suspension ---------------------------------------------------------------------------


def test_a_suspension_states_its_procedure_reason_and_expected_time(
    item, applicant, clerk, reviewer
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    with pytest.raises(ValidationFailed) as e:
        actions.suspend(
            case, actor=reviewer, kind="picnic", reason=" ", expected_days=0, on=day("2025-09-24")
        )
    assert set(e.value.fields) == {"kind", "reason", "expected_days"}
    with pytest.raises(ValidationFailed) as e:
        actions.suspend(
            case,
            actor=reviewer,
            kind="expert_review",
            reason="组织专家评审",
            expected_days=5,
            on=day("2025-09-19"),
        )
    assert "on" in e.value.fields  # before the acceptance

    case = actions.suspend(
        case,
        actor=reviewer,
        kind="expert_review",
        reason="组织专家评审",
        expected_days=5,
        on=day("2025-09-24"),
    )
    assert case.state == State.SUSPENDED
    event = case.events.last()
    assert event.notice_due == "special_procedure"
    # Expected end, 5 working days after Wednesday 9/24: 9/25, 9/26, Sunday 9/28, 9/29, 9/30.
    assert event.data["kind_label"] == "专家评审" and event.data["expected_end"] == "2025-09-30"
    assert event.data["reason"] == "组织专家评审" and event.data["expected_days"] == 5
    with pytest.raises(InvalidTransition):  # one suspension at a time
        actions.suspend(
            case,
            actor=reviewer,
            kind="testing",
            reason="检测",
            expected_days=3,
            on=day("2025-09-25"),
        )
    assert Suspension.objects.filter(case=case).count() == 1


def test_resuming_cannot_be_dated_before_the_suspension(item, applicant, clerk, reviewer):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    case = actions.suspend(
        case, actor=reviewer, kind="testing", reason="送检", expected_days=3, on=day("2025-09-24")
    )
    with pytest.raises(ValidationFailed) as e:
        actions.resume(case, actor=reviewer, on=day("2025-09-23"))
    assert "on" in e.value.fields
    assert case.state == State.SUSPENDED


# --- extension ----------------------------------------------------------------------------


def test_an_extension_is_asked_by_a_reviewer_approved_by_the_head_and_given_once(
    item, applicant, clerk, reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    # Promised: 9/23, 9/24, 9/25, 9/26, Sunday 9/28 → 9/28. Statutory 20: then 9/29, 9/30, (10/1–10/8
    # off) 10/9, 10/10, Saturday 10/11, 10/13–10/17, 10/20–10/24 → 10/24.
    assert (case.promised_due, case.statutory_due) == (day("2025-09-28"), day("2025-10-24"))
    with pytest.raises(ValidationFailed) as e:
        actions.request_extension(case, actor=reviewer, reason=" ", on=day("2025-09-25"))
    assert "reason" in e.value.fields
    with pytest.raises(InvalidTransition) as e:
        actions.approve_extension(case, actor=signatory, on=day("2025-09-25"))
    assert e.value.message == "尚未申请延期"

    case = actions.request_extension(
        case, actor=reviewer, reason="需补充核查经营场所", on=day("2025-09-25")
    )
    assert case.promised_due == day("2025-09-28")  # nothing moves before the head approves
    case = actions.approve_extension(case, actor=signatory, on=day("2025-09-26"))
    # +10 working days. Promised 9/28 → 9/29, 9/30, 10/9, 10/10, 10/11, 10/13, 10/14, 10/15, 10/16, 10/17.
    # Statutory 10/24 → 10/27–10/31, 11/3–11/7.
    assert (case.promised_due, case.statutory_due) == (day("2025-10-17"), day("2025-11-07"))
    assert case.extended
    event = case.events.last()
    assert event.notice_due == "extension" and event.data["reason"] == "需补充核查经营场所"
    assert event.data["basis"].endswith("第四十二条第一款")
    extension = Extension.objects.get(case=case)
    assert (extension.requested_by, extension.approved_by, extension.days) == (
        reviewer,
        signatory,
        10,
    )

    before = events(case)
    with pytest.raises(InvalidTransition) as e:
        actions.request_extension(case, actor=reviewer, reason="再延一次", on=day("2025-09-29"))
    assert "只能延期一次" in e.value.message
    with pytest.raises(InvalidTransition) as e:
        actions.approve_extension(case, actor=signatory, on=day("2025-09-29"))
    assert "只能延期一次" in e.value.message
    assert events(case) == before


def test_an_extension_is_not_approved_by_whoever_asked_for_it(
    item, applicant, clerk, make_staff, county, signatory
):
    both = make_staff("both", county, Role.REVIEWER, Role.SIGNATORY)
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    actions.request_extension(case, actor=both, reason="需听取利害关系人意见", on=day("2025-09-23"))
    with pytest.raises(InvalidTransition) as e:
        actions.approve_extension(case, actor=both, on=day("2025-09-23"))
    assert "申请人以外" in e.value.message
    actions.approve_extension(case, actor=signatory, on=day("2025-09-23"))


def test_no_extension_while_suspended(item, applicant, clerk, reviewer, signatory):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    actions.suspend(
        case,
        actor=reviewer,
        kind="appraisal",
        reason="委托鉴定",
        expected_days=10,
        on=day("2025-09-23"),
    )
    with pytest.raises(InvalidTransition) as e:
        actions.request_extension(case, actor=reviewer, reason="鉴定复杂", on=day("2025-09-24"))
    assert e.value.message == "办件中止期间不能延期，请先恢复办理"
    assert not Extension.objects.filter(case=case).exists()


def test_a_joint_item_extends_by_fifteen_working_days(
    make_item, applicant, clerk, reviewer, signatory
):
    hi = make_item(is_joint=True, statutory_limit_days=45, promised_limit_days=20)
    case = accepted_case(hi, applicant, clerk, "2025-09-22")
    # Joint handling, 45 working days from 9/22: 9/23–9/26 (4), 9/28 (5), 9/29, 9/30 (7), 10/9, 10/10, 10/11 (10),
    # then seven full weeks 10/13–11/28 (45) → 11/28. Promised 20: the first 10, then 10/13–10/24 → 10/24.
    assert (case.promised_due, case.statutory_due) == (day("2025-10-24"), day("2025-11-28"))
    actions.request_extension(case, actor=reviewer, reason="多部门联合办理", on=day("2025-09-23"))
    # 第四十二条第二款: the bureau head alone cannot grant the 15 days; the government's head does.
    with pytest.raises(ValidationFailed) as refused:
        actions.approve_extension(case, actor=signatory, on=day("2025-09-23"))
    assert set(refused.value.fields) == {"government_approver", "approval_document"}
    assert not Extension.objects.get(case=case).approved_on
    case = actions.approve_extension(
        case,
        actor=signatory,
        on=day("2025-09-23"),
        government_approver="平罗县人民政府县长王某",
        approval_document="平政批〔2025〕12号",
    )
    extension = Extension.objects.get(case=case)
    assert (extension.government_approver, extension.approval_document) == (
        "平罗县人民政府县长王某",
        "平政批〔2025〕12号",
    )
    assert extension.approved_by == signatory
    # +15: 10/24 → 10/27–10/31, 11/3–11/7, 11/10–11/14; 11/28 → 12/1–12/5, 12/8–12/12, 12/15–12/19.
    assert (case.promised_due, case.statutory_due) == (day("2025-11-14"), day("2025-12-19"))
    assert case.events.last().data["basis"].endswith("第四十二条第二款")
    assert case.events.last().data["government_approver"] == "平罗县人民政府县长王某"


def test_a_bureau_heads_extension_records_no_government_approval(
    item, applicant, clerk, reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    actions.request_extension(case, actor=reviewer, reason="需补充核查", on=day("2025-09-23"))
    case = actions.approve_extension(
        case, actor=signatory, on=day("2025-09-23"), government_approver="某县长"
    )
    extension = Extension.objects.get(case=case)
    assert (
        extension.days == 10
        and extension.government_approver == ""
        and extension.approval_document == ""
    )
    assert case.events.last().data["basis"].endswith("第四十二条第一款")


def test_extension_then_suspension_keeps_the_extended_days(
    item, applicant, clerk, reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    actions.request_extension(case, actor=reviewer, reason="需补充核查", on=day("2025-09-23"))
    case = actions.approve_extension(case, actor=signatory, on=day("2025-09-23"))
    assert case.promised_due == day("2025-10-17")  # as in the test above
    case = actions.suspend(
        case,
        actor=reviewer,
        kind="hearing",
        reason="依申请举行听证",
        expected_days=20,
        on=day("2025-09-24"),
    )
    # After Wednesday 9/24 up to 10/17: 9/25, 9/26, 9/28, 9/29, 9/30, 10/9, 10/10, 10/11, 10/13–10/17 → 13.
    assert case.promised_remaining_at_suspension == 13
    case = actions.resume(case, actor=reviewer, on=day("2025-11-03"))
    # 13 working days after Monday 11/3: 11/4–11/7 (4), 11/10–11/14 (9), 11/17–11/20 (13) → 11/20.
    assert case.promised_due == day("2025-11-20")
    assert case.suspended_on is None and case.promised_remaining_at_suspension is None


# --- permissions --------------------------------------------------------------------------


def _suspended(case, reviewer):
    return actions.suspend(
        case, actor=reviewer, kind="testing", reason="送检", expected_days=3, on=day("2025-09-23")
    )


def _requested(case, reviewer):
    return actions.request_extension(
        case, actor=reviewer, reason="需补充核查", on=day("2025-09-23")
    )


REVIEW_ACTIONS = {
    "assign_step": (
        None,
        lambda case, who, ctx: actions.assign_step(
            case, actions.steps_of(case)[2], actor=who, assignee=ctx["second_reviewer"]
        ),
    ),
    "complete_review_step": (
        None,
        lambda case, who, ctx: actions.complete_review_step(
            case, actor=who, opinion="同意", outcome="approve", on=day("2025-09-23")
        ),
    ),
    "record_site_inspection": (
        None,
        lambda case, who, ctx: actions.record_site_inspection(
            case,
            actor=who,
            on=day("2025-09-23"),
            place="现场",
            findings="一致",
            inspectors=[ctx["reviewer"], ctx["second_reviewer"]],
        ),
    ),
    "suspend": (None, lambda case, who, ctx: _suspended(case, who)),
    "resume": (
        _suspended,
        lambda case, who, ctx: actions.resume(case, actor=who, on=day("2025-09-24")),
    ),
    "request_extension": (None, lambda case, who, ctx: _requested(case, who)),
    "approve_extension": (
        _requested,
        lambda case, who, ctx: actions.approve_extension(case, actor=who, on=day("2025-09-24")),
    ),
}


@pytest.mark.parametrize("name", sorted(REVIEW_ACTIONS))
def test_outsiders_cannot_take_review_actions_and_nothing_is_written(
    name,
    item,
    applicant,
    clerk,
    reviewer,
    second_reviewer,
    signatory,
    far_staff,
    supervisor,
    applicant_user,
):
    setup, act = REVIEW_ACTIONS[name]
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    if setup:
        case = setup(case, reviewer)
    ctx = {"reviewer": reviewer, "second_reviewer": second_reviewer}
    for outsider in (far_staff, supervisor, clerk, applicant_user):
        before = (
            events(case),
            CaseStep.objects.filter(assignee__isnull=False).count(),
            SiteInspection.objects.count(),
            Suspension.objects.count(),
            Extension.objects.filter(approved_on__isnull=False).count(),
        )
        with pytest.raises(NotPermitted):
            act(case, outsider, ctx)
        after = (
            events(case),
            CaseStep.objects.filter(assignee__isnull=False).count(),
            SiteInspection.objects.count(),
            Suspension.objects.count(),
            Extension.objects.filter(approved_on__isnull=False).count(),
        )
        assert after == before, outsider
    # The same call by the right person goes through, so the refusals above were about the actor.
    act(case, signatory if name == "approve_extension" else reviewer, ctx)
    assert events(case) == before[0] + 1
