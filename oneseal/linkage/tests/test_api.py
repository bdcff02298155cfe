"""The linkage API: department tokens with scopes, and every refusal — a token without the
scope, a revoked or forged token, another department's token or supervisor, another county,
anonymous — reveals nothing about the push or request."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from oneseal.linkage import actions
from oneseal.linkage.models import ApiToken, Feedback, SupportRequest
from oneseal.testing import accepted_case, day

from .conftest import PDF


@pytest.fixture
def api():
    return APIClient()


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def test_a_token_reads_signs_and_feeds_back_on_its_departments_pushes(decide, token, api):
    push = decide().pushes.get()
    _row, header = token("pushes:read", "pushes:sign", "feedback:write")
    api.credentials(HTTP_AUTHORIZATION=header)
    listed = api.get(url("linkage-pushes"), {"open": "true"})
    assert listed.status_code == 200 and [p["id"] for p in listed.json()["results"]] == [push.pk]
    assert (
        api.get(url("linkage-push", push.pk)).json()["payload"]["licence"]["number"]
        == push.licence.number
    )
    signed = api.post(url("linkage-push-sign", push.pk))
    assert (
        signed.status_code == 200
        and signed.json()["signed_on"]
        and "接口令牌" in signed.json()["signer_name"]
    )
    assert api.post(url("linkage-push-sign", push.pk)).json()["code"] == "invalid_transition"
    response = api.post(
        url("linkage-push-feedback", push.pk),
        {"kind": "inspection", "summary": "现场检查未发现问题", "on": "2025-03-20"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["kind_label"] == "监督检查结果"
    assert api.get(url("linkage-pushes"), {"open": "true"}).json()["results"] == []


def test_a_token_without_the_scope_is_refused_and_learns_nothing(decide, token, api):
    push = decide().pushes.get()
    _row, header = token("pushes:read")
    api.credentials(HTTP_AUTHORIZATION=header)
    for response in (
        api.post(url("linkage-push-sign", push.pk)),
        api.post(url("linkage-push-sign", 99999)),
        api.post(
            url("linkage-push-feedback", push.pk),
            {"kind": "penalty", "summary": "x"},
            format="json",
        ),
        api.get(url("linkage-support-requests")),
    ):
        assert response.status_code == 403 and response.json()["code"] == "not_permitted"
    push.refresh_from_db()
    assert push.signed_on is None and not Feedback.objects.exists()


def test_another_departments_token_and_supervisor_cannot_read_or_answer_the_push(
    decide, token, api, other_department, other_supervisor
):
    push = decide().pushes.get()
    _row, header = token(
        "pushes:read", "pushes:sign", "feedback:write", department=other_department
    )
    api.credentials(HTTP_AUTHORIZATION=header)
    assert api.get(url("linkage-pushes")).json()["results"] == []
    for response in (
        api.get(url("linkage-push", push.pk)),
        api.post(url("linkage-push-sign", push.pk)),
        api.post(
            url("linkage-push-feedback", push.pk),
            {"kind": "penalty", "summary": "罚款"},
            format="json",
        ),
    ):
        assert response.status_code == 404
        assert str(push.case.number) not in response.content.decode()
    session = APIClient()
    session.force_authenticate(other_supervisor)
    assert session.get(url("linkage-push", push.pk)).status_code == 404
    assert session.post(url("linkage-push-sign", push.pk)).status_code == 404
    push.refresh_from_db()
    assert push.signed_on is None and not Feedback.objects.exists()


def test_bureau_staff_anonymous_and_a_far_county_are_not_departments(
    decide, api, signatory, far_supervisor
):
    push = decide().pushes.get()
    assert api.get(url("linkage-push", push.pk)).status_code == 401  # anonymous: asked for a token
    for user in (signatory, far_supervisor):
        api.force_authenticate(user)
        assert api.get(url("linkage-push", push.pk)).status_code in (403, 404)
        assert api.post(url("linkage-push-sign", push.pk)).status_code in (403, 404)
    push.refresh_from_db()
    assert push.signed_on is None


def test_a_revoked_or_forged_token_is_refused(decide, token, api):
    push = decide().pushes.get()
    row, header = token("pushes:read")
    forged = header[:-4] + "AAAA"
    api.credentials(HTTP_AUTHORIZATION=forged)
    assert api.get(url("linkage-push", push.pk)).status_code == 401
    actions.revoke_token(row, system=True)
    api.credentials(HTTP_AUTHORIZATION=header)
    assert api.get(url("linkage-push", push.pk)).status_code == 401


def test_a_token_revoked_is_refused_on_the_very_next_request(decide, token, api):
    """Nothing of a token is kept between requests: the request after the revocation is refused."""
    push = decide().pushes.get()
    row, header = token("pushes:read")
    api.credentials(HTTP_AUTHORIZATION=header)
    assert api.get(url("linkage-push", push.pk)).status_code == 200
    actions.revoke_token(row, system=True)
    assert api.get(url("linkage-push", push.pk)).status_code == 401


def test_only_the_hash_of_a_token_is_stored_and_the_command_prints_it_once(department):
    out = io.StringIO()
    call_command(
        "linkage",
        "token",
        "create",
        "--department",
        str(department.pk),
        "--scopes",
        "pushes:read,support:answer",
        stdout=out,
        stderr=io.StringIO(),
    )
    plain = out.getvalue().strip().splitlines()[-1]
    row = ApiToken.objects.get()
    assert plain.startswith(f"osl_{row.key_id}_") and plain.split("_", 2)[2] not in row.secret_hash
    assert row.scopes == ["pushes:read", "support:answer"]
    with pytest.raises(Exception, match="权限范围"):
        call_command(
            "linkage",
            "token",
            "create",
            "--department",
            str(department.pk),
            "--scopes",
            "everything",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_a_department_answers_a_support_request_with_files_by_api_and_the_case_resumes(
    item, applicant, clerk, reviewer, token, api
):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    support = actions.request_support(
        case,
        actor=reviewer,
        kind="testing",
        details="检测冷藏设备温度",
        days=5,
        on=day("2025-03-04"),
    )
    _row, header = token("support:read", "support:answer")
    api.credentials(HTTP_AUTHORIZATION=header)
    assert [
        r["id"] for r in api.get(url("linkage-support-requests"), {"open": "1"}).json()["results"]
    ] == [support.pk]
    bad = api.post(
        url("linkage-support-answer", support.pk),
        {"result": "合格", "attachments": [SimpleUploadedFile("报告.pdf", b"not a pdf")]},
        format="multipart",
    )
    assert bad.status_code == 400 and "attachments" in bad.json()["fields"]
    response = api.post(
        url("linkage-support-answer", support.pk),
        {
            "result": "冷藏设备温度符合要求",
            "attachments": [SimpleUploadedFile("检测报告.pdf", PDF)],
        },
        format="multipart",
    )
    assert (
        response.status_code == 200
        and response.json()["attachments"][0]["original_name"] == "检测报告.pdf"
    )
    support.refresh_from_db()
    assert support.state == SupportRequest.RequestState.ANSWERED
    case.refresh_from_db()
    assert case.state == "accepted"


def test_the_bureau_reads_a_cases_linkage_and_another_county_gets_404(
    decide, api, reviewer, far_staff
):
    case = decide()
    api.force_authenticate(reviewer)
    body = api.get(url("linkage-case", case.pk)).json()
    assert body["pushes"][0]["decision"] == "grant" and body["feedback"] == []
    api.force_authenticate(far_staff)
    assert api.get(url("linkage-case", case.pk)).status_code == 404


def test_an_applicant_and_a_supervisor_read_no_linkage_of_the_case(
    decide, api, clerk, supervisor, applicant
):
    """The portal shows an applicant no linkage, and a department reads its pushes in its
    inbox: the case's linkage read is the bureau's only, a 404 for them that says nothing."""
    from django.contrib.auth import get_user_model

    from oneseal.applicants.actions import record_authorisation, register_applicant

    case = decide()
    holder = get_user_model().objects.create_user("mayulan", password="x")
    person = register_applicant(
        actor=clerk,
        user=holder,
        kind="person",
        name="马玉兰",
        number="640221198203150024",
        phone="13995210001",
    )
    record_authorisation(
        applicant, person=person, capacity="representative", papers="营业执照", actor=clerk
    )
    api.force_authenticate(holder)
    assert api.get(f"/api/v1/cases/{case.pk}").status_code == 200  # the organisation's own case
    for user in (holder, supervisor):
        api.force_authenticate(user)
        r = api.get(url("linkage-case", case.pk))
        assert r.status_code == 404 and "pushes" not in r.content.decode()
