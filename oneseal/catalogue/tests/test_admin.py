import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from oneseal.audit.models import AuditEvent
from oneseal.catalogue import actions
from oneseal.catalogue.models import ChangeKind, HandlingItem, Material
from oneseal.errors import InvalidTransition
from oneseal.organisation.models import Role

D1 = datetime.date(2025, 1, 1)


@pytest.fixture
def staff_admin(admin_user):
    """The county's catalogue administrator, allowed into the admin site."""
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    return admin_user


def _inline_management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _handling_item_post(hi: HandlingItem, **changes) -> dict:
    data = {
        "order": hi.order,
        "code": hi.code,
        "name": hi.name,
        "variant": hi.variant,
        "applicant_type": hi.applicant_type,
        "conditions": hi.conditions,
        "statutory_limit_days": hi.statutory_limit_days or "",
        "promised_limit_days": hi.promised_limit_days or "",
        "missed_promise_rule": hi.missed_promise_rule,
        "fee_standard": hi.fee_standard,
        "fee_basis": hi.fee_basis,
        "visits_required": hi.visits_required,
        "online_depth": hi.online_depth,
        "where": hi.where,
        "office_hours": hi.office_hours,
        "enquiry_phone": hi.enquiry_phone,
        "complaint_phone": hi.complaint_phone,
        "intermediary_services": hi.intermediary_services,
        "keywords": hi.keywords,
        "result_name": hi.result_name,
        "result_validity": hi.result_validity,
        "deliver_at_window": "on",
    }
    materials = list(hi.materials.order_by("order", "id")) if hi.pk else []
    data.update(_inline_management("materials", len(materials), len(materials)))
    for n, m in enumerate(materials):
        data.update(
            {
                f"materials-{n}-id": m.pk,
                f"materials-{n}-handling_item": hi.pk,
                f"materials-{n}-order": m.order,
                f"materials-{n}-name": m.name,
                f"materials-{n}-form": m.form,
                f"materials-{n}-copies": m.copies,
                f"materials-{n}-is_required": "on",
                f"materials-{n}-is_core": "on",
                f"materials-{n}-source": m.source,
                f"materials-{n}-notes": m.notes,
                f"materials-{n}-applies_to": m.applies_to,
            }
        )
    data.update(_inline_management("review_steps", 0, 0))
    data.update(_inline_management("special_procedures", 0, 0))
    data.update(changes)
    return data


def test_a_superuser_sees_the_admin_index_in_chinese(client, db):
    root = get_user_model().objects.create_superuser("root", password="pw-root")
    client.force_login(root)
    r = client.get("/admin/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "事项版本" in body and "办理项" in body and "事项目录" in body and "主题" in body
    assert "无此权力说明" in body


def test_editing_a_draft_handling_item_in_the_admin_goes_through_the_action(
    client, staff_admin, complete_draft
):
    v = complete_draft()
    hi = v.handling_items.get()
    client.force_login(staff_admin)
    url = reverse("admin:catalogue_handlingitem_change", args=[hi.pk])
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        _handling_item_post(
            hi,
            promised_limit_days=3,
            **{
                "materials-TOTAL_FORMS": "2",
                "materials-1-order": "2",
                "materials-1-name": "营业执照",
                "materials-1-form": "copy",
                "materials-1-copies": "1",
                "materials-1-source": "shared",
                "materials-1-applies_to": "all",
            },
        ),
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert r["Location"] == reverse("catalogue:version", args=[v.pk])  # back to the draft's page
    hi.refresh_from_db()
    assert hi.promised_limit_days == 3
    assert hi.materials.filter(name="营业执照", source="shared").exists()
    events = AuditEvent.objects.filter(action="catalogue.save_draft_part", actor=staff_admin)
    assert events.filter(subject_type="catalogue.handlingitem", subject_id=str(hi.pk)).exists()
    assert events.filter(subject_type="catalogue.material").exists()


def test_deleting_a_material_inline_is_recorded(client, staff_admin, complete_draft):
    v = complete_draft()
    hi = v.handling_items.get()
    client.force_login(staff_admin)
    r = client.post(
        reverse("admin:catalogue_handlingitem_change", args=[hi.pk]),
        _handling_item_post(hi, **{"materials-0-DELETE": "on"}),
    )
    assert r.status_code == 302
    assert not hi.materials.exists()
    assert AuditEvent.objects.filter(
        action="catalogue.delete_draft_part", subject_type="catalogue.material"
    ).exists()


def test_editing_a_draft_version_in_the_admin_uses_update_draft(
    client, staff_admin, complete_draft, department
):
    v = complete_draft()
    hi = v.handling_items.get()
    client.force_login(staff_admin)
    data = {
        "name": "食品经营许可（改）",
        "item_type": v.item_type,
        "implementing_code": "",
        "legal_basis": v.legal_basis,
        "exercise_level": v.exercise_level,
        "original_department": department.pk,
        "transfer_status": v.transfer_status,
        "topic": "",
        "change_reason": "",
        "change_basis": "",
        **_inline_management("handling_items", 1, 1),
        "handling_items-0-id": hi.pk,
        "handling_items-0-item_version": v.pk,
        "handling_items-0-order": 0,
        "handling_items-0-code": hi.code,
        "handling_items-0-name": hi.name,
        "handling_items-0-variant": hi.variant,
        "handling_items-0-applicant_type": hi.applicant_type,
        "handling_items-0-statutory_limit_days": 20,
        "handling_items-0-promised_limit_days": 4,
        "handling_items-0-complaint_phone": hi.complaint_phone,
    }
    r = client.post(reverse("admin:catalogue_itemversion_change", args=[v.pk]), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    v.refresh_from_db()
    hi.refresh_from_db()
    assert v.name == "食品经营许可（改）" and hi.promised_limit_days == 4
    assert AuditEvent.objects.filter(
        action="catalogue.update_draft", subject_id=str(v.pk)
    ).get().data["fields"] == ["name"]


def test_a_published_versions_change_page_is_read_only_and_refuses_post(
    client, staff_admin, complete_draft
):
    v = actions.publish(complete_draft(), actor=staff_admin, effective_from=D1)
    hi = v.handling_items.get()
    client.force_login(staff_admin)
    url = reverse("admin:catalogue_itemversion_change", args=[v.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="name"' not in page.content.decode()
    assert client.post(url, {"name": "改名"}).status_code == 403
    hi_url = reverse("admin:catalogue_handlingitem_change", args=[hi.pk])
    assert client.post(hi_url, _handling_item_post(hi, promised_limit_days=1)).status_code == 403
    assert (
        client.post(
            reverse("admin:catalogue_handlingitem_delete", args=[hi.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    v.refresh_from_db()
    hi.refresh_from_db()
    assert v.name == "食品经营许可" and hi.promised_limit_days == 5


def test_an_action_refusal_becomes_an_admin_message_and_nothing_is_written(
    client, staff_admin, complete_draft, monkeypatch
):
    v = complete_draft()
    hi = v.handling_items.get()
    client.force_login(staff_admin)
    real = actions.save_draft_part

    def refuse_materials(obj, *, actor):
        # The version was published by someone else between the handling item and its materials.
        if isinstance(obj, Material):
            raise InvalidTransition("已发布的版本不可修改；请发起调整生成新版本")
        return real(obj, actor=actor)

    monkeypatch.setattr(actions, "save_draft_part", refuse_materials)
    url = reverse("admin:catalogue_handlingitem_change", args=[hi.pk])
    r = client.post(
        url,
        _handling_item_post(hi, promised_limit_days=2, **{"materials-0-name": "新名称"}),
        follow=True,
    )
    assert r.status_code == 200
    assert "已发布的版本不可修改" in r.content.decode()
    hi.refresh_from_db()
    assert hi.promised_limit_days == 5  # the handling item's save was rolled back with the rest
    assert hi.materials.get().name == "食品经营许可申请书"


def test_an_admin_of_another_county_cannot_see_or_edit_the_drafts(
    client, complete_draft, make_staff, other_county
):
    v = complete_draft()
    hi = v.handling_items.get()
    stranger = make_staff("stranger", other_county, Role.CATALOGUE_ADMIN)
    stranger.is_staff = True
    stranger.save()
    client.force_login(stranger)
    changelist = client.get(reverse("admin:catalogue_handlingitem_changelist")).content.decode()
    assert hi.name not in changelist
    r = client.post(
        reverse("admin:catalogue_handlingitem_change", args=[hi.pk]),
        _handling_item_post(hi, promised_limit_days=1),
    )
    assert r.status_code == 302 and r["Location"] == reverse(
        "admin:index"
    )  # "no such object" for them
    hi.refresh_from_db()
    assert hi.promised_limit_days == 5
    assert not AuditEvent.objects.filter(actor=stranger).exists()


def test_a_clerk_with_admin_access_sees_no_catalogue_models(client, make_staff, county):
    clerk = make_staff("clerk", county, Role.CLERK)
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    assert client.get(reverse("admin:catalogue_itemversion_changelist")).status_code == 403


def test_adding_a_handling_item_in_the_admin_offers_only_drafts(
    client, staff_admin, complete_draft, admin_user
):
    draft = complete_draft()
    published = actions.publish(
        complete_draft("P1", "已发布事项"), actor=admin_user, effective_from=D1
    )
    client.force_login(staff_admin)
    page = client.get(reverse("admin:catalogue_handlingitem_add") + f"?item_version={draft.pk}")
    choices = page.context["adminform"].form.fields["item_version"].queryset
    assert draft in choices and published not in choices


def test_declaring_no_such_power_in_the_admin_uses_the_action(client, staff_admin, catalogue):
    client.force_login(staff_admin)
    r = client.post(
        reverse("admin:catalogue_guidanceexemption_add"),
        {"catalogue": catalogue.pk, "basic_code": "000199001000", "reason": "本县无煤矿"},
    )
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action="catalogue.declare_no_such_power").exists()


def test_an_adjustment_draft_is_editable_in_the_admin_while_its_predecessor_is_not(
    client, staff_admin, complete_draft
):
    v1 = actions.publish(complete_draft(), actor=staff_admin, effective_from=D1)
    v2 = actions.start_adjustment(
        v1.item, actor=staff_admin, kind=ChangeKind.CHANGE, reason="r", basis="b"
    )
    client.force_login(staff_admin)
    draft_page = client.get(
        reverse("admin:catalogue_itemversion_change", args=[v2.pk])
    ).content.decode()
    old_page = client.get(
        reverse("admin:catalogue_itemversion_change", args=[v1.pk])
    ).content.decode()
    assert 'name="name"' in draft_page and 'name="name"' not in old_page


def test_adding_a_handling_item_with_its_materials_in_the_admin(
    client, staff_admin, complete_draft
):
    draft = complete_draft()
    client.force_login(staff_admin)
    template = HandlingItem(
        item_version=draft,
        code="640221-XK-001-02",
        name="食品经营许可（变更）",
        variant="change",
        statutory_limit_days=20,
        promised_limit_days=3,
        complaint_phone="0952-12345",
    )
    data = _handling_item_post(
        template,
        item_version=draft.pk,
        **{
            "materials-TOTAL_FORMS": "1",
            "materials-INITIAL_FORMS": "0",
            "materials-0-order": "1",
            "materials-0-name": "变更申请书",
            "materials-0-form": "original",
            "materials-0-copies": "1",
            "materials-0-source": "applicant",
            "materials-0-is_required": "on",
            "materials-0-is_core": "on",
            "materials-0-applies_to": "agent",
        },
    )
    r = client.post(reverse("admin:catalogue_handlingitem_add"), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    added = draft.handling_items.get(code="640221-XK-001-02")
    assert added.materials.get().name == "变更申请书"
    assert added.materials.get().applies_to == "agent"
    assert AuditEvent.objects.filter(
        action="catalogue.save_draft_part",
        subject_type="catalogue.handlingitem",
        subject_id=str(added.pk),
    ).exists()
    assert actions.publish_blockers(draft, D1) == []
