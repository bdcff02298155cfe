"""The cases API: opening a case, reading it with its clocks, and every action as a thin POST.

Dates: 2025 Spring Festival — 1/28–2/4 off, Sunday 1/26 and Saturday 2/8 worked."""

import datetime
import hashlib
import inspect

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from oneseal.applicants.models import Applicant
from oneseal.applicants.rules import id_check_char
from oneseal.calendars.queries import current_calendar
from oneseal.cases import actions
from oneseal.cases.actions import missing_uploads
from oneseal.cases.models import Case, CaseEvent, CaseMaterial, State
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import ReviewStep
from oneseal.interface.case_actions import ACTIONS
from oneseal.organisation.models import Role
from oneseal.testing import api_apply_online, at, day

PERSON_NUMBER = "11010519491231002" + id_check_char("11010519491231002")


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def as_clerk(clerk):
    return client_for(clerk)


@pytest.fixture
def citizen(db):
    """A member of the public with an online account, registered as an applicant."""
    user = get_user_model().objects.create_user(
        username="zhang", password="pw-zhang", first_name="张三"
    )
    Applicant.objects.create(
        kind=Applicant.Kind.PERSON,
        name="张三",
        id_number=PERSON_NUMBER,
        phone="13900000001",
        user=user,
    )
    return user


@pytest.fixture
def citizen_applicant(citizen):
    return Applicant.objects.get(user=citizen)


@pytest.fixture
def reviewer(make_staff, county, bureau):
    return make_staff("reviewer", county, Role.REVIEWER, display_name="李审查", bureau=bureau)


@pytest.fixture
def signatory(make_staff, county, bureau):
    return make_staff("signatory", county, Role.SIGNATORY, display_name="赵局长", bureau=bureau)


@pytest.fixture
def opened(as_clerk, handling_item, applicant):
    """A case opened at the window through the API; returns its detail."""
    r = as_clerk.post(
        "/api/v1/cases",
        {"handling_item": handling_item.pk, "applicant": applicant.pk, "channel": "window"},
        format="json",
    )
    assert r.status_code == 201, r.content
    return r.json()


def provide_all(client, detail) -> dict:
    statuses = {str(m["id"]): "provided" for m in detail["materials"]}
    r = client.post(
        f"/api/v1/cases/{detail['id']}/check-materials",
        {"statuses": statuses, "expected_version": detail["lock_version"]},
        format="json",
    )
    assert r.status_code == 200, r.content
    return r.json()


def accepted_case(client, detail) -> dict:
    detail = provide_all(client, detail)
    r = client.post(
        f"/api/v1/cases/{detail['id']}/accept",
        {"expected_version": detail["lock_version"]},
        format="json",
    )
    assert r.status_code == 200, r.content
    return r.json()


# --- applicants ---------------------------------------------------------------------------


def test_a_clerk_registers_an_applicant_and_a_repeat_finds_the_same_one(as_clerk):
    body = {
        "kind": "organisation",
        "name": "平罗县𠮷祥餐饮有限公司",
        "number": "91350100m000100y43",
        "phone": "0952-6012345",
    }
    first = as_clerk.post("/api/v1/applicants", body, format="json")
    again = as_clerk.post("/api/v1/applicants", body, format="json")
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert (
        first.json()["number"] == "91350100M000100Y43"
        and first.json()["name"] == "平罗县𠮷祥餐饮有限公司"
    )
    assert Applicant.objects.count() == 1


def test_a_wrong_number_is_an_error_on_the_number_field(as_clerk):
    r = as_clerk.post(
        "/api/v1/applicants",
        {"kind": "person", "name": "李四", "number": "110105194912310021", "phone": "139"},
        format="json",
    )
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "validation_failed"
    assert "校验位" in body["fields"]["number"][0]
    assert "phone" in body["fields"]
    assert Applicant.objects.count() == 0


def test_a_missing_field_is_named(as_clerk):
    r = as_clerk.post(
        "/api/v1/applicants", {"kind": "person", "number": PERSON_NUMBER}, format="json"
    )
    assert r.status_code == 400
    assert {"name", "phone"} <= set(r.json()["fields"])


def test_a_member_of_the_public_registers_nobody_through_the_api(db):
    user = get_user_model().objects.create_user(username="li", password="pw")
    r = client_for(user).post(
        "/api/v1/applicants",
        {"kind": "person", "name": "李四", "number": PERSON_NUMBER, "phone": "13900000002"},
        format="json",
    )
    assert r.status_code == 403 and "窗口" in r.json()["message"]
    assert not Applicant.objects.exists()


def test_a_member_of_the_public_cannot_read_an_applicant_registered_by_someone_else(applicant, db):
    user = get_user_model().objects.create_user(username="nosy", password="pw")
    r = client_for(user).post(
        "/api/v1/applicants",
        {
            "kind": "organisation",
            "name": applicant.name,
            "number": applicant.credit_code,
            "phone": "13900000003",
        },
        format="json",
    )
    assert r.status_code == 403
    assert applicant.phone not in r.content.decode()
    assert Applicant.objects.get(pk=applicant.pk).user is None


def test_a_member_of_the_public_does_not_learn_who_holds_a_number(applicant, db):
    user = get_user_model().objects.create_user(username="prober", password="pw")
    r = client_for(user).post(
        "/api/v1/applicants",
        {
            "kind": "organisation",
            "name": "随便写的名称",
            "number": applicant.credit_code,
            "phone": "13900000004",
        },
        format="json",
    )
    assert r.status_code == 403  # refused before the number is looked at
    assert applicant.name not in r.content.decode()


def test_a_clerk_is_told_the_registered_name_when_it_differs(as_clerk, applicant):
    r = as_clerk.post(
        "/api/v1/applicants",
        {
            "kind": "organisation",
            "name": "别的公司",
            "number": applicant.credit_code,
            "phone": "13900000004",
        },
        format="json",
    )
    assert r.status_code == 400 and applicant.name in r.json()["fields"]["name"][0]


# --- opening a case -----------------------------------------------------------------------


def test_opening_a_case_answers_with_its_checklist_and_acceptance_clock(
    opened, handling_item, applicant
):
    assert opened["state"] == "received" and opened["state_display"] == "已收件"
    assert opened["number"].startswith("640221")
    assert opened["applicant"]["number"] == applicant.credit_code
    assert (
        opened["handling_item"]["id"] == handling_item.pk
        and opened["handling_item"]["version_number"] == 1
    )
    assert [m["name"] for m in opened["materials"]] == ["食品经营许可申请书", "食品安全管理制度"]
    assert all(m["status"] == "pending" and m["uploads"] == [] for m in opened["materials"])
    case = Case.objects.get(pk=opened["id"])
    assert opened["clocks"]["acceptance_due"] == case.acceptance_due.isoformat()
    assert opened["clocks"]["promised_due"] is None and opened["clocks"]["running"] is False
    assert [(e["seq"], e["action"], e["actor_name"]) for e in opened["events"]] == [
        (1, "receive", "王窗口")
    ]
    assert opened["lock_version"] == 0


def test_a_repeat_with_the_same_idempotency_key_returns_the_same_case_with_200(
    as_clerk, handling_item, applicant
):
    body = {"handling_item": handling_item.pk, "applicant": applicant.pk, "channel": "window"}
    first = as_clerk.post("/api/v1/cases", body, format="json", HTTP_IDEMPOTENCY_KEY="form-77")
    again = as_clerk.post("/api/v1/cases", body, format="json", HTTP_IDEMPOTENCY_KEY="form-77")
    other = as_clerk.post("/api/v1/cases", body, format="json", HTTP_IDEMPOTENCY_KEY="form-78")
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert first.json()["id"] == again.json()["id"] != other.json()["id"]
    assert Case.objects.count() == 2


def test_an_over_long_idempotency_key_is_refused(as_clerk, handling_item, applicant):
    r = as_clerk.post(
        "/api/v1/cases",
        {"handling_item": handling_item.pk, "applicant": applicant.pk, "channel": "window"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k" * 65,
    )
    assert r.status_code == 400 and "Idempotency-Key" in r.json()["fields"]
    assert Case.objects.count() == 0


def test_an_online_applicant_opens_a_case_only_for_themselves(
    citizen, citizen_applicant, applicant, handling_item
):
    client = client_for(citizen)
    own = api_apply_online(client, handling_item, citizen_applicant.pk, citizen_applicant)
    assert own.status_code == 201, own.content
    assert own.json()["applicant"]["name"] == "张三"
    someone_else = api_apply_online(client, handling_item, applicant.pk, citizen_applicant)
    assert someone_else.status_code == 400
    assert "applicant" in someone_else.json()["fields"]
    assert applicant.name not in someone_else.content.decode()
    assert Case.objects.count() == 1


def test_an_online_application_without_its_required_files_is_refused_on_the_json_endpoint(
    citizen, citizen_applicant, handling_item
):
    missing = missing_uploads(handling_item, citizen_applicant, ())
    assert missing  # the item has a required material that cannot be tolerated
    r = client_for(citizen).post(
        "/api/v1/cases",
        {"handling_item": handling_item.pk, "applicant": citizen_applicant.pk, "channel": "online"},
        format="json",
    )
    assert r.status_code == 400, r.content
    assert r.json()["fields"] == missing
    assert "/api/v1/cases/apply" in r.json()["message"]
    assert Case.objects.count() == 0
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    (open_case,) = [
        operation
        for path in schema["paths"].values()
        for operation in path.values()
        if operation.get("operationId") == "open_case"
    ]
    assert "material-<id>" in open_case["description"]
    assert "/api/v1/cases/apply" in open_case["description"]


def test_an_unknown_handling_item_is_an_error_on_its_field(as_clerk, applicant):
    r = as_clerk.post(
        "/api/v1/cases",
        {"handling_item": 999999, "applicant": applicant.pk, "channel": "window"},
        format="json",
    )
    assert r.status_code == 400 and "999999" in r.json()["fields"]["handling_item"][0]


# --- intake actions -----------------------------------------------------------------------


def test_checking_and_accepting_through_the_api_sets_the_due_dates(as_clerk, opened):
    detail = accepted_case(as_clerk, opened)
    case = Case.objects.get(pk=opened["id"])
    assert detail["state"] == "accepted" and case.state == State.ACCEPTED
    assert detail["clocks"]["accepted_on"] == case.accepted_on.isoformat()
    assert detail["clocks"]["promised_due"] == case.promised_due.isoformat()
    assert detail["clocks"]["statutory_due"] == case.statutory_due.isoformat()
    assert detail["clocks"]["running"] is True and detail["clocks"]["promised_remaining"] == 5
    assert [m["status"] for m in detail["materials"]] == ["provided", "provided"]
    assert [e["action"] for e in detail["events"]] == ["receive", "accept"]
    assert detail["events"][-1]["notice_due"] == "acceptance"
    assert detail["lock_version"] == case.lock_version == 2


def test_tolerated_acceptance_takes_line_ids_and_promised_dates(as_clerk, opened):
    core, non_core = opened["materials"]
    r = as_clerk.post(
        f"/api/v1/cases/{opened['id']}/check-materials",
        {"statuses": {str(core["id"]): "provided"}},
        format="json",
    )
    assert r.status_code == 200
    promised = (
        datetime.date.fromisoformat(opened["received_on"]) + datetime.timedelta(days=20)
    ).isoformat()
    r = as_clerk.post(
        f"/api/v1/cases/{opened['id']}/accept",
        {"tolerated": {str(non_core["id"]): promised}},
        format="json",
    )
    assert r.status_code == 200, r.content
    line = r.json()["materials"][1]
    assert line["status"] == "tolerated" and line["promised_by"] == promised
    assert r.json()["events"][-1]["notice_due"] == "tolerated_acceptance"


def test_accepting_with_a_required_material_unchecked_is_a_400_with_every_reason(as_clerk, opened):
    r = as_clerk.post(f"/api/v1/cases/{opened['id']}/accept", {}, format="json")
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid_transition"
    assert any("食品经营许可申请书" in reason for reason in body["reasons"])
    assert Case.objects.get(pk=opened["id"]).state == State.RECEIVED


def test_a_stale_expected_version_is_a_409_and_nothing_is_written(as_clerk, opened):
    seen = opened["lock_version"]
    provide_all(as_clerk, opened)
    events = CaseEvent.objects.count()
    r = as_clerk.post(
        f"/api/v1/cases/{opened['id']}/refuse",
        {"clause": "1", "reason": "无需许可", "expected_version": seen},
        format="json",
    )
    assert r.status_code == 409
    assert r.json()["code"] == "conflict"
    assert CaseEvent.objects.count() == events
    assert Case.objects.get(pk=opened["id"]).state == State.RECEIVED


def test_refusing_under_clause_two_must_name_the_competent_body(as_clerk, opened):
    url = f"/api/v1/cases/{opened['id']}/refuse"
    r = as_clerk.post(url, {"clause": "2", "reason": "不属于本局职权"}, format="json")
    assert r.status_code == 400 and "competent_body" in r.json()["fields"]
    r = as_clerk.post(url, {"clause": "3", "reason": "x"}, format="json")
    assert r.status_code == 400 and "clause" in r.json()["fields"]
    r = as_clerk.post(
        url,
        {"clause": "2", "reason": "不属于本局职权", "competent_body": "石嘴山市市场监督管理局"},
        format="json",
    )
    assert r.status_code == 200
    assert (
        r.json()["state"] == "refused"
        and r.json()["events"][-1]["data"]["competent_body"] == "石嘴山市市场监督管理局"
    )


def test_a_correction_is_requested_by_the_clerk_and_supplied_by_the_applicant_online(
    citizen, citizen_applicant, handling_item, clerk
):
    applicant_client, clerk_client = client_for(citizen), client_for(clerk)
    r = api_apply_online(applicant_client, handling_item, citizen_applicant.pk, citizen_applicant)
    assert r.status_code == 201, r.content
    case_id, line = r.json()["id"], r.json()["materials"][0]["id"]
    r = clerk_client.post(
        f"/api/v1/cases/{case_id}/request-correction",
        {"items": {str(line): "申请书未签字"}},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "awaiting_correction"
    assert r.json()["materials"][0]["note"] == "申请书未签字"
    seen = applicant_client.get(f"/api/v1/cases/{case_id}").json()
    assert seen["state_display"] == "待补正"
    # The reply brings a new file for each listed material, as on the portal's page.
    r = applicant_client.post(
        f"/api/v1/cases/{case_id}/submit-correction",
        {"expected_version": seen["lock_version"]},
        format="json",
    )
    assert r.status_code == 400, r.content
    assert r.json()["fields"]["materials"] == [
        f"“{seen['materials'][0]['name']}”：请先上传补正后的文件"
    ]
    assert Case.objects.get(pk=case_id).state == State.AWAITING_CORRECTION
    r = applicant_client.post(
        f"/api/v1/cases/{case_id}/materials/{line}/files",
        {"file": SimpleUploadedFile("申请书（已签字）.pdf", b"%PDF-1.7 signed")},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    r = applicant_client.post(
        f"/api/v1/cases/{case_id}/submit-correction",
        {"expected_version": r.json()["lock_version"]},
        format="json",
    )
    assert r.status_code == 200, r.content
    # The applicant's view names no actor; the record does.
    assert r.json()["state"] == "received" and r.json()["events"][-1]["text"] == "提交补正材料"
    assert CaseEvent.objects.filter(case_id=case_id).order_by("seq").last().actor_name == "张三"


def test_a_line_key_that_is_not_a_number_is_an_error_on_the_field(as_clerk, opened):
    r = as_clerk.post(
        f"/api/v1/cases/{opened['id']}/request-correction",
        {"items": {"abc": "缺少"}},
        format="json",
    )
    assert r.status_code == 400
    assert "abc" in r.json()["fields"]["items"][0]


def test_a_line_of_another_case_is_named_by_the_action(as_clerk, opened, handling_item, applicant):
    other = as_clerk.post(
        "/api/v1/cases",
        {"handling_item": handling_item.pk, "applicant": applicant.pk, "channel": "window"},
        format="json",
    ).json()
    foreign = other["materials"][0]["id"]
    r = as_clerk.post(
        f"/api/v1/cases/{opened['id']}/check-materials",
        {"statuses": {str(foreign): "provided"}},
        format="json",
    )
    assert r.status_code == 400 and "materials" in r.json()["fields"]
    assert CaseMaterial.objects.get(pk=foreign).status == CaseMaterial.Status.PENDING


def test_an_upload_is_kept_with_its_size_and_hash_and_shown_on_its_line(
    as_clerk, opened, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    line = opened["materials"][0]["id"]
    content = b"%PDF-1.7 application form"
    r = as_clerk.post(
        f"/api/v1/cases/{opened['id']}/materials/{line}/files",
        {"file": SimpleUploadedFile("申请书.pdf", content)},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    upload = r.json()["materials"][0]["uploads"][0]
    assert upload == {
        **upload,
        "name": "申请书.pdf",
        "size": len(content),
        "content_type": "application/pdf",
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    bad = as_clerk.post(
        f"/api/v1/cases/{opened['id']}/materials/{line}/files",
        {"file": SimpleUploadedFile("photo.png", content)},
        format="multipart",
    )
    assert bad.status_code == 400 and "file" in bad.json()["fields"]
    missing = as_clerk.post(
        f"/api/v1/cases/{opened['id']}/materials/{line}/files", {}, format="multipart"
    )
    assert missing.status_code == 400 and "file" in missing.json()["fields"]


def test_an_upload_to_a_line_of_another_case_is_a_404(
    as_clerk, opened, handling_item, applicant, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    other = as_clerk.post(
        "/api/v1/cases",
        {"handling_item": handling_item.pk, "applicant": applicant.pk, "channel": "window"},
        format="json",
    ).json()
    r = as_clerk.post(
        f"/api/v1/cases/{opened['id']}/materials/{other['materials'][0]['id']}/files",
        {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7")},
        format="multipart",
    )
    assert r.status_code == 404


# --- reading ------------------------------------------------------------------------------


def test_the_list_filters_by_state_item_and_receipt_dates(handling_item, applicant, clerk):
    first = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-01-24 10:00")
    )
    second = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-03-03 10:00")
    )
    actions.refuse(second, actor=clerk, clause="1", reason="无需许可", on=day("2025-03-03"))
    client = client_for(clerk)

    def numbers(**params):
        r = client.get("/api/v1/cases", params)
        assert r.status_code == 200, r.content
        return [row["number"] for row in r.json()["results"]]

    assert numbers() == [second.number, first.number]  # newest first
    assert numbers(state="refused") == [second.number]
    assert numbers(handling_item=handling_item.pk) == [second.number, first.number]
    assert numbers(handling_item=handling_item.pk + 1000) == []
    assert numbers(received_from="2025-02-01") == [second.number]
    assert numbers(received_to="2025-01-24") == [first.number]
    r = client.get("/api/v1/cases", {"received_from": "2025-03-01", "received_to": "2025-02-01"})
    assert r.status_code == 400 and "received_to" in r.json()["fields"]
    r = client.get("/api/v1/cases", {"state": "lost"})
    assert r.status_code == 400 and "state" in r.json()["fields"]


def test_an_applicant_lists_only_their_own_cases(
    citizen, citizen_applicant, applicant, handling_item, clerk
):
    actions.receive(handling_item, actor=clerk, applicant=applicant)
    own = actions.receive(handling_item, actor=clerk, applicant=citizen_applicant)
    r = client_for(citizen).get("/api/v1/cases")
    assert [row["id"] for row in r.json()["results"]] == [own.pk]


def test_the_list_makes_as_many_queries_for_fifty_cases_as_for_five(
    handling_item, applicant, clerk
):
    def list_queries(n):
        while Case.objects.count() < n:
            actions.receive(handling_item, actor=clerk, applicant=applicant)
        # The user as a request loads it (what the request reads once is read each time), and
        # the calendar's freshness check (at most every 5 s) made before, not during, the read.
        client = client_for(get_user_model().objects.get(pk=clerk.pk))
        current_calendar()
        with CaptureQueriesContext(connection) as ctx:
            r = client.get("/api/v1/cases")
        assert r.status_code == 200 and r.json()["count"] == n and len(r.json()["results"]) == n
        return len(ctx.captured_queries)

    few = list_queries(5)
    many = list_queries(50)
    assert many == few


def test_the_detail_makes_as_many_queries_after_many_events_as_after_one(
    handling_item, applicant, clerk
):
    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    client = client_for(clerk)

    def detail_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200
        return len(ctx.captured_queries)

    detail_queries()  # the first read also fills the process's cache of the version's checklist and steps
    few = detail_queries()
    for _ in range(6):
        actions.request_correction(case, actor=clerk, items={case.materials.first().pk: "缺少签字"})
        actions.submit_correction(case, actor=clerk)
    assert CaseEvent.objects.filter(case=case).count() == 13
    assert detail_queries() == few


def test_the_clocks_count_remaining_working_days_and_raise_warnings(
    handling_item, applicant, clerk, reviewer
):
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-01-24 10:00")
    )
    actions.check_materials(
        case,
        actor=clerk,
        statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
    )
    actions.accept(
        case, actor=clerk, on=day("2025-01-27")
    )  # promised 2025-02-10, statutory 2025-03-03
    client = client_for(clerk)

    def clocks_on(text):
        with time_machine.travel(at(f"{text} 12:00"), tick=False):
            return client.get(f"/api/v1/cases/{case.pk}").json()["clocks"]

    clocks = clocks_on("2025-02-06")  # left: 2/7, Saturday 2/8 (worked), 2/10
    assert (clocks["promised_remaining"], clocks["warning"]) == (3, "")
    assert clocks["statutory_remaining"] == 18  # 2/7, 2/8, three full weeks, 3/3
    clocks = clocks_on("2025-02-07")
    assert (clocks["promised_remaining"], clocks["warning"]) == (2, "yellow")
    assert clocks["warning_display"] == "黄牌：承诺时限即将届满"
    clocks = clocks_on("2025-02-11")
    assert (clocks["promised_remaining"], clocks["warning"]) == (-1, "red")
    clocks = clocks_on("2025-02-26")  # statutory left: 2/27, 2/28, 3/3
    assert (clocks["statutory_remaining"], clocks["warning"]) == (3, "statutory")

    actions.suspend(
        case,
        actor=reviewer,
        kind="expert_review",
        reason="组织专家评审",
        expected_days=10,
        on=day("2025-02-05"),
    )
    clocks = clocks_on("2025-02-20")
    assert clocks["running"] is False and clocks["warning"] == ""
    assert (clocks["promised_remaining"], clocks["statutory_remaining"]) == (
        4,
        19,
    )  # kept at the suspension


def test_the_events_endpoint_lists_the_chain_in_order(as_clerk, opened):
    provide_all(as_clerk, opened)
    as_clerk.post(
        f"/api/v1/cases/{opened['id']}/refuse", {"clause": "1", "reason": "无需许可"}, format="json"
    )
    r = as_clerk.get(f"/api/v1/cases/{opened['id']}/events")
    assert r.status_code == 200
    assert [(e["seq"], e["action"], e["from_state"], e["to_state"]) for e in r.json()] == [
        (1, "receive", "", "received"),
        (2, "refuse", "received", "refused"),
    ]
    assert r.json()[1]["reason"] == "无需许可" and r.json()[1]["notice_due"] == "refusal"


# --- review and decision ------------------------------------------------------------------


def test_a_case_goes_from_acceptance_to_delivery_through_the_api(
    as_clerk, opened, reviewer, signatory, make_staff, county, bureau
):
    detail = accepted_case(as_clerk, opened)
    case_url = f"/api/v1/cases/{opened['id']}"
    as_reviewer, as_signatory = client_for(reviewer), client_for(signatory)
    second = make_staff(
        "inspector2", county, Role.REVIEWER, bureau=bureau
    )  # an inspector is the bureau's staff

    r = as_reviewer.post(
        f"{case_url}/record-site-inspection",
        {
            "on": detail["clocks"]["accepted_on"],
            "place": "平罗县城关镇某街12号",
            "findings": "场所布局符合要求",
            "inspectors": [reviewer.pk],
        },
        format="json",
    )
    assert r.status_code == 400 and "inspectors" in r.json()["fields"]
    r = as_reviewer.post(
        f"{case_url}/record-site-inspection",
        {
            "on": detail["clocks"]["accepted_on"],
            "place": "平罗县城关镇某街12号",
            "findings": "场所布局符合要求",
            "inspectors": [reviewer.pk, second.pk],
        },
        format="json",
    )
    assert r.status_code == 200, r.content

    r = as_reviewer.post(
        f"{case_url}/suspend",
        {"kind": "expert_review", "reason": "组织专家评审", "expected_days": 5},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "suspended" and r.json()["clocks"]["promised_remaining"] is not None
    r = as_reviewer.post(
        f"{case_url}/resume", {"expected_version": r.json()["lock_version"]}, format="json"
    )
    assert r.status_code == 200 and r.json()["state"] == "accepted"

    r = as_reviewer.post(f"{case_url}/request-extension", {"reason": "需补充检测"}, format="json")
    assert r.status_code == 200, r.content
    before = r.json()["clocks"]["statutory_due"]
    r = as_signatory.post(f"{case_url}/approve-extension", {}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["extended"] is True and r.json()["clocks"]["statutory_due"] > before
    assert r.json()["events"][-1]["notice_due"] == "extension"

    today = r.json()["events"][-1]["on"]
    r = as_signatory.post(
        f"{case_url}/grant", {"scope": "热食类食品制售", "valid_from": today}, format="json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "granted"
    assert r.json()["licence"]["state"] == "valid" and r.json()["licence"]["valid_until"] is None

    r = as_clerk.post(f"{case_url}/deliver", {"channel": "post"}, format="json")
    assert r.status_code == 400  # the handling item offers the window only
    r = as_clerk.post(f"{case_url}/deliver", {"channel": "window"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "delivered" and r.json()["closed_on"] == today
    assert [e["action"] for e in r.json()["events"]] == [
        "receive",
        "accept",
        "record_site_inspection",
        "suspend",
        "resume",
        "request_extension",
        "approve_extension",
        "grant",
        "deliver",
    ]


@pytest.fixture
def stepped_item(complete_draft, admin_user):
    """药品零售许可（新办）: a first review by a reviewer, then the decision by a signatory."""
    version = complete_draft("640221-XK-009", "药品零售许可")
    hi = version.handling_items.get()
    for order, (name, role) in enumerate(
        [("初审", ReviewStep.Role.REVIEWER), ("决定", ReviewStep.Role.SIGNATORY)], 1
    ):
        catalogue_actions.save_draft_part(
            ReviewStep(handling_item=hi, order=order, name=name, role=role), actor=admin_user
        )
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return hi


def test_review_steps_are_assigned_and_completed_before_the_decision(
    stepped_item, applicant, as_clerk, reviewer, signatory, make_staff, county
):
    opened = as_clerk.post(
        "/api/v1/cases",
        {"handling_item": stepped_item.pk, "applicant": applicant.pk, "channel": "window"},
        format="json",
    ).json()
    detail = accepted_case(as_clerk, opened)
    assert [(s["name"], s["state"]) for s in detail["steps"]] == [
        ("初审", "pending"),
        ("决定", "pending"),
    ]
    url = f"/api/v1/cases/{opened['id']}"
    grant = {"scope": "药品零售", "valid_from": detail["clocks"]["accepted_on"]}
    r = client_for(signatory).post(f"{url}/grant", grant, format="json")
    assert r.status_code == 400 and any("初审" in reason for reason in r.json()["reasons"])

    first = detail["steps"][0]["review_step_id"]
    r = as_clerk.post(f"{url}/assign-step", {"step": first, "assignee": reviewer.pk}, format="json")
    assert r.status_code == 403
    r = client_for(signatory).post(
        f"{url}/assign-step", {"step": first, "assignee": reviewer.pk}, format="json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["steps"][0]["assignee_id"] == reviewer.pk
    someone = make_staff("reviewer2", county, Role.REVIEWER)
    r = client_for(someone).post(
        f"{url}/complete-review-step", {"opinion": "同意", "outcome": "approve"}, format="json"
    )
    assert r.status_code == 403
    r = client_for(reviewer).post(
        f"{url}/complete-review-step",
        {"opinion": "材料齐全，符合条件", "outcome": "maybe"},
        format="json",
    )
    assert r.status_code == 400 and "outcome" in r.json()["fields"]
    r = client_for(reviewer).post(
        f"{url}/complete-review-step",
        {"opinion": "材料齐全，符合条件", "outcome": "approve"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert (
        r.json()["steps"][0]["state"] == "done"
        and r.json()["steps"][0]["opinion"] == "材料齐全，符合条件"
    )
    r = client_for(signatory).post(f"{url}/grant", grant, format="json")
    assert r.status_code == 200, r.content
    assert [s["state"] for s in r.json()["steps"]] == ["done", "done"]


def scan(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7 test scan", content_type="application/pdf")


def accepted_tolerating(as_clerk, opened) -> tuple[str, dict, dict, dict]:
    """The opened case accepted with its core material provided and its non-core one
    tolerated for 30 days: its url, the two checklist lines and the answer."""
    core, non_core = opened["materials"]
    url = f"/api/v1/cases/{opened['id']}"
    as_clerk.post(
        f"{url}/check-materials", {"statuses": {str(core["id"]): "provided"}}, format="json"
    )
    promised = (
        datetime.date.fromisoformat(opened["received_on"]) + datetime.timedelta(days=30)
    ).isoformat()
    detail = as_clerk.post(
        f"{url}/accept", {"tolerated": {str(non_core["id"]): promised}}, format="json"
    ).json()
    return url, core, non_core, detail


def test_a_tolerated_material_supplied_after_the_grant_releases_the_held_licence(
    as_clerk, opened, signatory, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    url, core, non_core, detail = accepted_tolerating(as_clerk, opened)
    r = client_for(signatory).post(
        f"{url}/grant",
        {"scope": "热食类食品制售", "valid_from": detail["clocks"]["accepted_on"]},
        format="json",
    )
    assert r.status_code == 200 and r.json()["licence"]["state"] == "held"
    assert as_clerk.post(f"{url}/deliver", {"channel": "window"}, format="json").status_code == 400
    r = as_clerk.post(
        f"{url}/supply-tolerated-material",
        {"line": core["id"], "file": scan("管理制度.pdf")},
        format="multipart",
    )
    assert r.status_code == 400 and "line" in r.json()["fields"]
    # Supplied means on file: without the scan nothing is supplied.
    r = as_clerk.post(f"{url}/supply-tolerated-material", {"line": non_core["id"]}, format="json")
    assert r.status_code == 400 and "file" in r.json()["fields"]
    r = as_clerk.post(
        f"{url}/supply-tolerated-material",
        {"line": non_core["id"], "file": scan("管理制度.pdf")},
        format="multipart",
    )
    assert r.status_code == 200, r.content
    assert r.json()["licence"]["state"] == "valid"
    supplied = r.json()["materials"][1]
    assert supplied["supplied_on"] is not None
    assert [u["name"] for u in supplied["uploads"]] == ["管理制度.pdf"]
    r = client_for(signatory).post(
        f"{url}/propose-revocation", {"facts": "以欺骗手段取得许可"}, format="json"
    )
    assert r.status_code == 200, r.content
    # Revocation is a procedure: the proposal calls for the notice and revokes nothing yet.
    assert (
        r.json()["licence"]["state"] == "valid"
        and r.json()["events"][-1]["notice_due"] == "revocation_notice"
    )
    r = client_for(signatory).post(
        f"{url}/decide-revocation", {"revoke": True, "reason": "复核"}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid_transition"


def test_a_tolerated_supply_with_a_stale_version_is_a_conflict_and_stores_nothing(
    as_clerk, opened, settings, tmp_path
):
    """As every case action of the API: a version sent is checked (409, nothing stored when
    the case changed), a version left out is not, and the schema says so."""
    settings.MEDIA_ROOT = tmp_path
    url, core, non_core, detail = accepted_tolerating(as_clerk, opened)
    version = detail["lock_version"]
    r = as_clerk.post(
        f"{url}/supply-tolerated-material",
        {"line": non_core["id"], "file": scan("管理制度.pdf"), "expected_version": version - 1},
        format="multipart",
    )
    assert r.status_code == 409 and r.json()["code"] == "conflict", r.content
    line = CaseMaterial.objects.get(pk=non_core["id"])
    assert line.supplied_on is None and not line.uploads.exists()
    assert Case.objects.get(pk=opened["id"]).lock_version == version
    r = as_clerk.post(
        f"{url}/supply-tolerated-material",
        {"line": non_core["id"], "file": scan("管理制度.pdf")},
        format="multipart",
    )
    assert r.status_code == 200, r.content
    assert r.json()["materials"][1]["supplied_on"] is not None

    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    body = schema["paths"]["/api/v1/cases/{id}/supply-tolerated-material"]["post"]
    ref = body["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    said = fields["properties"]["expected_version"]["description"]
    assert "409" in said and "省略时不核对" in said
    assert "expected_version" not in fields.get("required", [])


def test_a_denial_states_its_reasons_and_the_remedies(as_clerk, opened, signatory):
    accepted_case(as_clerk, opened)
    url = f"/api/v1/cases/{opened['id']}/deny"
    r = client_for(signatory).post(url, {"reasons": ["  "]}, format="json")
    assert r.status_code == 400 and "reasons" in r.json()["fields"]
    r = client_for(signatory).post(url, {"reasons": ["经营场所与申请不符"]}, format="json")
    assert r.status_code == 200, r.content
    event = r.json()["events"][-1]
    assert r.json()["state"] == "denied" and event["notice_due"] == "denial"
    assert event["data"]["remedies"]["reconsideration"]["days"] == 60
    assert event["data"]["remedies"]["litigation"]["months"] == 6


def test_the_applicant_withdraws_online_and_the_bureau_terminates_another(
    citizen, citizen_applicant, handling_item, signatory, clerk
):
    first = actions.receive(handling_item, actor=clerk, applicant=citizen_applicant)
    second = actions.receive(handling_item, actor=clerk, applicant=citizen_applicant)
    r = client_for(citizen).post(
        f"/api/v1/cases/{first.pk}/withdraw", {"reason": "不再经营"}, format="json"
    )
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"
    r = client_for(citizen).post(
        f"/api/v1/cases/{second.pk}/terminate", {"reason": "x"}, format="json"
    )
    assert r.status_code == 403
    r = client_for(signatory).post(
        f"/api/v1/cases/{second.pk}/terminate", {"reason": "申请人已注销"}, format="json"
    )
    assert r.status_code == 200 and r.json()["state"] == "terminated"


def test_revoking_a_case_without_a_licence_is_a_400(as_clerk, opened, signatory):
    r = client_for(signatory).post(
        f"/api/v1/cases/{opened['id']}/propose-revocation", {"facts": "x"}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid_transition"


# --- the table and the schema -------------------------------------------------------------

# Run by the worker, or served by their own endpoints (receive: POST /cases; attach_file:
# the upload endpoint; apply_online: POST /cases/apply), or done by the API in two calls
# (receive_at_window: POST /applicants, then POST /cases).
NOT_ACTION_ENDPOINTS = {
    "receive",
    "attach_file",
    "deem_accepted",
    "overdue_promises",
    "apply_online",
    "receive_at_window",
    # Opened by the hand-over's import (POST /api/v1/handovers), one per register row.
    "open_handed_over_case",
    # The intermediary's own act (POST /api/v1/intermediaries/engagements/<id>/deliver).
    "attach_deliverable",
    # The window's one-screen intake: receive_at_window, the checklist and the decision in one
    # transaction; the API does the same in its calls (POST /applicants, POST /cases, the
    # materials' check, then accept, request-correction or refuse).
    "intake_at_window",
    # The window's page keeping a refused intake's scans for its next post; an API client
    # keeps its own files and sends them again.
    "hold_upload",
}


def test_every_case_action_has_an_endpoint():
    writes = {
        name
        for name, fn in inspect.getmembers(actions, inspect.isfunction)
        if name in actions.__all__
        and not name.endswith("_blockers")
        and "actor" in inspect.signature(fn).parameters
    }
    wired = {a.call.__name__ for a in ACTIONS}
    assert writes - NOT_ACTION_ENDPOINTS - wired == set()
    for action in ACTIONS:
        params = inspect.signature(action.call).parameters
        # A field's source is the action's keyword (the body's "file" is `upload`).
        sources = {field.source for field in action.input().fields.values()}
        assert sources <= set(params), action.name


def _views_matching(patterns, path: str) -> list:
    """Every view of `patterns` (includes followed) whose pattern matches `path`, in order."""
    from django.urls import URLResolver

    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            match = pattern.pattern.match(path)
            if match:
                found += _views_matching(pattern.url_patterns, match[0])
        elif pattern.resolve(path):
            found.append(getattr(pattern.callback, "view_class", pattern.callback))
    return found


def test_every_action_path_resolves_to_its_action():
    """The action paths come early in the API's patterns (the busiest requests); that order
    must decide nothing: no other pattern, before or after, matches an action's path."""
    from oneseal.api import v1
    from oneseal.api.cases.views import ACTION_VIEWS

    for name, view in ACTION_VIEWS.items():
        assert _views_matching(v1.urlpatterns, f"cases/7/{name}") == [view], name


def test_the_schema_documents_every_case_endpoint(db):
    r = APIClient().get("/api/schema/", {"format": "json"})
    paths = r.json()["paths"]
    assert paths["/api/v1/cases"]["post"]["operationId"] == "open_case"
    assert paths["/api/v1/cases"]["get"]["operationId"] == "list_cases"
    assert paths["/api/v1/cases/{id}"]["get"]["operationId"] == "get_case"
    assert "Idempotency-Key" in {p["name"] for p in paths["/api/v1/cases"]["post"]["parameters"]}
    for action in ACTIONS:
        operation = paths[f"/api/v1/cases/{{id}}/{action.name}"]["post"]
        assert operation["operationId"] == "case_" + action.name.replace("-", "_")
        assert "409" in operation["responses"] and "404" in operation["responses"]
    upload = paths["/api/v1/cases/{id}/materials/{line}/files"]["post"]
    assert set(upload["requestBody"]["content"]) == {"multipart/form-data"}
