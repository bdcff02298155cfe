"""Drawn experts as inspectors: a case's inspection may send experts drawn for the case's
expert review who accepted, counted toward the two inspectors; the expert records and signs
on their own account and sees the visit only until their signature on the record is in."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from oneseal.audit.models import AuditEvent
from oneseal.cases.models import CaseEvent, SiteInspection
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.experts import actions as expert_actions
from oneseal.inspections import actions, queries
from oneseal.inspections.models import Inspector
from oneseal.testing import accepted_case, at, day, id_number, signed_in_client, travel

from .conftest import jpeg_with_exif


@pytest.fixture
def case(make_item, admin_user, own_applicant, clerk):
    """A case whose guide lists both 专家评审 and 现场勘验, with a checklist."""
    hi = make_item()
    actions.save_checklist(hi, actor=admin_user, lines=[("冷库温度记录完整", "查看"), ("布局", "")])
    with travel("2025-09-24 09:00"):
        return accepted_case(hi, own_applicant, clerk, "2025-09-24")


@pytest.fixture
def panel(case, reviewer, county):
    """Three food experts with accounts; two drawn for the case's review on 2025-09-26, the
    first drawn accepted, the second not yet answered."""
    food = expert_actions.create_field(system=True, code="food", name="食品安全")
    experts = []
    for i in range(3):
        expert = expert_actions.register_expert(
            actor=reviewer,
            region=county,
            name=f"专家{i}",
            id_number=id_number("640221", "19700101", f"{200 + i:03d}"),
            fields=[food],
            title="高级工程师",
            employer_name="宁夏某设计院",
            phone="13900000000",
        )
        expert_actions.open_account(
            expert, actor=reviewer, username=f"expert{i}", password=f"Wq!-{i}-site-visit"
        )
        experts.append(expert)
    with travel("2025-09-26 09:00"):
        review = expert_actions.open_review(
            case,
            actor=reviewer,
            field=food,
            experts_needed=2,
            subject="冷库布局评审",
            ends_on=day("2025-10-17"),
            on=day("2025-09-26"),
        )
    seats = list(review.assignments.select_related("expert__user").order_by("id"))
    expert_actions.accept_invitation(seats[0], actor=seats[0].expert.user)
    undrawn = next(e for e in experts if e.pk not in {s.expert_id for s in seats})
    return {
        "review": review,
        "accepted": seats[0].expert,
        "invited": seats[1].expert,
        "undrawn": undrawn,
    }


def schedule(case, reviewer, inspectors, experts):
    with travel("2025-09-26 10:00"):
        return actions.schedule_inspection(
            case,
            actor=reviewer,
            at=at("2025-09-30 10:00"),
            place="平罗县城关镇鼓楼南街8号",
            expected_days=3,
            inspectors=inspectors,
            experts=experts,
        )


@pytest.fixture
def inspection(case, reviewer, panel):
    return schedule(case, reviewer, [reviewer], [panel["accepted"]])


def photo():
    return SimpleUploadedFile("site.jpg", jpeg_with_exif(), content_type="image/jpeg")


def test_a_staff_member_and_a_drawn_expert_who_accepted_make_the_two(inspection, panel):
    expert_row = next(i for i in inspection.inspectors.all() if i.is_expert)
    assert expert_row.is_expert and expert_row.user_id == panel["accepted"].user_id
    assert expert_row.assignment.review == panel["review"]
    assert [i.is_expert for i in inspection.inspectors.all()].count(False) == 1
    event = AuditEvent.objects.get(action="inspections.schedule")
    assert event.data["experts"] == [expert_row.assignment_id]


@pytest.mark.parametrize(
    "who, problem",
    [
        ("invited", "已接受邀请的专家"),
        ("undrawn", "已接受邀请的专家"),
    ],
)
def test_only_an_expert_drawn_for_the_case_who_accepted_may_go(case, reviewer, panel, who, problem):
    with pytest.raises(ValidationFailed) as refused:
        schedule(case, reviewer, [reviewer], [panel[who]])
    assert problem in refused.value.fields["inspectors"][0]
    assert not Inspector.objects.exists()


def test_the_staff_cannot_be_left_out_nor_one_alone_sent(case, reviewer, panel):
    expert_actions.accept_invitation(
        panel["review"].assignments.get(expert=panel["invited"]), actor=panel["invited"].user
    )
    with pytest.raises(ValidationFailed) as refused:
        schedule(case, reviewer, [], [panel["accepted"], panel["invited"]])
    assert "本局工作人员" in refused.value.fields["inspectors"][0]
    with pytest.raises(ValidationFailed) as refused:
        schedule(case, reviewer, [reviewer], [])
    assert "两名以上" in refused.value.fields["inspectors"][0]
    with pytest.raises(ValidationFailed):
        schedule(case, reviewer, [reviewer], [panel["accepted"], panel["accepted"]])


def test_an_expert_without_an_account_cannot_go(case, reviewer, panel):
    expert = panel["accepted"]
    expert.user = None
    expert.save(update_fields=["user"])
    with pytest.raises(ValidationFailed) as refused:
        schedule(case, reviewer, [reviewer], [expert])
    assert "尚未开通专家账号" in refused.value.fields["inspectors"][0]


def test_the_expert_records_and_signs_and_the_case_keeps_them_as_inspector(
    inspection, reviewer, panel, case
):
    expert = panel["accepted"].user
    with travel("2025-09-30 10:05"):
        actions.start_inspection(inspection, actor=reviewer, on=day("2025-09-30"))
        with pytest.raises(NotPermitted):
            actions.start_inspection(inspection, actor=expert)
        actions.record_finding(inspection, actor=expert, order=1, result="conforms")
        actions.record_finding(inspection, actor=reviewer, order=2, result="conforms")
        actions.upload_photo(inspection, actor=expert, upload=photo(), finding_order=1)
        actions.record_conclusion(inspection, actor=expert, conclusion="符合条件")
        actions.confirm(inspection, actor=expert)
        assert "李初审" in " ".join(actions.complete_blockers(inspection))
        actions.confirm(inspection, actor=reviewer)
        actions.complete_inspection(inspection, actor=reviewer, on=day("2025-09-30"))
    site = SiteInspection.objects.get(case=case)
    assert set(site.inspectors.values_list("pk", flat=True)) == {reviewer.pk, expert.pk}
    event = CaseEvent.objects.filter(case=case, action="record_site_inspection").get()
    name = panel["accepted"].name
    assert {"id": expert.pk, "name": name, "expert": True} in event.data["inspectors"]


def test_the_expert_sees_the_visit_only_until_their_signature_is_in(inspection, reviewer, panel):
    expert, other = panel["accepted"].user, panel["invited"].user
    assert queries.expert_inspections(expert) == [inspection]
    assert queries.expert_inspections(other) == []
    assert queries.expert_inspections(reviewer) == []
    with travel("2025-09-30 10:05"):
        actions.start_inspection(inspection, actor=reviewer, on=day("2025-09-30"))
        actions.record_finding(inspection, actor=expert, order=1, result="conforms")
        actions.record_finding(inspection, actor=expert, order=2, result="conforms")
        actions.record_conclusion(inspection, actor=expert, conclusion="符合条件")
        actions.confirm(inspection, actor=expert)
        assert queries.expert_inspections(expert) == []
        # A change to the record after the signature makes it stale: back for a new one.
        actions.record_conclusion(inspection, actor=reviewer, conclusion="符合条件，建议核发")
        assert queries.expert_inspections(expert) == [inspection]


def test_an_expert_taken_off_the_review_no_longer_inspects(inspection, reviewer, panel):
    seat = panel["review"].assignments.get(expert=panel["accepted"])
    expert = panel["accepted"].user
    with travel("2025-09-30 10:05"):
        actions.start_inspection(inspection, actor=reviewer, on=day("2025-09-30"))
        expert_actions.remove_expert(seat, actor=reviewer, reason="与申请人有业务往来")
        assert queries.expert_inspections(expert) == []
        with pytest.raises(NotPermitted):
            actions.record_finding(inspection, actor=expert, order=1, result="conforms")
        # Their signature is no longer needed, but the visit now lacks a second inspector.
        actions.record_finding(inspection, actor=reviewer, order=1, result="conforms")
        actions.record_finding(inspection, actor=reviewer, order=2, result="conforms")
        actions.record_conclusion(inspection, actor=reviewer, conclusion="符合")
        actions.confirm(inspection, actor=reviewer)
        inspection.refresh_from_db()
        assert actions.complete_blockers(inspection) == ["勘验人员不足两名，不能完成勘验"]


def test_the_expert_works_on_their_own_page_on_a_phone(inspection, reviewer, panel):
    expert, other = panel["accepted"].user, panel["invited"].user
    url = f"/inspections/{inspection.pk}/"
    c = signed_in_client(expert)
    mine = c.get("/experts/my/").content.decode()
    assert f'id="inspection-{inspection.pk}"' in mine and "鼓楼南街8号" in mine
    page = c.get(url)
    assert page.status_code == 200 and "workbench:home" not in page.content.decode()
    assert signed_in_client(other).get(url).status_code == 404
    assert c.post(url, {"op": "start"}).status_code == 404  # the organiser's, not theirs
    with travel("2025-09-30 10:05"):
        actions.start_inspection(inspection, actor=reviewer, on=day("2025-09-30"))
        page = c.get(url).content.decode()
        assert 'name="op" value="finding"' in page and 'capture="environment"' in page
        for order in (1, 2):
            done = c.post(url, {"op": "finding", "order": order, "result": "conforms"})
            assert done.status_code == 302
        assert c.post(url, {"op": "conclusion", "conclusion": "符合"}).status_code == 302
        signed = c.post(url, {"op": "confirm"})
        assert signed.status_code == 302 and signed["Location"] == "/experts/my/"
        assert c.get(url).status_code == 404
        assert f'id="inspection-{inspection.pk}"' not in c.get("/experts/my/").content.decode()


def test_the_expert_works_through_the_api_and_loses_it_with_the_signature(
    inspection, reviewer, panel
):
    expert, other = panel["accepted"].user, panel["invited"].user
    api, stranger = APIClient(), APIClient()
    api.force_authenticate(expert)
    stranger.force_authenticate(other)
    url = f"/api/v1/inspections/{inspection.pk}"
    assert stranger.get(url).status_code == 404
    body = api.get(url).json()
    assert [i["expert"] is not None for i in body["inspectors"]].count(True) == 1
    assert [r["id"] for r in api.get("/api/v1/inspections?mine=expert").json()] == [inspection.pk]
    with travel("2025-09-30 10:05"):
        assert api.post(f"{url}/start", {}, format="json").status_code == 403
        actions.start_inspection(inspection, actor=reviewer, on=day("2025-09-30"))
        for order in (1, 2):
            done = api.post(
                f"{url}/findings", {"order": order, "result": "conforms"}, format="json"
            )
            assert done.status_code == 200 and done.json()["findings"]
        api.post(f"{url}/conclusion", {"conclusion": "符合"}, format="json")
        assert api.post(f"{url}/confirm", format="json").status_code == 200
        assert api.get(url).status_code == 404


def test_staff_schedule_with_an_expert_on_the_page_and_through_the_api(case, reviewer, panel):
    c = signed_in_client(reviewer)
    with travel("2025-09-26 10:00"):
        form = c.get(f"/inspections/cases/{case.pk}/schedule/").content.decode()
        assert panel["accepted"].name in form and panel["invited"].name not in form
        done = c.post(
            f"/inspections/cases/{case.pk}/schedule/",
            {
                "at": "2025-09-30T10:00",
                "place": "现场",
                "expected_days": 3,
                "inspectors": [str(reviewer.pk)],
                "experts": [str(panel["accepted"].pk)],
            },
        )
        assert done.status_code == 302
        inspection = Inspector.objects.get(assignment__isnull=False).inspection
        actions.cancel_inspection(inspection, actor=reviewer, reason="改为联合勘验")
        api = APIClient()
        api.force_authenticate(reviewer)
        body = {
            "case": case.pk,
            "at": "2025-09-30T10:00:00+08:00",
            "place": "现场",
            "expected_days": 3,
            "inspectors": [reviewer.pk],
        }
        refused = api.post(
            "/api/v1/inspections", {**body, "experts": [panel["invited"].pk]}, format="json"
        )
        assert refused.status_code == 400 and "inspectors" in refused.json()["fields"]
        made = api.post(
            "/api/v1/inspections", {**body, "experts": [panel["accepted"].pk]}, format="json"
        )
        assert made.status_code == 201
        assert [i["expert"] for i in made.json()["inspectors"]] == [None, panel["accepted"].pk]


def test_another_account_is_nothing_to_it(inspection):
    nobody = get_user_model().objects.create_user(username="nobody", password="pw-nobody")
    assert signed_in_client(nobody).get(f"/inspections/{inspection.pk}/").status_code == 404
    assert queries.expert_inspections(nobody) == []
