"""The receipt for correction materials (补正材料接收凭证): when the materials a correction notice
asked for arrive, at the window, in the portal or through the API, the bureau hands over a
receipt that names them and the five working days of 第三十二条 counted again from that day."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from oneseal.cases import actions as case_actions
from oneseal.cases import jobs
from oneseal.cases.models import State
from oneseal.documents.models import Document
from oneseal.documents.rules import chinese_date
from oneseal.testing import at, day

from .conftest import notice_of, pdf_text


def awaiting_correction(item, applicant, clerk, received: str, asked: str):
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=at(f"{received} 09:00"))
    core = case.materials.order_by("material__order").first()
    return case_actions.request_correction(
        case, actor=clerk, items={core.pk: "申请书未签字"}, on=day(asked)
    )


def test_the_window_hands_over_a_receipt_with_the_new_window_across_national_day(
    item, applicant, clerk, seal
):
    case = awaiting_correction(item, applicant, clerk, "2025-09-22", "2025-09-23")
    first = notice_of(case, "receipt")
    # Friday 2025-09-26: the five working days are Sunday 9-28 (调休上班), 9-29, 9-30, then after
    # the National Day holiday (10-1 to 10-8) 10-9 and 10-10.
    case = case_actions.submit_correction(case, actor=clerk, on=day("2025-09-26"))
    assert case.state == State.RECEIVED and case.acceptance_due == day("2025-10-10")
    receipts = Document.objects.filter(case=case, kind="receipt").order_by("issued_at", "id")
    assert receipts.count() == 2 and receipts[0] == first and first.state == "genuine"
    receipt = receipts[1]
    assert receipt.event.action == "submit_correction" and receipt.issued_by == clerk
    assert receipt.dated == day("2025-09-26")
    text = pdf_text(receipt)
    assert "提交的补正材料" in text and case.number in text and "补正材料接收凭证" in text
    assert "收到全部补正材料之日起五个工作日内（2025年10月10日前）" in text
    assert "申请书" in text and "收件日期：2025年9月26日" in text and "王窗口" in text
    assert "收到申请材料之日起五个工作日内" not in text  # not the application's wording
    assert "第三十二条第一款" in text and "暂定" not in text


def test_the_applicant_gets_the_receipt_when_submitting_in_the_portal(
    client, item, own_applicant, applicant_user, clerk, seal
):
    case = awaiting_correction(item, own_applicant, clerk, "2025-09-22", "2025-09-23")
    core = case.materials.order_by("material__order").first()
    case_actions.attach_file(
        core,
        actor=applicant_user,
        upload=SimpleUploadedFile("申请书.pdf", b"%PDF-1.7 test", content_type="application/pdf"),
    )
    client.force_login(applicant_user)
    case.refresh_from_db()
    r = client.post(
        reverse("portal:submit_correction", args=[case.pk]),
        {"lock_version": case.lock_version},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == State.RECEIVED
    receipt = notice_of(case, "receipt")
    assert receipt.event.action == "submit_correction" and receipt.issued_by == applicant_user
    text = pdf_text(receipt)
    assert "网上办事大厅" in text and "提交的补正材料" in text and "收件人" not in text
    assert chinese_date(case.acceptance_due) in text
    page = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert receipt.number in page


def test_the_api_submission_issues_the_receipt(item, applicant, clerk, seal):
    case = awaiting_correction(item, applicant, clerk, "2025-09-22", "2025-09-23")
    api = APIClient()
    api.force_authenticate(clerk)
    r = api.post(
        f"/api/v1/cases/{case.pk}/submit-correction",
        {"expected_version": case.lock_version},
        format="json",
    )
    assert r.status_code == 200, r.content
    receipt = notice_of(case, "receipt")
    assert receipt.event.action == "submit_correction"
    listed = [d["kind"] for d in api.get(f"/api/v1/cases/{case.pk}/documents").json()]
    assert listed.count("receipt") == 2 and "correction" in listed


def test_a_refused_submission_issues_nothing(item, applicant, clerk, far_staff, seal):
    from oneseal.errors import NotPermitted

    case = awaiting_correction(item, applicant, clerk, "2025-09-22", "2025-09-23")
    with pytest.raises(NotPermitted):
        case_actions.submit_correction(case, actor=far_staff, on=day("2025-09-26"))
    assert Document.objects.filter(case=case, kind="receipt").count() == 1


def test_only_the_correction_receipt_is_corrected_when_its_year_is_published(
    item, applicant, clerk, admin_user, seal
):
    from .test_corrected_dates import publish_2027

    case = awaiting_correction(item, applicant, clerk, "2026-12-21", "2026-12-22")
    first = notice_of(case, "receipt")
    # Tuesday 2026-12-29: 12-30, 12-31, (元旦) 1-4, 1-5, 1-6 — provisional.
    case = case_actions.submit_correction(case, actor=clerk, on=day("2026-12-29"))
    assert case.acceptance_due == day("2027-01-06") and case.acceptance_due_provisional
    second = notice_of(case, "receipt")
    assert "2027年1月6日（暂定）前" in pdf_text(second)
    publish_2027(admin_user)
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == "genuine" and second.state == "superseded"
    corrected = Document.objects.get(supersedes=second)
    assert corrected.corrected == {
        "acceptance_due": "2027-01-07",
        "acceptance_due_provisional": False,
    }
    text = pdf_text(corrected)
    assert "提交的补正材料" in text and "2027年1月7日前" in text
