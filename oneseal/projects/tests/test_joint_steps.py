"""Shared steps of a stage: 联合审图, 多评合一 and 联合验收 — the parties concerned each speak
(a department through an opinion request whose silence counts as the stage template says),
one report under the bureau's seal is used by every case of the stage, and every refusal."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from oneseal.applicants.rules import credit_check_char
from oneseal.cases import actions as case_actions
from oneseal.cases.models import CaseEvent
from oneseal.documents import actions as document_actions
from oneseal.documents.signing import check_signature
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.intermediaries.models import Intermediary, Offer, Qualification, Service
from oneseal.linkage import actions as linkage_actions
from oneseal.linkage.models import OpinionRequest
from oneseal.organisation.models import Role, Section
from oneseal.projects import actions, joint_actions, queries
from oneseal.projects.models import JointStep, Stage
from oneseal.testing import accepted_case, at, day, reviewed

BASIS = "平罗县工程建设项目审批制度改革实施方案"


@pytest.fixture
def seal(bureau):
    return document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))


@pytest.fixture
def template(catalogue, admin_user, section, item):
    draft = actions.create_stage_template(
        catalogue,
        actor=admin_user,
        stage=Stage.CONSTRUCTION_ENGINEERING,
        name="工程建设许可阶段（社会投资）",
        limit_days=20,
        project_kinds=["enterprise"],
        lead_section=section,
        legal_basis=BASIS,
        silence_is_consent=True,
    )
    actions.add_stage_item(draft, item, actor=admin_user)
    return actions.publish_stage_template(draft, actor=admin_user)


@pytest.fixture
def planning(bureau):
    return Section.objects.create(bureau=bureau, name="投资建设科")


@pytest.fixture
def planner(make_staff, county, bureau, planning):
    return make_staff(
        "planner", county, Role.REVIEWER, display_name="王规划", bureau=bureau, section=planning
    )


@pytest.fixture
def cases(item, owner, clerk):
    return [accepted_case(item, owner, clerk, "2026-02-12") for _ in range(2)]


@pytest.fixture
def step(project, reviewer, template, section, planning, cases):
    return joint_actions.open_joint_step(
        project,
        actor=reviewer,
        stage=Stage.CONSTRUCTION_ENGINEERING,
        kind="drawing_review",
        title="施工图联合审查",
        template=template,
        sections=[section, planning],
        cases=cases,
        on=day("2026-02-12"),
    )


def test_a_drawing_review_ends_in_one_sealed_report_that_every_case_of_the_stage_uses(
    step,
    cases,
    reviewer,
    second_reviewer,
    planner,
    signatory,
    section,
    planning,
    department,
    seal,
    client,
):
    opinion = joint_actions.ask_department(
        step,
        actor=reviewer,
        department=department,
        subject="请审查消防设计",
        days=3,
        on=day("2026-02-12"),
    )
    # The stage's template says silence counts as consent, and is the rule recorded.
    assert opinion.silence_is_consent and BASIS in opinion.silence_rule
    assert "工程建设许可阶段（社会投资）" in opinion.silence_rule
    assert opinion.due_on == day("2026-02-24")
    for case in cases:
        assert CaseEvent.objects.filter(case=case, action="opinion_requested").count() == 1

    first = reviewed(cases[0], reviewer, second_reviewer, "2026-02-13")
    with pytest.raises(InvalidTransition) as held:
        case_actions.grant(
            first,
            actor=signatory,
            on=day("2026-02-13"),
            scope="预包装食品销售",
            valid_from=day("2026-02-13"),
            valid_until=day("2031-02-12"),
        )
    assert any("联合审图" in str(r) for r in held.value.reasons)

    joint_actions.record_section_result(
        step, section, actor=reviewer, result="pass", findings="符合要求", on=day("2026-02-13")
    )
    with pytest.raises(NotPermitted):  # a reviewer of another section
        joint_actions.record_section_result(
            step, planning, actor=reviewer, result="pass", findings="x", on=day("2026-02-13")
        )
    joint_actions.record_section_result(
        step,
        planning,
        actor=planner,
        result="conditions",
        findings="补充日照分析",
        on=day("2026-02-13"),
    )
    with pytest.raises(ValidationFailed) as waiting:
        joint_actions.conclude_joint_step(
            step, actor=signatory, result="pass", summary="同意", on=day("2026-02-24")
        )
    assert [str(r) for r in waiting.value.reasons] == ["平罗县市场监督管理局尚未给出意见"]

    assert linkage_actions.run_opinion_deadlines(day("2026-02-25"))["deemed"] == 1
    for case in cases:
        (deemed,) = CaseEvent.objects.filter(case=case, action="opinion_deemed")
        assert deemed.on == day("2026-02-25") and BASIS in deemed.data["rule"]

    with pytest.raises(NotPermitted):
        joint_actions.conclude_joint_step(
            step, actor=reviewer, result="pass", summary="同意", on=day("2026-02-25")
        )
    with pytest.raises(ValidationFailed) as early:
        joint_actions.conclude_joint_step(
            step, actor=signatory, result="pass", summary="同意", on=day("2026-02-12")
        )
    assert "on" in early.value.fields
    done = joint_actions.conclude_joint_step(
        step,
        actor=signatory,
        result="conditions",
        summary="同意按修改后的施工图办理",
        on=day("2026-02-25"),
    )
    assert done.state == JointStep.StepState.CONCLUDED
    assert done.report_number == "平审批联审〔2026〕第000001号"
    data = done.report_file.open("rb").read()
    assert check_signature(data, [seal.certificate_pem]).ok
    for case in cases:
        (event,) = CaseEvent.objects.filter(case=case, action="joint_report")
        assert event.data["report_number"] == done.report_number
    with pytest.raises(InvalidTransition):
        joint_actions.record_section_result(
            step, section, actor=reviewer, result="fail", findings="x"
        )

    client.force_login(reviewer)
    for case in cases:
        page = client.get(reverse("workbench:case", args=[case.pk])).content.decode()
        assert done.report_number in page
    report = client.get(reverse("projects:joint-report", args=[step.pk]))
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"
    check = client.get(reverse("projects:report-check", args=[done.report_code]))
    assert check.status_code == 200 and done.report_number in check.content.decode()

    case_actions.grant(
        first,
        actor=signatory,
        on=day("2026-02-25"),
        scope="预包装食品销售",
        valid_from=day("2026-02-25"),
        valid_until=day("2031-02-24"),
    )


def test_who_may_open_a_joint_step_and_with_what(
    project, template, second_reviewer, far_staff, clerk, reviewer, item, applicant, cases
):
    common = dict(stage=Stage.CONSTRUCTION_ENGINEERING, kind="drawing_review", title="联审")
    with pytest.raises(NotPermitted):  # a reviewer of a section that is not the lead one
        joint_actions.open_joint_step(project, actor=second_reviewer, template=template, **common)
    with pytest.raises(NotPermitted):  # another county's staff
        joint_actions.open_joint_step(project, actor=far_staff, template=template, **common)
    with pytest.raises(NotPermitted):
        joint_actions.open_joint_step(project, actor=clerk, template=template, **common)
    with pytest.raises(ValidationFailed) as wrong_stage:
        joint_actions.open_joint_step(
            project, actor=reviewer, **{**common, "stage": Stage.COMPLETION_ACCEPTANCE}
        )
    assert "stage" in wrong_stage.value.fields
    with pytest.raises(ValidationFailed) as no_provider:
        joint_actions.open_joint_step(
            project,
            actor=reviewer,
            stage=Stage.LAND_AND_PLANNING,
            kind="combined_assessment",
            title="多评合一",
        )
    assert "provider_name" in no_provider.value.fields
    assert not JointStep.objects.exists()


def test_a_case_of_another_applicant_is_not_attached(project, reviewer, item, clerk, make_item):
    from oneseal.applicants.models import Applicant

    other = Applicant.objects.create(
        kind=Applicant.Kind.ORGANISATION, name="平罗县另一公司", credit_code="91640221MA76A2XB3L"
    )
    stranger = accepted_case(item, other, clerk, "2026-02-12")
    with pytest.raises(ValidationFailed) as refused:
        joint_actions.open_joint_step(
            project,
            actor=reviewer,
            stage=Stage.CONSTRUCTION_ENGINEERING,
            kind="drawing_review",
            title="联审",
            cases=[stranger],
        )
    assert "cases" in refused.value.fields


def test_combined_assessment_through_the_api_with_every_refusal(
    project, reviewer, signatory, section, far_staff, seal, cases, department, supervisor
):
    api = APIClient()
    api.force_authenticate(far_staff)
    url = reverse("api:project-joint-steps", args=[project.pk])
    body = {
        "stage": 1,
        "kind": "combined_assessment",
        "title": "区域评估与多评合一",
        "provider_name": "宁夏某工程咨询有限公司",
        "sections": [section.pk],
        "cases": [cases[0].number],
    }
    assert api.get(url).status_code == 404
    assert api.post(url, body, format="json").status_code == 404
    api.force_authenticate(reviewer)
    bad = api.post(url, {**body, "provider_name": ""}, format="json")
    assert bad.status_code == 400 and "provider_name" in bad.json()["fields"]
    made = api.post(url, body, format="json")
    assert made.status_code == 201, made.json()
    step_id = made.json()["id"]
    assert made.json()["cases"] == [cases[0].number]
    asked = api.post(
        reverse("api:joint-step-ask", args=[step_id]),
        {"department": department.pk, "subject": "环境影响意见", "days": 5},
        format="json",
    )
    assert asked.status_code == 201
    opinion = OpinionRequest.objects.get(joint_step_id=step_id)
    assert not opinion.silence_is_consent  # no template: silence is not consent
    # the department answers through its own API
    dept = APIClient()
    dept.force_authenticate(supervisor)
    answered = dept.post(
        reverse("api:linkage-opinion-answer", args=[opinion.pk]),
        {"conclusion": "agree"},
        format="json",
    )
    assert answered.status_code == 200
    api.post(
        reverse("api:joint-step-section-result", args=[step_id]),
        {"section": section.pk, "result": "pass", "findings": "评估报告符合要求"},
        format="json",
    )
    conclude = reverse("api:joint-step-conclude", args=[step_id])
    assert (
        api.post(conclude, {"result": "pass", "summary": "同意"}, format="json").status_code == 403
    )
    api.force_authenticate(signatory)
    done = api.post(conclude, {"result": "pass", "summary": "同意评估结论"}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["report_number"] == "平审批多评〔2026〕第000001号"
    assert done.json()["blockers"] == ["该联合环节已出具报告"]
    parties = {p["name"]: p for p in done.json()["parties"]}
    assert parties["平罗县市场监督管理局"]["result"] == "同意"
    report = api.get(reverse("api:joint-step-report", args=[step_id]))
    assert report.status_code == 200
    api.force_authenticate(far_staff)
    assert api.get(reverse("api:joint-step", args=[step_id])).status_code == 404
    assert api.get(reverse("api:joint-step-report", args=[step_id])).status_code == 404


def test_the_pages_open_a_joint_acceptance_and_refuse_other_counties(
    project, reviewer, far_staff, section, client
):
    client.force_login(reviewer)
    url = reverse("projects:joint-steps", args=[project.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"stage": 4, "kind": "joint_acceptance", "title": ""})
    assert bad.status_code == 400 and "请填写名称" in bad.content.decode()
    done = client.post(
        url,
        {"stage": 4, "kind": "joint_acceptance", "title": "竣工联合验收", "sections": [section.pk]},
    )
    assert done.status_code == 302
    step = JointStep.objects.get()
    page = client.get(reverse("projects:joint-step", args=[step.pk]))
    assert page.status_code == 200 and "竣工联合验收" in page.content.decode()
    party = step.parties.get().pk
    empty = client.post(
        reverse("projects:joint-step", args=[step.pk]),
        {
            "op": "section",
            "party": party,
            f"s{party}-section": section.pk,
            f"s{party}-result": "pass",
            f"s{party}-findings": "",
        },
    )
    assert empty.status_code == 400 and "请填写意见" in empty.content.decode()
    recorded = client.post(
        reverse("projects:joint-step", args=[step.pk]),
        {
            "op": "section",
            "party": step.parties.get().pk,
            f"s{step.parties.get().pk}-section": section.pk,
            f"s{step.parties.get().pk}-result": "pass",
            f"s{step.parties.get().pk}-findings": "验收合格",
        },
    )
    assert recorded.status_code == 302
    assert step.parties.get().result == "pass"
    client.force_login(far_staff)
    assert client.get(url).status_code == 404
    assert client.get(reverse("projects:joint-step", args=[step.pk])).status_code == 404


@pytest.fixture
def providers(county, admin_user):
    """Intermediaries of the marketplace on 2026-02-12: one qualified for 环境影响评价, one
    whose qualification expired, one suspended, and a testing laboratory (a 第四十五条
    procedure, not an assessment)."""
    eia = Service.objects.create(code="eia", name="环境影响评价", qualification_kind="环评资质")
    lab = Service.objects.create(
        code="lab", name="食品检验检测", qualification_kind="检验检测资质", procedure_kind="testing"
    )

    def make(serial, name, service, *, valid_to="2027-12-31", status="active"):
        first17 = f"91640221MA{serial:07d}"
        made = Intermediary.objects.create(
            name=name,
            credit_code=first17 + credit_check_char(first17),
            region=county,
            status=status,
            registered_by=admin_user,
        )
        Qualification.objects.create(
            intermediary=made,
            kind=service.qualification_kind,
            valid_from=day("2024-01-01"),
            valid_to=day(valid_to),
        )
        Offer.objects.create(intermediary=made, service=service, fee="18000", promised_days=20)
        return made

    return {
        "qualified": make(1, "宁夏蓝天环境咨询有限公司", eia),
        "expired": make(2, "宁夏清源环境咨询有限公司", eia, valid_to="2025-12-31"),
        "suspended": make(3, "宁夏宏达环境评价有限公司", eia, status="suspended"),
        "lab": make(4, "宁夏中检食品检测有限公司", lab),
    }


def test_a_combined_assessment_is_drawn_up_by_a_qualified_intermediary(
    project, reviewer, providers, cases, client
):
    qualified = providers["qualified"]
    assert list(queries.qualified_providers(day("2026-02-12"))) == [qualified]
    common = {
        "stage": Stage.LAND_AND_PLANNING,
        "kind": "combined_assessment",
        "title": "区域评估与多评合一",
        "cases": [cases[0]],
        "on": day("2026-02-12"),
    }
    for name in ("expired", "suspended", "lab"):
        with pytest.raises(ValidationFailed) as refused:
            joint_actions.open_joint_step(
                project, actor=reviewer, provider=providers[name], **common
            )
        assert "2026年2月12日" in refused.value.fields["provider"][0], name
    with pytest.raises(ValidationFailed) as both:
        joint_actions.open_joint_step(
            project, actor=reviewer, provider=qualified, provider_name="另一单位", **common
        )
    assert "provider_name" in both.value.fields
    with pytest.raises(ValidationFailed) as wrong_kind:
        joint_actions.open_joint_step(
            project,
            actor=reviewer,
            provider=qualified,
            **{**common, "kind": "drawing_review", "stage": Stage.CONSTRUCTION_ENGINEERING},
        )
    assert "provider" in wrong_kind.value.fields
    assert not JointStep.objects.exists()

    # The page offers only the qualified intermediaries, and an unqualified choice is a 400.
    client.force_login(reviewer)
    url = reverse("projects:joint-steps", args=[project.pk])
    with time_machine.travel(at("2026-02-12 10:00"), tick=False):
        page = client.get(url).content.decode()
        assert qualified.name in page
        assert all(providers[n].name not in page for n in ("expired", "suspended", "lab"))
        form = {"stage": 1, "kind": "combined_assessment", "title": "多评合一"}
        bad = client.post(url, {**form, "provider": providers["expired"].pk})
        assert bad.status_code == 400 and not JointStep.objects.exists()

        api = APIClient()
        api.force_authenticate(reviewer)
        made = api.post(
            reverse("api:project-joint-steps", args=[project.pk]),
            {**form, "provider": qualified.pk, "cases": [cases[0].number]},
            format="json",
        )
    assert made.status_code == 201, made.json()
    step = JointStep.objects.get(pk=made.json()["id"])
    assert step.provider == qualified and made.json()["provider"] == qualified.pk
    assert (step.provider_name, step.provider_credit_code) == (
        qualified.name,
        qualified.credit_code,
    )
    shown = client.get(reverse("projects:joint-step", args=[step.pk])).content.decode()
    assert qualified.credit_code in shown and "中介服务超市入驻机构" in shown
    # A step named only by its provider (before the marketplace, or a provider not in it).
    named = joint_actions.open_joint_step(
        project,
        actor=reviewer,
        provider_name="宁夏某工程咨询有限公司",
        **{**common, "stage": Stage.CONSTRUCTION_ENGINEERING},
    )
    assert named.provider is None and named.provider_name == "宁夏某工程咨询有限公司"


def _tampered(data: bytes) -> bytes:
    """One byte changed inside the signed range (the first page's compressed content)."""
    at = data.index(b"stream\n") + 40
    out = bytearray(data)
    out[at] ^= 0x01
    return bytes(out)


def test_a_joint_report_is_checked_at_the_common_verification_page(
    step, reviewer, planner, signatory, section, planning, seal, tmp_path, capsys
):
    for party, staff in ((section, reviewer), (planning, planner)):
        joint_actions.record_section_result(
            step, party, actor=staff, result="pass", findings="合格", on=day("2026-02-13")
        )
    done = joint_actions.conclude_joint_step(
        step, actor=signatory, result="pass", summary="同意", on=day("2026-02-13")
    )
    data = done.report_file.open("rb").read()
    public = Client()
    check_page = reverse("projects:report-check", args=[done.report_code])

    # By the printed code, typed in lower case, at the common page: its own check page.
    found = public.get("/documents/verify/", {"code": done.report_code.lower()}, follow=True)
    assert found.redirect_chain[-1][0] == check_page
    assert done.report_number in found.content.decode()
    assert public.get("/documents/verify/ZZZZZZZZZZ/").status_code == 404

    def upload(content):
        return {"file": SimpleUploadedFile("意见书.pdf", content, content_type="application/pdf")}

    genuine = public.post("/documents/verify/", upload(data)).content.decode()
    assert "签章真实" in genuine and done.report_number in genuine
    assert "施工图联合审查意见书" in genuine and check_page in genuine
    api = (
        APIClient()
        .post(reverse("api:document-verify-file"), upload(data), format="multipart")
        .json()
    )
    assert api["authentic"] is True and api["document"] is None
    assert api["record"]["number"] == done.report_number
    assert api["record"]["sha256"] == done.report_sha256
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    call_command("verify", str(path))  # exits 0 only for a genuine file in force
    out = capsys.readouterr().out
    assert done.report_number in out and "GENUINE" in out

    bad = _tampered(data)
    refused = public.post("/documents/verify/", upload(bad)).content.decode()
    assert "不能证明真实" in refused and "签章后被改动" in refused
    assert 'id="sealed-record"' not in refused
    api = (
        APIClient()
        .post(reverse("api:document-verify-file"), upload(bad), format="multipart")
        .json()
    )
    assert api["authentic"] is False and api["record"] is None
    path.write_bytes(bad)
    with pytest.raises(SystemExit) as exit_:
        call_command("verify", str(path))
    assert exit_.value.code == 1 and "NOT GENUINE" in capsys.readouterr().out
    # Bytes appended after the signature: the signature no longer covers the file.
    appended = public.post("/documents/verify/", upload(data + b"\n%%EOF\n")).content.decode()
    assert "不能证明真实" in appended
