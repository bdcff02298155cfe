"""The demo as `oneseal load-demo` leaves it: the whole command runs once for the module (it
takes minutes on two cores; five tests each running it again were half the suite's time), inside
a transaction rolled back at the end; each test runs in its own savepoint on top of it."""

import datetime
import io
import logging
import re
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test.utils import override_settings

from oneseal.audit.models import AuditEvent
from oneseal.demo.data import organisation as org
from oneseal.organisation.models import Section, Staff, StaffRole

from .conftest import planned_for_the_loaded_demo
from .test_demo import (
    COUNTED,
    FAST_HASHER,
    _a_hearing_was_held_and_a_party_heard,
    _a_joint_inspection_and_a_joint_acceptance_done,
    _a_licence_went_through_the_revocation_procedure,
    _an_opinion_answered_one_deemed_and_a_joint_review_sealed,
    _applicants_chose_rated_and_the_rule_suspended_one,
    _every_notice_kind_of_the_intake_and_closing_is_shown,
)


class _Collected(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


# What the module's one run of the command printed and logged.
FIRST_RUN: dict[str, object] = {}


@pytest.fixture(scope="module")
def loaded_demo(demo_savepoint, django_db_blocker):
    out, collected = io.StringIO(), _Collected()
    logging.getLogger("oneseal").addHandler(collected)
    try:
        with django_db_blocker.unblock():
            call_command("load-demo", stdout=out)
            planned_for_the_loaded_demo()
    finally:
        logging.getLogger("oneseal").removeHandler(collected)
    FIRST_RUN.update(printed=out.getvalue(), logged=collected.messages)


@pytest.fixture
def loaded(loaded_demo, db):
    return None


def test_loading_again_changes_nothing_and_prints_the_accounts(loaded):
    # The fixture ran the command once; running it again must change nothing.
    _a_licence_went_through_the_revocation_procedure()
    _every_notice_kind_of_the_intake_and_closing_is_shown()
    _an_opinion_answered_one_deemed_and_a_joint_review_sealed()
    _a_joint_inspection_and_a_joint_acceptance_done()
    _a_hearing_was_held_and_a_party_heard()
    before = {m.__name__: m.objects.count() for m in COUNTED} | {
        "User": get_user_model().objects.count()
    }
    out = io.StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        call_command("load-demo", stdout=out)
    after = {m.__name__: m.objects.count() for m in COUNTED} | {
        "User": get_user_model().objects.count()
    }
    assert after == before
    text = out.getvalue()
    assert "演示数据已存在" in text
    for row in org.ACCOUNTS:
        line = next(line for line in text.splitlines() if line.startswith(row.username + " "))
        assert row.display_name in line and org.DEMO_PASSWORD in line


def test_the_loaded_demo_verifies_with_no_problem_and_against_its_checkpoint(loaded, tmp_path):
    # The organisation was set up through its audited actions: across the whole demo (the
    # county's table, the other steps' accounts, the second city's counties), every role held
    # is one grant in the audit log, net of withdrawals, and no grant is for a role not held.
    def net(action: str) -> Counter:
        return Counter(
            (e.subject_id, e.data["role"])
            for e in AuditEvent.objects.filter(action=action, subject_type="organisation.staff")
        )

    granted = net("organisation.grant_role")
    granted.subtract(net("organisation.withdraw_role"))
    held = Counter((str(r.staff_id), r.role) for r in StaffRole.objects.all())
    assert +granted == held and not -granted
    regions = set(Staff.objects.filter(roles__isnull=False).values_list("region__code", flat=True))
    assert org.COUNTY_CODE in regions and len(regions) > 1
    assert Section.objects.filter(staff__roles__isnull=False).distinct().count() > 1
    # The county's own table is granted by the demo superuser, one row per account.
    county_staff = Staff.objects.filter(
        user__username__in=[row.username for row in org.ACCOUNTS if row.role != org.SUPERUSER]
    ).values_list("pk", flat=True)
    assert AuditEvent.objects.filter(
        action="organisation.grant_role",
        actor__username="admin",
        subject_id__in=[str(pk) for pk in county_staff],
    ).count() == sum(1 for row in org.ACCOUNTS if row.role != org.SUPERUSER)
    out = io.StringIO()
    call_command(
        "audit", "verify", stdout=out
    )  # a problem would raise CommandError (exit status 1)
    lines = out.getvalue().splitlines()
    assert lines[-1].endswith(" events checked, 0 problems") and not lines[-1].startswith("0 cases")
    call_command("audit", "checkpoint", stdout=io.StringIO())
    path = tmp_path / "checkpoint.json"
    call_command("audit", "export-checkpoint", "--out", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("audit", "verify", "--checkpoint", str(path), stdout=out)
    assert "history matches checkpoint #1 of" in out.getvalue() and out.getvalue().endswith(
        ", 0 problems\n"
    )


def test_the_expert_pool_a_completed_expert_review_and_an_expert_on_site(loaded):
    from oneseal.experts.models import Assignment, Draw, Expert, ExpertField, ExpertReview
    from oneseal.experts.queries import reproduces
    from oneseal.inspections.models import Inspection
    from oneseal.inspections.queries import expert_inspections

    assert ExpertField.objects.count() == 8
    assert Expert.objects.count() == 30
    assert Expert.objects.filter(status=Expert.Status.SUSPENDED).count() == 1
    assert Expert.objects.filter(declarations__isnull=False).distinct().count() == 3
    assert Expert.objects.filter(unavailabilities__isnull=False).distinct().count() == 2
    review = ExpertReview.objects.get(state=ExpertReview.State.CONCLUDED)
    assert review.case.state != "suspended"
    states = sorted(review.assignments.values_list("state", flat=True))
    assert states == ["declined", "submitted", "submitted"]
    assert all(a.rating and a.fee for a in review.assignments.filter(state="submitted"))
    draws = list(review.draws.order_by("id"))
    assert [d.kind for d in draws] == [Draw.Kind.INITIAL, Draw.Kind.REPLACEMENT]
    assert all(reproduces(d) for d in draws) and not any(d.override for d in draws)
    assert draws[0].pool_size == 30 and draws[0].excluded
    declined = review.assignments.get(state=Assignment.State.DECLINED)
    assert declined.expert.user is not None
    suspension = review.case.suspensions.get(kind="expert_review", suspended_on=review.opened_on)
    assert suspension.resumed_on == review.concluded_on
    # Another case's review is running; one of its experts is the second inspector on site.
    running = ExpertReview.objects.get(state=ExpertReview.State.OPEN)
    assert running.case.state == "suspended"
    assert sorted(running.assignments.values_list("state", flat=True)) == ["accepted"] * 2
    visit = Inspection.objects.get(covered__case=running.case)
    assert visit.state == Inspection.InspectionState.IN_PROGRESS
    staff, expert = sorted(visit.inspectors.all(), key=lambda i: i.is_expert)
    assert not staff.is_expert and expert.assignment.review == running
    assert expert_inspections(expert.user) == [visit]
    assert visit.findings.exclude(result="").count() == 1


def test_the_reform_runs_handed_over_cases_and_township_delegations(loaded):
    from oneseal.calendars.queries import today
    from oneseal.cases.models import Case, State
    from oneseal.delegations.models import Delegation, Mode
    from oneseal.handovers import queries as handover_queries
    from oneseal.handovers.models import HandedOverCase

    assert HandedOverCase.objects.count() == 30
    assert HandedOverCase.objects.values("department").distinct().count() == 4
    assert HandedOverCase.objects.exclude(missing=[]).exists()
    admin = get_user_model().objects.get(username="admin")
    rows = handover_queries.report(admin, today())
    assert sum(r.received for r in rows) == 30
    assert sum(r.overdue for r in rows) > 0 and sum(r.finished for r in rows) > 0
    delegations = Delegation.objects.all()
    assert {d.mode for d in delegations} == {Mode.DECIDE, Mode.FORWARD}
    assert all(d.file and d.in_force(today()) for d in delegations)
    at_centres = Case.objects.filter(service_centre__isnull=False)
    assert at_centres.count() == 4
    decided = at_centres.get(state=State.GRANTED)
    assert decided.events.get(action="grant").actor.staff.service_centre == decided.service_centre


def test_the_second_citys_rollout_seated_each_countys_own_administrator(loaded):
    from oneseal.demo.steps import reform
    from oneseal.organisation.models import Role

    for code in reform.CITY_COUNTIES:
        seat = Staff.objects.get(user__username=f"{code}-admin")
        assert seat.role_set == {Role.ADMINISTRATOR} and seat.bureau.region.code == code
        granted = AuditEvent.objects.get(
            action="organisation.grant_role", subject_id=str(seat.pk), data__role="administrator"
        )
        assert granted.actor.username == reform.CITY_ADMIN[0]


def test_the_intermediary_marketplace_and_one_case_in_an_engagement(loaded):
    from oneseal.intermediaries.actions import qualified_offers
    from oneseal.intermediaries.models import Engagement, Intermediary, Service

    assert Intermediary.objects.count() == 12
    assert all(i.offers.exists() and i.qualifications.exists() for i in Intermediary.objects.all())
    engagement = Engagement.objects.get(status="engaged")
    testing = Service.objects.get(code="food-testing")
    offers = qualified_offers(testing, engagement.starts_on)
    assert len(offers) == 5  # the sixth's qualification expired
    assert engagement.method == "lowest" and engagement.status == "engaged"
    assert engagement.fee == min(o.fee for o in offers)
    assert engagement.intermediary_id == min(offers, key=lambda o: o.fee).intermediary_id
    _applicants_chose_rated_and_the_rule_suspended_one()


def test_a_half_filled_draft_and_one_about_to_be_removed(loaded):
    from oneseal.calendars.queries import today
    from oneseal.drafts.models import Draft
    from oneseal.drafts.queries import removal_day

    half = Draft.objects.get(owner__username="zhangshan")
    assert half.applicant.name == "张珊" and half.handling_item.name == "个体工商户设立登记"
    assert half.uploads.count() == 1 and half.warned_at is None
    expiring = Draft.objects.get(owner__username="shahurenjia")
    assert expiring.applicant.name == "平罗县沙湖人家餐饮有限公司"
    assert expiring.uploads.count() == 1 and expiring.warned_at is not None
    assert removal_day(expiring) == today() + datetime.timedelta(days=3)


def test_elicences_imported_and_a_case_reuses_instead_of_uploading(loaded):
    from oneseal.reuse import queries as reuse_queries
    from oneseal.reuse.models import ImportedLicence, ReusedMaterial

    assert ImportedLicence.objects.filter(status="valid").count() >= 5
    assert ImportedLicence.objects.filter(status="cancelled").count() == 1
    reused = ReusedMaterial.objects.get(kind="imported")
    assert reused.case_material.material.name.startswith("营业执照")
    assert (
        reused.case.applicant.credit_code
        == ImportedLicence.objects.get(pk=reused.source_id).holder_code
    )
    assert reused.case.events.filter(action="attach_file", data__reused__kind="imported").exists()
    assert reuse_queries.flagged(reused.case) == []


def test_the_public_register_has_the_demos_decisions_published(loaded, client):
    from oneseal.applicants.models import Applicant
    from oneseal.calendars.queries import today
    from oneseal.publications.models import Kind, Publication

    published = Publication.objects.filter(state="published")
    assert set(published.values_list("kind", flat=True)) >= {
        Kind.GRANT,
        Kind.CHANGE,
        Kind.RENEWAL,
        Kind.CANCELLATION,
        Kind.REVOCATION,
    }
    assert published.filter(deemed=True).exists()
    assert not Publication.objects.filter(state="pending", decided_on__lte=today()).exists()
    # The decision documents were issued before publishing: their numbers are in the feed.
    assert published.filter(kind=Kind.GRANT).exclude(decision_number="").exists()
    people = Applicant.objects.filter(kind="person")
    names = set(people.values_list("name", flat=True))
    numbers = set(people.values_list("id_number", flat=True)) - {""}
    person_rows = published.filter(holder_kind="person")
    assert person_rows.exists() and all("*" in p.holder_name for p in person_rows)
    html = client.get("/publications/").content.decode()
    feed = client.get("/api/v1/publications/?limit=500").content.decode()
    for text in (html, feed):
        assert not any(n in text for n in names | numbers if len(n) > 1)


def test_every_demo_licence_document_is_also_a_signed_e_licence(loaded):
    from oneseal.documents.models import Document, DocumentKind
    from oneseal.elicences import queries as elicence_queries
    from oneseal.elicences.models import ELicence
    from oneseal.elicences.rules import is_valid_identifier

    from ..cases import demo_cases

    documents = Document.objects.filter(kind=DocumentKind.LICENCE, case__in=demo_cases())
    elicences = ELicence.objects.filter(document__in=documents)
    assert documents.count() > 0 and elicences.count() == documents.count()
    assert all(is_valid_identifier(e.identifier) for e in elicences)
    assert not elicences.pending().exists()
    states = set(elicences.values_list("state", flat=True))
    assert ELicence.State.VALID in states and len(states) > 1  # a superseded or revoked one too
    first = elicences.filter(state=ELicence.State.VALID).first()
    assert elicence_queries.stored_check(first).authentic


def test_the_ended_cases_are_archived_and_only_the_archivist_and_staff_read_them(loaded):
    from oneseal.archives import actions as archive_actions
    from oneseal.archives.integrity import package_problems
    from oneseal.archives.jobs import candidates
    from oneseal.archives.models import Archive, RetentionRule
    from oneseal.archives.queries import visible_archives
    from oneseal.demo.data.applicants import APPLICANT_ACCOUNTS

    users = get_user_model().objects
    archivist = users.get(username="archivist")
    archives = Archive.objects.select_related("case")
    assert archives.count() >= 10
    # Every ended case is archived, unless it still owes a signed document (it waits for it).
    for case in candidates():
        assert archive_actions.archive_blockers(case), case.number
    assert {r.scope for r in RetentionRule.objects.all()} == {"default", "topic", "item"}
    assert set(visible_archives(archivist)) == set(archives)
    for archive in archives[:3]:
        assert package_problems(archive) == []
        assert archive.files.first().kind == "index" and archive.files.last().kind == "history"
    # The applicants' own accounts read none, even of their own ended cases.
    for row in APPLICANT_ACCOUNTS:
        assert not visible_archives(users.get(username=row.username)).exists()


def test_the_revoked_licences_case_was_archived_first_and_its_revocation_supplemented(loaded):
    from django.urls import reverse

    from oneseal.archives.integrity import package_problems
    from oneseal.archives.models import ArchiveSupplement
    from oneseal.cases.models import RevocationProposal
    from oneseal.testing import signed_in_client

    supplement = ArchiveSupplement.objects.select_related("archive__case").get()
    archive, case = supplement.archive, supplement.archive.case
    # The case archived before the department asked; everything from its request on is in
    # the supplement, and the archive's own package is as it was built.
    assert RevocationProposal.objects.get().case == case
    later = case.events.filter(seq__gte=supplement.first_event_seq)
    assert supplement.first_event_seq == archive.last_event_seq + 1
    assert supplement.last_event_seq == case.events.order_by("-seq").first().seq
    assert {"propose_revocation", "notify_revocation"} <= set(
        later.values_list("action", flat=True)
    )
    assert package_problems(archive) == []
    archivist = get_user_model().objects.get(username="archivist")
    page = signed_in_client(archivist).get(reverse("archives:detail", args=[archive.pk]))
    assert page.status_code == 200
    assert f"{supplement.number}.zip" in page.content.decode()


def test_the_demo_applicants_have_a_notification_history(loaded):
    from oneseal.notifications.models import Attempt, Delivery, Notification, Preference

    users = get_user_model().objects
    zhang, ma = users.get(username="zhangshan"), users.get(username="shahurenjia")
    # Made by the hooks while the demo's cases were built, whatever path recorded the act.
    kinds = set(Notification.objects.filter(user=zhang).values_list("kind", flat=True))
    assert {"correction", "acceptance", "decision"} <= kinds, kinds
    # 马玉兰 acts for the restaurant company: told of its correction notice.
    assert Notification.objects.filter(user=ma, kind="correction").exists()
    assert Preference.objects.get(user=zhang).by_sms is True
    sent = Delivery.objects.filter(notification__user=zhang, channel="sms", state="sent")
    assert sent.exists()
    assert Attempt.objects.filter(delivery__in=sent, outcome="sent").count() == sent.count()
    # No identity number in any message.
    for n in Notification.objects.filter(user__in=[zhang, ma]):
        assert not any(a.id_number and a.id_number in n.body for a in zhang.applicants.all())
    # Applicants served at the window without an account: told through their record's mobile.
    to_records = Notification.objects.filter(user__isnull=True, applicant__user__isnull=True)
    assert to_records.filter(kind="acceptance").exists()
    assert Delivery.objects.filter(
        notification__in=to_records, channel="sms", state="sent"
    ).exists()


def test_the_catalogue_administrator_excluded_opening_a_pharmacy_from_its_insurance_agreement(
    loaded,
):
    from oneseal.search.models import Exclusion

    rows = Exclusion.objects.filter(item__catalogue__region__code=org.COUNTY_CODE)
    assert {(e.phrase, e.created_by.username) for e in rows} == {
        ("开药店", "catadmin"),
        ("开药房", "catadmin"),
    }
    assert AuditEvent.objects.filter(action="search.add_exclusion").count() == 2


def test_the_first_load_prints_a_chinese_summary_and_warns_of_nothing(loaded):
    # The bureau has its credit code from its creation: no licence waits for its e-licence.
    assert FIRST_RUN["logged"] == []
    printed = str(FIRST_RUN["printed"])
    summary = printed[: printed.index("用户名")].splitlines()
    assert summary and all(re.match(r"[\u4e00-\u9fff]", line) for line in summary if line), [
        line for line in summary if line and not re.match(r"[\u4e00-\u9fff]", line)
    ]


def test_the_revoked_document_is_no_notice_a_case_still_waits_on(loaded):
    from oneseal.cases.models import State
    from oneseal.documents.models import Document, DocumentKind

    revoked = Document.objects.filter(state=Document.DocumentState.REVOKED).select_related("case")
    assert revoked.exists()
    for document in revoked:
        assert not (
            document.kind == DocumentKind.CORRECTION
            and document.case.state == State.AWAITING_CORRECTION
        )
