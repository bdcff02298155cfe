"""The wording of each kind, versioned: shipped as version 1 on first use, drafts refused with
the unknown placeholders named, publishing refused without what the law requires, published
versions immutable, each document written in — and recording — the version in force on its
date. The wording pages and the read-only admin."""

import pytest

from oneseal.audit.models import AuditEvent
from oneseal.cases import actions as case_actions
from oneseal.documents import actions, wording
from oneseal.documents.models import DocumentKind, DocumentTemplate
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Role
from oneseal.testing import accepted_case, day, reviewed

from .conftest import notice_of, pdf_text


def draft_of(bureau, kind, admin_user, reason="按上级新格式调整"):
    return actions.start_template_draft(bureau, kind, actor=admin_user, reason=reason)


def test_every_kind_gets_the_shipped_wording_as_version_1_on_first_use(bureau):
    actions.ensure_shipped_templates(bureau)
    actions.ensure_shipped_templates(bureau)  # a second first use finds them
    versions = DocumentTemplate.objects.filter(bureau=bureau)
    assert sorted(versions.values_list("kind", flat=True)) == sorted(DocumentKind.values)
    for template in versions:
        assert (template.number, template.status, template.effective_from) == (
            1,
            "published",
            wording.SHIPPED_FROM,
        )
        assert actions.template_publish_blockers(template, None)[0].startswith("只有草稿")
        # The shipped wording states everything the law requires of its kind.
        template.status = DocumentTemplate.Status.DRAFT
        assert actions.template_publish_blockers(template, day("2025-01-01")) == [], template.kind
    assert AuditEvent.objects.filter(action="documents.template_shipped").count() == len(
        DocumentKind.values
    )


def test_a_document_records_the_version_it_was_written_in(item, applicant, clerk, seal):
    document = notice_of(accepted_case(item, applicant, clerk, "2025-03-03"), "acceptance")
    assert document.template.kind == "acceptance" and document.template.number == 1


def test_an_unknown_placeholder_is_refused_at_save_naming_it_and_nothing_is_lost(
    bureau, admin_user
):
    draft = draft_of(bureau, "denial", admin_user)
    before = (draft.title, draft.body, draft.closing)
    with pytest.raises(ValidationFailed) as refused:
        actions.save_template_draft(
            draft,
            actor=admin_user,
            title="不予行政许可决定书",
            body=draft.body + "\n申请人身份证号：{id_number}，联系电话{applicant_phone}",
            closing="{licence_number}",
            reason="试",
        )
    fields = refused.value.fields
    assert "{applicant_phone}" in fields["body"][0] and "{id_number}" in fields["body"][0]
    assert "{licence_number}" in fields["closing"][0]  # a grant's placeholder, not a denial's
    draft.refresh_from_db()
    assert (draft.title, draft.body, draft.closing) == before
    with pytest.raises(ValidationFailed) as malformed:
        actions.save_template_draft(
            draft, actor=admin_user, title="{applicant.name}", body="你好{", closing="", reason=""
        )
    assert "title" in malformed.value.fields and "花括号" in malformed.value.fields["body"][0]


def test_publishing_refuses_a_denial_without_the_remedies_and_an_acceptance_without_the_decision_date(
    bureau, admin_user
):
    denial = draft_of(bureau, "denial", admin_user)
    body = "\n".join(line for line in denial.body.splitlines() if "行政复议" not in line)
    actions.save_template_draft(
        denial,
        actor=admin_user,
        title=denial.title,
        body=body,
        closing=denial.closing,
        reason="精简",
    )
    with pytest.raises(ValidationFailed) as refused:
        actions.publish_template(denial, actor=admin_user, effective_from=day("2025-06-01"))
    assert any("{reconsideration_days}" in r for r in refused.value.reasons)
    assert any("{litigation_months}" in r for r in refused.value.reasons)

    acceptance = draft_of(bureau, "acceptance", admin_user)
    closing = "\n".join(
        line
        for line in acceptance.closing.splitlines()
        if "promised_due" not in line and "complaint_phone" not in line
    )
    acceptance = actions.save_template_draft(
        acceptance,
        actor=admin_user,
        title=acceptance.title,
        body=acceptance.body,
        closing=closing,
        reason="",
    )
    blockers = actions.template_publish_blockers(acceptance, None)
    assert any("作出决定的日期" in b for b in blockers) and any("投诉电话" in b for b in blockers)
    assert any("修改原因" in b for b in blockers) and any("生效日期" in b for b in blockers)


def test_the_old_three_months_for_a_lawsuit_is_refused(bureau, admin_user):
    draft = draft_of(bureau, "revocation", admin_user)
    draft = actions.save_template_draft(
        draft,
        actor=admin_user,
        title=draft.title,
        body=draft.body + "\n或者在三个月内向人民法院起诉（{litigation_months}）。",
        closing=draft.closing,
        reason="旧格式",
    )
    assert any("六个月" in b for b in actions.template_publish_blockers(draft, day("2025-06-01")))


def test_a_published_version_governs_documents_dated_from_its_effective_date_and_is_immutable(
    item, applicant, clerk, admin_user, bureau, seal
):
    before = notice_of(accepted_case(item, applicant, clerk, "2025-05-30"), "acceptance")
    draft = draft_of(bureau, "acceptance", admin_user)
    actions.save_template_draft(
        draft,
        actor=admin_user,
        title="受理决定通知书",
        body=draft.body + "\n办理进度可凭查询码在网上办事大厅查询。",
        closing=draft.closing,
        reason="增加网上查询提示",
    )
    published = actions.publish_template(draft, actor=admin_user, effective_from=day("2025-06-01"))
    assert published.published_by == admin_user and published.status == "published"
    with pytest.raises(InvalidTransition):
        actions.save_template_draft(
            published, actor=admin_user, title="x", body="x", closing="", reason="x"
        )
    later = draft_of(bureau, "acceptance", admin_user)
    with pytest.raises(ValidationFailed) as too_early:
        actions.publish_template(later, actor=admin_user, effective_from=day("2025-05-01"))
    assert any("早于上一版本" in r for r in too_early.value.reasons)

    after = notice_of(accepted_case(item, applicant, clerk, "2025-06-03"), "acceptance")
    assert (before.template.number, after.template.number) == (1, 2)
    text = pdf_text(after)
    assert "受理决定通知书" in text and "办理进度可凭查询码在网上办事大厅查询。" in text
    assert "受理决定通知书" not in pdf_text(before)
    v1 = DocumentTemplate.objects.get(bureau=bureau, kind="acceptance", number=1)
    assert v1.effective_until == day("2025-06-01")
    publish = AuditEvent.objects.get(action="documents.publish_template")
    assert publish.actor == admin_user and publish.data["reason"] == "增加网上查询提示"
    assert publish.data["effective_from"] == "2025-06-01"


def test_lines_without_a_value_are_left_out_and_lists_become_numbered_lines(
    item, applicant, clerk, reviewer, second_reviewer, signatory, seal
):
    case = reviewed(
        accepted_case(item, applicant, clerk, "2025-09-15"), reviewer, second_reviewer, "2025-09-17"
    )
    case = case_actions.deny(
        case, actor=signatory, on=day("2025-09-24"), reasons=["面积不足", "布局不合理"]
    )
    values = wording.FACTS["denial"](
        wording.Facts(
            case=case,
            event=case.events.order_by("-seq").first(),
            bureau=case.bureau,
            licence=None,
            tolerated=[],
        )
    )
    notice = wording.compose("denial", wording.SHIPPED["denial"], {**values, "enquiry_phone": None})
    assert "1. 面积不足" in notice.paragraphs and "2. 布局不合理" in notice.paragraphs
    assert not any(line.startswith("咨询电话") for line in notice.closing)
    assert any(line.startswith("投诉电话") for line in notice.closing)


def test_only_catalogue_administrators_of_the_region_edit_wording(
    bureau, clerk, make_staff, other_county
):
    far_admin = make_staff("far_admin", other_county, Role.CATALOGUE_ADMIN)
    for actor in (clerk, far_admin):
        with pytest.raises(NotPermitted):
            actions.start_template_draft(bureau, "grant", actor=actor)
    assert not DocumentTemplate.objects.filter(status="draft").exists()


# --- pages -------------------------------------------------------------------------------------


def test_the_wording_pages_list_edit_preview_and_publish(client, bureau, admin_user):
    client.force_login(admin_user)
    index = client.get("/documents/templates/")
    assert index.status_code == 302 and index.url.endswith(f"/documents/templates/{bureau.pk}/")
    kinds = client.get(index.url)
    assert kinds.status_code == 200
    html = kinds.content.decode()
    assert "不予行政许可决定书" in html and "第1版" in html and 'name="viewport"' in html

    url = f"/documents/templates/{bureau.pk}/grant/"
    assert client.post(url, {"op": "start", "reason": "调整送达表述"}).status_code == 302
    draft = DocumentTemplate.objects.get(bureau=bureau, kind="grant", status="draft")
    bad = client.post(
        url,
        {
            "op": "save",
            "title": draft.title,
            "body": draft.body + "{fee}",
            "closing": draft.closing,
            "reason": "调整送达表述",
        },
    )
    assert bad.status_code == 400 and "{fee}" in bad.content.decode()
    good = client.post(
        url,
        {
            "op": "save",
            "title": draft.title,
            "body": draft.body.replace("颁发、送达", "制作并送达"),
            "closing": draft.closing,
            "reason": "调整送达表述",
        },
    )
    assert good.status_code == 302

    preview = client.get(f"/documents/templates/versions/{draft.pk}/preview/")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    text = pdf_text(preview.content)
    assert "制作并送达" in text and "示例餐饮有限公司" in text and "样张" in text

    assert client.post(url, {"op": "publish", "effective_from": "2025-07-01"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.effective_from == day("2025-07-01")


def test_the_wording_pages_refuse_staff_without_the_role(client, bureau, clerk):
    client.force_login(clerk)
    assert client.get("/documents/templates/").status_code == 403
    assert client.get(f"/documents/templates/{bureau.pk}/").status_code == 403
    actions.ensure_shipped_templates(bureau)
    template = DocumentTemplate.objects.filter(bureau=bureau).first()
    assert client.get(f"/documents/templates/versions/{template.pk}/preview/").status_code == 403


def test_the_admin_shows_documents_and_wording_read_only(client, bureau, django_user_model):
    actions.ensure_shipped_templates(bureau)
    root = django_user_model.objects.create_superuser("root", password="pw-root")
    client.force_login(root)
    template = DocumentTemplate.objects.filter(bureau=bureau).first()
    assert client.get("/admin/documents/documenttemplate/").status_code == 200
    page = client.get(f"/admin/documents/documenttemplate/{template.pk}/change/")
    assert page.status_code == 200 and 'name="body"' not in page.content.decode()
    assert client.get("/admin/documents/documenttemplate/add/").status_code == 403
    assert client.get("/admin/documents/document/").status_code == 200
    assert client.get("/admin/documents/seal/").status_code == 200
