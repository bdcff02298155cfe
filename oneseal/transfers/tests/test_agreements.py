"""Transfer agreements: drafting with every problem named, both heads' signatures (only an
account of each side signs), and the sealed PDF."""

import pytest
from django.core.files.storage import default_storage

from oneseal.audit.models import AuditEvent
from oneseal.documents import signing
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Department
from oneseal.testing import day
from oneseal.transfers import actions
from oneseal.transfers.models import Agreement, Handover

from .conftest import AGREEMENT


def test_an_agreement_lists_its_items_duties_and_what_is_handed_over(agreement, stationed):
    assert agreement.title == "平罗县市场监督管理局审批服务事项划转协议"
    assert [line.item for line in agreement.items.all()] == [stationed]
    archive = agreement.handovers.get(kind=Handover.Kind.ARCHIVE)
    assert (archive.name, archive.quantity, archive.unit) == ("许可档案", 412, "卷")
    assert AuditEvent.objects.filter(action="transfers.save_agreement").count() == 1


def test_a_draft_names_every_problem_and_stores_nothing(
    signatory, bureau, department, county, item
):
    other = Department.objects.create(region=county, name="平罗县住房和城乡建设局")
    with pytest.raises(ValidationFailed) as refused:
        actions.save_agreement(
            None,
            actor=signatory,
            bureau=bureau,
            department=other,
            transfer_date="2025-13-01",
            bureau_duties=" ",
            department_duties="",
            approval_staff=0,
            items=[{"item": item.item_version.item}],
            handovers=[{"kind": "archive", "name": "档案", "quantity": "很多", "unit": "卷"}],
        )
    fields = refused.value.fields
    assert set(fields) == {
        "transfer_date",
        "bureau_duties",
        "department_duties",
        "approval_staff",
        "items",
        "handovers",
    }
    assert "原审批部门不是平罗县住房和城乡建设局" in fields["items"][0]
    assert not Agreement.objects.exists()


def test_an_item_is_moved_by_one_agreement_only(
    agreement, stationed, signatory, bureau, department
):
    with pytest.raises(ValidationFailed) as refused:
        actions.save_agreement(
            None,
            actor=signatory,
            bureau=bureau,
            department=department,
            items=[{"item": stationed}],
            **AGREEMENT,
        )
    assert "已列入《平罗县市场监督管理局审批服务事项划转协议》" in refused.value.fields["items"][0]


def test_a_clerk_or_another_countys_staff_cannot_draft(
    clerk, far_staff, stationed, bureau, department
):
    for user in (clerk, far_staff):
        with pytest.raises(NotPermitted):
            actions.save_agreement(
                None,
                actor=user,
                bureau=bureau,
                department=department,
                items=[{"item": stationed}],
                **AGREEMENT,
            )


def test_each_head_signs_with_their_own_account(agreement, signatory, head):
    actions.sign_agreement(agreement, actor=signatory, side="bureau", on=day("2025-09-26"))
    agreement.refresh_from_db()
    assert not agreement.signed and agreement.bureau_signer_name == "张局长"
    actions.sign_agreement(agreement, actor=head, side="department", on=day("2025-09-28"))
    agreement.refresh_from_db()
    assert agreement.signed and agreement.department_signed_by == head
    assert AuditEvent.objects.filter(action="transfers.sign_agreement").count() == 2


def test_a_clerk_who_is_not_the_bureau_head_cannot_sign(agreement, clerk, reviewer):
    for user in (clerk, reviewer):
        with pytest.raises(NotPermitted) as refused:
            actions.sign_agreement(agreement, actor=user, side="bureau")
        assert "只有本局签批领导" in str(refused.value)
    agreement.refresh_from_db()
    assert agreement.bureau_signed_on is None


def test_nobody_signs_for_a_side_that_is_not_theirs(
    agreement, signatory, head, supervisor, far_staff, make_staff, county, root
):
    from oneseal.organisation.models import Department, Role

    water = Department.objects.create(region=county, name="平罗县水务局")
    other_head = make_staff("water", county, Role.SUPERVISOR, department=water)
    for user, side in (
        (signatory, "department"),  # the bureau head is not the department's
        (head, "bureau"),
        (other_head, "department"),  # another department's head
        (far_staff, "bureau"),  # another county's signatory
        (root, "bureau"),  # the installation's superuser is nobody's head
    ):
        with pytest.raises(NotPermitted):
            actions.sign_agreement(agreement, actor=user, side=side)
    assert supervisor  # the market regulator's other supervisor may sign for it
    actions.sign_agreement(agreement, actor=supervisor, side="department")


def test_a_signature_is_given_once_and_a_signed_agreement_is_never_edited(
    agreement, signatory, stationed, bureau, department
):
    actions.sign_agreement(agreement, actor=signatory, side="bureau")
    with pytest.raises(InvalidTransition):
        actions.sign_agreement(agreement, actor=signatory, side="bureau")
    with pytest.raises(InvalidTransition):
        actions.save_agreement(
            agreement,
            actor=signatory,
            bureau=bureau,
            department=department,
            items=[{"item": stationed}],
            **{**AGREEMENT, "transfer_date": "2025-01-01"},
        )
    agreement.refresh_from_db()
    assert agreement.transfer_date == day("2025-10-09")


def test_the_signed_agreement_is_sealed_as_a_signed_pdf(signed, signatory, seal, clerk):
    assert actions.seal_blockers(signed) == []
    with pytest.raises(NotPermitted):
        actions.seal_agreement(signed, actor=clerk)
    sealed = actions.seal_agreement(signed, actor=signatory, on=day("2025-09-29"))
    assert sealed.number == "平审批协〔2025〕第1号"
    data = default_storage.open(sealed.file, "rb").read()
    check = signing.check_signature(data, [seal.certificate_pem])
    assert check.ok, check
    with pytest.raises(InvalidTransition):
        actions.seal_agreement(sealed, actor=signatory)


def test_an_unsigned_agreement_or_a_bureau_without_a_seal_cannot_seal(agreement, signed, signatory):
    with pytest.raises(InvalidTransition) as refused:
        actions.seal_agreement(signed, actor=signatory)
    assert "电子印章" in str(refused.value)
    assert not Agreement.objects.get(pk=signed.pk).sealed
