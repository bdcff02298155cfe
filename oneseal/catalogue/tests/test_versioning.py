import datetime

import pytest

from oneseal.audit.models import AuditEvent
from oneseal.catalogue import actions
from oneseal.catalogue.models import ChangeKind, HandlingItem, ItemVersion, Material
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Role

D1 = datetime.date(2025, 1, 1)
D2 = datetime.date(2025, 7, 1)


def test_publishing_a_complete_draft_makes_it_in_force_from_its_date(complete_draft, admin_user):
    v = actions.publish(complete_draft(), actor=admin_user, effective_from=D1)
    assert v.status == ItemVersion.Status.PUBLISHED and v.published_by == admin_user
    assert list(ItemVersion.objects.in_force(D1)) == [v]
    assert list(ItemVersion.objects.in_force(D1 - datetime.timedelta(days=1))) == []
    assert AuditEvent.objects.filter(action="catalogue.publish", subject_id=str(v.pk)).exists()


def test_publishing_an_incomplete_guide_is_refused_with_every_reason(catalogue, admin_user):
    v = actions.create_item(catalogue, actor=admin_user, basic_code="X1", name="建筑工程施工许可")
    hi = actions.save_draft_part(
        HandlingItem(
            item_version=v,
            code="X1-01",
            name="施工许可（新办）",
            statutory_limit_days=15,
            promised_limit_days=20,
        ),
        actor=admin_user,
    )
    actions.save_draft_part(Material(handling_item=hi, name="", order=1), actor=admin_user)
    actions.save_draft_part(
        Material(
            handling_item=hi, name="施工图审查合格书", is_core=True, is_tolerable=True, order=2
        ),
        actor=admin_user,
    )
    with pytest.raises(ValidationFailed) as e:
        actions.publish(v, actor=admin_user, effective_from=D1)
    text = "\n".join(e.value.reasons)
    assert "设定和实施依据未填写" in text
    assert "承诺时限（20个工作日）超过法定时限（15个工作日）" in text
    assert "第1项材料没有名称" in text
    assert "核心要件，不能容缺" in text
    assert "监督投诉电话未填写" in text
    v.refresh_from_db()
    assert v.is_draft


def test_an_item_without_handling_items_cannot_be_published(catalogue, admin_user):
    v = actions.create_item(
        catalogue, actor=admin_user, basic_code="X2", name="某事项", legal_basis="某法"
    )
    with pytest.raises(ValidationFailed) as e:
        actions.publish(v, actor=admin_user, effective_from=D1)
    assert "至少需要一个办理项" in e.value.reasons


def test_a_published_version_cannot_be_edited(complete_draft, admin_user):
    v = actions.publish(complete_draft(), actor=admin_user, effective_from=D1)
    with pytest.raises(InvalidTransition):
        actions.update_draft(v, actor=admin_user, name="改名")
    hi = v.handling_items.get()
    hi.promised_limit_days = 1
    with pytest.raises(InvalidTransition):
        actions.save_draft_part(hi, actor=admin_user)
    hi.refresh_from_db()
    assert hi.promised_limit_days == 5


def test_changing_a_limit_creates_a_new_version_and_keeps_the_old_one_intact(
    complete_draft, admin_user
):
    v1 = actions.publish(complete_draft(), actor=admin_user, effective_from=D1)
    old_hi = v1.handling_items.get()
    v2 = actions.start_adjustment(
        v1.item,
        actor=admin_user,
        kind=ChangeKind.CHANGE_LIMIT,
        reason="压减承诺时限",
        basis="县政府常务会议纪要〔2025〕3号",
    )
    new_hi = v2.handling_items.get()
    assert new_hi.pk != old_hi.pk and new_hi.code == old_hi.code
    assert new_hi.materials.count() == 1
    new_hi.promised_limit_days = 3
    actions.save_draft_part(new_hi, actor=admin_user)
    v2 = actions.publish(v2, actor=admin_user, effective_from=D2)

    old_hi.refresh_from_db()
    assert old_hi.promised_limit_days == 5  # a case opened under v1 still points at 5 days
    v1.refresh_from_db()
    assert v1.effective_until == D2
    assert list(ItemVersion.objects.in_force(D2 - datetime.timedelta(days=1))) == [v1]
    assert list(ItemVersion.objects.in_force(D2)) == [v2]
    log = v2.change_kind, v2.change_reason, v2.change_basis, v2.published_by, v2.created_by
    assert log == (
        "change_limit",
        "压减承诺时限",
        "县政府常务会议纪要〔2025〕3号",
        admin_user,
        admin_user,
    )


def test_an_adjustment_needs_a_reason_and_a_legal_basis(complete_draft, admin_user):
    v1 = actions.publish(complete_draft(), actor=admin_user, effective_from=D1)
    with pytest.raises(ValidationFailed) as e:
        actions.start_adjustment(
            v1.item, actor=admin_user, kind=ChangeKind.CHANGE, reason="", basis=""
        )
    assert set(e.value.fields) == {"reason", "basis"}


def test_only_one_draft_at_a_time(complete_draft, admin_user):
    v1 = actions.publish(complete_draft(), actor=admin_user, effective_from=D1)
    actions.start_adjustment(
        v1.item, actor=admin_user, kind=ChangeKind.CHANGE, reason="r", basis="b"
    )
    with pytest.raises(InvalidTransition):
        actions.start_adjustment(
            v1.item, actor=admin_user, kind=ChangeKind.CHANGE, reason="r", basis="b"
        )


def test_a_new_version_cannot_take_effect_before_the_one_it_replaces(complete_draft, admin_user):
    v1 = actions.publish(complete_draft(), actor=admin_user, effective_from=D2)
    v2 = actions.start_adjustment(
        v1.item, actor=admin_user, kind=ChangeKind.CHANGE, reason="r", basis="b"
    )
    with pytest.raises(ValidationFailed) as e:
        actions.publish(v2, actor=admin_user, effective_from=D1)
    assert "effective_from" in e.value.fields


def test_cancelling_an_item_removes_it_from_the_list_on_its_date(complete_draft, admin_user):
    v1 = actions.publish(complete_draft(), actor=admin_user, effective_from=D1)
    v2 = actions.start_adjustment(
        v1.item,
        actor=admin_user,
        kind=ChangeKind.CANCEL,
        reason="上级取消",
        basis="国发〔2025〕1号",
    )
    assert v2.is_cancelled
    actions.publish(v2, actor=admin_user, effective_from=D2)
    assert ItemVersion.objects.in_force(D2).count() == 0
    assert ItemVersion.objects.in_force(D1).get() == v1


def test_merging_points_the_item_at_its_successor(complete_draft, admin_user):
    a = actions.publish(complete_draft("A1", "甲"), actor=admin_user, effective_from=D1)
    b = actions.publish(complete_draft("B1", "乙"), actor=admin_user, effective_from=D1)
    v = actions.start_adjustment(
        a.item,
        actor=admin_user,
        kind=ChangeKind.MERGE,
        reason="合并",
        basis="依据",
        merged_into=b.item,
    )
    actions.publish(v, actor=admin_user, effective_from=D2)
    assert list(ItemVersion.objects.in_force(D2)) == [b]
    with pytest.raises(ValidationFailed):
        actions.start_adjustment(
            b.item,
            actor=admin_user,
            kind=ChangeKind.MERGE,
            reason="r",
            basis="b",
            merged_into=b.item,
        )


def test_a_clerk_or_an_admin_of_another_county_cannot_edit_the_catalogue(
    complete_draft, make_staff, county, other_county
):
    v = complete_draft()
    clerk = make_staff("clerk", county, Role.CLERK)
    stranger = make_staff("stranger", other_county, Role.CATALOGUE_ADMIN)
    for user in (clerk, stranger):
        with pytest.raises(NotPermitted):
            actions.publish(v, actor=user, effective_from=D1)
        with pytest.raises(NotPermitted):
            actions.update_draft(v, actor=user, name="x")
    v.refresh_from_db()
    assert v.is_draft and v.name == "食品经营许可"


def test_a_city_catalogue_admin_may_act_on_a_county_below_it(complete_draft, make_staff, regions):
    city_admin = make_staff("city", regions.get(code="640200"), Role.CATALOGUE_ADMIN)
    v = actions.publish(complete_draft(), actor=city_admin, effective_from=D1)
    assert v.published_by == city_admin


def test_discarding_a_first_draft_removes_the_item(complete_draft, admin_user):
    v = complete_draft()
    item_id = v.item_id
    actions.discard_draft(v, actor=admin_user)
    assert not ItemVersion.objects.filter(item_id=item_id).exists()


def test_duplicate_basic_codes_are_refused(complete_draft, catalogue, admin_user):
    complete_draft("DUP")
    with pytest.raises(ValidationFailed) as e:
        actions.create_item(catalogue, actor=admin_user, basic_code="DUP", name="x")
    assert "basic_code" in e.value.fields


def test_a_guide_file_of_a_forbidden_type_or_size_is_refused(settings):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oneseal.catalogue.models import Material

    field = Material._meta.get_field("blank_form")
    with pytest.raises(ValidationError, match="exe"):
        field.run_validators(SimpleUploadedFile("form.exe", b"MZ"))
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        field.run_validators(SimpleUploadedFile("form.pdf", b"%PDF-1.7 more than ten bytes"))
    field.run_validators(SimpleUploadedFile("form.PDF", b"%PDF"))  # small enough, allowed type


def test_delegating_to_a_township_centre_is_versioned(complete_draft, admin_user, bureau, regions):
    from oneseal.organisation.models import ServiceCentre
    from oneseal.regions.actions import load_regions

    load_regions({"640221100": "城关镇"}, source="test townships", system=True)
    centre = ServiceCentre.objects.create(
        region=regions.get(code="640221100"), bureau=bureau, name="城关镇便民服务中心"
    )
    far = ServiceCentre.objects.create(
        region=regions.get(code="640202"), bureau=bureau, name="外县中心"
    )
    v1 = actions.publish(complete_draft(), actor=admin_user, effective_from=D1)
    v2 = actions.start_adjustment(
        v1.item, actor=admin_user, kind=ChangeKind.DELEGATE, reason="便民", basis="县政府决定"
    )
    with pytest.raises(ValidationFailed):
        actions.update_draft(v2, actor=admin_user, delegated_to=[far])
    actions.update_draft(v2, actor=admin_user, delegated_to=[centre])
    actions.publish(v2, actor=admin_user, effective_from=D2)
    assert list(v2.delegated_to.all()) == [centre] and not v1.delegated_to.exists()


def test_a_drafts_lock_is_built_once_per_connection_not_per_part(
    complete_draft, admin_user, monkeypatch
):
    # Every part saved locks its version; building that statement (the version joined to its
    # item, catalogue and region) cost more CPU than the rest of the save: the demo catalogue
    # saves 2,251 parts (docs/testing.md). After the first, no part builds it again.
    from django.db.models.sql.compiler import SQLCompiler

    v = complete_draft()
    hi = v.handling_items.get()
    built = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        if self.query.model is ItemVersion and self.query.select_for_update:
            built.append(self.query)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    for n in range(2, 5):
        actions.save_draft_part(
            Material(handling_item=hi, name=f"材料{n}", order=n), actor=admin_user
        )
    assert built == []
    assert list(hi.materials.values_list("order", flat=True).order_by("order")) == [1, 2, 3, 4]
    # Still the lock it was: a published version refuses its parts, a missing one is missing.
    published = actions.publish(v, actor=admin_user, effective_from=D1)
    with pytest.raises(InvalidTransition):
        actions.save_draft_part(Material(handling_item=hi, name="迟到", order=9), actor=admin_user)
    gone = ItemVersion(pk=published.pk + 10**6)
    with pytest.raises(ItemVersion.DoesNotExist):
        actions.update_draft(gone, actor=admin_user, name="无")
