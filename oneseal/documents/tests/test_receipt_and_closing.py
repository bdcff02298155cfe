"""The receipt (收件凭证) issued with every receipt of an application, and the decisions that
close an application without a licensing decision: the withdrawal (准予撤回) and the termination
of the review (终止审查). Each is issued by the act itself on every path, or queued with its reason
when it cannot be."""

import datetime

from django.urls import reverse
from rest_framework.test import APIClient

from oneseal.cases import actions as case_actions
from oneseal.cases.models import State
from oneseal.documents import actions, queries
from oneseal.documents.models import Document, PendingNotice
from oneseal.documents.queries import active_seal
from oneseal.testing import accepted_case, api_apply_online, at, day, versioned

from .conftest import notice_of, pdf_text


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def genuine(document) -> bool:
    """The stored file is the bureau's signature over these very bytes, and in force."""
    check = queries.check_file(document.file.open("rb").read())
    document.file.close()
    return check.authentic and check.document == document and document.state == "genuine"


def test_the_api_opens_a_case_with_its_receipt(item, applicant, clerk, seal):
    r = api(clerk).post(
        "/api/v1/cases",
        {"handling_item": item.pk, "applicant": applicant.pk, "channel": "window"},
        format="json",
    )
    assert r.status_code == 201, r.content
    case = applicant.cases.get()
    receipt = notice_of(case, "receipt")
    assert (
        receipt.event.action == "receive"
        and receipt.issued_by == clerk
        and receipt.dated == case.received_on
    )
    assert receipt.number.startswith("平审批收〔") and genuine(receipt)
    text = pdf_text(receipt)
    assert "收件凭证" in text and case.number in text and case.query_code in text
    assert "《中华人民共和国行政许可法》第三十二条第一款" in text and "五个工作日" in text
    assert "不表示申请已被受理" in text and "办件查询" in text
    for line in case.materials.exclude(status="not_needed").select_related("material"):
        assert line.material.name in text
    listed = api(clerk).get(f"/api/v1/cases/{case.pk}/documents").json()
    assert [d["kind"] for d in listed] == ["receipt"]


def test_an_applicant_applying_online_through_the_api_gets_the_receipt(
    item, own_applicant, applicant_user, seal
):
    r = api_apply_online(api(applicant_user), item, own_applicant.pk, own_applicant)
    assert r.status_code == 201, r.content
    case = own_applicant.cases.get()
    receipt = notice_of(case, "receipt")
    assert receipt.issued_by == applicant_user and genuine(receipt)
    text = pdf_text(receipt)
    assert (
        "网上办事大厅" in text and "（未上传）" in text and "收件人" not in text
    )  # files come later, nobody at a window
    listed = api(applicant_user).get(f"/api/v1/cases/{case.pk}").json()
    assert receipt.number in str(listed)


def test_the_receipt_prints_the_acceptance_window_on_real_dates(item, applicant, clerk, seal):
    # Received Friday 2025-09-26: the National Day holiday (10-01 to 10-08, Sunday 9-28 and
    # Saturday 10-11 worked) leaves 9-28, 9-29, 9-30, 10-09, 10-10 as the five working days.
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-09-26 15:30"))
    assert case.acceptance_due == day("2025-10-10")
    text = pdf_text(notice_of(case, "receipt"))
    assert "2025年9月26日15:30" in text and "2025年10月10日前" in text and "收件人：" in text


def test_without_a_seal_the_case_is_received_and_its_receipt_waits(item, applicant, clerk, bureau):
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    assert case.state == State.RECEIVED and not Document.objects.exists()
    pending = PendingNotice.objects.get()
    assert (pending.case, pending.kind, pending.event.action) == (case, "receipt", "receive")
    assert "尚未启用电子印章" in pending.reason


def test_a_revoked_seal_signs_nothing_more_from_the_next_act(item, applicant, clerk, seal):
    # The seal is read by a statement kept per connection (prepared on PostgreSQL's side, past
    # its five custom plans here): what is kept is the statement, never the seal.
    for n in range(7):
        assert active_seal(seal.bureau) == seal, n
    signed = case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    assert Document.objects.get(case=signed).kind == "receipt"
    actions.revoke_seal(seal, system=True)
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:05"))
    assert not Document.objects.filter(case=case).exists()
    pending = PendingNotice.objects.get(case=case)
    assert pending.kind == "receipt" and "尚未启用电子印章" in pending.reason


def test_withdrawing_online_issues_the_withdrawal_decision(
    client, item, own_applicant, applicant_user, clerk, seal
):
    case = accepted_case(item, own_applicant, clerk, "2025-03-03")
    client.force_login(applicant_user)
    r = client.post(
        reverse("portal:withdraw", args=[case.pk]),
        versioned(case, {"reason": "经营场所变更，暂不办理"}, field="lock_version"),
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN
    notice = notice_of(case, "withdrawal")
    assert (
        notice.event.action == "withdraw" and notice.issued_by == applicant_user and genuine(notice)
    )
    text = pdf_text(notice)
    assert "准予撤回行政许可申请决定书" in text and "经营场所变更，暂不办理" in text
    assert "本机关准予撤回该申请" in text and "重新提出申请" in text
    assert "经办人" not in text  # the applicant withdrew it themselves
    page = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert notice.number in page


def test_a_withdrawal_recorded_at_the_window_names_the_clerk(item, applicant, clerk, seal):
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    r = api(clerk).post(
        f"/api/v1/cases/{case.pk}/withdraw", {"reason": "申请人书面申请撤回"}, format="json"
    )
    assert r.status_code == 200, r.content
    text = pdf_text(notice_of(case, "withdrawal"))
    assert "经办人：" in text and "申请人书面申请撤回" in text


def test_terminating_the_review_issues_its_decision_with_the_remedies(
    item, applicant, clerk, signatory, seal
):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    r = api(clerk).post(
        f"/api/v1/cases/{case.pk}/terminate", {"reason": "申请人已注销"}, format="json"
    )
    assert r.status_code == 403  # only a signatory ends a case against the applicant's will
    assert not Document.objects.filter(kind="termination").exists()
    r = api(signatory).post(
        f"/api/v1/cases/{case.pk}/terminate",
        {"reason": "申请人已依法注销，主体资格消灭"},
        format="json",
    )
    assert r.status_code == 200, r.content
    notice = notice_of(case, "termination")
    assert notice.issued_by == signatory and genuine(notice)
    text = pdf_text(notice)
    assert "终止行政许可审查决定书" in text and "申请人已依法注销，主体资格消灭" in text
    assert "本机关已于2025年3月3日受理" in text
    assert "六十日" in text and "六个月" in text and "《中华人民共和国行政复议法》" in text


def test_without_a_seal_withdrawal_and_termination_wait_in_the_queue(
    item, applicant, clerk, signatory, bureau
):
    withdrawn = case_actions.receive(
        item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    case_actions.withdraw(withdrawn, actor=clerk, reason="申请人书面申请撤回", on=day("2025-03-04"))
    ended = accepted_case(item, applicant, clerk, "2025-03-03")
    case_actions.terminate(ended, actor=signatory, reason="申请人死亡", on=day("2025-03-05"))
    assert {
        (p.case_id, p.kind)
        for p in PendingNotice.objects.exclude(kind__in=["receipt", "acceptance"])
    } == {(withdrawn.pk, "withdrawal"), (ended.pk, "termination")}
    assert not Document.objects.exists()


# --- corrected notices when a provisional year's schedule is published ------------------------


def publish_2027(admin_user):
    """The 2027 schedule as entered here: Monday 1-4 off too (元旦调休), then declared official."""
    from oneseal.calendars import actions as calendar_actions

    calendar_actions.enter_day(
        day("2027-01-04"), actor=admin_user, is_workday=False, name="元旦调休"
    )
    calendar_actions.declare_year_official(
        2027, actor=admin_user, announcement="国务院办公厅关于2027年部分节假日安排的通知"
    )


def test_a_receipts_acceptance_window_is_corrected_when_the_year_is_published(
    client, item, clerk, admin_user, seal, applicant_user, own_applicant
):
    from oneseal.cases import jobs

    # Received Tuesday 2026-12-29: the five working days are 12-30, 12-31, (New Year's Day off by
    # law) 1-4, 1-5, 1-6 — in 2027, whose schedule is not published yet: 暂定.
    case = case_actions.receive(
        item, actor=clerk, applicant=own_applicant, at=at("2026-12-29 10:00")
    )
    assert case.acceptance_due == day("2027-01-06") and case.acceptance_due_provisional
    first = notice_of(case, "receipt")
    assert "2027年1月6日（暂定）前" in pdf_text(first) and "节假日安排尚未公布" in pdf_text(first)
    publish_2027(admin_user)
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 1
    first.refresh_from_db()
    corrected = Document.objects.get(supersedes=first)
    assert first.state == Document.DocumentState.SUPERSEDED and corrected.kind == "receipt"
    assert corrected.corrected == {
        "acceptance_due": "2027-01-07",
        "acceptance_due_provisional": False,
    }
    text = pdf_text(corrected)
    assert "2027年1月7日前" in text and "暂定" not in text
    # The old one verifies as superseded by the new one.
    standing = queries.check_file(first.file.open("rb").read()).standing
    first.file.close()
    assert (
        not standing.in_force
        and standing.reason == "superseded"
        and standing.superseded_by == corrected.number
    )
    client.force_login(applicant_user)
    page = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert "已出具更正后的通知书" in page and corrected.number in page and "收件凭证" in page
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 0
    assert Document.objects.filter(case=case, kind="receipt").count() == 2


def test_an_extension_notices_new_dates_are_corrected_when_the_year_is_published(
    item, applicant, clerk, reviewer, signatory, admin_user, seal
):
    from oneseal.cases import jobs

    # Accepted 2026-12-14 (promised 5, statutory 20 working days): extended on 12-16 by ten
    # working days, the dates fall in January 2027, still provisional.
    case = accepted_case(item, applicant, clerk, "2026-12-14")
    case_actions.request_extension(
        case, actor=reviewer, reason="需要补充现场核查", on=day("2026-12-16")
    )
    case_actions.approve_extension(case, actor=signatory, on=day("2026-12-16"))
    case.refresh_from_db()
    assert case.due_provisional and case.statutory_due.year == 2027
    first = notice_of(case, "extension")
    old_promised, old_statutory = case.promised_due, case.statutory_due
    assert "（暂定）" in pdf_text(first)
    publish_2027(admin_user)
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 1
    case.refresh_from_db()
    assert (
        case.statutory_due == old_statutory + datetime.timedelta(days=1)
        and not case.due_provisional
    )
    first.refresh_from_db()
    corrected = Document.objects.get(supersedes=first)
    assert first.state == "superseded" and corrected.kind == "extension"
    assert corrected.corrected == {
        "promised_due": case.promised_due.isoformat(),
        "statutory_due": case.statutory_due.isoformat(),
        "provisional": False,
        "promised_due_provisional": False,
        "statutory_due_provisional": False,
    }
    text = pdf_text(corrected)
    assert (
        f"延长后法定办结期限：{case.statutory_due.year}年{case.statutory_due.month}月{case.statutory_due.day}日"
        in text
    )
    assert "暂定" not in text and old_promised is not None
    told = [e.data["kind"] for e in case.events.filter(action="notice_corrected")]
    assert "extension" in told


def test_the_window_records_a_withdrawal_and_a_termination_and_prints_their_decisions(
    client, item, applicant, clerk, signatory, seal
):
    withdrawn = case_actions.receive(
        item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    client.force_login(clerk)
    r = client.post(
        reverse("workbench:act", args=[withdrawn.pk, "withdraw"]),
        {"reason": "申请人书面申请撤回", "expected_version": withdrawn.lock_version},
    )
    assert r.status_code == 302
    notice = notice_of(withdrawn, "withdrawal")
    assert (
        notice.issued_by == clerk
        and 'id="print-withdrawal"' in client.get(r["Location"]).content.decode()
    )
    ended = accepted_case(item, applicant, clerk, "2025-03-03")
    r = client.post(
        reverse("workbench:act", args=[ended.pk, "terminate"]),
        {"reason": "申请人死亡", "expected_version": ended.lock_version},
    )
    assert (
        r.status_code == 403 and not Document.objects.filter(kind="termination").exists()
    )  # a clerk may not
    client.force_login(signatory)
    r = client.post(
        reverse("workbench:act", args=[ended.pk, "terminate"]),
        {"reason": "申请人死亡", "expected_version": ended.lock_version},
    )
    assert r.status_code == 302
    assert notice_of(ended, "termination").issued_by == signatory
    assert 'id="print-termination"' in client.get(r["Location"]).content.decode()
