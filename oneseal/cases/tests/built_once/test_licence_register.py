"""The licence register as staff and holders see it: the workbench page and its xlsx, the API
(/api/v1/licences), the portal's 我的证照, and applying on a licence through the API and the
window, each scoped by region (staff) or holder (applicants)."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from oneseal.applicants.models import Applicant
from oneseal.cases import actions, jobs
from oneseal.cases.models import Case, Licence
from oneseal.catalogue.models import HandlingItem, Variant
from oneseal.testing import builders, revoke_through_procedure

from ..test_licences import decided, new_licence, publish_item


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    """The county, its two items and the register, built once for the module
    (`builders.module_build`): seven licences, each through the whole grant and its signed
    documents, were most of each test's time when every test built its own. The rows and names
    are the shared fixtures' own (`oneseal.testing.builders`)."""
    with builders.module_build(django_db_blocker):
        county = builders.county_build()
        applicant = builders.applicant(county.clerk)
        food = publish_item(
            county.complete_draft,
            county.admin_user,
            basic_code="640221-XK-201",
            name="食品经营许可",
        )
        hygiene = publish_item(
            county.complete_draft,
            county.admin_user,
            basic_code="640221-XK-202",
            name="公共场所卫生许可",
            validity="4年",
        )
        register = build_register(
            food, hygiene, applicant, county.own_applicant, county.clerk, county.signatory
        )
        yield {
            **county.people(),
            "applicant": applicant.pk,
            "food": {variant: hi.pk for variant, hi in food.items()},
            "hygiene": {variant: hi.pk for variant, hi in hygiene.items()},
            "register": {key: licence.pk for key, licence in register.items()},
        }


def build_register(food, hygiene, applicant, own_applicant, clerk, signatory) -> dict:
    """Licences in every standing as of today: valid, expiring soon, expired, cancelled,
    revoked, and one of another item and holder."""
    on = timezone.localdate()
    valid = new_licence(food, applicant, clerk, signatory, on="2025-01-20", until="2035-01-19")
    soon = new_licence(
        food,
        applicant,
        clerk,
        signatory,
        on="2025-01-21",
        until=(on + datetime.timedelta(days=40)).isoformat(),
    )
    expired = new_licence(food, applicant, clerk, signatory, on="2025-01-22", until="2025-09-30")
    cancelled = new_licence(food, applicant, clerk, signatory, on="2025-01-23")
    decided(
        food[Variant.CANCELLATION], applicant, clerk, signatory, "2025-03-03", licence=cancelled
    )
    revoked = new_licence(food, applicant, clerk, signatory, on="2025-01-24")
    revoke_through_procedure(
        revoked.case,
        proposer=signatory,
        clerk=clerk,
        signatory=signatory,
        proposed_on="2025-03-04",
        notified_on="2025-03-04",
        decided_on="2025-03-05",
        views="无异议",
    )
    personal = new_licence(
        hygiene, own_applicant, clerk, signatory, on="2025-02-05", until="2035-02-04"
    )
    return {
        "valid": valid,
        "soon": soon,
        "expired": expired,
        "cancelled": cancelled,
        "revoked": revoked,
        "personal": personal,
    }


@pytest.fixture
def applicant(shared, db):
    return Applicant.objects.get(pk=shared["applicant"])


@pytest.fixture
def food(shared, db):
    return {variant: HandlingItem.objects.get(pk=pk) for variant, pk in shared["food"].items()}


@pytest.fixture
def hygiene(shared, db):
    return {variant: HandlingItem.objects.get(pk=pk) for variant, pk in shared["hygiene"].items()}


@pytest.fixture
def register(shared, db):
    return {key: Licence.objects.get(pk=pk) for key, pk in shared["register"].items()}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


def test_the_api_filters_the_register_by_standing_words_item_and_expiry(register, clerk, applicant):
    client = api(clerk)
    n = {key: lic.number for key, lic in register.items()}
    assert numbers(client.get("/api/v1/licences")) == set(n.values())
    for standing in ("valid", "expired", "cancelled", "revoked"):
        expected = {
            n[k]
            for k in n
            if (k == standing) or (standing == "valid" and k in ("soon", "personal"))
        }
        assert numbers(client.get("/api/v1/licences", {"standing": standing})) == expected
    assert numbers(client.get("/api/v1/licences", {"expiring_within": 60})) == {n["soon"]}
    assert numbers(client.get("/api/v1/licences", {"q": applicant.credit_code})) == {
        n[k] for k in ("valid", "soon", "expired", "cancelled", "revoked")
    }
    assert numbers(client.get("/api/v1/licences", {"q": "马𠮷祥"})) == {n["personal"]}
    assert numbers(client.get("/api/v1/licences", {"q": n["expired"]})) == {n["expired"]}
    item = register["personal"].case.handling_item.item_version.item_id
    assert numbers(client.get("/api/v1/licences", {"item": item})) == {n["personal"]}
    r = client.get("/api/v1/licences", {"standing": "lost", "expiring_within": -1})
    assert r.status_code == 400 and {"standing", "expiring_within"} <= set(r.json()["fields"])
    row = next(x for x in client.get("/api/v1/licences", {"q": n["expired"]}).json()["results"])
    assert (row["state"], row["standing"]) == ("valid", "expired")


def test_the_api_detail_has_the_versions_and_cases(register, food, applicant, clerk, signatory):
    licence = register["valid"]
    change, _ = decided(
        food[Variant.CHANGE],
        applicant,
        clerk,
        signatory,
        "2025-03-05",
        licence=licence,
        scope="预包装食品销售；热食类食品制售",
    )
    r = api(clerk).get(f"/api/v1/licences/{licence.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == 2 and body["scope"] == "预包装食品销售；热食类食品制售"
    assert [(v["number"], v["kind"]) for v in body["versions"]] == [(1, "new"), (2, "change")]
    assert [c["number"] for c in body["cases"]] == [licence.case.number, change.number]


def test_another_countys_clerk_and_another_applicant_see_nothing(
    register, far_staff, other_applicant_user, applicant_user
):
    licence = register["valid"]
    for user in (far_staff, other_applicant_user):
        assert numbers(api(user).get("/api/v1/licences")) == set()
        assert api(user).get(f"/api/v1/licences/{licence.pk}").status_code == 404
    # The holder's own account sees its own licence only.
    assert numbers(api(applicant_user).get("/api/v1/licences")) == {register["personal"].number}
    assert api(applicant_user).get(f"/api/v1/licences/{licence.pk}").status_code == 404
    assert APIClient().get("/api/v1/licences").status_code in (401, 403)
    web = Client()
    web.force_login(far_staff)
    assert web.get(f"/workbench/licences/{licence.pk}/").status_code == 404
    assert licence.number not in web.get("/workbench/licences/").content.decode()
    web.force_login(applicant_user)
    assert web.get("/workbench/licences/").status_code == 403


def test_the_workbench_register_searches_and_exports_xlsx(register, clerk):
    web = Client()
    web.force_login(clerk)
    page = web.get("/workbench/licences/", {"standing": "expired"})
    assert page.status_code == 200
    html = page.content.decode()
    assert register["expired"].number in html and register["valid"].number not in html
    xlsx = web.get("/workbench/licences/", {"standing": "cancelled", "format": "xlsx"})
    assert xlsx.status_code == 200 and "licences.xlsx" in xlsx["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(xlsx.getvalue())).active.iter_rows(values_only=True))
    assert rows[2][0] == register["cancelled"].number and rows[2][9] == "已注销" and len(rows) == 3
    assert web.get("/workbench/licences/", {"expiring_within": "-3"}).status_code == 400
    detail = web.get(f"/workbench/licences/{register['cancelled'].pk}/").content.decode()
    assert "已注销" in detail and "2025年3月3日" in detail


def test_the_portal_lists_the_holders_licences_with_history_and_reminders(
    register, applicant_user, other_applicant_user
):
    personal = register["personal"]
    Licence.objects.filter(pk=personal.pk).update(
        valid_until=timezone.localdate() + datetime.timedelta(days=59)
    )
    assert jobs.send_expiry_reminders(timezone.localdate()) >= 1
    web = Client()
    web.force_login(applicant_user)
    html = web.get("/my/licences/").content.decode()
    assert personal.number in html and "到期提醒" in html and "第五十条" in html
    assert (
        register["valid"].number not in html
    )  # the organisation's licences are not this account's
    assert "延续" in html  # the renewal handling item is offered
    web.force_login(other_applicant_user)
    html = web.get("/my/licences/").content.decode()
    assert personal.number not in html and "到期提醒" not in html


def test_an_application_names_its_licence_through_the_api_and_refusals_name_the_field(
    register, food, applicant, applicant_user, own_applicant, clerk
):
    client = api(clerk)
    change = food[Variant.CHANGE]
    r = client.post(
        "/api/v1/cases",
        {
            "handling_item": change.pk,
            "applicant": applicant.pk,
            "channel": "window",
            "licence_number": register["valid"].number.lower(),
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    assert Case.objects.get(number=r.json()["number"]).target_licence == register["valid"]
    assert (
        r.json()["target_licence"]["number"] == register["valid"].number
        and r.json()["licence"] is None
    )
    detail = client.get(f"/api/v1/cases/{r.json()['id']}").json()
    assert detail["target_licence"]["number"] == register["valid"].number
    # Another holder's licence, named by the window.
    r = client.post(
        "/api/v1/cases",
        {
            "handling_item": change.pk,
            "applicant": own_applicant.pk,
            "channel": "window",
            "licence": register["soon"].pk,
        },
        format="json",
    )
    assert r.status_code == 400 and "持证人不是申请人" in r.json()["fields"]["licence"][0]
    r = client.post(
        "/api/v1/cases",
        {
            "handling_item": change.pk,
            "applicant": applicant.pk,
            "channel": "window",
            "licence": register["cancelled"].pk,
        },
        format="json",
    )
    assert r.status_code == 400 and "已注销" in r.json()["fields"]["licence"][0]
    # An applicant online cannot even name a licence that is not theirs.
    r = api(applicant_user).post(
        "/api/v1/cases",
        {
            "handling_item": change.pk,
            "applicant": own_applicant.pk,
            "channel": "online",
            "licence": register["soon"].pk,
        },
        format="json",
    )
    assert r.status_code == 400 and "licence" in r.json()["fields"]


def test_the_window_names_the_licence_by_its_number(register, food, applicant, clerk):
    web = Client()
    web.force_login(clerk)
    form = {
        "kind": "organisation",
        "number": applicant.credit_code,
        "name": applicant.name,
        "phone": applicant.phone,
        "handling_item": food[Variant.RENEWAL].pk,
        "token": "t" * 32,
    }
    r = web.post("/workbench/intake/", {**form, "licence_number": "6402212025L999999"})
    assert r.status_code == 400 and "登记簿中没有证照6402212025L999999" in r.content.decode()
    r = web.post("/workbench/intake/", {**form, "licence_number": register["revoked"].number})
    assert r.status_code == 400 and "已撤销" in r.content.decode()
    r = web.post(
        "/workbench/intake/",
        {**form, "licence_number": register["valid"].number, "token": "u" * 32},
    )
    assert r.status_code == 302
    assert Case.objects.filter(
        target_licence=register["valid"], handling_item=food[Variant.RENEWAL]
    ).exists()


def test_the_case_page_grants_a_renewal_with_the_validity_that_follows(
    register, food, applicant, clerk, signatory
):
    licence = register["soon"]
    case = actions.receive(
        food[Variant.RENEWAL], actor=clerk, applicant=applicant, target_licence=licence
    )
    actions.check_materials(
        case, actor=clerk, statuses={line.pk: "provided" for line in case.materials.all()}
    )
    actions.accept(case, actor=clerk)
    web = Client()
    web.force_login(signatory)
    page = web.get(f"/workbench/cases/{case.pk}/")
    html = page.content.decode()
    follows = licence.valid_until + datetime.timedelta(days=1)
    assert "证照编号不变" in html and f'value="{follows.isoformat()}"' in html
    offer = next(o for o in page.context["offers"] if o.name == "grant")
    case.refresh_from_db()
    r = web.post(
        f"/workbench/cases/{case.pk}/act/grant/",
        {**offer.values, "expected_version": case.lock_version},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    licence.refresh_from_db()
    assert licence.version == 2 and licence.valid_from == follows
    assert (licence.valid_until - follows).days in (
        1825,
        1826,
    )  # the guide's 5 years, to the day before


def test_the_window_finds_the_applicants_licences_in_its_register(
    register, applicant, clerk, far_staff
):
    web = Client()
    web.force_login(clerk)
    html = web.get(
        "/workbench/intake/licences/", {"number": applicant.credit_code.lower()}
    ).content.decode()
    assert (
        register["valid"].number in html
        and register["cancelled"].number in html
        and "已注销" in html
    )
    assert register["personal"].number not in html
    web.force_login(far_staff)
    html = web.get(
        "/workbench/intake/licences/", {"number": applicant.credit_code}
    ).content.decode()
    assert register["valid"].number not in html and "没有该申请人的证照" in html
