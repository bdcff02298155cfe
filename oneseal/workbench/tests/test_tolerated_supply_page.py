"""The window supplies a tolerated material with its scan: the form takes the file (multipart),
the action stores it, and the case's materials list links it. Without a scan, or with a file
the upload check refuses, the form comes back with the reason under the file."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from oneseal.cases.models import CaseMaterial
from oneseal.testing import accepted_case

PDF = b"%PDF-1.7 test scan"


def _form(body: str) -> str:
    start = body.index('id="form-supply-tolerated-material"')
    return body[body.rindex("<form", 0, start) : body.index("</form>", start)]


def _post(client, case, **data):
    case.refresh_from_db()
    data.setdefault("expected_version", case.lock_version)
    return client.post(reverse("workbench:act", args=[case.pk, "supply-tolerated-material"]), data)


def test_the_form_takes_the_scan_and_the_materials_list_shows_it(client, item, applicant, clerk):
    case = accepted_case(item, applicant, clerk, "2025-03-03", tolerated_until="2099-12-31")
    line = case.materials.get(status=CaseMaterial.Status.TOLERATED)
    client.force_login(clerk)
    form = _form(client.get(reverse("workbench:case", args=[case.pk])).content.decode())
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form
    scan = SimpleUploadedFile("食品安全管理制度.pdf", PDF, content_type="application/pdf")
    assert _post(client, case, line=line.pk, file=scan).status_code == 302
    line.refresh_from_db()
    upload = line.uploads.get()
    assert line.supplied_on is not None
    body = client.get(reverse("workbench:case", args=[case.pk])).content.decode()
    assert reverse("workbench:upload", args=[upload.pk]) in body
    assert "食品安全管理制度.pdf" in body


def test_without_a_scan_or_with_a_refused_file_nothing_is_supplied(client, item, applicant, clerk):
    case = accepted_case(item, applicant, clerk, "2025-03-03", tolerated_until="2099-12-31")
    line = case.materials.get(status=CaseMaterial.Status.TOLERATED)
    client.force_login(clerk)
    r = _post(client, case, line=line.pk)
    assert r.status_code == 400
    assert "请上传" in _form(r.content.decode())
    fake = SimpleUploadedFile("扫描件.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    r = _post(client, case, line=line.pk, file=fake)
    assert r.status_code == 400 and "只接受" in _form(r.content.decode())
    line.refresh_from_db()
    assert line.supplied_on is None and not line.uploads.exists()
