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


def _held(body: str) -> str:
    import re

    found = re.findall(r'name="held" value="([^"]+)"', _form(body))
    return found[0] if found else ""


def test_a_refused_supply_keeps_its_scan_for_the_next_try(client, item, applicant, clerk):
    """The form comes back refused (here: someone acted on the case meanwhile) with the scan
    kept by the window (`hold_upload`): sent again without choosing the file, the same scan is
    stored on the line."""
    case = accepted_case(item, applicant, clerk, "2025-03-03", tolerated_until="2099-12-31")
    line = case.materials.get(status=CaseMaterial.Status.TOLERATED)
    client.force_login(clerk)
    scan = SimpleUploadedFile("食品安全管理制度.pdf", PDF, content_type="application/pdf")
    stale = case.lock_version - 1
    r = _post(client, case, line=line.pk, file=scan, expected_version=stale)
    assert r.status_code == 409
    form = _form(r.content.decode())
    assert "已上传：食品安全管理制度.pdf" in form
    ref = _held(r.content.decode())
    assert ref and 'type="file" name="file" id="supply-file" required' not in form
    line.refresh_from_db()
    assert line.supplied_on is None and not line.uploads.exists()

    assert _post(client, case, line=line.pk, held=ref).status_code == 302
    line.refresh_from_db()
    upload = line.uploads.get()
    assert line.supplied_on is not None and upload.original_name == "食品安全管理制度.pdf"
    with upload.file.open("rb") as f:
        assert f.read() == PDF


def test_a_kept_scan_is_only_for_its_clerk_and_case(
    client, item, applicant, clerk, django_user_model
):
    case = accepted_case(item, applicant, clerk, "2025-03-03", tolerated_until="2099-12-31")
    other = accepted_case(item, applicant, clerk, "2025-03-04", tolerated_until="2099-12-31")
    line = case.materials.get(status=CaseMaterial.Status.TOLERATED)
    client.force_login(clerk)
    scan = SimpleUploadedFile("扫描件.pdf", PDF, content_type="application/pdf")
    r = _post(client, case, line=line.pk, file=scan, expected_version=case.lock_version - 1)
    ref = _held(r.content.decode())
    assert ref
    # Sent with another case, or forged: refused as without a scan, nothing stored.
    other_line = other.materials.get(status=CaseMaterial.Status.TOLERATED)
    r = _post(client, other, line=other_line.pk, held=ref)
    assert r.status_code == 400 and "请上传" in _form(r.content.decode())
    r = _post(client, case, line=line.pk, held=ref[:-2] + "xx")
    assert r.status_code == 400 and "请上传" in _form(r.content.decode())
    assert not line.uploads.exists() and not other_line.uploads.exists()


def test_a_form_without_the_case_version_is_refused_and_stores_nothing(
    client, item, applicant, clerk
):
    """The page's form always carries the version (`_offer.html`): one without it was not
    sent by the page and is refused, the field named, rather than acted on unchecked."""
    case = accepted_case(item, applicant, clerk, "2025-03-03", tolerated_until="2099-12-31")
    line = case.materials.get(status=CaseMaterial.Status.TOLERATED)
    client.force_login(clerk)
    url = reverse("workbench:act", args=[case.pk, "supply-tolerated-material"])
    for sent in ({}, {"expected_version": ""}):
        scan = SimpleUploadedFile("食品安全管理制度.pdf", PDF, content_type="application/pdf")
        r = client.post(url, {"line": line.pk, "file": scan, **sent})
        assert r.status_code == 400, sent
        form = _form(r.content.decode())
        assert "表单缺少办件版本号（expected_version）" in form, sent
        assert _held(r.content.decode())  # the scan is kept for the next try
    line.refresh_from_db()
    assert line.supplied_on is None and not line.uploads.exists()
    assert not case.events.filter(action="supply_tolerated_material").exists()
