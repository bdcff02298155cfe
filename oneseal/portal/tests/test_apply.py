"""Apply online: one case per submission, a file per material, errors that name the material."""

import datetime
import re

from django.test import Client

from oneseal.applicants.models import Applicant
from oneseal.cases.models import Case, Upload

from .conftest import COMPANY_NUMBER, client_for, pdf


def apply_page(client, hi, **params):
    page = client.get(f"/apply/{hi.pk}/", params)
    assert page.status_code == 200
    body = page.content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', body).group(1)
    inputs = dict(re.findall(r'<label for="(material-\d+)">上传“([^”]+)”</label>', body))
    return key, {name: field for field, name in inputs.items()}, body


def test_a_person_applies_with_a_file_per_material_and_sees_the_case(person, new_item):
    client = client_for(person)
    key, fields, body = apply_page(client, new_item)
    # A person filing for themselves uploads the form, the ID card and (optionally) the tolerable
    # rules; the business licence and the power of attorney are not asked.
    assert set(fields) == {"食品经营许可申请书", "申请人居民身份证", "食品安全管理制度"}
    assert "营业执照" not in body and "授权委托书" not in body
    data = {
        "idempotency_key": key,
        fields["食品经营许可申请书"]: pdf("申请书.pdf"),
        fields["申请人居民身份证"]: pdf("身份证.pdf"),
    }
    r = client.post(f"/apply/{new_item.pk}/", data)
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/my/cases/{case.pk}/"
    assert case.channel == "online" and case.applicant.user == person and case.state == "received"
    assert sorted(
        Upload.objects.filter(case_material__case=case).values_list("original_name", flat=True)
    ) == ["申请书.pdf", "身份证.pdf"]
    page = client.get(r["Location"]).content.decode()
    assert (
        case.number in page
        and case.query_code in page
        and "申请书.pdf" in page
        and "身份证.pdf" in page
    )


def test_a_double_click_opens_one_case(person, new_item):
    client = client_for(person)
    key, fields, _ = apply_page(client, new_item)

    def post():
        return client.post(
            f"/apply/{new_item.pk}/",
            {
                "idempotency_key": key,
                fields["食品经营许可申请书"]: pdf(),
                fields["申请人居民身份证"]: pdf("id.pdf"),
            },
        )

    first, second = post(), post()
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1 and Upload.objects.count() == 2


def test_a_missing_or_refused_file_names_the_material_and_nothing_is_stored(person, new_item):
    client = client_for(person)
    key, fields, _ = apply_page(client, new_item)
    r = client.post(
        f"/apply/{new_item.pk}/", {"idempotency_key": key, fields["食品经营许可申请书"]: pdf()}
    )
    assert r.status_code == 400 and "请上传“申请人居民身份证”" in r.content.decode()
    r = client.post(
        f"/apply/{new_item.pk}/",
        {
            "idempotency_key": key,
            fields["食品经营许可申请书"]: pdf(),
            fields["申请人居民身份证"]: pdf("身份证.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    body = r.content.decode()
    assert r.status_code == 400 and "“申请人居民身份证”：只接受" in body
    assert 'aria-invalid="true"' in body
    assert Case.objects.count() == 0 and Upload.objects.count() == 0


def test_the_file_size_limit_of_the_cases_app_applies(person, new_item, settings):
    settings.UPLOAD_MAX_BYTES = 10
    client = client_for(person)
    key, fields, _ = apply_page(client, new_item)
    r = client.post(
        f"/apply/{new_item.pk}/",
        {
            "idempotency_key": key,
            fields["食品经营许可申请书"]: pdf(body=b"%PDF-1.7 more than ten bytes"),
            fields["申请人居民身份证"]: pdf("id.pdf", b"%PDF-1.7"),
        },
    )
    assert "“食品经营许可申请书”：文件过大" in r.content.decode() and Case.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(new_item):
    r = Client().get(f"/apply/{new_item.pk}/")
    assert r.status_code == 302 and r["Location"].startswith("/account/signin/?next=/apply/")


def test_a_person_cannot_apply_for_an_organisations_handling_item(person, change_item):
    client = client_for(person)
    body = client.get(f"/apply/{change_item.pk}/").content.decode()
    assert "没有关联符合条件的申请人" in body and 'id="apply-form"' not in body
    r = client.post(f"/apply/{change_item.pk}/", {"idempotency_key": "0" * 32})
    assert Case.objects.count() == 0 and r.status_code == 200


def test_an_organisation_is_asked_only_for_its_own_materials(company, new_item):
    organisation = Applicant.objects.get(credit_code=COMPANY_NUMBER)
    _key, fields, body = apply_page(client_for(company), new_item, applicant=organisation.pk)
    assert set(fields) == {"食品经营许可申请书", "食品安全管理制度"}
    assert "营业执照" in body and "无需上传" in body  # fetched from shared data


def test_the_receipt_lists_the_files_as_submitted_and_shows_on_the_case_page(
    person, new_item, bureau
):
    from oneseal.documents.actions import create_seal
    from oneseal.documents.models import Document
    from oneseal.documents.queries import check_file
    from oneseal.documents.tests.conftest import pdf_text

    create_seal(bureau, system=True, valid_from=datetime.date(2024, 1, 1))
    client = client_for(person)
    key, fields, _ = apply_page(client, new_item)
    r = client.post(
        f"/apply/{new_item.pk}/",
        {
            "idempotency_key": key,
            fields["食品经营许可申请书"]: pdf("申请书.pdf"),
            fields["申请人居民身份证"]: pdf("身份证.pdf"),
        },
    )
    case = Case.objects.get()
    receipt = Document.objects.get(case=case, kind="receipt")
    assert receipt.issued_by == person and check_file(receipt.file.open("rb").read()).authentic
    text = pdf_text(receipt)
    assert "网上办事大厅" in text and case.number in text and case.query_code in text
    assert (
        "食品经营许可申请书（电子文件：申请书.pdf）" in text
        and "申请人居民身份证（电子文件：身份证.pdf）" in text
    )
    assert "食品安全管理制度（未上传）" in text  # the tolerable material nobody sent is not claimed
    assert "收件人" not in text  # no clerk received it
    page = client.get(r["Location"]).content.decode()
    assert receipt.number in page and "收件凭证" in page


def test_files_of_a_refused_application_are_kept_and_the_resubmission_attaches_them(
    person, new_item
):
    from oneseal.drafts.models import Draft, DraftUpload

    client = client_for(person)
    key, fields, _ = apply_page(client, new_item)
    r = client.post(
        f"/apply/{new_item.pk}/",
        {"idempotency_key": key, fields["食品经营许可申请书"]: pdf("申请书.pdf")},
    )
    body = r.content.decode()
    assert r.status_code == 400 and "请上传“申请人居民身份证”" in body
    draft = Draft.objects.get()
    assert draft.owner == person and Case.objects.count() == 0
    assert "已上传：申请书.pdf（可替换）" in body
    assert f'name="draft" value="{draft.pk}"' in body
    # Sent again with only the missing file: the kept one goes with it, and the draft is gone.
    r = client.post(
        f"/apply/{new_item.pk}/",
        {"idempotency_key": key, "draft": draft.pk, fields["申请人居民身份证"]: pdf("身份证.pdf")},
    )
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/my/cases/{case.pk}/"
    assert sorted(
        Upload.objects.filter(case_material__case=case).values_list("original_name", flat=True)
    ) == ["申请书.pdf", "身份证.pdf"]
    assert not Draft.objects.exists() and not DraftUpload.objects.exists()
    # The same form once more (a second click): the case it opened, not a second one.
    again = client.post(f"/apply/{new_item.pk}/", {"idempotency_key": key, "draft": draft.pk})
    assert again["Location"] == r["Location"] and Case.objects.count() == 1


def test_a_kept_file_is_replaced_by_a_newly_chosen_one(person, new_item):
    from oneseal.drafts.models import Draft

    client = client_for(person)
    key, fields, _ = apply_page(client, new_item)
    client.post(
        f"/apply/{new_item.pk}/",
        {"idempotency_key": key, fields["食品经营许可申请书"]: pdf("旧申请书.pdf")},
    )
    draft = Draft.objects.get()
    r = client.post(
        f"/apply/{new_item.pk}/",
        {
            "idempotency_key": key,
            "draft": draft.pk,
            fields["食品经营许可申请书"]: pdf("新申请书.pdf"),
            fields["申请人居民身份证"]: pdf("身份证.pdf"),
        },
    )
    assert r.status_code == 302
    assert sorted(Upload.objects.values_list("original_name", flat=True)) == [
        "新申请书.pdf",
        "身份证.pdf",
    ]


def test_another_account_cannot_claim_a_kept_file(person, stranger, new_item):
    from oneseal.drafts.models import Draft, DraftUpload

    client = client_for(person)
    key, fields, _ = apply_page(client, new_item)
    client.post(
        f"/apply/{new_item.pk}/",
        {"idempotency_key": key, fields["食品经营许可申请书"]: pdf("申请书.pdf")},
    )
    draft = Draft.objects.get()
    other = client_for(stranger)
    other_key, other_fields, _ = apply_page(other, new_item)
    r = other.post(
        f"/apply/{new_item.pk}/",
        {
            "idempotency_key": other_key,
            "draft": draft.pk,
            other_fields["申请人居民身份证"]: pdf("身份证.pdf"),
        },
    )
    assert r.status_code == 404 and Case.objects.count() == 0
    assert DraftUpload.objects.filter(draft=draft).count() == 1
    assert Draft.objects.count() == 1


def test_the_file_fields_carry_the_limits_the_server_checks_with(person, new_item, settings):
    settings.UPLOAD_MAX_BYTES, settings.UPLOAD_TYPES = 5 * 1024 * 1024, ["pdf"]
    _key, _fields, body = apply_page(client_for(person), new_item)
    assert 'accept=".pdf,application/pdf"' in body and 'data-types="pdf"' in body
    assert 'data-max-bytes="5242880"' in body
    assert 'data-too-big="“食品经营许可申请书”：文件过大，上限为5 MB"' in body
    assert 'data-bad-type="“申请人居民身份证”：只接受PDF文件' in body
