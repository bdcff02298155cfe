"""Two callers at the same moment, each on its own database connection (PostgreSQL only: SQLite
serialises every writer, so it cannot show a race)."""

import pytest

from oneseal.cases import actions
from oneseal.cases.models import Case, CaseCounter, CaseEvent, CaseMaterial, State
from oneseal.organisation.models import Role
from oneseal.testing import POSTGRES_ONLY, in_parallel, poster

pytestmark = POSTGRES_ONLY


@pytest.mark.django_db(transaction=True)
def test_accept_and_refuse_at_once_one_wins_and_the_other_gets_a_conflict(
    handling_item, applicant, clerk, make_staff, county
):
    other = make_staff("clerk2", county, Role.CLERK, display_name="李窗口")
    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    case = actions.check_materials(
        case,
        actor=clerk,
        statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
    )
    seen = case.lock_version
    accept, refuse = in_parallel(
        poster(clerk, f"/api/v1/cases/{case.pk}/accept", {"expected_version": seen}),
        poster(
            other,
            f"/api/v1/cases/{case.pk}/refuse",
            {"clause": "1", "reason": "无需许可", "expected_version": seen},
        ),
    )
    assert not isinstance(accept, Exception) and not isinstance(refuse, Exception), (accept, refuse)
    statuses = sorted([accept.status_code, refuse.status_code])
    assert statuses == [200, 409], (accept.content, refuse.content)
    winner, loser = (accept, refuse) if accept.status_code == 200 else (refuse, accept)
    assert loser.json()["code"] == "conflict"
    assert case.number not in loser.content.decode()

    case.refresh_from_db()
    won = "accept" if winner is accept else "refuse"
    assert case.state == (State.ACCEPTED if won == "accept" else State.REFUSED)
    assert case.lock_version == seen + 1
    assert list(
        CaseEvent.objects.filter(case=case).order_by("seq").values_list("action", flat=True)
    ) == ["receive", won]
    assert actions.verify_chain(case.pk) == []


@pytest.mark.django_db(transaction=True)
def test_two_submissions_with_the_same_idempotency_key_at_once_open_one_case(
    handling_item, applicant, clerk
):
    body = {"handling_item": handling_item.pk, "applicant": applicant.pk, "channel": "window"}
    first, second = in_parallel(
        poster(clerk, "/api/v1/cases", body, HTTP_IDEMPOTENCY_KEY="online-form-1"),
        poster(clerk, "/api/v1/cases", body, HTTP_IDEMPOTENCY_KEY="online-form-1"),
    )
    assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
    assert sorted([first.status_code, second.status_code]) == [200, 201], (
        first.content,
        second.content,
    )
    assert first.json()["id"] == second.json()["id"]
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert list(case.events.values_list("action", flat=True)) == ["receive"]
    assert case.materials.count() == 2
    assert CaseCounter.objects.get().last == 1  # the loser's number was rolled back with it


@pytest.mark.django_db(transaction=True)
def test_without_an_expected_version_the_row_lock_still_lets_only_one_decide(
    handling_item, applicant, clerk, make_staff, county
):
    other = make_staff("clerk2", county, Role.CLERK)
    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    actions.check_materials(
        case,
        actor=clerk,
        statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
    )
    accept, refuse = in_parallel(
        poster(clerk, f"/api/v1/cases/{case.pk}/accept", {}),
        poster(other, f"/api/v1/cases/{case.pk}/refuse", {"clause": "1", "reason": "无需许可"}),
    )
    assert sorted([accept.status_code, refuse.status_code]) == [200, 400], (
        accept.content,
        refuse.content,
    )
    loser = refuse if accept.status_code == 200 else accept
    assert loser.json()["code"] == "invalid_transition"
    assert CaseEvent.objects.filter(case=case).count() == 2
    assert actions.verify_chain(case.pk) == []
