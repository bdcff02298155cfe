import pytest

from oneseal.cases import actions
from oneseal.cases.models import CaseMaterial
from oneseal.esupervision import actions as esupervision_actions
from oneseal.esupervision import jobs
from oneseal.esupervision.models import CaseMilestone, Milestone, Rule, RuleHit, Workday
from oneseal.organisation.models import Staff
from oneseal.testing import accepted_case, at, day, reviewed

from .conftest import granted, rollup

pytestmark = pytest.mark.django_db


def test_the_workday_table_counts_working_days_as_the_calendar_does():
    from oneseal.calendars.queries import current_calendar

    jobs.refresh_workdays()
    cal = current_calendar()
    ordinal = dict(
        Workday.objects.filter(day__range=(day("2025-01-24"), day("2025-02-12"))).values_list(
            "day", "ordinal"
        )
    )
    # Spring Festival 2025: 28 January to 4 February off, 26 January and 8 February worked.
    assert ordinal[day("2025-02-12")] - ordinal[day("2025-01-24")] == cal.between(
        day("2025-01-24"), day("2025-02-12")
    )
    assert not jobs.refresh_workdays(), "an unchanged calendar is not rebuilt"


def test_a_decided_case_has_its_milestones_with_working_days_and_who_took_each_step(
    item, applicant, clerk, reviewer, second_reviewer, signatory, section
):
    case = granted(
        item,
        applicant,
        clerk,
        reviewer,
        second_reviewer,
        signatory,
        accepted="2025-03-03",
        decided="2025-03-06",
    )
    result = rollup()
    rows = {m.kind: m for m in CaseMilestone.objects.filter(case=case, source_id=0)}
    assert set(rows) == {Milestone.RECEIVED, Milestone.ACCEPTED, Milestone.DECIDED}
    steps = list(
        CaseMilestone.objects.filter(case=case, source_id__gt=0)
        .order_by("source_id")
        .values_list("kind", "handler__display_name", "section__name")
    )
    # 受理 → 初审 (市场准入科) → 复审 → 决定, each with who did it.
    assert steps == [
        ("step_clerk", "王窗口", None),
        ("step_reviewer", "李初审", "市场准入科"),
        ("step_reviewer", "赵复审", None),
        ("step_signatory", "张局长", None),
    ]
    assert rows[Milestone.RECEIVED].happened_on == day("2025-03-03")
    assert rows[Milestone.RECEIVED].online is False and rows[Milestone.RECEIVED].visits == 1
    assert rows[Milestone.ACCEPTED].handler == Staff.objects.get(user=clerk)
    decided = rows[Milestone.DECIDED]
    assert decided.working_days == 3 and decided.on_time is True
    assert decided.handler == Staff.objects.get(user=signatory)
    # The decision counts for the signatory's section (none here), not the item's first step's.
    assert (
        decided.section is None
        and decided.department_id == item.item_version.original_department_id
    )
    assert decided.item_id == item.item_version.item_id and decided.region_code == "640221"
    assert result.cases == 1


def test_suspended_working_days_do_not_count(
    item, applicant, clerk, reviewer, second_reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    actions.suspend(
        case,
        actor=reviewer,
        kind="expert_review",
        reason="专家评审",
        expected_days=3,
        on=day("2025-03-04"),
    )
    actions.resume(case, actor=reviewer, on=day("2025-03-07"))
    reviewed(case, reviewer, second_reviewer, "2025-03-07")
    actions.grant(
        case,
        actor=signatory,
        on=day("2025-03-10"),
        scope="预包装食品销售",
        valid_from=day("2025-03-10"),
        valid_until=None,
    )
    rollup()
    # 4 March to 10 March is 5 working days, of which 5, 6 and 7 March were suspended.
    assert CaseMilestone.objects.get(case=case, kind=Milestone.DECIDED).working_days == 2


def test_rollup_reads_only_new_events_and_writes_each_hit_once(item, applicant, clerk, reviewer):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    rollup()
    assert set(CaseMilestone.objects.filter(case=case).values_list("kind", flat=True)) == {
        "received",
        "accepted",
        "step_clerk",
    }
    for n in range(3):
        actions.suspend(
            case,
            actor=reviewer,
            kind="testing",
            reason="检测",
            expected_days=1,
            on=day(f"2025-03-0{4 + n}"),
        )
        actions.resume(case, actor=reviewer, on=day(f"2025-03-0{4 + n}"))
    first = rollup()
    assert first.hits[Rule.REPEATED_SUSPENSION] == 1
    second = rollup()
    assert second.hits[Rule.REPEATED_SUSPENSION] == 0 and RuleHit.objects.count() == 1
    hit = RuleHit.objects.get()
    assert hit.case == case and hit.data == {"nth": 3}
    assert hit.event == case.events.filter(action="suspend").order_by("seq").last()


def test_a_decision_on_a_weekend_or_late_in_the_evening_is_a_hit(
    item, applicant, clerk, reviewer, second_reviewer, signatory, recorded_at, make_staff, county
):
    from oneseal.applicants.actions import register_applicant

    recorded_at("2025-03-08 10:00")  # a Saturday, recorded that day
    weekend = granted(
        item,
        applicant,
        clerk,
        reviewer,
        second_reviewer,
        signatory,
        accepted="2025-03-03",
        decided="2025-03-08",
    )
    other = register_applicant(
        actor=clerk, kind="person", name="马甲", number="640221198001011237", phone="13900000000"
    )
    recorded_at("2025-03-10 22:30")  # a Monday evening
    evening = granted(
        item,
        other,
        clerk,
        reviewer,
        second_reviewer,
        signatory,
        accepted="2025-03-10",
        decided="2025-03-10",
    )
    recorded_at("2025-03-12 09:30")  # Wednesday morning: in office hours
    third = register_applicant(
        actor=clerk, kind="person", name="马乙", number="640221199002150049", phone="13900000001"
    )
    granted(
        item,
        third,
        clerk,
        reviewer,
        second_reviewer,
        signatory,
        accepted="2025-03-12",
        decided="2025-03-12",
    )
    rollup()
    hits = {h.case_id: h for h in RuleHit.objects.filter(rule=Rule.OFF_HOURS_DECISION)}
    assert set(hits) == {weekend.pk, evening.pk}
    assert hits[weekend.pk].data["non_workday"] is True
    assert hits[evening.pk].data["when"] == "2025-03-10 22:30"


def test_a_decision_entered_later_is_judged_by_the_date_it_bears(
    item, applicant, clerk, reviewer, second_reviewer, signatory, recorded_at
):
    recorded_at(
        "2025-03-12 23:00"
    )  # entered late in the evening, for a decision dated the Monday before
    granted(
        item,
        applicant,
        clerk,
        reviewer,
        second_reviewer,
        signatory,
        accepted="2025-03-03",
        decided="2025-03-10",
    )
    rollup()
    assert not RuleHit.objects.filter(rule=Rule.OFF_HOURS_DECISION).exists()


def test_an_acceptance_after_a_refusal_of_the_same_item_is_a_hit(item, applicant, clerk):
    refused = actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    actions.refuse(
        refused,
        actor=clerk,
        clause="2",
        reason="不属于本机关职权",
        competent_body="市市场监管局",
        on=day("2025-03-03"),
    )
    again = accepted_case(item, applicant, clerk, "2025-03-05")
    rollup()
    hit = RuleHit.objects.get(rule=Rule.REFUSAL_REVERSED)
    assert hit.case == again and hit.data == {
        "refused_case": refused.number,
        "refused_on": "2025-03-03",
    }


def test_a_deemed_acceptance_with_a_core_material_missing_is_a_hit(item, applicant, clerk):
    case = actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    assert actions.deem_accepted(case, today=day("2025-03-11")) is not None
    complete = actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 10:00"))
    complete.materials.update(status=CaseMaterial.Status.PROVIDED)
    actions.deem_accepted(complete, today=day("2025-03-11"))
    rollup()
    hit = RuleHit.objects.get(rule=Rule.CORE_MATERIAL_MISSING)
    assert hit.case == case and hit.data == {"material": "食品经营许可申请书", "count": 1}


def test_a_clerk_acting_on_a_declared_relatives_case_is_a_hit(
    item, applicant, clerk, make_staff, county
):
    other_clerk = make_staff("clerk2", county, "clerk", display_name="马窗口")
    accepted_case(item, applicant, clerk, "2025-03-03")
    accepted_case(item, applicant, other_clerk, "2025-03-04")
    esupervision_actions.declare_conflict(
        actor=clerk,
        relative_name=applicant.name,
        relation="organisation",
        number=applicant.credit_code.lower(),
    )
    rollup()
    hits = RuleHit.objects.filter(rule=Rule.CONFLICT_OF_INTEREST)
    # Only the declarer's own actions on the first case: receive, check materials is no event, accept.
    assert sorted(hits.values_list("event__action", flat=True)) == ["accept", "receive"]
    assert {h.actor_name for h in hits} == {"王窗口"}


def test_a_second_correction_notice_is_refused_unless_about_the_reply_and_then_a_hit(
    item, applicant, clerk
):
    from oneseal.errors import ValidationFailed

    case = actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    form, rules_doc = case.materials.order_by("material__order")
    actions.check_materials(
        case,
        actor=clerk,
        statuses={
            form.pk: CaseMaterial.Status.PROVIDED,
            rules_doc.pk: CaseMaterial.Status.PROVIDED,
        },
    )
    actions.request_correction(
        case, actor=clerk, on=day("2025-03-04"), items={form.pk: "申请书未签字"}
    )
    actions.submit_correction(case, actor=clerk, on=day("2025-03-06"))
    # The management rules were there from the start: the one-time notice should have said so.
    with pytest.raises(ValidationFailed, match="一次性告知") as refused:
        actions.request_correction(
            case, actor=clerk, on=day("2025-03-07"), items={rules_doc.pk: "缺少签章"}
        )
    assert "食品安全管理制度" in refused.value.fields["items"][0]
    # The signed form the reply brought may be asked about again — recorded, and shown.
    case = actions.request_correction(
        case, actor=clerk, on=day("2025-03-07"), items={form.pk: "签字与身份证不符"}
    )
    event = case.events.order_by("-seq").first()
    assert (
        event.data["repeat"] is True and event.data["nth"] == 2 and event.notice_due == "correction"
    )
    rollup()
    hit = RuleHit.objects.get(rule=Rule.REPEATED_CORRECTION)
    assert (
        hit.case == case
        and hit.event == event
        and hit.data == {"nth": 2, "materials": ["食品经营许可申请书"]}
    )
    assert (
        RuleHit.objects.filter(rule=Rule.REPEATED_CORRECTION).count() == 1
    )  # the first notice is no hit
