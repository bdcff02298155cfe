"""The worker and the department at the same moment, each on its own connection (PostgreSQL
only: SQLite serialises every writer). The request's row lock makes one of them win: the
opinion is either answered or deemed no objection, never both, and recorded once."""

import pytest
from django.db import connections

from oneseal.cases.models import CaseEvent
from oneseal.errors import InvalidTransition
from oneseal.linkage import actions
from oneseal.linkage.models import OpinionRequest
from oneseal.testing import POSTGRES_ONLY, accepted_case, day, in_parallel

pytestmark = [*POSTGRES_ONLY, pytest.mark.django_db(transaction=True)]


def test_an_answer_racing_the_silence_is_either_the_answer_or_the_silence(
    item, applicant, clerk, reviewer, supervisor, department
):
    case = accepted_case(item, applicant, clerk, "2026-02-12")
    opinion = actions.request_opinion(
        case,
        actor=reviewer,
        department=department,
        subject="消防意见",
        days=3,
        silence_is_consent=True,
        silence_rule="演示方案第十二条",
        on=day("2026-02-12"),
    )

    def answer():
        try:
            return actions.answer_opinion(
                OpinionRequest.objects.get(pk=opinion.pk),
                actor=supervisor,
                conclusion="object",
                reasons="消防通道不符合要求",
                on=day("2026-02-24"),
            ).state
        except InvalidTransition as refused:
            return refused

    def worker():
        return actions.run_opinion_deadlines(day("2026-02-25"))

    answered, ran, again = in_parallel(answer, worker, worker)
    connections.close_all()
    opinion.refresh_from_db()
    deemed = ran["deemed"] + again["deemed"]
    if opinion.state == OpinionRequest.RequestState.ANSWERED:
        assert answered == "answered" and deemed == 0
    else:
        assert opinion.state == OpinionRequest.RequestState.DEEMED
        assert isinstance(answered, InvalidTransition) and deemed == 1
    actions_seen = list(
        CaseEvent.objects.filter(
            case=case, action__in=("opinion_answered", "opinion_deemed")
        ).values_list("action", flat=True)
    )
    assert len(actions_seen) == 1
