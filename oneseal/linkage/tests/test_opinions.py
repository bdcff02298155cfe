"""Opinions of other departments (征求意见): the request reaches the department's inbox, API and
webhook; the department answers; silence past the limit is no objection only where the request
says so — on the first working day after the limit, across the 2026 Spring Festival — and is
escalated otherwise; the decision waits for an awaited opinion; and every refusal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from oneseal.audit.models import AuditEvent
from oneseal.cases import actions as case_actions
from oneseal.cases.models import CaseEvent
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.linkage import actions, queries
from oneseal.linkage.models import OpinionRequest, OutboxMessage
from oneseal.testing import accepted_case, day, reviewed

from .conftest import PDF

RULE = "平罗县工程建设项目审批制度改革实施方案第十二条"


@pytest.fixture
def case(item, applicant, clerk):
    """Accepted on Thursday 2026-02-12, the last working days before the Spring Festival."""
    return accepted_case(item, applicant, clerk, "2026-02-12")


@pytest.fixture
def ask(case, reviewer, department):
    def make(*, silence=False, days=3, on="2026-02-12", to=department, actor=reviewer, **kw):
        return actions.request_opinion(
            case,
            actor=actor,
            department=to,
            subject="请就该店经营场所的消防安全条件提出意见",
            days=days,
            silence_is_consent=silence,
            silence_rule=RULE if silence else "",
            on=day(on),
            **kw,
        )

    return make


@pytest.fixture
def webhook(department):
    actions.configure_department_link(
        department,
        system=True,
        sign_days=3,
        webhook_url="https://supervision.example.gov.cn/hooks",
        webhook_enabled=True,
    )


def _events(case, action):
    return list(CaseEvent.objects.filter(case=case, action=action).order_by("seq"))


def test_three_working_days_from_12_february_2026_end_on_24_february_and_silence_is_consent_on_the_25th(
    case, ask, reviewer, second_reviewer, signatory, webhook
):
    opinion = ask(silence=True)
    # Fri 13 and the make-up Saturday 14 February work; 15–23 February is the holiday.
    assert opinion.due_on == day("2026-02-24")
    assert [m.event_type for m in OutboxMessage.objects.filter(opinion_request=opinion)] == [
        "opinion_request"
    ]
    requested = _events(case, "opinion_requested")
    assert len(requested) == 1 and requested[0].data["due_on"] == "2026-02-24"

    for before in ("2026-02-14", "2026-02-23", "2026-02-24"):
        assert actions.run_opinion_deadlines(day(before)) == {
            "deemed": 0,
            "escalated": 0,
            "withdrawn": 0,
        }
    opinion.refresh_from_db()
    assert opinion.state == OpinionRequest.RequestState.OPEN

    case = reviewed(case, reviewer, second_reviewer, "2026-02-24")
    with pytest.raises(InvalidTransition) as refused:
        case_actions.grant(
            case,
            actor=signatory,
            on=day("2026-02-24"),
            scope="预包装食品销售",
            valid_from=day("2026-02-24"),
            valid_until=day("2031-02-23"),
        )
    assert "正在征求市场监管局意见" in str(refused.value.message)

    assert actions.run_opinion_deadlines(day("2026-02-25")) == {
        "deemed": 1,
        "escalated": 0,
        "withdrawn": 0,
    }
    assert actions.run_opinion_deadlines(day("2026-02-25")) == {
        "deemed": 0,
        "escalated": 0,
        "withdrawn": 0,
    }
    opinion.refresh_from_db()
    assert opinion.state == OpinionRequest.RequestState.DEEMED
    assert opinion.deemed_on == day("2026-02-25") and opinion.no_objection
    (deemed,) = _events(case, "opinion_deemed")
    assert deemed.on == day("2026-02-25") and deemed.actor is None
    assert deemed.data["rule"] == RULE and RULE in deemed.reason
    assert AuditEvent.objects.filter(action="linkage.opinion_deemed").count() == 1
    assert "opinion_deemed" in set(
        OutboxMessage.objects.filter(opinion_request=opinion).values_list("event_type", flat=True)
    )

    case_actions.grant(
        case,
        actor=signatory,
        on=day("2026-02-25"),
        scope="预包装食品销售",
        valid_from=day("2026-02-25"),
        valid_until=day("2031-02-24"),
    )


def test_a_worker_that_runs_late_still_records_the_first_working_day_after_the_limit(case, ask):
    opinion = ask(silence=True)
    actions.run_opinion_deadlines(day("2026-03-02"))
    opinion.refresh_from_db()
    assert opinion.deemed_on == day("2026-02-25")
    (event,) = _events(case, "opinion_deemed")
    assert event.on == day("2026-02-25") and event.data["found_on"] == "2026-03-02"


def test_without_silence_consent_the_request_is_escalated_once_and_the_department_told_again(
    case, ask, reviewer, second_reviewer, signatory, supervisor, webhook, db
):
    opinion = ask()
    assert actions.run_opinion_deadlines(day("2026-02-24")) == {
        "deemed": 0,
        "escalated": 0,
        "withdrawn": 0,
    }
    assert actions.run_opinion_deadlines(day("2026-02-25")) == {
        "deemed": 0,
        "escalated": 1,
        "withdrawn": 0,
    }
    assert actions.run_opinion_deadlines(day("2026-02-26")) == {
        "deemed": 0,
        "escalated": 0,
        "withdrawn": 0,
    }
    opinion.refresh_from_db()
    assert opinion.state == OpinionRequest.RequestState.OPEN
    assert opinion.escalated_on == day("2026-02-25")
    (overdue,) = _events(case, "opinion_overdue")
    assert overdue.data["working_days_late"] == 1
    kinds = list(
        OutboxMessage.objects.filter(opinion_request=opinion)
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert kinds == ["opinion_request", "opinion_overdue"]
    assert [o.pk for o in queries.overdue_opinion_requests("640221", today=day("2026-02-25"))] == [
        opinion.pk
    ]
    assert not queries.overdue_opinion_requests("640202", today=day("2026-02-25")).exists()

    case = reviewed(case, reviewer, second_reviewer, "2026-02-26")
    with pytest.raises(InvalidTransition):
        case_actions.grant(
            case,
            actor=signatory,
            on=day("2026-03-10"),
            scope="预包装食品销售",
            valid_from=day("2026-03-10"),
            valid_until=day("2031-03-09"),
        )
    with pytest.raises(InvalidTransition):
        case_actions.deny(case, actor=signatory, on=day("2026-03-10"), reasons=["场所不符合"])

    answered = actions.answer_opinion(
        opinion,
        actor=supervisor,
        conclusion="object",
        reasons="消防通道被占用",
        on=day("2026-03-02"),
    )
    assert answered.answered_late and not answered.no_objection
    case_actions.deny(case, actor=signatory, on=day("2026-03-02"), reasons=["消防通道被占用"])


def test_the_department_answers_on_its_page_with_a_file_and_the_case_shows_it(
    case, ask, supervisor, reviewer, client
):
    opinion = ask()
    client.force_login(supervisor)
    inbox = client.get(reverse("linkage:inbox"))
    assert inbox.status_code == 200 and case.number in inbox.content.decode()
    page = reverse("linkage:opinion", args=[opinion.pk])
    refused = client.post(page, {"conclusion": "conditions", "reasons": ""})
    assert refused.status_code == 400 and "写明条件或理由" in refused.content.decode()
    done = client.post(
        page,
        {
            "conclusion": "conditions",
            "reasons": "开业前完成消防设施检测",
            "attachments": SimpleUploadedFile("意见书.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert done.status_code == 302
    opinion.refresh_from_db()
    assert opinion.state == OpinionRequest.RequestState.ANSWERED
    assert opinion.conclusion == "conditions" and opinion.attachments.count() == 1
    assert _events(case, "opinion_answered")[0].data["conclusion"] == "conditions"
    again = client.post(page, {"conclusion": "agree"})
    assert again.status_code == 400
    opinion.refresh_from_db()
    assert opinion.conclusion == "conditions"

    client.force_login(reviewer)
    panel = client.get(reverse("linkage:case", args=[case.pk])).content.decode()
    assert "有条件同意" in panel and "开业前完成消防设施检测" in panel
    workbench = client.get(reverse("workbench:case", args=[case.pk])).content.decode()
    assert "有条件同意" in workbench
    file_url = reverse("linkage:opinion-file", args=[opinion.pk, opinion.attachments.get().pk])
    assert client.get(file_url).status_code == 200


def test_the_inbox_lists_answered_opinions_in_its_body_and_keeps_its_title_plain(
    case, ask, supervisor, client
):
    actions.answer_opinion(ask(), actor=supervisor, conclusion="agree")
    client.force_login(supervisor)
    body = client.get(reverse("linkage:inbox")).content.decode()
    head, page = body.split("</title>", 1)
    # The closed opinions were left in the title block too: the tab and the screen reader read
    # the list's markup as the page's name.
    assert head.split("<title>", 1)[1] == "审管联动 · oneseal"
    assert "已办结的征求意见" in page and case.number in page


def test_a_reviewer_asks_on_the_case_page_and_bad_input_names_the_field(
    case, reviewer, department, client
):
    client.force_login(reviewer)
    url = reverse("linkage:case-opinion", args=[case.pk])
    refused = client.post(
        url,
        {
            "opinion-department": department.pk,
            "opinion-subject": "消防意见",
            "opinion-days": 5,
            "opinion-silence_is_consent": "on",
            "opinion-silence_rule": "",
        },
    )
    assert refused.status_code == 400 and "须写明依据" in refused.content.decode()
    assert not OpinionRequest.objects.exists()
    done = client.post(
        url,
        {
            "opinion-department": department.pk,
            "opinion-subject": "消防意见",
            "opinion-days": 5,
        },
    )
    assert done.status_code == 302
    assert OpinionRequest.objects.get().case == case


def test_another_department_can_neither_see_nor_answer(
    case, ask, other_supervisor, token, other_department
):
    opinion = ask()
    api = APIClient()
    api.force_authenticate(other_supervisor)
    assert api.get(reverse("api:linkage-opinion", args=[opinion.pk])).status_code == 404
    answer = api.post(
        reverse("api:linkage-opinion-answer", args=[opinion.pk]), {"conclusion": "agree"}
    )
    assert answer.status_code == 404
    with pytest.raises(NotPermitted):
        actions.answer_opinion(opinion, actor=other_supervisor, conclusion="agree")
    from django.test import Client

    web = Client()
    web.force_login(other_supervisor)
    assert web.get(reverse("linkage:opinion", args=[opinion.pk])).status_code == 404
    assert (
        web.post(reverse("linkage:opinion", args=[opinion.pk]), {"conclusion": "agree"}).status_code
        == 404
    )
    opinion.refresh_from_db()
    assert opinion.state == OpinionRequest.RequestState.OPEN


def test_a_token_reads_and_answers_within_its_scopes(case, ask, token):
    opinion = ask()
    api = APIClient()
    _row, header = token("pushes:read")
    api.credentials(HTTP_AUTHORIZATION=header)
    assert api.get(reverse("api:linkage-opinions")).status_code == 403
    _row, header = token("opinions:read")
    api.credentials(HTTP_AUTHORIZATION=header)
    listed = api.get(reverse("api:linkage-opinions"), {"open": "1"}).json()["results"]
    assert [o["id"] for o in listed] == [opinion.pk]
    assert listed[0]["case_number"] == case.number and listed[0]["due_on"] == "2026-02-24"
    answer_url = reverse("api:linkage-opinion-answer", args=[opinion.pk])
    assert api.post(answer_url, {"conclusion": "agree"}, format="json").status_code == 403
    _row, header = token("opinions:read", "opinions:answer")
    api.credentials(HTTP_AUTHORIZATION=header)
    bad = api.post(answer_url, {"conclusion": "maybe"}, format="json")
    assert bad.status_code == 400 and "conclusion" in bad.json()["fields"]
    ok = api.post(answer_url, {"conclusion": "agree"}, format="json")
    assert ok.status_code == 200 and ok.json()["state"] == "answered"
    assert "监管系统" in ok.json()["answerer_name"]


def test_another_countys_staff_cannot_ask_or_read(case, far_staff, department, ask):
    with pytest.raises(NotPermitted):
        actions.request_opinion(
            case, actor=far_staff, department=department, subject="意见", days=3
        )
    opinion = ask()
    api = APIClient()
    api.force_authenticate(far_staff)
    made = api.post(
        reverse("api:linkage-case-opinions", args=[case.pk]),
        {"department": department.pk, "subject": "意见", "days": 3},
        format="json",
    )
    assert made.status_code == 404
    assert api.get(reverse("api:linkage-case", args=[case.pk])).status_code == 404
    withdraw = api.post(
        reverse("api:linkage-opinion-withdraw", args=[opinion.pk]), {"reason": "x"}, format="json"
    )
    assert withdraw.status_code == 404
    assert OpinionRequest.objects.count() == 1


def test_the_api_asks_and_the_case_linkage_lists_the_opinion(
    case, reviewer, department, clerk, far_department
):
    api = APIClient()
    api.force_authenticate(clerk)
    url = reverse("api:linkage-case-opinions", args=[case.pk])
    body = {"department": department.pk, "subject": "消防意见", "days": 3}
    assert api.post(url, body, format="json").status_code == 403  # a clerk does not ask
    api.force_authenticate(reviewer)
    bad = api.post(url, {**body, "days": 0}, format="json")
    assert bad.status_code == 400 and "days" in bad.json()["fields"]
    far = api.post(url, {**body, "department": far_department.pk}, format="json")
    assert far.status_code == 400 and "department" in far.json()["fields"]
    made = api.post(url, body, format="json")
    assert made.status_code == 201
    listed = api.get(reverse("api:linkage-case", args=[case.pk])).json()["opinion_requests"]
    assert [o["id"] for o in listed] == [made.json()["id"]]


def test_a_withdrawn_request_no_longer_holds_the_decision_and_cannot_be_answered(
    case, ask, reviewer, second_reviewer, signatory, supervisor
):
    opinion = ask()
    case = reviewed(case, reviewer, second_reviewer, "2026-02-13")
    with pytest.raises(ValidationFailed):
        actions.withdraw_opinion_request(opinion, actor=reviewer, reason=" ")
    actions.withdraw_opinion_request(opinion, actor=reviewer, reason="申请人已提交消防验收合格证明")
    with pytest.raises(InvalidTransition):
        actions.answer_opinion(opinion, actor=supervisor, conclusion="agree")
    assert actions.run_opinion_deadlines(day("2026-03-02")) == {
        "deemed": 0,
        "escalated": 0,
        "withdrawn": 0,
    }
    case_actions.grant(
        case,
        actor=signatory,
        on=day("2026-02-13"),
        scope="预包装食品销售",
        valid_from=day("2026-02-13"),
        valid_until=day("2031-02-12"),
    )


def test_a_silence_consent_request_cannot_be_answered_once_deemed_and_a_closed_case_is_not_asked(
    case, ask, supervisor, clerk
):
    opinion = ask(silence=True)
    with pytest.raises(ValidationFailed) as late:
        actions.answer_opinion(
            opinion, actor=supervisor, conclusion="object", reasons="x", on=day("2026-02-25")
        )
    assert "on" in late.value.fields
    case_actions.withdraw(case, actor=clerk, reason="申请人撤回", on=day("2026-02-13"))
    with pytest.raises(InvalidTransition):
        ask()
    # The open request on the closed case is withdrawn, not deemed nor escalated.
    assert actions.run_opinion_deadlines(day("2026-02-25")) == {
        "deemed": 0,
        "escalated": 0,
        "withdrawn": 1,
    }
    opinion.refresh_from_db()
    assert opinion.state == OpinionRequest.RequestState.WITHDRAWN
    assert "不再征求意见" in opinion.withdrawal_reason


def test_e_supervision_lists_overdue_opinions_of_its_scope_only(
    case, ask, make_staff, county, other_county, client
):
    from oneseal.organisation.models import Role

    opinion = ask()
    actions.run_opinion_deadlines(day("2026-02-25"))
    overseer = make_staff("overseer", county, Role.OVERSEER)
    far = make_staff("far_overseer", other_county, Role.OVERSEER)
    client.force_login(overseer)
    assert client.get(reverse("esupervision:dashboard")).context["linkage"]["opinions_overdue"] == 1
    listing = client.get(reverse("esupervision:opinion-requests")).content.decode()
    assert case.number in listing and "市场监管局" in listing
    client.force_login(far)
    assert case.number not in client.get(reverse("esupervision:opinion-requests")).content.decode()
    opinion.refresh_from_db()
    assert opinion.escalated_on == day("2026-02-25")
