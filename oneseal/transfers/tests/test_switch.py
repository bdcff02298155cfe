"""An item is switched to the bureau only under its signed transfer agreement and not before
its date — refused in `catalogue.actions.publish` itself, so the administrators' page, the
admin and the import are refused alike."""

import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.exporting import export_catalogue
from oneseal.catalogue.models import ItemVersion, TransferStatus
from oneseal.errors import ValidationFailed
from oneseal.testing import at, day
from oneseal.transfers import actions


def in_force(item, on):
    return ItemVersion.objects.in_force(on).get(item=item)


def test_an_item_without_an_agreement_is_not_switched(switch_draft, admin_user):
    with pytest.raises(ValidationFailed) as refused:
        catalogue_actions.publish(switch_draft, actor=admin_user, effective_from=day("2025-10-09"))
    assert "尚未签订划转协议" in refused.value.fields["transfer_status"][0]
    assert switch_draft.item.versions.get(number=2).is_draft


def test_an_unsigned_agreement_does_not_switch_the_item(switch_draft, agreement, admin_user):
    with pytest.raises(ValidationFailed) as refused:
        catalogue_actions.publish(switch_draft, actor=admin_user, effective_from=day("2025-10-09"))
    assert refused.value.reasons == [
        "划转协议《平罗县市场监督管理局审批服务事项划转协议》尚未经双方负责人签字"
    ]


def test_the_switch_takes_effect_on_the_agreements_date_and_not_a_day_earlier(
    switch_draft, signed, admin_user
):
    # 2025-09-30 is the last working day before the National Day holiday; the agreement says
    # 2025-10-09, the first working day after it.
    with pytest.raises(ValidationFailed) as refused:
        catalogue_actions.publish(switch_draft, actor=admin_user, effective_from=day("2025-09-30"))
    assert refused.value.fields["effective_from"] == [
        "生效日期早于划转协议约定的划转日期（2025年10月9日）"
    ]
    catalogue_actions.publish(switch_draft, actor=admin_user, effective_from=day("2025-10-09"))
    assert in_force(switch_draft.item, day("2025-10-08")).transfer_status == "stationed"
    assert in_force(switch_draft.item, day("2025-10-09")).transfer_status == "transferred"


def test_an_items_own_date_in_the_agreement_wins_over_the_agreements(
    stationed, switch_draft, signatory, head, bureau, department, admin_user
):
    from .conftest import AGREEMENT

    agreement = actions.save_agreement(
        None,
        actor=signatory,
        bureau=bureau,
        department=department,
        items=[{"item": stationed, "transfer_date": "2026-02-24"}],
        **AGREEMENT,
    )
    actions.sign_agreement(agreement, actor=signatory, side="bureau")
    actions.sign_agreement(agreement, actor=head, side="department")
    with pytest.raises(ValidationFailed):
        catalogue_actions.publish(switch_draft, actor=admin_user, effective_from=day("2025-10-09"))
    catalogue_actions.publish(switch_draft, actor=admin_user, effective_from=day("2026-02-24"))


def test_the_publish_page_shows_and_refuses_an_early_switch(
    client, switch_draft, signed, admin_user
):
    client.force_login(admin_user)
    url = reverse("catalogue:publish", args=[switch_draft.pk])
    r = client.post(url, {"effective_from": "2025-09-30"})
    assert r.status_code == 422
    assert "生效日期早于划转协议约定的划转日期（2025年10月9日）" in r.content.decode()
    switch_draft.refresh_from_db()
    assert switch_draft.is_draft
    r = client.post(url, {"effective_from": "2025-10-09"})
    assert r.status_code == 302
    switch_draft.refresh_from_db()
    assert not switch_draft.is_draft


def test_the_admins_publish_action_is_refused_before_the_agreements_date(
    client, switch_draft, signed, admin_user
):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    url = reverse("admin:catalogue_itemversion_changelist")
    body = {"action": "publish_today", "_selected_action": [switch_draft.pk]}
    with time_machine.travel(at("2025-09-30 10:00"), tick=False):
        r = client.post(url, body, follow=True)
    assert "生效日期早于划转协议约定的划转日期（2025年10月9日）" in r.content.decode()
    switch_draft.refresh_from_db()
    assert switch_draft.is_draft
    with time_machine.travel(at("2025-10-09 10:00"), tick=False):
        client.post(url, body, follow=True)
    switch_draft.refresh_from_db()
    assert not switch_draft.is_draft and switch_draft.effective_from == day("2025-10-09")


def _switched_list(catalogue, stationed) -> bytes:
    """The county list as exported, with the stationed item marked 划转."""
    book = load_workbook(io.BytesIO(export_catalogue(catalogue, on=day("2025-09-01"))))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    status = headers.index("划转情况") + 1
    code = headers.index("基本编码") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, code).value == stationed.basic_code:
            sheet.cell(row, status).value = "划转"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_that_switches_the_item_early_publishes_nothing_and_says_why(
    catalogue, stationed, signed, admin_user
):
    report = catalogue_actions.import_catalogue(
        catalogue,
        _switched_list(catalogue, stationed),
        actor=admin_user,
        reason="第二批划转",
        basis="县政府批复",
        publish_on=day("2025-09-30"),
    )
    assert report.blocked[stationed.basic_code] == [
        "生效日期早于划转协议约定的划转日期（2025年10月9日）"
    ]
    assert in_force(stationed, day("2025-10-09")).transfer_status == TransferStatus.STATIONED
    # The imported change waits as a draft, published on the agreement's date.
    draft = stationed.versions.get(status=ItemVersion.Status.DRAFT)
    assert draft.transfer_status == TransferStatus.TRANSFERRED
    catalogue_actions.publish(draft, actor=admin_user, effective_from=day("2025-10-09"))
    assert in_force(stationed, day("2025-10-09")).transfer_status == TransferStatus.TRANSFERRED
