import datetime

import pytest
from rest_framework.test import APIClient

from oneseal.catalogue import actions
from oneseal.catalogue.models import Catalogue, HandlingItem, Material, TransferStatus
from oneseal.catalogue.queries import guidance_gaps, transfer_report
from oneseal.organisation.models import Role
from oneseal.regions.models import Region

D1 = datetime.date(2025, 1, 1)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def listed(complete_draft, admin_user):
    """Two transferred items (the first with two handling items), one stationed, one draft."""
    a = complete_draft("XK-001", "食品经营许可")
    actions.save_draft_part(
        HandlingItem(
            item_version=a,
            code="XK-001-02",
            name="食品经营许可（变更）",
            statutory_limit_days=20,
            promised_limit_days=5,
            complaint_phone="12345",
        ),
        actor=admin_user,
    )
    actions.save_draft_part(
        Material(handling_item=a.handling_items.get(code="XK-001-02"), name="变更申请书"),
        actor=admin_user,
    )
    actions.publish(a, actor=admin_user, effective_from=D1)
    actions.publish(complete_draft("XK-002", "药品零售许可"), actor=admin_user, effective_from=D1)
    b = complete_draft("QR-001", "食品小作坊登记")
    actions.update_draft(b, actor=admin_user, transfer_status=TransferStatus.STATIONED)
    actions.publish(b, actor=admin_user, effective_from=D1)
    complete_draft("XK-003", "尚在起草的事项")


@pytest.fixture
def guidance(regions, make_staff):
    """The province's guidance catalogue with three published items."""
    province = Region.objects.get(code="640000")
    catalogue = Catalogue.objects.create(
        region=province, kind=Catalogue.Kind.GUIDANCE, name="宁夏回族自治区政务服务事项指导目录"
    )
    admin = make_staff("province-admin", province, Role.CATALOGUE_ADMIN)
    for code, name in [
        ("XK-001", "食品经营许可"),
        ("XK-010", "采矿许可"),
        ("XK-011", "渔业捕捞许可"),
    ]:
        v = actions.create_item(
            catalogue, actor=admin, basic_code=code, name=name, legal_basis="某法"
        )
        hi = actions.save_draft_part(
            HandlingItem(
                item_version=v,
                code=code + "-01",
                name=name,
                statutory_limit_days=20,
                promised_limit_days=10,
                complaint_phone="12345",
            ),
            actor=admin,
        )
        actions.save_draft_part(Material(handling_item=hi, name="申请书"), actor=admin)
        actions.publish(v, actor=admin, effective_from=D1)
    return catalogue


def test_the_transfer_report_counts_published_items_per_department_and_status(api, listed, county):
    r = api.get("/api/v1/reports/transfer", {"region": "640221"})
    assert r.status_code == 200
    body = r.json()
    assert body == transfer_report(county).as_dict()
    [row] = body["rows"]
    assert row["department"] == "平罗县市场监督管理局"
    assert row["items"] == {"transferred": 2, "stationed": 1, "retained": 0}
    assert row["handling_items"] == {"transferred": 3, "stationed": 1, "retained": 0}
    assert (body["totals"]["item_total"], body["totals"]["handling_item_total"]) == (3, 4)
    assert body["statuses"]["stationed"] == "进驻大厅（不划转）"


def test_the_transfer_report_on_a_date_before_the_catalogue_counts_nothing(api, listed):
    body = api.get("/api/v1/reports/transfer", {"region": "640221", "on": "2024-12-31"}).json()
    assert body["on"] == "2024-12-31" and body["rows"] == [] and body["totals"]["item_total"] == 0


def test_counting_drafts_is_for_the_regions_own_staff_only(
    api, listed, admin_user, make_staff, other_county
):
    anonymous = api.get("/api/v1/reports/transfer", {"region": "640221", "include_drafts": "true"})
    assert anonymous.status_code == 403 and "include_drafts" in anonymous.json()["fields"]
    api.force_authenticate(make_staff("neighbour", other_county, Role.CATALOGUE_ADMIN))
    assert (
        api.get(
            "/api/v1/reports/transfer", {"region": "640221", "include_drafts": "true"}
        ).status_code
        == 403
    )
    api.force_authenticate(admin_user)
    body = api.get(
        "/api/v1/reports/transfer", {"region": "640221", "include_drafts": "true"}
    ).json()
    assert body["include_drafts"] is True and body["totals"]["item_total"] == 4


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("transfer", {}, "region"),
        ("transfer", {"region": "000000"}, "region"),
        ("transfer", {"region": "640221", "on": "2025-13-01"}, "on"),
        ("guidance-gaps", {"region": "64022"}, "region"),
        ("guidance-gaps", {}, "region"),
    ],
)
def test_a_report_with_a_bad_parameter_is_a_400_naming_it(api, regions, path, params, field):
    r = api.get(f"/api/v1/reports/{path}", params)
    assert r.status_code == 400
    assert list(r.json()["fields"]) == [field]


def test_guidance_gaps_list_what_is_missing_and_what_was_declared_no_such_power(
    api, listed, guidance, catalogue, admin_user, county
):
    actions.declare_no_such_power(
        catalogue, actor=admin_user, basic_code="XK-010", reason="本县无矿产资源审批权"
    )
    body = api.get("/api/v1/reports/guidance-gaps", {"region": "640221"}).json()
    assert body == guidance_gaps(county).as_dict()
    assert body["guidance_catalogue"] == "宁夏回族自治区政务服务事项指导目录"
    assert body["guidance_total"] == 3
    assert [g["basic_code"] for g in body["gaps"]] == ["XK-011"]
    assert body["gaps"][0]["item_type"] == "行政许可"
    assert [(e["basic_code"], e["reason"]) for e in body["exempted"]] == [
        ("XK-010", "本县无矿产资源审批权")
    ]


def test_guidance_gaps_without_a_guidance_catalogue_are_empty(api, listed):
    body = api.get("/api/v1/reports/guidance-gaps", {"region": "640221"}).json()
    assert body["guidance_catalogue"] is None and body["gaps"] == [] and body["guidance_total"] == 0
