"""The revocation procedure through the API, the workbench and the portal: each calls the same
actions, so each refuses the same things."""

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from oneseal.calendars.queries import current_calendar
from oneseal.cases import actions
from oneseal.cases.models import Case, Licence, RevocationProposal
from oneseal.documents import actions as document_actions
from oneseal.documents.models import Document, PendingNotice, Seal
from oneseal.testing import accepted_case, day, issued_document, versioned


@pytest.fixture
def licensed(make_item, own_applicant, clerk, signatory, bureau):
    document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    case = accepted_case(make_item(steps=False), own_applicant, clerk, "2025-09-22")
    actions.grant(
        case,
        actor=signatory,
        on=day("2025-09-24"),
        scope="热食类食品制售",
        valid_from=day("2025-09-24"),
        valid_until=day("2030-09-23"),
    )
    return Case.objects.get(pk=case.pk)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_procedure_through_the_api(
    licensed, reviewer, clerk, signatory, applicant_user, other_applicant_user, far_staff, bureau
):
    url = f"/api/v1/cases/{licensed.pk}"
    # The seal is being replaced: the proposal cannot issue its notice, which waits for the window.
    document_actions.revoke_seal(Seal.objects.get(bureau=bureau), system=True)
    assert (
        api(clerk).post(f"{url}/propose-revocation", {"facts": "伪造"}, format="json").status_code
        == 403
    )
    assert (
        api(far_staff)
        .post(f"{url}/propose-revocation", {"facts": "伪造"}, format="json")
        .status_code
        == 404
    )
    r = api(reviewer).post(
        f"{url}/propose-revocation", {"facts": "", "views_days": 3}, format="json"
    )
    assert r.status_code == 400 and "facts" in r.json()["fields"]
    r = api(reviewer).post(
        f"{url}/propose-revocation",
        {"facts": "提交的场所证明系伪造", "hearing_right": True},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["events"][-1]["action"] == "propose_revocation"
    pending = PendingNotice.objects.get(case=licensed, kind="revocation_notice", document=None)
    r = api(clerk).post(f"{url}/notify-revocation", {}, format="json")
    assert r.status_code == 400 and "告知书" in r.json()["message"]
    document_actions.create_seal(bureau, system=True)
    assert (
        api(clerk)
        .post(f"{url}/documents", {"kind": "revocation_notice"}, format="json")
        .status_code
        == 201
    )
    pending.refresh_from_db()
    assert pending.document == Document.objects.get(case=licensed, kind="revocation_notice")
    r = api(clerk).post(f"{url}/notify-revocation", {"on": "2025-09-30"}, format="json")
    assert (
        r.status_code == 400 and "on" in r.json()["fields"]
    )  # before the notice was even made (today)
    r = api(clerk).post(f"{url}/notify-revocation", {}, format="json")
    assert r.status_code == 200, r.content
    today = timezone.localdate()

    # The holder sees the procedure; another applicant sees nothing of the case.
    proposals = api(applicant_user).get(f"{url}/revocation-proposals").json()
    assert proposals[0]["state"] == "notified"
    assert proposals[0]["views_due"] == current_calendar().add(today, 5).date.isoformat()
    assert api(other_applicant_user).get(f"{url}/revocation-proposals").status_code == 404
    body = {"views": "不是伪造，附原件", "hearing_requested": True}
    assert (
        api(other_applicant_user)
        .post(f"{url}/submit-revocation-views", body, format="json")
        .status_code
        == 404
    )
    r = api(signatory).post(
        f"{url}/decide-revocation", {"revoke": True, "reason": "复核"}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid_transition"  # the period runs
    r = api(applicant_user).post(f"{url}/submit-revocation-views", body, format="json")
    assert r.status_code == 200, r.content
    r = api(signatory).post(
        f"{url}/decide-revocation", {"revoke": True, "reason": "复核"}, format="json"
    )
    assert r.status_code == 400 and "听证" in r.json()["message"]
    r = api(reviewer).post(
        f"{url}/record-revocation-hearing",
        {"held_on": today.isoformat(), "record": "到场陈述"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert (
        api(reviewer)
        .post(f"{url}/decide-revocation", {"revoke": True, "reason": "x"}, format="json")
        .status_code
        == 403
    )
    r = api(signatory).post(
        f"{url}/decide-revocation", {"revoke": True, "reason": "经听证，事实清楚"}, format="json"
    )
    assert r.status_code == 200, r.content
    assert (
        r.json()["licence"]["state"] == "revoked"
        and r.json()["events"][-1]["notice_due"] == "revocation"
    )


def test_the_workbench_shows_the_procedure_and_the_signatorys_queue(
    licensed, reviewer, clerk, signatory
):
    page = web(reviewer).get(f"/workbench/cases/{licensed.pk}/").content.decode()
    assert 'id="act-propose-revocation"' in page and 'id="licence-standing"' not in page
    response = web(reviewer).post(
        f"/workbench/cases/{licensed.pk}/act/propose-revocation/",
        {"expected_version": licensed.lock_version, "facts": "场所证明系伪造", "views_days": "5"},
    )
    assert response.status_code == 302
    proposal = RevocationProposal.objects.get(case=licensed)
    assert proposal.facts == "场所证明系伪造" and proposal.proposed_by == reviewer
    assert (
        issued_document(licensed, kind="revocation_notice", actor=clerk).issued_by == reviewer
    )  # with the act
    actions.notify_revocation(licensed, actor=clerk)
    today = timezone.localdate()
    due = current_calendar().add(today, 5).date
    page = web(signatory).get(f"/workbench/cases/{licensed.pk}/").content.decode()
    assert (
        'id="revocation"' in page
        and "场所证明系伪造" in page
        and f"{due.year}年{due.month}月{due.day}日" in page
    )
    assert (
        'id="act-decide-revocation"' in page and "期限届满前" in page
    )  # offered, but not yet possible
    assert (
        f'id="revocation-{proposal.pk}"'
        not in web(signatory).get("/workbench/sign/").content.decode()
    )
    response = web(clerk).post(
        f"/workbench/cases/{licensed.pk}/act/submit-revocation-views/",
        {
            "expected_version": Case.objects.get(pk=licensed.pk).lock_version,
            "views": "持证人口头申辩：证明真实",
        },
    )
    assert response.status_code == 302
    sign = web(signatory).get("/workbench/sign/").content.decode()
    assert f'id="revocation-{proposal.pk}"' in sign  # heard: ready to decide
    response = web(reviewer).post(
        f"/workbench/cases/{licensed.pk}/act/decide-revocation/",
        {
            "expected_version": Case.objects.get(pk=licensed.pk).lock_version,
            "revoke": "true",
            "reason": "复核",
        },
    )
    assert response.status_code == 403
    response = web(signatory).post(
        f"/workbench/cases/{licensed.pk}/act/decide-revocation/",
        {
            "expected_version": Case.objects.get(pk=licensed.pk).lock_version,
            "revoke": "true",
            "reason": "经复核不成立",
        },
    )
    assert response.status_code == 302
    page = web(signatory).get(f"/workbench/cases/{licensed.pk}/").content.decode()
    assert (
        'id="licence-standing"' in page
        and f"该行政许可已于{today.year}年{today.month}月{today.day}日撤销" in page
    )
    assert (
        f'id="revocation-{proposal.pk}"'
        not in web(signatory).get("/workbench/sign/").content.decode()
    )


def test_the_holder_submits_views_in_the_portal_and_sees_the_revocation(
    licensed, reviewer, clerk, signatory, applicant_user, other_applicant_user
):
    actions.propose_revocation(
        licensed, actor=reviewer, facts="场所证明系伪造", on=day("2025-09-29")
    )
    page = web(applicant_user).get(f"/my/cases/{licensed.pk}/").content.decode()
    assert "场所证明系伪造" in page and "撤销行政许可告知书尚未送达" in page
    issued_document(licensed, kind="revocation_notice", actor=clerk)
    actions.notify_revocation(licensed, actor=clerk, on=day("2025-09-30"))
    page = web(applicant_user).get(f"/my/cases/{licensed.pk}/").content.decode()
    assert 'id="revocation-views-form"' in page
    assert (
        web(other_applicant_user)
        .post(f"/my/cases/{licensed.pk}/revocation-views/", {"views": "代为申辩"})
        .status_code
        == 404
    )
    response = web(applicant_user).post(
        f"/my/cases/{licensed.pk}/revocation-views/",
        versioned(licensed, {"views": "场所证明真实"}, field="lock_version"),
    )
    assert response.status_code == 302
    proposal = RevocationProposal.objects.get(case=licensed)
    assert proposal.views == "场所证明真实" and proposal.views_channel == "online"
    actions.decide_revocation(
        licensed, actor=signatory, revoke=True, reason="所附证明仍不真实", on=day("2025-10-09")
    )
    page = web(applicant_user).get(f"/my/cases/{licensed.pk}/").content.decode()
    assert 'id="licence-standing"' in page and "该行政许可已于2025年10月9日撤销" in page
    assert Licence.objects.get(case=licensed).state == Licence.LicenceState.REVOKED
