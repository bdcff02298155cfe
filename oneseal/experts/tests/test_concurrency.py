"""Two drawn experts decline at the same moment: each replacement draw waits for the other
(the review's row lock), so the second sees the first's replacement as already on the review
and the seats never go to one expert twice. PostgreSQL only: SQLite serialises writers."""

import pytest
from django.contrib.auth import get_user_model

from oneseal.experts import actions
from oneseal.experts.models import Assignment
from oneseal.testing import POSTGRES_ONLY, day, in_parallel

pytestmark = [*POSTGRES_ONLY, pytest.mark.django_db(transaction=True)]


def test_two_declines_at_once_draw_two_different_replacements(case, reviewer, make_expert, food):
    experts = []
    for i in range(4):
        user = get_user_model().objects.create_user(username=f"c{i}", password=f"pw-c{i}")
        experts.append(make_expert(f"专家{i}", user=user))
    review = actions.open_review(
        case,
        actor=reviewer,
        field=food,
        experts_needed=2,
        subject="评审",
        ends_on=day("2025-10-10"),
        on=day("2025-09-29"),
    )
    first, second = review.assignments.order_by("id").select_related("expert__user")
    results = in_parallel(
        lambda: actions.decline_invitation(first, actor=first.expert.user, reason="出差"),
        lambda: actions.decline_invitation(second, actor=second.expert.user, reason="回避"),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    invited = list(review.assignments.filter(state=Assignment.State.INVITED))
    assert len(invited) == 2
    assert {a.expert_id for a in invited} == {e.pk for e in experts} - {
        first.expert_id,
        second.expert_id,
    }
    later = max(results, key=lambda d: d.pk)
    assert {row["reasons"][0] for row in later.excluded} == {"on_review"}
    assert len(later.excluded) == 3


def test_two_reviews_opened_at_once_leave_one(case, reviewer, signatory, make_expert, food):
    from oneseal.errors import DomainError
    from oneseal.experts.models import ExpertReview

    for i in range(4):
        make_expert(f"专家{i}")

    def opener(actor):
        return lambda: actions.open_review(
            case,
            actor=actor,
            field=food,
            experts_needed=1,
            subject="评审",
            ends_on=day("2025-10-10"),
            on=day("2025-09-29"),
        )

    results = in_parallel(opener(reviewer), opener(signatory))
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], DomainError), results
    assert ExpertReview.objects.filter(case=case).count() == 1
