"""The documents API: who lists, issues, downloads, corrects and revokes, and the public check.
Every refusal is tested with the caller who should meet it, and refused reads say nothing about
the document."""

import pytest
from rest_framework.test import APIClient

from oneseal.cases import actions as case_actions
from oneseal.documents import actions
from oneseal.documents.models import Document
from oneseal.organisation.models import Role
from oneseal.testing import accepted_case, at, day

from .conftest import pdf_bytes


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def case(item, own_applicant, clerk, bureau):
    """An accepted case of an applicant with an online account, its acceptance notice due: it
    was accepted before the bureau's seal was set up, so its notice waits to be issued."""
    case = accepted_case(item, own_applicant, clerk, "2025-03-03")
    actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    return case


@pytest.fixture
def document(case, clerk):
    return actions.issue_document(case, kind="acceptance", actor=clerk)


def test_a_clerk_issues_a_due_notice_and_lists_it(case, clerk):
    due = api(clerk).get(f"/api/v1/cases/{case.pk}/documents/due")
    # The receipt of the materials is owed too (it was queued at receipt for the same reason).
    assert due.status_code == 200 and [d["kind"] for d in due.json()] == ["receipt", "acceptance"]
    assert due.json()[1]["blockers"] == []
    issued = api(clerk).post(
        f"/api/v1/cases/{case.pk}/documents", {"kind": "acceptance"}, format="json"
    )
    assert issued.status_code == 201, issued.content
    body = issued.json()
    assert body["number"] == "平审批受〔2025〕第000001号" and body["state"] == "genuine"
    assert (
        body["template_version"] == 1 and body["file_url"] == f"/api/v1/documents/{body['id']}/file"
    )
    assert body["verify_url"].endswith(f"/documents/verify/{body['verification_code']}/")
    listed = api(clerk).get(f"/api/v1/cases/{case.pk}/documents")
    assert [d["id"] for d in listed.json()] == [body["id"]]
    assert [d["kind"] for d in api(clerk).get(f"/api/v1/cases/{case.pk}/documents/due").json()] == [
        "receipt"
    ]


def test_issuing_what_cannot_be_issued_is_a_400_with_every_reason(case, clerk, bureau):
    again = api(clerk).post(f"/api/v1/cases/{case.pk}/documents", {"kind": "grant"}, format="json")
    assert again.status_code == 400 and "没有需要出具" in again.json()["reasons"][0]
    actions.issue_document(case, kind="acceptance", actor=clerk)
    actions.revoke_seal(bureau.seals.get(), system=True, on=day("2025-03-04"))
    second = api(clerk).post(
        f"/api/v1/cases/{case.pk}/documents", {"kind": "acceptance"}, format="json"
    )
    reasons = second.json()["reasons"]
    assert second.status_code == 400 and len(reasons) == 2
    assert "已出具受理通知书" in reasons[0] and "尚未启用电子印章" in reasons[1]
    bad = api(clerk).post(f"/api/v1/cases/{case.pk}/documents", {"kind": "nonsense"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()["fields"]


def test_the_owner_and_staff_of_the_region_read_and_download_the_file(
    document, clerk, supervisor, applicant_user
):
    for user in (clerk, applicant_user, supervisor):
        detail = api(user).get(f"/api/v1/documents/{document.pk}")
        assert detail.status_code == 200 and detail.json()["number"] == document.number
        download = api(user).get(f"/api/v1/documents/{document.pk}/file")
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        assert b"".join(download.streaming_content) == pdf_bytes(document)
        assert "attachment" in download["Content-Disposition"]


def test_others_get_the_same_404_as_for_a_document_that_does_not_exist(
    document, case, far_staff, other_applicant_user
):
    missing = Document.objects.order_by("-pk").first().pk + 1000
    for user in (far_staff, other_applicant_user, None):
        for url in (
            f"/api/v1/documents/{document.pk}",
            f"/api/v1/documents/{document.pk}/file",
            f"/api/v1/cases/{case.pk}/documents",
            f"/api/v1/cases/{case.pk}/documents/due",
        ):
            refused = api(user).get(url)
            assert refused.status_code == 404, (user, url)
            assert (
                document.number not in refused.content.decode()
                and case.number not in refused.content.decode()
            )
        gone = api(user).get(f"/api/v1/documents/{missing}")
        assert gone.status_code == 404 and gone.json()["code"] == refused.json()["code"]


def test_who_may_not_issue_is_refused(
    case, supervisor, applicant_user, far_staff, other_applicant_user
):
    body = {"kind": "acceptance"}
    assert (
        api(supervisor).post(f"/api/v1/cases/{case.pk}/documents", body, format="json").status_code
        == 403
    )
    assert (
        api(applicant_user)
        .post(f"/api/v1/cases/{case.pk}/documents", body, format="json")
        .status_code
        == 403
    )
    for user in (far_staff, other_applicant_user):
        refused = api(user).post(f"/api/v1/cases/{case.pk}/documents", body, format="json")
        assert refused.status_code == 404 and case.number not in refused.content.decode()
    assert api().post(f"/api/v1/cases/{case.pk}/documents", body, format="json").status_code in (
        401,
        403,
    )
    assert not Document.objects.exists()


def test_reissue_supersedes_and_revoke_needs_a_signatory(
    document, clerk, signatory, supervisor, applicant_user, far_staff
):
    blank = api(clerk).post(
        f"/api/v1/documents/{document.pk}/reissue", {"reason": " "}, format="json"
    )
    assert blank.status_code == 400 and "reason" in blank.json()["fields"]
    assert (
        api(supervisor)
        .post(f"/api/v1/documents/{document.pk}/reissue", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        api(far_staff)
        .post(f"/api/v1/documents/{document.pk}/reissue", {"reason": "x"}, format="json")
        .status_code
        == 404
    )
    newer = api(clerk).post(
        f"/api/v1/documents/{document.pk}/reissue", {"reason": "受理人姓名有误"}, format="json"
    )
    assert newer.status_code == 201
    assert newer.json()["supersedes"] == {"id": document.pk, "number": document.number}
    old = api(clerk).get(f"/api/v1/documents/{document.pk}").json()
    assert old["state"] == "superseded" and old["superseded_by"]["number"] == newer.json()["number"]

    new_id = newer.json()["id"]
    for user in (clerk, supervisor, applicant_user):
        refused = api(user).post(
            f"/api/v1/documents/{new_id}/revoke", {"reason": "错发"}, format="json"
        )
        assert refused.status_code == 403
    assert (
        api(far_staff)
        .post(f"/api/v1/documents/{new_id}/revoke", {"reason": "错发"}, format="json")
        .status_code
        == 404
    )
    revoked = api(signatory).post(
        f"/api/v1/documents/{new_id}/revoke", {"reason": "错发"}, format="json"
    )
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert revoked.json()["revocation_reason"] == "错发"


def test_the_public_check_shows_the_documents_facts_and_nothing_more(
    document, own_applicant, signatory
):
    checked = api().get(f"/api/v1/verify/{document.verification_code.lower()}")
    assert checked.status_code == 200
    body = checked.json()
    assert (
        body["state"] == "genuine"
        and body["number"] == document.number
        and body["kind"] == "acceptance"
    )
    assert body["applicant"] == "马𠮷祥" and body["bureau"] == "平罗县审批服务管理局"
    text = checked.content.decode()
    assert own_applicant.id_number not in text and own_applicant.phone not in text
    assert "case" not in body and "id" not in body
    actions.revoke_document(document, actor=signatory, reason="错发", on=day("2025-03-05"))
    assert api().get(f"/api/v1/verify/{document.verification_code}").json()["state"] == "revoked"
    assert api().get("/api/v1/verify/NOSUCHCODE0").status_code == 404


def test_a_refusal_and_a_correction_are_issued_through_the_api(
    item, applicant, clerk, make_staff, county, bureau
):
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    case = case_actions.refuse(
        case,
        actor=clerk,
        clause="2",
        reason="不属于本机关职权",
        competent_body="平罗县自然资源局",
        on=day("2025-03-04"),
    )
    actions.create_seal(
        bureau, system=True, valid_from=day("2024-01-01")
    )  # the refusal's notice waited for it
    window = make_staff("window2", county, Role.CLERK)
    issued = api(window).post(
        f"/api/v1/cases/{case.pk}/documents", {"kind": "refusal"}, format="json"
    )
    assert issued.status_code == 201 and issued.json()["number"] == "平审批不受〔2025〕第000001号"
