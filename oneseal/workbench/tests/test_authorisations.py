"""Authorisations at the window: the clerk finds the organisation, records its legal
representative or an agent after checking the papers, and revokes; every find by number is
audited; nobody but a clerk gets the page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from oneseal.applicants.actions import sign_up
from oneseal.applicants.models import Applicant, Authorisation
from oneseal.applicants.queries import acts_for
from oneseal.audit.models import AuditEvent
from oneseal.organisation.models import Role

COMPANY = "91350100M000100Y43"
MA = "640221198203150024"


@pytest.fixture
def window(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def representative(db):
    user, _person = sign_up(
        username="mayulan", password="Pingluo-2025!", name="马玉兰", number=MA, phone="13995210001"
    )
    return user


def record_form(**changes):
    data = {
        "credit_code": COMPANY,
        "name": "平罗县沙湖人家餐饮有限公司",
        "representative": "马玉兰",
        "phone": "0952-6021835",
        "id_number": MA,
        "capacity": "representative",
        "papers": "营业执照副本、法定代表人身份证",
        "valid_from": "",
        "valid_until": "",
    }
    data.update(changes)
    return data


def test_the_clerk_registers_the_organisation_and_records_its_representative(
    window, clerk, representative
):
    page = window.get(
        reverse("workbench:authorisations"), {"credit_code": COMPANY}
    ).content.decode()
    assert 'id="organisation-new"' in page and 'id="record-authorisation"' in page
    r = window.post(reverse("workbench:authorisation-record"), record_form())
    assert r.status_code == 302
    organisation = Applicant.objects.get(credit_code=COMPANY)
    a = Authorisation.objects.get()
    assert (
        a.organisation == organisation
        and a.person.user == representative
        and a.recorded_by == clerk
    )
    assert acts_for(representative, organisation)
    page = window.get(r["Location"]).content.decode()
    assert f'id="authorisation-{a.pk}"' in page and "马玉兰" in page and "营业执照副本" in page
    looked_up = AuditEvent.objects.filter(action="applicants.look_up", actor=clerk)
    assert {row.data["via"] for row in looked_up} == {"authorisations"}


def test_every_problem_is_shown_on_its_field_and_nothing_is_recorded(window, representative):
    r = window.post(
        reverse("workbench:authorisation-record"),
        record_form(capacity="agent", papers="", valid_from="2020-01-01", valid_until="x"),
    )
    body = r.content.decode()
    assert r.status_code == 400 and "日期格式应为" in body
    r = window.post(
        reverse("workbench:authorisation-record"),
        record_form(capacity="agent", papers="", valid_from="2020-01-01"),
    )
    body = r.content.decode()
    assert r.status_code == 400
    assert (
        "请填写查验的证明材料" in body
        and "有效期不能早于登记当日" in body
        and "授权经办人须填写" in body
    )
    r = window.post(
        reverse("workbench:authorisation-record"), record_form(id_number="11010519491231002X")
    )
    assert r.status_code == 400 and "尚未登记" in r.content.decode()
    assert not Authorisation.objects.exists()


def test_the_clerk_revokes_and_the_account_stops_acting_for_the_organisation(
    window, representative
):
    until = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    window.post(
        reverse("workbench:authorisation-record"),
        record_form(capacity="agent", valid_until=until, papers="授权委托书"),
    )
    a = Authorisation.objects.get()
    blank = window.post(
        reverse("workbench:authorisation-revoke", args=[a.pk]), {"reason": ""}, follow=True
    )
    assert (
        "请填写撤销原因" in blank.content.decode()
        and Authorisation.objects.get().revoked_at is None
    )
    window.post(reverse("workbench:authorisation-revoke", args=[a.pk]), {"reason": "单位收回授权"})
    a.refresh_from_db()
    assert a.revoked_at is not None and not acts_for(representative, a.organisation)


def test_only_a_clerk_gets_the_page(client, make_staff, county, representative):
    reviewer = make_staff("reviewer_only", county, Role.REVIEWER)
    client.force_login(reviewer)
    assert client.get(reverse("workbench:authorisations")).status_code == 403
    assert client.post(reverse("workbench:authorisation-record"), record_form()).status_code == 403
    client.force_login(representative)
    assert client.get(reverse("workbench:authorisations")).status_code == 403
    assert (
        not Authorisation.objects.exists()
        and not Applicant.objects.filter(credit_code=COMPANY).exists()
    )


def test_the_intake_number_check_audits_a_found_applicant(window, clerk, applicant):
    window.get(
        reverse("workbench:check-number"), {"kind": "organisation", "number": COMPANY.lower()}
    )
    row = AuditEvent.objects.get(action="applicants.look_up")
    assert (
        row.actor == clerk
        and row.subject_id == str(applicant.pk)
        and row.data["via"] == "intake-check"
    )
    window.get(
        reverse("workbench:check-number"), {"kind": "person", "number": MA}
    )  # not registered: nothing
    assert AuditEvent.objects.filter(action="applicants.look_up").count() == 1
