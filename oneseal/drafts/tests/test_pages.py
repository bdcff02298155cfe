"""The draft pages: saved from the application's form, listed in 我的办件, resumed, saved
without JavaScript, submitted once, deleted; nobody but the owner reaches any of it."""

import pytest
from django.test import Client

from oneseal.cases.models import Case
from oneseal.drafts import actions
from oneseal.drafts.models import Draft, DraftUpload

from .conftest import pdf


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner(applicant_user):
    return client_for(applicant_user)


def test_the_application_form_saves_a_draft_that_my_cases_lists_and_resumes(
    owner, handling_item, own_applicant, form, rules_doc
):
    page = owner.get(f"/apply/{handling_item.pk}/").content.decode()
    assert "保存草稿" in page and f'data-autosave="/my/drafts/start/{handling_item.pk}/"' in page
    # The no-JavaScript path: the form posted to 保存草稿 with one file.
    r = owner.post(
        f"/my/drafts/start/{handling_item.pk}/",
        {"applicant": own_applicant.pk, f"material-{form.pk}": pdf()},
    )
    draft = Draft.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/my/drafts/{draft.pk}/"
    listing = owner.get("/my/cases/").content.decode()
    assert 'id="my-drafts"' in listing and handling_item.name in listing and "最后修改" in listing
    page = owner.get(f"/my/drafts/{draft.pk}/").content.decode()
    assert "已保存：" in page and "申请书.pdf" in page and "最后保存" in page
    # Autosave (JSON) of the other file; then submit.
    r = owner.post(
        f"/my/drafts/{draft.pk}/save/",
        {f"material-{rules_doc.pk}": pdf("制度.pdf")},
        headers={"X-Autosave": "1"},
    )
    assert r.status_code == 200 and set(r.json()["uploads"]) == {
        f"material-{form.pk}",
        f"material-{rules_doc.pk}",
    }
    r = owner.post(f"/my/drafts/{draft.pk}/submit/")
    case = Case.objects.get()
    assert r["Location"] == f"/my/cases/{case.pk}/"
    assert case.materials.get(material=form).uploads.get().original_name == "申请书.pdf"
    # A second click after the draft is gone lands on the same case.
    assert owner.post(f"/my/drafts/{draft.pk}/submit/")["Location"] == f"/my/cases/{case.pk}/"
    assert Case.objects.count() == 1 and not Draft.objects.exists()


def test_a_refused_file_is_shown_and_the_rest_is_saved(owner, handling_item, own_applicant, form):
    draft = actions.start_draft(handling_item, actor=own_applicant.user, applicant=own_applicant)
    r = owner.post(
        f"/my/drafts/{draft.pk}/save/",
        {f"material-{form.pk}": pdf("x.pdf", body=b"GIF89a")},
        headers={"X-Autosave": "1"},
    )
    assert r.status_code == 400 and "只接受" in r.json()["errors"][f"material-{form.pk}"][0]
    r = owner.post(f"/my/drafts/{draft.pk}/submit/")
    assert r.status_code == 400 and "请上传“食品经营许可申请书”" in r.content.decode()
    assert Draft.objects.exists() and not Case.objects.exists()


def test_the_warning_shows_in_my_cases_and_on_the_draft(owner, handling_item, own_applicant):
    draft = actions.start_draft(handling_item, actor=own_applicant.user, applicant=own_applicant)
    actions.warn_owner(draft)
    assert "将于" in owner.get("/my/cases/").content.decode()
    assert 'id="draft-warning"' in owner.get(f"/my/drafts/{draft.pk}/").content.decode()


def test_the_owner_deletes_a_draft(owner, handling_item, own_applicant):
    draft = actions.start_draft(handling_item, actor=own_applicant.user, applicant=own_applicant)
    assert owner.post(f"/my/drafts/{draft.pk}/delete/")["Location"] == "/my/cases/"
    assert not Draft.objects.exists()


def test_nobody_else_reaches_the_draft_its_files_or_its_api(
    handling_item, own_applicant, other_applicant_user, clerk, form
):
    draft = actions.start_draft(handling_item, actor=own_applicant.user, applicant=own_applicant)
    row = actions.add_upload(draft, form, actor=own_applicant.user, upload=pdf())
    base = f"/my/drafts/{draft.pk}"
    for client in (client_for(other_applicant_user), client_for(clerk)):
        assert client.get(f"{base}/").status_code == 404
        assert client.get(f"{base}/files/{row.pk}/").status_code == 404
        for url in ("save/", "submit/", "delete/", f"files/{row.pk}/remove/"):
            assert client.post(f"{base}/{url}").status_code == 404
        assert "my-drafts" not in client.get("/my/cases/").content.decode()
    anonymous = Client()
    assert anonymous.get(f"{base}/").status_code == 302  # to sign in
    assert anonymous.get(f"{base}/files/{row.pk}/").status_code == 302
    assert anonymous.post(f"{base}/submit/").status_code == 302
    assert Draft.objects.count() == 1 and DraftUpload.objects.count() == 1
    assert not Case.objects.exists()


def test_the_owner_downloads_a_file(owner, handling_item, own_applicant, form):
    draft = actions.start_draft(handling_item, actor=own_applicant.user, applicant=own_applicant)
    row = actions.add_upload(draft, form, actor=own_applicant.user, upload=pdf())
    r = owner.get(f"/my/drafts/{draft.pk}/files/{row.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.7 draft"
