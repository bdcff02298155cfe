"""Every act that calls for a notice issues it, whatever recorded the act (issue 11 point 5):
the window's pages, the API, the worker, and what the applicant then sees in the portal. A
notice that cannot be issued with its act (no seal) waits in the window's queue with its
reason, is counted overdue by e-supervision after a working day, and is issued from the queue."""

import datetime

from django.urls import reverse
from rest_framework.test import APIClient

from oneseal.audit.models import AuditEvent
from oneseal.calendars.queries import current_calendar
from oneseal.cases import actions as case_actions
from oneseal.cases import jobs
from oneseal.cases.models import CaseMaterial, State
from oneseal.documents import actions, queries
from oneseal.documents.models import Document, PendingNotice
from oneseal.esupervision import queries as oversight
from oneseal.organisation.models import Role
from oneseal.testing import accepted_case, at, day, reviewed, scan

from .conftest import notice_of, pdf_text


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def provided(case, clerk):
    case_actions.check_materials(
        case,
        actor=clerk,
        statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
    )


def test_accepting_and_suspending_through_the_api_issue_their_notices(
    item, applicant, clerk, reviewer, seal
):
    case = case_actions.receive(item, actor=clerk, applicant=applicant)
    provided(case, clerk)
    r = api(clerk).post(f"/api/v1/cases/{case.pk}/accept", {}, format="json")
    assert r.status_code == 200, r.content
    acceptance = notice_of(case, "acceptance")
    assert acceptance.issued_by == clerk and acceptance.dated == case.events.get(action="accept").on
    r = api(reviewer).post(
        f"/api/v1/cases/{case.pk}/suspend",
        {"kind": "expert_review", "reason": "组织专家评审", "expected_days": 5},
        format="json",
    )
    assert r.status_code == 200, r.content
    special = notice_of(case, "special_procedure")
    assert special.issued_by == reviewer and "专家评审" in pdf_text(special)
    assert not PendingNotice.objects.exists()


def test_refusing_and_asking_for_a_correction_at_the_window_issue_their_notices(
    client, item, applicant, clerk, seal
):
    client.force_login(clerk)
    refused = case_actions.receive(item, actor=clerk, applicant=applicant)
    lines = list(refused.materials.all())
    form = {
        "decision": "refuse",
        "clause": "1",
        "reason": "该事项无需取得行政许可",
        "expected_version": refused.lock_version,
        **{f"status_{m.pk}": "provided" for m in lines},
        **{f"note_{m.pk}": "" for m in lines},
    }
    response = client.post(reverse("workbench:intake-case", args=[refused.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert notice_of(refused, "refusal").issued_by == clerk
    assert 'id="print-refusal"' in client.get(response["Location"]).content.decode()


def test_the_worker_deeming_a_case_accepted_issues_the_notice_dated_that_day(
    item, applicant, clerk, seal, applicant_user, own_applicant
):
    # Received Monday 2026-02-09; five working days end Monday 2026-02-23 (Spring Festival
    # 2-15 to 2-23 off, Saturday 2-14 worked): 2-10, 2-11, 2-12, 2-13, 2-14.
    case = case_actions.receive(
        item, actor=clerk, applicant=own_applicant, at=at("2026-02-09 10:00")
    )
    assert case.acceptance_due == day("2026-02-14")
    assert jobs.run_deemed_acceptance(day("2026-02-14")) == 0
    assert jobs.run_deemed_acceptance(day("2026-02-24")) == 1
    case.refresh_from_db()
    assert case.state == State.ACCEPTED and case.accepted_on == day("2026-02-09")
    notice = notice_of(case, "acceptance")
    assert notice.issued_by is None and notice.dated == day(
        "2026-02-24"
    )  # made when found, not back-dated
    text = pdf_text(notice)
    assert (
        "《中华人民共和国行政许可法》第三十二条第一款第（四）项" in text
        and "第三十二条第二款" not in text
    )
    assert "自收到申请材料之日（2026年2月9日）起即为受理" in text and "2026年2月24日" in text
    assert "受理人" not in text  # nobody accepted it
    # The applicant finds it on their case in the portal.
    from django.test import Client

    portal = Client()
    portal.force_login(applicant_user)
    page = portal.get(f"/my/cases/{case.pk}/").content.decode()
    assert notice.number in page and f'href="/documents/{notice.pk}/file/"' in page


def test_a_licence_held_for_tolerated_materials_is_issued_when_the_last_one_arrives(
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
    assert (
        notice_of(case, "grant") and not Document.objects.filter(case=case, kind="licence").exists()
    )
    assert not PendingNotice.objects.exists()  # held by law, not waiting for the window
    line = case.materials.get(status=CaseMaterial.Status.TOLERATED)
    case_actions.supply_tolerated_material(
        case, line, actor=clerk, upload=scan(), on=day("2025-03-10")
    )
    licence = notice_of(case, "licence")
    assert licence.issued_by == clerk and licence.event.action == "grant"


def test_without_a_seal_the_act_stands_and_the_notice_waits_in_the_queue(
    client, item, applicant, clerk, bureau, make_staff, county, other_county
):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    assert case.state == State.ACCEPTED and not Document.objects.exists()
    receipt = PendingNotice.objects.get(kind="receipt")  # the receipt waits for the same reason
    assert (receipt.case, receipt.event.action) == (case, "receive")
    pending = PendingNotice.objects.get(kind="acceptance")
    assert (pending.case, pending.kind, pending.event.action) == (case, "acceptance", "accept")
    assert "尚未启用电子印章" in pending.reason and pending.document is None
    assert AuditEvent.objects.filter(
        action="documents.queue_notice",
        subject_id=str(pending.pk),
        summary=f"{pending.get_kind_display()} 待出具：{pending.reason}",
    ).exists()

    client.force_login(clerk)
    page = client.get(reverse("workbench:notices")).content.decode()
    assert (
        case.number in page
        and "尚未启用电子印章" in page
        and f'id="issue-pending-{pending.pk}"' in page
    )
    # Others do not see it: staff of another county, and staff without the window's role.
    client.force_login(make_staff("far-clerk", other_county, Role.CLERK))
    assert case.number not in client.get(reverse("workbench:notices")).content.decode()
    assert client.post(reverse("workbench:issue-notice", args=[pending.pk])).status_code == 404
    client.force_login(make_staff("only-reviewer", county, Role.REVIEWER))
    assert client.get(reverse("workbench:notices")).status_code == 403

    # E-supervision: not overdue on the act's working day and the next; overdue after.
    queued = pending.queued_on
    scope = oversight.Scope(prefix="640221", region=None, home=None)
    assert list(oversight.overdue_cases(scope, queued, oversight.Overdue.NOTICE)) == []
    late_day = queries.notice_overdue_on(current_calendar(), queued)
    assert late_day == current_calendar().add(queued, 1).date + datetime.timedelta(days=1)
    assert (
        list(
            oversight.overdue_cases(
                scope, late_day - datetime.timedelta(days=1), oversight.Overdue.NOTICE
            )
        )
        == []
    )
    assert [c.id for c in oversight.overdue_cases(scope, late_day, oversight.Overdue.NOTICE)] == [
        case.pk
    ]

    # Issuing from the queue, once the seal is there.
    client.force_login(clerk)
    refused = client.post(reverse("workbench:issue-notice", args=[pending.pk]))
    assert refused.status_code == 302 and refused["Location"] == reverse("workbench:notices")
    actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    issued = client.post(reverse("workbench:issue-notice", args=[pending.pk]))
    assert issued.status_code == 302
    pending.refresh_from_db()
    document = notice_of(case, "acceptance")
    assert (
        pending.document == document
        and document.issued_by == clerk
        and document.dated == day("2025-03-03")
    )
    assert f"issued={document.pk}" in issued["Location"]
    assert (
        f'id="issue-pending-{pending.pk}"'
        not in client.get(reverse("workbench:notices")).content.decode()
    )
    assert client.post(reverse("workbench:issue-notice", args=[receipt.pk])).status_code == 302
    assert notice_of(case, "receipt").issued_by == clerk
    assert list(oversight.overdue_cases(scope, late_day, oversight.Overdue.NOTICE)) == []
    assert case.number not in client.get(reverse("workbench:notices")).content.decode()


def test_a_site_survey_notice_says_the_statutory_limit_runs_on(
    item, applicant, clerk, reviewer, seal
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    case_actions.suspend(
        case,
        actor=reviewer,
        kind="site_survey",
        reason="需对经营场所现场勘验",
        expected_days=3,
        on=day("2025-09-24"),
    )
    text = pdf_text(notice_of(case, "special_procedure"))
    assert (
        "现场勘验所需时间不计算在本机关承诺办结期限内" in text
        and "法定办结期限（2025年10月24日）不变" in text
    )
    assert "第四十五条" not in text and "不计算在行政许可期限内" not in text


def test_a_joint_items_extension_notice_names_the_governments_approval(
    make_item, applicant, clerk, reviewer, signatory, seal
):
    hi = make_item(is_joint=True, statutory_limit_days=45, promised_limit_days=20)
    case = accepted_case(hi, applicant, clerk, "2025-09-22")
    case_actions.request_extension(
        case, actor=reviewer, reason="多部门联合办理", on=day("2025-09-23")
    )
    case_actions.approve_extension(
        case,
        actor=signatory,
        on=day("2025-09-23"),
        government_approver="平罗县人民政府县长王某",
        approval_document="平政批〔2025〕12号",
    )
    text = pdf_text(notice_of(case, "extension"))
    assert "经本级人民政府负责人（平罗县人民政府县长王某）批准（平政批〔2025〕12号）" in text
    assert (
        "第四十二条第二款" in text
        and "延长十五个工作日" in text
        and "经本机关负责人批准" not in text
    )


def test_a_provisional_date_is_marked_and_corrected_when_the_year_is_published(
    item, clerk, admin_user, seal, applicant_user, own_applicant
):
    from django.test import Client

    from oneseal.calendars import actions as calendar_actions

    # Accepted Monday 2026-12-28: five working days end 2027-01-05 and twenty 2027-01-26, with
    # New Year's Day off by law — 2027's schedule is not published yet, so both are 暂定.
    case = accepted_case(item, own_applicant, clerk, "2026-12-28")
    assert case.due_provisional
    first = notice_of(case, "acceptance")
    text = pdf_text(first)
    assert (
        "承诺办结日期：2027年1月5日（暂定）" in text
        and "法定办结期限：2027年1月26日（暂定）" in text
    )
    assert "节假日安排尚未公布" in text
    portal = Client()
    portal.force_login(applicant_user)
    assert "2027年1月5日（暂定）" in portal.get(f"/my/cases/{case.pk}/").content.decode()

    # The 2027 notice (as entered here) also gives Monday 1-4 off: the dates move by one day.
    calendar_actions.enter_day(
        day("2027-01-04"), actor=admin_user, is_workday=False, name="元旦调休"
    )
    calendar_actions.declare_year_official(
        2027, actor=admin_user, announcement="国务院办公厅关于2027年部分节假日安排的通知"
    )
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 1
    first.refresh_from_db()
    corrected = Document.objects.get(supersedes=first)
    assert first.state == Document.DocumentState.SUPERSEDED and corrected.issued_by is None
    assert corrected.corrected == {
        "promised_due": "2027-01-06",
        "statutory_due": "2027-01-27",
        "provisional": False,
        "promised_due_provisional": False,
        "statutory_due_provisional": False,
    }
    text = pdf_text(corrected)
    assert (
        "承诺办结日期：2027年1月6日" in text
        and "法定办结期限：2027年1月27日" in text
        and "暂定" not in text
    )
    told = case.events.get(action="notice_corrected")
    assert told.data["old"] == first.number and told.data["new"] == corrected.number
    assert case_actions.verify_chain(case.pk) == []
    # The applicant sees it on their case.
    page = portal.get(f"/my/cases/{case.pk}/").content.decode()
    assert "已出具更正后的通知书" in page and corrected.number in page
    # Nothing more to correct on a second pass.
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 0
    assert Document.objects.filter(case=case, kind="acceptance").count() == 2
