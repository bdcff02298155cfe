"""`oneseal audit verify`: every case's event chain checked; a row changed behind the actions'
back is reported and the command exits with status 1."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oneseal.audit.models import AuditEvent
from oneseal.cases.models import Case, CaseEvent, State

from .conftest import delete_behind_the_actions


def verify(*args):
    out = io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_a_clean_database_passes(two_cases):
    out, code = verify()
    assert code == 0
    assert out.splitlines() == [
        f"{AuditEvent.objects.count()} audit rows checked",
        "no checkpoint yet (make one with `oneseal audit checkpoint`)",
        "2 cases, 3 events checked, 0 problems",
    ]


def test_an_event_altered_with_a_queryset_update_is_reported_with_exit_status_1(two_cases):
    refused, waiting = two_cases
    CaseEvent.objects.filter(case=refused, seq=2).update(reason="改过的理由")
    out, code = verify()
    assert code == 1
    assert f"case {refused.pk}: event 2 (refuse) was changed" in out
    assert out.strip().endswith("2 cases, 3 events checked, 1 problems")
    # Only the named case is checked with --case.
    assert verify("--case", waiting.number) == ("1 cases, 1 events checked, 0 problems\n", 0)
    assert verify("--case", refused.number)[1] == 1


def test_a_deleted_event_and_a_state_changed_behind_the_actions_are_reported(two_cases):
    refused, waiting = two_cases
    delete_behind_the_actions(CaseEvent.objects.filter(case=refused, seq=2))
    Case.objects.filter(pk=waiting.pk).update(state=State.ACCEPTED)
    out, code = verify()
    assert code == 1
    assert f"case {refused.pk}: state is 'refused' but its last event left it 'received'" in out
    assert f"case {waiting.pk}: state is 'accepted' but its last event left it 'received'" in out


def test_a_case_without_any_event_is_reported(two_cases):
    refused, _waiting = two_cases
    delete_behind_the_actions(CaseEvent.objects.filter(case=refused))
    out, code = verify()
    assert code == 1 and f"case {refused.pk}: has no events" in out


def test_an_unknown_case_number_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--case", "nope", stdout=io.StringIO())
