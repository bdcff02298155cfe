"""The delegation pages and API: a signatory issues, renews and takes back a 委托书; anyone
else is refused; the statistics page; the public check of a 委托书."""

import time_machine
from rest_framework.test import APIClient

from oneseal.delegations.models import Delegation, Mode
from oneseal.testing import at

BASIS = "《中华人民共和国行政许可法》第二十四条"


def test_a_signatory_issues_a_delegation_on_the_page(
    client, signatory, clerk, centre, handling_item, seal
):
    client.force_login(signatory)
    item = handling_item.item_version.item
    with time_machine.travel(at("2025-01-02 09:00"), tick=False):
        page = client.get("/delegations/").content.decode()
        assert "签发委托书" in page and "食品经营许可" in page
        posted = client.post(
            "/delegations/",
            {
                "service_centre": centre.pk,
                "items": [item.pk],
                "mode": Mode.DECIDE,
                "legal_basis": BASIS,
                "valid_from": "2025-01-02",
                "valid_until": "2025-12-31",
            },
        )
        d = Delegation.objects.get()
        assert posted.status_code == 302
        detail = client.get(f"/delegations/{d.pk}/").content.decode()
        assert d.number in detail and "有效" in detail
        pdf = client.get(f"/delegations/{d.pk}/pdf/")
        assert pdf["Content-Type"] == "application/pdf"
        assert client.get(f"/delegations/verify/{d.verification_code}/").status_code == 200
        client.post(f"/delegations/{d.pk}/", {"revoke": "1", "revoke-reason": "调整"})
        d.refresh_from_db()
        assert d.state == Delegation.DelegationState.REVOKED
        client.force_login(clerk)
        assert "签发委托书" not in client.get("/delegations/").content.decode()
        assert client.post("/delegations/", {}).status_code == 404
        assert client.post(f"/delegations/{d.pk}/", {"revoke": "1"}).status_code == 404


def test_statistics_page(client, clerk, centre_clerk, centre, other_centre):
    client.force_login(clerk)
    page = client.get("/delegations/statistics/").content.decode()
    assert "城关镇便民服务中心" in page and "黄渠桥镇便民服务中心" in page
    client.force_login(centre_clerk)
    page = client.get("/delegations/statistics/").content.decode()
    assert "城关镇便民服务中心" in page and "黄渠桥镇便民服务中心" not in page


def _api_body(centre, handling_item):
    return {
        "service_centre": centre.pk,
        "items": [handling_item.item_version.item.basic_code],
        "mode": "forward",
        "legal_basis": BASIS,
        "valid_from": "2025-01-02",
        "valid_until": "2025-06-30",
    }


def test_the_api(signatory, clerk, far_staff, centre, handling_item, seal):
    api = APIClient()
    api.force_authenticate(signatory)
    body = _api_body(centre, handling_item)
    with time_machine.travel(at("2025-01-02 09:00"), tick=False):
        assert (
            api.post("/api/v1/delegations", {**body, "items": ["NOPE"]}, format="json").status_code
            == 400
        )
        made = api.post("/api/v1/delegations", body, format="json")
        assert made.status_code == 201, made.json()
        pk = made.json()["id"]
        assert made.json()["standing"] == "有效"
        as_clerk = APIClient()
        as_clerk.force_authenticate(clerk)
        assert as_clerk.post("/api/v1/delegations", body, format="json").status_code == 403
        assert (
            as_clerk.post(
                f"/api/v1/delegations/{pk}/revoke", {"reason": "x"}, format="json"
            ).status_code
            == 403
        )
        far = APIClient()
        far.force_authenticate(far_staff)
        assert far.get(f"/api/v1/delegations/{pk}").status_code == 404
    with time_machine.travel(at("2025-07-01 09:00"), tick=False):
        renewed = api.post(
            f"/api/v1/delegations/{pk}/renew", {"valid_until": "2026-06-30"}, format="json"
        )
        assert renewed.status_code == 201 and renewed.json()["renews"] == made.json()["number"]
        stats = api.get("/api/v1/delegations/statistics").json()
        assert (
            stats[0]["centre_name"] == "城关镇便民服务中心"
            and stats[0]["delegations_in_force"] == 1
        )


def test_a_centre_clerk_works_its_own_case_on_the_workbench(
    client, signatory, bureau, centre, centre_clerk, other_clerk, handling_item, seal, applicant
):
    from oneseal.cases import actions as case_actions

    from .test_delegations import delegation as delegate_to

    delegate_to(signatory, bureau, centre, handling_item, mode=Mode.FORWARD)
    with time_machine.travel(at("2025-03-03 09:00"), tick=False):
        case = case_actions.receive(handling_item, actor=centre_clerk, applicant=applicant)
        client.force_login(centre_clerk)
        page = client.get(f"/workbench/cases/{case.pk}/")
        assert page.status_code == 200
        names = {o.name for o in page.context["offers"]}
        assert "intake" in names and "grant" not in names
        # What the delegation does not cover stays the bureau's (withdrawal at the window …).
        assert "withdraw" not in names and "approve-extension" not in names
        client.force_login(other_clerk)
        assert client.get(f"/workbench/cases/{case.pk}/").status_code == 404


def test_another_countys_signatory_cannot_touch_the_delegation_by_api(
    signatory, centre, handling_item, seal, other_county, make_staff
):
    from oneseal.organisation.models import Bureau, Role

    far_bureau = Bureau.objects.create(region=other_county, name="大武口区行政审批局")
    far_signatory = make_staff("farsign", other_county, Role.SIGNATORY, bureau=far_bureau)
    api = APIClient()
    api.force_authenticate(signatory)
    body = _api_body(centre, handling_item)
    with time_machine.travel(at("2025-01-02 09:00"), tick=False):
        pk = api.post("/api/v1/delegations", body, format="json").json()["id"]
        far = APIClient()
        far.force_authenticate(far_signatory)
        assert (
            far.post(f"/api/v1/delegations/{pk}/revoke", {"reason": "x"}, format="json").status_code
            == 404
        )
        # Its own bureau may not delegate to this county's centre, nor this county's items.
        refused = far.post("/api/v1/delegations", body, format="json")
        assert refused.status_code == 400 and "items" in refused.json()["fields"]
        assert far.get("/api/v1/delegations").json()["count"] == 0
    with time_machine.travel(at("2025-07-01 09:00"), tick=False):
        renew = far.post(
            f"/api/v1/delegations/{pk}/renew", {"valid_until": "2026-06-30"}, format="json"
        )
        assert renew.status_code == 404
    assert Delegation.objects.get().state == Delegation.DelegationState.ACTIVE
    assert Delegation.objects.count() == 1
