"""Applying online through the API holds the portal's rule: every required material that
cannot be tolerated comes with a file, or nothing is opened, the refusal naming the field."""

from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.cases.models import Case, Upload

from . import test_cases_api as api_tests

citizen, citizen_applicant, client_for = (
    api_tests.citizen,
    api_tests.citizen_applicant,
    api_tests.client_for,
)
PDF = b"%PDF-1.7 application form"


def _form(handling_item):
    form = handling_item.materials.get(name="食品经营许可申请书")
    tolerable = handling_item.materials.get(name="食品安全管理制度")
    return form, tolerable


def test_the_api_refuses_an_online_application_without_a_required_file_naming_its_field(
    citizen, citizen_applicant, handling_item
):
    form, _tolerable = _form(handling_item)
    r = client_for(citizen).post(
        "/api/v1/cases/apply",
        {"handling_item": handling_item.pk, "applicant": citizen_applicant.pk},
        format="multipart",
    )
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "validation_failed"
    assert body["fields"] == {f"material-{form.pk}": ["请上传“食品经营许可申请书”"]}
    assert Case.objects.count() == 0


def test_a_refused_file_refuses_the_whole_application(citizen, citizen_applicant, handling_item):
    form, _tolerable = _form(handling_item)
    r = client_for(citizen).post(
        "/api/v1/cases/apply",
        {
            "handling_item": handling_item.pk,
            "applicant": citizen_applicant.pk,
            f"material-{form.pk}": SimpleUploadedFile("申请书.pdf", b"GIF89a not a pdf"),
        },
        format="multipart",
    )
    assert r.status_code == 400
    assert list(r.json()["fields"]) == [f"material-{form.pk}"]
    assert "食品经营许可申请书" in r.json()["fields"][f"material-{form.pk}"][0]
    assert Case.objects.count() == 0 and Upload.objects.count() == 0


def test_the_api_opens_the_case_with_its_files_and_a_twin_submission_gets_the_same_case(
    citizen, citizen_applicant, handling_item
):
    form, _tolerable = _form(handling_item)
    client = client_for(citizen)

    def submit():
        return client.post(
            "/api/v1/cases/apply",
            {
                "handling_item": handling_item.pk,
                "applicant": citizen_applicant.pk,
                f"material-{form.pk}": SimpleUploadedFile("申请书.pdf", PDF),
            },
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="apply-1",
        )

    r = submit()
    assert r.status_code == 201, r.content
    case = Case.objects.get()
    assert case.channel == "online" and case.applicant == citizen_applicant
    assert list(
        Upload.objects.filter(case_material__case=case).values_list("original_name", flat=True)
    ) == ["申请书.pdf"]
    again = submit()
    assert again.status_code == 200 and again.json()["id"] == case.pk
    assert Case.objects.count() == 1 and Upload.objects.count() == 1


def test_nobody_applies_online_for_someone_else(clerk, citizen_applicant, handling_item):
    form, _tolerable = _form(handling_item)
    r = client_for(clerk).post(
        "/api/v1/cases/apply",
        {
            "handling_item": handling_item.pk,
            "applicant": citizen_applicant.pk,
            f"material-{form.pk}": SimpleUploadedFile("申请书.pdf", PDF),
        },
        format="multipart",
    )
    assert r.status_code in (400, 403)
    assert Case.objects.count() == 0
