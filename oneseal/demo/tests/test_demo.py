"""The demo county as `oneseal load-demo` builds it. The demo is built once for the module
inside a transaction that is rolled back at the end, so other modules never see it; each test
runs in its own savepoint on top of it."""

import csv
import datetime
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from oneseal.audit.models import AuditEvent
from oneseal.cases.models import RevocationProposal
from oneseal.catalogue.actions import import_catalogue, publish_blockers
from oneseal.catalogue.exporting import export_catalogue
from oneseal.catalogue.importing.columns import HEADERS
from oneseal.catalogue.models import (
    Catalogue,
    GuidanceExemption,
    HandlingItem,
    Item,
    ItemVersion,
    Material,
    ReviewStep,
    SpecialProcedure,
    Topic,
)
from oneseal.catalogue.queries import guidance_gaps, listed_versions, transfer_report
from oneseal.demo import builder
from oneseal.demo.data import catalogue as table
from oneseal.demo.data import guidance
from oneseal.demo.data import organisation as org
from oneseal.demo.data.guides import GUIDES
from oneseal.documents.models import Document
from oneseal.documents.queries import check_file
from oneseal.hearings.models import Hearing, InterestedParty
from oneseal.linkage.models import OpinionRequest
from oneseal.organisation.actions import ADMIN_SITE_ROLES
from oneseal.organisation.models import Bureau, Department, Section, ServiceCentre, Staff, StaffRole
from oneseal.organisation.rules import has_role
from oneseal.projects.models import JointStep
from oneseal.regions.models import Region

CSV = (
    Path(__file__).resolve().parents[2]
    / "catalogue"
    / "data"
    / "guang_an_district_511602_service_items.csv"
)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(demo_savepoint):
    return None


@pytest.fixture
def county(demo, db):
    return Region.objects.get(code=org.COUNTY_CODE)


def pingluo_catalogue():
    return Catalogue.objects.get(region__code=org.COUNTY_CODE, kind=Catalogue.Kind.LOCAL)


def test_on_the_transfer_date_the_report_shows_the_plans_counts_per_department(county):
    report = transfer_report(county, on=builder.TRANSFER_DATE)
    rows = {r.department: r for r in report.rows}
    for department, (items, handling_items) in table.PLAN_COUNTS.items():
        row = rows[department]
        assert (row.items["transferred"], row.handling_items["transferred"]) == (
            items,
            handling_items,
        ), department
        assert row.items["stationed"] == row.items["retained"] == 0
    assert (report.totals.items["transferred"], report.totals.handling_items["transferred"]) == (
        100,
        258,
    )
    assert (report.totals.items["stationed"], report.totals.handling_items["stationed"]) == (10, 17)
    assert (report.totals.items["retained"], report.totals.handling_items["retained"]) == (3, 3)
    assert (rows["平罗县公安局"].items["stationed"], rows["平罗县公安局"].items["retained"]) == (
        4,
        2,
    )


def test_the_adjustment_history_cuts_the_food_limit_and_cancels_one_item_without_rewriting_the_past(
    county,
):
    def market_on(day):
        report = transfer_report(county, on=day)
        row = next(r for r in report.rows if r.department == "平罗县市场监督管理局")
        return row.items["transferred"], row.handling_items["transferred"]

    # The cancellation is published ahead of its date: the plan's counts hold until then.
    assert market_on(builder.CANCEL_DATE - datetime.timedelta(days=1)) == (22, 101)
    assert market_on(builder.CANCEL_DATE) == (21, 100)

    catalogue = pingluo_catalogue()
    food = ItemVersion.objects.filter(
        item__catalogue=catalogue, name=builder.LIMIT_CUT_ITEM
    ).order_by("number")
    v1, v2 = food
    assert (v1.effective_until, v2.effective_from) == (
        builder.LIMIT_CUT_DATE,
        builder.LIMIT_CUT_DATE,
    )
    assert v2.change_kind == "change_limit" and v2.change_basis == builder.LIMIT_CUT_BASIS
    assert set(
        v1.handling_items.exclude(is_instant=True).values_list("promised_limit_days", flat=True)
    ) == {7}
    assert set(
        v2.handling_items.exclude(is_instant=True).values_list("promised_limit_days", flat=True)
    ) == {3}
    in_force = listed_versions(catalogue, on=datetime.date(2024, 6, 1)).get(
        name=builder.LIMIT_CUT_ITEM
    )
    assert in_force == v2

    cancelled = ItemVersion.objects.get(
        item__catalogue=catalogue, name=builder.CANCELLED_ITEM, number=2
    )
    assert cancelled.is_cancelled and cancelled.effective_from == builder.CANCEL_DATE
    assert cancelled.change_reason == builder.CANCEL_REASON
    assert (
        not listed_versions(catalogue, on=builder.CANCEL_DATE)
        .filter(name=builder.CANCELLED_ITEM)
        .exists()
    )
    assert (
        listed_versions(catalogue, on=builder.TRANSFER_DATE)
        .filter(name=builder.CANCELLED_ITEM)
        .exists()
    )


def test_the_guidance_catalogue_shows_four_gaps_and_two_items_without_such_power(county):
    report = guidance_gaps(county)
    assert report.guidance.name == guidance.NAME
    licensing = sum(
        1
        for rows in table.TRANSFERRED_ITEMS.values()
        for r in rows
        if r.item_type == table.LICENSING
    )
    assert report.guidance_total == licensing + len(guidance.MISSING_FROM_PINGLUO)
    assert [g["basic_code"] for g in report.gaps] == [
        "64-90-001",
        "64-90-002",
        "64-90-003",
        "64-90-004",
    ]
    assert [g["name"] for g in report.gaps] == [g.name for g in guidance.MISSING_FROM_PINGLUO[:4]]
    assert {e["basic_code"]: e["reason"] for e in report.exempted} == {
        g.basic_code: g.no_such_power for g in guidance.MISSING_FROM_PINGLUO if g.no_such_power
    }
    assert GuidanceExemption.objects.filter(catalogue=pingluo_catalogue()).count() == 2


def test_the_most_asked_handling_items_have_complete_service_guides(county):
    catalogue = pingluo_catalogue()
    in_force = {v.pk: v for v in listed_versions(catalogue)}
    his = {hi.name: hi for hi in HandlingItem.objects.filter(item_version__in=list(in_force))}
    assert len(GUIDES) >= 20
    for name in GUIDES:
        hi = his[name]
        version = in_force[hi.item_version_id]
        # Published already, so "only a draft can be published" is the one reason left.
        assert [b.field for b in publish_blockers(version, version.effective_from)] == ["status"], (
            name
        )
        materials = list(hi.materials.all())
        assert len(materials) >= 3 and all(m.notes and m.copies >= 1 for m in materials), name
        assert not any(m.is_tolerable and m.is_core for m in materials), name
        steps = list(hi.review_steps.select_related("section"))
        assert [s.role for s in steps][0] == "clerk" and steps[-1].role == "signatory", name
        assert all(s.section for s in steps), name
        if not hi.is_instant:
            assert (
                sum(s.limit_days or 0 for s in steps)
                <= hi.promised_limit_days
                <= hi.statutory_limit_days
            ), name
        for text in (
            hi.conditions,
            hi.keywords,
            hi.where,
            hi.office_hours,
            hi.result_name,
            hi.result_validity,
            hi.enquiry_phone,
            hi.complaint_phone,
            hi.fee_standard,
        ):
            assert text.strip(), name
    food = his["食品(含保健食品)经营许可核发"]
    assert food.special_procedures.get().kind == "site_survey"
    assert "开饭店" in food.keywords and food.result_validity == "5年"
    assert SpecialProcedure.objects.filter(
        handling_item__name="设立歌舞娱乐场所《娱乐经营许可证》核发", kind="hearing"
    ).exists()


def test_every_published_item_was_built_through_the_catalogue_actions(county):
    catalogue = pingluo_catalogue()
    catadmin = get_user_model().objects.get(username="catadmin")
    versions = ItemVersion.objects.filter(item__catalogue=catalogue)
    assert versions.count() == 113 + 2  # every item, plus the two adjustments
    assert not versions.filter(status="draft").exists()
    assert set(versions.values_list("published_by", flat=True)) == {catadmin.pk}
    published = AuditEvent.objects.filter(action="catalogue.publish", region_code=org.COUNTY_CODE)
    assert published.count() == versions.count()
    assert Region.objects.filter(code__startswith="640221", level="township").count() == 13
    assert ServiceCentre.objects.filter(bureau__region=county).count() == len(org.SERVICE_CENTRES)


def test_each_demo_account_exists_with_its_role_and_the_demo_password(county):
    city = Region.objects.get(code=org.CITY_CODE)
    for row in org.ACCOUNTS:
        user = get_user_model().objects.get(username=row.username)
        assert user.check_password(org.DEMO_PASSWORD)
        if row.role == org.SUPERUSER:
            assert user.is_superuser and user.is_staff
            continue
        staff = user.staff
        assert staff.display_name == row.display_name and staff.region.code == row.region_code
        assert staff.role_set == {row.role}
        assert has_role(user, row.role, county)
        # The administrator keeps staff and roles, the catalogue administrator handling items,
        # in the admin; nobody else goes there.
        assert user.is_staff == (row.role in ADMIN_SITE_ROLES), row.username
    assert (
        get_user_model().objects.get(username="supervisor").staff.department.short_name
        == "市场监管局"
    )
    city_overseer = get_user_model().objects.get(username="city_overseer")
    assert has_role(city_overseer, "overseer", city) and has_role(city_overseer, "overseer", county)
    assert not has_role(get_user_model().objects.get(username="overseer"), "overseer", city)


COUNTED = [
    OpinionRequest,
    JointStep,
    Region,
    Bureau,
    Section,
    ServiceCentre,
    Department,
    Staff,
    StaffRole,
    Topic,
    Catalogue,
    Item,
    ItemVersion,
    HandlingItem,
    Material,
    ReviewStep,
    SpecialProcedure,
    GuidanceExemption,
    AuditEvent,
    RevocationProposal,
    Document,
    Hearing,
    InterestedParty,
]


def _a_licence_went_through_the_revocation_procedure():
    """The documents demo revokes one licence at a department's request, through the whole
    procedure when the demo's dates leave room for the period; its PDF is then authentic but
    not in force."""
    proposal = RevocationProposal.objects.get()
    assert proposal.grounds == "department_request" and proposal.notified_on is not None
    assert Document.objects.filter(case=proposal.case, kind="revocation_notice").exists()
    if proposal.state == "revoked":
        licence_document = Document.objects.get(case=proposal.case, kind="licence")
        with licence_document.file.open("rb") as fh:
            check = check_file(fh.read())
        assert check.authentic and not check.in_force and check.standing.reason == "licence_revoked"
        assert Document.objects.filter(case=proposal.case, kind="revocation").exists()
    else:
        assert proposal.state == "notified"


def _every_notice_kind_of_the_intake_and_closing_is_shown():
    """Receipts on the cases, the withdrawal and termination decisions on the closed ones, and
    the deemed renewal pushed to the department."""
    from oneseal.linkage.models import Push

    for kind, action in (
        ("receipt", "receive"),
        ("receipt", "submit_correction"),  # 补正材料接收凭证
        ("withdrawal", "withdraw"),
        ("termination", "terminate"),
    ):
        issued = Document.objects.filter(kind=kind, state="genuine", event__action=action)
        assert issued.exists(), (kind, action)
    assert Push.objects.filter(decision="deem_renewed").exists()


def _an_opinion_answered_one_deemed_and_a_joint_review_sealed():
    """征求意见: one answered with conditions, one deemed no objection by silence (with its rule,
    as a case event); 联合审图: one report under the bureau's seal, used by a case."""
    from oneseal.cases.models import CaseEvent
    from oneseal.linkage.models import OpinionRequest
    from oneseal.projects.models import JointStep

    on_cases = OpinionRequest.objects.filter(case__isnull=False)
    answered = on_cases.get(state="answered")
    assert answered.conclusion == "conditions"
    deemed = on_cases.get(state="deemed")
    assert deemed.silence_is_consent and "实施方案" in deemed.silence_rule
    event = CaseEvent.objects.get(case=deemed.case, action="opinion_deemed")
    assert event.on == deemed.deemed_on and event.data["rule"] == deemed.silence_rule
    step = JointStep.objects.get(kind="drawing_review", state="concluded")
    assert step.report_number.startswith("平审批联审〔") and step.report_sha256
    (case,) = step.cases.all()
    assert CaseEvent.objects.filter(case=case, action="joint_report").exists()


def _a_joint_inspection_and_a_joint_acceptance_done():
    """联合勘验: a project's visit with two inspectors' findings signed, completed; 联合验收:
    every party's result (the section's, the department's answered opinion) and the
    联合验收意见书 under the bureau's seal, used by the completion stage's case."""
    from oneseal.documents.signing import check_signature
    from oneseal.inspections.models import Inspection
    from oneseal.projects.joint_actions import party_rows
    from oneseal.projects.models import JointStep

    visit = Inspection.objects.get(project__isnull=False)
    assert visit.state == "completed" and visit.inspectors.count() >= 2
    assert all(i.confirmed_at for i in visit.inspectors.all())
    assert visit.findings.exists() and all(p.attended for p in visit.parties.all())
    acceptance = JointStep.objects.get(kind="joint_acceptance")
    assert acceptance.state == "concluded" and acceptance.stage == 4
    assert acceptance.report_number.startswith("平审批联验〔")
    rows = party_rows(acceptance)
    assert len(rows) == 2 and all(row["done"] for row in rows)
    assert acceptance.parties.filter(department__isnull=False).exists()
    data = acceptance.report_file.open("rb").read()
    assert check_signature(data, [acceptance.report_seal.certificate_pem]).ok
    (case,) = acceptance.cases.all()
    assert case.handling_item.name == "特殊建设工程消防验收"
    assert case.events.filter(action="joint_report").exists()


def _a_hearing_was_held_and_a_party_heard():
    """The hearings step: one case whose hearing was requested, held and signed, decided on its
    record; one whose interested party stated views online and was answered."""
    from oneseal.hearings.models import PartyStatement

    hearing = Hearing.objects.get(state="held")
    assert hearing.requests.count() == 2
    assert not hearing.record.statements.filter(signed_at__isnull=True).exists()
    assert hearing.presiding.username == "reviewer"
    grant = hearing.case.events.get(action="grant")
    assert grant.data["hearing_record"]["id"] == hearing.record.pk
    assert hearing.case.suspensions.get(kind="hearing").resumed_on == hearing.held_on
    # One notice per addressee: the applicant and the neighbour; the neighbour's own notice.
    for kind, n in (("hearing_right", 2), ("hearing_notice", 2), ("interested_party", 1)):
        assert Document.objects.filter(kind=kind, case=hearing.case).count() == n, kind
    statement = PartyStatement.objects.get(channel="portal")
    assert statement.answered_on is not None
    assert Document.objects.filter(kind="interested_party", case=statement.party.case).exists()


def test_the_demo_list_exported_before_the_scheduled_cancellation_imports_back_unchanged(county):
    catalogue = pingluo_catalogue()
    day = builder.CANCEL_DATE - datetime.timedelta(days=1)
    data = export_catalogue(catalogue, on=day)
    cancelled = Item.objects.get(
        catalogue=catalogue, versions__name=builder.CANCELLED_ITEM, versions__number=1
    )
    listed = {r[HEADERS.index("基本编码")] for r in _sheet_rows(data)}
    assert cancelled.basic_code in listed, (
        "the item whose cancellation is scheduled is still on the list"
    )
    before = (ItemVersion.objects.count(), HandlingItem.objects.count(), AuditEvent.objects.count())
    catadmin = get_user_model().objects.get(username="catadmin")
    report = import_catalogue(catalogue, data, actor=catadmin, publish_on=day)
    assert sorted(report.unchanged) == sorted(listed)
    assert not (
        report.created
        or report.changed
        or report.published
        or report.blocked
        or report.items_not_in_file
    )
    assert (
        ItemVersion.objects.count(),
        HandlingItem.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def _sheet_rows(data: bytes) -> list[tuple]:
    import openpyxl

    return list(
        openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        .worksheets[0]
        .iter_rows(min_row=2, values_only=True)
    )


# ---- the tables themselves (no database) ----------------------------------------------------

TRAILING_QUALIFIER = re.compile(r"[（(][^（）()]*[)）]$")


def csv_names() -> set[str]:
    """Every name of the csv, and each with its trailing bracketed qualifiers dropped one by
    one (the first documented change in data/catalogue.py)."""
    names = set()
    with CSV.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for name in (row["main_item"], row["name"]):
                name = name.strip()
                while name and name != "未分类":
                    names.add(name)
                    m = TRAILING_QUALIFIER.search(name)
                    if not m:
                        break
                    name = name[: m.start()].strip()
    return names


def is_documented_variant(name: str, known: set[str]) -> bool:
    m = TRAILING_QUALIFIER.search(name)
    if not m:
        return False
    base, suffix = name[: m.start()], name[m.start() + 1 : -1]
    if base not in known:
        return False
    return (
        suffix in table.VARIANT_SUFFIXES
        or (suffix.startswith("变更") and suffix[2:] in table.CHANGED_PARTICULARS)
        or ("变更" in base and suffix in table.CHANGED_PARTICULARS)
    )


def test_every_name_is_a_csv_name_or_a_documented_variant_of_one():
    known = csv_names()
    rows = [r for rows in table.TRANSFERRED_ITEMS.values() for r in rows]
    rows += [r for rows in table.OTHER_ITEMS.values() for _status, r in rows]
    names = [n for r in rows for n in (r.name, *r.handling_items)] + [
        g.name for g in guidance.MISSING_FROM_PINGLUO
    ]
    wrong = [n for n in names if n not in known and not is_documented_variant(n, known)]
    assert wrong == []
    assert not [r.name for r in rows if r.name not in known]  # items themselves are never variants
    assert set(GUIDES) <= {n for r in rows for n in r.handling_items}
    handling = [n for r in rows for n in r.handling_items]
    assert len(handling) == len(set(handling))  # a handling item's name finds its guide


def test_the_inspections_step_keeps_checklists_and_shows_one_visit_done_and_one_scheduled(county):
    from django.utils import timezone

    from oneseal.demo.steps import inspections as inspections_step
    from oneseal.inspections.models import ChecklistLine, Inspection

    inspections_step.load(today=timezone.localdate())
    assert ChecklistLine.objects.values("handling_item").distinct().count() == 2
    # The visits of single cases (the projects step adds a joint one of a project's stage).
    visits = Inspection.objects.filter(project__isnull=True)
    done = visits.get(state=Inspection.InspectionState.COMPLETED)
    assert done.inspectors.count() == 2 and all(i.confirmed_at for i in done.inspectors.all())
    assert done.findings.filter(result="nonconforms").count() == 1
    photo = done.photos.get()
    assert photo.taken_at is not None and photo.latitude is not None
    case = done.covered.get().case
    assert case.state == "accepted"
    assert list(case.events.order_by("-seq").values_list("action", flat=True)[:3]) == [
        "resume",
        "record_site_inspection",
        "suspend",
    ]
    scheduled = visits.get(state=Inspection.InspectionState.SCHEDULED)
    assert scheduled.scheduled_at > timezone.now()
    # A second run changes nothing.
    assert inspections_step.load(today=timezone.localdate()) == []
    assert visits.count() == 2


def _applicants_chose_rated_and_the_rule_suspended_one():
    from oneseal.intermediaries import rules
    from oneseal.intermediaries.models import Engagement, Intermediary, Rating

    rated = Engagement.objects.filter(status="delivered").select_related("rating")
    assert rated.count() == 4 and Rating.objects.count() == 4
    # Each chosen by the applicant's own account, never by staff.
    assert not any(e.chosen_by_staff for e in rated)
    assert {e.method for e in rated} == {"direct", "lowest", "random"}
    drawn = rated.get(method="random")
    assert drawn.seed and drawn.intermediary_id == rules.draw(drawn.seed, drawn.qualified)
    assert drawn.deliverable.case_material.case_id == drawn.case_id
    # The survey redone on the restaurant's case delivered its own file, not the first again.
    per_line = Counter(
        (e.deliverable.case_material_id, e.deliverable.sha256)
        for e in rated.select_related("deliverable")
    )
    assert max(per_line.values()) == 1, per_line
    [suspended] = Intermediary.objects.filter(status="suspended")
    assert suspended.suspension_rule["rule"] == "ratings"
    assert suspended.suspension_rule["poor"] == 3
    assert all(r.overall <= 2 for r in Rating.objects.filter(engagement__intermediary=suspended))
    assert AuditEvent.objects.filter(
        action="intermediaries.suspend", actor__isnull=True, subject_id=str(suspended.pk)
    ).exists()
    assert suspended.user is not None and drawn.intermediary.user is not None
