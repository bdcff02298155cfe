"""Who sees which e-licence (a holder their own, staff in their region), the export for the
provincial library, the OFD downloads and the public check by code or by file."""

import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from oneseal.catalogue.models import Variant
from oneseal.elicences.models import ELicence
from oneseal.testing import day

from .test_issue import decided, ofd_bytes


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def elicence(food, own_applicant, clerk, signatory, seal):
    decided(
        food[Variant.NEW],
        own_applicant,
        clerk,
        signatory,
        "2025-01-24",
        scope="热食类食品制售",
        valid_from=day("2025-01-24"),
        valid_until=day("2030-01-23"),
    )
    return ELicence.objects.get()


def test_the_holder_sees_and_downloads_their_own_e_licence(elicence, applicant_user):
    assert elicence.holder_code_type == ELicence.CodeType.ID_CARD
    rows = api(applicant_user).get("/api/v1/elicences").json()["results"]
    assert [r["identifier"] for r in rows] == [elicence.identifier]
    detail = api(applicant_user).get(f"/api/v1/elicences/{elicence.pk}").json()
    assert detail["holder_code"] == "640221198001011237" and detail["standing"] == "valid"
    response = api(applicant_user).get(f"/api/v1/elicences/{elicence.pk}/file")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == ofd_bytes(elicence)


def test_another_applicant_and_staff_of_another_county_see_nothing(
    elicence, other_applicant_user, far_staff
):
    for user in (other_applicant_user, far_staff):
        assert api(user).get("/api/v1/elicences").json()["results"] == []
        assert api(user).get(f"/api/v1/elicences/{elicence.pk}").status_code == 404
        assert api(user).get(f"/api/v1/elicences/{elicence.pk}/file").status_code == 404
    assert api().get("/api/v1/elicences").status_code in (401, 403)


def test_staff_see_the_e_licences_of_their_region(elicence, clerk):
    rows = api(clerk).get("/api/v1/elicences", {"region": "640221"}).json()["results"]
    assert [r["id"] for r in rows] == [elicence.pk]
    assert api(clerk).get("/api/v1/elicences", {"region": "110101"}).json()["results"] == []


def test_the_export_gives_the_gbt_36903_fields_as_json_and_xlsx(elicence, clerk):
    query = {"start": "2025-01-01", "end": "2025-01-31"}
    data = api(clerk).get("/api/v1/elicences/export", query).json()
    assert data["count"] == 1
    row = data["elicences"][0]
    assert row["证照标识"] == elicence.identifier
    assert row["持证主体代码类型"] == "公民身份号码" and row["证照状态"] == "有效"
    assert row["有效期截止日期"] == "2030-01-23"
    assert {"照面项名称": "许可范围", "照面项值": "热食类食品制售"} in row["照面信息"]
    response = api(clerk).get("/api/v1/elicences/export", {**query, "output": "xlsx"})
    assert response.status_code == 200
    import io

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    assert header[0] == "证照标识" and first[0] == elicence.identifier
    # Another period gives nothing; a period the wrong way round is refused with its field.
    assert (
        api(clerk)
        .get("/api/v1/elicences/export", {"start": "2025-02-01", "end": "2025-02-28"})
        .json()["count"]
        == 0
    )
    bad = api(clerk).get("/api/v1/elicences/export", {"start": "2025-02-01", "end": "2025-01-01"})
    assert bad.status_code == 400 and "end" in bad.json()["fields"]


def test_the_export_is_refused_to_applicants_and_outside_the_callers_region(
    elicence, applicant_user, clerk, far_staff
):
    query = {"start": "2025-01-01", "end": "2025-01-31"}
    assert api(applicant_user).get("/api/v1/elicences/export", query).status_code == 403
    assert (
        api(clerk).get("/api/v1/elicences/export", {**query, "region": "110101"}).status_code == 403
    )
    assert api(far_staff).get("/api/v1/elicences/export", query).json()["count"] == 0


def test_the_public_check_by_code_identifier_and_file(elicence, client):
    by_code = api().get(f"/api/v1/elicences/verify/{elicence.verification_code}").json()
    assert by_code["authentic"] and by_code["elicence"]["identifier"] == elicence.identifier
    by_id = api().get(f"/api/v1/elicences/verify/{elicence.identifier}").json()
    assert by_id["elicence"]["number"] == elicence.number
    assert "holder_code" not in by_id["elicence"]  # the public sees what the paper shows
    assert api().get("/api/v1/elicences/verify/NOSUCHCODE").status_code == 404
    upload = (
        api()
        .post(
            "/api/v1/elicences/verify", {"file": _upload(ofd_bytes(elicence))}, format="multipart"
        )
        .json()
    )
    assert upload["authentic"] and upload["verdict"] == "文件真实，证照现行有效"
    # The common verification page finds it by its code and sends the visitor to its page.
    response = client.get(reverse("documents:verify", args=[elicence.verification_code]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert elicence.identifier in page and "文件真实，证照现行有效" in page
    # … and by its identifier, which that page normalises like a typed code.
    response = client.get(reverse("documents:verify", args=[elicence.identifier]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "elicences:verify", args=[elicence.verification_code]
    )


def test_the_pages_link_the_ofd_for_the_holder_and_staff(
    elicence, client, applicant_user, clerk, far_staff
):
    client.force_login(applicant_user)
    mine = client.get(reverse("portal:my_licences")).content.decode()
    assert reverse("elicences:file", args=[elicence.pk]) in mine
    assert client.get(reverse("elicences:file", args=[elicence.pk])).status_code == 200
    assert client.get(reverse("elicences:list")).status_code == 403
    client.force_login(clerk)
    case_page = client.get(
        reverse("workbench:case", args=[elicence.document.case_id])
    ).content.decode()
    assert reverse("elicences:file", args=[elicence.pk]) in case_page
    listing = client.get(reverse("elicences:list")).content.decode()
    assert elicence.identifier in listing
    export = client.get(
        reverse("elicences:list"),
        {"export": "1", "start": "2025-01-01", "end": "2025-01-31", "output": "json"},
    )
    assert json.loads(export.content)["elicences"][0]["证照编号"] == elicence.number
    client.force_login(far_staff)
    assert client.get(reverse("elicences:file", args=[elicence.pk])).status_code == 404


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("licence.ofd", data, content_type="application/ofd")
