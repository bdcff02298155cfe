"""Drawn experts on a joint inspection (联合勘验, #11 point 5 for #10): an expert drawn for the
expert review of a case of the stage who accepted may be named with the staff, records and
signs on their own phone page, and sees the visit only while on it and until they have signed.
The same rule and code as a case's visit (`queries.expert_seats`, `actions.expert_problem`)."""

import pytest
from rest_framework.test import APIClient

from oneseal.audit.models import AuditEvent
from oneseal.cases.models import CaseEvent, SiteInspection
from oneseal.errors import ValidationFailed
from oneseal.experts import actions as expert_actions
from oneseal.inspections import actions, queries
from oneseal.inspections.models import Inspector
from oneseal.testing import accepted_case, at, day, id_number, signed_in_client, travel


@pytest.fixture
def stage_cases(make_item, plain_item, admin_user, applicant, clerk):
    """Two cases of the project's stage: the first's guide lists 专家评审 and 现场勘验, the
    second's neither."""
    reviewed = make_item()
    actions.save_checklist(reviewed, actor=admin_user, lines=[("仓储布局与图纸一致", "查看")])
    with travel("2026-02-09 09:00"):
        return [
            accepted_case(reviewed, applicant, clerk, "2026-02-09"),
            accepted_case(plain_item, applicant, clerk, "2026-02-09"),
        ]


def _expert(actor, region, n, field):
    expert = expert_actions.register_expert(
        actor=actor,
        region=region,
        name=f"专家{n}",
        id_number=id_number("640221", "19700101", f"{300 + n:03d}"),
        fields=[field],
        title="高级工程师",
        employer_name="宁夏某设计院",
        phone="13900000000",
    )
    expert_actions.open_account(
        expert, actor=actor, username=f"expert{n}", password=f"Wq!-{n}-joint-visit"
    )
    expert.refresh_from_db()
    return expert


@pytest.fixture
def panel(stage_cases, reviewer, county, far_staff, other_county):
    """Both experts of the county's pool drawn for the first case's review, the first accepted;
    one entered after the draw (not drawn); one of the neighbouring county's pool."""
    field = expert_actions.create_field(system=True, code="building", name="建筑工程")
    drawn = [_expert(reviewer, county, n, field) for n in (0, 1)]
    with travel("2026-02-10 09:00"):
        review = expert_actions.open_review(
            stage_cases[0],
            actor=reviewer,
            field=field,
            experts_needed=2,
            subject="仓储布局评审",
            ends_on=day("2026-03-06"),
            on=day("2026-02-10"),
        )
    seats = list(review.assignments.select_related("expert__user").order_by("id"))
    expert_actions.accept_invitation(seats[0], actor=seats[0].expert.user)
    return {
        "accepted": seats[0].expert,
        "invited": seats[1].expert,
        "undrawn": _expert(reviewer, county, 2, field),
        "far": _expert(far_staff, other_county, 3, field),
        "seat": seats[0],
        "drawn": drawn,
    }


def schedule(project, cases, reviewer, section, experts, inspectors=None):
    with travel("2026-02-10 10:00"):
        return actions.schedule_joint_inspection(
            project,
            actor=reviewer,
            stage=2,
            cases=cases,
            sections=[section],
            at=at("2026-02-13 09:30"),
            place="平罗县工业园区纬三路仓储中心工地",
            expected_days=3,
            inspectors=[reviewer] if inspectors is None else inspectors,
            experts=experts,
        )


@pytest.fixture
def joint(project, stage_cases, reviewer, section, panel):
    return schedule(project, stage_cases, reviewer, section, [panel["accepted"]])


def test_a_staff_member_and_an_expert_drawn_for_a_case_of_the_stage_make_the_two(joint, panel):
    rows = list(joint.inspectors.all())
    assert [r.is_expert for r in rows] == [False, True]
    assert rows[1].assignment == panel["seat"] and rows[1].user_id == panel["accepted"].user_id
    event = AuditEvent.objects.get(action="inspections.schedule_joint")
    assert event.data["experts"] == [panel["seat"].pk]


@pytest.mark.parametrize("who", ["invited", "undrawn", "far"])
def test_only_an_expert_drawn_for_a_covered_case_who_accepted_may_go(
    project, stage_cases, reviewer, section, panel, who
):
    with pytest.raises(ValidationFailed) as refused:
        schedule(project, stage_cases, reviewer, section, [panel[who]])
    assert "本阶段所列办件专家评审中已接受邀请的专家" in refused.value.fields["inspectors"][0]
    assert not Inspector.objects.exists()


def test_the_expert_goes_only_on_a_visit_covering_the_case_they_were_drawn_for(
    project, stage_cases, reviewer, section, panel
):
    with pytest.raises(ValidationFailed) as refused:
        schedule(project, stage_cases[1:], reviewer, section, [panel["accepted"]])
    assert "已接受邀请的专家" in refused.value.fields["inspectors"][0]


def test_a_staff_inspector_is_still_required(project, stage_cases, reviewer, section, panel):
    expert_actions.accept_invitation(
        panel["invited"].assignments.get(), actor=panel["invited"].user
    )
    experts = [panel["accepted"], panel["invited"]]
    with pytest.raises(ValidationFailed) as refused:
        schedule(project, stage_cases, reviewer, section, experts, inspectors=[])
    assert "本局工作人员" in refused.value.fields["inspectors"][0]
    with pytest.raises(ValidationFailed) as refused:
        schedule(project, stage_cases, reviewer, section, [])
    assert "两名以上" in refused.value.fields["inspectors"][0]


def test_the_expert_records_and_signs_and_every_case_names_them_as_expert(
    joint, reviewer, panel, stage_cases
):
    expert = panel["accepted"].user
    party = joint.parties.get()
    with travel("2026-02-13 09:40"):
        actions.start_inspection(joint, actor=reviewer, on=day("2026-02-13"))
        for finding in joint.findings.all():
            actions.record_finding(joint, actor=expert, order=finding.order, result="conforms")
        actions.record_party(
            joint, party, actor=expert, attended=True, representative="李科长", findings="同意"
        )
        actions.record_conclusion(joint, actor=expert, conclusion="现场与申请一致")
        actions.confirm(joint, actor=expert)
        joint.refresh_from_db()
        assert actions.complete_blockers(joint) == ["以下勘验人员尚未对当前勘验记录签名：李初审"]
        actions.confirm(joint, actor=reviewer)
        actions.complete_inspection(joint, actor=reviewer, on=day("2026-02-13"))
    name = panel["accepted"].name
    for case in stage_cases:
        site = SiteInspection.objects.get(case=case)
        assert site.findings.startswith(f"勘验人员：李初审、{name}（评审专家）\n")
        assert set(site.inspectors.values_list("pk", flat=True)) == {reviewer.pk, expert.pk}
        event = CaseEvent.objects.get(case=case, action="record_site_inspection")
        assert {"id": expert.pk, "name": name, "expert": True} in event.data["inspectors"]


def test_the_expert_sees_it_only_while_on_it_and_until_signed(joint, reviewer, panel):
    expert = panel["accepted"].user
    others = [panel[k].user for k in ("invited", "undrawn", "far")]
    url, api_url = f"/inspections/{joint.pk}/", f"/api/v1/inspections/{joint.pk}"
    assert queries.expert_inspections(expert) == [joint]
    c = signed_in_client(expert)
    mine = c.get("/experts/my/").content.decode()
    assert f'id="inspection-{joint.pk}"' in mine and "联合勘验 · 平罗县物流仓储中心" in mine
    page = c.get(url).content.decode()
    assert "本阶段办件专家评审抽取的专家参加联合勘验" in page
    api = APIClient()
    for other in others:
        assert queries.expert_inspections(other) == []
        assert signed_in_client(other).get(url).status_code == 404
        api.force_authenticate(other)
        assert api.get(api_url).status_code == 404
        assert api.get("/api/v1/inspections?mine=expert").json() == []
    api.force_authenticate(expert)
    assert [r["id"] for r in api.get("/api/v1/inspections?mine=expert").json()] == [joint.pk]
    party = joint.parties.get()
    with travel("2026-02-13 09:40"):
        actions.start_inspection(joint, actor=reviewer, on=day("2026-02-13"))
        page = c.get(url).content.decode()
        assert 'name="op" value="party"' in page and 'capture="environment"' in page
        done = c.post(
            url, {"op": "party", "party": party.pk, "attended": "1", "representative": "李科长"}
        )
        assert done.status_code == 400 and "请填写该单位的勘验意见" in done.content.decode()
        done = c.post(
            url,
            {
                "op": "party",
                "party": party.pk,
                "attended": "1",
                "representative": "李科长",
                "findings": "同意",
            },
        )
        assert done.status_code == 302
        for finding in joint.findings.all():
            body = {"order": finding.order, "result": "conforms"}
            assert api.post(f"{api_url}/findings", body, format="json").status_code == 200
        assert c.post(url, {"op": "conclusion", "conclusion": "符合"}).status_code == 302
        signed = c.post(url, {"op": "confirm"})
        assert signed.status_code == 302 and signed["Location"] == "/experts/my/"
        assert queries.expert_inspections(expert) == []
        assert c.get(url).status_code == 404
        assert api.get(api_url).status_code == 404
        assert api.post(f"{api_url}/confirm", format="json").status_code == 404


def test_staff_name_the_expert_on_the_joint_page_and_through_the_api(
    project, stage_cases, reviewer, section, panel
):
    c = signed_in_client(reviewer)
    url = f"/inspections/projects/{project.pk}/schedule/"
    body = {
        "stage": "2",
        "cases": [str(case.pk) for case in stage_cases],
        "sections": [str(section.pk)],
        "at": "2026-02-13T09:30",
        "place": "工地",
        "expected_days": "3",
        "inspectors": [str(reviewer.pk)],
    }
    with travel("2026-02-10 10:00"):
        form = c.get(url).content.decode()
        assert panel["accepted"].name in form and panel["invited"].name not in form
        refused = c.post(url, {**body, "experts": [str(panel["invited"].pk)]})
        # Not among the choices: refused by the form, nothing stored.
        assert refused.status_code == 200 and not project.joint_inspections.exists()
        assert c.post(url, {**body, "experts": [str(panel["accepted"].pk)]}).status_code == 302
        joint = project.joint_inspections.get()
        assert [i.is_expert for i in joint.inspectors.all()] == [False, True]
        actions.cancel_inspection(joint, actor=reviewer, reason="改期另行安排")
        api = APIClient()
        api.force_authenticate(reviewer)
        data = {
            "project": project.pk,
            "stage": 2,
            "cases": [case.pk for case in stage_cases],
            "sections": [section.pk],
            "at": "2026-02-13T09:30:00+08:00",
            "place": "工地",
            "expected_days": 3,
            "inspectors": [reviewer.pk],
        }
        refused = api.post(
            "/api/v1/inspections/joint", {**data, "experts": [panel["far"].pk]}, format="json"
        )
        assert refused.status_code == 400 and "inspectors" in refused.json()["fields"]
        made = api.post(
            "/api/v1/inspections/joint", {**data, "experts": [panel["accepted"].pk]}, format="json"
        )
        assert made.status_code == 201
        assert [i["expert"] for i in made.json()["inspectors"]] == [None, panel["accepted"].pk]
