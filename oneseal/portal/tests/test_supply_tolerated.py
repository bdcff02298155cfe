"""The applicant supplies online a material accepted as missing on a promise (容缺受理): the
case page offers the form on that line only while the promise is open, the file is stored on
the line, and a refusal names the material. Nobody else's account reaches the form."""

from django.urls import reverse

from oneseal.cases.models import CaseMaterial
from oneseal.testing import accepted_case

from .conftest import client_for, pdf


def _url(case, line):
    return reverse("portal:supply", args=[case.pk, line.pk])


def test_the_applicant_supplies_a_tolerated_material_online(make_item, person, stranger, clerk):
    case = accepted_case(
        make_item(), person.applicants.get(), clerk, "2025-03-03", tolerated_until="2099-12-31"
    )
    line = case.materials.get(status=CaseMaterial.Status.TOLERATED)
    own = client_for(person)
    page = own.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert _url(case, line) in page
    assert page.count("/supply/") == 1  # no other line offers it

    # Nobody else's account reaches it.
    assert client_for(stranger).post(_url(case, line), {"file": pdf()}).status_code == 404

    refused = own.post(_url(case, line), follow=True).content.decode()
    assert "食品安全管理制度" in refused and "请上传" in refused
    response = own.post(_url(case, line), {"file": pdf("管理制度.pdf")})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.supplied_on is not None and line.uploads.get().original_name == "管理制度.pdf"
    assert line.uploads.get().uploaded_by == person
    page = own.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert _url(case, line) not in page and "已于" in page
