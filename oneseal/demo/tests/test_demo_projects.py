"""The demo's projects and life events (`steps/projects.py`), built once for the module on the
demo county inside a transaction rolled back at the end."""

import pytest

from oneseal.cases.models import State
from oneseal.catalogue.life_events import offered_life_events
from oneseal.demo.steps import projects as step
from oneseal.projects.models import Bundle, Project, Stage
from oneseal.projects.queries import project_clock_of, stage_clock_of
from oneseal.search.queries import search_life_events

from .conftest import planned_for_the_loaded_demo

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def today(demo_savepoint, django_db_blocker):
    with django_db_blocker.unblock():
        step.load(today=demo_savepoint)
        planned_for_the_loaded_demo()
    return demo_savepoint


def test_two_projects_in_different_stages_with_cases_in_several_states(today, db):
    warehouse = Project.objects.get(code=step.WAREHOUSE["code"])
    workshop = Project.objects.get(code=step.WORKSHOP["code"])
    assert (warehouse.kind, workshop.kind) == ("enterprise", "small_low_risk")
    first, second = warehouse.stages.order_by("stage")
    assert (first.stage, second.stage) == (Stage.LAND_AND_PLANNING, Stage.CONSTRUCTION_ENGINEERING)
    assert first.bundle.outcome == Bundle.Outcome.COMPLETE
    assert {m.case.state for m in second.bundle.members.all()} == {
        State.ACCEPTED,
        State.AWAITING_CORRECTION,
    }
    assert stage_clock_of(second, today).paused  # waiting on the owner's correction
    (permit_stage,) = workshop.stages.all()
    assert permit_stage.stage == Stage.CONSTRUCTION_PERMIT
    assert {m.case.state for m in permit_stage.bundle.members.all()} == {
        State.SUSPENDED,
        State.RECEIVED,
    }
    clock = project_clock_of(warehouse, today)
    assert clock.limit_days == 90 and 0 < clock.used < 90


def test_the_warehouse_planning_site_was_inspected_jointly_and_signed(today, db):
    """联合勘验: one visit of the warehouse's construction-engineering stage, with the section
    and the natural resources bureau attending, two inspectors' findings signed, completed."""
    from oneseal.inspections.models import Inspection

    warehouse = Project.objects.get(code=step.WAREHOUSE["code"])
    visit = Inspection.objects.get(project=warehouse)
    assert visit.stage == Stage.CONSTRUCTION_ENGINEERING and visit.case_id is None
    assert visit.state == Inspection.InspectionState.COMPLETED
    assert visit.inspectors.count() >= 2
    assert all(i.confirmed_at for i in visit.inspectors.all())
    assert visit.findings.count() == len(step.PLANNING_CHECKLIST)
    assert not visit.findings.filter(result="").exists()
    assert {p.name for p in visit.parties.all()} == {step.LEAD, "平罗县自然资源局"}
    assert all(p.attended for p in visit.parties.all())
    (covered,) = [c.case for c in visit.covered.all()]
    assert covered.handling_item.name == step.PLANNING_ITEM
    assert covered.events.filter(action="record_site_inspection").exists()
    assert covered.state == State.ACCEPTED


def test_two_life_events_one_delivered_and_search_offers_it(today, db):
    names = {e.name for e in offered_life_events()}
    assert {"开饭店", "开办幼儿园"} <= names
    restaurant = offered_life_events().get(name="开饭店")
    (application,) = restaurant.applications.all()
    assert application.outcome == Bundle.Outcome.COMPLETE
    assert {m.case.state for m in application.members.all()} == {State.GRANTED}
    assert search_life_events("我想开饭店")[0].name == "开饭店"


def test_loading_the_step_again_changes_nothing(today, db):
    from oneseal.inspections.models import Inspection

    before = (Project.objects.count(), Bundle.objects.count(), Inspection.objects.count())
    step.load(today=today)
    assert (Project.objects.count(), Bundle.objects.count(), Inspection.objects.count()) == before
