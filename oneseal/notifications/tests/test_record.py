"""An applicant no account acts for (served at the window) is told of every step all the
same: the message is kept for the applicant's record and goes out to the mobile number and
e-mail the record holds, with the quiet hours, retries and attempts of an account's; once a
window binds an account to the applicant, its message box shows what was sent before."""

import datetime

import pytest
import time_machine
from django.core import mail

from oneseal.applicants.actions import register_applicant
from oneseal.cases import actions, jobs
from oneseal.cases.actions import LineCheck
from oneseal.cases.models import CaseMaterial
from oneseal.errors import NotPermitted
from oneseal.notifications import actions as notification_actions
from oneseal.notifications import delivery, queries
from oneseal.notifications.models import Attempt, Delivery, Kind, Notification
from oneseal.notifications.sms import SmsError
from oneseal.testing import accepted_case, at, day, reviewed

ID_NUMBER = "640221198505053211"
WINDOW_PERSON = {
    "kind": "person",
    "name": "杨窗口",
    "number": ID_NUMBER,
    "phone": "13995120001",
    "email": "yang@example.cn",
}


class FailingThenWorkingSms:
    """The SMS adapter: fails `failures` times (a provider outage), then sends."""

    def __init__(self, failures: int) -> None:
        self.failures, self.sent = failures, []

    def send(self, phone, *, title, text, link):
        if self.failures:
            self.failures -= 1
            raise SmsError("provider unavailable")
        self.sent.append((phone, title, link))


def window_intake(handling_item, clerk, decision="accept", **kwargs):
    checklist = {
        m.pk: LineCheck(status=CaseMaterial.Status.PROVIDED) for m in handling_item.materials.all()
    }
    with time_machine.travel(at("2025-01-24 10:00"), tick=False):
        return actions.intake_at_window(
            handling_item,
            actor=clerk,
            applicant=WINDOW_PERSON,
            decision=decision,
            checklist=checklist,
            idempotency_key="record-1",
            **kwargs,
        )


def record_messages(applicant):
    return Notification.objects.filter(user=None, applicant=applicant).order_by("id")


def test_the_window_tells_an_applicant_without_an_account_by_sms_and_mail(
    handling_item, clerk, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    case = window_intake(handling_item, clerk)
    assert case.state == "accepted" and case.applicant.user_id is None
    (accepted,) = record_messages(case.applicant).filter(kind=Kind.ACCEPTANCE)
    assert case.number in accepted.title and accepted.case == case
    assert ID_NUMBER not in accepted.title + accepted.body
    assert sorted(accepted.deliveries.values_list("channel", "address")) == [
        ("email", "yang@example.cn"),
        ("sms", "13995120001"),
    ]
    # Nobody's account holds it: not the clerk's, not another applicant's.
    assert not Notification.objects.filter(user__isnull=False, kind=Kind.ACCEPTANCE).exists()


def test_a_failing_sms_adapter_is_retried_and_every_attempt_recorded(
    handling_item, clerk, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    case = window_intake(handling_item, clerk)
    sms = Delivery.objects.get(notification__applicant=case.applicant, channel="sms")
    adapter = FailingThenWorkingSms(failures=1)
    first = at("2025-01-24 10:00")
    counts = delivery.deliver_due(now=first, sms=adapter)
    assert counts["failed"] == 1 and counts["sent"] == 1  # the e-mail went, the SMS did not
    sms.refresh_from_db()
    assert sms.state == "pending" and sms.attempts == 1 and "provider unavailable" in sms.last_error
    assert sms.next_attempt_at == first + delivery.backoff(1)
    assert delivery.deliver_due(now=first + datetime.timedelta(seconds=1), sms=adapter)["sent"] == 0
    assert delivery.deliver_due(now=sms.next_attempt_at, sms=adapter)["sent"] == 1
    sms.refresh_from_db()
    assert sms.state == "sent" and list(
        Attempt.objects.filter(delivery=sms).order_by("id").values_list("outcome", flat=True)
    ) == ["failed", "sent"]
    # The text names the step, not the person, and links nowhere: there is no account to open.
    ((phone, title, link),) = adapter.sent
    assert phone == "13995120001" and case.number in title and link == ""
    assert ID_NUMBER not in title


def test_quiet_hours_hold_a_message_to_a_record_until_morning(handling_item, clerk, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    case = actions.receive(
        handling_item,
        actor=clerk,
        applicant=register_applicant(actor=clerk, **WINDOW_PERSON),
        at=at("2025-01-24 09:00"),
    )
    with time_machine.travel(at("2025-01-24 23:30"), tick=False):
        actions.request_correction(
            case, actor=clerk, items={case.materials.first().pk: "请补充签字"}
        )
    (message,) = record_messages(case.applicant).filter(kind=Kind.CORRECTION)
    assert {d.next_attempt_at for d in message.deliveries.all()} == {at("2025-01-25 08:00")}
    assert delivery.deliver_due(now=at("2025-01-25 07:59"))["sent"] == 0


def test_the_worker_reminds_a_window_holder_of_expiry_by_sms_besides_its_own_mail(
    item, clerk, reviewer, second_reviewer, signatory, settings
):
    """The worker path (cases.jobs.send_expiry_reminders), and the decision on the way."""
    settings.EMAIL_HOST = "smtp.example.cn"
    holder = register_applicant(actor=clerk, **WINDOW_PERSON)
    case = accepted_case(item, holder, clerk, "2025-01-20")
    reviewed(case, reviewer, second_reviewer, "2025-01-21")
    actions.grant(
        case,
        actor=signatory,
        on=day("2025-01-22"),
        scope="热食类食品制售",
        valid_from=day("2025-01-22"),
        valid_until=day("2026-02-16"),
    )
    (decided,) = record_messages(holder).filter(kind=Kind.DECISION)
    assert "准予许可" in decided.body
    assert jobs.send_expiry_reminders(day("2025-11-18")) == 1
    assert jobs.send_expiry_reminders(day("2025-11-18")) == 0
    (expiry,) = record_messages(holder).filter(kind=Kind.EXPIRY)
    assert "2026年2月16日" in expiry.body
    # The reminder's own mail went to the address on record; the message adds the SMS only,
    # so the holder gets one mail, not two.
    assert [m.to for m in mail.outbox] == [["yang@example.cn"]]
    assert list(expiry.deliveries.values_list("channel", "address")) == [("sms", "13995120001")]


def test_an_account_bound_later_reads_what_was_sent_before_and_nobody_else_does(
    handling_item, clerk, applicant_user, other_applicant_user, django_user_model
):
    case = window_intake(handling_item, clerk)
    (before,) = record_messages(case.applicant)
    late = django_user_model.objects.create_user("yang", password="x")
    assert not queries.own_notifications(late).exists()
    assert queries.unread_count(late) == 0
    with pytest.raises(NotPermitted):
        notification_actions.mark_read(before, actor=late)
    # The window binds the account after checking the person's papers.
    register_applicant(actor=clerk, user=late, **WINDOW_PERSON)
    assert list(queries.own_notifications(late)) == [before]
    assert queries.unread_count(late) == 1
    assert notification_actions.mark_read(before, actor=late).read_at is not None
    assert queries.unread_count(late) == 0
    for stranger in (applicant_user, other_applicant_user):
        assert before not in queries.own_notifications(stranger)
        with pytest.raises(NotPermitted):
            notification_actions.mark_read(before, actor=stranger)
    # From now on the account itself is told, by its own choice of channels.
    case.applicant.refresh_from_db()
    assert queries.applicant_accounts(case.applicant) == [late]


def test_the_agents_mobile_hears_of_the_case_but_not_of_a_licence_expiring_years_later(item, clerk):
    holder = register_applicant(
        actor=clerk, **{**WINDOW_PERSON, "phone": "0952-6012345", "email": ""}
    )
    case = accepted_case(item, holder, clerk, "2025-01-20")
    case.agent_phone = "13995120009"  # the person who filed it at the window
    case.save(update_fields=["agent_phone"])
    about_the_case, about_the_licence = (
        notification_actions.notify_applicant(
            holder, kind=kind, title="标题", body="正文", case=case, on=day("2025-01-20")
        )[0]
        for kind in (Kind.ACCEPTANCE, Kind.EXPIRY)
    )
    assert list(about_the_case.deliveries.values_list("channel", "address")) == [
        ("sms", "13995120009")
    ]
    assert not about_the_licence.deliveries.exists()


def test_the_unread_count_is_built_once_per_account_and_day(
    handling_item, clerk, django_user_model, monkeypatch
):
    """The navigation's count keeps its statement per account and day (the authorisations it
    reads are the day's), not its number: a message read or arriving still counts."""
    from oneseal.prepared import KeptCount

    monkeypatch.setattr(queries, "_UNREAD", KeptCount())
    built = []
    inbox_filter = queries.inbox_filter
    monkeypatch.setattr(
        queries, "inbox_filter", lambda user, on=None: built.append(on) or inbox_filter(user, on)
    )
    case = window_intake(handling_item, clerk)
    (before,) = record_messages(case.applicant)
    late = django_user_model.objects.create_user("yang", password="x")
    register_applicant(actor=clerk, user=late, **WINDOW_PERSON)
    with time_machine.travel(at("2025-03-20 10:00"), tick=False):
        assert queries.unread_count(late) == 1
        notification_actions.mark_read(before, actor=late)
        assert queries.unread_count(late) == 0
        assert built == [day("2025-03-20")]
    with time_machine.travel(at("2025-03-21 10:00"), tick=False):
        assert queries.unread_count(late) == 0
        assert built == [day("2025-03-20"), day("2025-03-21")]
