"""The licence register: one number for a licence's whole life; 变更, 延续, 补证 and 注销 grants
act on the licence the case names; 《行政许可法》第五十条 (renewal at least 30 days before
expiry, reminders, deemed renewal). Real dates: the 2025 Spring Festival, National Day 2025."""

import datetime

import pytest
from django.core import mail

from oneseal.applicants.actions import register_applicant
from oneseal.audit.models import AuditEvent
from oneseal.cases import actions, jobs
from oneseal.cases.actions import licences
from oneseal.cases.models import Case, Delivery, ExpiryReminder, Licence, LicenceVersion, State
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import HandlingItem, Material, Variant
from oneseal.documents import actions as document_actions
from oneseal.documents.models import Document, DocumentKind
from oneseal.documents.queries import due_documents
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.linkage.models import Push
from oneseal.testing import (
    at,
    day,
    in_parallel,
    issued_document,
    needs_postgres,
    revoke_through_procedure,
)

VARIANTS = [
    (Variant.CHANGE, "食品经营许可变更经营项目"),
    (Variant.RENEWAL, "食品经营许可延续"),
    (Variant.REISSUE, "食品经营许可补办"),
    (Variant.CANCELLATION, "食品经营许可注销"),
]


def publish_item(
    complete_draft, admin_user, *, basic_code: str, name: str, validity: str = "5年"
) -> dict:
    """A published item with a 新办 handling item and one of each acting variant."""
    version = complete_draft(basic_code=basic_code, name=name)
    new = version.handling_items.get()
    new.result_name, new.result_validity = name + "证", validity
    catalogue_actions.save_draft_part(new, actor=admin_user)
    for n, (variant, hi_name) in enumerate(VARIANTS, 2):
        hi = catalogue_actions.save_draft_part(
            HandlingItem(
                item_version=version,
                code=f"{basic_code}-0{n}",
                name=hi_name,
                variant=variant,
                statutory_limit_days=20,
                promised_limit_days=5,
                complaint_phone="0952-12345",
                result_name=name + "证",
                result_validity=validity,
                order=n,
            ),
            actor=admin_user,
        )
        catalogue_actions.save_draft_part(
            Material(handling_item=hi, name="申请书", order=1), actor=admin_user
        )
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return {hi.variant: hi for hi in version.handling_items.all()}


@pytest.fixture
def food(complete_draft, admin_user):
    return publish_item(complete_draft, admin_user, basic_code="640221-XK-101", name="食品经营许可")


@pytest.fixture
def other_item(complete_draft, admin_user):
    return publish_item(
        complete_draft,
        admin_user,
        basic_code="640221-XK-102",
        name="公共场所卫生许可",
        validity="4年",
    )


@pytest.fixture
def holder(clerk):
    return register_applicant(
        actor=clerk,
        kind="organisation",
        name="平罗县沙湖人家餐饮有限公司",
        number="91350100M000100Y43",
        phone="0952-6012345",
        email="shahu@example.cn",
    )


@pytest.fixture
def stranger(clerk):
    return register_applicant(
        actor=clerk, kind="person", name="路人甲", number="640221199002150049", phone="13909520001"
    )


def received(hi, applicant, clerk, on: str, *, licence=None, hhmm="09:00"):
    return actions.receive(
        hi, actor=clerk, applicant=applicant, at=at(f"{on} {hhmm}"), target_licence=licence
    )


def decided(hi, applicant, clerk, signatory, on: str, *, licence=None, **terms):
    case = received(hi, applicant, clerk, on, licence=licence)
    lines = {line.pk: "provided" for line in case.materials.all()}
    actions.check_materials(case, actor=clerk, statuses=lines)
    actions.accept(case, actor=clerk, on=day(on))
    result = actions.grant(case, actor=signatory, on=day(on), **terms)
    case.refresh_from_db()
    return case, result


def new_licence(food, holder, clerk, signatory, on="2025-01-20", until="2030-01-19"):
    _case, licence = decided(
        food[Variant.NEW],
        holder,
        clerk,
        signatory,
        on,
        scope="预包装食品销售",
        valid_from=day(on),
        valid_until=day(until),
    )
    return licence


# --- each variant's grant on the same licence ------------------------------------------------------


def test_change_renewal_replacement_and_cancellation_act_on_one_licence(
    food, holder, clerk, signatory
):
    licence = new_licence(food, holder, clerk, signatory)
    assert licence.versions.get().kind == LicenceVersion.Kind.NEW

    change, same = decided(
        food[Variant.CHANGE],
        holder,
        clerk,
        signatory,
        "2025-03-03",
        licence=licence,
        scope="预包装食品销售；热食类食品制售",
    )
    assert same.pk == licence.pk and Licence.objects.count() == 1
    assert change.target_licence == licence and change.state == State.GRANTED
    licence.refresh_from_db()
    assert (licence.number, licence.version, licence.scope) == (
        same.number,
        2,
        "预包装食品销售；热食类食品制售",
    )
    assert (licence.valid_from, licence.valid_until) == (day("2025-01-20"), day("2030-01-19"))
    event = change.events.get(action="grant")
    assert (
        event.notice_due == "grant"
        and event.data["variant"] == "change"
        and event.data["version"] == 2
    )

    # Applied 79 days before expiry; decided before it: the new validity follows the old one for
    # the 5 years the guide sets.
    renewal, _ = decided(
        food[Variant.RENEWAL], holder, clerk, signatory, "2029-11-01", licence=licence
    )
    licence.refresh_from_db()
    assert licence.version == 3 and licence.number == same.number
    assert (licence.valid_from, licence.valid_until) == (day("2030-01-20"), day("2035-01-19"))
    assert licence.scope == "预包装食品销售；热食类食品制售"

    replacement, _ = decided(
        food[Variant.REISSUE], holder, clerk, signatory, "2030-03-02", licence=licence
    )
    licence.refresh_from_db()
    assert licence.version == 4 and licence.versions.last().kind == LicenceVersion.Kind.REPLACEMENT
    assert licence.valid_until == day("2035-01-19")

    cancellation, _ = decided(
        food[Variant.CANCELLATION], holder, clerk, signatory, "2031-06-02", licence=licence
    )
    licence.refresh_from_db()
    assert licence.state == Licence.LicenceState.CANCELLED and licence.cancelled_on == day(
        "2031-06-02"
    )
    assert licence.version == 4 and Licence.objects.count() == 1
    assert licence.standing(day("2031-06-03")) == Licence.Standing.CANCELLED
    grant_event = cancellation.events.get(action="grant")
    assert (
        grant_event.notice_due == "cancellation"
        and grant_event.data["cancelled_on"] == "2031-06-02"
    )
    assert "第七十条" in grant_event.data["basis"]
    assert [v.kind for v in licence.versions.all()] == ["new", "change", "renewal", "replacement"]
    assert [v.case for v in licence.versions.all()] == [licence.case, change, renewal, replacement]
    # Every grant went to the supervising department with its variant.
    pushed = Push.objects.filter(case__in=[change, renewal, replacement, cancellation]).order_by(
        "pk"
    )
    assert [(p.payload["handling_item"]["variant"], p.licence_id) for p in pushed] == [
        ("change", licence.pk),
        ("renewal", licence.pk),
        ("reissue", licence.pk),
        ("cancellation", licence.pk),
    ]
    assert pushed.last().payload["licence"]["state"] == "cancelled"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_documents_of_each_version_supersede_or_void_the_earlier_ones(
    food, holder, clerk, signatory, bureau, media
):
    document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    licence = new_licence(food, holder, clerk, signatory)
    first = issued_document(licence.case, kind=DocumentKind.LICENCE, actor=clerk)
    assert first.issued_by == signatory  # issued with the grant

    change, _ = decided(
        food[Variant.CHANGE],
        holder,
        clerk,
        signatory,
        "2025-03-03",
        licence=licence,
        scope="预包装食品销售；热食类食品制售",
    )
    # The change's acts issued their notices and the licence's new version themselves.
    assert {d.kind for d in Document.objects.filter(case=change)} == {
        DocumentKind.RECEIPT,
        DocumentKind.ACCEPTANCE,
        DocumentKind.GRANT,
        DocumentKind.LICENCE,
    }
    assert (
        due_documents(change) == []
        and document_actions.issue_due_documents(change, actor=clerk) == []
    )
    second = Document.objects.get(case=change, kind=DocumentKind.LICENCE)
    first.refresh_from_db()
    assert first.state == Document.DocumentState.SUPERSEDED and second.supersedes == first
    assert second.case == change and second.state == Document.DocumentState.GENUINE

    replacement, _ = decided(
        food[Variant.REISSUE], holder, clerk, signatory, "2025-10-09", licence=licence
    )
    third = Document.objects.get(case=replacement, kind=DocumentKind.LICENCE)
    second.refresh_from_db()
    # The lost copy is void, so it can never verify as the licence.
    assert second.state == Document.DocumentState.REVOKED and second.revoked_on == day("2025-10-09")
    assert "补发" in second.revocation_reason and third.supersedes == second

    cancellation, _ = decided(
        food[Variant.CANCELLATION], holder, clerk, signatory, "2025-11-03", licence=licence
    )
    # A notice, never a new licence.
    assert due_documents(cancellation) == []
    receipt, _acceptance, notice = Document.objects.filter(case=cancellation).order_by("pk")
    assert (receipt.kind, _acceptance.kind) == (DocumentKind.RECEIPT, DocumentKind.ACCEPTANCE)
    assert (
        notice.kind == DocumentKind.CANCELLATION
        and "注" in notice.number
        and notice.issued_by == signatory
    )
    assert Document.objects.filter(kind=DocumentKind.LICENCE).count() == 3


# --- refusals at receipt ----------------------------------------------------------------------------


def refused(hi, applicant, clerk, on, licence, *, hhmm="09:00") -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        received(hi, applicant, clerk, on, licence=licence, hhmm=hhmm)
    return caught.value.fields["licence"]


def test_a_licence_of_another_holder_or_another_item_is_refused_naming_the_field(
    food, other_item, holder, stranger, clerk, signatory
):
    licence = new_licence(food, holder, clerk, signatory)
    hygiene = new_licence(other_item, holder, clerk, signatory)
    before = Case.objects.count()
    (msg,) = refused(food[Variant.CHANGE], stranger, clerk, "2025-03-03", licence)
    assert licence.number in msg and "持证人不是申请人" in msg
    (msg,) = refused(food[Variant.RENEWAL], holder, clerk, "2025-03-03", hygiene)
    assert "不是“食品经营许可”的证照" in msg
    assert (
        "须指明所涉及的证照" in refused(food[Variant.CHANGE], holder, clerk, "2025-03-03", None)[0]
    )
    assert Case.objects.count() == before


def test_a_cancelled_or_revoked_licence_cannot_be_acted_on(food, holder, clerk, signatory):
    licence = new_licence(food, holder, clerk, signatory)
    decided(food[Variant.CANCELLATION], holder, clerk, signatory, "2025-03-03", licence=licence)
    (msg,) = refused(food[Variant.CHANGE], holder, clerk, "2025-03-04", licence)
    assert "已注销（2025年3月3日）" in msg
    with pytest.raises(InvalidTransition):
        actions.propose_revocation(
            licence.case, actor=signatory, facts="测试", on=day("2025-03-05")
        )

    other = new_licence(food, holder, clerk, signatory, on="2025-03-05")
    revoke_through_procedure(
        other.case,
        proposer=signatory,
        clerk=clerk,
        signatory=signatory,
        proposed_on="2025-03-06",
        notified_on="2025-03-06",
        decided_on="2025-03-07",
        views="无异议",
    )
    (msg,) = refused(food[Variant.REISSUE], holder, clerk, "2025-03-10", other)
    assert "已撤销" in msg


def test_an_expired_licence_cannot_be_renewed_or_changed(food, holder, clerk, signatory):
    licence = new_licence(food, holder, clerk, signatory, on="2025-01-20", until="2025-09-30")
    assert licence.standing(day("2025-09-30")) == Licence.Standing.VALID
    assert licence.standing(day("2025-10-01")) == Licence.Standing.EXPIRED
    assert Licence.objects.standing_is("expired", day("2025-10-01")).get() == licence
    assert not Licence.objects.in_force(day("2025-10-01")).exists()
    (msg,) = refused(food[Variant.CHANGE], holder, clerk, "2025-10-09", licence)
    assert "已过期（2025年9月30日）" in msg


def test_a_renewal_29_days_before_expiry_is_refused_citing_article_50(
    food, holder, clerk, signatory
):
    # Valid until National Day eve 2025-09-30: 30 days before is 2025-08-31.
    licence = new_licence(food, holder, clerk, signatory, on="2025-01-20", until="2025-09-30")
    (msg,) = refused(food[Variant.RENEWAL], holder, clerk, "2025-09-01", licence)
    assert (
        "《中华人民共和国行政许可法》第五十条第一款" in msg
        and "届满30日前" in msg
        and "仅29日" in msg
    )
    assert not Case.objects.filter(target_licence=licence).exists()
    # Exactly 30 days before is in time (a Sunday: applied online).
    case = received(food[Variant.RENEWAL], holder, clerk, "2025-08-31", licence=licence)
    assert case.target_licence == licence
    # One application on a licence at a time.
    (msg,) = refused(food[Variant.CHANGE], holder, clerk, "2025-08-31", licence, hhmm="10:00")
    assert case.number in msg


def test_an_items_own_law_sets_another_renewal_period(food, holder, clerk, signatory, admin_user):
    licence = new_licence(food, holder, clerk, signatory, on="2025-01-20", until="2025-09-30")
    item = food[Variant.NEW].item_version.item
    with pytest.raises(NotPermitted):
        licences.set_renewal_lead_time(item, actor=clerk, days=60, basis="《某条例》第十条")
    with pytest.raises(ValidationFailed) as caught:
        licences.set_renewal_lead_time(item, actor=admin_user, days=60, basis="")
    assert "basis" in caught.value.fields
    licences.set_renewal_lead_time(
        item, actor=admin_user, days=60, basis="《食品经营许可和备案管理办法》第三十三条"
    )
    assert AuditEvent.objects.filter(action="cases.renewal_lead_time").exists()
    (msg,) = refused(food[Variant.RENEWAL], holder, clerk, "2025-08-31", licence)
    assert "《食品经营许可和备案管理办法》第三十三条" in msg and "届满60日前" in msg
    assert received(food[Variant.RENEWAL], holder, clerk, "2025-08-01", licence=licence).pk


def test_catalogue_staff_set_an_items_renewal_lead_time_in_the_admin_and_the_guide_shows_it(
    food, admin_user, clerk, client
):
    from django.urls import reverse

    from oneseal.cases.models import RenewalLeadTime

    renewal = food[Variant.RENEWAL]
    item = renewal.item_version.item
    guide = reverse("portal:guide", args=[renewal.pk])
    shown = client.get(guide).content.decode()
    assert "应在证照有效期届满30日前提出（《中华人民共和国行政许可法》第五十条第一款）" in shown
    add = reverse("admin:cases_renewalleadtime_add")
    # Wrong role: a clerk who may enter the admin is refused the page and the action.
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    assert client.get(add).status_code == 403
    assert (
        client.post(add, {"item": item.pk, "days": "45", "basis": "《某条例》第十条"}).status_code
        == 403
    )
    assert not RenewalLeadTime.objects.exists()
    # Invalid numbers of days are refused naming the field, on every path.
    for days in ("abc", "0", "367", ""):
        with pytest.raises(ValidationFailed) as caught:
            licences.set_renewal_lead_time(
                item, actor=admin_user, days=days, basis="《某条例》第十条"
            )
        assert list(caught.value.fields) == ["days"], days
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    refused = client.post(
        add, {"item": item.pk, "days": "400", "basis": "《某条例》第十条"}, follow=True
    )
    assert (
        "天数须为1至366之间的整数" in refused.content.decode()
        and not RenewalLeadTime.objects.exists()
    )
    saved = client.post(
        add, {"item": item.pk, "days": "45", "basis": "《食品经营许可和备案管理办法》第三十三条"}
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    row = RenewalLeadTime.objects.get()
    assert (row.item, row.days, row.set_by) == (item, 45, admin_user)
    assert (
        AuditEvent.objects.filter(action="cases.renewal_lead_time", subject_id=str(item.pk)).count()
        == 1
    )
    client.logout()
    assert (
        "应在证照有效期届满45日前提出（《食品经营许可和备案管理办法》第三十三条）"
        in client.get(guide).content.decode()
    )
    # Deleting it in the admin goes back to 第五十条's 30 days, audited.
    client.force_login(admin_user)
    deleted = client.post(
        reverse("admin:cases_renewalleadtime_delete", args=[row.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302 and not RenewalLeadTime.objects.exists()
    assert (
        AuditEvent.objects.filter(action="cases.renewal_lead_time", subject_id=str(item.pk)).count()
        == 2
    )


def test_a_licence_revoked_after_receipt_blocks_the_grant(food, holder, clerk, signatory):
    licence = new_licence(food, holder, clerk, signatory)
    case = received(food[Variant.CHANGE], holder, clerk, "2025-03-03", licence=licence)
    actions.check_materials(
        case, actor=clerk, statuses={line.pk: "provided" for line in case.materials.all()}
    )
    actions.accept(case, actor=clerk, on=day("2025-03-03"))
    revoke_through_procedure(
        licence.case,
        proposer=signatory,
        clerk=clerk,
        signatory=signatory,
        proposed_on="2025-03-04",
        notified_on="2025-03-04",
        decided_on="2025-03-05",
        views="无异议",
    )
    with pytest.raises(InvalidTransition) as caught:
        actions.grant(case, actor=signatory, on=day("2025-03-06"), scope="热食类食品制售")
    assert "已撤销" in caught.value.message
    licence.refresh_from_db()
    assert licence.version == 1


def test_a_change_keeps_the_validity_and_a_replacement_the_terms(food, holder, clerk, signatory):
    licence = new_licence(food, holder, clerk, signatory)
    with pytest.raises(ValidationFailed) as caught:
        decided(
            food[Variant.CHANGE],
            holder,
            clerk,
            signatory,
            "2025-03-03",
            licence=licence,
            scope="热食类",
            valid_until=day("2035-01-19"),
        )
    assert "请申请延续" in caught.value.fields["valid_until"][0]
    licence.refresh_from_db()
    assert licence.version == 1 and licence.valid_until == day("2030-01-19")
    other = new_licence(food, holder, clerk, signatory, on="2025-03-04")
    with pytest.raises(ValidationFailed) as caught:
        decided(
            food[Variant.REISSUE],
            holder,
            clerk,
            signatory,
            "2025-03-05",
            licence=other,
            scope="热食类",
        )
    assert "scope" in caught.value.fields
    other.refresh_from_db()
    assert other.version == 1 and other.scope == "预包装食品销售"


# --- reminders and deemed renewal -------------------------------------------------------------------


def test_holders_are_reminded_once_each_90_60_and_30_days_before_expiry(
    food, holder, clerk, signatory, settings
):
    settings.EMAIL_HOST = "smtp.example.cn"
    licence = new_licence(food, holder, clerk, signatory, on="2025-01-20", until="2026-02-16")
    day_ = day("2025-11-01")
    while day_ <= day("2026-02-16"):
        jobs.send_expiry_reminders(day_)
        jobs.send_expiry_reminders(day_)  # a second pass the same day sends nothing more
        day_ += datetime.timedelta(days=1)
    rows = list(ExpiryReminder.objects.filter(licence=licence).order_by("on"))
    # 2026-02-16 is the last day before the Spring Festival (2/17): 90, 60, 30 days before it.
    assert [(r.days_before, r.on) for r in rows] == [
        (90, day("2025-11-18")),
        (60, day("2025-12-18")),
        (30, day("2026-01-17")),
    ]
    assert len(mail.outbox) == 3 and mail.outbox[0].to == ["shahu@example.cn"]
    assert "2026年2月16日" in mail.outbox[0].body and "第五十条" in mail.outbox[0].body
    assert all(r.emailed_at for r in rows)


def test_no_reminder_once_a_renewal_is_under_way_and_no_mail_without_a_host(
    food, holder, clerk, signatory, settings
):
    settings.EMAIL_HOST = ""
    licence = new_licence(food, holder, clerk, signatory, on="2025-01-20", until="2026-02-16")
    assert jobs.send_expiry_reminders(day("2025-11-18")) == 1 and not mail.outbox
    received(food[Variant.RENEWAL], holder, clerk, "2025-12-01", licence=licence)
    assert jobs.send_expiry_reminders(day("2025-12-18")) == 0


def test_a_renewal_undecided_at_expiry_is_deemed_granted(
    food, holder, clerk, signatory, bureau, media
):
    document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    licence = new_licence(food, holder, clerk, signatory, on="2025-01-20", until="2025-09-30")
    case = received(food[Variant.RENEWAL], holder, clerk, "2025-08-29", licence=licence)
    actions.check_materials(
        case, actor=clerk, statuses={line.pk: "provided" for line in case.materials.all()}
    )
    actions.accept(case, actor=clerk, on=day("2025-09-01"))
    assert jobs.run_deemed_renewals(day("2025-09-30")) == 0  # the last day of validity: still time
    assert jobs.run_deemed_renewals(day("2025-10-01")) == 1
    assert jobs.run_deemed_renewals(day("2025-10-02")) == 0
    case.refresh_from_db()
    licence.refresh_from_db()
    assert case.state == State.GRANTED and case.decided_on == day("2025-10-01")
    assert (licence.version, licence.valid_from, licence.valid_until) == (
        2,
        day("2025-10-01"),
        day("2030-09-30"),
    )
    assert licence.standing(day("2025-10-01")) == Licence.Standing.VALID
    version = licence.versions.last()
    assert version.deemed and version.kind == "renewal" and version.issued_by is None
    event = case.events.last()
    assert (event.action, event.actor_id, event.notice_due) == (
        "deem_renewed",
        None,
        "deemed_renewal",
    )
    assert (
        event.data["basis"] == "《中华人民共和国行政许可法》第五十条第二款"
        and event.data["expired_on"] == "2025-09-30"
    )
    assert AuditEvent.objects.filter(
        action="cases.deem_renewed", subject_id=str(licence.pk)
    ).exists()
    assert actions.verify_chain(case.pk) == []
    # The acceptance went out with the clerk's act; the worker's deemed renewal issued its
    # notice and the licence's new version itself, with nobody as the issuer.
    documents = {d.kind: d for d in Document.objects.filter(case=case)}
    assert set(documents) == {
        DocumentKind.RECEIPT,
        DocumentKind.ACCEPTANCE,
        DocumentKind.DEEMED_RENEWAL,
        DocumentKind.LICENCE,
    }
    assert documents[DocumentKind.ACCEPTANCE].issued_by == clerk
    assert (
        documents[DocumentKind.DEEMED_RENEWAL].issued_by is None
        and documents[DocumentKind.LICENCE].issued_by is None
    )
    assert (
        documents[DocumentKind.LICENCE].event == event
        and documents[DocumentKind.DEEMED_RENEWAL].event == event
    )
    # The renewed version's document replaces the first one's.
    first = Document.objects.get(case=licence.case, kind=DocumentKind.LICENCE)
    assert (
        first.state == Document.DocumentState.SUPERSEDED
        and documents[DocumentKind.LICENCE].supersedes == first
    )
    assert (
        due_documents(case) == [] and document_actions.issue_due_documents(case, actor=clerk) == []
    )


def test_a_deemed_renewal_reaches_the_department_like_a_grant(
    food, holder, clerk, signatory, supervisor, client, other_county, make_staff
):
    """审管联动: the worker's deemed renewal is pushed to the supervising department in its own
    transaction; the department sees it on its pages and API and signs for it as for a grant."""
    from rest_framework.test import APIClient

    from oneseal.linkage.actions.push import sign_push
    from oneseal.linkage.models import Decision
    from oneseal.organisation.models import Role

    licence = new_licence(food, holder, clerk, signatory, on="2025-01-20", until="2025-09-30")
    case = received(food[Variant.RENEWAL], holder, clerk, "2025-08-29", licence=licence)
    actions.check_materials(
        case, actor=clerk, statuses={line.pk: "provided" for line in case.materials.all()}
    )
    actions.accept(case, actor=clerk, on=day("2025-09-01"))
    assert not Push.objects.filter(case=case).exists()
    assert jobs.run_deemed_renewals(day("2025-10-01")) == 1
    push = Push.objects.get(case=case)
    event = case.events.get(action="deem_renewed")
    assert (push.event, push.decision, push.licence) == (event, Decision.DEEMED_RENEWAL, licence)
    assert push.department == supervisor.staff.department and push.pushed_on == day("2025-10-01")
    # Three working days after the push, past the National Day holiday (10-01 to 10-08):
    # 10-09, 10-10 and Saturday 10-11, a working day that year.
    assert push.sign_due == day("2025-10-11")
    assert (
        push.payload["decision_label"] == "视为准予延续"
        and push.payload["licence"]["valid_until"] == "2030-09-30"
    )
    assert push.payload["handling_item"]["variant"] == Variant.RENEWAL
    assert AuditEvent.objects.filter(
        action="linkage.push_decision", subject_id=str(push.pk)
    ).exists()
    # The department's inbox page, its push page and the API show it.
    client.force_login(supervisor)
    inbox = client.get("/linkage/inbox/").content.decode()
    assert case.number in inbox and "视为准予延续" in inbox
    assert "视为准予延续" in client.get(f"/linkage/pushes/{push.pk}/").content.decode()
    api = APIClient()
    api.force_authenticate(supervisor)
    listed = api.get("/api/v1/linkage/pushes").json()["results"]
    assert (push.pk, "deem_renewed") in [
        (row["id"], row["decision"]) for row in listed
    ]  # and the first grant
    # Another county's supervisor neither sees nor signs it; the department signs it as a grant.
    far = make_staff("far-supervisor", other_county, Role.SUPERVISOR)
    with pytest.raises(NotPermitted):
        sign_push(push, actor=far)
    signed = client.post(f"/linkage/pushes/{push.pk}/sign/")
    assert signed.status_code == 302
    push.refresh_from_db()
    assert push.signed_on is not None and push.signed_by == supervisor


def test_a_changed_licence_is_revoked_as_the_licence_from_its_change_case(
    food, holder, clerk, reviewer, signatory, bureau, media
):
    """One lookup of a case's licence (cases.queries.licence_of): the procedure may start from
    any case of the licence, and one runs at a time for the licence, whichever case it is on."""
    document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    licence = new_licence(food, holder, clerk, signatory, on="2025-01-20")
    change, _ = decided(
        food[Variant.CHANGE],
        holder,
        clerk,
        signatory,
        "2025-03-03",
        licence=licence,
        scope="预包装食品销售；热食类食品制售",
    )
    proposal = actions.propose_revocation(
        change, actor=reviewer, facts="变更时提交的场所证明系伪造", on=day("2025-09-29")
    )
    assert (proposal.licence, proposal.case) == (licence, change)
    # The original case reaches the same licence: a second procedure is refused, naming where it runs.
    with pytest.raises(InvalidTransition) as refused:
        actions.propose_revocation(licence.case, actor=reviewer, facts="另案", on=day("2025-09-29"))
    assert change.number in " ".join(map(str, refused.value.reasons))
    revoke_through_procedure(
        change,
        proposer=reviewer,
        clerk=clerk,
        signatory=signatory,
        proposed_on="2025-09-29",
        notified_on="2025-09-30",
        decided_on="2025-10-15",
    )
    licence.refresh_from_db()
    assert licence.state == Licence.LicenceState.REVOKED and licence.revoked_on == day("2025-10-15")
    assert Licence.objects.count() == 1
    # The change's licence document (version 2) is out of force with the licence.
    from oneseal.documents.queries import check_file

    current = Document.objects.get(case=change, kind=DocumentKind.LICENCE)
    check = check_file(current.file.open("rb").read(), today=day("2025-10-16"))
    assert (
        check.authentic
        and not check.standing.in_force
        and check.standing.reason == "licence_revoked"
    )
    assert Push.objects.filter(case=change, decision="revoke_licence", licence=licence).exists()
    with pytest.raises(InvalidTransition):
        actions.propose_revocation(licence.case, actor=reviewer, facts="再次", on=day("2025-10-16"))


def test_a_renewal_waiting_for_a_correction_is_not_deemed_granted(food, holder, clerk, signatory):
    licence = new_licence(food, holder, clerk, signatory, on="2025-01-20", until="2025-09-30")
    case = received(food[Variant.RENEWAL], holder, clerk, "2025-08-29", licence=licence)
    line = case.materials.first()
    actions.request_correction(
        case, actor=clerk, items={line.pk: "申请书未签字"}, on=day("2025-09-01")
    )
    assert jobs.run_deemed_renewals(day("2025-10-01")) == 0
    licence.refresh_from_db()
    assert licence.standing(day("2025-10-01")) == Licence.Standing.EXPIRED


def test_validity_rules_of_the_guides():
    hi = HandlingItem(result_validity="5年（最长不超过10年）")
    assert licences.validity_months(hi) == 60
    assert licences.validity_months(HandlingItem(result_validity="三年")) == 36
    assert licences.validity_months(HandlingItem(result_validity="6个月")) == 6
    assert licences.validity_months(HandlingItem(result_validity="长期")) is None
    assert (
        licences.validity_months(HandlingItem(result_validity="以许可证载明的有效期为准")) is None
    )


def test_an_earlier_versions_licence_is_not_due_again_once_replaced(
    food, holder, clerk, signatory, bureau, media
):
    document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    licence = new_licence(food, holder, clerk, signatory)
    issued_document(licence.case, kind=DocumentKind.LICENCE, actor=clerk)
    change, _ = decided(
        food[Variant.CHANGE],
        holder,
        clerk,
        signatory,
        "2025-03-03",
        licence=licence,
        scope="热食类食品制售",
    )
    issued_document(change, kind=DocumentKind.LICENCE, actor=clerk)
    assert due_documents(licence.case) == []
    with pytest.raises(ValidationFailed) as caught:
        document_actions.issue_document(licence.case, kind=DocumentKind.LICENCE, actor=clerk)
    assert "第2版" in caught.value.message


# --- races (PostgreSQL: real parallel connections) ----------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
def test_two_applications_on_one_licence_at_once_open_one_case(food, holder, clerk, signatory):
    licence = new_licence(food, holder, clerk, signatory)
    results = in_parallel(
        *[
            lambda variant=v: received(food[variant], holder, clerk, "2025-03-03", licence=licence)
            for v in (Variant.CHANGE, Variant.RENEWAL)
        ]
    )
    opened = [r for r in results if isinstance(r, Case)]
    refused_ = [r for r in results if isinstance(r, ValidationFailed)]
    assert len(opened) == 1 and len(refused_) == 1, results
    assert "已有正在办理的申请" in refused_[0].fields["licence"][0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
def test_two_workers_deem_a_renewal_and_remind_once(food, holder, clerk, signatory):
    licence = new_licence(food, holder, clerk, signatory, on="2025-01-20", until="2025-09-30")
    other = new_licence(food, holder, clerk, signatory, on="2025-01-21", until="2025-12-30")
    case = received(food[Variant.RENEWAL], holder, clerk, "2025-08-29", licence=licence)
    results = in_parallel(
        *[
            lambda: (
                jobs.run_deemed_renewals(day("2025-10-01")),
                jobs.send_expiry_reminders(day("2025-10-01")),
            )
        ]
        * 2
    )
    assert sorted(r[0] for r in results) == [0, 1] and sorted(r[1] for r in results) == [0, 1], (
        results
    )
    assert case.events.filter(action="deem_renewed").count() == 1
    assert ExpiryReminder.objects.filter(licence=other).count() == 1


def test_a_denied_renewal_delivers_no_licence(food, holder, clerk, signatory):
    # The renewal names the licence it acts on; denying it leaves that licence as it was, and
    # there is nothing of this case's to hand over: a clear refusal, never the old licence.
    licence = new_licence(food, holder, clerk, signatory, on="2025-01-20", until="2025-12-31")
    case = received(food[Variant.RENEWAL], holder, clerk, "2025-10-09", licence=licence)
    actions.check_materials(
        case, actor=clerk, statuses={line.pk: "provided" for line in case.materials.all()}
    )
    actions.accept(case, actor=clerk, on=day("2025-10-09"))
    actions.deny(case, actor=signatory, on=day("2025-10-10"), reasons="经营场所不符合要求")
    case.refresh_from_db()
    assert case.state == State.DENIED
    with pytest.raises(InvalidTransition) as refused:
        actions.deliver(case, actor=clerk, channel="window", on=day("2025-10-13"))
    assert "没有需要送达的证照" in str(refused.value.reasons)
    assert not Delivery.objects.filter(case=case).exists()
    licence.refresh_from_db()
    assert licence.valid_until == day("2025-12-31")
