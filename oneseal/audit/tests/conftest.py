import datetime

import pytest

from oneseal.cases import actions
from oneseal.documents import actions as document_actions
from oneseal.testing import at


@pytest.fixture
def two_cases(handling_item, applicant, clerk):
    refused = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    actions.refuse(
        refused, actor=clerk, clause="1", reason="无需许可", on=datetime.date(2025, 3, 3)
    )
    waiting = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-03-04 09:00")
    )
    return refused, waiting


@pytest.fixture
def seal(bureau):
    return document_actions.create_seal(bureau, system=True, valid_from=datetime.date(2024, 1, 1))


def delete_behind_the_actions(events) -> None:
    """Delete case events as a tamperer with database access would: no ORM cascade or
    protection. A queued notice that points at one goes first, so the database stays
    consistent and only the history is changed."""
    from oneseal.documents.models import PendingNotice

    PendingNotice.objects.filter(event__in=events).delete()
    events._raw_delete(events.db)
