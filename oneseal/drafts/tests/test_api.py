"""/api/v1/drafts: the caller's own drafts only; a second submission returns the same case."""

import pytest
from rest_framework.test import APIClient

from oneseal.cases.models import Case
from oneseal.drafts.models import Draft

from .conftest import pdf


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def started(applicant_user, own_applicant, handling_item):
    r = api(applicant_user).post(
        "/api/v1/drafts", {"handling_item": handling_item.pk}, format="json"
    )
    assert r.status_code == 201, r.content
    return r.json()


def test_create_update_add_and_remove_files_submit(applicant_user, started, form, rules_doc):
    client, pk = api(applicant_user), started["id"]
    r = client.patch(f"/api/v1/drafts/{pk}", {"licence": "x"}, format="json")
    assert r.status_code == 400 and "licence" in r.json()["fields"]
    assert client.patch(f"/api/v1/drafts/{pk}", {"licence": ""}, format="json").status_code == 200
    r = client.post(f"/api/v1/drafts/{pk}/files", {"material": form.pk, "file": pdf()})
    assert r.status_code == 201 and [f["original_name"] for f in r.json()["files"]] == [
        "申请书.pdf"
    ]
    r = client.post(f"/api/v1/drafts/{pk}/files", {"material": rules_doc.pk, "file": pdf("z.pdf")})
    extra = next(f for f in r.json()["files"] if f["material_id"] == rules_doc.pk)
    r = client.delete(f"/api/v1/drafts/{pk}/files/{extra['id']}")
    assert r.status_code == 200 and len(r.json()["files"]) == 1
    assert [d["id"] for d in client.get("/api/v1/drafts").json()] == [pk]
    first = client.post(f"/api/v1/drafts/{pk}/submit")
    again = client.post(f"/api/v1/drafts/{pk}/submit")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"] and Case.objects.count() == 1
    assert client.get(f"/api/v1/drafts/{pk}").status_code == 404


def test_a_refused_file_names_its_material(applicant_user, started, form):
    r = api(applicant_user).post(
        f"/api/v1/drafts/{started['id']}/files",
        {"material": form.pk, "file": pdf("a.pdf", body=b"not a pdf")},
    )
    assert r.status_code == 400 and f"material-{form.pk}" in r.json()["fields"]


def test_nobody_else_reads_or_changes_the_draft(
    started, other_applicant_user, clerk, form, own_applicant, handling_item
):
    pk = started["id"]
    for client in (api(other_applicant_user), api(clerk)):
        assert client.get("/api/v1/drafts").json() == []
        assert client.get(f"/api/v1/drafts/{pk}").status_code == 404
        assert client.patch(f"/api/v1/drafts/{pk}", {}, format="json").status_code == 404
        assert (
            client.post(
                f"/api/v1/drafts/{pk}/files", {"material": form.pk, "file": pdf()}
            ).status_code
            == 404
        )
        assert client.post(f"/api/v1/drafts/{pk}/submit").status_code == 404
        assert client.delete(f"/api/v1/drafts/{pk}").status_code == 404
        # Nor start one for someone they do not act for.
        r = client.post(
            "/api/v1/drafts",
            {"handling_item": handling_item.pk, "applicant": own_applicant.pk},
            format="json",
        )
        assert r.status_code == 400 and "applicant" in r.json()["fields"]
    assert api().get("/api/v1/drafts").status_code in (401, 403)
    assert api().post(f"/api/v1/drafts/{pk}/submit").status_code in (401, 403)
    assert Draft.objects.count() == 1 and not Case.objects.exists()


def test_the_owner_deletes_through_the_api(applicant_user, started):
    assert api(applicant_user).delete(f"/api/v1/drafts/{started['id']}").status_code == 204
    assert not Draft.objects.exists()
