"""Every licence document is also issued as an e-licence, in the same act: the grant, a change,
a renewal, a replacement, a correction; a revocation or cancellation changes its state; a
failed OFD leaves the decision standing and is made by the worker."""

import io
import zipfile

from oneseal.audit.models import AuditEvent
from oneseal.cases import actions
from oneseal.cases.models import Licence
from oneseal.catalogue.models import Variant
from oneseal.documents import actions as document_actions
from oneseal.documents.models import Document, DocumentKind
from oneseal.elicences import actions as elicence_actions
from oneseal.elicences import ofd, queries, rules
from oneseal.elicences.models import ELicence
from oneseal.testing import at, day

from .conftest import CREDIT_CODE


def decided(hi, applicant, clerk, signatory, on: str, *, licence=None, **terms):
    case = actions.receive(
        hi, actor=clerk, applicant=applicant, at=at(f"{on} 09:00"), target_licence=licence
    )
    actions.check_materials(
        case, actor=clerk, statuses={line.pk: "provided" for line in case.materials.all()}
    )
    actions.accept(case, actor=clerk, on=day(on))
    actions.grant(case, actor=signatory, on=day(on), **terms)
    case.refresh_from_db()
    return case


def granted(food, applicant, clerk, signatory, on="2025-01-24"):
    case = decided(
        food[Variant.NEW],
        applicant,
        clerk,
        signatory,
        on,
        scope="热食类食品制售",
        valid_from=day(on),
        valid_until=day("2030-01-23"),
    )
    return Licence.objects.get(case=case)


def ofd_bytes(elicence) -> bytes:
    with elicence.file.open("rb") as handle:
        return handle.read()


def test_a_grant_issues_the_e_licence_with_its_metadata_and_a_signed_ofd(
    food, applicant, clerk, signatory, seal
):
    licence = granted(food, applicant, clerk, signatory)
    elicence = ELicence.objects.get(licence=licence)
    document = Document.objects.get(kind=DocumentKind.LICENCE, case=licence.case)
    assert elicence.document == document and elicence.issue == 1
    assert elicence.identifier == rules.identifier(
        type_code=f"{CREDIT_CODE}001",
        issuer_code=CREDIT_CODE,
        serial=rules.serial_of(licence.number),
        version=1,
    )
    assert elicence.identifier.startswith(f"1.2.156.3005.2.{CREDIT_CODE}001.{CREDIT_CODE}.")
    assert rules.is_valid_identifier(elicence.identifier)
    assert (elicence.type_name, elicence.holder_name, elicence.holder_code) == (
        "食品经营许可证",
        "平罗县𠮷祥餐饮有限公司",
        "91350100M000100Y43",
    )
    assert elicence.holder_code_type == ELicence.CodeType.CREDIT
    assert (elicence.issued_on, elicence.valid_from, elicence.valid_until) == (
        day("2025-01-24"),
        day("2025-01-24"),
        day("2030-01-23"),
    )
    assert ["有效期", "2025年1月24日至2030年1月23日"] in elicence.face
    assert elicence.state == ELicence.State.VALID and elicence.generated
    data = ofd_bytes(elicence)
    check = ofd.check(data, queries.seal_certificates())
    assert check.ok, check.summary
    assert ("证照标识", elicence.identifier) in check.metadata
    package = zipfile.ZipFile(io.BytesIO(data))
    content = package.read("Doc_0/Pages/Page_0/Content.xml").decode()
    assert (
        "平罗县𠮷祥餐饮有限公司" in content and 'xmlns:ofd="http://www.ofdspec.org/2016"' in content
    )
    assert package.read("Doc_0/Res/seal_3.png").startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(action="elicences.issue").count() == 1
    assert AuditEvent.objects.filter(action="elicences.generate").count() == 1
    # Idempotent: following the licence again changes nothing.
    elicence_actions.follow_licence(licence, system=True)
    assert ELicence.objects.filter(licence=licence).count() == 1
    assert AuditEvent.objects.filter(action__startswith="elicences.").count() == 2


def test_a_tampered_ofd_fails_verification(food, applicant, clerk, signatory, seal):
    elicence = ELicence.objects.get(licence=granted(food, applicant, clerk, signatory))
    data = ofd_bytes(elicence)
    assert queries.check_ofd(data).authentic
    # The face rewritten: another scope, the package zipped again.
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as changed:
        for name in source.namelist():
            body = source.read(name)
            if name.endswith("Content.xml"):
                body = body.replace("热食类食品制售".encode(), "冷食类食品销售".encode())
            changed.writestr(name, body)
    result = queries.check_ofd(out.getvalue())
    assert not result.authentic and not result.signature.intact
    assert "被改动" in result.verdict
    # A flipped byte in the signature value.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as changed:
        for name in source.namelist():
            body = source.read(name)
            if name == ofd.SIGNED_VALUE_PATH:
                body = body[:-8] + bytes(b ^ 0xFF for b in body[-8:])
            changed.writestr(name, body)
    result = queries.check_ofd(out.getvalue())
    assert not result.authentic and not result.signature.valid
    # Not an OFD at all.
    assert not queries.check_ofd(b"%PDF-1.7 nothing").authentic


def test_an_ofd_signed_by_a_key_that_is_not_a_seal_is_not_trusted(
    food, applicant, clerk, signatory, seal
):
    elicence = ELicence.objects.get(licence=granted(food, applicant, clerk, signatory))
    check = ofd.check(ofd_bytes(elicence), certificates_der=[])
    assert check.intact and not check.trusted and not check.ok


def test_a_failed_ofd_leaves_the_decision_standing_and_the_worker_makes_it(
    food, applicant, clerk, signatory, seal, monkeypatch
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ofd, "build", broken)
    licence = granted(food, applicant, clerk, signatory)
    assert licence.case.state == "granted" or licence.case.decided_on is not None
    elicence = ELicence.objects.get(licence=licence)
    assert not elicence.generated and elicence.attempts == 1
    assert "OSError" in elicence.last_error and elicence.retry_after is not None
    monkeypatch.undo()
    # Not before its retry time …
    assert elicence_actions.retry_pending(day("2025-01-24"))["files"] == 0
    ELicence.objects.filter(pk=elicence.pk).update(retry_after=None)
    assert elicence_actions.retry_pending(day("2025-01-24"))["files"] == 1
    elicence.refresh_from_db()
    assert elicence.generated and elicence.last_error == "" and elicence.attempts == 2
    assert queries.stored_check(elicence).authentic


def test_the_worker_issues_e_licences_of_licences_issued_before_the_bureau_had_a_code(
    food, applicant, clerk, signatory, bureau, monkeypatch
):
    document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    licence = granted(food, applicant, clerk, signatory)
    assert Document.objects.filter(kind=DocumentKind.LICENCE, case=licence.case).exists()
    assert not ELicence.objects.exists()  # no 统一社会信用代码: no identifier can be made
    bureau.credit_code = CREDIT_CODE
    bureau.save(update_fields=["credit_code"])
    result = elicence_actions.retry_pending(day("2025-02-03"))
    assert result["followed"] == 1
    assert ELicence.objects.get(licence=licence).generated


def test_change_renewal_replacement_revocation_and_cancellation_follow_the_licence(
    food, applicant, clerk, reviewer, signatory, seal
):
    licence = granted(food, applicant, clerk, signatory)
    decided(
        food[Variant.CHANGE],
        applicant,
        clerk,
        signatory,
        "2025-03-03",
        licence=licence,
        scope="热食类、冷食类食品制售",
    )
    first, second = ELicence.objects.filter(licence=licence).order_by("issue")
    assert first.state == ELicence.State.SUPERSEDED
    assert second.state == ELicence.State.VALID and second.issue == 2
    assert ["许可范围", "热食类、冷食类食品制售"] in second.face
    assert second.identifier.endswith(".002." + second.identifier[-1])
    decided(food[Variant.REISSUE], applicant, clerk, signatory, "2025-04-01", licence=licence)
    second.refresh_from_db()
    third = ELicence.objects.get(licence=licence, issue=3)
    assert second.state == ELicence.State.VOID and third.state == ELicence.State.VALID
    # A correction of the licence document: a new e-licence, the corrected one superseded.
    document_actions.reissue_document(third.document, actor=signatory, reason="名称笔误")
    third.refresh_from_db()
    fourth = ELicence.objects.get(licence=licence, issue=4)
    assert third.state == ELicence.State.SUPERSEDED and fourth.generated
    decided(food[Variant.CANCELLATION], applicant, clerk, signatory, "2025-05-06", licence=licence)
    fourth.refresh_from_db()
    assert fourth.state == ELicence.State.CANCELLED and fourth.state_changed_on == day("2025-05-06")
    assert fourth.standing(day("2025-05-07")) == ELicence.State.CANCELLED


def test_a_revoked_licence_document_voids_its_e_licence(food, applicant, clerk, signatory, seal):
    licence = granted(food, applicant, clerk, signatory)
    elicence = ELicence.objects.get(licence=licence)
    document_actions.revoke_document(
        elicence.document, actor=signatory, reason="误发", on=day("2025-01-27")
    )
    elicence.refresh_from_db()
    assert elicence.state == ELicence.State.VOID and elicence.state_changed_on == day("2025-01-27")
    result = queries.check_ofd(ofd_bytes(elicence), on=day("2025-01-27"))
    assert result.signature.ok and "已作废" in result.verdict
    assert elicence.standing(day("2030-02-01")) == ELicence.State.VOID


def test_expired_e_licence_stands_as_expired(food, applicant, clerk, signatory, seal):
    elicence = ELicence.objects.get(licence=granted(food, applicant, clerk, signatory))
    assert elicence.standing(day("2030-01-23")) == ELicence.State.VALID
    assert elicence.standing(day("2030-01-24")) == "expired"


def test_a_third_party_ofd_reader_reads_the_face_and_the_seal(
    food, applicant, clerk, signatory, seal
):
    """easyofd, the maintained OFD reader on the package index, parses the package: the page
    size, the face's text in its places and the seal's image."""
    from easyofd.ofd import OFD

    elicence = ELicence.objects.get(licence=granted(food, applicant, clerk, signatory))
    reader = OFD()
    reader.read(ofd_bytes(elicence), fmt="binary")
    page = reader.data[0]["page_info"][0]
    texts = [t["text"] for t in page["text_list"]]
    assert "食品经营许可证" in texts and "平罗县𠮷祥餐饮有限公司" in texts
    assert reader.data[0]["default_page_size"][2:] == [210.0, 297.0]
    assert [i["fileName"] for i in reader.data[0]["images"].values()] == ["seal_3.png"]


def test_only_the_system_or_the_regions_issuers_follow_a_licence_by_hand(
    food, applicant, clerk, signatory, seal, applicant_user, far_staff
):
    import pytest

    from oneseal.errors import NotPermitted

    licence = granted(food, applicant, clerk, signatory)
    for outsider in (applicant_user, far_staff):
        with pytest.raises(NotPermitted):
            elicence_actions.follow_licence(licence, actor=outsider)
    with pytest.raises(NotPermitted):
        elicence_actions.follow_licence(licence)  # nobody named
    assert len(elicence_actions.follow_licence(licence, actor=clerk)) == 1
