"""The pick through the API and the pages: the same action, scoped like the case."""

import pytest
from rest_framework.test import APIClient

from oneseal.reuse.models import ReusedMaterial
from oneseal.testing import at

from .conftest import line_of

LICENCE_LINE = "食品经营许可证（副本）复印件"


def client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_api_lists_candidates_and_picks_for_a_clerk_of_the_region(
    sign_case, food_licence, business_licence, clerk, far_staff, other_applicant_user
):
    line = line_of(sign_case, "营业执照")
    url = f"/api/v1/cases/{sign_case.pk}/materials/{line.pk}"
    listed = client(clerk).get(url + "/reuse-candidates")
    assert listed.status_code == 200
    assert [(c["kind"], c["id"]) for c in listed.json()] == [("imported", business_licence.pk)]
    # Outside the case's scope: nothing, not even that the case exists.
    for outsider in (far_staff, other_applicant_user):
        assert client(outsider).get(url + "/reuse-candidates").status_code == 404
        body = {"kind": "imported", "id": business_licence.pk}
        assert client(outsider).post(url + "/reuse", body, format="json").status_code == 404
    # Someone else's document, by its id: refused under the material's field.
    other = line_of(sign_case, LICENCE_LINE)
    bad = client(clerk).post(
        f"/api/v1/cases/{sign_case.pk}/materials/{other.pk}/reuse",
        {"kind": "licence", "id": 999999},
        format="json",
    )
    assert bad.status_code == 400 and f"material-{other.material_id}" in bad.json()["fields"]
    ok = client(clerk).post(
        url + "/reuse", {"kind": "imported", "id": business_licence.pk}, format="json"
    )
    assert ok.status_code == 201 and ok.json()["identifier"] == business_licence.identifier
    reused = client(clerk).get(f"/api/v1/cases/{sign_case.pk}/reused").json()
    assert [(r["material"], r["problem"]) for r in reused] == [("营业执照", "")]


def test_the_applicant_picks_their_own_on_the_portal_and_not_anothers(
    sign_item, own_applicant, applicant_user, clerk, food_licence
):
    from oneseal.cases import actions as case_actions

    case = case_actions.receive(
        sign_item, actor=clerk, applicant=own_applicant, at=at("2025-04-01 09:00")
    )
    line = line_of(case, LICENCE_LINE)
    applicant_user_client = APIClient()
    applicant_user_client.force_login(applicant_user)
    page = applicant_user_client.get(f"/my/cases/{case.pk}/")
    assert page.status_code == 200 and "reuse-line" not in page.content.decode()
    # Posting another holder's licence by hand is refused, named, and nothing is stored.
    response = applicant_user_client.post(
        f"/reuse/cases/{case.pk}/materials/{line.pk}/pick/",
        {"source": f"licence:{food_licence.pk}"},
        follow=True,
    )
    assert "不属于申请人" in response.content.decode()
    assert not ReusedMaterial.objects.exists()


def test_the_workbench_offers_picks_and_shows_the_reuse(
    sign_case, food_licence, business_licence, clerk, reviewer, seal
):
    web = APIClient()
    web.force_login(clerk)
    line = line_of(sign_case, LICENCE_LINE)
    page = web.get(f"/workbench/cases/{sign_case.pk}/").content.decode()
    assert f'id="reuse-line-{line.pk}"' in page and food_licence.number in page
    response = web.post(
        f"/reuse/cases/{sign_case.pk}/materials/{line.pk}/pick/",
        {"source": f"licence:{food_licence.pk}"},
        follow=True,
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "复用：食品经营许可证（核验于" in text and f'id="reuse-line-{line.pk}"' not in text
    # The reviewer sees what was reused, and is offered no pick.
    web.force_login(reviewer)
    page = web.get(f"/workbench/cases/{sign_case.pk}/").content.decode()
    assert "复用：食品经营许可证（核验于" in page and "reuse-line-" not in page


def test_online_application_picks_a_licence_instead_of_a_file(
    sign_item,
    make_item,
    own_applicant,
    applicant_user,
    clerk,
    signatory,
    seal,
    applicant,
    food_licence,
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oneseal.cases import actions as case_actions
    from oneseal.errors import ValidationFailed
    from oneseal.reuse import actions
    from oneseal.testing import accepted_case, day

    from .conftest import PDF

    own = case_actions.grant(
        accepted_case(make_item(steps=False), own_applicant, clerk, "2025-03-04"),
        actor=signatory,
        on=day("2025-03-04"),
        scope="热食类食品制售",
        valid_from=day("2025-03-04"),
        valid_until=day("2030-03-03"),
    )
    by_name = {m.name: m for m in sign_item.materials.all()}
    files = {
        by_name[n].pk: SimpleUploadedFile(f"{n}.pdf", PDF, content_type="application/pdf")
        for n in ("食品经营许可申请书", "营业执照")
    }
    licence_material = by_name[LICENCE_LINE].pk
    # Another holder's licence refuses the whole application, under the material.
    with pytest.raises(ValidationFailed) as exc:
        actions.apply_online(
            sign_item,
            actor=applicant_user,
            applicant=own_applicant,
            files=dict(files),
            picks={licence_material: f"licence:{food_licence.pk}"},
            at=at("2025-04-01 10:00"),
        )
    assert "不属于申请人" in exc.value.fields[f"material-{licence_material}"][0]
    for f in files.values():
        f.seek(0)
    case = actions.apply_online(
        sign_item,
        actor=applicant_user,
        applicant=own_applicant,
        files=dict(files),
        picks={licence_material: f"licence:{own.pk}"},
        at=at("2025-04-01 10:00"),
    )
    row = ReusedMaterial.objects.get(case=case)
    assert row.identifier == own.number and row.upload is not None
    assert row.upload.case_material.material_id == licence_material


def test_the_intake_checklist_offers_the_pick_and_returns_to_it(sign_case, business_licence, clerk):
    web = APIClient()
    web.force_login(clerk)
    line = line_of(sign_case, "营业执照")
    page = web.get(f"/workbench/intake/{sign_case.pk}/").content.decode()
    assert f'id="reuse-line-{line.pk}"' in page and 'name="back" value="intake"' in page
    response = web.post(
        f"/reuse/cases/{sign_case.pk}/materials/{line.pk}/pick/",
        {"source": f"imported:{business_licence.pk}", "back": "intake"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"/workbench/intake/{sign_case.pk}/")
    assert ReusedMaterial.objects.get().case_material == line


def test_an_elicence_without_a_file_is_offered_and_picked_by_reference_online(
    sign_item, own_applicant, applicant_user, client
):
    """免证办 online: a library e-licence the library sent without its file stands for the
    material by reference; the case records where it came from, and a withdrawn one is not
    offered and refused."""
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from oneseal.reuse import actions, importing
    from oneseal.reuse.models import ImportedLicence

    from .conftest import PDF, elicence

    own_number = own_applicant.id_number
    actions.import_licences(
        importing.read_json(
            json.dumps(
                [
                    elicence(
                        identifier="1.2.156.3005.2.GTH.640221198001011237.001",
                        number="92640221MA0000001X",
                        holder_name=own_applicant.name,
                        holder_code=own_number,
                    )
                ]
            )
        ),
        source="push",
        system=True,
    )
    row = ImportedLicence.objects.get(holder_code=own_number)
    assert not row.file
    by_name = {m.name: m for m in sign_item.materials.all()}
    licence_line = by_name["营业执照"].pk
    client.force_login(applicant_user)
    page = client.get(f"/apply/{sign_item.pk}/").content.decode()
    assert f'value="imported:{row.pk}"' in page and "引用电子证照库记录，无需文件" in page
    files = {
        by_name[n].pk: SimpleUploadedFile(f"{n}.pdf", PDF, content_type="application/pdf")
        for n in ("食品经营许可申请书", LICENCE_LINE)
    }
    case = actions.apply_online(
        sign_item,
        actor=applicant_user,
        applicant=own_applicant,
        files=files,
        picks={licence_line: f"imported:{row.pk}"},
        at=at("2025-04-01 10:00"),
    )
    reused = ReusedMaterial.objects.get(case=case)
    assert reused.kind == "imported" and reused.upload is None
    assert reused.identifier == row.identifier and reused.verified_by == applicant_user
    line = case.materials.get(material_id=licence_line)
    assert not line.uploads.exists()
    event = case.events.get(action="attach_file", data__line=line.pk)
    assert event.data["reused"]["identifier"] == row.identifier
    # Withdrawn by the library: no longer offered, and refused by name if sent anyway.
    row.status = ImportedLicence.Status.WITHDRAWN
    row.save(update_fields=["status"])
    page = client.get(f"/apply/{sign_item.pk}/").content.decode()
    assert f'value="imported:{row.pk}"' not in page
    for f in files.values():
        f.seek(0)
    from oneseal.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        actions.apply_online(
            sign_item,
            actor=applicant_user,
            applicant=own_applicant,
            files=files,
            picks={licence_line: f"imported:{row.pk}"},
            idempotency_key="second",
            at=at("2025-04-01 10:00"),
        )
    assert "已吊销" in refused.value.fields[f"material-{licence_line}"][0]


@pytest.mark.django_db(transaction=True)
def test_a_pick_through_the_api_is_its_own_transaction(sign_case, business_licence, clerk):
    # Committed for real, as in production (no test transaction around the request): the
    # pick locks the case, which needs a transaction of its own (PostgreSQL refuses a row lock
    # outside one).
    line = line_of(sign_case, "营业执照")
    url = f"/api/v1/cases/{sign_case.pk}/materials/{line.pk}/reuse"
    ok = client(clerk).post(url, {"kind": "imported", "id": business_licence.pk}, format="json")
    assert ok.status_code == 201, ok.content
    assert ReusedMaterial.objects.filter(case_material=line).count() == 1
