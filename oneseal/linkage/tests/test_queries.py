"""The reads e-supervision shows: unsigned pushes with their due date and overdue flag."""

from oneseal.linkage import actions
from oneseal.linkage.queries import unsigned_pushes
from oneseal.testing import day


def test_a_grant_is_pushed_to_the_original_department_due_in_three_working_days(decide, department):
    case = decide(on="2025-03-07")  # a Friday
    push = case.pushes.get()
    assert push.department == department and push.decision == "grant"
    assert push.pushed_on == day("2025-03-07") and push.sign_due == day("2025-03-12")
    assert push.payload["licence"]["number"] == case.licence.number
    assert push.payload["handling_item"]["variant"] == "new"


def test_unsigned_pushes_carry_their_due_date_and_an_overdue_flag(decide, supervisor):
    first = decide(on="2025-03-05").pushes.get()
    second = decide(on="2025-03-07").pushes.get()
    rows = list(unsigned_pushes("640221", today=day("2025-03-11")))
    assert [(r.pk, r.overdue) for r in rows] == [(first.pk, True), (second.pk, False)]
    assert rows[0].sign_due == day("2025-03-10")
    actions.sign_push(second, actor=supervisor, on=day("2025-03-11"))
    assert [r.pk for r in unsigned_pushes("640221", today=day("2025-03-11"))] == [first.pk]
    assert not unsigned_pushes("640202", today=day("2025-03-11")).exists()
    assert not unsigned_pushes(None, today=day("2025-03-11")).exists()
    assert unsigned_pushes("", today=day("2025-03-11")).count() == 1
