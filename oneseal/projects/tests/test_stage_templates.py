"""Stage templates: drafts kept by the catalogue administrators, publishing refused with
every reason, and a published template never written to again."""

import pytest

from oneseal.audit.models import AuditEvent
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Bureau, Section
from oneseal.projects import actions
from oneseal.projects.models import Stage, StageTemplate
from oneseal.projects.queries import published_templates


@pytest.fixture
def draft(catalogue, admin_user):
    return actions.create_stage_template(
        catalogue,
        actor=admin_user,
        stage=Stage.CONSTRUCTION_PERMIT,
        name="施工许可阶段（社会投资）",
        limit_days=20,
        project_kinds=["enterprise"],
    )


def refusal(template, actor) -> list[str]:
    with pytest.raises(ValidationFailed) as e:
        actions.publish_stage_template(template, actor=actor)
    return [str(r) for r in e.value.reasons]


def test_an_empty_template_without_a_lead_section_lists_both_reasons(draft, admin_user):
    assert refusal(draft, admin_user) == ["未指定牵头科室", "阶段没有办理事项"]
    draft.refresh_from_db()
    assert draft.is_draft


def test_an_item_not_in_force_is_refused(draft, admin_user, section, complete_draft):
    unpublished = complete_draft(basic_code="640221-XK-099", name="建筑工程施工许可")
    hi = unpublished.handling_items.get()
    actions.update_stage_template(draft, actor=admin_user, lead_section=section)
    actions.add_stage_item(draft, hi, actor=admin_user)
    assert refusal(draft, admin_user) == [
        f"办理项“{hi.name}”的事项版本不在有效期内（未发布、已失效或已取消）"
    ]


def test_a_stage_limit_below_a_statutory_limit_needs_a_legal_basis(
    draft, admin_user, section, item
):
    actions.update_stage_template(draft, actor=admin_user, lead_section=section, limit_days=10)
    actions.add_stage_item(draft, item, actor=admin_user)
    assert refusal(draft, admin_user) == [
        f"阶段时限10个工作日短于办理项“{item.name}”的法定时限20个工作日，须填写压缩时限依据"
    ]
    actions.update_stage_template(
        draft, actor=admin_user, legal_basis="《宁夏回族自治区工程建设项目审批制度改革实施方案》"
    )
    published = actions.publish_stage_template(draft, actor=admin_user)
    assert published.status == StageTemplate.Status.PUBLISHED
    assert published.published_on is not None
    assert AuditEvent.objects.filter(
        action="projects.publish_stage_template", subject_id=str(draft.pk)
    ).exists()


def test_a_lead_section_of_another_bureau_is_refused(draft, admin_user, other_county):
    far = Section.objects.create(
        bureau=Bureau.objects.create(region=other_county, name="大武口区行政审批服务局"),
        name="投资建设科",
    )
    with pytest.raises(ValidationFailed) as e:
        actions.update_stage_template(draft, actor=admin_user, lead_section=far)
    assert "lead_section" in e.value.fields


def test_bad_fields_of_a_new_template_are_named(catalogue, admin_user):
    with pytest.raises(ValidationFailed) as e:
        actions.create_stage_template(
            catalogue,
            actor=admin_user,
            stage=5,
            name="",
            limit_days=0,
            project_kinds=["palace"],
        )
    assert set(e.value.fields) == {"stage", "name", "limit_days", "project_kinds"}
    assert not StageTemplate.objects.exists()


def test_only_the_catalogue_administrator_of_the_region_keeps_templates(
    draft, clerk, far_staff, catalogue, item
):
    for user in (clerk, far_staff):
        with pytest.raises(NotPermitted):
            actions.publish_stage_template(draft, actor=user)
        with pytest.raises(NotPermitted):
            actions.add_stage_item(draft, item, actor=user)
        with pytest.raises(NotPermitted):
            actions.create_stage_template(
                catalogue,
                actor=user,
                stage=1,
                name="立项用地规划许可",
                limit_days=15,
                project_kinds=["government"],
            )


@pytest.fixture
def published(draft, admin_user, section, item):
    actions.update_stage_template(draft, actor=admin_user, lead_section=section)
    actions.add_stage_item(draft, item, actor=admin_user)
    return actions.publish_stage_template(draft, actor=admin_user)


def test_a_published_template_is_never_changed(published, admin_user, item):
    with pytest.raises(InvalidTransition):
        actions.update_stage_template(published, actor=admin_user, limit_days=30)
    with pytest.raises(InvalidTransition):
        actions.add_stage_item(published, item, actor=admin_user)
    with pytest.raises(InvalidTransition):
        actions.publish_stage_template(published, actor=admin_user)


def test_a_new_version_replaces_the_published_one_when_published(
    published, admin_user, catalogue, section, item, county
):
    assert list(published_templates(county)) == [published]
    v2 = actions.create_stage_template(
        catalogue,
        actor=admin_user,
        stage=published.stage,
        name=published.name,
        limit_days=25,
        project_kinds=["enterprise", "small_low_risk"],
        lead_section=section,
    )
    assert v2.number == 2
    with pytest.raises(ValidationFailed):
        actions.create_stage_template(
            catalogue,
            actor=admin_user,
            stage=published.stage,
            name=published.name,
            limit_days=15,
            project_kinds=["enterprise"],
        )
    assert list(published_templates(county)) == [published]
    actions.add_stage_item(v2, item, actor=admin_user, required=False)
    actions.publish_stage_template(v2, actor=admin_user)
    assert list(published_templates(county)) == [v2]
    published.refresh_from_db()
    assert published.superseded_on is not None


def test_an_item_of_another_catalogue_is_refused(draft, admin_user, regions):
    from oneseal.catalogue.models import Catalogue, HandlingItem, Item, ItemVersion

    other = Catalogue.objects.create(region=regions.get(code="640202"), name="大武口区目录")
    version = ItemVersion.objects.create(
        item=Item.objects.create(catalogue=other, basic_code="X-1"), number=1, name="外区事项"
    )
    hi = HandlingItem.objects.create(item_version=version, code="X-1-1", name="外区事项")
    with pytest.raises(ValidationFailed) as e:
        actions.add_stage_item(draft, hi, actor=admin_user)
    assert "handling_item" in e.value.fields
