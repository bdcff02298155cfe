"""Assigning a review step on the case page: each pending step offers only the staff the action
accepts for it (one rule, `cases.actions.review.assignees_for`, which `assignee_problem` keeps) —
not the other sections' reviewers, the city bureau's or a department's — and one choice names
both the step and its assignee."""

import pytest
from django.urls import reverse

from oneseal.cases import actions
from oneseal.cases.actions.review import assignee_problem, assignees_for
from oneseal.errors import ValidationFailed
from oneseal.organisation.models import Bureau, Role, Section
from oneseal.regions.models import Region
from oneseal.testing import accepted_case


@pytest.fixture
def city_reviewer(make_staff, county):
    city = Region.objects.get(code="640200")
    city_bureau = Bureau.objects.create(region=city, name="石嘴山市审批服务管理局")
    return make_staff("city", city, Role.REVIEWER, display_name="市局审查", bureau=city_bureau)


@pytest.fixture
def department_reviewer(make_staff, county, department):
    return make_staff("dept", county, Role.REVIEWER, display_name="部门人员", department=department)


@pytest.fixture
def everyone(reviewer, second_reviewer, signatory, far_staff, city_reviewer, department_reviewer):
    return [reviewer, second_reviewer, signatory, far_staff, city_reviewer, department_reviewer]


@pytest.fixture
def running(item, applicant, clerk):
    return accepted_case(item, applicant, clerk, "2025-09-22")


def test_the_choices_of_each_step_are_who_the_action_accepts(
    running, reviewer, second_reviewer, signatory, everyone
):
    steps = {s.name: s for s in actions.steps_of(running)}
    assert set(assignees_for(running, steps["初审"])) == {reviewer}  # its section only
    assert set(assignees_for(running, steps["复审"])) == {reviewer, second_reviewer}
    assert set(assignees_for(running, steps["决定"])) == {signatory}
    for name in ("初审", "复审", "决定"):
        offered = set(assignees_for(running, steps[name]))
        for user in everyone:
            if user not in offered:
                with pytest.raises(ValidationFailed):
                    actions.assign_step(running, steps[name], actor=signatory, assignee=user)


def _assign_form(body: str) -> str:
    start = body.index('id="form-assign-step"')
    return body[start : body.index("</form>", start)]


def test_the_form_offers_each_step_its_own_staff(
    client, running, reviewer, second_reviewer, signatory, everyone
):
    client.force_login(signatory)
    body = client.get(reverse("workbench:case", args=[running.pk])).content.decode()
    form = _assign_form(body)
    steps = {s.name: s for s in actions.steps_of(running)}
    first, second, decision = steps["初审"], steps["复审"], steps["决定"]
    assert f'value="{first.review_step_id}:{reviewer.pk}"' in form
    assert f'value="{first.review_step_id}:{second_reviewer.pk}"' not in form
    assert f'value="{second.review_step_id}:{second_reviewer.pk}"' in form
    assert f'value="{decision.review_step_id}:{signatory.pk}"' in form
    assert f'value="{decision.review_step_id}:{reviewer.pk}"' not in form
    for name in ("市局审查", "部门人员", "外区人员"):
        assert name not in form

    r = client.post(
        reverse("workbench:act", args=[running.pk, "assign-step"]),
        {
            "assignment": f"{first.review_step_id}:{reviewer.pk}",
            "expected_version": running.lock_version,
        },
    )
    assert r.status_code == 302
    assert running.steps.get(name="初审").assignee == reviewer


def test_a_posted_assignee_the_step_may_not_have_is_refused_on_the_field(
    client, running, signatory, city_reviewer
):
    client.force_login(signatory)
    second = next(s for s in actions.steps_of(running) if s.name == "复审")
    r = client.post(
        reverse("workbench:act", args=[running.pk, "assign-step"]),
        {
            "assignment": f"{second.review_step_id}:{city_reviewer.pk}",
            "expected_version": running.lock_version,
        },
    )
    assert r.status_code == 400
    form = _assign_form(r.content.decode())
    assert "承办人须为平罗县审批服务管理局的工作人员" in form
    assert running.steps.get(name="复审").assignee is None


def test_the_staff_offered_and_the_staff_accepted_agree_for_every_step(
    running, everyone, make_staff, county, bureau, section, root
):
    other_section = Section.objects.create(bureau=bureau, name="社会事务科")
    left = make_staff("left", county, Role.SIGNATORY, display_name="已离岗", bureau=bureau)
    left.is_active = False
    left.save(update_fields=["is_active"])
    candidates = [
        *everyone,
        left,
        root,  # every role as a superuser, but no staff record of the bureau
        make_staff("clerk2", county, Role.CLERK, display_name="窗口", bureau=bureau),
        make_staff(
            "social",
            county,
            Role.REVIEWER,
            display_name="社会事务科审查",
            bureau=bureau,
            section=other_section,
        ),
        make_staff("both", county, Role.REVIEWER, Role.SIGNATORY, bureau=bureau, section=section),
    ]
    for step in actions.steps_of(running):
        offered = set(assignees_for(running, step))
        assert offered  # each step has someone to take it
        for user in candidates:
            problem = assignee_problem(running, step, user)
            assert (problem is None) == (user in offered), (step.name, user.username, problem)
