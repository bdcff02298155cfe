"""The seal's signature holds and breaks as it should, the register refuses sealed-away and
revoked seals, and the public page and `oneseal verify` tell genuine from revoked and
superseded."""

import re

import pytest
from django.core.management import call_command

from oneseal.documents import actions, signing
from oneseal.documents.models import Seal
from oneseal.documents.queries import check_file
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation.models import Department
from oneseal.testing import accepted_case, day

from .conftest import notice_of, pdf_bytes


@pytest.fixture
def document(item, applicant, clerk, seal):
    return notice_of(accepted_case(item, applicant, clerk, "2025-03-03"), "acceptance")


def tampered(data: bytes) -> bytes:
    """One byte changed inside the signed range: in the first page's compressed content."""
    at = data.index(b"stream\n") + 40
    signed_until = int(re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)", data).group(1))
    assert at < signed_until
    out = bytearray(data)
    out[at] ^= 0x01
    return bytes(out)


def test_a_signed_document_validates_and_one_changed_byte_breaks_it(document):
    data = pdf_bytes(document)
    good = signing.check_signature(data, [document.seal.certificate_pem])
    assert good.ok and good.intact and good.valid and good.trusted and good.covers_whole_file
    assert good.fingerprint == document.seal.fingerprint
    bad = signing.check_signature(tampered(data), [document.seal.certificate_pem])
    assert not bad.ok and not bad.intact


def test_a_signature_by_a_certificate_we_did_not_issue_is_not_trusted(document, bureau):
    stranger = signing.new_key_material(
        name="伪造专用章",
        organisation=bureau.name,
        region_name="平罗县",
        credit_code="",
        valid_from=day("2024-01-01"),
    )
    check = signing.check_signature(pdf_bytes(document), [stranger.certificate_pem])
    assert check.intact and not check.trusted and not check.ok


def test_the_verify_command_reports_genuine_and_catches_a_changed_file(document, tmp_path, capsys):
    good = tmp_path / "good.pdf"
    good.write_bytes(pdf_bytes(document))
    call_command("verify", str(good))
    out = capsys.readouterr().out
    assert "signature: valid" in out and document.number in out and out.strip().endswith("GENUINE")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(tampered(pdf_bytes(document)))
    with pytest.raises(SystemExit) as exit_:
        call_command("verify", str(bad))
    out = capsys.readouterr().out
    assert (
        exit_.value.code == 1 and "INVALID" in out and "DIFFERS" in out and document.number in out
    )
    assert out.strip().endswith("NOT GENUINE")


def test_a_rotated_seal_signs_nothing_more_but_its_documents_still_verify(
    document, bureau, clerk, item, applicant
):
    old = document.seal
    new = actions.create_seal(bureau, system=True, valid_from=day("2025-06-01"))
    old.refresh_from_db()
    assert old.state == Seal.SealState.SEALED_AWAY and old.sealed_away_on == day("2025-06-01")
    with pytest.raises(ValidationFailed, match="已于2025-06-01封存"):
        signing.sign_pdf(
            b"%PDF-1.4",
            seal=old,
            bureau=bureau,
            page=0,
            box=(0, 0, 10, 10),
            reason="x",
            location="x",
        )
    assert check_file(pdf_bytes(document)).genuine
    later = notice_of(accepted_case(item, applicant, clerk, "2025-06-03"), "acceptance")
    assert later.seal == new and check_file(pdf_bytes(later)).genuine


def test_a_revoked_seal_or_a_departments_old_seal_signs_nothing(
    bureau, department, seal, item, applicant, clerk
):
    old = actions.register_department_seal(
        department,
        system=True,
        name="平罗县市场监督管理局行政许可专用章",
        valid_from=day("2019-01-01"),
    )
    with pytest.raises(ValidationFailed, match="原部门印章"):
        signing.sign_pdf(
            b"%PDF-1.4",
            seal=old,
            bureau=bureau,
            page=0,
            box=(0, 0, 10, 10),
            reason="x",
            location="x",
        )
    actions.revoke_seal(seal, system=True, on=day("2025-03-01"))
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    with pytest.raises(ValidationFailed, match="尚未启用电子印章"):
        actions.issue_document(case, kind="acceptance", actor=clerk)
    with pytest.raises(NotPermitted):
        actions.create_seal(bureau, actor=clerk)


def test_seal_actions_refuse_a_missing_actor_unless_the_system_acts(bureau, seal):
    department = Department.objects.create(region=bureau.region, name="县农业农村局")
    with pytest.raises(NotPermitted):
        actions.create_seal(bureau, actor=None)
    with pytest.raises(NotPermitted):
        actions.register_department_seal(
            department, actor=None, name="旧章", valid_from=day("2019-01-01")
        )
    with pytest.raises(NotPermitted):
        actions.revoke_seal(seal, actor=None)
    assert Seal.objects.filter(bureau=bureau).get() == seal
    assert not Seal.objects.filter(kind=Seal.Kind.DEPARTMENT).exists()
    seal.refresh_from_db()
    assert seal.state == Seal.SealState.ACTIVE
    assert actions.create_seal(bureau, system=True).state == Seal.SealState.ACTIVE


def test_the_seal_command_creates_a_key_and_certificate_kept_encrypted(bureau, capsys):
    call_command("seal", "create", "--bureau-region", "640221", "--valid-from", "2025-01-01")
    seal = Seal.objects.get(bureau=bureau, state=Seal.SealState.ACTIVE)
    assert (
        seal.name == "平罗县审批服务管理局行政审批专用章"
        and seal.fingerprint in capsys.readouterr().out
    )
    assert "ENCRYPTED PRIVATE KEY" in seal.private_key_pem
    assert signing.fingerprint_of(seal.certificate_pem) == seal.fingerprint


def test_the_public_page_shows_a_genuine_document_without_the_identity_number(
    client, item, own_applicant, clerk, seal
):
    case = accepted_case(item, own_applicant, clerk, "2025-03-03")
    document = notice_of(case, "acceptance")
    page = client.get(f"/documents/verify/{document.verification_code}/")
    html = page.content.decode()
    assert page.status_code == 200 and "真实有效" in html
    for shown in (document.number, "受理通知书", "2025年3月3日", "平罗县审批服务管理局", "马𠮷祥"):
        assert shown in html, shown
    assert own_applicant.id_number not in html and own_applicant.phone not in html
    lower = client.get(f"/documents/verify/{document.verification_code.lower()}/")
    assert lower.status_code == 200
    assert client.get("/documents/verify/NOSUCHCODE/").status_code == 404


def test_the_public_page_says_revoked_and_superseded(document, clerk, signatory):
    newer = actions.reissue_document(document, actor=clerk, reason="受理日期有误")
    page = client_get(document.verification_code)
    assert "已被更正" in page and newer.number in page and "真实有效" not in page
    assert "真实有效" in client_get(newer.verification_code)
    with pytest.raises(NotPermitted):
        actions.revoke_document(newer, actor=clerk, reason="错发")
    actions.revoke_document(newer, actor=signatory, reason="错发", on=day("2025-03-05"))
    page = client_get(newer.verification_code)
    assert "已撤销" in page and "2025年3月5日" in page and "真实有效" not in page
    assert not check_file(pdf_bytes(newer)).genuine  # signature fine, but no longer in force


def client_get(code: str) -> str:
    from django.test import Client

    response = Client().get(f"/documents/verify/{code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_code_typed_from_paper_is_forgiving(document, client):
    typed = "-".join([document.verification_code[:5], document.verification_code[5:]]).lower()
    response = client.get("/documents/verify/", {"code": typed})
    assert response.status_code == 302 and response.url.endswith(
        f"/documents/verify/{document.verification_code}/"
    )
