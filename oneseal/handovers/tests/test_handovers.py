"""The hand-over of pending cases: clocks kept across the switch and a holiday (real dates of
the 2025 National Day), a bad register refused whole with every problem named, both sides
recorded and confirmed, the bureau finishing the case, the report, pages and API."""

import pytest
import time_machine

from oneseal.calendars.queries import current_calendar
from oneseal.cases import actions as case_actions
from oneseal.cases.actions.intake import PastAcceptanceWindow
from oneseal.cases.models import Case, CaseMaterial, State
from oneseal.catalogue.importing.columns import ImportRejected
from oneseal.errors import InvalidTransition, NotPermitted
from oneseal.handovers import actions, queries
from oneseal.handovers.importing import HEADERS
from oneseal.handovers.models import HandedOverCase, Handover
from oneseal.organisation.models import Department, Role
from oneseal.testing import at, day

from .sheets import SWITCH, register, row


@pytest.fixture
def import_(clerk, bureau, department, handling_item):
    def run(*rows, on=SWITCH, actor=None, dept=None, **kwargs):
        with time_machine.travel(at(f"{on} 09:30"), tick=False):
            return actions.import_handover(
                register(*rows, **kwargs),
                actor=actor or clerk,
                bureau=bureau,
                department=dept or department,
                handed_over_by="李移交",
                name="台账.xlsx",
            )

    return run


def only_case(handover) -> Case:
    return handover.cases.get().case


# --- the clock does not restart --------------------------------------------------------------


def test_a_case_received_four_working_days_before_the_switch_keeps_its_acceptance_deadline(
    import_, clerk
):
    # 2025-09-26 (Fri) → working days 09-28 (the Sunday worked for the holiday), 09-29, 09-30,
    # then the holiday 10-01 … 10-08, then 10-09: the switch is the 4th working day after it.
    cal = current_calendar()
    assert cal.between(day("2025-09-26"), day(SWITCH)) == 4
    case = only_case(import_(row()))
    assert case.state == State.RECEIVED
    assert case.received_on == day("2025-09-26")
    # The 5th working day after the department's receipt, not 5 after the hand-over.
    assert case.acceptance_due == day("2025-10-10")
    assert case.acceptance_due == cal.add(day("2025-09-26"), 5).date
    # The bureau accepts on the last day of the department's window …
    with time_machine.travel(at("2025-10-10 10:00"), tick=False):
        accepted = case_actions.accept(case, actor=clerk, on=day("2025-10-10"))
    assert accepted.accepted_on == day("2025-10-10")


def test_after_the_original_window_the_case_is_deemed_accepted_as_of_the_departments_receipt(
    import_, clerk
):
    case = only_case(import_(row()))
    # 2025-10-11 is a Saturday worked for the holiday: one working day past the window.
    with (
        time_machine.travel(at("2025-10-11 10:00"), tick=False),
        pytest.raises(PastAcceptanceWindow),
    ):
        case_actions.accept(case, actor=clerk, on=day("2025-10-11"))
    case.refresh_from_db()
    assert case.deemed_accepted and case.accepted_on == day("2025-09-26")
    # The decision clocks run from the department's receipt: 5 working days after 09-26.
    assert case.promised_due == day("2025-10-10")


def test_an_accepted_case_keeps_its_decision_deadlines_from_the_departments_acceptance(import_):
    case = only_case(import_(row(**{"办理状态": "已受理", "受理日期": "2025-09-29"})))
    cal = current_calendar()
    assert case.state == State.ACCEPTED and case.accepted_on == day("2025-09-29")
    # promised 5: 09-30, 10-09, 10-10, 10-11 (worked Saturday), 10-13.
    assert case.promised_due == day("2025-10-13")
    assert case.statutory_due == cal.add(day("2025-09-29"), 20).date


def test_a_late_departmental_acceptance_counts_from_the_arrival_day(import_):
    # The department accepted on 09-30 a case that arrived 09-19: after its 5 working days
    # (due 09-26), so by law the application was accepted on 09-19.
    case = only_case(
        import_(row(**{"收件日期": "2025-09-19", "办理状态": "已受理", "受理日期": "2025-09-30"}))
    )
    assert case.deemed_accepted and case.accepted_on == day("2025-09-19")
    assert case.promised_due == current_calendar().add(day("2025-09-19"), 5).date


# --- both sides, papers, missing -------------------------------------------------------------


def test_the_hand_over_event_names_both_sides_and_flags_what_is_missing(import_, clerk):
    handover = import_(row(**{"移交材料": "食品经营许可申请书×2"}))
    case = only_case(handover)
    event = case.events.get()
    assert event.action == "hand_over" and event.actor == clerk
    assert event.data["department"] == "平罗县市场监督管理局"
    assert event.data["handed_over_by"] == "李移交"
    assert event.actor_name == "王窗口"
    assert event.data["papers"] == [{"material": "食品经营许可申请书", "copies": 2}]
    assert event.data["missing"] == ["食品安全管理制度"]
    lines = {m.material.name: m for m in case.materials.select_related("material")}
    assert lines["食品经营许可申请书"].status == CaseMaterial.Status.PROVIDED
    assert lines["食品安全管理制度"].status == CaseMaterial.Status.MISSING
    linked = handover.cases.get()
    assert linked.original_number == "SJ2025-0901" and linked.missing == ["食品安全管理制度"]
    assert handover.received_by == clerk and handover.handed_over_by == "李移交"
    assert case_actions.verify_chain(case.pk) == []


def test_the_department_confirms_the_checklist_once_and_only_the_department(
    import_, clerk, make_staff, county, department, supervisor
):
    handover = import_(row())
    other = Department.objects.create(region=county, name="平罗县住房和城乡建设局", order=3)
    stranger = make_staff("zjj", county, Role.SUPERVISOR, department=other)
    for wrong in (clerk, stranger):
        with pytest.raises(NotPermitted):
            actions.confirm_handover(handover, actor=wrong)
    confirmed = actions.confirm_handover(handover, actor=supervisor)
    assert confirmed.confirmed_by == supervisor and confirmed.confirmed_at
    with pytest.raises(InvalidTransition):
        actions.confirm_handover(handover, actor=supervisor)


def test_only_the_bureaus_clerk_imports(import_, reviewer, far_staff):
    for actor in (reviewer, far_staff):
        with pytest.raises(NotPermitted):
            import_(row(), actor=actor)
    assert not Case.objects.exists() and not Handover.objects.exists()


def test_a_case_number_is_handed_over_once(import_):
    import_(row())
    with pytest.raises(ImportRejected) as e:
        import_(row(), on="2025-10-10")
    assert [(p.row, p.column) for p in e.value.problems] == [(3, "原办件编号")]
    assert Case.objects.count() == 1


# --- a bad file imports nothing and names every problem --------------------------------------


def test_a_bad_register_imports_nothing_and_names_every_problem(import_):
    with pytest.raises(ImportRejected) as e:
        import_(
            row(),  # row 3: fine
            row(**{"原办件编号": "SJ2025-0901"}),  # row 4: the same number again
            row(**{"原办件编号": "B1", "证件号码": "91350100M000100Y44"}),  # wrong check char
            row(**{"原办件编号": "B2", "办理项编码": "NO-SUCH"}),
            row(**{"原办件编号": "B3", "收件日期": "2025-10-09"}),  # not before the hand-over
            row(**{"原办件编号": "B4", "办理状态": "已办结"}),
            row(**{"原办件编号": "B5", "办理状态": "已受理"}),  # no acceptance date
            row(**{"原办件编号": "B6", "移交材料": "营业执照×1"}),  # not on the checklist
            row(**{"原办件编号": "B7", "收件日期": "2025-13-01"}),
            row(**{"原办件编号": "B8", "联系电话": "12"}),
        )
    found = {(p.row, p.column) for p in e.value.problems}
    assert found == {
        (4, "原办件编号"),
        (5, "证件号码"),
        (6, "办理项编码"),
        (7, "收件日期"),
        (8, "办理状态"),
        (9, "受理日期"),
        (10, "移交材料"),
        (11, "收件日期"),
        (12, "联系电话"),
    }
    assert all(p.message for p in e.value.problems)
    assert "营业执照" in next(p.message for p in e.value.problems if p.row == 10)
    assert not Case.objects.exists() and not Handover.objects.exists()
    assert not HandedOverCase.objects.exists()


def test_a_missing_column_and_a_file_that_is_not_xlsx_are_refused(
    import_, clerk, bureau, department
):
    with pytest.raises(ImportRejected) as e:
        import_(row(), headers=[h for h in HEADERS if h != "收件日期"])
    assert ("收件日期", "缺少必填列“收件日期”") in {(p.column, p.message) for p in e.value.problems}
    with pytest.raises(ImportRejected) as e:
        actions.import_handover(
            b"not a spreadsheet",
            actor=clerk,
            bureau=bureau,
            department=department,
            handed_over_by="李移交",
        )
    assert e.value.problems[0].row == 0
    assert not Case.objects.exists()


def test_an_item_of_another_department_is_refused(import_, county):
    other = Department.objects.create(region=county, name="平罗县交通运输局", order=9)
    with pytest.raises(ImportRejected) as e:
        import_(row(), dept=other)
    assert e.value.problems[0].column == "办理项编码"
    assert "不是平罗县交通运输局划转的事项" in e.value.problems[0].message


# --- the bureau finishes it; the report --------------------------------------------------------


def test_the_bureau_finishes_a_handed_over_case_and_the_report_counts_it(import_, signatory, clerk):
    handover = import_(
        row(**{"办理状态": "已受理", "受理日期": "2025-09-29"}),
        row(
            **{
                "原办件编号": "SJ2025-0902",
                "收件日期": "2025-09-30",
                "移交材料": "食品经营许可申请书×1",
            }
        ),
        row(**{"原办件编号": "SJ2025-0903", "办理状态": "已受理", "受理日期": "2025-09-26"}),
    )
    first = handover.cases.get(original_number="SJ2025-0901").case
    with time_machine.travel(at("2025-10-10 10:00"), tick=False):
        licence = case_actions.grant(
            first,
            actor=signatory,
            on=day("2025-10-10"),
            scope="预包装食品销售",
            valid_from=day("2025-10-10"),
            valid_until=day("2030-10-09"),
        )
    assert licence.case == first
    rows = queries.report(clerk, day("2025-10-20"))
    assert len(rows) == 1
    r = rows[0]
    assert (r.received, r.finished, r.open) == (3, 1, 2)
    # SJ2025-0903 accepted 09-26: promised due 10-09, open on 10-20 → past the promise.
    assert r.overdue == 1 and r.past_statutory == 0
    assert r.unconfirmed == 1 and r.papers == 7 and r.with_missing == 1


def test_a_department_supervisor_sees_only_their_own_hand_overs(
    import_, supervisor, make_staff, county
):
    import_(row())
    other = Department.objects.create(region=county, name="平罗县住房和城乡建设局", order=3)
    stranger = make_staff("zjj", county, Role.SUPERVISOR, department=other)
    assert queries.visible_handovers(supervisor).count() == 1
    assert queries.visible_handovers(stranger).count() == 0
