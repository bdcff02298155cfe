"""A material's situation (适用情形): which applicants need it, kept through versioning."""

import datetime
from types import SimpleNamespace

import pytest

from oneseal.catalogue import actions
from oneseal.catalogue.models import ApplicantType, ChangeKind, Material
from oneseal.catalogue.rules import material_applies
from oneseal.errors import InvalidTransition, ValidationFailed


def material(applies_to):
    return SimpleNamespace(applies_to=applies_to)


def test_a_material_for_people_is_not_asked_of_an_organisation():
    assert material_applies(material("person"), applicant_kind="person", by_agent=False)
    assert not material_applies(material("person"), applicant_kind="organisation", by_agent=False)
    assert material_applies(material("organisation"), applicant_kind="organisation", by_agent=True)


def test_a_power_of_attorney_is_asked_only_when_an_agent_files():
    assert not material_applies(material("agent"), applicant_kind="person", by_agent=False)
    assert material_applies(material("agent"), applicant_kind="person", by_agent=True)


def test_an_unanswered_question_keeps_the_material():
    for value in ("all", "person", "organisation", "agent"):
        assert material_applies(material(value), applicant_kind=None, by_agent=None)


def test_the_situation_is_copied_into_a_new_draft_and_frozen_on_publish(complete_draft, admin_user):
    version = complete_draft()
    hi = version.handling_items.get()
    actions.save_draft_part(
        Material(
            handling_item=hi,
            name="授权委托书",
            order=2,
            is_required=False,
            applies_to=Material.AppliesTo.AGENT,
        ),
        actor=admin_user,
    )
    actions.publish(version, actor=admin_user, effective_from=datetime.date(2024, 1, 1))
    published = Material.objects.get(handling_item=hi, name="授权委托书")
    published.applies_to = Material.AppliesTo.ALL
    with pytest.raises(InvalidTransition):
        actions.save_draft_part(published, actor=admin_user)

    draft = actions.start_adjustment(
        version.item,
        actor=admin_user,
        kind=ChangeKind.CHANGE,
        reason="调整材料",
        basis="平审批发〔2025〕1号",
    )
    copied = Material.objects.get(handling_item__item_version=draft, name="授权委托书")
    assert copied.applies_to == Material.AppliesTo.AGENT
    copied.applies_to = Material.AppliesTo.ALL
    actions.save_draft_part(copied, actor=admin_user)
    assert Material.objects.get(pk=published.pk).applies_to == Material.AppliesTo.AGENT


def test_a_material_for_the_other_kind_of_applicant_blocks_publishing(complete_draft, admin_user):
    version = complete_draft()
    hi = version.handling_items.get()
    hi.applicant_type = ApplicantType.PERSON
    actions.save_draft_part(hi, actor=admin_user)
    actions.save_draft_part(
        Material(
            handling_item=hi, name="营业执照", order=2, applies_to=Material.AppliesTo.ORGANISATION
        ),
        actor=admin_user,
    )
    with pytest.raises(ValidationFailed) as refused:
        actions.publish(version, actor=admin_user, effective_from=datetime.date(2024, 1, 1))
    assert any("营业执照" in reason and "适用情形" in reason for reason in refused.value.reasons)
