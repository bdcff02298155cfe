"""The head may refuse an extension asked for (第四十二条), from the case page or beside
"approve" in the signatory's queue, saying why; the due dates stay, the timeline says so, and
nobody but a signatory of the case's region is offered or allowed it."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from oneseal.cases import actions
from oneseal.cases.models import Extension, ExtensionRejection
from oneseal.testing import accepted_case
from oneseal.workbench.templatetags.workbench import event_label

from .test_case_page import act, page


@pytest.fixture
def asked(item, applicant, clerk, reviewer):
    """An accepted case whose reviewer asked for the extension."""
    case = accepted_case(item, applicant, clerk, timezone.localdate().isoformat())
    return actions.request_extension(case, actor=reviewer, reason="需征求相关部门意见")


def test_a_signatory_refuses_the_extension_from_the_case_page(client, asked, signatory):
    promised, statutory = asked.promised_due, asked.statutory_due
    assert 'id="form-reject-extension"' in page(client, signatory, asked)
    response = act(client, signatory, asked, "reject-extension", reason="现有期限内可以办结")
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.promised_due, asked.statutory_due, asked.extended) == (promised, statutory, False)
    assert not Extension.objects.filter(case=asked).exists()
    rejection = ExtensionRejection.objects.get(case=asked)
    assert (rejection.rejected_by, rejection.rejection_reason) == (signatory, "现有期限内可以办结")
    body = page(client, signatory, asked)
    assert (
        "驳回延期申请" in body
        and "现有期限内可以办结" in body
        and "所申请的延期理由：需征求相关部门意见" in body
    )
    assert (
        'id="form-reject-extension"' not in body and "没有待批准的延期申请" in body
    )  # disabled now


def test_a_refusal_without_a_reason_is_named_on_its_field_and_keeps_the_request(
    client, asked, signatory
):
    response = act(client, signatory, asked, "reject-extension", reason="  ")
    assert response.status_code == 400
    assert 'id="reject-extension-reason"' in response.content.decode()
    assert Extension.objects.filter(case=asked).exists() and not ExtensionRejection.objects.exists()


def test_the_signatory_queue_offers_refusal_beside_approval(client, asked, signatory):
    client.force_login(signatory)
    sign = reverse("workbench:sign")
    body = client.get(sign).content.decode()
    assert (
        f'id="approve-extension-{asked.pk}"' in body and f'id="reject-extension-{asked.pk}"' in body
    )
    response = act(
        client, signatory, asked, "reject-extension", reason="现有期限内可以办结", next=sign
    )
    assert response.status_code == 302 and response["Location"] == sign
    assert f'id="reject-extension-{asked.pk}"' not in client.get(sign).content.decode()
    assert ExtensionRejection.objects.filter(case=asked).exists()


def test_a_clerk_or_reviewer_is_not_offered_the_refusal_nor_allowed_it(
    client, asked, clerk, reviewer
):
    for user in (clerk, reviewer):
        body = page(client, user, asked)
        assert 'id="form-reject-extension"' not in body and 'id="act-reject-extension"' not in body
        assert act(client, user, asked, "reject-extension", reason="不同意").status_code == 403
    assert Extension.objects.filter(case=asked).exists() and not ExtensionRejection.objects.exists()


def test_another_countys_signatory_learns_nothing(client, asked, far_staff):
    response = act(client, far_staff, asked, "reject-extension", reason="不同意")
    assert response.status_code == 404
    assert Extension.objects.filter(case=asked).exists()


def test_the_event_has_a_chinese_label_translated_to_english():
    assert event_label("reject_extension") == "驳回延期申请"
    with translation.override("en"):
        assert event_label("reject_extension") == "Refuse the extension request"
