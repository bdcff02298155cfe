"""From a department's transfer date, documents of the items it handed over carry only the
bureau's approval seal (seed 000 四(二)5) — even while the department's old seal is still
registered as active. The rule is `signing.sign_blockers(seal, bureau)`, which every signature
passes through (`signing.sign_pdf` names the issuing bureau): notices, licences and the
transfer agreements are checked here, each by the certificate that actually signed the file."""

import pytest
from django.core.files.storage import default_storage

from oneseal.cases import actions as case_actions
from oneseal.documents import actions, signing
from oneseal.documents.models import Document, Seal
from oneseal.errors import ValidationFailed
from oneseal.organisation.models import Bureau, Role
from oneseal.testing import accepted_case, day, reviewed
from oneseal.transfers import actions as transfer_actions

from .conftest import notice_of, pdf_bytes


@pytest.fixture
def head(make_staff, county, department):
    return make_staff(
        "dept_head", county, Role.SUPERVISOR, display_name="周局长", department=department
    )


@pytest.fixture
def agreement(item, department, bureau, signatory, head, seal):
    """The department's signed agreement moving the item from 2025-01-02 (the first working day
    of 2025), sealed by the bureau."""
    agreement = transfer_actions.save_agreement(
        None,
        actor=signatory,
        bureau=bureau,
        department=department,
        items=[{"item": item.item_version.item}],
        transfer_date="2025-01-02",
        bureau_duties="负责食品经营许可的受理、审查、决定和送达。",
        department_duties="负责食品经营者的事中事后监管。",
        approval_staff=6,
    )
    transfer_actions.sign_agreement(agreement, actor=signatory, side="bureau", on=day("2024-12-20"))
    transfer_actions.sign_agreement(agreement, actor=head, side="department", on=day("2024-12-23"))
    return transfer_actions.seal_agreement(agreement, actor=signatory, on=day("2024-12-24"))


@pytest.fixture
def old_seal(department):
    """The department's old seal, registered and not yet handed over: still active."""
    return actions.register_department_seal(
        department,
        system=True,
        name="平罗县市场监督管理局行政许可专用章",
        valid_from=day("2015-01-01"),
    )


def signer(data: bytes) -> str:
    """The fingerprint of the certificate that signed the file, checked against every seal."""
    certificates = list(
        Seal.objects.exclude(certificate_pem="").values_list("certificate_pem", flat=True)
    )
    check = signing.check_signature(data, certificates)
    assert check.ok, check.summary
    return check.fingerprint


def test_notices_and_licences_of_a_transferred_item_carry_only_the_bureaus_seal(
    agreement, old_seal, item, applicant, clerk, reviewer, second_reviewer, signatory, seal
):
    case = accepted_case(item, applicant, clerk, "2025-01-20")
    case = reviewed(case, reviewer, second_reviewer, "2025-01-22")
    case_actions.grant(
        case,
        actor=signatory,
        on=day("2025-01-24"),
        scope="热食类食品制售",
        valid_from=day("2025-01-24"),
        valid_until=day("2030-01-23"),
    )
    documents = [notice_of(case, kind) for kind in ("acceptance", "grant", "licence")]
    for document in documents:
        assert document.seal == seal and document.bureau == case.bureau
        assert signer(pdf_bytes(document)) == seal.fingerprint
    assert not Document.objects.filter(seal__kind=Seal.Kind.DEPARTMENT).exists()
    old_seal.refresh_from_db()
    assert old_seal.state == Seal.SealState.ACTIVE  # the old seal's state changes nothing


def test_the_transfer_agreement_carries_the_bureaus_seal(agreement, seal, old_seal):
    data = default_storage.open(agreement.file, "rb").read()
    assert signer(data) == seal.fingerprint


def test_no_seal_but_the_issuing_bureaus_active_one_signs(
    bureau, old_seal, seal, other_county, item, applicant, clerk, monkeypatch
):
    other = Bureau.objects.create(region=other_county, name="大武口区行政审批服务局")
    foreign = actions.create_seal(other, system=True, valid_from=day("2024-01-01"))
    for wrong, reason in (
        (old_seal, "划转后的文书只能加盖审批局的审批专用章"),
        (foreign, "不是平罗县审批服务管理局的印章"),
    ):
        assert reason in signing.sign_blockers(wrong, bureau)[0]
        with pytest.raises(ValidationFailed, match=reason):
            signing.sign_pdf(
                b"%PDF-1.4",
                seal=wrong,
                bureau=bureau,
                page=0,
                box=(0, 0, 10, 10),
                reason="x",
                location="x",
            )
    assert signing.sign_blockers(foreign, other) == []  # its own bureau's seal signs for it
    # Were the issuing path ever handed the department's old seal, it would refuse to sign and
    # issue nothing (the act stands; the notice waits in the queue with the reason).
    monkeypatch.setattr(actions, "active_seal", lambda _bureau: old_seal)
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    assert not Document.objects.filter(case=case).exists()
    reasons = list(case.pending_notices.values_list("reason", flat=True))
    assert reasons and all("划转后的文书只能加盖审批局的审批专用章" in r for r in reasons)
