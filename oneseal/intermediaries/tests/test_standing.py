"""Staff decisions on an intermediary's standing, and its account."""

import pytest

from oneseal.audit.models import AuditEvent
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.intermediaries import actions
from oneseal.intermediaries.models import Engagement
from oneseal.testing import accepted_case, day


def test_suspend_reinstate_remove_need_a_keeper_and_a_reason(
    make_intermediary, admin_user, clerk, far_staff
):
    row = make_intermediary("甲检测")
    for actor in (clerk, far_staff):
        with pytest.raises(NotPermitted):
            actions.suspend_intermediary(row, actor=actor, reason="投诉核查")
    with pytest.raises(ValidationFailed) as caught:
        actions.suspend_intermediary(row, actor=admin_user, reason="  ")
    assert "reason" in caught.value.fields
    with pytest.raises(InvalidTransition):  # not suspended
        actions.reinstate_intermediary(row, actor=admin_user, reason="核查完毕")
    row = actions.suspend_intermediary(
        row, actor=admin_user, reason="投诉核查", on=day("2025-09-30")
    )
    assert row.status == "suspended" and row.status_reason == "投诉核查"
    assert row.status_since == day("2025-09-30") and row.suspension_rule == {}
    row = actions.reinstate_intermediary(row, actor=admin_user, reason="核查完毕")
    assert row.status == "active" and row.status_reason == ""
    row = actions.remove_intermediary(row, actor=admin_user, reason="出具虚假报告")
    assert row.status == "removed"
    with pytest.raises(InvalidTransition):
        actions.reinstate_intermediary(row, actor=admin_user, reason="再议")
    with pytest.raises(InvalidTransition):
        actions.remove_intermediary(row, actor=admin_user, reason="再议")
    assert list(
        AuditEvent.objects.filter(action__startswith="intermediaries.")
        .order_by("id")
        .values_list("action", flat=True)
    )[-3:] == [
        "intermediaries.suspend_by_staff",
        "intermediaries.reinstate",
        "intermediaries.remove",
    ]


def test_a_removed_intermediary_cannot_be_chosen(
    handling_item,
    own_applicant,
    clerk,
    applicant_user,
    listing,
    make_intermediary,
    service,
    admin_user,
):
    case = accepted_case(handling_item, own_applicant, clerk, "2025-09-22")
    gone = make_intermediary("清退检测")
    kept = make_intermediary("在册检测")
    actions.remove_intermediary(gone, actor=admin_user, reason="出具虚假报告")
    with pytest.raises(ValidationFailed) as caught:
        actions.engage(
            case, actor=applicant_user, service=service, method="direct", intermediary=gone
        )
    assert "intermediary" in caught.value.fields
    engagement = actions.engage(
        case, actor=applicant_user, service=service, method="random", on=day("2025-09-29")
    )
    assert engagement.qualified == [kept.pk] and len(engagement.seed) == 32
    assert engagement.method == Engagement.Method.RANDOM and not engagement.chosen_by_staff


def test_an_upheld_appeal_does_not_undo_a_removal(make_intermediary, admin_user, agency_user):
    row = make_intermediary("甲检测", user=agency_user)
    actions.suspend_intermediary(row, actor=admin_user, reason="投诉核查")
    appeal = actions.appeal(row, actor=agency_user, reason="投诉不实")
    actions.remove_intermediary(row, actor=admin_user, reason="出具虚假报告")
    actions.decide_appeal(appeal, actor=admin_user, upheld=True, answer="投诉不实，但另有违规")
    row.refresh_from_db()
    assert row.status == "removed"


def test_open_account_through_the_organisation(
    make_intermediary, admin_user, clerk, django_user_model
):
    row = make_intermediary("甲检测")
    with pytest.raises(NotPermitted):
        actions.open_account(row, actor=clerk, username="jiajc", password="a-long-pass-9")
    with pytest.raises(ValidationFailed) as caught:
        actions.open_account(row, actor=admin_user, username="clerk", password="123")
    # Both problems at once: the name is taken, the password fails the validators.
    assert set(caught.value.fields) == {"username", "password"}
    user = actions.open_account(row, actor=admin_user, username="jiajc", password="a-long-pass-9")
    row.refresh_from_db()
    assert row.user == user and user.check_password("a-long-pass-9")
    assert not user.is_staff and not user.is_superuser and user.first_name == "甲检测"
    assert not hasattr(user, "staff") or user.staff is None
    with pytest.raises(InvalidTransition) as refused:
        actions.open_account(row, actor=admin_user, username="jiajc2", password="a-long-pass-9")
    assert "username" in refused.value.fields
    assert not django_user_model.objects.filter(username="jiajc2").exists()
    assert AuditEvent.objects.filter(action="intermediaries.open_account").count() == 1
