"""The hearing pages and API: scoped like the case, every refusal answered without a 500."""

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from oneseal.calendars.queries import today
from oneseal.cases import actions as case_actions
from oneseal.hearings import actions
from oneseal.hearings.models import AvoidanceRequest, Hearing, HearingRecord, InterestedParty
from oneseal.testing import accepted_case, at, day

PARTY_NUMBER = "640221199002150049"


@pytest.fixture
def case(item, own_applicant, clerk, reviewer):
    case = accepted_case(item, own_applicant, clerk, "2025-09-22")
    return case_actions.complete_review_step(
        case, actor=reviewer, opinion="初审", outcome="approve", on=day("2025-09-23")
    )


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def web(user):
    client = Client()
    client.force_login(user)
    return client


def scheduled(case, reviewer, clerk, presider, *, public=False):
    if public:
        hearing = actions.order_hearing(
            case, actor=reviewer, matter="公共利益", on=day("2025-09-24")
        )
    else:
        hearing = actions.notify_hearing_right(
            case, actor=reviewer, matter="间距", on=day("2025-09-24")
        )
        actions.request_hearing(hearing, actor=clerk, on=day("2025-09-25"))
    return actions.schedule_hearing(
        hearing,
        actor=reviewer,
        starts_at=at("2025-10-14 09:30"),
        place="平罗县政务服务中心听证室",
        presiding=presider,
        on=day("2025-09-26"),
    )


# --- API ----------------------------------------------------------------------------------


def test_api_party_added_and_validated(case, reviewer, far_staff, applicant_user):
    url = f"/api/v1/cases/{case.pk}/interested-parties"
    body = {
        "kind": "person",
        "name": "路人甲",
        "number": "640221199002150048",
        "phone": "139",
        "concern": "相邻",
        "on": "2025-09-23",
    }
    bad = api(reviewer).post(url, body, format="json")
    assert bad.status_code == 400 and "number" in bad.json()["fields"]
    assert api(far_staff).post(url, body, format="json").status_code == 404  # another county
    assert api(applicant_user).post(url, body, format="json").status_code == 404  # not staff
    ok = api(reviewer).post(url, {**body, "number": PARTY_NUMBER}, format="json")
    assert ok.status_code == 201, ok.content
    assert api(reviewer).get(url).json()[0]["name"] == "路人甲"
    assert api(far_staff).get(url).status_code == 404


def test_api_hearing_flow_and_denials(
    case, reviewer, clerk, presider, far_staff, applicant_user, other_applicant_user
):
    notify = api(reviewer).post(
        f"/api/v1/cases/{case.pk}/hearings/notify-right",
        {"matter": "间距", "on": "2025-09-24"},
        format="json",
    )
    assert notify.status_code == 201, notify.content
    pk = notify.json()["id"]
    assert notify.json()["request_due"] == "2025-09-29"
    url = f"/api/v1/hearings/{pk}/request"
    with time_machine.travel(at("2025-09-25 10:00"), tick=False):
        assert api(other_applicant_user).post(url, {}, format="json").status_code == 404
        assert api(far_staff).post(url, {}, format="json").status_code == 404
        assert api(applicant_user).post(url, {}, format="json").status_code == 200
    late = api(clerk).post(url, {"on": "2025-09-30"}, format="json")
    assert late.status_code in (400, 409) and "第四十七条" in late.json()["message"]
    schedule = f"/api/v1/hearings/{pk}/schedule"
    body = {"starts_at": "2025-10-14T09:30", "place": "听证室", "on": "2025-09-26"}
    refused = api(reviewer).post(schedule, {**body, "presiding": reviewer.pk}, format="json")
    assert refused.status_code == 400 and "presiding" in refused.json()["fields"]
    assert (
        api(far_staff).post(schedule, {**body, "presiding": presider.pk}, format="json").status_code
        == 404
    )
    done = api(reviewer).post(schedule, {**body, "presiding": presider.pk}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "scheduled"
    record = api(presider).post(
        f"/api/v1/hearings/{pk}/record",
        {"held_on": "2025-10-14", "statements": [{"role": "applicant", "text": "无异议"}]},
        format="json",
    )
    assert record.status_code == 201, record.content
    statement = record.json()["record"]["statements"][0]["id"]
    sign = f"/api/v1/hearing-statements/{statement}/sign"
    assert api(other_applicant_user).post(sign, {}, format="json").status_code == 404
    assert api(applicant_user).post(sign, {}, format="json").status_code == 200
    # A hearing on request is not announced to the public.
    assert APIClient().get("/api/v1/hearings/announcements").json() == []
    assert Client().get(f"/hearings/announcements/{pk}/").status_code == 404
    closed = api(presider).post(f"/api/v1/hearings/{pk}/close", {"on": "2025-10-14"}, format="json")
    assert closed.status_code == 200 and closed.json()["state"] == "held"
    assert api(applicant_user).get(f"/api/v1/cases/{case.pk}/hearings").status_code == 200
    assert api(other_applicant_user).get(f"/api/v1/cases/{case.pk}/hearings").status_code == 404


def test_api_steps_refuse_outsiders_and_the_bureaus_steps_refuse_the_applicant(
    case,
    reviewer,
    clerk,
    presider,
    second_presider,
    far_staff,
    applicant_user,
    other_applicant_user,
):
    hearing = scheduled(case, reviewer, clerk, presider)
    url = f"/api/v1/hearings/{hearing.pk}"
    statements = {"statements": [{"role": "applicant", "text": "无异议"}]}
    # Another county's staff and a stranger to the case: nothing is there for them.
    for outsider in (far_staff, other_applicant_user):
        assert api(outsider).get(url).status_code == 404
        assert (
            api(outsider).post(f"{url}/avoidance", {"reason": "x"}, format="json").status_code
            == 404
        )
        assert api(outsider).post(f"{url}/record", statements, format="json").status_code == 404
        assert api(outsider).post(f"{url}/close", {}, format="json").status_code == 404
    # The applicant sees their hearing but may not run the bureau's steps.
    assert api(applicant_user).get(url).status_code == 200
    assert api(applicant_user).post(f"{url}/record", statements, format="json").status_code == 403
    assert api(applicant_user).post(f"{url}/lapse", {}, format="json").status_code == 403
    avoidance = actions.request_avoidance(
        hearing, actor=clerk, reason="主持人系申请人近亲属", on=day("2025-09-29")
    )
    decide = f"/api/v1/avoidance-requests/{avoidance.pk}/decide"
    body = {"granted": True, "reason": "属实", "replacement": second_presider.pk}
    assert api(far_staff).post(decide, body, format="json").status_code == 404
    assert api(applicant_user).post(decide, body, format="json").status_code == 403
    assert api(reviewer).post(decide, body, format="json").status_code == 403  # the head decides
    avoidance.refresh_from_db()
    hearing.refresh_from_db()
    assert avoidance.decision == AvoidanceRequest.Decision.PENDING
    assert hearing.presiding == presider and hearing.state == Hearing.HearingState.SCHEDULED
    assert not HearingRecord.objects.filter(hearing=hearing).exists()


def test_api_grant_must_cite_the_record(
    case, reviewer, second_reviewer, clerk, presider, signatory
):
    hearing = scheduled(case, reviewer, clerk, presider)
    record = actions.record_hearing(
        hearing,
        actor=presider,
        held_on=day("2025-10-14"),
        statements=[{"role": "applicant", "text": "x"}],
    )
    actions.sign_statement(record.statements.get(), actor=presider, in_person=True)
    actions.close_hearing(hearing, actor=presider, on=day("2025-10-14"))
    case_actions.complete_review_step(
        case, actor=second_reviewer, opinion="同意", outcome="approve", on=day("2025-10-15")
    )
    body = {"scope": "热食类", "valid_from": today().isoformat()}
    refused = api(signatory).post(f"/api/v1/cases/{case.pk}/grant", body, format="json")
    assert refused.status_code in (400, 409)
    assert "hearing_record" in refused.json()["fields"]
    ok = api(signatory).post(
        f"/api/v1/cases/{case.pk}/grant", {**body, "hearing_record": record.pk}, format="json"
    )
    assert ok.status_code in (200, 201), ok.content


def test_api_public_announcements(case, reviewer, clerk, presider):
    scheduled(case, reviewer, clerk, presider, public=True)
    rows = APIClient().get("/api/v1/hearings/announcements").json()
    assert [r["matter"] for r in rows] == ["公共利益"]


def test_api_party_statement_denials(
    case, reviewer, applicant_user, other_applicant_user, far_staff
):
    party = actions.add_interested_party(
        case,
        actor=reviewer,
        kind="person",
        name="路人甲",
        number=PARTY_NUMBER,
        phone="139",
        concern="相邻",
        on=day("2025-09-23"),
    )
    url = f"/api/v1/interested-parties/{party.pk}/statements"
    with time_machine.travel(at("2025-09-24 10:00"), tick=False):
        assert api(applicant_user).post(url, {"text": "x"}, format="json").status_code == 404
        assert api(far_staff).post(url, {"text": "x"}, format="json").status_code == 404
        made = api(other_applicant_user).post(url, {"text": "反对"}, format="json")
    assert made.status_code == 201
    answer = f"/api/v1/party-statements/{made.json()['id']}/answer"
    assert api(other_applicant_user).post(answer, {"answer": "x"}, format="json").status_code == 404
    assert (
        api(reviewer)
        .post(answer, {"answer": "已核实", "on": "2025-09-24"}, format="json")
        .status_code
        == 200
    )
    assert (
        api(other_applicant_user)
        .get("/api/v1/interested-parties/mine")
        .json()[0]["statements"][0]["answer"]
        == "已核实"
    )


# --- pages --------------------------------------------------------------------------------


def test_staff_case_page_and_forms(case, reviewer, far_staff, applicant_user, presider):
    page = web(reviewer).get(f"/hearings/case/{case.pk}/")
    assert page.status_code == 200 and "听证与利害关系人" in page.content.decode()
    assert web(far_staff).get(f"/hearings/case/{case.pk}/").status_code == 404
    assert web(applicant_user).get(f"/hearings/case/{case.pk}/").status_code == 403
    bad = web(reviewer).post(
        f"/hearings/case/{case.pk}/add-party/",
        {"kind": "person", "name": "路人甲", "number": "123", "phone": "", "concern": ""},
    )
    assert bad.status_code == 400
    assert not InterestedParty.objects.exists()
    ok = web(reviewer).post(
        f"/hearings/case/{case.pk}/add-party/",
        {
            "kind": "person",
            "name": "路人甲",
            "number": PARTY_NUMBER,
            "phone": "139",
            "concern": "相邻",
            "on": "2025-09-23",
        },
    )
    assert ok.status_code == 302
    web(reviewer).post(
        f"/hearings/case/{case.pk}/notify-right/", {"matter": "间距", "on": "2025-09-24"}
    )
    hearing = Hearing.objects.get(case=case)
    bad_time = web(reviewer).post(
        f"/hearings/case/{case.pk}/request/", {"hearing": hearing.pk, "on": "not a date"}
    )
    assert bad_time.status_code == 400
    assert (
        web(far_staff).post(f"/hearings/case/{case.pk}/lapse/", {"hearing": hearing.pk}).status_code
        == 404
    )
    # The workbench case page shows the panel and links to it.
    wb = web(reviewer).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert 'id="hearings-link"' in wb and "路人甲" in wb
    assert web(reviewer).get("/hearings/").status_code == 200


def test_portal_pages(case, reviewer, applicant_user, other_applicant_user):
    party = actions.add_interested_party(
        case,
        actor=reviewer,
        kind="person",
        name="路人甲",
        number=PARTY_NUMBER,
        phone="139",
        concern="相邻",
        on=day("2025-09-23"),
    )
    hearing = actions.notify_hearing_right(
        case, actor=reviewer, matter="间距", on=day("2025-09-24")
    )
    with time_machine.travel(at("2025-09-25 10:00"), tick=False):
        mine = web(applicant_user).get("/hearings/mine/").content.decode()
        assert f"/hearings/mine/hearing/{hearing.pk}/" in mine
        asked = web(applicant_user).post(
            f"/hearings/mine/hearing/{hearing.pk}/", {"what": "request"}
        )
        assert asked.status_code == 302
        again = web(applicant_user).post(
            f"/hearings/mine/hearing/{hearing.pk}/", {"what": "request"}
        )
        assert again.status_code == 400
        # The party sees the hearing and may ask too; a stranger to the case may not see it.
        party_page = web(other_applicant_user).post(
            f"/hearings/mine/party/{party.pk}/", {"text": "反对"}
        )
        assert party_page.status_code == 302
        assert web(applicant_user).get(f"/hearings/mine/party/{party.pk}/").status_code == 404
        assert (
            web(other_applicant_user)
            .post(f"/hearings/mine/hearing/{hearing.pk}/", {"what": "request"})
            .status_code
            == 302
        )
    assert hearing.requests.count() == 2


def test_public_announcement_pages(case, reviewer, clerk, presider):
    hearing = scheduled(case, reviewer, clerk, presider, public=True)
    listing = Client().get("/hearings/announcements/").content.decode()
    assert "公共利益" in listing
    detail = Client().get(f"/hearings/announcements/{hearing.pk}/").content.decode()
    assert "2025年10月14日" in detail and "平罗县政务服务中心听证室" in detail


def test_nav_links_follow_the_role(clerk, applicant_user, own_applicant):
    assert "/hearings/mine/" in web(applicant_user).get("/").content.decode()
    home = web(clerk).get("/").content.decode()
    assert 'href="/hearings/"' in home and "/hearings/mine/" not in home
    assert "/hearings/announcements/" in Client().get("/").content.decode()


def test_the_pages_speak_english(case, reviewer, applicant_user):
    actions.notify_hearing_right(case, actor=reviewer, matter="间距", on=day("2025-09-24"))
    html = web(applicant_user).get("/en/hearings/mine/").content.decode()
    assert "My hearings and views" in html and "Hearings on my applications" in html
    staff = web(reviewer).get(f"/en/hearings/case/{case.pk}/").content.decode()
    assert "Interested parties (Art. 36)" in staff and "Record that nobody requested" in staff
