"""Life events (一件事一次办): kept and published by the catalogue administrators, offered
first by search, applied for once through the bundle mechanism, concluded by the last
decision."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.cases import actions as case_actions
from oneseal.cases.models import Case, CaseMaterial, Channel, State, Upload
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue import life_events as definitions
from oneseal.catalogue.models import LifeEvent, Material
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.projects import bundles
from oneseal.projects.life_events import apply_for_life_event
from oneseal.projects.models import Bundle
from oneseal.search.queries import search_life_events
from oneseal.testing import at, day


@pytest.fixture
def restaurant_items(complete_draft, admin_user):
    """营业执照 (shared by all three), the food licence, the signboard permit."""

    def make(code, name, extra=("营业执照",), publish=True):
        version = complete_draft(basic_code=code, name=name)
        hi = version.handling_items.get()
        form = hi.materials.get(order=1)
        form.name = f"{name}申请书"
        catalogue_actions.save_draft_part(form, actor=admin_user)
        for order, material in enumerate(extra, 2):
            catalogue_actions.save_draft_part(
                Material(handling_item=hi, name=material, order=order), actor=admin_user
            )
        if publish:
            catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
        return hi

    return {
        "food": make("640221-XK-201", "食品经营许可"),
        "sign": make("640221-XK-202", "户外招牌设置许可"),
        "fire": make("640221-XK-203", "公众聚集场所投入使用营业前消防安全检查"),
        "draft": make("640221-XK-204", "卫生许可", publish=False),
    }


@pytest.fixture
def restaurant(catalogue, admin_user, restaurant_items):
    event = definitions.create_life_event(
        catalogue,
        actor=admin_user,
        name="开饭店",
        keywords="开餐馆 开饭馆 餐饮店",
        description="一次申请，同时办理开饭店所需的许可",
    )
    definitions.add_life_event_item(event, restaurant_items["food"], actor=admin_user)
    definitions.add_life_event_item(event, restaurant_items["fire"], actor=admin_user)
    definitions.add_life_event_item(
        event,
        restaurant_items["sign"],
        actor=admin_user,
        required=False,
        question="是否设置户外招牌？",
    )
    return definitions.publish_life_event(event, actor=admin_user)


def test_publishing_refuses_items_not_in_force_and_an_empty_event(
    catalogue, admin_user, restaurant_items
):
    event = definitions.create_life_event(catalogue, actor=admin_user, name="开办幼儿园")
    with pytest.raises(ValidationFailed) as e:
        definitions.publish_life_event(event, actor=admin_user)
    assert [str(r) for r in e.value.reasons] == ["一件事没有办理事项"]
    definitions.add_life_event_item(event, restaurant_items["draft"], actor=admin_user)
    with pytest.raises(ValidationFailed) as e:
        definitions.publish_life_event(event, actor=admin_user)
    assert [str(r) for r in e.value.reasons] == [
        "办理项“卫生许可（新办）”的事项版本不在有效期内（未发布、已失效或已取消）"
    ]
    event.refresh_from_db()
    assert event.is_draft


def test_an_optional_item_needs_its_question(catalogue, admin_user, restaurant_items):
    event = definitions.create_life_event(catalogue, actor=admin_user, name="开饭店")
    with pytest.raises(ValidationFailed) as e:
        definitions.add_life_event_item(
            event, restaurant_items["sign"], actor=admin_user, required=False
        )
    assert list(e.value.fields) == ["question"]


def test_a_published_event_is_frozen_and_a_new_version_replaces_it(
    restaurant, catalogue, admin_user, restaurant_items
):
    with pytest.raises(InvalidTransition):
        definitions.update_life_event(restaurant, actor=admin_user, keywords="x")
    second = definitions.create_life_event(catalogue, actor=admin_user, name="开饭店")
    assert second.number == 2
    definitions.add_life_event_item(second, restaurant_items["food"], actor=admin_user)
    definitions.publish_life_event(second, actor=admin_user)
    restaurant.refresh_from_db()
    assert restaurant.superseded_on is not None
    assert list(definitions.offered_life_events()) == [second]


def test_only_the_catalogue_administrator_keeps_life_events(catalogue, clerk):
    with pytest.raises(NotPermitted):
        definitions.create_life_event(catalogue, actor=clerk, name="开饭店")


def test_search_offers_the_life_event_first(restaurant, county):
    hits = search_life_events("我想开饭店", region_code=county.code)
    assert [h.name for h in hits] == ["开饭店"]
    assert search_life_events("开个餐饮店")[0].matched == "餐饮店"
    assert search_life_events("营业执照丢了") == []


def pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.7 " + name.encode(), content_type="application/pdf")


def test_one_application_opens_the_cases_with_the_business_licence_given_once(
    restaurant, own_applicant, applicant_user, restaurant_items
):
    items = [restaurant_items[k] for k in ("food", "fire", "sign")]
    groups = bundles.material_groups(items, own_applicant.kind)
    licence = next(g for g in groups if g.name == "营业执照")
    assert licence.shared and len(licence.materials) == 3
    bundle = apply_for_life_event(
        restaurant,
        actor=applicant_user,
        applicant=own_applicant,
        channel=Channel.ONLINE,
        answers={f"question-{restaurant_items['sign'].pk}": "yes"},
        files={g.field: pdf(f"{g.name}.pdf") for g in groups},
        at=at("2025-03-03 10:00"),
    )
    assert bundle.life_event == restaurant and bundle.kind == Bundle.Kind.LIFE_EVENT
    assert bundle.members.count() == 3
    shared = Upload.objects.filter(case_material__material__name="营业执照")
    assert shared.count() == 3 and len({u.file.name for u in shared}) == 1


def test_without_the_signboard_only_the_required_items_open(
    restaurant, own_applicant, applicant_user, restaurant_items
):
    items = [restaurant_items[k] for k in ("food", "fire")]
    groups = bundles.material_groups(items, own_applicant.kind)
    bundle = apply_for_life_event(
        restaurant,
        actor=applicant_user,
        applicant=own_applicant,
        channel=Channel.ONLINE,
        files={g.field: pdf(f"{g.name}.pdf") for g in groups},
    )
    assert sorted(m.case.handling_item.name for m in bundle.members.all()) == [
        "公众聚集场所投入使用营业前消防安全检查（新办）",
        "食品经营许可（新办）",
    ]


def test_a_missing_shared_material_refuses_every_item(
    restaurant, own_applicant, applicant_user, restaurant_items
):
    items = [restaurant_items[k] for k in ("food", "fire")]
    groups = bundles.material_groups(items, own_applicant.kind)
    files = {g.field: pdf(f"{g.name}.pdf") for g in groups if g.name != "营业执照"}
    with pytest.raises(ValidationFailed) as e:
        apply_for_life_event(
            restaurant,
            actor=applicant_user,
            applicant=own_applicant,
            channel=Channel.ONLINE,
            files=files,
        )
    field = next(g.field for g in groups if g.name == "营业执照")
    assert e.value.fields == {
        field: [
            "请上传“营业执照”（食品经营许可（新办）、公众聚集场所投入使用营业前消防安全检查（新办）共用）"
        ]
    }
    assert not Case.objects.exists() and not Bundle.objects.exists()


def test_someone_else_may_not_apply_for_the_applicant(
    restaurant, own_applicant, other_applicant_user
):
    with pytest.raises(NotPermitted):
        apply_for_life_event(
            restaurant, actor=other_applicant_user, applicant=own_applicant, channel=Channel.ONLINE
        )


def test_the_last_decision_delivers_the_life_event(
    restaurant, applicant, clerk, signatory, restaurant_items
):
    bundle = apply_for_life_event(
        restaurant, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    cases = [m.case for m in bundle.members.order_by("order")]
    for case in cases:
        case_actions.check_materials(
            case,
            actor=clerk,
            statuses={line.pk: CaseMaterial.Status.PROVIDED for line in case.materials.all()},
        )
        case_actions.accept(case, actor=clerk, on=day("2025-03-03"))
    for case in cases:
        case_actions.grant(
            case,
            actor=signatory,
            on=day("2025-03-05"),
            scope="热食类食品制售",
            valid_from=day("2025-03-05"),
            valid_until=day("2030-03-04"),
        )
    bundle.refresh_from_db()
    assert bundle.outcome == Bundle.Outcome.COMPLETE
    assert bundle.concluded_on == day("2025-03-05")
    assert {c.state for c in Case.objects.filter(bundle_member__bundle=bundle)} == {State.GRANTED}
    assert LifeEvent.objects.get(pk=restaurant.pk).applications.get() == bundle


def test_the_admin_lists_the_regions_life_events_and_publishes_through_the_action(
    catalogue, admin_user, restaurant_items, root
):
    from django.test import Client

    draft = definitions.create_life_event(catalogue, actor=admin_user, name="企业注销")
    definitions.add_life_event_item(draft, restaurant_items["food"], actor=admin_user)
    c = Client()
    c.force_login(root)
    assert "企业注销" in c.get("/admin/catalogue/lifeevent/").content.decode()
    r = c.post(
        "/admin/catalogue/lifeevent/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "已发布" in r.content.decode()
    draft.refresh_from_db()
    assert draft.status == LifeEvent.Status.PUBLISHED
