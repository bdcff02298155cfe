"""No file is served by its storage path: a signed document's /media/ path (derived from its
SHA-256, which the public verification prints) and an upload's are 404 for anyone; the owner
reads them through the views that check who may."""

import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, clear_url_caches, resolve

import oneseal.urls
from oneseal.cases import actions as case_actions
from oneseal.testing import accepted_case, at

from .conftest import notice_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_bare_media_paths_are_404_for_anonymous_another_applicant_and_the_owner(
    item, own_applicant, applicant_user, other_applicant_user, clerk, seal
):
    received = case_actions.receive(
        item, actor=clerk, applicant=own_applicant, at=at("2025-01-20 09:00")
    )
    line = received.materials.order_by("material__order").first()
    upload = case_actions.attach_file(
        line, actor=clerk, upload=SimpleUploadedFile("申请书.pdf", PDF, "application/pdf")
    )
    case = accepted_case(item, own_applicant, clerk, "2025-01-21")
    document = notice_of(case, "acceptance")  # the acceptance issued its notice itself
    paths = [
        f"/media/{document.file.name}",
        f"/media/{upload.file.name}",
        f"/media/documents/{document.year}/{document.sha256}.pdf",
    ]
    for client in (Client(), signed_in(other_applicant_user), signed_in(applicant_user)):
        for path in paths:
            assert client.get(path).status_code == 404, path
    # The owner reads the signed PDF through the view that checks the case; a stranger cannot.
    assert signed_in(applicant_user).get(f"/documents/{document.pk}/file/").status_code == 200
    assert signed_in(other_applicant_user).get(f"/documents/{document.pk}/file/").status_code == 404
    assert Client().get(f"/documents/{document.pk}/file/").status_code == 404


def test_no_url_serves_the_media_directory_even_in_debug(settings):
    settings.DEBUG = True  # the old urls.py served MEDIA_ROOT whenever DEBUG was on
    try:
        importlib.reload(oneseal.urls)
        clear_url_caches()
        with pytest.raises(Resolver404):
            resolve("/media/documents/2025/" + "0" * 64 + ".pdf")
    finally:
        settings.DEBUG = False
        importlib.reload(oneseal.urls)
        clear_url_caches()
