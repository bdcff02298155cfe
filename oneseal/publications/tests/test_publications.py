"""The public register (《行政许可法》第四十条, 双公示): a licence decision opens its publication
on every path, the worker publishes it (once), the 7-working-day limit on real dates, withdrawal
with a reason and its denials, and the register showing nothing beyond the public fields."""

import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from oneseal.audit.models import AuditEvent
from oneseal.calendars.queries import current_calendar
from oneseal.cases import actions as case_actions
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.publications import actions, queries, rules
from oneseal.publications.feed import feed_row
from oneseal.publications.models import Kind, Publication
from oneseal.testing import accepted_case, at, day

ID_NUMBER = "640221198001011237"  # own_applicant's
FULL_NAME = "马𠮷祥"


def grant(hi, applicant, clerk, signatory, on: str):
    case = accepted_case(hi, applicant, clerk, on)
    licence = case_actions.grant(
        case,
        actor=signatory,
        on=day(on),
        scope="热食类食品制售",
        valid_from=day(on),
        valid_until=day("2030-09-27"),
    )
    return case, licence


def client(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


# --- rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张*丰"),
        ("欧阳小明", "欧**明"),
        ("马𠮷祥", "马*祥"),  # a character outside the BMP is one character
        (" 李 四 ", "李*"),
        ("王", "*"),
    ],
)
def test_a_persons_name_is_masked_keeping_surname_and_last_character(name, masked):
    assert rules.mask_person_name(name) == masked


@pytest.mark.parametrize(
    ("decided", "due"),
    [
        # Sunday 2025-09-28 was a working day; National Day 10-01..10-08 off; Saturday
        # 10-11 worked: 9-29, 9-30, 10-09, 10-10, 10-11, 10-13, 10-14.
        ("2025-09-28", "2025-10-14"),
        # Spring Festival 2026: 2-15..2-23 off, Saturday 2-14 and 2-28 worked:
        # 2-14, 2-24, 2-25, 2-26, 2-27, 2-28, 3-02.
        ("2026-02-13", "2026-03-02"),
        ("2025-06-02", "2025-06-11"),  # an ordinary week: the decision day never counts
    ],
)
def test_the_limit_is_the_seventh_working_day_after_the_decision(db, decided, due):
    assert rules.publication_due(current_calendar(), day(decided)).date == day(due)


# --- opened with the decision, on every path ----------------------------------------------------


def test_a_grant_at_the_window_opens_a_pending_publication_with_the_public_fields_only(
    handling_item, own_applicant, clerk, signatory, bureau
):
    case, licence = grant(handling_item, own_applicant, clerk, signatory, "2025-09-28")
    p = Publication.objects.get()
    event = case.events.get(action="grant")
    assert (p.event, p.licence, p.kind, p.state) == (event, licence, Kind.GRANT, "pending")
    assert (p.holder_kind, p.holder_name, p.holder_credit_code) == ("person", "马*祥", "")
    assert (p.licence_number, p.item_name, p.bureau_name) == (
        licence.number,
        "食品经营许可",
        "平罗县审批服务管理局",
    )
    assert (p.decided_on, p.valid_from, p.valid_until) == (
        day("2025-09-28"),
        day("2025-09-28"),
        day("2030-09-27"),
    )
    assert p.due_on == day("2025-10-14") and p.region_code == "640221"
    stored = [str(getattr(p, f.attname)) for f in Publication._meta.concrete_fields]
    assert not any(ID_NUMBER in v or FULL_NAME in v for v in stored)


def test_a_grant_through_the_api_opens_it_too_and_an_organisation_is_named_in_full(
    handling_item, applicant, clerk, signatory
):
    case = accepted_case(handling_item, applicant, clerk, "2025-09-26")
    with time_machine.travel(at("2025-09-28 10:00"), tick=False):
        r = client(signatory).post(
            f"/api/v1/cases/{case.pk}/grant",
            {"scope": "热食类食品制售", "valid_from": "2025-09-28"},
            format="json",
        )
    assert r.status_code == 200, r.content
    p = Publication.objects.get(event__case=case)
    assert (p.holder_kind, p.holder_name, p.holder_credit_code) == (
        "organisation",
        "平罗县𠮷祥餐饮有限公司",
        "91350100M000100Y43",
    )
    assert p.decided_on == day("2025-09-28") and p.due_on == day("2025-10-14")
    assert p.valid_until is None


def test_a_revocation_is_published_as_such_and_a_denial_is_not(
    handling_item, applicant, clerk, signatory
):
    from django.db import transaction

    from oneseal.cases.actions.revocation import revoke_licence

    case, licence = grant(handling_item, applicant, clerk, signatory, "2025-03-03")
    # The decision of the revocation procedure (decide_revocation calls it after hearing the
    # holder; the procedure itself is the cases app's tests').
    with transaction.atomic():
        revoke_licence(
            case, licence, actor=signatory, reason="以欺骗手段取得行政许可", on=day("2025-03-20")
        )
    kinds = list(Publication.objects.order_by("pk").values_list("kind", "decided_on"))
    assert kinds == [(Kind.GRANT, day("2025-03-03")), (Kind.REVOCATION, day("2025-03-20"))]
    revocation = Publication.objects.get(kind=Kind.REVOCATION)
    assert not revocation.in_force and revocation.licence == licence

    denied = accepted_case(handling_item, applicant, clerk, "2025-04-01")
    case_actions.deny(denied, actor=signatory, on=day("2025-04-02"), reasons="不符合条件")
    assert Publication.objects.count() == 2


@pytest.fixture
def renewable(complete_draft, admin_user):
    """公共场所卫生许可: its 新办 and its 延续 handling items."""
    from oneseal.catalogue import actions as catalogue_actions
    from oneseal.catalogue.models import HandlingItem, Material, Variant

    version = complete_draft(basic_code="640221-XK-201", name="公共场所卫生许可")
    new = version.handling_items.get()
    new.result_name, new.result_validity = "公共场所卫生许可证", "4年"
    catalogue_actions.save_draft_part(new, actor=admin_user)
    renewal = catalogue_actions.save_draft_part(
        HandlingItem(
            item_version=version,
            code="640221-XK-201-02",
            name="公共场所卫生许可延续",
            variant=Variant.RENEWAL,
            statutory_limit_days=20,
            promised_limit_days=5,
            complaint_phone="0952-12345",
            result_name="公共场所卫生许可证",
            result_validity="4年",
            order=2,
        ),
        actor=admin_user,
    )
    catalogue_actions.save_draft_part(
        Material(handling_item=renewal, name="申请书", order=1), actor=admin_user
    )
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return new, renewal


def test_a_renewal_the_worker_deems_granted_is_published_as_a_deemed_renewal(
    renewable, applicant, clerk, signatory
):
    from oneseal.cases import jobs

    new, renewal = renewable

    def opened(hi, on, licence=None):
        case = case_actions.receive(
            hi, actor=clerk, applicant=applicant, at=at(f"{on} 09:00"), target_licence=licence
        )
        lines = {line.pk: "provided" for line in case.materials.all()}
        case_actions.check_materials(case, actor=clerk, statuses=lines)
        return case_actions.accept(case, actor=clerk, on=day(on))

    licence = case_actions.grant(
        opened(new, "2025-01-20"),
        actor=signatory,
        on=day("2025-01-20"),
        scope="住宿",
        valid_from=day("2025-01-20"),
        valid_until=day("2025-09-30"),
    )
    opened(renewal, "2025-08-29", licence)
    assert jobs.run_deemed_renewals(day("2025-10-01")) == 1
    p = Publication.objects.get(kind=Kind.RENEWAL)
    assert p.deemed and p.event.action == "deem_renewed" and p.licence == licence
    assert (p.decided_on, p.valid_from, p.valid_until) == (
        day("2025-10-01"),
        day("2025-10-01"),
        day("2029-09-30"),
    )
    # 10-01..10-08 off; 10-09, 10-10, Saturday 10-11, 10-13, 10-14, 10-15, 10-16.
    assert p.due_on == day("2025-10-16")
    record = queries.public_register(queries.Filters(kind="renewal"))
    assert not record.exists()  # pending until the worker's next job
    actions.publish_due(day("2025-10-01"))
    row = feed_row(queries.public_register(queries.Filters(kind="renewal")).get())
    assert row["BZ"].startswith("视为准予延续") and row["XK_YXQZI"] == "2029-09-30"


# --- the worker -------------------------------------------------------------------------------


def test_the_job_publishes_at_once_with_an_audit_row_and_a_second_run_does_nothing(
    handling_item, applicant, clerk, signatory
):
    grant(handling_item, applicant, clerk, signatory, "2025-09-28")
    assert actions.publish_due(day("2025-09-27")) == {"opened": 0, "published": 0}  # not yet
    assert actions.publish_due(day("2025-09-28")) == {"opened": 0, "published": 1}
    assert actions.publish_due(day("2025-09-28")) == {"opened": 0, "published": 0}
    p = Publication.objects.get()
    assert p.state == "published" and p.published_at and p.published_by is None
    audit = AuditEvent.objects.get(action="publications.publish")
    assert audit.subject_id == str(p.pk) and audit.data["late"] is False


def test_the_job_opens_a_publication_the_hook_missed(handling_item, applicant, clerk, signatory):
    grant(handling_item, applicant, clerk, signatory, "2025-09-28")
    Publication.objects.all().delete()  # as if decided before the register existed
    assert actions.publish_due(day("2025-10-20")) == {"opened": 1, "published": 1}
    audit = AuditEvent.objects.get(action="publications.publish")
    assert audit.data["late"] is True and audit.data["due_on"] == "2025-10-14"


# --- staff: publish and withdraw -----------------------------------------------------------------


@pytest.fixture
def published(handling_item, own_applicant, clerk, signatory):
    grant(handling_item, own_applicant, clerk, signatory, "2025-09-28")
    actions.publish_due(day("2025-09-29"))
    return Publication.objects.get()


def test_withdrawal_needs_a_reason_and_keeps_the_record_off_the_public_list(published, signatory):
    with pytest.raises(ValidationFailed) as e:
        actions.withdraw(published, actor=signatory, reason="  ")
    assert e.value.fields == {"reason": ["请填写撤回理由"]}
    with pytest.raises(ValidationFailed) as e:
        actions.withdraw(published, actor=signatory, reason="错误\u202e公示")
    assert list(e.value.fields) == ["reason"]
    actions.withdraw(published, actor=signatory, reason="决定已被复议机关撤销，原公示撤回")
    published.refresh_from_db()
    assert published.state == "withdrawn" and published.withdrawn_by == signatory
    assert published.withdrawal_reason == "决定已被复议机关撤销，原公示撤回"
    assert not queries.public_register(queries.Filters()).exists()
    assert AuditEvent.objects.filter(action="publications.withdraw").count() == 1
    with pytest.raises(InvalidTransition):
        actions.withdraw(published, actor=signatory, reason="再次撤回")
    with pytest.raises(InvalidTransition):
        actions.publish(published, actor=signatory, today=day("2025-10-01"))
    r = client().get("/api/v1/publications/")
    assert r.status_code == 200 and r.json()["count"] == 0


def test_an_applicant_a_clerk_and_out_of_region_staff_cannot_withdraw(
    published, applicant_user, clerk, far_staff
):
    body = {"reason": "错误公示"}
    url = f"/api/v1/publications/{published.pk}/withdraw"
    assert client(applicant_user).post(url, body, format="json").status_code == 403
    assert client(far_staff).post(url, body, format="json").status_code == 404
    assert client(clerk).post(url, body, format="json").status_code == 403
    with pytest.raises(NotPermitted):
        actions.withdraw(published, actor=far_staff, reason="错误公示")
    page = reverse("publications:withdraw", args=[published.pk])
    from django.test import Client

    web = Client()
    web.force_login(far_staff)
    assert web.post(page, {f"w{published.pk}-reason": "错误公示"}).status_code == 404
    published.refresh_from_db()
    assert published.state == "published" and published.withdrawn_at is None


def test_a_signatory_withdraws_through_the_api_and_page_errors_name_the_field(
    handling_item, applicant, clerk, signatory
):
    grant(handling_item, applicant, clerk, signatory, "2025-09-28")
    p = Publication.objects.get()
    r = client(signatory).post(f"/api/v1/publications/{p.pk}/withdraw", {}, format="json")
    assert r.status_code == 400 and r.json()["fields"] == {"reason": ["请填写撤回理由"]}
    from django.test import Client

    web = Client()
    web.force_login(signatory)
    r = web.post(reverse("publications:withdraw", args=[p.pk]), {f"w{p.pk}-reason": ""})
    assert r.status_code == 400 and "请填写撤回理由" in r.content.decode()
    r = client(signatory).post(
        f"/api/v1/publications/{p.pk}/withdraw", {"reason": "许可编号录入错误"}, format="json"
    )
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"
    r = client(signatory).get("/api/v1/publications/manage")
    assert r.json()["results"][0]["withdrawal_reason"] == "许可编号录入错误"


def test_a_clerk_publishes_at_once_and_others_cannot(
    handling_item, applicant, clerk, signatory, far_staff, applicant_user
):
    from django.test import Client

    grant(handling_item, applicant, clerk, signatory, "2025-09-28")
    p = Publication.objects.get()
    url = reverse("publications:publish", args=[p.pk])
    for outsider in (far_staff, applicant_user):
        web = Client()
        web.force_login(outsider)
        assert web.post(url).status_code == 404
    # Staff of the other county see their own (none); an applicant has no such page.
    manage = web.get(reverse("publications:manage"))
    assert manage.status_code == 404
    web.force_login(far_staff)
    manage = web.get(reverse("publications:manage"))
    assert manage.status_code == 200 and p.licence_number not in manage.content.decode()
    with pytest.raises(NotPermitted):
        actions.publish(p, actor=far_staff)
    web = Client()
    web.force_login(clerk)
    manage = web.get(reverse("publications:manage"))
    assert manage.status_code == 200 and "已逾期" in manage.content.decode()
    assert web.post(url).status_code == 302
    p.refresh_from_db()
    assert p.state == "published" and p.published_by == clerk
    assert client(clerk).post(f"/api/v1/publications/{p.pk}/publish").status_code == 400


# --- the public register shows the public fields only ---------------------------------------


def test_html_xlsx_and_json_never_show_the_id_number_or_the_unmasked_name(published, client):
    page = client.get(reverse("publications:register"))
    html = page.content.decode()
    assert page.status_code == 200 and "马*祥" in html and published.licence_number in html
    assert "2025年9月28日" in html  # Chinese dates
    sheet = client.get(reverse("publications:register") + "?format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content)))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert "马*祥" in cells and published.licence_number in cells
    feed = client.get("/api/v1/publications/")
    record = feed.json()["results"][0]
    assert record["XK_XDR_MC"] == "马*祥" and record["XK_XDR_LB"] == "自然人"
    assert record["XK_XKBH"] == published.licence_number and record["XK_JDRQ"] == "2025-09-28"
    assert record["XK_ZT"] == "1" and record["XK_XDR_SHXYM"] is None
    for text in (html, " ".join(cells), feed.content.decode()):
        assert ID_NUMBER not in text and FULL_NAME not in text
    assert "XK_XDR_ZJHM" not in record and "XK_FR_ZJHM" not in record


def test_the_register_searches_filters_and_refuses_an_unknown_kind(published, client, county):
    url = reverse("publications:register")
    assert published.licence_number in client.get(url, {"q": "食品经营"}).content.decode()
    assert published.licence_number not in client.get(url, {"q": "公共场所"}).content.decode()
    hit = client.get(url, {"region": county.code, "kind": "grant"})
    assert published.licence_number in hit.content.decode()
    assert client.get("/api/v1/publications", {"kind": "revocation"}).json()["count"] == 0
    r = client.get(url, {"kind": "bogus"})
    assert r.status_code == 400 and 'id="error-kind"' in r.content.decode()
    r = client.get("/api/v1/publications/", {"region": "999999"})
    assert r.status_code == 400 and "region" in r.json()["fields"]


# --- e-supervision --------------------------------------------------------------------------


def test_e_supervision_counts_and_lists_the_publications_past_their_limit(
    handling_item, applicant, clerk, signatory, client
):
    from oneseal.esupervision.queries import overdue_publications, oversight_scope

    case, licence = grant(handling_item, applicant, clerk, signatory, "2025-09-28")
    scope = oversight_scope(signatory)
    assert overdue_publications(scope, day("2025-10-14"))["count"] == 0  # the last day
    late = overdue_publications(scope, day("2025-10-15"))
    assert late["count"] == 1 and late["rows"][0].licence_number == licence.number
    client.force_login(signatory)
    with time_machine.travel(at("2025-10-15 09:00"), tick=False):
        page = client.get(reverse("esupervision:dashboard")).content.decode()
    assert 'id="publications-overdue-count"' in page and licence.number in page
    actions.publish_due(day("2025-10-15"))
    assert overdue_publications(scope, day("2025-10-15"))["count"] == 0


def test_the_register_is_linked_from_the_navigation_and_speaks_english(client, db):
    assert reverse("publications:register") in client.get("/").content.decode()
    english = client.get("/en" + reverse("publications:register")).content.decode()
    assert "Licence decisions published" in english and "Holder, licence number or item" in english
