"""Transition and liaison (seed 000 四(二)6): during a department's transition period its
technical support requests go to the liaison it named; after the period, to the department
by its duty boundary list — decided in linkage's `request_support`, on real dates around the
2025 National Day holiday."""

import pytest
from django.urls import reverse

from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.linkage import actions as linkage_actions
from oneseal.linkage.models import SupportRequest
from oneseal.testing import accepted_case, day
from oneseal.transfers import actions
from oneseal.transfers.models import Transition


@pytest.fixture
def transition(department, head, signatory):
    return actions.open_transition(
        department,
        actor=signatory,
        liaison=head.staff,
        liaison_title="市场监管局副局长",
        starts_on="2025-07-01",
        duties="到审批局现场办公，指导办理原审批业务，协调划转初期的问题。",
    )


@pytest.fixture
def boundary(item, admin_user, department):
    return linkage_actions.save_duty_boundary(
        item.item_version.item,
        actor=admin_user,
        supervising_department=department,
        bureau_duties="受理、审查、决定",
        department_duties="事中事后监管",
        support_duties=[{"kind": "site_survey", "description": "现场核查", "limit_days": 3}],
    )


def test_a_transition_lasts_three_months_unless_said_otherwise(transition):
    assert (transition.starts_on, transition.ends_on) == (day("2025-07-01"), day("2025-09-30"))
    assert transition.liaison_name == "周局长"


def test_the_liaison_must_be_a_supervisor_of_that_department(department, signatory, clerk, head):
    with pytest.raises(ValidationFailed) as refused:
        actions.open_transition(
            department, actor=signatory, liaison=clerk.staff, starts_on="2025-07-01", duties="x"
        )
    assert "liaison" in refused.value.fields


def test_transitions_of_a_department_do_not_overlap(transition, department, signatory, head):
    with pytest.raises(ValidationFailed) as refused:
        actions.open_transition(
            department, actor=signatory, liaison=head.staff, starts_on="2025-09-01", duties="x"
        )
    assert refused.value.fields["starts_on"] == ["与已有过渡期（2025年7月1日至2025年9月30日）重叠"]
    assert Transition.objects.count() == 1


def test_another_countys_staff_and_a_clerk_cannot_open_one(department, head, far_staff, clerk):
    for user in (far_staff, clerk):
        with pytest.raises(NotPermitted):
            actions.open_transition(
                department, actor=user, liaison=head.staff, starts_on="2025-07-01", duties="x"
            )


def test_support_goes_to_the_liaison_on_the_last_day_and_by_the_duty_list_after(
    transition, boundary, item, applicant, clerk, reviewer, head
):
    first = accepted_case(item, applicant, clerk, "2025-09-26")
    during = linkage_actions.request_support(
        first, actor=reviewer, kind="site_survey", details="车间布局核查", on=day("2025-09-30")
    )
    assert (during.route, during.liaison, during.liaison_name) == ("liaison", head, "周局长")
    assert during.days == 3  # still the duty list's limit
    second = accepted_case(item, applicant, clerk, "2025-09-30")
    after = linkage_actions.request_support(
        second, actor=reviewer, kind="site_survey", details="仓库核查", on=day("2025-10-09")
    )
    assert (after.route, after.liaison, after.liaison_name) == ("duty_list", None, "")
    assert after.department == transition.department


def test_without_a_transition_or_a_duty_list_it_goes_to_the_original_department(
    item, applicant, clerk, reviewer
):
    case = accepted_case(item, applicant, clerk, "2025-09-26")
    request = linkage_actions.request_support(
        case, actor=reviewer, kind="testing", details="抽样检验", days=5, on=day("2025-09-30")
    )
    assert request.route == SupportRequest.Route.DEPARTMENT and request.liaison is None


def test_e_supervision_shows_the_running_transition_and_what_its_liaison_owes(
    client, transition, boundary, item, applicant, clerk, reviewer, signatory
):
    import time_machine

    from oneseal.testing import at

    case = accepted_case(item, applicant, clerk, "2025-09-26")
    linkage_actions.request_support(
        case, actor=reviewer, kind="site_survey", details="车间布局核查", on=day("2025-09-30")
    )
    client.force_login(signatory)
    with time_machine.travel(at("2025-09-30 10:00"), tick=False):
        body = client.get(reverse("esupervision:dashboard")).content.decode()
    assert "过渡期未了结事项" in body and "周局长" in body and "过渡期还剩0天" in body
    assert case.number in body
    # After the period the liaison's open request keeps the transition on the list.
    with time_machine.travel(at("2025-10-09 10:00"), tick=False):
        body = client.get(reverse("esupervision:dashboard")).content.decode()
    assert "过渡期已结束" in body and case.number in body


def test_the_transitions_page_opens_one(client, signatory, department, head):
    client.force_login(signatory)
    r = client.post(
        reverse("transfers:transitions"),
        {
            "department": department.pk,
            "liaison": head.staff.pk,
            "starts_on": "2025-07-01",
            "duties": "现场办公指导",
        },
    )
    assert r.status_code == 302
    assert Transition.objects.get().ends_on == day("2025-09-30")
    assert "周局长" in client.get(reverse("transfers:transitions")).content.decode()


def test_the_support_request_page_and_the_departments_inbox_name_the_liaison(
    client, transition, boundary, item, applicant, clerk, reviewer, head
):
    case = accepted_case(item, applicant, clerk, "2025-09-26")
    request = linkage_actions.request_support(
        case, actor=reviewer, kind="site_survey", details="车间布局核查", on=day("2025-09-30")
    )
    client.force_login(head)
    body = client.get(reverse("linkage:support", args=[request.pk])).content.decode()
    assert "送达途径：过渡期联络人 周局长" in body
    assert "过渡期联络人 周局长" in client.get(reverse("linkage:inbox")).content.decode()
