"""Every API read answers what the same user's page shows (issue 12.7): an applicant reads
their case as the portal's case page shows it — no reviewer's opinion, no staff name, no
event data — and no linkage; staff read the bureau's full record, unchanged."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from oneseal.api.cases import details, outputs
from oneseal.applicants.actions import register_applicant
from oneseal.cases import actions
from oneseal.cases.models import CaseMaterial
from oneseal.organisation.models import Role
from oneseal.testing import api_apply_online, at, day

OPINION = "经审查，申请人场所布局合理，同意——李初审"

APPLICANT_KEYS = {
    "id",
    "number",
    "query_code",
    "state",
    "state_display",
    "progress",
    "channel",
    "applicant",
    "handling_item",
    "received_at",
    "received_on",
    "clocks",
    "extended",
    "decided_on",
    "delivery_due",
    "closed_on",
    "correction_notice",
    "materials",
    "documents",
    "events",
    "lock_version",
}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def reviewer(make_staff, county, bureau, section):
    return make_staff(
        "li_review", county, Role.REVIEWER, display_name="李初审", bureau=bureau, section=section
    )


@pytest.fixture
def second_reviewer(make_staff, county, bureau):
    return make_staff("zhao_review", county, Role.REVIEWER, display_name="赵复审", bureau=bureau)


@pytest.fixture
def citizen(clerk):
    user = get_user_model().objects.create_user(username="masan", password="pw")
    register_applicant(
        actor=clerk,
        user=user,
        kind="person",
        name="马𠮷祥",
        number="640221198001011237",
        phone="13909520000",
    )
    return user


@pytest.fixture
def reviewed_case(make_item, citizen, clerk, reviewer):
    """A case of the citizen's, accepted at the window and past the first review with an opinion."""
    hi = make_item()
    applicant = citizen.applicants.get()
    case = actions.receive(hi, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    actions.check_materials(
        case,
        actor=clerk,
        statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
    )
    case = actions.accept(case, actor=clerk, on=day("2025-03-03"))
    return actions.complete_review_step(
        case, actor=reviewer, opinion=OPINION, outcome="approve", on=day("2025-03-04")
    )


def test_an_applicant_reads_their_case_as_the_portal_shows_it(reviewed_case, citizen):
    r = client_for(citizen).get(f"/api/v1/cases/{reviewed_case.pk}")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == APPLICANT_KEYS
    text = r.content.decode()
    for secret in (
        OPINION,
        "李初审",
        "li_review",
        "王窗口",
        "clerk",
        "opinion",
        "actor_name",
        "assignee",
        "steps",
        "agent_id_number",
        "sha256",
    ):
        assert secret not in text, secret
    assert [set(e) for e in body["events"]] == [{"seq", "on", "action", "text", "detail"}] * len(
        body["events"]
    )
    assert [e["text"] for e in body["events"]][-2:] == ["受理", "完成审查环节"]
    assert body["events"][-1]["detail"] == "初审"  # the step's name, as the page prints it
    assert set(body["materials"][0]) == {
        "id",
        "name",
        "status",
        "status_display",
        "note",
        "promised_by",
        "supplied_on",
        "uploads",
    }
    assert body["progress"].startswith("已受理") and body["correction_notice"] is None


def test_an_applicant_reads_the_events_without_actors_or_data(reviewed_case, citizen):
    events = client_for(citizen).get(f"/api/v1/cases/{reviewed_case.pk}/events").json()
    assert all(set(e) == {"seq", "on", "action", "text", "detail"} for e in events)
    assert OPINION not in str(events) and "李初审" not in str(events)


def test_staff_read_the_full_record_unchanged(reviewed_case, clerk):
    body = client_for(clerk).get(f"/api/v1/cases/{reviewed_case.pk}").json()
    assert list(body) == list(outputs.CaseDetailSerializer().fields)
    assert body["steps"][1]["opinion"] == OPINION
    assert {e["actor_name"] for e in body["events"]} >= {"王窗口", "李初审"}
    events = client_for(clerk).get(f"/api/v1/cases/{reviewed_case.pk}/events").json()
    assert list(events[0]) == list(outputs.CaseEventSerializer().fields)


def test_an_applicants_action_answers_with_the_applicants_view(make_item, citizen, clerk):
    hi = make_item()
    applicant = citizen.applicants.get()
    opened = api_apply_online(client_for(citizen), hi, applicant.pk, applicant)
    assert opened.status_code == 201 and set(opened.json()) == APPLICANT_KEYS
    case_id, line = opened.json()["id"], opened.json()["materials"][0]["id"]
    asked = client_for(clerk).post(
        f"/api/v1/cases/{case_id}/request-correction",
        {"items": {str(line): "申请书未签字"}},
        format="json",
    )
    assert "steps" in asked.json()  # the clerk's answer is the full record
    seen = client_for(citizen).get(f"/api/v1/cases/{case_id}").json()
    assert seen["correction_notice"]["items"] == [
        {"line": line, "material": "食品经营许可申请书", "note": "申请书未签字"}
    ]
    withdrawn = client_for(citizen).post(
        f"/api/v1/cases/{case_id}/withdraw", {"reason": "不再经营"}, format="json"
    )
    assert withdrawn.status_code == 200 and set(withdrawn.json()) == APPLICANT_KEYS
    assert withdrawn.json()["events"][-1]["detail"] == "不再经营"


def test_an_applicant_reads_no_linkage_of_their_own_case(reviewed_case, citizen, clerk):
    r = client_for(citizen).get(f"/api/v1/linkage/cases/{reviewed_case.pk}")
    assert r.status_code == 404
    assert "pushes" not in r.content.decode() and "feedback" not in r.content.decode()
    assert client_for(clerk).get(f"/api/v1/linkage/cases/{reviewed_case.pk}").status_code == 200


def test_a_staff_member_reads_their_own_application_as_an_applicant(
    reviewed_case, make_staff, county, department, clerk
):
    # A department's supervisor of another department who applies in their own name.
    from oneseal.organisation.models import Department

    other = Department.objects.create(
        region=county, name="平罗县住房和城乡建设局", short_name="住建局", order=9
    )
    supervisor = make_staff("sup", county, Role.SUPERVISOR, department=other)
    applicant = reviewed_case.applicant
    applicant.user = supervisor
    applicant.save(update_fields=["user"])
    body = client_for(supervisor).get(f"/api/v1/cases/{reviewed_case.pk}").json()
    assert set(body) == APPLICANT_KEYS and OPINION not in str(body)
    # The food department's supervisor sees the case as staff.
    market = make_staff("market", county, Role.SUPERVISOR, department=department)
    assert "steps" in client_for(market).get(f"/api/v1/cases/{reviewed_case.pk}").json()


def test_the_applicants_view_renders_as_drf_renders_its_declared_fields(
    reviewed_case, citizen, clerk, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case_id = reviewed_case.pk
    line = reviewed_case.materials.first()
    actions.attach_file(
        line,
        actor=clerk,
        upload=SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    case = outputs.for_applicant(citizen, details.detail_of(citizen, case_id))
    serializer = outputs.ApplicantCaseSerializer()
    assert serializer.to_representation(case) == serializer.generic_representation(case)
    assert list(serializer.to_representation(case)) == list(serializer.fields)
    notice = reviewed_case.events.first()
    notice.data = {
        "items": [{"line": 3, "material": "申请书", "status": "missing", "note": "未签字"}]
    }
    notice_serializer = outputs.CorrectionNoticeSerializer()
    assert notice_serializer.to_representation(notice) == notice_serializer.generic_representation(
        notice
    )
