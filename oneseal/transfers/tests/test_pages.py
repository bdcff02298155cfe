"""The reform pages: drafting an agreement, signing it for each side, sealing it, the ledger
with each item's agreement, and the denials (another county, a clerk, an applicant)."""

from django.urls import reverse

from oneseal.transfers.models import Agreement


def test_the_bureau_head_drafts_an_agreement_on_the_page(client, signatory, stationed, department):
    client.force_login(signatory)
    r = client.post(
        reverse("transfers:index"),
        {
            "department": department.pk,
            "transfer_date": "2025-10-09",
            "items": [stationed.pk],
            "bureau_duties": "受理、审查、决定",
            "department_duties": "事中事后监管",
            "approval_staff": "10",
            "systems": "食品生产许可管理系统账号，3，个",
            "archives": "许可档案，412，卷\n\n年检档案，58，卷，2019年以前",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    agreement = Agreement.objects.get()
    assert [(h.name, h.quantity) for h in agreement.handovers.filter(kind="archive")] == [
        ("许可档案", 412),
        ("年检档案", 58),
    ]
    body = client.get(r["Location"]).content.decode()
    assert "食品生产许可" in body and "412卷" in body


def test_a_bad_handover_line_is_shown_on_the_form(client, signatory, stationed, department):
    client.force_login(signatory)
    r = client.post(
        reverse("transfers:index"),
        {
            "department": department.pk,
            "transfer_date": "2025-10-09",
            "items": [stationed.pk],
            "bureau_duties": "受理",
            "department_duties": "监管",
            "approval_staff": "10",
            "archives": "许可档案，很多，卷",
        },
    )
    assert r.status_code == 200 and "第1行：数量须为不小于0的整数" in r.content.decode()
    assert not Agreement.objects.exists()


def test_each_side_signs_on_the_page_and_a_clerk_cannot(
    client, agreement, signatory, head, clerk, seal
):
    url = reverse("transfers:agreement", args=[agreement.pk])
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert "代表审批局签字" not in page
    client.post(url, {"do": "bureau"})
    agreement.refresh_from_db()
    assert agreement.bureau_signed_on is None
    client.force_login(signatory)
    client.post(url, {"do": "bureau"})
    client.force_login(head)
    client.post(url, {"do": "department"})
    client.force_login(signatory)
    r = client.post(url, {"do": "seal"}, follow=True)
    assert "已盖章：平审批协" in r.content.decode()
    agreement.refresh_from_db()
    assert agreement.signed and agreement.sealed
    pdf = client.get(reverse("transfers:agreement-file", args=[agreement.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_the_ledger_shows_each_items_agreement(client, signatory, agreement, stationed, item):
    client.force_login(signatory)
    body = client.get(reverse("transfers:ledger")).content.decode()
    assert body.count("平罗县市场监督管理局审批服务事项划转协议") == 1
    assert "无协议" in body  # 食品经营许可, transferred when the list was made


def test_another_countys_staff_and_applicants_see_nothing(
    client, agreement, far_staff, applicant_user, bureau
):
    for user in (far_staff, applicant_user):
        client.force_login(user)
        for url in (
            reverse("transfers:agreement", args=[agreement.pk]),
            reverse("transfers:agreement-file", args=[agreement.pk]),
            reverse("transfers:index") + f"?bureau={bureau.pk}",
            reverse("transfers:ledger") + f"?bureau={bureau.pk}",
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert (
            client.post(
                reverse("transfers:agreement", args=[agreement.pk]), {"do": "bureau"}
            ).status_code
            == 404
        )


def test_the_pages_are_in_the_navigation(client, signatory):
    client.force_login(signatory)
    body = client.get(reverse("transfers:index")).content.decode()
    assert f'href="{reverse("transfers:index")}"' in body


def test_the_admin_shows_the_agreements_read_only_and_only_of_the_region(
    client, agreement, root, make_staff, other_county
):
    client.force_login(root)
    url = reverse("admin:transfers_agreement_changelist")
    assert "平罗县市场监督管理局审批服务事项划转协议" in client.get(url).content.decode()
    change = reverse("admin:transfers_agreement_change", args=[agreement.pk])
    assert client.post(change, {"title": "改"}).status_code == 403
    agreement.refresh_from_db()
    assert agreement.title != "改"


def test_the_catalogue_administrators_pages_link_to_the_ledger(
    client, admin_user, catalogue, agreement
):
    client.force_login(admin_user)
    body = client.get(reverse("catalogue:items", args=[catalogue.pk])).content.decode()
    link = f"{reverse('transfers:ledger')}?bureau={catalogue.bureau_id}"
    assert link in body
    assert "平罗县市场监督管理局审批服务事项划转协议" in client.get(link).content.decode()
