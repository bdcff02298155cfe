"""Two workers archiving at once (PostgreSQL: real parallel connections and row locks): each
ended case gets exactly one package and the pieces are numbered without a gap."""

import pytest

from oneseal.archives import jobs
from oneseal.archives.models import Archive
from oneseal.cases import actions as case_actions
from oneseal.testing import at, day, in_parallel, needs_postgres


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
def test_two_workers_archive_each_ended_case_exactly_once(item, applicant, clerk, seal):
    ids = []
    for hour in range(9, 13):
        case = case_actions.receive(
            item, actor=clerk, applicant=applicant, at=at(f"2025-03-03 {hour:02d}:00")
        )
        case_actions.refuse(
            case,
            actor=clerk,
            clause="2",
            reason="不属于本机关职权范围",
            competent_body="平罗县自然资源局",
            on=day("2025-03-04"),
        )
        ids.append(case.pk)
    results = in_parallel(*[lambda: jobs.archive_ended_cases(day("2025-03-05"))] * 2)
    assert sum(r["archived"] for r in results) == 4, results
    assert sorted(Archive.objects.values_list("case_id", flat=True)) == sorted(ids)
    assert sorted(Archive.objects.values_list("piece", flat=True)) == [1, 2, 3, 4]
    for archive in Archive.objects.all():
        assert archive.package.storage.exists(archive.package.name)
    # Nothing left for a third pass.
    assert jobs.archive_ended_cases(day("2025-03-06")) == {
        "archived": 0,
        "supplemented": 0,
        "waiting": 0,
    }
