"""Saving, resuming, submitting and deleting a draft through its actions; the denials; the
worker's retention on real dates."""

import pytest
from django.core.files.storage import default_storage

from oneseal.audit.models import AuditEvent
from oneseal.cases.models import Case, Upload
from oneseal.drafts import actions, queries
from oneseal.drafts.models import Draft, DraftUpload
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.testing import at, day

from .conftest import pdf


@pytest.fixture
def draft(handling_item, own_applicant, applicant_user):
    return actions.start_draft(handling_item, actor=applicant_user, applicant=own_applicant)


def test_a_draft_keeps_fields_and_files_and_submits_as_a_case_with_the_same_files(
    draft, applicant_user, form, rules_doc, django_capture_on_commit_callbacks
):
    actions.save_fields(draft, actor=applicant_user, fields={"licence": ""})
    first = actions.add_upload(draft, form, actor=applicant_user, upload=pdf())
    actions.add_upload(draft, rules_doc, actor=applicant_user, upload=pdf("制度.pdf"))
    assert first.size == len(b"%PDF-1.7 draft") and first.content_type == "application/pdf"
    assert len(first.sha256) == 64 and default_storage.exists(first.file.name)
    # Resumed elsewhere: the same account reads the same draft from the server.
    resumed = queries.own_draft(applicant_user, draft.pk)
    assert [u.original_name for u in resumed.uploads.all()] == ["申请书.pdf", "制度.pdf"]

    with django_capture_on_commit_callbacks(execute=True):
        case = actions.submit(draft, actor=applicant_user)
    assert case.channel == "online" and case.state == "received"
    uploads = Upload.objects.filter(case_material__case=case).order_by("original_name")
    assert {u.file.name for u in uploads} >= {first.file.name}  # the stored file, not a copy
    assert {u.sha256 for u in uploads} == {u.sha256 for u in resumed.uploads.all()}
    assert default_storage.exists(first.file.name)
    assert not Draft.objects.exists() and not DraftUpload.objects.exists()
    assert AuditEvent.objects.filter(action="drafts.submit").count() == 1


def test_submitting_the_same_draft_twice_opens_one_case(draft, applicant_user, form):
    actions.add_upload(draft, form, actor=applicant_user, upload=pdf())
    first = actions.submit(draft, actor=applicant_user)
    again = actions.submit(draft.pk, actor=applicant_user)
    assert first.pk == again.pk and Case.objects.count() == 1


def test_a_submission_missing_a_required_file_keeps_the_draft(draft, applicant_user, form):
    actions.add_upload(
        draft,
        draft.handling_item.materials.get(order=2),
        actor=applicant_user,
        upload=pdf("制度.pdf"),
    )
    with pytest.raises(ValidationFailed) as refused:
        actions.submit(draft, actor=applicant_user)
    assert f"material-{form.pk}" in refused.value.fields
    assert Case.objects.count() == 0 and DraftUpload.objects.filter(draft=draft).count() == 1


def test_a_refused_file_names_its_material_and_keeps_the_file_before(draft, applicant_user, form):
    kept = actions.add_upload(draft, form, actor=applicant_user, upload=pdf())
    with pytest.raises(ValidationFailed) as refused:
        actions.add_upload(
            draft, form, actor=applicant_user, upload=pdf("x.pdf", body=b"MZ\x90 not a pdf")
        )
    assert "只接受" in refused.value.fields[f"material-{form.pk}"][0]
    assert list(DraftUpload.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_material_the_applicant_does_not_upload_is_refused(
    draft, applicant_user, handling_item, admin_user
):
    with pytest.raises(ValidationFailed) as refused:
        actions.add_upload(draft, 999999, actor=applicant_user, upload=pdf())
    assert "material-999999" in refused.value.fields


def test_a_new_file_replaces_the_materials_old_one_which_is_deleted(
    draft, applicant_user, form, django_capture_on_commit_callbacks
):
    old = actions.add_upload(draft, form, actor=applicant_user, upload=pdf())
    with django_capture_on_commit_callbacks(execute=True):
        new = actions.add_upload(draft, form, actor=applicant_user, upload=pdf("新.pdf"))
    assert list(DraftUpload.objects.values_list("pk", flat=True)) == [new.pk]
    assert not default_storage.exists(old.file.name) and default_storage.exists(new.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        actions.remove_upload(new, actor=applicant_user)
    assert not DraftUpload.objects.exists() and not default_storage.exists(new.file.name)


def test_the_owner_deletes_the_draft_with_its_files(
    draft, applicant_user, form, django_capture_on_commit_callbacks
):
    row = actions.add_upload(draft, form, actor=applicant_user, upload=pdf())
    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_draft(draft, actor=applicant_user)
    assert not Draft.objects.exists() and not default_storage.exists(row.file.name)
    assert AuditEvent.objects.filter(action="drafts.delete").count() == 1


def test_nobody_but_the_owner_acts_on_a_draft(
    draft, applicant_user, other_applicant_user, clerk, form, own_applicant, handling_item
):
    row = actions.add_upload(draft, form, actor=applicant_user, upload=pdf())
    for someone in (other_applicant_user, clerk):
        with pytest.raises(NotPermitted):
            actions.save_fields(draft, actor=someone, fields={"licence": "1"})
        with pytest.raises(NotPermitted):
            actions.add_upload(draft, form, actor=someone, upload=pdf())
        with pytest.raises(NotPermitted):
            actions.remove_upload(row, actor=someone)
        with pytest.raises(NotPermitted):
            actions.submit(draft, actor=someone)
        with pytest.raises(NotPermitted):
            actions.delete_draft(draft, actor=someone)
        assert queries.own_draft(someone, draft.pk) is None
        assert queries.own_upload(someone, draft.pk, row.pk) is None
        # Nor may anyone start a draft for an applicant they do not act for.
        with pytest.raises(NotPermitted):
            actions.start_draft(handling_item, actor=someone, applicant=own_applicant)
    assert Case.objects.count() == 0 and DraftUpload.objects.count() == 1


def test_saving_the_same_values_again_changes_nothing(draft, applicant_user):
    actions.save_fields(draft, actor=applicant_user, fields={"licence": "7"})
    before = Draft.objects.get().changed_at
    actions.save_fields(draft, actor=applicant_user, fields={"licence": "7"})
    assert Draft.objects.get().changed_at == before
    assert AuditEvent.objects.filter(action="drafts.save").count() == 1


# --- retention, on real dates -------------------------------------------------------------


def test_a_draft_left_30_days_is_warned_3_days_before_and_removed_with_its_files(
    handling_item, own_applicant, applicant_user, form, django_capture_on_commit_callbacks
):
    # Changed late on 27 January 2026 in Shanghai (15:30 UTC the same day); the Spring
    # Festival holiday in between does not lengthen the 30 calendar days.
    draft = actions.start_draft(
        handling_item, actor=applicant_user, applicant=own_applicant, at=at("2026-01-27 23:30")
    )
    row = actions.add_upload(
        draft, form, actor=applicant_user, upload=pdf(), at=at("2026-01-27 23:30")
    )
    assert actions.expire_drafts(day("2026-02-22"), system=True) == {"warned": 0, "removed": 0}
    assert actions.expire_drafts(day("2026-02-23"), system=True) == {"warned": 1, "removed": 0}
    warned = Draft.objects.get()
    assert warned.warned_at is not None and queries.removal_day(warned) == day("2026-02-26")
    # The owner is told in the message box (and by the channels they chose), once.
    from oneseal.notifications.models import Notification

    told = Notification.objects.get(user=applicant_user, kind="draft")
    assert "2026年2月26日" in told.body and told.link.endswith(f"/{draft.pk}/")
    assert actions.expire_drafts(day("2026-02-24"), system=True) == {"warned": 0, "removed": 0}
    assert Notification.objects.filter(kind="draft").count() == 1
    assert actions.expire_drafts(day("2026-02-25"), system=True) == {"warned": 0, "removed": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.expire_drafts(day("2026-02-26"), system=True) == {
            "warned": 0,
            "removed": 1,
        }
    assert not Draft.objects.exists() and not default_storage.exists(row.file.name)
    assert AuditEvent.objects.filter(action="drafts.expire").count() == 1


def test_the_days_are_counted_in_shanghai_not_utc(handling_item, own_applicant, applicant_user):
    # 00:30 on 28 January in Shanghai is still 27 January in UTC: it counts from the 28th.
    actions.start_draft(
        handling_item, actor=applicant_user, applicant=own_applicant, at=at("2026-01-28 00:30")
    )
    assert actions.expire_drafts(day("2026-02-23"), system=True)["warned"] == 0
    assert actions.expire_drafts(day("2026-02-24"), system=True)["warned"] == 1


def test_a_change_after_the_warning_restarts_the_30_days(
    handling_item, own_applicant, applicant_user
):
    draft = actions.start_draft(
        handling_item, actor=applicant_user, applicant=own_applicant, at=at("2025-09-05 10:00")
    )
    actions.expire_drafts(day("2025-10-02"), system=True)
    assert Draft.objects.get().warned_at is not None
    actions.save_fields(
        draft, actor=applicant_user, fields={"licence": "3"}, at=at("2025-10-03 09:00")
    )
    assert Draft.objects.get().warned_at is None
    assert actions.expire_drafts(day("2025-10-05"), system=True) == {"warned": 0, "removed": 0}
    assert queries.removal_day(Draft.objects.get()) == day("2025-11-02")


def test_a_late_warning_delays_the_removal_by_3_days(handling_item, own_applicant, applicant_user):
    # The worker was down from the warning day: the draft is not removed unannounced.
    actions.start_draft(
        handling_item, actor=applicant_user, applicant=own_applicant, at=at("2025-09-05 10:00")
    )
    assert actions.expire_drafts(day("2025-10-10"), system=True) == {"warned": 1, "removed": 0}
    assert actions.expire_drafts(day("2025-10-12"), system=True)["removed"] == 0
    assert actions.expire_drafts(day("2025-10-13"), system=True)["removed"] == 1


def test_the_retention_job_needs_the_system(applicant_user):
    with pytest.raises(NotPermitted):
        actions.expire_drafts(day("2025-10-13"))
    with pytest.raises(NotPermitted):
        actions.expire_drafts(day("2025-10-13"), actor=applicant_user)
