"""Revoking a document (撤销): a correction notice the case still waits on is the applicant's only
list of what to supply (《行政许可法》第三十二条 一次告知); revoking it would leave the case waiting
on a notice that no longer stands. The signatory corrects it instead (a new notice, the old one
superseded); once the reply has arrived the notice may be revoked like any other."""

import pytest
from rest_framework.test import APIClient

from oneseal.cases import actions as case_actions
from oneseal.cases.models import State
from oneseal.documents import actions
from oneseal.documents.models import Document
from oneseal.errors import ValidationFailed
from oneseal.testing import at, day

from .conftest import notice_of


@pytest.fixture
def waiting(item, applicant, clerk, seal):
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    core = case.materials.order_by("material__order").first()
    return case_actions.request_correction(
        case, actor=clerk, items={core.pk: "申请书未签字"}, on=day("2025-03-04")
    )


def test_the_correction_notice_the_case_waits_on_cannot_be_revoked(waiting, signatory):
    notice = notice_of(waiting, "correction")
    with pytest.raises(ValidationFailed) as refused:
        actions.revoke_document(notice, actor=signatory, reason="错发")
    assert "document" in refused.value.fields
    assert "等待" in str(refused.value.fields["document"][0])
    notice.refresh_from_db()
    assert notice.state == Document.DocumentState.GENUINE


def test_a_correction_notice_already_answered_may_be_revoked(waiting, clerk, signatory):
    notice = notice_of(waiting, "correction")
    case = case_actions.submit_correction(waiting, actor=clerk, on=day("2025-03-05"))
    assert case.state == State.RECEIVED
    revoked = actions.revoke_document(notice, actor=signatory, reason="错发")
    assert revoked.state == Document.DocumentState.REVOKED


def test_the_correction_of_a_waited_on_notice_is_the_way_to_fix_it(waiting, clerk, signatory):
    notice = notice_of(waiting, "correction")
    newer = actions.reissue_document(notice, actor=clerk, reason="补正事项表述有误")
    # The corrected notice is the one the case now waits on; the superseded one is no longer.
    with pytest.raises(ValidationFailed):
        actions.revoke_document(newer, actor=signatory, reason="错发")


def test_the_api_refuses_with_the_field_named(waiting, signatory):
    notice = notice_of(waiting, "correction")
    client = APIClient()
    client.force_authenticate(signatory)
    r = client.post(f"/api/v1/documents/{notice.pk}/revoke", {"reason": "错发"}, format="json")
    assert r.status_code == 400 and "document" in r.json()["fields"]
    notice.refresh_from_db()
    assert notice.state == Document.DocumentState.GENUINE
