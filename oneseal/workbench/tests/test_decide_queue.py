"""The decision and review queues' semi-join rules (`_decision_filter`, `_review_filter`) list
exactly the cases the pending-step annotation (`with_current_step`) says wait for each user: a
pending signatory step unassigned, assigned to them or to another, a reviewer's step still
before it (in a section or assigned), and a case not yet worked on whose item has no review
steps."""

import pytest
from django.db.models import Q

from oneseal.cases import actions
from oneseal.cases.models import CaseStep, State
from oneseal.catalogue.models import ReviewStep
from oneseal.testing import accepted_case, reviewed
from oneseal.workbench import queries

pytestmark = pytest.mark.django_db


def by_annotation(user):
    """The rule as the annotation of each case's pending step says it."""
    mine = Q(step_assignee=user.pk) | Q(step_assignee__isnull=True)
    ready = (
        (Q(step_role=ReviewStep.Role.SIGNATORY) & mine)
        | Q(step_role__isnull=True)
        | Q(handling_item__is_instant=True)
    )
    rows = queries.with_current_step(queries.case_rows(user).filter(state=State.ACCEPTED))
    return set(rows.filter(ready).values_list("pk", flat=True))


def listed(user, queue="decide"):
    return set(queries.queue_cases(user, queries.QUEUE_BY_KEY[queue]).values_list("pk", flat=True))


def reviewing(user):
    """The review queue's rule as the annotation says it."""
    reviewer = ReviewStep.Role.REVIEWER
    rows = queries.with_current_step(queries.case_rows(user).filter(state=State.ACCEPTED))
    if user.is_superuser:
        return set(rows.filter(step_role=reviewer).values_list("pk", flat=True))
    section = user.staff.section_id
    unassigned = Q(step_assignee__isnull=True) & (
        Q(step_section__isnull=True) | Q(step_section=section)
    )
    ready = Q(step_role=reviewer) & (Q(step_assignee=user.pk) | unassigned)
    return set(rows.filter(ready).values_list("pk", flat=True))


def test_the_decision_queue_lists_what_the_pending_step_says(
    item, make_item, applicant, clerk, reviewer, second_reviewer, signatory, deputy, root
):
    waiting_review = accepted_case(item, applicant, clerk, "2025-03-03")
    unassigned = reviewed(
        accepted_case(item, applicant, clerk, "2025-03-04"), reviewer, second_reviewer, "2025-03-05"
    )
    to_deputy = reviewed(
        accepted_case(item, applicant, clerk, "2025-03-04"), reviewer, second_reviewer, "2025-03-05"
    )
    step = CaseStep.objects.get(case=to_deputy, state=CaseStep.StepState.PENDING)
    actions.assign_step(to_deputy, step, actor=signatory, assignee=deputy)
    no_steps = accepted_case(make_item(steps=False), applicant, clerk, "2025-03-06")
    reviewed(
        accepted_case(item, applicant, clerk, "2025-03-07"), reviewer, second_reviewer, "2025-03-07"
    )
    first = CaseStep.objects.filter(
        case=accepted_case(item, applicant, clerk, "2025-03-07"), state=CaseStep.StepState.PENDING
    ).order_by("order", "id")[0]
    actions.assign_step(first.case, first, actor=signatory, assignee=reviewer)
    for user in (signatory, deputy, root):
        assert listed(user) == by_annotation(user)
    for user in (reviewer, second_reviewer, root):
        assert listed(user, "review") == reviewing(user)
    assert listed(reviewer, "review") and waiting_review.pk in listed(reviewer, "review")
    assert first.case_id in listed(reviewer, "review")
    assert unassigned.pk in listed(signatory) and to_deputy.pk not in listed(signatory)
    assert to_deputy.pk in listed(deputy) and waiting_review.pk not in listed(deputy)
    assert no_steps.pk in listed(signatory)


def test_the_decision_queue_reads_the_cases_alone(
    make_item, item, applicant, clerk, signatory, root
):
    """A case of an item decided on the spot (即办件) waits for the decision whatever its steps
    say, and the queue says so without joining the catalogue: with the join, PostgreSQL read
    the accepted cases in the table's order from wherever the last scan had stopped, and at
    1,000,000 cases, where the accepted ones are the newest tenth of the table, one page in
    about twenty read the other nine tenths first (390 ms of 40; docs/performance.md). On
    the cases alone it reads them by the index of accepted cases (`case_running_statutory`)."""
    instant = accepted_case(make_item(is_instant=True), applicant, clerk, "2025-03-03")
    waiting = accepted_case(item, applicant, clerk, "2025-03-03")
    assert CaseStep.objects.filter(case=instant, state=CaseStep.StepState.PENDING).exists()
    for user in (signatory, root):
        assert instant.pk in listed(user) and waiting.pk not in listed(user)
        assert listed(user) == by_annotation(user)
        decide = queries.QUEUE_BY_KEY["decide"]
        sql = str(decide.cases(user, queries.case_rows(user)).order_by().values("pk").query)
        assert "JOIN" not in sql
