"""An expert review from opening to rating: the case suspended (第四十五条) with its notice for
exactly the review's working days across the 2025 National Day holiday, the experts'
answers on their own account only, a decline replaced by a recorded draw, the expert's view
of the case ending with their opinion, and the staff's conclusion, rating and fee."""

import pytest
from django.contrib.auth import get_user_model

from oneseal.calendars.queries import current_calendar
from oneseal.cases.models import State, Suspension
from oneseal.documents.models import Document, PendingNotice
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.experts import actions, queries
from oneseal.experts.models import Assignment, Draw, ExpertReview
from oneseal.testing import accepted_case, day


def user(name):
    return get_user_model().objects.create_user(username=name, password="pw-" + name)


@pytest.fixture
def panel(make_expert):
    """Five food experts with accounts."""
    return [make_expert(f"专家{i}", user=user(f"exp{i}")) for i in range(5)]


def assignment_of(review, expert):
    return review.assignments.get(expert=expert)


def drawn_experts(review, panel):
    ids = set(review.assignments.filter(state="invited").values_list("expert_id", flat=True))
    return [e for e in panel if e.pk in ids]


def test_the_review_period_is_exactly_what_the_clocks_leave_out_across_national_day(
    handling_item, applicant, clerk, reviewer, panel, food
):
    # Accepted Fri 2025-09-26: promised 5 working days → 10-10 (Sun 09-28 is a working day,
    # 10-01…10-08 are the holiday); statutory 20 → 10-30.
    case = accepted_case(handling_item, applicant, clerk, "2025-09-26")
    assert (case.promised_due, case.statutory_due) == (day("2025-10-10"), day("2025-10-30"))
    review = actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=2,
        subject="冷库布局",
        ends_on=day("2025-10-10"),
        on=day("2025-09-29"),
    )
    case.refresh_from_db()
    assert case.state == State.SUSPENDED
    suspension = Suspension.objects.get(case=case)
    assert suspension.kind == "expert_review" and suspension.stops_statutory
    # 09-30, 10-09, 10-10: three working days; the holiday is not counted twice.
    assert suspension.expected_days == 3 and suspension.expected_end == day("2025-10-10")
    assert (
        PendingNotice.objects.filter(case=case, kind="special_procedure").exists()
        or Document.objects.filter(case=case, kind="special_procedure").exists()
    )
    for expert in drawn_experts(review, panel):
        a = assignment_of(review, expert)
        actions.accept_invitation(a, actor=expert.user)
        actions.submit_opinion(
            a, actor=expert.user, opinion="布局合理", score=88, conclusion="agree"
        )
    actions.conclude_review(review, actor=reviewer, conclusion="同意", on=day("2025-10-10"))
    case.refresh_from_db()
    assert case.state == State.ACCEPTED
    # Exactly the review's working days (after 09-29 up to 10-10) are added back.
    assert case.promised_due == day("2025-10-14")
    assert case.statutory_due == day("2025-11-04")
    cal = current_calendar()
    # 09-30, 10-09 and 10-10; 10-11 is a Saturday worked for the holiday.
    assert cal.between(day("2025-09-29"), day("2025-10-10")) == 3
    assert cal.between(day("2025-10-10"), case.promised_due) == 3
    assert cal.between(day("2025-10-30"), case.statutory_due) == cal.between(
        day("2025-09-29"), day("2025-10-10")
    )


def test_a_decline_draws_a_replacement_that_is_recorded(case, reviewer, panel, food):
    review = actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=2,
        subject="评审",
        ends_on=day("2025-10-10"),
        on=day("2025-09-29"),
    )
    first, second = drawn_experts(review, panel)
    with pytest.raises(ValidationFailed) as exc:
        actions.decline_invitation(assignment_of(review, first), actor=first.user, reason="")
    assert "reason" in exc.value.fields
    replacement = actions.decline_invitation(
        assignment_of(review, first), actor=first.user, reason="本人近期出差"
    )
    assert replacement.kind == Draw.Kind.REPLACEMENT and replacement.requested == 1
    assert not replacement.override and "本人近期出差" in replacement.reason
    # The decliner and the other drawn expert are excluded as already on the review.
    excluded = {row["expert"]: row["reasons"] for row in replacement.excluded}
    assert excluded[first.pk] == ["on_review"] and excluded[second.pk] == ["on_review"]
    assert len(replacement.drawn) == 1 and replacement.drawn[0] not in (first.pk, second.pk)
    assert queries.reproduces(replacement)
    assert review.assignments.filter(state="invited").count() == 2
    assert assignment_of(review, first).state == Assignment.State.DECLINED


def test_only_the_drawn_expert_answers_for_themselves(case, reviewer, panel, food):
    review = actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=1,
        subject="评审",
        ends_on=day("2025-10-10"),
        on=day("2025-09-29"),
    )
    (drawn,) = drawn_experts(review, panel)
    other = next(e for e in panel if e != drawn)
    a = assignment_of(review, drawn)
    for intruder in (other.user, reviewer):
        with pytest.raises(NotPermitted):
            actions.accept_invitation(a, actor=intruder)
        with pytest.raises(NotPermitted):
            actions.submit_opinion(a, actor=intruder, opinion="x", score=1, conclusion="agree")
    with pytest.raises(InvalidTransition):
        actions.submit_opinion(a, actor=drawn.user, opinion="x", score=1, conclusion="agree")


def test_the_expert_sees_the_case_only_until_the_opinion_is_in(case, reviewer, panel, food):
    review = actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=1,
        subject="评审",
        ends_on=day("2025-10-10"),
        on=day("2025-09-29"),
    )
    (drawn,) = drawn_experts(review, panel)
    other = next(e for e in panel if e != drawn)
    a = assignment_of(review, drawn)
    assert list(queries.own_assignments(drawn.user)) == [a]
    assert list(queries.own_assignments(other.user)) == []
    actions.accept_invitation(a, actor=drawn.user)
    assert list(queries.own_assignments(drawn.user)) == [a]
    with pytest.raises(ValidationFailed) as exc:
        actions.submit_opinion(a, actor=drawn.user, opinion=" ", score=101, conclusion="maybe")
    assert set(exc.value.fields) == {"opinion", "score", "conclusion"}
    actions.submit_opinion(a, actor=drawn.user, opinion="同意", score=90, conclusion="agree")
    assert list(queries.own_assignments(drawn.user)) == []
    assert [x.pk for x in queries.finished_assignments(drawn.user)] == [a.pk]


def test_concluding_needs_every_opinion_then_staff_rate_and_pay(case, reviewer, panel, food):
    review = actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=1,
        subject="评审",
        ends_on=day("2025-10-10"),
        on=day("2025-09-29"),
    )
    (drawn,) = drawn_experts(review, panel)
    a = assignment_of(review, drawn)
    with pytest.raises(InvalidTransition, match="少于所需"):
        actions.conclude_review(review, actor=reviewer, conclusion="同意", on=day("2025-10-09"))
    with pytest.raises(InvalidTransition, match="评审完成后"):
        actions.rate_expert(a, actor=reviewer, rating=5)
    actions.accept_invitation(a, actor=drawn.user)
    actions.submit_opinion(a, actor=drawn.user, opinion="同意", score=90, conclusion="agree")
    actions.conclude_review(review, actor=reviewer, conclusion="同意", on=day("2025-10-09"))
    review.refresh_from_db()
    assert review.state == ExpertReview.State.CONCLUDED
    with pytest.raises(ValidationFailed):
        actions.rate_expert(a, actor=reviewer, rating=6)
    actions.rate_expert(a, actor=reviewer, rating=4, note="意见具体")
    with pytest.raises(InvalidTransition, match="已评价"):
        actions.rate_expert(a, actor=reviewer, rating=5)
    with pytest.raises(ValidationFailed) as exc:
        actions.record_fee(a, actor=reviewer, amount="1.234", paid_on=day("2025-10-15"))
    assert "amount" in exc.value.fields
    actions.record_fee(a, actor=reviewer, amount="800.00", paid_on=day("2025-10-15"))
    a.refresh_from_db()
    assert (a.rating, str(a.fee)) == (4, "800.00")
    record = queries.expert_record(drawn)
    assert record["mean_rating"] == 4


def test_staff_of_another_county_cannot_conclude_or_rate(case, reviewer, far_staff, panel, food):
    review = actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=1,
        subject="评审",
        ends_on=day("2025-10-10"),
        on=day("2025-09-29"),
    )
    with pytest.raises(NotPermitted):
        actions.conclude_review(review, actor=far_staff, conclusion="同意")
    with pytest.raises(NotPermitted):
        actions.draw_more(review, actor=far_staff)
    with pytest.raises(NotPermitted):
        actions.remove_expert(review.assignments.get(), actor=far_staff, reason="x")


def test_a_shortfall_after_a_decline_is_filled_by_a_later_draw(case, reviewer, make_expert, food):
    a_user, b_user = user("ea"), user("eb")
    first = make_expert("甲", user=a_user)
    review = actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=1,
        subject="评审",
        ends_on=day("2025-10-10"),
        on=day("2025-09-29"),
    )
    draw = actions.decline_invitation(assignment_of(review, first), actor=a_user, reason="回避")
    assert draw.drawn == [] and draw.eligible == []
    second = make_expert("乙", user=b_user)
    more = actions.draw_more(review, actor=reviewer)
    assert more.drawn == [second.pk] and more.kind == Draw.Kind.REPLACEMENT
    assert review.assignments.get(expert=second).state == Assignment.State.INVITED
    with pytest.raises(InvalidTransition, match="人数已满"):
        actions.draw_more(review, actor=reviewer)


def test_a_conclusion_dated_after_today_is_refused(case, reviewer, panel, food):
    import datetime

    from oneseal.calendars.queries import today

    review = actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=1,
        subject="评审",
        ends_on=day("2025-10-10"),
        on=day("2025-09-29"),
    )
    (drawn,) = drawn_experts(review, panel)
    a = assignment_of(review, drawn)
    actions.accept_invitation(a, actor=drawn.user)
    actions.submit_opinion(a, actor=drawn.user, opinion="同意", score=90, conclusion="agree")
    with pytest.raises(ValidationFailed) as exc:
        actions.conclude_review(
            review, actor=reviewer, conclusion="同意", on=today() + datetime.timedelta(days=1)
        )
    assert "on" in exc.value.fields
    case.refresh_from_db()
    assert case.state == State.SUSPENDED
