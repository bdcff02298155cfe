"""The cases API renders by hand on its hot path. These tests hold the hand rendering to DRF's
own rendering of the same declared fields, and the answer of every action (built from what the
action already holds) to what a fresh GET of the case answers."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from oneseal.api.cases import details, outputs
from oneseal.cases.models import (
    CaseEvent,
    CaseStep,
    Commitment,
    CommitmentVerification,
    Licence,
    Upload,
)
from oneseal.organisation.models import Role, Section

UTC = datetime.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def assert_same(serializer_class, instance):
    serializer = serializer_class()
    assert serializer.to_representation(instance) == serializer.generic_representation(instance)
    assert list(serializer.to_representation(instance)) == list(serializer.fields)


@pytest.mark.parametrize(
    "at",
    [
        datetime.datetime(2025, 1, 24, 2, 0, tzinfo=UTC),
        datetime.datetime(2025, 1, 24, 10, 0, 30, 123456, tzinfo=SHANGHAI),
    ],
)
def test_an_event_renders_as_drf_renders_it(at):
    event = CaseEvent(
        case_id=1,
        seq=3,
        at=at,
        on=datetime.date(2025, 1, 24),
        actor_name="王窗口",
        action="accept",
        from_state="received",
        to_state="accepted",
        reason="",
        notice_due="acceptance",
        data={"tolerated": {}, "none": None, 1: [1, "二"]},
    )
    assert_same(outputs.CaseEventSerializer, event)


def test_licences_commitments_and_verifications_render_as_drf_renders_them():
    assert_same(
        outputs.LicenceSerializer,
        Licence(
            number="L1",
            name="食品经营许可证",
            state="held",
            scope="热食",
            valid_from=datetime.date(2025, 2, 5),
            valid_until=None,
            issued_on=datetime.date(2025, 2, 5),
        ),
    )
    assert_same(
        outputs.CommitmentSerializer,
        Commitment(
            text="承诺", signed_on=datetime.date(2025, 1, 2), recorded_on=datetime.date(2025, 1, 3)
        ),
    )
    assert_same(
        outputs.CommitmentVerificationSerializer,
        CommitmentVerification(
            state="open",
            decided_on=datetime.date(2025, 1, 2),
            days=20,
            due_on=datetime.date(2025, 2, 7),
            due_provisional=True,
            verified_on=None,
            findings="",
            overdue_noticed_on=None,
        ),
    )
    assert_same(
        outputs.UploadSerializer,
        Upload(
            pk=4,
            original_name="申请书.pdf",
            content_type="application/pdf",
            size=12345,
            sha256="ab" * 32,
            uploaded_at=datetime.datetime(2025, 1, 24, 1, 2, 3, tzinfo=UTC),
        ),
    )


def test_steps_with_and_without_a_section_render_as_drf_renders_them(bureau):
    unit = Section.objects.create(bureau=bureau, name="市场准入科")
    for step in (
        CaseStep(
            order=1,
            review_step_id=7,
            name="初审",
            role="reviewer",
            section=unit,
            assignee_id=None,
            state="pending",
            outcome="",
            opinion="",
        ),
        CaseStep(
            order=2,
            review_step_id=8,
            name="决定",
            role="signatory",
            section=None,
            assignee_id=3,
            state="done",
            done_on=datetime.date(2025, 2, 5),
            outcome="approve",
            opinion="同意",
        ),
    ):
        assert_same(outputs.CaseStepSerializer, step)


def test_a_whole_case_renders_as_drf_renders_it(
    make_item, applicant, clerk, make_staff, county, bureau, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    signatory = make_staff("chief", county, Role.SIGNATORY, bureau=bureau)
    item = make_item()
    as_clerk = client_for(clerk)
    opened = as_clerk.post(
        "/api/v1/cases",
        {"handling_item": item.pk, "applicant": applicant.pk, "channel": "window"},
        format="json",
    ).json()
    core, non_core = opened["materials"]
    pdf = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    as_clerk.post(
        f"/api/v1/cases/{opened['id']}/materials/{core['id']}/files",
        {"file": pdf},
        format="multipart",
    )
    as_clerk.post(
        f"/api/v1/cases/{opened['id']}/check-materials",
        {"statuses": {str(core["id"]): "provided"}},
        format="json",
    )
    promised = (
        datetime.date.fromisoformat(opened["received_on"]) + datetime.timedelta(days=30)
    ).isoformat()
    as_clerk.post(
        f"/api/v1/cases/{opened['id']}/accept",
        {"tolerated": {str(non_core["id"]): promised}},
        format="json",
    )
    case = details.detail_of(signatory, opened["id"])
    assert case.materials.all()[0].uploads.all() and case.review_steps
    for serializer_class, instance in [
        (outputs.CaseDetailSerializer, case),
        (outputs.CaseRowSerializer, case),
        (outputs.ApplicantSerializer, case.applicant),
        (outputs.ApplicantRefSerializer, case.applicant),
        (outputs.CaseHandlingItemSerializer, case.handling_item),
        (outputs.ClocksSerializer, case.clocks),
        *[(outputs.CaseMaterialSerializer, line) for line in case.materials.all()],
        *[(outputs.CaseStepSerializer, step) for step in case.review_steps],
        *[(outputs.CaseEventSerializer, event) for event in case.events.all()],
    ]:
        assert_same(serializer_class, instance)


def test_every_action_answers_what_a_fresh_read_of_the_case_answers(
    make_item, applicant, clerk, make_staff, county, bureau, section
):
    reviewer = make_staff("first", county, Role.REVIEWER, bureau=bureau, section=section)
    second = make_staff("second", county, Role.REVIEWER, bureau=bureau)
    signatory = make_staff("chief", county, Role.SIGNATORY, bureau=bureau)
    item = make_item()
    as_clerk = client_for(clerk)
    r = as_clerk.post(
        "/api/v1/cases",
        {"handling_item": item.pk, "applicant": applicant.pk, "channel": "window"},
        format="json",
    )
    assert r.status_code == 201
    url = f"/api/v1/cases/{r.json()['id']}"

    def same_as_get(response, user=clerk):
        assert response.status_code in (200, 201), response.content
        assert response.json() == client_for(user).get(url).json()
        return response.json()

    detail = same_as_get(r)
    statuses = {str(m["id"]): "provided" for m in detail["materials"]}
    same_as_get(as_clerk.post(f"{url}/check-materials", {"statuses": statuses}, format="json"))
    detail = same_as_get(as_clerk.post(f"{url}/accept", {}, format="json"))
    first_step = detail["steps"][1]["review_step_id"]
    same_as_get(
        client_for(signatory).post(
            f"{url}/assign-step", {"step": first_step, "assignee": reviewer.pk}, format="json"
        )
    )
    same_as_get(
        client_for(reviewer).post(
            f"{url}/complete-review-step",
            {"opinion": "符合条件", "outcome": "approve"},
            format="json",
        )
    )
    same_as_get(
        client_for(second).post(
            f"{url}/complete-review-step", {"opinion": "同意", "outcome": "approve"}, format="json"
        )
    )
    detail = same_as_get(
        client_for(signatory).post(
            f"{url}/grant",
            {"scope": "热食类食品制售", "valid_from": detail["received_on"]},
            format="json",
        )
    )
    assert detail["licence"]["state"] == "valid"
    same_as_get(as_clerk.post(f"{url}/deliver", {"channel": "window"}, format="json"))


def test_opening_and_accepting_stay_within_their_query_budget(handling_item, applicant, clerk):
    """The hot path of intake: what each request asks the database (signed in by session, as
    a browser or the bench is). Raise these numbers only knowingly."""
    client = APIClient()
    client.force_login(clerk)
    body = {"handling_item": handling_item.pk, "applicant": applicant.pk, "channel": "window"}
    client.post("/api/v1/cases", body, format="json")  # fills the process's caches
    reset_queries()  # the log keeps 9,000 queries; the fixtures alone come near that
    with CaptureQueriesContext(connection) as opened:
        r = client.post("/api/v1/cases", body, format="json")
    opened = [q["sql"] for q in opened.captured_queries]  # before the log is reset again
    assert r.status_code == 201
    detail = r.json()
    statuses = {str(m["id"]): "provided" for m in detail["materials"]}
    client.post(
        f"/api/v1/cases/{detail['id']}/check-materials", {"statuses": statuses}, format="json"
    )
    reset_queries()
    with CaptureQueriesContext(connection) as accepted:
        r = client.post(f"/api/v1/cases/{detail['id']}/accept", {}, format="json")
    accepted = [q["sql"] for q in accepted.captured_queries]
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    # Counter, case, checklist lines, event; and the receipt the act calls for (收件凭证, issued
    # with it through cases.notices): with no seal here it is queued — its queue row and audit row.
    # (On PostgreSQL the audit row's INSERT carries the chain head's move as a WITH clause.)
    assert len([q for q in opened if q.startswith(("INSERT", "WITH"))]) == 6
    # Two to sign in (the session; the user with their staff row and its roles, one statement:
    # organisation.backends.StaffBackend) and, inside the test's
    # transaction, a savepoint pair around the action's atomic block; the receipt as the
    # acceptance below: the seal, the queue row, its audit row and the audit chain head (2) —
    # the act holds the case's lock, so issuing reads no case row of its own.
    # On PostgreSQL the audit row and the head's move are one statement (audit.chain), so one less.
    one_statement_append = connection.vendor == "postgresql"
    assert len(opened) <= 16 - one_statement_append, [q[:80] for q in opened]
    # Accepting issues its acceptance notice in the same transaction (cases.notices): here the
    # bureau has no seal, so the notice is queued — the seal, the queue row and its audit row:
    # 3 more than accepting alone (the case is the one the act locked); the audit row is appended to the
    # hash-chained log (lock the chain head, insert, move the head): 2 more. The applicant is
    # told of the acceptance (notifications): one read of the accounts acting for it, 1 more;
    # no account acts for this one, so the message is kept for its record (which holds no
    # mobile or e-mail, so nothing is scheduled): the row, 1 (one INSERT that cannot fail on its
    # values needs no savepoint: notifications.hooks._tell_applicant_of).
    # Finding the case in the clerk's scope is no statement of its own: the clerk sees their
    # whole region, so the lock reads the case only within its range (CaseAction.locks_first),
    # and the answer shows the review steps the act stored as it accepted, and the checklist it read
    # under its lock, without reading them back (the row, its uploads and events: 3).
    # Signing in is two statements here too.
    assert len(accepted) <= 18 - one_statement_append, [q[:80] for q in accepted]


def test_a_tolerated_acceptance_answers_what_a_fresh_read_answers(
    handling_item, applicant, clerk, make_staff, county, bureau
):
    """Accepting answers with the checklist it read under its lock: a tolerated line's new state
    and promise, and another line's uploaded file, as a fresh read shows them, for staff."""
    as_clerk = client_for(clerk)
    opened = as_clerk.post(
        "/api/v1/cases",
        {"handling_item": handling_item.pk, "applicant": applicant.pk, "channel": "window"},
        format="json",
    ).json()
    url = f"/api/v1/cases/{opened['id']}"
    core, non_core = opened["materials"]
    pdf = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    as_clerk.post(f"{url}/materials/{core['id']}/files", {"file": pdf}, format="multipart")
    as_clerk.post(
        f"{url}/check-materials", {"statuses": {str(core["id"]): "provided"}}, format="json"
    )
    promised = (
        datetime.date.fromisoformat(opened["received_on"]) + datetime.timedelta(days=30)
    ).isoformat()
    r = as_clerk.post(
        f"{url}/accept", {"tolerated": {str(non_core["id"]): promised}}, format="json"
    )
    assert r.status_code == 200, r.content
    answer = r.json()
    lines = {m["id"]: m for m in answer["materials"]}
    assert lines[non_core["id"]]["status"] == "tolerated"
    assert lines[core["id"]]["uploads"]
    assert answer == as_clerk.get(url).json()
    signatory = make_staff("chief", county, Role.SIGNATORY, bureau=bureau)
    assert answer == client_for(signatory).get(url).json()
