"""The checklist of a new case holds only the materials of the applicant's situation: a
material for another kind of applicant, or for an agent when nobody files for the applicant,
is marked not needed and never blocks acceptance."""

import pytest

from oneseal.applicants.actions import register_applicant
from oneseal.cases import actions
from oneseal.cases.models import CaseMaterial
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Material
from oneseal.testing import at, day

S = CaseMaterial.Status


@pytest.fixture
def situational_item(complete_draft, admin_user):
    """An item for both kinds of applicant: the application form for all, the ID card for a
    person, the business licence for an organisation, the power of attorney for an agent."""
    version = complete_draft()
    hi = version.handling_items.get()
    for order, (name, applies_to) in enumerate(
        [("申请人身份证", "person"), ("营业执照", "organisation"), ("授权委托书", "agent")], start=2
    ):
        catalogue_actions.save_draft_part(
            Material(handling_item=hi, name=name, order=order, applies_to=applies_to),
            actor=admin_user,
        )
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return hi


@pytest.fixture
def person(clerk):
    return register_applicant(
        actor=clerk, kind="person", name="马𠮷祥", number="640221198001011237", phone="13909520000"
    )


def statuses(case) -> dict[str, str]:
    return {line.material.name: line.status for line in case.materials.select_related("material")}


def provide_needed(case, clerk):
    needed = case.materials.exclude(status=S.NOT_NEEDED)
    return actions.check_materials(
        case, actor=clerk, statuses={line.pk: S.PROVIDED for line in needed}
    )


def test_an_organisation_is_not_asked_for_a_persons_id_card(situational_item, applicant, clerk):
    case = actions.receive(
        situational_item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    assert statuses(case) == {
        "食品经营许可申请书": S.PENDING,
        "申请人身份证": S.NOT_NEEDED,
        "营业执照": S.PENDING,
        "授权委托书": S.NOT_NEEDED,
    }
    case = provide_needed(case, clerk)
    assert actions.accept_blockers(case, on=day("2025-03-03")) == []
    assert actions.accept(case, actor=clerk, on=day("2025-03-03")).accepted_on == day("2025-03-03")


def test_a_person_is_not_asked_for_a_business_licence(situational_item, person, clerk):
    case = actions.receive(
        situational_item, actor=clerk, applicant=person, at=at("2025-03-03 09:00")
    )
    assert statuses(case) == {
        "食品经营许可申请书": S.PENDING,
        "申请人身份证": S.PENDING,
        "营业执照": S.NOT_NEEDED,
        "授权委托书": S.NOT_NEEDED,
    }
    blockers = actions.accept_blockers(case, on=day("2025-03-03"))
    assert any("申请人身份证" in b for b in blockers) and not any("营业执照" in b for b in blockers)


def test_the_power_of_attorney_is_needed_only_when_an_agent_files(situational_item, person, clerk):
    case = actions.receive(
        situational_item,
        actor=clerk,
        applicant=person,
        at=at("2025-03-03 09:00"),
        agent_name="马代办",
        agent_id_number="640221199002150049",
    )
    assert statuses(case)["授权委托书"] == S.PENDING
    case = actions.check_materials(
        case,
        actor=clerk,
        statuses={
            line.pk: S.PROVIDED
            for line in case.materials.exclude(material__name="授权委托书").exclude(
                status=S.NOT_NEEDED
            )
        },
    )
    assert any("授权委托书" in b for b in actions.accept_blockers(case, on=day("2025-03-03")))
