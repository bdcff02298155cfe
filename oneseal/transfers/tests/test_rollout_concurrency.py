"""Two city administrators start overlapping rollouts at the same moment, each on its own
database connection (PostgreSQL only: SQLite serialises every writer, so it cannot show a race)."""

import pytest

from oneseal.errors import ValidationFailed
from oneseal.organisation.models import Bureau
from oneseal.testing import POSTGRES_ONLY, in_parallel
from oneseal.transfers import rollout as rollouts
from oneseal.transfers.models import Rollout, RolloutCounty

pytestmark = POSTGRES_ONLY


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_rollouts_at_once_one_starts_and_the_other_is_refused_naming_counties(
    city, chosen, city_admin, guidance
):
    def start(counties, name):
        return lambda: rollouts.start_rollout(
            city,
            actor=city_admin,
            name=name,
            plan_document="中卫市实施方案",
            counties=counties,
            template="compact",
        )

    # The two choices share 640521 (中宁县), listed in a different order.
    first, second = in_parallel(
        start([chosen[0], chosen[1]], "第一批"), start([chosen[2], chosen[1]], "第二批")
    )
    started = [r for r in (first, second) if isinstance(r, Rollout)]
    refused = [r for r in (first, second) if isinstance(r, ValidationFailed)]
    assert len(started) == 1 and len(refused) == 1, (first, second)
    assert "counties" in refused[0].fields
    assert "中宁县" in refused[0].fields["counties"][0]
    # The refused rollout wrote nothing: one bureau for each county of the started one only.
    assert RolloutCounty.objects.count() == 2 == Bureau.objects.count()
    assert Rollout.objects.get().reform.name == started[0].reform.name
