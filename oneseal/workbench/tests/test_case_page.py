"""The case page: everything about the case, and only the actions possible now for this user,
an impossible one disabled with the action's own reasons. Each form carries the version the
user saw; someone else's action in between is a conflict, said in Chinese, and nothing is
lost."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from oneseal.cases import actions
from oneseal.cases.actions.review import inspector_problem
from oneseal.cases.models import CaseEvent, CaseMaterial
from oneseal.documents.models import Document
from oneseal.organisation.models import Role
from oneseal.testing import accepted_case, at, reviewed, scan, versioned


def today() -> str:
    return timezone.localdate().isoformat()


def page(client, user, case):
    client.force_login(user)
    response = client.get(reverse("workbench:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def act(client, user, case, name, **data):
    client.force_login(user)
    case.refresh_from_db()
    data.setdefault("expected_version", case.lock_version)
    return client.post(reverse("workbench:act", args=[case.pk, name]), data)


@pytest.fixture
def running(item, applicant, clerk):
    return accepted_case(item, applicant, clerk, today())


def test_the_page_shows_the_case_and_its_history(client, item, applicant, clerk):
    case = actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    body = page(client, clerk, case)
    assert case.number in body and applicant.name in body and item.item_version.name in body
    assert "收件" in body and "王窗口" in body  # the event, by whom
    assert 'id="go-intake"' in body
    # Delivery is impossible now; the reason is the action's own.
    assert 'id="act-deliver"' in body and "办件当前状态为“已收件”，不能执行此操作" in body
    assert "form-deliver" not in body


def test_the_whole_back_office_runs_from_the_page(
    client, running, reviewer, second_reviewer, signatory, clerk, seal
):
    assert (
        act(
            client,
            reviewer,
            running,
            "complete-review-step",
            opinion="材料齐全，符合条件",
            outcome="approve",
        ).status_code
        == 302
    )
    assert (
        act(
            client,
            second_reviewer,
            running,
            "complete-review-step",
            opinion="同意",
            outcome="approve",
        ).status_code
        == 302
    )
    body = page(client, signatory, running)
    assert "form-grant" in body and "form-deny" in body
    response = act(
        client,
        signatory,
        running,
        "grant",
        scope="预包装食品销售",
        valid_from=today(),
        valid_until="",
    )
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.state == "granted"
    kinds = set(Document.objects.filter(case=running).values_list("kind", flat=True))
    assert {"grant", "licence"} <= kinds  # and the acceptance notice nobody had printed yet
    printed = client.get(response["Location"]).content.decode()
    assert 'id="print-licence"' in printed and 'id="print-grant"' in printed
    assert act(client, clerk, running, "deliver", channel="window").status_code == 302
    running.refresh_from_db()
    assert running.state == "delivered" and running.closed_on is not None
    timeline = page(client, clerk, running)
    for label in ("受理", "完成审批环节", "准予许可", "送达", "李初审", "张局长"):
        assert label in timeline


def test_a_stale_form_is_a_conflict_and_keeps_what_was_typed(
    client, running, reviewer, second_reviewer
):
    running.refresh_from_db()
    stale = running.lock_version
    actions.complete_review_step(running, actor=reviewer, opinion="同意", outcome="approve")
    client.force_login(second_reviewer)
    response = client.post(
        reverse("workbench:act", args=[running.pk, "complete-review-step"]),
        {"expected_version": stale, "opinion": "复审同意，请领导审定", "outcome": "approve"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "该办件已被他人处理" in body and "复审同意，请领导审定" in body
    assert CaseEvent.objects.filter(case=running, action="complete_review_step").count() == 1


def test_bad_input_is_named_on_its_field_and_changes_nothing(
    client, running, reviewer, second_reviewer, signatory
):
    reviewed(running, reviewer, second_reviewer, today())
    response = act(client, signatory, running, "grant", scope="", valid_from=today())
    assert response.status_code == 400
    assert "请填写许可范围" in response.content.decode()
    response = act(
        client, signatory, running, "grant", scope="预包装食品销售", valid_from="2025-13-01"
    )
    assert response.status_code == 400
    assert "日期格式应为 YYYY-MM-DD" in response.content.decode()
    running.refresh_from_db()
    assert running.state == "accepted"


def test_a_site_inspection_needs_two_inspectors(client, running, reviewer, second_reviewer):
    data = {"on": today(), "place": "平罗县城关镇新华街12号", "findings": "经营场所与申报一致"}
    response = act(
        client, reviewer, running, "record-site-inspection", inspectors=[reviewer.pk], **data
    )
    assert response.status_code == 400
    assert "两名以上" in response.content.decode()
    response = act(
        client,
        reviewer,
        running,
        "record-site-inspection",
        inspectors=[reviewer.pk, second_reviewer.pk],
        **data,
    )
    assert response.status_code == 302
    assert "经营场所与申报一致" in page(client, reviewer, running)


def test_the_site_inspection_offers_only_staff_who_may_inspect(
    client, running, reviewer, second_reviewer, signatory, clerk, make_staff, county, bureau
):
    # 第三十四条第三款: the bureau's reviewing staff; an overseer only reads, a clerk does not
    # review: offered, each was refused only after the form was sent.
    overseer = make_staff("overseer", county, Role.OVERSEER, display_name="刘监察")
    archivist = make_staff("archivist", county, Role.ARCHIVIST, bureau=bureau)
    body = page(client, reviewer, running)
    offered = {int(pk) for pk in re.findall(r'name="inspectors" value="(\d+)"', body)}
    assert {reviewer.pk, second_reviewer.pk, signatory.pk} <= offered
    assert not offered & {clerk.pk, overseer.pk, archivist.pk}
    for refused in (clerk, overseer, archivist):
        assert inspector_problem(refused, running) is not None


def test_a_special_procedure_left_unchosen_is_asked_for_by_name(client, running, reviewer):
    response = act(client, reviewer, running, "suspend", kind="", reason="勘验", expected_days=3)
    assert response.status_code == 400
    body = response.content.decode()
    assert "请选择特别程序" in body and "不是有效的取值" not in body


def test_suspension_stops_the_clock_and_resumption_restarts_it(client, running, reviewer):
    assert (
        act(
            client,
            reviewer,
            running,
            "suspend",
            kind="expert_review",
            reason="组织专家评审",
            expected_days="5",
        ).status_code
        == 302
    )
    body = page(client, reviewer, running)
    assert "计时暂停" in body and 'id="form-resume"' in body
    assert act(client, reviewer, running, "resume").status_code == 302
    running.refresh_from_db()
    assert running.state == "accepted"


def test_an_extension_is_asked_by_a_reviewer_and_approved_by_another(
    client, running, reviewer, signatory
):
    assert 'id="form-request-extension"' in page(client, reviewer, running)
    assert (
        act(client, reviewer, running, "request-extension", reason="需征求相关部门意见").status_code
        == 302
    )
    body = page(client, reviewer, running)
    assert "本办件已于" in body and "依法只能延期一次" in body  # now disabled, with the reason
    assert act(client, signatory, running, "approve-extension").status_code == 302
    running.refresh_from_db()
    assert running.extended


def test_a_reviewer_of_another_section_sees_why_the_step_is_not_theirs(
    client, running, second_reviewer
):
    body = page(client, second_reviewer, running)
    assert "当前环节“初审”不由您承办" in body


def test_assigning_a_step(client, running, reviewer, make_staff, county, bureau, section):
    from oneseal.organisation.models import Role

    colleague = make_staff(
        "colleague", county, Role.REVIEWER, display_name="周审查", bureau=bureau, section=section
    )
    step = running.handling_item.review_steps.get(name="初审")
    body = page(client, reviewer, running)
    assert "周审查" in body
    assert (
        act(
            client, reviewer, running, "assign-step", step=step.pk, assignee=colleague.pk
        ).status_code
        == 302
    )
    assert running.steps.get(name="初审").assignee == colleague


def test_denial_states_reasons(client, running, reviewer, second_reviewer, signatory):
    reviewed(running, reviewer, second_reviewer, today())
    assert (
        act(
            client, signatory, running, "deny", reasons="经营场所不符合要求\n未配备食品安全管理人员"
        ).status_code
        == 302
    )
    running.refresh_from_db()
    assert running.state == "denied"
    assert running.events.get(action="deny").data["reasons"] == [
        "经营场所不符合要求",
        "未配备食品安全管理人员",
    ]


def test_withdrawal_at_the_window(client, running, clerk):
    assert act(client, clerk, running, "withdraw", reason="申请人书面申请撤回").status_code == 302
    running.refresh_from_db()
    assert running.state == "withdrawn"


def test_a_tolerated_material_is_supplied(client, item, applicant, clerk):
    case = accepted_case(item, applicant, clerk, today(), tolerated_until="2099-12-31")
    line = case.materials.get(status=CaseMaterial.Status.TOLERATED)
    assert 'id="form-supply-tolerated-material"' in page(client, clerk, case)
    assert (
        act(client, clerk, case, "supply-tolerated-material", line=line.pk, file=scan()).status_code
        == 302
    )
    line.refresh_from_db()
    assert line.supplied_on is not None


def test_commitment_is_recorded_before_the_grant(
    client, make_item, applicant, clerk, reviewer, second_reviewer, signatory
):
    case = accepted_case(make_item(is_commitment=True), applicant, clerk, today())
    reviewed(case, reviewer, second_reviewer, today())
    assert "申请人尚未签署书面承诺" in page(client, signatory, case)
    assert (
        act(
            client,
            clerk,
            case,
            "record-commitment",
            text="本人承诺符合食品经营许可条件",
            signed_on=today(),
        ).status_code
        == 302
    )
    assert (
        act(
            client, signatory, case, "grant", scope="预包装食品销售", valid_from=today()
        ).status_code
        == 302
    )
    assert 'id="form-verify-commitment"' in page(client, reviewer, case)
    assert (
        act(
            client, reviewer, case, "verify-commitment", truthful="true", findings="经现场核查属实"
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.commitment_verification.state == "confirmed"


def test_an_action_outside_the_page_list_is_404(client, running, clerk):
    response = act(client, clerk, running, "accept")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "who", "data"),
    [
        ("complete-review-step", "reviewer", {"opinion": "同意", "outcome": "approve"}),
        (
            "suspend",
            "reviewer",
            {"kind": "expert_review", "reason": "组织专家评审", "expected_days": "5"},
        ),
        ("request-extension", "reviewer", {"reason": "需征求相关部门意见"}),
        ("withdraw", "clerk", {"reason": "申请人书面申请撤回"}),
        ("terminate", "signatory", {"reason": "申请人死亡"}),
    ],
)
def test_a_form_without_the_case_version_is_refused_and_stores_nothing(
    client, running, request, name, who, data
):
    """Every form of the page carries the version (`_offer.html`): one without it was not sent
    by the page, and is refused under the form, the field named, rather than acted on
    unchecked (two clerks at once, a repeated post)."""
    client.force_login(request.getfixturevalue(who))
    url = reverse("workbench:act", args=[running.pk, name])
    events = running.events.count()
    for sent in ({}, {"expected_version": ""}):
        r = client.post(url, {**data, **sent})
        assert r.status_code == 400, sent
        form = r.content.decode().split(f'id="form-{name}"', 1)[1].split("</form>", 1)[0]
        assert "表单缺少办件版本号（expected_version）" in form, sent
    running.refresh_from_db()
    assert running.state == "accepted" and running.events.count() == events
    # The same post with the version is acted on.
    r = client.post(url, versioned(running, data))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert running.events.count() > events
