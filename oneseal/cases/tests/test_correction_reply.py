"""The applicant's reply to a one-time correction notice (一次性告知) brings a new file for each
material the notice lists, whichever way it is sent (the portal's page, the API): the rule is
the action's. A clerk taking the papers at the window needs no file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.cases import actions
from oneseal.cases.models import Case, CaseEvent, Channel, State
from oneseal.cases.queries import correction_notice, correction_reply
from oneseal.errors import ValidationFailed
from oneseal.testing import online_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting(handling_item, own_applicant, applicant_user, clerk):
    case = actions.receive(
        handling_item,
        actor=applicant_user,
        applicant=own_applicant,
        channel=Channel.ONLINE,
        uploads=online_files(handling_item, own_applicant),
    )
    line = case.materials.select_related("material").first()
    # The file sent with the application is older than the notice, even in the same second.
    assert line.uploads.exists()
    case = actions.request_correction(case, actor=clerk, items={line.pk: "申请书未签字"})
    return case, line


def test_the_applicants_reply_without_a_new_file_names_the_material(awaiting, applicant_user):
    case, line = awaiting
    with pytest.raises(ValidationFailed) as refused:
        actions.submit_correction(case, actor=applicant_user)
    assert refused.value.fields["materials"] == [f"“{line.material.name}”：请先上传补正后的文件"]
    case.refresh_from_db()
    assert case.state == State.AWAITING_CORRECTION
    assert actions.correction_files_missing(case) == [line.material.name]

    actions.attach_file(
        line, actor=applicant_user, upload=SimpleUploadedFile("signed.pdf", b"%PDF-1.7 signed")
    )
    assert actions.correction_files_missing(case) == []
    case = actions.submit_correction(case, actor=applicant_user)
    assert case.state == State.RECEIVED


def test_the_clerk_takes_the_corrected_papers_at_the_window_without_a_scan(awaiting, clerk):
    case, _line = awaiting
    case = actions.submit_correction(case, actor=clerk)
    assert case.state == State.RECEIVED


def test_a_reply_recorded_before_events_named_their_upload_is_known_by_its_digest(
    awaiting, applicant_user
):
    case, line = awaiting
    sent = actions.attach_file(
        line, actor=applicant_user, upload=SimpleUploadedFile("signed.pdf", b"%PDF-1.7 signed")
    )
    # The event as attach_file wrote it until it named the upload: line and digest only.
    event = case.events.get(action="attach_file", data__upload=sent.pk)
    CaseEvent.objects.filter(pk=event.pk).update(
        data={k: v for k, v in event.data.items() if k != "upload"}
    )
    case = Case.objects.get(pk=case.pk)
    reply = correction_reply(case, correction_notice(case))
    assert reply.lines == {line.pk} and not reply.uploads
    assert reply.has(sent) and not any(reply.has(u) for u in line.uploads.exclude(pk=sent.pk))
