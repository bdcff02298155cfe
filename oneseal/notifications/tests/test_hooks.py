"""Every path that records an act tells the people it concerns: the window (the actions
called by a clerk), the API and the worker all go through `append_event`, so each produces
the message. Staff hear of what is given to them; nobody hears of another's case."""

import pytest
import time_machine
from django.core import mail

from oneseal.appointments import actions as appointment_actions
from oneseal.cases import actions, jobs
from oneseal.cases.management.commands.worker import scheduled_jobs
from oneseal.documents import actions as document_actions
from oneseal.linkage import actions as linkage_actions
from oneseal.notifications import jobs as notification_jobs
from oneseal.notifications.models import Kind, Notification
from oneseal.ratings import actions as rating_actions
from oneseal.testing import accepted_case, at, day, reviewed
from oneseal.transfers import actions as transfer_actions

ID_NUMBER = "640221198001011237"  # own_applicant's: never in a message


def kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


def no_personal_data(user) -> None:
    for n in Notification.objects.filter(user=user):
        assert ID_NUMBER not in n.title + n.body + n.link


def test_the_window_acts_tell_the_applicant_of_acceptance_and_the_decision(
    item,
    own_applicant,
    applicant_user,
    other_applicant_user,
    clerk,
    reviewer,
    second_reviewer,
    signatory,
):
    case = accepted_case(item, own_applicant, clerk, "2025-01-20")
    accepted = Notification.objects.get(user=applicant_user, kind=Kind.ACCEPTANCE)
    assert case.number in accepted.title
    assert "2025年1月20日" in accepted.body and item.name in accepted.body
    assert accepted.link == f"/my/cases/{case.pk}/" and accepted.case == case
    reviewed(case, reviewer, second_reviewer, "2025-01-21")
    actions.grant(
        case,
        actor=signatory,
        on=day("2025-01-22"),
        scope="热食类食品制售",
        valid_from=day("2025-01-22"),
        valid_until=day("2030-01-21"),
    )
    decision = Notification.objects.get(user=applicant_user, kind=Kind.DECISION)
    assert "准予许可" in decision.body and "2025年1月22日" in decision.body
    assert not Notification.objects.filter(user=other_applicant_user).exists()
    # Staff acting on the case are not told of their own acts as if they were the applicant.
    assert not Notification.objects.filter(user__in=[clerk, signatory]).exists()
    no_personal_data(applicant_user)


def test_a_sealed_notice_issued_with_the_act_is_announced_as_ready(
    item, own_applicant, applicant_user, clerk, bureau
):
    document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    case = accepted_case(item, own_applicant, clerk, "2025-01-20")
    ready = Notification.objects.filter(user=applicant_user, kind=Kind.DOCUMENT)
    titles = [n.title for n in ready]
    assert any("受理通知书" in t for t in titles), titles
    assert all(case.number in n.body and n.link == f"/my/cases/{case.pk}/" for n in ready)


def test_a_correction_requested_through_the_api_tells_the_applicant(
    handling_item, own_applicant, applicant_user, clerk, client
):
    from rest_framework.test import APIClient

    case = actions.receive(handling_item, actor=clerk, applicant=own_applicant)
    line = case.materials.order_by("material__order").first()
    api = APIClient()
    api.force_authenticate(clerk)
    r = api.post(
        f"/api/v1/cases/{case.pk}/request-correction",
        {"items": {str(line.pk): "申请书未签字"}},
        format="json",
    )
    assert r.status_code == 200, r.content
    note = Notification.objects.get(user=applicant_user, kind=Kind.CORRECTION)
    assert case.number in note.title and "补正" in note.body
    # The applicant reads it through the API too.
    mine = APIClient()
    mine.force_authenticate(applicant_user)
    listed = mine.get("/api/v1/notifications").json()["results"]
    assert [n["kind"] for n in listed] == ["correction"] and listed[0]["read"] is False


def test_the_worker_deeming_acceptance_tells_the_applicant(
    handling_item, own_applicant, applicant_user, clerk
):
    actions.receive(handling_item, actor=clerk, applicant=own_applicant, at=at("2025-09-26 09:00"))
    # Five working days around the National Day holiday end on 2025-10-11 (a make-up Saturday).
    assert jobs.run_deemed_acceptance(day("2025-10-13")) == 1
    assert kinds(applicant_user) == [Kind.ACCEPTANCE]
    # The worker sends what the jobs before it queued, before the day's checkpoint seals it.
    names = [name for name, *_ in scheduled_jobs()]
    assert names.index("notifications") == names.index("audit_checkpoint") - 1


def test_a_refusal_tells_the_applicant_it_was_not_accepted(
    handling_item, own_applicant, applicant_user, clerk
):
    case = actions.receive(handling_item, actor=clerk, applicant=own_applicant)
    actions.refuse(case, actor=clerk, clause="1", reason="该事项无需取得行政许可")
    assert kinds(applicant_user) == [Kind.REFUSAL]


def test_staff_are_told_of_a_step_a_follow_up_and_a_support_request_given_to_them(
    item, own_applicant, applicant_user, clerk, reviewer, signatory, head, department
):
    case = accepted_case(item, own_applicant, clerk, "2025-09-26")
    first = case.steps.get(name="初审")
    actions.assign_step(case, first, actor=signatory, assignee=reviewer)
    told = Notification.objects.get(user=reviewer)
    assert told.kind == Kind.ASSIGNMENT and case.number in told.title
    assert first.name in told.body and told.link == f"/workbench/cases/{case.pk}/"
    assert kinds(applicant_user) == [Kind.ACCEPTANCE]  # the applicant hears nothing of it

    transfer_actions.open_transition(
        department,
        actor=signatory,
        liaison=head.staff,
        liaison_title="市场监管局副局长",
        starts_on="2025-07-01",
        duties="到审批局现场办公，指导办理原审批业务。",
    )
    request = linkage_actions.request_support(
        case,
        actor=reviewer,
        kind="site_survey",
        details="车间布局核查",
        days=3,
        on=day("2025-09-30"),
    )
    assert request.liaison == head
    support = Notification.objects.get(user=head)
    assert support.link == f"/linkage/support/{request.pk}/" and "2025年" in support.body

    refused = actions.receive(item, actor=clerk, applicant=own_applicant)
    refused = actions.refuse(refused, actor=clerk, clause="1", reason="该事项无需取得行政许可")
    rating = rating_actions.rate(
        refused, actor=applicant_user, score=1, reasons=["guide_wrong"], comment="白跑一趟"
    )
    rating_actions.assign_follow_up(rating.follow_up, actor=clerk, assignee=signatory)
    follow = Notification.objects.get(user=signatory)
    assert follow.link == f"/ratings/follow-ups/{rating.follow_up.pk}/"


def test_expiry_reminders_go_to_the_holders_box_once_instead_of_a_second_mail(
    item, own_applicant, applicant_user, clerk, reviewer, second_reviewer, signatory, settings
):
    settings.EMAIL_HOST = "smtp.example.cn"
    case = accepted_case(item, own_applicant, clerk, "2025-01-20")
    reviewed(case, reviewer, second_reviewer, "2025-01-21")
    actions.grant(
        case,
        actor=signatory,
        on=day("2025-01-22"),
        scope="热食类食品制售",
        valid_from=day("2025-01-22"),
        valid_until=day("2026-02-16"),
    )
    assert jobs.send_expiry_reminders(day("2025-11-18")) == 1
    assert jobs.send_expiry_reminders(day("2025-11-18")) == 0
    expiry = Notification.objects.get(user=applicant_user, kind=Kind.EXPIRY)
    assert "2026年2月16日" in expiry.body and expiry.link == "/my/licences/"
    # The holder has an account: told by the box and their channels, not by a second mail.
    assert not mail.outbox


def test_the_day_before_an_appointment_the_applicant_is_reminded_once(
    handling_item,
    own_applicant,
    applicant_user,
    other_applicant_user,
    bureau,
    county,
    clerk,
    department,
):
    hall = appointment_actions.create_hall(
        bureau,
        actor=clerk,
        region=county,
        name="平罗县政务服务中心",
        address="城关镇",
        phone="0952-6012345",
    )
    group = appointment_actions.save_group(
        hall,
        actor=clerk,
        name="市场准入",
        windows="3—6号窗口",
        capacity=2,
        departments=[department],
    )
    appointment_actions.generate_slots(hall, actor=clerk, today=day("2025-03-03"))
    slot = group.slots.get(day=day("2025-03-04"), starts_at="09:00")
    booking = appointment_actions.book(
        slot,
        actor=applicant_user,
        applicant=own_applicant,
        handling_item=handling_item,
        now=at("2025-03-03 07:30"),
    )
    with time_machine.travel(at("2025-03-03 10:00"), tick=False):
        assert notification_jobs.run(day("2025-03-02"))["appointments"] == 0  # two days before
        counts = notification_jobs.run(day("2025-03-03"))
        assert counts["appointments"] == 1
        assert notification_jobs.run(day("2025-03-03"))["appointments"] == 0
    reminder = Notification.objects.get(user=applicant_user, kind=Kind.APPOINTMENT)
    assert "2025年3月4日 09:00" in reminder.body and booking.code in reminder.body
    assert reminder.link == f"/appointments/b/{booking.code}/"
    assert not Notification.objects.filter(user=other_applicant_user).exists()


@pytest.mark.parametrize("broken", ["observer"])
def test_a_failing_notification_never_fails_the_act(
    broken, handling_item, own_applicant, applicant_user, clerk, monkeypatch
):
    from oneseal.notifications import hooks

    def explode(*args, **kwargs):
        raise RuntimeError("message box unavailable")

    monkeypatch.setattr(hooks, "notify", explode)
    monkeypatch.setattr(hooks, "notify_applicant", explode)
    case = actions.receive(handling_item, actor=clerk, applicant=own_applicant)
    actions.refuse(case, actor=clerk, clause="1", reason="该事项无需取得行政许可")
    case.refresh_from_db()
    assert case.state == "refused" and not Notification.objects.exists()


def received_and_checked(handling_item, applicant, clerk):
    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    actions.check_materials(
        case, actor=clerk, statuses={m.pk: "provided" for m in case.materials.all()}
    )
    return case


def test_accepting_tells_an_applicant_no_account_acts_for_without_a_savepoint(
    handling_item, applicant, clerk
):
    """The record's message is one INSERT that its values cannot make fail: no savepoint of the
    hook's around it (the one left is the act's own atomic block inside the test's transaction)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = received_and_checked(handling_item, applicant, clerk)
    with CaptureQueriesContext(connection) as accepted:
        actions.accept(case, actor=clerk)
    sql = [q["sql"] for q in accepted.captured_queries]
    assert [s for s in sql if s.startswith("SAVEPOINT")] == [sql[0]], sql
    told = Notification.objects.get(user=None, applicant=applicant, case=case)
    assert told.kind == Kind.ACCEPTANCE and case.number in told.title


def test_a_failure_while_telling_accounts_is_rolled_back_alone(
    handling_item, own_applicant, applicant_user, clerk, monkeypatch
):
    """Telling accounts is several statements each: a failure after a message was stored takes
    the messages back with it, and the act stands."""
    from oneseal.notifications import actions as notification_actions

    real = notification_actions.notify

    def stored_then_failed(**kwargs):
        real(**kwargs)
        raise RuntimeError("deliveries unavailable")

    monkeypatch.setattr(notification_actions, "notify", stored_then_failed)
    case = received_and_checked(handling_item, own_applicant, clerk)
    actions.accept(case, actor=clerk)
    case.refresh_from_db()
    assert case.state == "accepted"
    assert not Notification.objects.filter(kind=Kind.ACCEPTANCE).exists()
