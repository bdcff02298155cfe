"""Rating a finished case once, the follow-up a bad rating opens, and who may do what."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from oneseal.audit.models import AuditEvent
from oneseal.calendars.queries import current_calendar
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.ratings import actions
from oneseal.ratings.models import FollowUp, Rating


def test_the_owner_rates_a_finished_case_once(own_case, applicant_user):
    rating = actions.rate(
        own_case, actor=applicant_user, score=5, reasons=["polite", "fast"], comment=" 很快 "
    )
    assert (rating.score, rating.reasons, rating.comment, rating.channel) == (
        5,
        ["polite", "fast"],
        "很快",
        "online",
    )
    assert rating.region_code == "640221" and rating.rated_on == timezone.localdate()
    assert not FollowUp.objects.exists()
    assert AuditEvent.objects.filter(action="ratings.rate", subject_id=str(rating.pk)).exists()
    with pytest.raises(InvalidTransition) as exc:
        actions.rate(own_case, actor=applicant_user, score=1, reasons=["attitude"])
    assert "只能评价一次" in str(exc.value.message)
    assert Rating.objects.get().score == 5


def test_a_running_case_cannot_be_rated(running_case, applicant_user):
    with pytest.raises(InvalidTransition) as exc:
        actions.rate(running_case, actor=applicant_user, score=5)
    assert "办结后才能评价" in str(exc.value.message)


@pytest.mark.parametrize("who", ["other_applicant_user", "clerk", "far_clerk", "anonymous"])
def test_nobody_but_the_owner_rates_online(who, own_case, request):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(NotPermitted):
        actions.rate(own_case, actor=actor, score=5)
    assert not Rating.objects.exists()


def test_a_bad_rating_opens_a_follow_up_due_in_the_bureaus_working_days(
    own_case, applicant_user, signatory, bureau
):
    actions.set_answer_days(bureau, actor=signatory, days=3)
    rating = actions.rate(
        own_case, actor=applicant_user, score=2, reasons=["late", "repeat_visits"]
    )
    follow_up = rating.follow_up
    today = timezone.localdate()
    assert follow_up.state == FollowUp.FollowUpState.OPEN and follow_up.days == 3
    assert (
        follow_up.opened_on == today and follow_up.due_on == current_calendar().add(today, 3).date
    )
    assert AuditEvent.objects.filter(action="ratings.open_follow_up").count() == 1


def test_bad_input_names_the_field_and_writes_nothing(own_case, applicant_user):
    with pytest.raises(ValidationFailed) as exc:
        actions.rate(own_case, actor=applicant_user, score=1, reasons=[])
    assert "reasons" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        actions.rate(own_case, actor=applicant_user, score=5, reasons=["attitude"])
    assert "所选原因与评分不符" in exc.value.fields["reasons"][0]
    with pytest.raises(ValidationFailed) as exc:
        actions.rate(own_case, actor=applicant_user, score=0)
    assert "score" in exc.value.fields
    assert not Rating.objects.exists() and not FollowUp.objects.exists()


def test_the_window_device_records_on_the_closing_day_through_a_clerk_of_the_region(
    handling_item, applicant, clerk, far_clerk
):
    from .conftest import refused

    case = refused(handling_item, applicant, clerk)
    with pytest.raises(NotPermitted):
        actions.rate(case, actor=far_clerk, score=5, channel="window")
    with pytest.raises(ValidationFailed) as exc:
        actions.rate(
            case,
            actor=clerk,
            score=5,
            channel="window",
            on=case.closed_on - datetime.timedelta(days=1),
        )
    assert "办结当天" in exc.value.fields["channel"][0]
    rating = actions.rate(case, actor=clerk, score=4, reasons=["one_visit"], channel="window")
    assert rating.channel == "window" and rating.applicant == applicant and rating.rated_by == clerk


def test_a_clerk_of_the_region_answers_and_the_answer_is_kept(bad_rating, clerk):
    follow_up = actions.answer_follow_up(
        bad_rating.follow_up,
        actor=clerk,
        answer="已电话回访，说明该事项无需许可；办事指南已补充说明。",
    )
    assert follow_up.state == FollowUp.FollowUpState.ANSWERED
    assert follow_up.answered_by == clerk and follow_up.answered_on == timezone.localdate()
    with pytest.raises(InvalidTransition):
        actions.answer_follow_up(follow_up, actor=clerk, answer="再次回复")


@pytest.mark.parametrize("who", ["far_clerk", "applicant_user", "supervisor"])
def test_others_cannot_answer(who, bad_rating, request):
    with pytest.raises(NotPermitted):
        actions.answer_follow_up(
            bad_rating.follow_up, actor=request.getfixturevalue(who), answer="已处理"
        )
    assert FollowUp.objects.get().state == FollowUp.FollowUpState.OPEN


def test_an_empty_answer_is_refused_on_the_answer_field(bad_rating, clerk):
    with pytest.raises(ValidationFailed) as exc:
        actions.answer_follow_up(bad_rating.follow_up, actor=clerk, answer="  ")
    assert "answer" in exc.value.fields


def test_an_assigned_follow_up_is_answered_by_its_assignee_or_a_signatory(
    bad_rating, clerk, reviewer, signatory, far_clerk
):
    with pytest.raises(ValidationFailed) as exc:
        actions.assign_follow_up(bad_rating.follow_up, actor=clerk, assignee=far_clerk)
    assert "assignee" in exc.value.fields
    with pytest.raises(NotPermitted):
        actions.assign_follow_up(bad_rating.follow_up, actor=reviewer, assignee=reviewer)
    actions.assign_follow_up(bad_rating.follow_up, actor=clerk, assignee=reviewer)
    with pytest.raises(NotPermitted):
        actions.answer_follow_up(bad_rating.follow_up, actor=clerk, answer="已处理")
    actions.answer_follow_up(bad_rating.follow_up, actor=signatory, answer="局长督办，已整改")
    assert FollowUp.objects.get().answered_by == signatory


def test_only_a_signatory_sets_the_answer_days(bureau, signatory, clerk):
    with pytest.raises(NotPermitted):
        actions.set_answer_days(bureau, actor=clerk, days=10)
    with pytest.raises(ValidationFailed) as exc:
        actions.set_answer_days(bureau, actor=signatory, days=0)
    assert "answer_days" in exc.value.fields
    assert actions.answer_days(bureau) == 5
    actions.set_answer_days(bureau, actor=signatory, days=10)
    assert actions.answer_days(bureau) == 10
