"""The account page lists the person's authorisations; applying online offers the
organisations the person is authorised for, and nothing else."""

import re

import pytest
from django.test import Client

from oneseal.applicants.actions import register_applicant
from oneseal.applicants.models import Applicant, Authorisation
from oneseal.cases.models import Case

from .conftest import COMPANY_NUMBER, client_for, pdf


@pytest.fixture
def organisation(company):
    return Applicant.objects.get(credit_code=COMPANY_NUMBER)


def test_the_account_page_shows_the_person_and_the_authorisations(company, organisation):
    body = client_for(company).get("/account/").content.decode()
    assert (
        "马玉兰" in body
        and organisation.name in body
        and "法定代表人或负责人" in body
        and "有效" in body
    )
    assert COMPANY_NUMBER not in body  # masked
    assert Client().get("/account/").status_code == 302  # sign in first


def test_the_person_renounces_an_authorisation_and_no_longer_applies_for_the_organisation(
    company, organisation, new_item
):
    client = client_for(company)
    page = client.get(f"/apply/{new_item.pk}/").content.decode()
    assert 'id="applicant-choice"' in page and organisation.name in page
    a = Authorisation.objects.get()
    refused = client.post(f"/account/authorisations/{a.pk}/renounce/", {"reason": ""}, follow=True)
    assert (
        "请填写撤销原因" in refused.content.decode()
        and Authorisation.objects.get().revoked_at is None
    )
    client.post(
        f"/account/authorisations/{a.pk}/renounce/", {"reason": "已不再担任法定代表人"}, follow=True
    )
    assert Authorisation.objects.get().revoked_at is not None
    page = client.get(f"/apply/{new_item.pk}/").content.decode()
    assert 'id="applicant-choice"' not in page and organisation.name not in page
    assert client.get(f"/apply/{new_item.pk}/", {"applicant": organisation.pk}).status_code == 404


def test_someone_else_cannot_renounce_an_authorisation(company, person):
    a = Authorisation.objects.get()
    assert (
        client_for(person)
        .post(f"/account/authorisations/{a.pk}/renounce/", {"reason": "x"})
        .status_code
        == 404
    )
    assert Authorisation.objects.get().revoked_at is None


def test_the_representative_applies_in_the_organisations_name(company, organisation, new_item):
    client = client_for(company)
    page = client.get(f"/apply/{new_item.pk}/", {"applicant": organisation.pk}).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)
    fields = dict(re.findall(r'<label for="(material-\d+)">上传“([^”]+)”</label>', page))
    data = {"idempotency_key": key, "applicant": organisation.pk}
    data.update(
        {field: pdf(name + ".pdf") for field, name in fields.items() if name != "食品安全管理制度"}
    )
    r = client.post(f"/apply/{new_item.pk}/", data)
    assert r.status_code == 302, r.content.decode()[:1500]
    case = Case.objects.get()
    assert case.applicant == organisation and case.channel == "online"
    assert client.get(f"/my/cases/{case.pk}/").status_code == 200


def test_applying_for_an_applicant_the_account_does_not_act_for_is_refused(person, clerk, new_item):
    stranger = register_applicant(
        actor=clerk, kind="person", name="马𠮷祥", number="11010519491231002X", phone="13909520000"
    )
    client = client_for(person)
    assert client.get(f"/apply/{new_item.pk}/", {"applicant": stranger.pk}).status_code == 404
    assert (
        client.post(
            f"/apply/{new_item.pk}/", {"applicant": stranger.pk, "idempotency_key": "0" * 32}
        ).status_code
        == 404
    )
    assert not Case.objects.exists()
