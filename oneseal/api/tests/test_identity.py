"""Identity (issue 12.1): an online account is one natural person; it files for an
organisation only under an authorisation a window recorded, and registers nobody."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from oneseal.applicants.actions import (
    record_authorisation,
    register_applicant,
    revoke_authorisation,
    sign_up,
)
from oneseal.applicants.models import Applicant
from oneseal.applicants.rules import credit_check_char
from oneseal.audit.models import AuditEvent
from oneseal.cases.models import Case
from oneseal.testing import api_apply_online

PASSWORD = "Pingluo-2025!"
STRANGER_ID = "640221199605180423"


def company_number() -> str:
    first17 = "91640221MA75Y3L80"
    return first17 + credit_check_char(first17)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def attacker(db):
    user, _ = sign_up(
        username="attacker",
        password=PASSWORD,
        name="路人甲",
        number="640221199002150049",
        phone="13909520001",
    )
    return user


@pytest.fixture
def representative(db):
    user, person = sign_up(
        username="mayulan",
        password=PASSWORD,
        name="马玉兰",
        number="640221198203150024",
        phone="13995210001",
    )
    return user


def test_an_applicant_cannot_take_over_a_strangers_number_or_an_unregistered_company(
    attacker, handling_item
):
    client = client_for(attacker)
    for body in (
        {"kind": "person", "name": "张珊", "number": STRANGER_ID, "phone": "13995210418"},
        {
            "kind": "organisation",
            "name": "平罗县沙湖人家餐饮有限公司",
            "number": company_number(),
            "phone": "0952-6021835",
            "representative": "马玉兰",
        },
    ):
        r = client.post("/api/v1/applicants", body, format="json")
        assert r.status_code == 403, r.content
        assert "窗口" in r.json()["message"]
    assert list(Applicant.objects.values_list("name", flat=True)) == ["路人甲"]
    # Nothing to file in their names: the attacker's own person is all the account acts for.
    stolen = client.post(
        "/api/v1/cases",
        {"handling_item": handling_item.pk, "applicant": 999999, "channel": "online"},
        format="json",
    )
    assert stolen.status_code == 400 and "applicant" in stolen.json()["fields"]
    # The real person signs up afterwards.
    user, person = sign_up(
        username="zhangshan",
        password=PASSWORD,
        name="张珊",
        number=STRANGER_ID,
        phone="13995210418",
    )
    assert person.user == user


def test_filing_for_an_organisation_online_needs_a_standing_authorisation(
    representative, applicant, clerk, handling_item
):
    client = client_for(representative)
    refused = api_apply_online(client, handling_item, applicant.pk, applicant)
    assert refused.status_code == 400 and "applicant" in refused.json()["fields"]
    assert applicant.name not in refused.content.decode()

    person = Applicant.objects.get(user=representative)
    authorisation = record_authorisation(
        applicant,
        person=person,
        capacity="agent",
        papers="授权委托书、营业执照复印件",
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
        actor=clerk,
    )
    filed = api_apply_online(client, handling_item, applicant.pk, applicant)
    assert filed.status_code == 201, filed.content
    case_id = filed.json()["id"]
    assert Case.objects.get(pk=case_id).applicant == applicant
    assert client.get(f"/api/v1/cases/{case_id}").status_code == 200

    revoke_authorisation(authorisation, actor=clerk, reason="委托期限内单位收回授权")
    assert api_apply_online(client, handling_item, applicant.pk, applicant).status_code == 400
    # The organisation's cases leave the account with the authorisation.
    assert client.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert client.get("/api/v1/cases").json()["results"] == []


def test_filing_online_in_another_persons_name_is_refused(attacker, clerk, handling_item):
    someone = register_applicant(
        actor=clerk, kind="person", name="马𠮷祥", number="11010519491231002X", phone="13909520000"
    )
    r = client_for(attacker).post(
        "/api/v1/cases",
        {"handling_item": handling_item.pk, "applicant": someone.pk, "channel": "online"},
        format="json",
    )
    assert r.status_code == 400 and "applicant" in r.json()["fields"]
    assert not Case.objects.exists()


def test_a_clerk_registering_through_the_api_finds_the_registered_one_and_the_look_up_is_audited(
    clerk, applicant
):
    r = client_for(clerk).post(
        "/api/v1/applicants",
        {
            "kind": "organisation",
            "name": applicant.name,
            "number": applicant.credit_code,
            "phone": "0952-6012345",
        },
        format="json",
    )
    assert r.status_code == 200 and r.json()["id"] == applicant.pk
    row = AuditEvent.objects.get(action="applicants.look_up", subject_id=str(applicant.pk))
    assert row.actor == clerk and row.data["via"] == "register"
