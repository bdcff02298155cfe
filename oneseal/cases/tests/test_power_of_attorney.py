"""An agent (代办人) files on the strength of a power of attorney (《行政许可法》第二十九条第二款):
naming one makes the 授权委托书 a material to provide before acceptance, whatever the guide says
of it being optional, on every path to `accept` — the window, the API, the demo's scripts."""

import pytest
from rest_framework.test import APIClient

from oneseal.applicants.actions import register_applicant
from oneseal.cases import actions, rules
from oneseal.cases.models import Case, CaseMaterial, State
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Material
from oneseal.errors import ValidationFailed
from oneseal.testing import at, day

S = CaseMaterial.Status
AGENT = {"agent_name": "马代办", "agent_id_number": "640221199002150049"}


def test_the_power_of_attorney_is_the_agents_material_or_named_so_in_an_unmarked_guide():
    assert rules.is_power_of_attorney("agent", "受托人身份证明")
    assert rules.is_power_of_attorney("all", "授权委托书及受托人居民身份证")
    assert not rules.is_power_of_attorney("organisation", "法定代表人授权委托书")
    assert not rules.is_power_of_attorney("all", "食品经营许可申请书")


def test_an_agent_is_named_by_a_name_or_a_number():
    assert rules.names_agent("马代办", "") and rules.names_agent("", "640221199002150049")
    assert not rules.names_agent(" ", "")


def test_an_item_serves_the_applicant_types_its_guide_names():
    assert rules.serves("both", "person") and rules.serves("organisation", "organisation")
    assert not rules.serves("organisation", "person")


def published_with(complete_draft, admin_user, *materials):
    version = complete_draft()
    hi = version.handling_items.get()
    for order, material in enumerate(materials, start=2):
        material.handling_item, material.order = hi, order
        catalogue_actions.save_draft_part(material, actor=admin_user)
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return hi


@pytest.fixture
def proxy_item(complete_draft, admin_user):
    """The application form and an optional power of attorney for the agent's situation, which
    the guide even marks as tolerable: an agent's application still needs it provided."""
    return published_with(
        complete_draft,
        admin_user,
        Material(
            name="授权委托书",
            applies_to="agent",
            is_required=False,
            is_core=False,
            is_tolerable=True,
        ),
    )


@pytest.fixture
def person(clerk):
    return register_applicant(
        actor=clerk, kind="person", name="马𠮷祥", number="640221198001011237", phone="13909520000"
    )


def received(hi, person, clerk, **agent):
    return actions.receive(hi, actor=clerk, applicant=person, at=at("2025-03-03 09:00"), **agent)


def checked(case, clerk, **by_name):
    statuses = {
        line.pk: by_name.get(line.material.name, S.PROVIDED)
        for line in case.materials.select_related("material")
    }
    return actions.check_materials(case, actor=clerk, statuses=statuses)


def line_of(case, name):
    return case.materials.get(material__name=name)


@pytest.mark.parametrize("status", [S.PENDING, S.NOT_NEEDED, S.MISSING])
def test_an_agents_application_is_not_accepted_without_the_power_of_attorney(
    proxy_item, person, clerk, status
):
    case = checked(received(proxy_item, person, clerk, **AGENT), clerk, 授权委托书=status)
    with pytest.raises(ValidationFailed) as refused:
        actions.accept(case, actor=clerk, on=day("2025-03-03"))
    assert list(refused.value.fields) == ["power_of_attorney"]
    assert "马代办" in refused.value.fields["power_of_attorney"][0]
    assert "授权委托书" in refused.value.fields["power_of_attorney"][0]
    case.refresh_from_db()
    assert case.state == State.RECEIVED and not case.events.filter(action="accept").exists()
    assert any("授权委托书" in b for b in actions.accept_blockers(case, on=day("2025-03-03")))


def test_the_power_of_attorney_cannot_be_tolerated(proxy_item, person, clerk):
    case = checked(received(proxy_item, person, clerk, **AGENT), clerk, 授权委托书=S.MISSING)
    line = line_of(case, "授权委托书")
    with pytest.raises(ValidationFailed) as refused:
        actions.accept(
            case, actor=clerk, on=day("2025-03-03"), tolerated={line.pk: day("2025-03-10")}
        )
    assert "不能容缺" in refused.value.fields["power_of_attorney"][0]


def test_an_agents_application_is_accepted_with_the_power_of_attorney_provided(
    proxy_item, person, clerk
):
    case = checked(received(proxy_item, person, clerk, **AGENT), clerk)
    assert actions.accept_blockers(case, on=day("2025-03-03")) == []
    assert actions.accept(case, actor=clerk, on=day("2025-03-03")).state == State.ACCEPTED


def test_without_an_agent_the_power_of_attorney_is_not_asked_for(proxy_item, person, clerk):
    case = received(proxy_item, person, clerk)
    assert line_of(case, "授权委托书").status == S.NOT_NEEDED
    case = checked(case, clerk, 授权委托书=S.NOT_NEEDED)
    assert actions.accept(case, actor=clerk, on=day("2025-03-03")).state == State.ACCEPTED


def test_a_guide_without_situations_asks_for_the_power_of_attorney_it_names(
    complete_draft, admin_user, person, clerk
):
    hi = published_with(
        complete_draft,
        admin_user,
        Material(name="授权委托书及受托人居民身份证", is_required=False, is_core=False),
    )
    case = checked(
        received(hi, person, clerk, **AGENT), clerk, 授权委托书及受托人居民身份证=S.PENDING
    )
    with pytest.raises(ValidationFailed) as refused:
        actions.accept(case, actor=clerk, on=day("2025-03-03"))
    assert "授权委托书及受托人居民身份证" in refused.value.fields["power_of_attorney"][0]


def test_a_guide_that_lists_no_power_of_attorney_cannot_take_an_agents_application(
    handling_item, person, clerk
):
    case = checked(received(handling_item, person, clerk, **AGENT), clerk)
    with pytest.raises(ValidationFailed) as refused:
        actions.accept(case, actor=clerk, on=day("2025-03-03"))
    assert "材料清单未列授权委托书" in refused.value.fields["power_of_attorney"][0]
    # The applicant's own application of the same item is accepted as before.
    own = checked(
        actions.receive(handling_item, actor=clerk, applicant=person, at=at("2025-03-03 10:00")),
        clerk,
    )
    assert actions.accept(own, actor=clerk, on=day("2025-03-03")).state == State.ACCEPTED


def test_the_api_refuses_to_accept_an_agents_application_without_the_power_of_attorney(
    proxy_item, person, clerk
):
    api = APIClient()
    api.force_authenticate(clerk)
    opened = api.post(
        "/api/v1/cases",
        {"handling_item": proxy_item.pk, "applicant": person.pk, "channel": "window", **AGENT},
        format="json",
    )
    assert opened.status_code == 201, opened.content
    case = Case.objects.get(pk=opened.json()["id"])
    statuses = {
        str(line.pk): "provided"
        for line in case.materials.select_related("material")
        if line.material.name != "授权委托书"
    }
    api.post(f"/api/v1/cases/{case.pk}/check-materials", {"statuses": statuses}, format="json")
    refused = api.post(f"/api/v1/cases/{case.pk}/accept", {}, format="json")
    assert refused.status_code == 400
    body = refused.json()
    assert (
        body["code"] == "validation_failed"
        and "授权委托书" in body["fields"]["power_of_attorney"][0]
    )
    case.refresh_from_db()
    assert case.state == State.RECEIVED
    line = line_of(case, "授权委托书")
    api.post(
        f"/api/v1/cases/{case.pk}/check-materials",
        {"statuses": {str(line.pk): "provided"}},
        format="json",
    )
    assert api.post(f"/api/v1/cases/{case.pk}/accept", {}, format="json").status_code == 200
