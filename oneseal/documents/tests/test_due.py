"""What a case still calls for, issuing it all at once at the window, the documents a user may
open on a case, the file view, and the printed form (A4, fonts embedded, two copies)."""

import io

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from oneseal.cases import actions as case_actions
from oneseal.cases.models import CaseMaterial
from oneseal.documents import actions, queries
from oneseal.documents.rendering import MissingGlyphs, fonts_for
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.testing import accepted_case, at, day, reviewed

from .conftest import notice_of, pdf_bytes, pdf_text

A4 = (595.28, 841.89)


def kinds(case):
    return [(d.kind, d.blockers) for d in queries.due_documents(case)]


def test_due_documents_follow_the_events_and_drop_what_was_issued(item, applicant, clerk, bureau):
    # No seal yet: the acts stand and their notices stay due (and queued, see test_pending).
    no_seal = ["本局尚未启用电子印章，请系统管理员先启用本局印章"]
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    assert kinds(case) == [("receipt", no_seal)]
    core, other = case.materials.order_by("material__order")
    case = case_actions.request_correction(
        case, actor=clerk, on=day("2025-03-04"), items={other.pk: "未提交"}
    )
    assert kinds(case) == [("receipt", no_seal), ("correction", no_seal)]
    case = case_actions.submit_correction(case, actor=clerk, on=day("2025-03-05"))
    case_actions.check_materials(
        case,
        actor=clerk,
        statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
    )
    case = case_actions.accept(case, actor=clerk, on=day("2025-03-06"))
    # The correction materials call for their own receipt (补正材料接收凭证): the latest receipt
    # is the one due, after the correction notice.
    assert kinds(case) == [("correction", no_seal), ("receipt", no_seal), ("acceptance", no_seal)]
    actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    assert kinds(case) == [("correction", []), ("receipt", []), ("acceptance", [])]
    issued = actions.issue_due_documents(case, actor=clerk)
    assert [d.kind for d in issued] == ["correction", "receipt", "acceptance"]
    assert issued[1].event.action == "submit_correction"
    assert kinds(case) == [] and actions.issue_due_documents(case, actor=clerk) == []


def test_a_held_licence_is_due_with_its_reason_and_the_rest_is_issued(
    item, applicant, clerk, reviewer, second_reviewer, signatory, seal
):
    case = accepted_case(item, applicant, clerk, "2025-03-03", tolerated_until="2025-03-31")
    case = reviewed(case, reviewer, second_reviewer, "2025-03-04")
    case_actions.grant(
        case,
        actor=signatory,
        on=day("2025-03-05"),
        scope="热食类食品制售",
        valid_from=day("2025-03-05"),
        valid_until=None,
    )
    # The acceptance and the grant issued their notices; the held licence waits, with why.
    assert notice_of(case, "tolerated_acceptance") and notice_of(case, "grant")
    assert kinds(case) == [("licence", ["容缺材料尚未补齐，证照暂缓发放"])]
    with pytest.raises(ValidationFailed, match="暂缓发放") as refused:
        actions.issue_due_documents(case, actor=signatory)
    assert refused.value.reasons == ["行政许可证件：容缺材料尚未补齐，证照暂缓发放"]


def test_issuing_at_once_needs_a_clerk_or_signatory_and_a_seal(
    item, applicant, clerk, supervisor, bureau
):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    no_seal = ["本局尚未启用电子印章，请系统管理员先启用本局印章"]
    assert kinds(case) == [("receipt", no_seal), ("acceptance", no_seal)]
    with pytest.raises(NotPermitted):
        actions.issue_due_documents(case, actor=supervisor)
    with pytest.raises(ValidationFailed, match="尚未启用电子印章"):
        actions.issue_due_documents(case, actor=clerk)


def test_a_revoked_notice_is_not_due_again(item, applicant, clerk, signatory, seal):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    document = notice_of(case, "acceptance")
    actions.revoke_document(document, actor=signatory, reason="错发")
    assert kinds(case) == []
    with pytest.raises(ValidationFailed, match="已撤销，不再出具"):
        actions.issue_document(case, kind="acceptance", actor=clerk)


def test_documents_for_and_the_file_view_follow_who_sees_the_case(
    client, item, own_applicant, clerk, far_staff, other_applicant_user, applicant_user, seal
):
    case = accepted_case(item, own_applicant, clerk, "2025-03-03")
    receipt, first = notice_of(case, "receipt"), notice_of(case, "acceptance")
    second = actions.reissue_document(first, actor=clerk, reason="更正")
    assert queries.documents_for(clerk, case) == [receipt, first, second]
    assert queries.documents_for(applicant_user, case) == [receipt, first, second]
    assert (
        queries.documents_for(far_staff, case) == []
        and queries.documents_for(other_applicant_user, case) == []
    )

    url = f"/documents/{second.pk}/file/"
    for user in (clerk, applicant_user):
        client.force_login(user)
        shown = client.get(url)
        assert shown.status_code == 200 and shown["Content-Type"] == "application/pdf"
        assert shown["Content-Disposition"].startswith("inline")
        assert b"".join(shown.streaming_content) == pdf_bytes(second)
    for user in (far_staff, other_applicant_user, None):
        client.logout()
        if user is not None:
            client.force_login(user)
        refused = client.get(url)
        assert refused.status_code == 404 and second.number not in refused.content.decode()


def test_the_printed_form_is_a4_with_embedded_fonts_and_two_copies_for_notices(
    item, applicant, clerk, reviewer, second_reviewer, signatory, seal
):
    case = reviewed(
        accepted_case(item, applicant, clerk, "2025-01-20"), reviewer, second_reviewer, "2025-01-22"
    )
    case_actions.grant(
        case,
        actor=signatory,
        on=day("2025-01-24"),
        scope="热食类食品制售",
        valid_from=day("2025-01-24"),
        valid_until=day("2030-01-23"),
    )
    acceptance, licence = notice_of(case, "acceptance"), notice_of(case, "licence")
    for document, copies in (
        (acceptance, ["第一联\u3000存档", "第二联\u3000交申请人"]),
        (licence, []),
    ):
        reader = PdfReader(io.BytesIO(pdf_bytes(document)))
        assert len(reader.pages) == max(len(copies), 1)
        for page in reader.pages:
            assert (
                round(float(page.mediabox.width), 2),
                round(float(page.mediabox.height), 2),
            ) == A4
            for ref in page["/Resources"]["/Font"].values():
                font = ref.get_object()
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (
                    font["/BaseFont"]
                )
        # The signature field draws nothing of its own: no unembedded font over the red stamp.
        widgets = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
        assert [w["/FT"] for w in widgets] == ["/Sig"]
        appearance = widgets[0]["/AP"]["/N"].get_object()
        assert "/Font" not in appearance.get(
            "/Resources", {}
        ) and appearance.get_data().split() == [b"q", b"Q"]
        text = pdf_text(document)
        for label in copies:
            assert label.replace("\u3000", "") in text
        # The same notice on each copy: the counterfoil is a copy, not a different document.
        if copies:
            first, second = (pdf_text(_page_bytes(document, i)) for i in (0, 1))
            assert first.replace("第一联存档", "") == second.replace("第二联交申请人", "")


def _page_bytes(document, index: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(pdf_bytes(document))).pages[index])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_rare_character_is_drawn_from_the_embedded_font_and_no_glyph_is_missing(
    item, own_applicant, clerk, seal
):
    common, rare = fonts_for("马𠮷祥")
    assert rare is not None and fonts_for("马吉祥") == (common, None)
    document = notice_of(accepted_case(item, own_applicant, clerk, "2025-01-20"), "acceptance")
    data = pdf_bytes(document)
    fonts = [
        str(ref.get_object()["/BaseFont"])
        for ref in PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"].values()
    ]
    assert len(fonts) == 2 and all("NotoSansCJKSC" in name for name in fonts), fonts
    text = pdf_text(data)
    assert "马𠮷祥" in text and "\ufffd" not in text  # every code shown maps back to a character
    # The rare font embedded for 𠮷 carries its outline, not only the .notdef box.
    outlines = {}
    for key, ref in PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"].items():
        descriptor = ref.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        # The cuts are TrueType (rendering._quadratic): the embedded file is /FontFile2.
        embedded = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        glyf = embedded["glyf"]
        drawn = [
            name
            for name in embedded.getGlyphOrder()
            if name != ".notdef" and glyf[name].numberOfContours > 0
        ]
        outlines[key] = len(drawn)
    assert sorted(outlines.values())[0] >= 1 and sorted(outlines.values())[-1] > 100, outlines
    with pytest.raises(MissingGlyphs) as missing:
        fonts_for("申请人\U000e0100")  # a variation selector no font draws on its own
    assert missing.value.chars == "\U000e0100"
