"""Every kind of notice and the licence, rendered for real cases reached through the case
actions, parsed back and checked for the fields domain.md §6 requires, and validated."""

import hashlib
import io

import pytest
from fontTools.ttLib import TTCollection, TTFont
from pypdf import PdfReader

from oneseal.audit.models import AuditEvent
from oneseal.cases import actions as case_actions
from oneseal.cases.models import CaseMaterial
from oneseal.documents import actions, signing
from oneseal.documents.models import Document, DocumentSequence
from oneseal.documents.rendering import font_location
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.testing import accepted_case, at, day, reviewed

from .conftest import notice_of, pdf_bytes, pdf_text


def issued(case, kind, actor):
    """The notice the act issued itself; `actor` is who recorded the act, and the document
    names them as its issuer."""
    document = notice_of(case, kind)
    assert document.issued_by == actor
    data = pdf_bytes(document)
    check = signing.check_signature(data, [document.seal.certificate_pem])
    assert check.ok, check.summary
    text = pdf_text(data)
    assert "\ufffd" not in text  # every code shown maps back to a character
    return document, text


def granted(case, signatory, on, **fields):
    fields = {
        "scope": "热食类食品制售",
        "valid_from": day(on),
        "valid_until": day("2030-01-23"),
        **fields,
    }
    return case_actions.grant(case, actor=signatory, on=day(on), **fields)


def test_an_acceptance_notice_states_the_decision_date_the_clerk_and_the_complaint_phone(
    item, applicant, clerk, seal
):
    case = accepted_case(item, applicant, clerk, "2025-01-20")
    document, text = issued(case, "acceptance", clerk)
    assert document.number == "平审批受〔2025〕第000001号" and (document.year, document.seq) == (
        2025,
        1,
    )
    case.refresh_from_db()
    for expected in (
        "平罗县审批服务管理局",
        "受理通知书",
        "平审批受〔2025〕第000001号",
        "平罗县𠮷祥餐饮有限公司",
        "《中华人民共和国行政许可法》第三十二条第一款第（五）项",
        "承诺办结日期：2025年1月26日",
        f"法定办结期限：{case.statutory_due.year}年{case.statutory_due.month}月{case.statutory_due.day}日",
        "受理人：王窗口",
        "投诉电话：0952-12345",
        f"核验码：{document.verification_code}",
        f"/documents/verify/{document.verification_code}/",
        "2025年1月20日",
        "第一联存档",
        "第二联交申请人",
    ):
        assert expected in text, expected
    assert len(PdfReader(io.BytesIO(pdf_bytes(document))).pages) == 2
    assert document.sha256 == hashlib.sha256(pdf_bytes(document)).hexdigest()
    assert AuditEvent.objects.filter(action="documents.issue", subject_id=str(document.pk)).exists()


def test_a_correction_notice_lists_every_material_to_add_or_correct(item, applicant, clerk, seal):
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    core, other = case.materials.order_by("material__order")
    case_actions.check_materials(
        case, actor=clerk, statuses={core.pk: CaseMaterial.Status.PROVIDED}
    )
    case = case_actions.request_correction(
        case,
        actor=clerk,
        on=day("2025-03-04"),
        items={core.pk: "缺少法定代表人签字", other.pk: "未提交"},
    )
    document, text = issued(case, "correction", clerk)
    assert document.number == "平审批补〔2025〕第000001号"
    for expected in (
        "补正材料通知书",
        "第三十二条第一款第（四）项",
        "一次告知",
        "1.食品经营许可申请书：缺少法定代表人签字",
        "2.食品安全管理制度：未提交",
        "经办人：王窗口",
    ):
        assert expected in text, expected


def test_a_refusal_names_the_sub_clause_and_the_competent_body(item, applicant, clerk, seal):
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    case = case_actions.refuse(
        case,
        actor=clerk,
        clause="2",
        reason="申请事项属于自然资源部门职权",
        competent_body="平罗县自然资源局",
        on=day("2025-03-04"),
    )
    document, text = issued(case, "refusal", clerk)
    for expected in (
        "不予受理决定书",
        "《中华人民共和国行政许可法》第三十二条第一款第（二）项",
        "请向平罗县自然资源局提出申请",
        "申请事项属于自然资源部门职权",
        "决定不予受理",
    ):
        assert expected in text, expected


def test_a_denial_states_its_reasons_and_60_days_reconsideration_or_6_months_litigation(
    item, applicant, clerk, reviewer, second_reviewer, signatory, seal
):
    case = reviewed(
        accepted_case(item, applicant, clerk, "2025-09-15"), reviewer, second_reviewer, "2025-09-17"
    )
    case = case_actions.deny(
        case, actor=signatory, on=day("2025-09-24"), reasons=["经营场所面积不足", "布局不合理"]
    )
    document, text = issued(case, "denial", signatory)
    for expected in (
        "不予行政许可决定书",
        "1.经营场所面积不足",
        "2.布局不合理",
        "第三十八条第二款",
        "六十日内",
        "《中华人民共和国行政复议法》第二十条",
        "平罗县人民政府申请行政复议",
        "六个月内",
        "《中华人民共和国行政诉讼法》第四十六条",
        "2025年9月24日",
    ):
        assert expected in text, expected
    assert "三个月" not in text


def test_a_grant_and_its_licence_state_the_number_scope_and_validity(
    item, applicant, clerk, reviewer, second_reviewer, signatory, seal
):
    case = reviewed(
        accepted_case(item, applicant, clerk, "2025-01-20"), reviewer, second_reviewer, "2025-01-22"
    )
    licence = granted(case, signatory, "2025-01-24")
    grant_doc, text = issued(case, "grant", signatory)
    for expected in (
        "准予行政许可决定书",
        f"证照编号：{licence.number}",
        "许可范围：热食类食品制售",
        "有效期限：2025年1月24日至2030年1月23日",
        "第三十八条第一款",
    ):
        assert expected in text, expected
    licence_doc, text = issued(case, "licence", signatory)  # the licence comes with the grant
    assert licence_doc.number == "平审批证〔2025〕第000001号"
    for expected in (
        "食品经营许可证",
        f"证照编号：{licence.number}",
        "持证人：平罗县𠮷祥餐饮有限公司",
        "统一社会信用代码：91350100M000100Y43",
        "有效期限：2025年1月24日至2030年1月23日",
        "发证机关：平罗县审批服务管理局",
    ):
        assert expected in text, expected


def test_special_procedure_extension_tolerated_acceptance_and_revocation_render(
    item, applicant, clerk, reviewer, second_reviewer, signatory, seal
):
    case = accepted_case(item, applicant, clerk, "2025-03-03", tolerated_until="2025-03-20")
    _doc, text = issued(case, "tolerated_acceptance", clerk)
    assert "容缺受理通知书" in text and "1.食品安全管理制度：2025年3月20日前补齐" in text
    case = case_actions.suspend(
        case,
        actor=reviewer,
        kind="expert_review",
        reason="需组织专家评审",
        expected_days=5,
        on=day("2025-03-04"),
    )
    _doc, text = issued(case, "special_procedure", reviewer)
    assert "特别程序告知书" in text and "预计所需时间：5个工作日" in text and "第四十五条" in text
    case = case_actions.resume(case, actor=reviewer, on=day("2025-03-11"))
    case = case_actions.request_extension(
        case, actor=reviewer, reason="现场核查需要补充检测", on=day("2025-03-12")
    )
    case = case_actions.approve_extension(case, actor=signatory, on=day("2025-03-12"))
    _doc, text = issued(case, "extension", signatory)
    assert "延长审批期限告知书" in text and "延长十个工作日" in text and "第四十二条第一款" in text
    case = reviewed(case, reviewer, second_reviewer, "2025-03-13")
    licence = granted(case, signatory, "2025-03-14")
    case_actions.propose_revocation(
        case, actor=reviewer, facts="容缺材料逾期未补齐", on=day("2025-03-24")
    )
    _doc, text = issued(case, "revocation_notice", reviewer)  # the proposal issues its notice
    assert (
        "撤销行政许可告知书" in text
        and licence.number in text
        and "五个工作日内" in text
        and "第七条" in text
    )
    case_actions.notify_revocation(case, actor=clerk, on=day("2025-03-24"))
    case_actions.decide_revocation(
        case, actor=signatory, revoke=True, reason="逾期未补", on=day("2025-04-01")
    )
    _doc, text = issued(case, "revocation", signatory)
    assert "撤销行政许可决定书" in text and licence.number in text and "六十日内" in text
    assert "第六十九条" in text and "2025年3月24日" in text


def test_a_rare_character_in_a_name_renders_from_an_embedded_font(item, own_applicant, clerk, seal):
    path, face = font_location()
    font = TTCollection(path).fonts[face] if path.endswith(".ttc") else TTFont(path)
    assert 0x20BB7 in font.getBestCmap()  # 𠮷 has a glyph: no box, no fallback
    case = accepted_case(item, own_applicant, clerk, "2025-01-20")
    document, text = issued(case, "acceptance", clerk)
    assert "马𠮷祥" in text
    assert "640221198001011237" not in text  # the identity number is never printed
    fonts = PdfReader(io.BytesIO(pdf_bytes(document))).pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        descriptor = ref.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_numbers_never_repeat_or_skip_and_restart_per_kind(item, applicant, clerk, seal):
    numbers = []
    for on in ("2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06", "2025-03-07"):
        case = accepted_case(item, applicant, clerk, on)
        numbers.append(notice_of(case, "acceptance").number)
    assert numbers == [f"平审批受〔2025〕第{n:06d}号" for n in range(1, 6)]
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-10 09:00"))
    case = case_actions.refuse(
        case, actor=clerk, clause="1", reason="无需许可", on=day("2025-03-10")
    )
    assert notice_of(case, "refusal").number == "平审批不受〔2025〕第000001号"
    assert DocumentSequence.objects.get(kind="acceptance", year=2025).last == 5


def test_a_notice_is_issued_once_and_a_correction_supersedes_it(item, applicant, clerk, seal):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    first = notice_of(case, "acceptance")
    with pytest.raises(ValidationFailed, match="已出具受理通知书"):
        actions.issue_document(case, kind="acceptance", actor=clerk)
    second = actions.reissue_document(first, actor=clerk, reason="受理人姓名有误")
    first.refresh_from_db()
    assert first.state == Document.DocumentState.SUPERSEDED and second.supersedes == first
    assert second.number != first.number and set(case.documents.all()) == {
        notice_of(case, "receipt"),
        first,
        second,
    }
    assert first.file.storage.exists(first.file.name) and first.sha256 != second.sha256


def test_nothing_is_issued_without_a_notice_due_a_role_or_a_released_licence(
    item, applicant, clerk, applicant_user, own_applicant, seal
):
    received = case_actions.receive(
        item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    with pytest.raises(ValidationFailed, match="没有需要出具受理通知书"):
        actions.issue_document(received, kind="acceptance", actor=clerk)
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    own = notice_of(case, "acceptance")  # the acceptance issued its notice itself
    with pytest.raises(NotPermitted):
        actions.issue_document(case, kind="acceptance", actor=applicant_user)
    with pytest.raises(ValidationFailed):
        actions.issue_document(case, kind="no_such_kind", actor=clerk)
    # Besides the two receipts (each issued by its receive), only the acceptance notice.
    assert set(Document.objects.exclude(kind="receipt")) == {own}
    assert set(Document.objects.filter(kind="receipt").values_list("case", flat=True)) == {
        received.pk,
        case.pk,
    }
