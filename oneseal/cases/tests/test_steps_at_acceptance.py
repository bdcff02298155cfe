"""Acceptance stores the case's review steps at once, so every list of work to do (the
workbench, the API) shows them from that moment; deemed acceptance does the same."""

import importlib

from django.apps import apps as django_apps
from rest_framework.test import APIClient

from oneseal.cases import actions
from oneseal.cases.models import CaseMaterial, CaseStep
from oneseal.testing import accepted_case, at, day
from oneseal.workbench.queries import with_current_step


def test_acceptance_stores_the_steps_with_the_window_step_done_by_the_clerk(item, applicant, clerk):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    steps = list(CaseStep.objects.filter(case=case).order_by("order"))
    assert [(s.name, s.state) for s in steps] == [
        ("受理", "done"),
        ("初审", "pending"),
        ("复审", "pending"),
        ("决定", "pending"),
    ]
    assert (
        steps[0].done_by == clerk
        and steps[0].done_on == day("2025-09-22")
        and steps[0].opinion == "予以受理"
    )
    assert steps[1].section.name == "市场准入科"
    # The workbench's query of the pending step reads the stored rows.
    annotated = with_current_step(type(case).objects.filter(pk=case.pk)).get()
    assert annotated.step_role == "reviewer" and annotated.step_section == steps[1].section_id


def test_the_api_answers_an_acceptance_with_the_stored_steps(item, applicant, clerk):
    case = actions.receive(item, actor=clerk, applicant=applicant)
    actions.check_materials(
        case,
        actor=clerk,
        statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
    )
    client = APIClient()
    client.force_authenticate(clerk)
    r = client.post(f"/api/v1/cases/{case.pk}/accept", {}, format="json")
    assert r.status_code == 200, r.content
    ids = list(
        CaseStep.objects.filter(case=case)
        .order_by("order")
        .values_list("review_step_id", flat=True)
    )
    assert [s["review_step_id"] for s in r.json()["steps"]] == ids and len(ids) == 4
    assert [s["state"] for s in r.json()["steps"]] == ["done", "pending", "pending", "pending"]


def test_deemed_acceptance_stores_the_steps_done_by_nobody(item, applicant, clerk):
    case = actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-01-24 10:00"))
    case = actions.deem_accepted(case, today=day("2025-02-08"))
    first = CaseStep.objects.filter(case=case).order_by("order").first()
    assert CaseStep.objects.filter(case=case).count() == 4
    assert first.state == "done" and first.done_by is None and first.done_on == day("2025-01-24")
    assert first.opinion == "逾期未作决定，依法视为受理"


def test_an_item_without_steps_stores_none(handling_item, applicant, clerk):
    case = accepted_case(handling_item, applicant, clerk, "2025-09-22")
    assert not CaseStep.objects.filter(case=case).exists()
    assert actions.steps_of(case) == []


def test_running_cases_accepted_before_get_their_steps_from_the_migration(item, applicant, clerk):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    eager = list(
        CaseStep.objects.filter(case=case)
        .order_by("order")
        .values_list("review_step_id", "state", "done_by", "done_on", "opinion", "section")
    )
    CaseStep.objects.filter(case=case).delete()  # as a case accepted before this change
    closed = accepted_case(item, applicant, clerk, "2025-09-22")
    # A closed case keeps showing planned steps; only running ones get rows.
    CaseStep.objects.filter(case=closed).delete()
    type(case).objects.filter(pk=closed.pk).update(state="terminated")
    migration = importlib.import_module("oneseal.cases.migrations.0005_steps_of_running_cases")
    migration.store_steps(django_apps, None)
    assert (
        list(
            CaseStep.objects.filter(case=case)
            .order_by("order")
            .values_list("review_step_id", "state", "done_by", "done_on", "opinion", "section")
        )
        == eager
    )
    assert not CaseStep.objects.filter(case=closed).exists()
    migration.store_steps(django_apps, None)  # running it again changes nothing
    assert CaseStep.objects.filter(case=case).count() == 4
