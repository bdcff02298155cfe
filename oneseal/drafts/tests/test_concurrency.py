"""Two devices saving the same draft at the same moment, each on its own connection
(PostgreSQL only: SQLite serialises every writer, so it cannot show a race)."""

import pytest

from oneseal.cases.models import Case
from oneseal.drafts import actions
from oneseal.drafts.models import Draft, DraftUpload
from oneseal.testing import POSTGRES_ONLY, in_parallel

from .conftest import pdf

pytestmark = [*POSTGRES_ONLY, pytest.mark.django_db(transaction=True)]


def test_files_of_two_devices_both_stay_and_a_field_takes_one_whole_value(
    handling_item, own_applicant, applicant_user, form, rules_doc
):
    draft = actions.start_draft(handling_item, actor=applicant_user, applicant=own_applicant)
    results = in_parallel(
        lambda: actions.add_upload(draft.pk, form.pk, actor=applicant_user, upload=pdf("a.pdf")),
        lambda: actions.add_upload(
            draft.pk, rules_doc.pk, actor=applicant_user, upload=pdf("b.pdf")
        ),
        lambda: actions.save_fields(draft.pk, actor=applicant_user, fields={"licence": "11"}),
        lambda: actions.save_fields(draft.pk, actor=applicant_user, fields={"licence": "12"}),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(DraftUpload.objects.values_list("original_name", flat=True)) == [
        "a.pdf",
        "b.pdf",
    ]
    assert Draft.objects.get().fields["licence"] in (11, 12)


def test_two_submissions_at_once_open_one_case(handling_item, own_applicant, applicant_user, form):
    draft = actions.start_draft(handling_item, actor=applicant_user, applicant=own_applicant)
    actions.add_upload(draft, form, actor=applicant_user, upload=pdf())
    first, second = in_parallel(
        lambda: actions.submit(draft.pk, actor=applicant_user),
        lambda: actions.submit(draft.pk, actor=applicant_user),
    )
    assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
    assert first.pk == second.pk and Case.objects.count() == 1
    assert not Draft.objects.exists()
