from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oneseal.intermediaries import actions
from oneseal.testing import accepted_case, day

PDF = b"%PDF-1.7\n1 0 obj\n"


def client_of(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_public_listing_page(make_intermediary):
    make_intermediary("甲检测", fee="880.00", days=7)
    page = client_of().get("/intermediaries/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    text = page.content.decode()
    assert "甲检测" in text and "880.00" in text and 'name="viewport"' in text


def test_own_page_delivers_and_others_are_refused(
    handling_item,
    own_applicant,
    clerk,
    listing,
    make_intermediary,
    service,
    agency_user,
    django_user_model,
):
    case = accepted_case(handling_item, own_applicant, clerk, "2025-09-22")
    own = make_intermediary("甲检测", user=agency_user)
    stranger = django_user_model.objects.create_user(username="agency9", password="pw")
    make_intermediary("乙检测", user=stranger)
    engagement = actions.engage(
        case, actor=clerk, service=service, method="direct", intermediary=own, on=day("2025-09-29")
    )
    assert case.number in client_of(agency_user).get("/intermediaries/my/").content.decode()
    assert case.number not in client_of(stranger).get("/intermediaries/my/").content.decode()
    url = f"/intermediaries/my/{engagement.pk}/deliver/"
    assert (
        client_of(stranger).post(url, {"file": SimpleUploadedFile("r.pdf", PDF)}).status_code == 404
    )
    assert client_of(clerk).get("/intermediaries/my/").status_code == 404
    bad = client_of(agency_user).post(url, {"file": SimpleUploadedFile("r.pdf", b"MZ..")})
    assert bad.status_code == 400
    response = client_of(agency_user).post(url, {"file": SimpleUploadedFile("r.pdf", PDF)})
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.status == "delivered"


def test_steering_page_for_staff_only(clerk, applicant_user):
    assert client_of(applicant_user).get("/intermediaries/steering/").status_code == 404
    assert client_of(clerk).get("/intermediaries/steering/").status_code == 200
