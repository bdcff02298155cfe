"""The applicant's page for a case and the staff's management pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oneseal.intermediaries import actions
from oneseal.intermediaries.models import Appeal, Engagement, Intermediary
from oneseal.testing import accepted_case

PDF = b"%PDF-1.7\n1 0 obj\n"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def client_of(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def own_case(handling_item, own_applicant, clerk, listing):
    return accepted_case(handling_item, own_applicant, clerk, "2025-09-22")


def test_applicant_sees_only_the_qualified_and_chooses_by_draw_then_rates(
    own_case, applicant_user, admin_user, make_intermediary, agency_user
):
    good = make_intermediary("甲检测", fee="880.00", days=7, user=agency_user)
    make_intermediary("过期检测", valid_to="2025-01-31")
    paused = make_intermediary("暂停检测")
    actions.suspend_intermediary(paused, actor=admin_user, reason="投诉核查")
    portal = client_of(applicant_user).get(f"/my/cases/{own_case.pk}/", **ZH).content.decode()
    assert f"/intermediaries/cases/{own_case.pk}/" in portal
    url = f"/intermediaries/cases/{own_case.pk}/"
    page = client_of(applicant_user).get(url, **ZH)
    text = page.content.decode()
    assert page.status_code == 200 and "甲检测" in text and "880.00" in text
    assert "过期检测" not in text and "暂停检测" not in text
    prefix = f"s{good.offers.get().service_id}"
    choose = f"{url}choose/{good.offers.get().service_id}/"
    # A direct choice names whom; the refusal comes back on the page.
    refused = client_of(applicant_user).post(choose, {f"{prefix}-method": "direct"})
    assert refused.status_code == 400 and "请选择中介机构" in refused.content.decode()
    response = client_of(applicant_user).post(choose, {f"{prefix}-method": "random"})
    assert response.status_code == 302
    engagement = Engagement.objects.get()
    assert engagement.method == "random" and engagement.seed and not engagement.chosen_by_staff
    assert engagement.intermediary == good and engagement.qualified == [good.pk]
    text = client_of(applicant_user).get(url, **ZH).content.decode()
    assert engagement.contract_number in text and engagement.seed in text
    actions.deliver(engagement, actor=agency_user, upload=SimpleUploadedFile("r.pdf", PDF))
    rate = f"{url}engagements/{engagement.pk}/rate/"
    scores = {
        f"e{engagement.pk}-{k}": v
        for k, v in (("quality", 5), ("timeliness", 4), ("attitude", 5), ("fee", 4))
    }
    assert (
        client_of(applicant_user).post(rate, {**scores, f"e{engagement.pk}-fee": 9}).status_code
        == 400
    )
    assert client_of(applicant_user).post(rate, scores).status_code == 302
    assert engagement.__class__.objects.get().rating.timeliness == 4


def test_nobody_else_chooses_or_rates_on_the_applicant_page(
    own_case, clerk, other_applicant_user, make_intermediary, service
):
    make_intermediary("甲检测")
    url = f"/intermediaries/cases/{own_case.pk}/"
    for user in (clerk, other_applicant_user):
        assert client_of(user).get(url).status_code == 404
        response = client_of(user).post(
            f"{url}choose/{service.pk}/", {f"s{service.pk}-method": "lowest"}
        )
        assert response.status_code == 404
    assert client_of().get(url).status_code == 302  # to sign in
    assert not Engagement.objects.exists()


def test_staff_register_and_keep_an_intermediary(
    admin_user, clerk, applicant_user, service, far_staff
):
    assert client_of(applicant_user).get("/intermediaries/manage/").status_code == 403
    page = client_of(clerk).get("/intermediaries/manage/", **ZH)
    assert page.status_code == 200 and "register-intermediary" not in page.content.decode()
    assert client_of(clerk).post("/intermediaries/manage/", {"name": "x"}).status_code == 403
    keeper = client_of(admin_user)
    bad = keeper.post("/intermediaries/manage/", {"name": "甲检测", "credit_code": "123"})
    assert bad.status_code == 400 and not Intermediary.objects.exists()
    from .conftest import credit_code

    response = keeper.post(
        "/intermediaries/manage/", {"name": "甲检测", "credit_code": credit_code(990)}
    )
    row = Intermediary.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/manage/{row.pk}/")
    act = f"/intermediaries/manage/{row.pk}/"
    assert (
        keeper.post(
            act + "qualification/",
            {
                "qualification-kind": service.qualification_kind,
                "qualification-valid_from": "2025-01-01",
                "qualification-valid_to": "2024-01-01",
            },
        ).status_code
        == 400
    )
    assert (
        keeper.post(
            act + "qualification/",
            {
                "qualification-kind": service.qualification_kind,
                "qualification-level": "甲级",
                "qualification-valid_from": "2025-01-01",
                "qualification-valid_to": "2027-12-31",
            },
        ).status_code
        == 302
    )
    assert (
        keeper.post(
            act + "offer/",
            {"offer-service": service.pk, "offer-fee": "950.00", "offer-promised_days": 6},
        ).status_code
        == 302
    )
    assert row.offers.get().fee == 950
    assert client_of(clerk).post(act + "suspend/", {"suspend-reason": "投诉"}).status_code == 400
    assert client_of(far_staff).get(act).status_code == 404
    assert keeper.post(act + "suspend/", {"suspend-reason": ""}).status_code == 400
    assert keeper.post(act + "suspend/", {"suspend-reason": "投诉核查"}).status_code == 302
    row.refresh_from_db()
    assert row.status == "suspended"
    assert keeper.post(act + "reinstate/", {"reinstate-reason": "核查完毕"}).status_code == 302
    assert (
        keeper.post(
            act + "account/", {"account-username": "jiajc", "account-password": "a-long-pass-9"}
        ).status_code
        == 302
    )
    row.refresh_from_db()
    assert row.status == "active" and row.user.username == "jiajc"
    assert keeper.post(act + "remove/", {"remove-reason": "出具虚假报告"}).status_code == 302
    row.refresh_from_db()
    assert row.status == "removed"
    assert "出具虚假报告" in client_of().get("/intermediaries/", **ZH).content.decode()


def test_services_list_and_appeals_pages(
    admin_user, clerk, handling_item, make_intermediary, agency_user, service
):
    keeper = client_of(admin_user)
    assert (
        keeper.post(
            "/intermediaries/manage/services/",
            {
                "op": "service",
                "service-code": "mapping",
                "service-name": "测绘",
                "service-qualification_kind": "测绘资质",
                "service-procedure_kind": "nonsense",
            },
        ).status_code
        == 400
    )
    assert (
        keeper.post(
            "/intermediaries/manage/services/",
            {
                "op": "service",
                "service-code": "mapping",
                "service-name": "测绘",
                "service-qualification_kind": "测绘资质",
            },
        ).status_code
        == 302
    )
    found = keeper.get(
        "/intermediaries/manage/services/", {"q": handling_item.name[:4]}
    ).content.decode()
    assert f"?item={handling_item.pk}" in found
    material = handling_item.materials.order_by("order").first()
    url = f"/intermediaries/manage/services/?item={handling_item.pk}"
    assert (
        client_of(clerk)
        .post(
            url, {"op": "listing", "listing-service": service.pk, "listing-material": material.pk}
        )
        .status_code
        == 403
    )
    assert (
        keeper.post(
            url, {"op": "listing", "listing-service": service.pk, "listing-material": material.pk}
        ).status_code
        == 302
    )
    assert handling_item.service_listings.get().material == material
    row = make_intermediary("差评检测", user=agency_user)
    actions.suspend_intermediary(row, actor=admin_user, reason="投诉核查")
    mine = client_of(agency_user)
    assert mine.post("/intermediaries/my/appeal/", {"reason": ""}).status_code == 400
    assert mine.post("/intermediaries/my/appeal/", {"reason": "投诉不实"}).status_code == 302
    appeal = Appeal.objects.get()
    page = client_of(clerk).get("/intermediaries/manage/appeals/", **ZH).content.decode()
    assert "投诉不实" in page and f"/manage/appeals/{appeal.pk}/" not in page
    decide = f"/intermediaries/manage/appeals/{appeal.pk}/"
    assert (
        client_of(clerk)
        .post(decide, {f"a{appeal.pk}-upheld": "1", f"a{appeal.pk}-answer": "同意"})
        .status_code
        == 400
    )
    # A keeper's form without an answer comes back on the list, still open to decide.
    refused = keeper.post(decide, {f"a{appeal.pk}-upheld": "1"}, **ZH)
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "投诉不实" in page and f"/manage/appeals/{appeal.pk}/" in page
    appeal.refresh_from_db()
    assert appeal.outcome == "pending"
    assert (
        keeper.post(
            decide, {f"a{appeal.pk}-upheld": "1", f"a{appeal.pk}-answer": "核实后恢复"}
        ).status_code
        == 302
    )
    row.refresh_from_db()
    appeal.refresh_from_db()
    assert row.status == "active" and appeal.outcome == "upheld"
