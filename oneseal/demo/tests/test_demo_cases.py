"""The demo county's cases as `oneseal load-demo` builds them: every state of the lifecycle, the
warnings of today, unbroken event chains, valid applicant numbers, and the same picture
whatever day the demo is loaded. Built once for the module in a transaction rolled back at the
end; each test runs in its own savepoint on top of it."""

import datetime
import hashlib
import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from oneseal.applicants.models import Applicant
from oneseal.applicants.queries import acts_for, represented
from oneseal.applicants.rules import validate_credit_code, validate_id_number
from oneseal.audit.models import AuditEvent
from oneseal.calendars.queries import current_calendar
from oneseal.cases import clocks, jobs, rules
from oneseal.cases.actions import verify_chain
from oneseal.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStep,
    Channel,
    Delivery,
    Extension,
    Licence,
    SiteInspection,
    State,
    Suspension,
    Upload,
)
from oneseal.demo import builder, steps
from oneseal.demo import cases as demo_cases
from oneseal.demo.data import applicants as people
from oneseal.demo.data import organisation as org
from oneseal.documents.tests.conftest import pdf_text
from oneseal.errors import Conflict

from .conftest import planned_for_the_loaded_demo

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(demo_savepoint):
    return demo_savepoint


@pytest.fixture
def today(demo, db):
    return demo


def level(case: Case, day: datetime.date) -> str:
    if case.state != State.ACCEPTED:
        return ""
    return rules.warning_level(
        current_calendar(),
        day,
        case.promised_due,
        case.statutory_due,
        yellow_at=clocks.yellow_at(),
        statutory_alarm_at=clocks.statutory_alarm_at(),
    )


def test_the_demo_county_has_cases_in_every_state(today):
    cases = demo_cases.demo_cases()
    # 42 applications, plus the licences the register's stories act on (变更, 延续, 注销 …).
    assert 35 <= cases.count() <= 60
    states = Counter(cases.values_list("state", flat=True))
    assert all(states[s] >= 1 for s in State), states
    accepted = cases.filter(state=State.ACCEPTED)
    assert accepted.filter(extended=True, extension__approved_on__isnull=False).exists()
    # Under review with some of its review steps done and some still to do.
    assert (
        accepted.filter(steps__state=CaseStep.StepState.DONE, steps__order__gt=1)
        .filter(steps__state=CaseStep.StepState.PENDING)
        .exists()
    )
    assert accepted.filter(deemed_accepted=True).exists()
    assert cases.filter(
        state=State.SUSPENDED, suspensions__kind="hearing", suspensions__resumed_on=None
    ).exists()
    assert cases.filter(state=State.ACCEPTED, suspensions__resumed_on__isnull=False).exists()
    granted = Licence.objects.filter(case__in=cases.filter(state=State.GRANTED))
    assert granted.filter(state=Licence.LicenceState.HELD).exists()
    assert granted.filter(state=Licence.LicenceState.VALID, deliveries__isnull=True).exists()
    assert cases.filter(state=State.AWAITING_CORRECTION, channel=Channel.ONLINE).exists()
    refusals = CaseEvent.objects.filter(case__in=cases, action="refuse")
    assert {e.data["clause"] for e in refusals} == {
        "1",
        "2",
    }  # not a licensing matter; not our power


def test_todays_warnings_show_yellow_and_red_cards_and_a_case_past_its_statutory_limit(today):
    scan = jobs.warning_scan(today, prefix=org.COUNTY_CODE)
    assert scan["yellow"] >= 1 and scan["red"] >= 1 and scan["statutory"] >= 1, scan
    running = demo_cases.demo_cases().filter(state=State.ACCEPTED)
    assert running.filter(statutory_due__lt=today).exists()
    # Red: the promise is broken but the statutory limit is still some way off.
    assert running.filter(promised_due__lt=today, statutory_due__gt=today).exists()
    # The warning lists agree with the counts.
    for name in jobs.Level.ALL:
        assert jobs.cases_by_warning(today, name, org.COUNTY_CODE).count() == scan[name]


def test_every_demo_case_has_an_unbroken_chain_from_receipt_to_its_state(today):
    demo_users = {
        u.pk
        for u in get_user_model().objects.filter(
            username__in=[a.username for a in org.ACCOUNTS]
            + [a.username for a in people.APPLICANT_ACCOUNTS]
        )
    }
    for case in demo_cases.demo_cases():
        assert verify_chain(case.pk) == [], case.number
        events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
        assert events[0].action == "receive" and events[-1].to_state == case.state, case.number
        days = [e.on for e in events]
        assert days == sorted(days) and days[-1] <= today, case.number
        # Everyone who acted is a demo account, except the worker's deemed acceptance and renewal.
        assert all(
            e.actor_id in demo_users
            for e in events
            if e.action not in ("deem_accepted", "deem_renewed")
        ), case.number
        assert case.received_on <= today
        if case.state == State.RECEIVED:
            assert case.acceptance_due >= today  # the 5 working days still run: nothing stale


def test_site_inspections_suspensions_and_extensions_follow_the_law(today):
    cases = demo_cases.demo_cases()
    inspections = SiteInspection.objects.filter(case__in=cases)
    assert inspections.exists()
    assert all(i.inspectors.count() >= 2 for i in inspections)
    for extension in Extension.objects.filter(case__in=cases):
        assert (
            extension.requested_by != extension.approved_by
            and extension.days == rules.EXTENSION_DAYS
        )
    for suspension in Suspension.objects.filter(case__in=cases):
        assert suspension.reason and suspension.expected_days >= 1
    assert all(
        d.within_due or d.on > d.case.delivery_due for d in Delivery.objects.filter(case__in=cases)
    )
    assert Delivery.objects.filter(
        case__in=cases, within_due=False
    ).exists()  # one collected late, on record


def test_tolerated_materials_are_promised_or_supplied_and_hold_the_licence_until_then(today):
    cases = demo_cases.demo_cases()
    tolerated = CaseMaterial.objects.filter(case__in=cases, status=CaseMaterial.Status.TOLERATED)
    assert tolerated.filter(supplied_on__isnull=False).exists()
    # Nothing is overdue on the day of loading: the worker has no broken promise to apply.
    assert not tolerated.filter(supplied_on__isnull=True, promised_by__lt=today).exists()
    held = Licence.objects.get(case__in=cases, state=Licence.LicenceState.HELD)
    assert held.case.materials.filter(
        status=CaseMaterial.Status.TOLERATED, supplied_on=None
    ).exists()
    released = Licence.objects.filter(case__in=cases, released_on__isnull=False)
    assert released.exists() and all(lic.state == Licence.LicenceState.VALID for lic in released)


def test_every_applicant_number_passes_the_identity_checks(today):
    for row in people.PEOPLE + people.AGENTS:
        assert validate_id_number(row.number) == row.number, row.name
    for row in people.ORGANISATIONS:
        assert validate_credit_code(row.number) == row.number, row.name
        assert row.number[2:8] == people.COUNTY
    numbers = [r.number for r in people.PEOPLE + people.ORGANISATIONS]
    assert len(numbers) == len(set(numbers))
    applicants = Applicant.objects.filter(cases__in=demo_cases.demo_cases()).distinct()
    for a in applicants:
        if a.kind == Applicant.Kind.PERSON:
            assert validate_id_number(a.id_number) == a.id_number
        else:
            assert validate_credit_code(a.credit_code) == a.credit_code
    assert applicants.filter(name__contains="\U00020bb7").exists()  # 𠮷 survives the round trip
    for case in demo_cases.demo_cases().exclude(agent_id_number=""):
        assert validate_id_number(case.agent_id_number) == case.agent_id_number


def test_an_online_demo_case_sends_a_distinct_pdf_naming_each_material_and_the_applicant(today):
    uploads = Upload.objects.filter(
        case_material__case__in=demo_cases.demo_cases().filter(channel=Channel.ONLINE)
    ).select_related("case_material__material", "case_material__case__applicant")
    per_case: dict[int, list[Upload]] = {}
    for upload in uploads:
        per_case.setdefault(upload.case_material.case_id, []).append(upload)
    case_uploads = max(per_case.values(), key=len)
    assert len(case_uploads) >= 2, "no online demo case carries two files"
    contents = []
    for upload in case_uploads:
        with upload.file.open("rb") as handle:
            body = handle.read()
        contents.append(body)
        assert body.startswith(b"%PDF-") and hashlib.sha256(body).hexdigest() == upload.sha256
        text = pdf_text(body)
        material = upload.case_material.material.name
        assert "".join(material.split()) in text, (material, text)
        assert upload.case_material.case.applicant.name in text, text
    assert len(set(contents)) == len(contents)
    assert len({u.sha256 for u in case_uploads}) == len(case_uploads)


def test_applicant_accounts_sign_in_with_the_demo_password_and_own_their_online_cases(today):
    lines = {line.username: line for line in builder.account_lines()}
    for row in people.APPLICANT_ACCOUNTS:
        user = get_user_model().objects.get(username=row.username)
        assert (
            user.check_password(org.DEMO_PASSWORD)
            and not user.is_staff
            and not hasattr(user, "staff")
        )
        # The account is one person; it files for the company under a window's authorisation.
        assert Applicant.objects.get(user=user).kind == Applicant.Kind.PERSON
        online = Case.objects.filter(applicant__in=represented(user), channel=Channel.ONLINE)
        assert online.exists(), row.username
        assert all(c.created_by == user for c in online)
        assert lines[row.username].password == org.DEMO_PASSWORD
    shahurenjia = get_user_model().objects.get(username="shahurenjia")
    company = Applicant.objects.get(name="平罗县沙湖人家餐饮有限公司")
    assert company.user is None and acts_for(shahurenjia, company)
    assert "平罗县沙湖人家餐饮有限公司" in lines["shahurenjia"].scope
    assert Case.objects.filter(
        applicant=company,
        state=State.WITHDRAWN,
        events__action="withdraw",
        events__actor__username="shahurenjia",
    ).exists()


COUNTED = [
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStep,
    Applicant,
    Licence,
    Delivery,
    Suspension,
    Extension,
    SiteInspection,
    AuditEvent,
]


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in COUNTED} | {
        "User": get_user_model().objects.count()
    }


def test_loading_again_adds_no_cases_and_prints_the_applicant_accounts(today, monkeypatch):
    # The other apps' demo data is load-demo's business and tested in test_demo.py; here only
    # the county and its cases, which the fixture built.
    monkeypatch.setattr(steps, "ALL", ())
    before = counts()
    out = io.StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        call_command("load-demo", stdout=out)
    assert counts() == before
    text = out.getvalue()
    assert "演示数据已存在" in text and "演示办件" in text
    for row in people.APPLICANT_ACCOUNTS:
        line = next(line for line in text.splitlines() if line.startswith(row.username + " "))
        assert row.display_name in line and org.DEMO_PASSWORD in line


def test_a_demo_loaded_before_it_had_cases_gets_them_on_the_next_load(today, monkeypatch):
    before = demo_cases.demo_cases().count()
    monkeypatch.setattr(demo_cases, "exist", lambda: False)
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        assert builder.load() is True
        planned_for_the_loaded_demo()
    assert demo_cases.demo_cases().count() == 2 * before
    assert builder.demo_exists()


def demo_users() -> dict:
    return {
        u.username: u
        for u in get_user_model().objects.filter(username__in=[a.username for a in org.ACCOUNTS])
    }


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2026, 10, 3),  # a Saturday inside the National Day holidays
        datetime.date(2026, 2, 24),  # the first working day after the Spring Festival
        datetime.date(2026, 1, 1),  # New Year's Day: the stories reach back into the previous year
    ],
)
def test_the_same_picture_whatever_day_the_demo_is_loaded(today, day):
    expected = Counter(demo_cases.demo_cases().values_list("state", flat=True))
    expected_levels = Counter(level(c, today) for c in demo_cases.demo_cases())
    cases = demo_cases.build(demo_users(), today=day)
    assert Counter(c.state for c in cases) == expected
    assert Counter(level(c, day) for c in cases) == expected_levels
    assert all(verify_chain(c.pk) == [] for c in cases)


def test_a_catalogue_without_a_story_item_is_refused_with_a_clear_message_and_nothing_written(
    today, monkeypatch
):
    before = counts()
    monkeypatch.setattr(demo_cases, "ITEMS", (*demo_cases.ITEMS, "不存在的办理项"))
    with pytest.raises(Conflict) as e, transaction.atomic():
        demo_cases.build(demo_users(), today=today)
    assert "不存在的办理项" in str(e.value.message) and "演示办件未生成" in str(e.value.message)
    assert counts() == before


def test_the_register_has_licences_in_every_state_and_acting_cases_issue_none(today):
    cases = demo_cases.demo_cases()
    licences = Licence.objects.filter(case__in=cases)
    standings = Counter(licence.standing(today) for licence in licences)
    # Revocation is a procedure with a notice under the seal: the documents demo plays it
    # (test_demo._a_licence_went_through_the_revocation_procedure); every other state is here.
    assert all(standings[s] >= 1 for s in Licence.Standing if s != Licence.Standing.REVOKED), (
        standings
    )
    changed = licences.get(versions__kind="change")
    assert changed.version == 2 and changed.versions.count() == 2
    assert licences.filter(versions__kind="renewal", versions__deemed=False).exists()
    deemed = licences.get(versions__deemed=True)
    assert deemed.standing(today) == Licence.Standing.VALID and deemed.valid_from <= today
    assert CaseEvent.objects.filter(case__in=cases, action="deem_renewed", actor=None).count() == 1
    # A 变更 / 延续 / 注销 grant changed the licence it names: none of them issued a licence.
    acting = cases.filter(target_licence__isnull=False)
    assert acting.count() >= 5 and not Licence.objects.filter(case__in=acting).exists()
    assert licences.get(state=Licence.LicenceState.CANCELLED).cancelled_on <= today
