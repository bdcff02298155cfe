"""Issuing at the same moment on separate database connections (PostgreSQL only: SQLite
serialises every writer, so it cannot show a race). Numbers never repeat or skip, even for
the first document of a year, when the sequence row and the shipped wording do not exist yet."""

import pytest

from oneseal.documents import actions
from oneseal.documents.models import Document, DocumentSequence, DocumentTemplate
from oneseal.errors import ValidationFailed
from oneseal.organisation.models import Role
from oneseal.testing import POSTGRES_ONLY, accepted_case, day, in_parallel

pytestmark = POSTGRES_ONLY


def issuer(case, user):
    return lambda: actions.issue_document(case, kind="acceptance", actor=user)


@pytest.mark.django_db(transaction=True)
def test_documents_issued_at_once_take_consecutive_numbers_from_the_first_of_the_year(
    item, applicant, clerk, make_staff, county, bureau
):
    others = [make_staff(f"window{i}", county, Role.CLERK) for i in range(3)]
    # Accepted before the seal was set up: their notices wait in the queue to be issued.
    cases = [
        accepted_case(item, applicant, clerk, on)
        for on in (
            "2025-03-03",
            "2025-03-04",
            "2025-03-05",
            "2025-03-06",
            "2025-03-07",
            "2025-03-10",
            "2025-03-11",
            "2025-03-12",
        )
    ]
    cases, more, case = cases[:4], cases[4:7], cases[7]
    actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    assert not DocumentSequence.objects.exists() and not DocumentTemplate.objects.exists()
    results = in_parallel(
        *(issuer(case, user) for case, user in zip(cases, [clerk, *others], strict=True)),
        timeout=120,
    )
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(d.seq for d in results) == [1, 2, 3, 4]
    assert sorted(Document.objects.values_list("number", flat=True)) == [
        f"平审批受〔2025〕第{n:06d}号" for n in range(1, 5)
    ]
    assert DocumentSequence.objects.get(kind="acceptance", year=2025).last == 4
    assert (
        DocumentTemplate.objects.filter(kind="acceptance").count() == 1
    )  # one shipped version 1, not two

    results = in_parallel(
        *(issuer(case, user) for case, user in zip(more, others, strict=True)), timeout=120
    )
    assert sorted(d.seq for d in results) == [5, 6, 7]

    # Two clerks printing the same notice at once get one document; the loser takes no number.
    first, second = in_parallel(issuer(case, clerk), issuer(case, others[0]), timeout=120)
    issued = [r for r in (first, second) if isinstance(r, Document)]
    refused = [r for r in (first, second) if isinstance(r, ValidationFailed)]
    assert len(issued) == 1 and len(refused) == 1, (first, second)
    assert "已出具受理通知书" in refused[0].reasons[0]
    assert (
        issued[0].seq == 8 and DocumentSequence.objects.get(kind="acceptance", year=2025).last == 8
    )
