"""The applicant supplies online a material accepted as missing on a promise (容缺受理): the
case page offers the form on that line only while the promise is open, the file is stored on
the line, and a refusal names the material. Nobody else's account reaches the form."""

import re

from django.urls import reverse

from oneseal.cases.models import CaseMaterial, HeldScan, Upload
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

    version = case.lock_version
    refused = own.post(_url(case, line), {"lock_version": version}, follow=True).content.decode()
    assert "食品安全管理制度" in refused and "请上传" in refused
    response = own.post(_url(case, line), {"file": pdf("管理制度.pdf"), "lock_version": version})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.supplied_on is not None and line.uploads.get().original_name == "管理制度.pdf"
    assert line.uploads.get().uploaded_by == person
    page = own.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert _url(case, line) not in page and "已于" in page


def _tolerated(make_item, user, clerk):
    case = accepted_case(
        make_item(), user.applicants.get(), clerk, "2025-03-03", tolerated_until="2099-12-31"
    )
    return case, case.materials.get(status=CaseMaterial.Status.TOLERATED)


def _form_field(page: str, name: str) -> str:
    """The value of the supply form's hidden field `name` on the case page."""
    form = page[page.index('/supply/" enctype') :]
    found = re.search(rf'name="{name}" value="([^"]*)"', form[: form.index("</form>")])
    assert found is not None, name
    return found.group(1)


def test_a_stale_supply_form_is_refused_and_keeps_the_file_for_the_retry(make_item, person, clerk):
    case, line = _tolerated(make_item, person, clerk)
    own = client_for(person)
    page = own.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    version = int(_form_field(page, "lock_version"))
    assert version == case.lock_version

    # The same form sent from another tab, after the case moved on.
    stale = own.post(_url(case, line), {"file": pdf("管理制度.pdf"), "lock_version": version - 1})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "“食品安全管理制度”：本页打开后办件已有变化，本次补齐未提交" in page
    line.refresh_from_db()
    assert line.supplied_on is None and not Upload.objects.filter(case_material__case=case).exists()
    assert "已保留上次上传的文件“管理制度.pdf”" in page
    assert HeldScan.objects.count() == 1  # the file is kept, not lost

    # Sent again from the page shown: the kept file, no new upload.
    again = own.post(
        _url(case, line),
        {"held": _form_field(page, "held"), "lock_version": _form_field(page, "lock_version")},
    )
    assert again.status_code == 302
    line.refresh_from_db()
    upload = line.uploads.get()
    assert line.supplied_on is not None
    assert (upload.original_name, upload.uploaded_by) == ("管理制度.pdf", person)


def test_a_refused_supply_keeps_a_file_kept_before_when_sent_without_one(make_item, person, clerk):
    case, line = _tolerated(make_item, person, clerk)
    own = client_for(person)
    page = own.post(_url(case, line), {"file": pdf("管理制度.pdf"), "lock_version": 0})
    ref = _form_field(page.content.decode(), "held")
    again = own.post(_url(case, line), {"held": ref, "lock_version": 0})
    assert again.status_code == 409
    assert _form_field(again.content.decode(), "held")  # still carried, not lost


def test_another_applicant_cannot_use_the_kept_files_reference(make_item, person, stranger, clerk):
    case, line = _tolerated(make_item, person, clerk)
    page = client_for(person).post(
        _url(case, line), {"file": pdf("管理制度.pdf"), "lock_version": 0}
    )
    ref = _form_field(page.content.decode(), "held")
    theirs, their_line = _tolerated(make_item, stranger, clerk)

    other = client_for(stranger)
    assert other.post(_url(case, line), {"held": ref}).status_code == 404
    refused = other.post(
        _url(theirs, their_line), {"held": ref, "lock_version": theirs.lock_version}
    )
    assert refused.status_code == 400 and "请上传" in refused.content.decode()
    their_line.refresh_from_db()
    assert their_line.supplied_on is None and not their_line.uploads.exists()


def test_a_supply_form_without_the_case_version_is_refused_and_stores_nothing(
    make_item, person, clerk
):
    """The case page's form always carries the version: one without it (or with a version
    that is no number) was not sent by the page, and is refused rather than acted on
    unchecked; the file is kept for the form shown again, as for a stale one."""
    case, line = _tolerated(make_item, person, clerk)
    own = client_for(person)
    for sent in ({}, {"lock_version": ""}, {"lock_version": "v3"}):
        refused = own.post(_url(case, line), {"file": pdf("管理制度.pdf"), **sent})
        assert refused.status_code == 400, sent
        page = refused.content.decode()
        assert "“食品安全管理制度”：表单缺少办件版本号（lock_version）" in page, sent
        assert _form_field(page, "held") and _form_field(page, "lock_version") == str(
            case.lock_version
        )
    line.refresh_from_db()
    assert line.supplied_on is None and not Upload.objects.filter(case_material__case=case).exists()
    case.refresh_from_db()
    assert not case.events.filter(action="supply_tolerated_material").exists()
