"""The worker's jobs on real dates: deemed acceptance around the 2025 Spring Festival (1/28–2/4
off, Saturday 2/8 worked), warnings in an ordinary March 2025 week, and the 2027 schedule
entered by hand after cases were given provisional (weekends-only) due dates."""

import io
import os
import signal
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oneseal.calendars import actions as calendar_actions
from oneseal.cases import actions, clocks, jobs, rules
from oneseal.cases.models import Case, CaseEvent, CaseMaterial, State
from oneseal.errors import ValidationFailed
from oneseal.organisation.models import Role
from oneseal.testing import at, day, in_parallel, needs_postgres


def received(handling_item, applicant, clerk, on: str):
    return actions.receive(handling_item, actor=clerk, applicant=applicant, at=at(f"{on} 09:00"))


def accepted(handling_item, applicant, clerk, on: str):
    case = received(handling_item, applicant, clerk, on)
    actions.check_materials(
        case,
        actor=clerk,
        statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
    )
    return actions.accept(case, actor=clerk, on=day(on))


def worker(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("worker", *args, stdout=out, stderr=err)
    return out.getvalue()


@pytest.fixture
def reviewer(make_staff, county):
    return make_staff("reviewer", county, Role.REVIEWER, display_name="李审查")


@pytest.fixture
def signatory(make_staff, county):
    return make_staff("signatory", county, Role.SIGNATORY, display_name="张局长")


def enter_2027(admin_user):
    """A 2027 notice as it might read (the package does not carry the real one yet): New Year's
    Day, Friday 1/1 — which the law fixes and the provisional calendar already counts — and
    Monday 1/4 given off as well (an arrangement only the notice can make)."""
    calendar_actions.enter_day(day("2027-01-01"), actor=admin_user, is_workday=False, name="元旦")
    calendar_actions.enter_day(
        day("2027-01-04"), actor=admin_user, is_workday=False, name="元旦调休"
    )
    calendar_actions.declare_year_official(
        2027, actor=admin_user, announcement="国务院办公厅关于2027年部分节假日安排的通知"
    )


# --- deemed acceptance --------------------------------------------------------------------


def test_the_worker_deems_a_silent_case_accepted_as_of_receipt_only_after_the_fifth_working_day(
    handling_item, applicant, clerk
):
    case = received(handling_item, applicant, clerk, "2025-01-24")
    assert case.acceptance_due == day("2025-02-07")

    out = worker("--once", "--today", "2025-02-07")
    assert "2025-02-07 deemed_acceptance: 0 case(s) deemed accepted" in out
    assert Case.objects.get(pk=case.pk).state == State.RECEIVED

    out = worker("--once", "--today", "2025-02-08")
    assert "2025-02-08 deemed_acceptance: 1 case(s) deemed accepted" in out
    case.refresh_from_db()
    assert case.state == State.ACCEPTED and case.deemed_accepted
    assert case.accepted_on == day("2025-01-24")
    event = case.events.last()
    assert event.action == "deem_accepted" and event.actor is None and event.on == day("2025-01-24")
    assert event.data["noticed_on"] == "2025-02-08"


def test_running_deemed_acceptance_twice_changes_nothing_more(handling_item, applicant, clerk):
    first = received(handling_item, applicant, clerk, "2025-01-24")
    later = received(handling_item, applicant, clerk, "2025-02-05")  # due 2/11: still open on 2/10
    assert jobs.run_deemed_acceptance(day("2025-02-10")) == 1
    events = CaseEvent.objects.count()
    assert jobs.run_deemed_acceptance(day("2025-02-10")) == 0
    assert CaseEvent.objects.count() == events
    assert Case.objects.get(pk=first.pk).state == State.ACCEPTED
    assert Case.objects.get(pk=later.pk).state == State.RECEIVED


def test_a_case_awaiting_correction_is_never_deemed_accepted(handling_item, applicant, clerk):
    case = received(handling_item, applicant, clerk, "2025-01-24")
    actions.request_correction(
        case, actor=clerk, on=day("2025-01-27"), items={case.materials.first().pk: "缺少签字"}
    )
    assert jobs.run_deemed_acceptance(day("2025-03-03")) == 0
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_CORRECTION


# --- warnings -----------------------------------------------------------------------------

# Friday 2025-03-14. Promised limit 5 working days, statutory 20; yellow at 2 days left, the
# statutory alarm at 3.
TODAY = "2025-03-14"


@pytest.fixture
def warning_cases(handling_item, applicant, clerk, reviewer):
    made = {
        "yellow_1_left": accepted(handling_item, applicant, clerk, "2025-03-10"),  # promised 3/17
        "yellow_2_left": accepted(handling_item, applicant, clerk, "2025-03-11"),  # promised 3/18
        "none_3_left": accepted(handling_item, applicant, clerk, "2025-03-12"),  # promised 3/19
        "red": accepted(
            handling_item, applicant, clerk, "2025-03-03"
        ),  # promised 3/10, statutory 3/31
        "statutory_today": accepted(
            handling_item, applicant, clerk, "2025-02-14"
        ),  # statutory 3/14
        "statutory_3_left": accepted(
            handling_item, applicant, clerk, "2025-02-19"
        ),  # statutory 3/19
        "red_4_left": accepted(handling_item, applicant, clerk, "2025-02-20"),  # statutory 3/20
    }
    suspended = accepted(handling_item, applicant, clerk, "2025-03-03")
    actions.suspend(
        suspended,
        actor=reviewer,
        kind="testing",
        reason="送检",
        expected_days=10,
        on=day("2025-03-05"),
    )
    received(handling_item, applicant, clerk, "2025-03-13")
    return made


def test_warning_scan_counts_each_running_case_once_at_its_most_serious_level(warning_cases):
    assert jobs.warning_scan(day(TODAY)) == {"yellow": 2, "red": 2, "statutory": 2}


def test_warning_lists_hold_the_cases_the_counts_count_most_urgent_first(warning_cases):
    by_level = {
        level: [c.pk for c in jobs.cases_by_warning(day(TODAY), level, "640221")]
        for level in jobs.Level.ALL
    }
    names = {case.pk: name for name, case in warning_cases.items()}
    assert [names[pk] for pk in by_level["yellow"]] == ["yellow_1_left", "yellow_2_left"]
    assert [names[pk] for pk in by_level["red"]] == [
        "red_4_left",
        "red",
    ]  # promised 2/27, then 3/10
    assert [names[pk] for pk in by_level["statutory"]] == ["statutory_today", "statutory_3_left"]
    assert jobs.cases_by_warning(day(TODAY), "red", "6402").count() == 2
    assert not jobs.cases_by_warning(day(TODAY), "red", "5116").exists()
    assert not jobs.cases_by_warning(day(TODAY), "red", None).exists()


def test_the_sql_levels_agree_with_the_rule_on_a_working_day(warning_cases):
    from oneseal.calendars.queries import current_calendar

    listed = {
        c.pk: level
        for level in jobs.Level.ALL
        for c in jobs.cases_by_warning(day(TODAY), level, "")
    }
    for case in Case.objects.filter(state=State.ACCEPTED):
        expected = rules.warning_level(
            current_calendar(),
            day(TODAY),
            case.promised_due,
            case.statutory_due,
            yellow_at=clocks.YELLOW_AT,
            statutory_alarm_at=clocks.STATUTORY_ALARM_AT,
        )
        assert listed.get(case.pk, "") == expected, case.number


def test_a_promise_due_on_friday_is_broken_on_saturday(handling_item, applicant, clerk):
    case = accepted(handling_item, applicant, clerk, "2025-03-07")
    assert case.promised_due == day("2025-03-14")
    assert jobs.warning_scan(day("2025-03-14"))["yellow"] == 1
    assert jobs.warning_scan(day("2025-03-15"))["red"] == 1


def test_the_thresholds_follow_the_settings(warning_cases, settings):
    settings.ONESEAL_WARNING_YELLOW_DAYS = 3
    settings.ONESEAL_WARNING_STATUTORY_DAYS = 0
    # 3 days left is now yellow; the alarm sounds only on the statutory due date itself.
    assert jobs.warning_scan(day(TODAY)) == {"yellow": 3, "red": 3, "statutory": 1}


def test_an_unknown_warning_level_is_refused_naming_the_field():
    with pytest.raises(ValidationFailed) as e:
        jobs.cases_by_warning(day(TODAY), "orange", "")
    assert "level" in e.value.fields


# --- the 2027 schedule entered by hand ----------------------------------------------------


def test_entering_2027s_schedule_recomputes_a_provisional_acceptance_due_and_records_it(
    handling_item, applicant, clerk, admin_user
):
    case = received(handling_item, applicant, clerk, "2026-12-30")
    # Provisional: Thursday 12/31, New Year's Day off by law, then 1/4, 1/5, 1/6 and 1/7.
    assert case.acceptance_due == day("2027-01-07") and case.acceptance_due_provisional
    settled = received(
        handling_item, applicant, clerk, "2026-12-10"
    )  # due 12/17, no 2027 day involved
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 0

    enter_2027(admin_user)
    out = worker("--once", "--today", "2026-12-31")
    assert "recompute_due_dates: 1 case(s) with new due dates" in out

    case.refresh_from_db()
    # Monday 1/4 is off too: 12/31, 1/5, 1/6, 1/7, 1/8.
    assert case.acceptance_due == day("2027-01-08") and not case.acceptance_due_provisional
    event = case.events.get(action="recompute_due_dates")
    assert (
        event.actor is None and event.on == day("2026-12-31") and event.to_state == State.RECEIVED
    )
    assert event.data == {
        "old": {"acceptance_due": "2027-01-07", "acceptance_due_provisional": True},
        "new": {"acceptance_due": "2027-01-08", "acceptance_due_provisional": False},
    }
    assert not settled.events.filter(action="recompute_due_dates").exists()

    assert jobs.recompute_open_due_dates(day("2027-01-04")) == 0
    assert case.events.filter(action="recompute_due_dates").count() == 1
    assert actions.verify_chain(case.pk) == []


def test_recomputing_replays_the_extension_and_a_suspension_of_an_accepted_case(
    handling_item, applicant, clerk, admin_user, reviewer, signatory
):
    extended = accepted(handling_item, applicant, clerk, "2026-12-28")
    # Provisional, New Year's Day off by law: 12/29–12/31, 1/4, 1/5; twenty end 1/26.
    assert (extended.promised_due, extended.statutory_due) == (day("2027-01-05"), day("2027-01-26"))
    actions.request_extension(
        extended, actor=reviewer, reason="需征求相关部门意见", on=day("2026-12-29")
    )
    extended = actions.approve_extension(extended, actor=signatory, on=day("2026-12-29"))
    # +10: 1/19; and 1/26 → 1/27–1/29, 2/1–2/4, then 春节 by law (除夕 2/5 to 初三 2/8) → 2/9–2/11.
    assert (extended.promised_due, extended.statutory_due) == (day("2027-01-19"), day("2027-02-11"))

    resumed = accepted(handling_item, applicant, clerk, "2026-12-28")
    actions.suspend(
        resumed,
        actor=reviewer,
        kind="testing",
        reason="送检",
        expected_days=1,
        on=day("2026-12-29"),
    )
    resumed = actions.resume(resumed, actor=reviewer, on=day("2026-12-31"))
    assert resumed.promised_due == day("2027-01-07")  # 4 days left: 1/4, 1/5, 1/6, 1/7

    still_suspended = accepted(handling_item, applicant, clerk, "2026-12-28")
    actions.suspend(
        still_suspended,
        actor=reviewer,
        kind="testing",
        reason="送检",
        expected_days=5,
        on=day("2026-12-29"),
    )

    enter_2027(admin_user)
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 3

    extended.refresh_from_db()
    # 1/6 and 1/27 from acceptance, then 10 more working days each (the Spring Festival still off).
    assert (extended.promised_due, extended.statutory_due) == (day("2027-01-20"), day("2027-02-12"))
    assert not extended.due_provisional
    resumed.refresh_from_db()
    assert resumed.promised_due == day("2027-01-08")  # 4 days left after 12/31: 1/5, 1/6, 1/7, 1/8
    # A suspended case's clock stands still, but the dates it stood at and the expected end the
    # special-procedure notice printed are working-day counts: they move with the schedule.
    still_suspended.refresh_from_db()
    assert still_suspended.state == State.SUSPENDED
    assert (still_suspended.promised_due, still_suspended.statutory_due) == (
        day("2027-01-06"),
        day("2027-01-27"),
    )
    assert still_suspended.promised_remaining_at_suspension == 4  # 12/30, 12/31, 1/5, 1/6
    suspension = still_suspended.suspensions.get()
    assert suspension.expected_end == day("2027-01-07")  # 12/30, 12/31, 1/5, 1/6, 1/7
    event = still_suspended.events.get(action="recompute_due_dates")
    assert event.data["suspension"] == {
        "old": {"expected_end": "2027-01-06"},
        "new": {"expected_end": "2027-01-07"},
    }
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 0


def test_a_recomputed_case_makes_a_stale_view_conflict(handling_item, applicant, clerk, admin_user):
    from oneseal.errors import Conflict

    case = received(handling_item, applicant, clerk, "2026-12-30")
    seen = case.lock_version
    enter_2027(admin_user)
    jobs.recompute_open_due_dates(day("2026-12-31"))
    with pytest.raises(Conflict):
        actions.refuse(case, actor=clerk, clause="1", reason="无需许可", expected_version=seen)


# --- the worker command -------------------------------------------------------------------


def test_the_worker_prints_one_summary_line_per_job(db):
    out = worker("--once", "--today", TODAY)
    lines = out.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        f"{TODAY} recompute_due_dates",
        f"{TODAY} deemed_acceptance",
        f"{TODAY} overdue_promises",
        f"{TODAY} overdue_verifications",
        f"{TODAY} deemed_renewals",
        f"{TODAY} expiry_reminders",
        f"{TODAY} linkage_escalations",
        f"{TODAY} linkage_opinions",
        f"{TODAY} linkage_webhooks",
        f"{TODAY} warnings",
        f"{TODAY} stage_standings",
        f"{TODAY} esupervision_rollup",
        f"{TODAY} appointment_slots",
        f"{TODAY} draft_retention",
        f"{TODAY} held_scans",
        f"{TODAY} publish_due",
        f"{TODAY} elicences",
        f"{TODAY} archives",
        f"{TODAY} notifications",
        f"{TODAY} audit_checkpoint",
    ]
    # Each job's line by its name, so a job added at the end moves no other line's check.
    by = {line.split(":")[0].removeprefix(f"{TODAY} "): line for line in lines}
    assert (
        "0 push(es) newly unsigned past due, 0 support request(s) newly overdue"
        in by["linkage_escalations"]
    )
    assert "0 opinion request(s) deemed no objection, 0 newly overdue" in by["linkage_opinions"]
    assert "0 webhook(s) delivered, 0 to retry, 0 dead" in by["linkage_webhooks"]
    assert "yellow 0, red 0, statutory 0" in by["warnings"]
    assert "0 stage clock(s) computed" in by["stage_standings"]
    assert "0 case(s) rolled up" in by["esupervision_rollup"]
    assert "0 slot(s) created, 0 removed" in by["appointment_slots"]
    # No seal to sign with: the checkpoint is skipped with the reason, not a failed job.
    assert "no checkpoint: 无法生成审计检查点：本局尚未启用电子印章" in by["audit_checkpoint"]
    assert "0 publication(s) opened, 0 published" in by["publish_due"]
    assert "0 draft owner(s) warned, 0 draft(s) removed" in by["draft_retention"]
    assert "0 held scan(s) removed, 0 left to the rows naming them" in by["held_scans"]
    assert "0 e-licence(s) issued, 0 OFD(s) made, 0 failed" in by["elicences"]
    assert "0 case(s) archived, 0 supplemented, 0 waiting" in by["archives"]
    assert "0 appointment reminder(s); 0 sent, 0 to retry, 0 given up" in by["notifications"]


def test_a_failing_job_is_reported_and_the_others_still_run(
    handling_item, applicant, clerk, monkeypatch
):
    received(handling_item, applicant, clerk, "2025-01-24")

    def broken(today):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(jobs, "recompute_open_due_dates", broken)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as e:
        call_command("worker", "--once", "--today", "2025-02-08", stdout=out, stderr=err)
    assert e.value.returncode == 1
    assert "recompute_due_dates: FAILED RuntimeError: database on fire" in err.getvalue()
    assert "deemed_acceptance: 1 case(s) deemed accepted" in out.getvalue()
    assert "warnings:" in out.getvalue()


@pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(), reason="signals need the main thread"
)
def test_sigterm_during_a_pass_lets_it_finish_and_stops_the_worker(db, monkeypatch):
    real_scan = jobs.warning_scan

    def scan_then_sigterm(today):
        os.kill(os.getpid(), signal.SIGTERM)
        return real_scan(today)

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(jobs, "warning_scan", scan_then_sigterm)
    out = worker("--interval", "3600", "--today", TODAY)  # returns instead of sleeping an hour
    assert out.count("warnings: yellow 0") == 1
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError):
        worker("--once", "--today", "2025-02-30")


# --- two workers at once (PostgreSQL: real parallel connections) --------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
def test_two_workers_at_once_deem_each_case_accepted_exactly_once(handling_item, applicant, clerk):
    ids = [received(handling_item, applicant, clerk, "2025-01-24").pk for _ in range(30)]
    results = in_parallel(*[lambda: jobs.run_deemed_acceptance(day("2025-02-10"))] * 2)
    assert sum(results) == 30, results
    for case_id in ids:
        assert CaseEvent.objects.filter(case_id=case_id, action="deem_accepted").count() == 1


def test_only_the_installation_recomputes_due_dates_nobody_by_omission(
    handling_item, applicant, clerk, admin_user
):
    from oneseal.cases.actions import dues
    from oneseal.errors import NotPermitted

    case = received(handling_item, applicant, clerk, "2026-12-30")
    enter_2027(admin_user)
    # Without system=True the action is refused: a missing actor never stands for the worker.
    with pytest.raises(NotPermitted):
        dues.recompute_due_dates(case, system=False, today=day("2026-12-31"))
    case.refresh_from_db()
    assert case.acceptance_due == day("2027-01-07")
    assert not case.events.filter(action="recompute_due_dates").exists()
    assert dues.recompute_due_dates(
        case, system=True, today=day("2026-12-31")
    ).acceptance_due == day("2027-01-08")
