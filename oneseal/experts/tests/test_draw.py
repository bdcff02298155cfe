"""The draw on real data: each exclusion found from the stored facts, the record (seed, pool
size, eligible, excluded with reasons) reproducing the experts, a shortfall refused with
nothing stored, and the overrides, which need a reason and are listed for e-supervision."""

import pytest
from django.contrib.auth import get_user_model

from oneseal.cases.models import State
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.esupervision.actions import declare_conflict
from oneseal.experts import actions, queries, rules
from oneseal.experts.models import Draw, Expert, ExpertReview
from oneseal.experts.rules import Reason
from oneseal.organisation.models import Role
from oneseal.testing import day

APPLICANT_CODE = "91350100M000100Y43"


def open_for(case, reviewer, field, n=1, on="2025-09-29", ends="2025-10-10"):
    return actions.open_review(
        case,
        actor=reviewer,
        field=field,
        experts_needed=n,
        subject="食品加工场所布局评审",
        ends_on=day(ends),
        on=day(on),
    )


def excluded_reasons(draw) -> dict[int, list[str]]:
    return {row["expert"]: row["reasons"] for row in draw.excluded}


def test_each_exclusion_is_found_and_recorded(
    case,
    reviewer,
    clerk,
    make_expert,
    building,
    other_county,
    make_staff,
    county,
    bureau,
    food,
    root,
):
    ok = make_expert("合格专家")
    wrong_field = make_expert("建筑专家", fields=[building])
    employee = make_expert("申请人员工", code=APPLICANT_CODE, employer="平罗县𠮷祥餐饮有限公司")
    by_name = make_expert("同名单位员工", employer="平罗县𠮷祥餐饮有限公司")
    far = make_expert("外县专家", region=other_county, actor=root)
    away = make_expert("出差专家")
    actions.add_unavailability(
        away, actor=reviewer, starts_on=day("2025-10-08"), ends_on=day("2025-10-15")
    )
    relative = make_expert("亲属专家")
    actions.declare_expert_conflict(
        relative,
        actor=reviewer,
        relative_name="𠮷祥餐饮",
        relation="organisation",
        number=APPLICANT_CODE,
    )
    # An expert who is also staff declared in e-supervision: the draw reads that declaration.
    staff_user = make_staff("engineer", county, Role.SUPERVISOR)
    declare_conflict(
        actor=staff_user, relative_name="𠮷祥餐饮", relation="organisation", number=APPLICANT_CODE
    )
    staff_expert = make_expert("兼任专家", user=staff_user)
    suspended = make_expert("暂停专家")
    actions.suspend_expert(suspended, actor=reviewer, reason="连续两次评价差")

    review = open_for(case, reviewer, food)
    draw = review.draws.get()
    assert draw.kind == Draw.Kind.INITIAL and draw.pool_size == 9 and draw.requested == 1
    assert draw.eligible == [ok.pk] and draw.drawn == [ok.pk]
    assert draw.seed.isdigit() and not draw.override
    assert excluded_reasons(draw) == {
        wrong_field.pk: [Reason.FIELD],
        employee.pk: [Reason.EMPLOYER],
        by_name.pk: [Reason.EMPLOYER],
        far.pk: [Reason.REGION],
        away.pk: [Reason.UNAVAILABLE],
        relative.pk: [Reason.RELATIVE],
        staff_expert.pk: [Reason.RELATIVE],
        suspended.pk: [Reason.SUSPENDED],
    }
    assert review.assignments.get().expert == ok


def test_a_city_expert_serves_the_county_and_a_county_expert_not_the_city(
    case, reviewer, make_expert, county, food, root
):
    city_expert = make_expert("市级专家", region=county.parent, actor=root)
    review = open_for(case, reviewer, food)
    assert city_expert.pk in review.draws.get().eligible


def test_one_who_reviewed_the_same_applicant_recently_is_not_drawn(
    handling_item, applicant, clerk, reviewer, make_expert, expert_user, food, settings
):
    from oneseal.testing import accepted_case

    settings.ONESEAL_EXPERT_RECENT_DAYS = 180
    earlier = accepted_case(handling_item, applicant, clerk, "2025-03-03")
    veteran = make_expert("老专家", user=expert_user)
    first = open_for(earlier, reviewer, food, on="2025-03-10", ends="2025-03-20")
    actions.accept_invitation(first.assignments.get(expert=veteran), actor=expert_user)
    fresh = make_expert("新专家")
    later = accepted_case(handling_item, applicant, clerk, "2025-08-25")
    review = open_for(later, reviewer, food, on="2025-09-01", ends="2025-09-10")
    draw = review.draws.get()
    assert excluded_reasons(draw)[veteran.pk] == [Reason.RECENT]
    assert draw.drawn == [fresh.pk]
    # Beyond the configured period the same expert may be drawn again.
    settings.ONESEAL_EXPERT_RECENT_DAYS = 30
    third = accepted_case(handling_item, applicant, clerk, "2025-09-15")
    draw = open_for(third, reviewer, food, on="2025-09-16", ends="2025-09-26").draws.get()
    assert veteran.pk in draw.eligible


def test_the_recorded_draw_is_reproduced_from_its_seed(case, reviewer, make_expert, food):
    experts = [make_expert(f"专家{i}") for i in range(12)]
    review = open_for(case, reviewer, food, n=3)
    draw = review.draws.get()
    assert draw.eligible == sorted(e.pk for e in experts)
    # Re-run from the record: the same three, in the same order.
    assert rules.draw(draw.seed, draw.eligible, draw.requested) == draw.drawn
    assert queries.reproduces(draw)
    assert sorted(review.assignments.values_list("expert_id", flat=True)) == sorted(draw.drawn)


def test_too_few_eligible_refuses_and_stores_nothing(case, reviewer, make_expert, food):
    make_expert("唯一专家")
    with pytest.raises(ValidationFailed) as exc:
        open_for(case, reviewer, food, n=2)
    assert "experts_needed" in exc.value.fields
    assert not ExpertReview.objects.exists() and not Draw.objects.exists()
    case.refresh_from_db()
    assert case.state == State.ACCEPTED


def test_only_staff_of_the_case_region_open_a_review(
    case, far_staff, clerk, make_expert, food, applicant_user
):
    make_expert("专家甲")
    for outsider in (far_staff, clerk, applicant_user):
        with pytest.raises(NotPermitted):
            open_for(case, outsider, food)


def test_a_guide_without_expert_review_cannot_have_one(
    make_item, applicant, clerk, reviewer, make_expert, food
):
    from oneseal.testing import accepted_case

    hi = make_item(procedures=("hearing",))
    case = accepted_case(hi, applicant, clerk, "2025-09-22")
    make_expert("专家甲")
    with pytest.raises(Exception, match="未列明专家评审"):
        open_for(case, reviewer, food)


def test_hand_picking_needs_a_reason_and_e_supervision_lists_it(
    case, reviewer, make_expert, food, building, county
):
    drawn = make_expert("抽中专家")
    review = open_for(case, reviewer, food)
    chosen = make_expert("指定专家", fields=[building])
    actions.remove_expert(review.assignments.get(expert=drawn), actor=reviewer, reason="联系不上")
    # The removal drew again, and nobody else in food is eligible: the seat is empty.
    with pytest.raises(ValidationFailed) as exc:
        actions.appoint_expert(review, chosen, actor=reviewer, reason="  ")
    assert "reason" in exc.value.fields
    assignment = actions.appoint_expert(
        review, chosen, actor=reviewer, reason="本县仅此一名冷链专家"
    )
    draw = assignment.draw
    assert draw.kind == Draw.Kind.APPOINTMENT and draw.override
    assert draw.excluded == [
        {"expert": chosen.pk, "name": "指定专家", "reasons": [Reason.FIELD], "waived": True}
    ]
    listed = list(queries.overrides(county.prefix))
    # Each names who was hand-picked or taken off, then why.
    assert [d.reason for d in listed] == [
        "指定专家指定专家：本县仅此一名冷链专家",
        "撤换专家抽中专家：联系不上",
    ]
    assert list(queries.overrides("640202")) == []


def test_a_conflicted_expert_is_never_appointed(case, reviewer, make_expert, food):
    make_expert("抽中专家")
    review = open_for(case, reviewer, food)
    actions.remove_expert(review.assignments.get(), actor=reviewer, reason="回避")
    employee = make_expert("申请人员工", code=APPLICANT_CODE)
    with pytest.raises(ValidationFailed, match="申请人单位的工作人员"):
        actions.appoint_expert(review, employee, actor=reviewer, reason="指定")
    suspended = make_expert("暂停专家")
    actions.suspend_expert(suspended, actor=reviewer, reason="违规")
    with pytest.raises(ValidationFailed, match="已暂停抽取"):
        actions.appoint_expert(review, suspended, actor=reviewer, reason="指定")


def test_removing_an_expert_needs_a_reason(case, reviewer, make_expert, food):
    make_expert("专家甲")
    review = open_for(case, reviewer, food)
    with pytest.raises(ValidationFailed) as exc:
        actions.remove_expert(review.assignments.get(), actor=reviewer, reason="")
    assert "reason" in exc.value.fields
    assert not Draw.objects.filter(override=True).exists()


def test_a_suspended_expert_is_never_drawn(case, reviewer, make_expert, food):
    experts = [make_expert(f"专家{i}") for i in range(5)]
    actions.suspend_expert(experts[0], actor=reviewer, reason="评价差")
    review = open_for(case, reviewer, food, n=4)
    assert experts[0].pk not in review.draws.get().drawn
    experts[0].refresh_from_db()
    assert experts[0].status == Expert.Status.SUSPENDED


def test_the_pool_is_kept_by_reviewers_of_its_region(reviewer, far_staff, county, food, clerk):
    with pytest.raises(NotPermitted):
        actions.register_expert(
            actor=far_staff,
            region=county,
            name="某专家",
            id_number="640221197001010011",
            fields=[food],
            title="教授",
            employer_name="宁夏大学",
            phone="1",
        )
    with pytest.raises(ValidationFailed) as exc:
        actions.register_expert(
            actor=reviewer,
            region=county,
            name="",
            id_number="640221197001010012",
            fields=[],
            title="",
            employer_name="宁夏大学",
            employer_credit_code="123",
            phone="1",
        )
    assert set(exc.value.fields) == {"name", "id_number", "fields", "title", "employer_credit_code"}
    assert get_user_model().objects.filter(expert__isnull=False).count() == 0


def test_fields_are_the_installation_s_list(reviewer, root, food):
    with pytest.raises(NotPermitted):
        actions.create_field(actor=reviewer, code="water", name="水利")
    with pytest.raises(NotPermitted):
        actions.create_field(code="water", name="水利")
    with pytest.raises(ValidationFailed) as exc:
        actions.create_field(actor=root, code="Food!", name="食品安全")
    assert set(exc.value.fields) == {"code", "name"}
    assert actions.create_field(actor=root, code="water", name="水利").name == "水利"


def test_dates_outside_today_or_the_calendar_are_refused_by_field(
    case, reviewer, make_expert, food
):
    import datetime

    from oneseal.calendars.queries import today

    make_expert("专家甲")
    future = today() + datetime.timedelta(days=3)
    with pytest.raises(ValidationFailed) as exc:
        open_for(
            case,
            reviewer,
            food,
            on=future.isoformat(),
            ends=(future + datetime.timedelta(days=9)).isoformat(),
        )
    assert "on" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        open_for(case, reviewer, food, ends="9999-12-31")
    assert "ends_on" in exc.value.fields
    assert not ExpertReview.objects.exists()
