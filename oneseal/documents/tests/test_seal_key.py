"""The seal key: seals' private keys are encrypted under a key kept outside the database and
the repository; production refuses to sign without it; seals of earlier versions (encrypted
under SECRET_KEY) are re-encrypted by `oneseal seal rekey`. The verification link printed on a
document uses the configured public URL."""

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command

from oneseal.audit.models import AuditEvent
from oneseal.documents import actions, signing
from oneseal.documents.models import Seal
from oneseal.errors import ValidationFailed
from oneseal.keys import MissingSealKey
from oneseal.testing import accepted_case

from .conftest import notice_of, pdf_bytes, pdf_text

SEAL_KEY = "k" * 20 + "-test-seal-key-0123456789"


@pytest.fixture(autouse=True)
def _own_seal_key(settings, tmp_path):
    settings.SEAL_KEY = SEAL_KEY
    signing._signers.clear()  # a signer cached by an earlier test holds a decrypted key
    yield
    signing._signers.clear()


def test_the_private_key_opens_with_the_seal_key_and_not_with_the_secret_key(seal, settings):
    pem = seal.private_key_pem.encode("ascii")
    with pytest.raises(ValueError):
        serialization.load_pem_private_key(
            pem, password=signing.legacy_passphrase(settings.SECRET_KEY)
        )
    assert serialization.load_pem_private_key(pem, password=signing._passphrase()) is not None
    settings.SEAL_KEY = "another-seal-key-of-at-least-32-characters"
    with pytest.raises(ValueError):
        serialization.load_pem_private_key(pem, password=signing._passphrase())


def test_production_without_a_seal_key_refuses_to_sign_or_create_a_seal(
    item, applicant, clerk, seal, settings, tmp_path
):
    settings.SEAL_KEY, settings.SEAL_KEY_FILE, settings.SEAL_KEY_CREATE = (
        "",
        tmp_path / "absent",
        False,
    )
    case = accepted_case(item, applicant, clerk, "2025-01-20")
    assert any("ONESEAL_SEAL_KEY" in reason for reason in signing.sign_blockers(seal))
    with pytest.raises(ValidationFailed) as refused:
        actions.issue_document(case, kind="acceptance", actor=clerk)
    assert "ONESEAL_SEAL_KEY" in str(refused.value)
    assert not case.documents.exists()
    with pytest.raises(MissingSealKey):
        actions.create_seal(seal.bureau, system=True)
    assert not (tmp_path / "absent").exists()  # production never invents a key


def test_debug_creates_the_key_file_0600_on_first_use_and_keeps_it(settings, tmp_path):
    from oneseal.keys import seal_key

    settings.SEAL_KEY, settings.SEAL_KEY_FILE, settings.SEAL_KEY_CREATE = (
        "",
        tmp_path / "seal_key",
        True,
    )
    first = seal_key()
    assert len(first) >= 32 and (tmp_path / "seal_key").stat().st_mode & 0o777 == 0o600
    assert seal_key() == first


def test_a_key_file_that_is_too_short_is_refused_with_its_path(settings, tmp_path):
    from oneseal.keys import seal_key

    (tmp_path / "seal_key").write_text("short\n")
    settings.SEAL_KEY, settings.SEAL_KEY_FILE = "", tmp_path / "seal_key"
    with pytest.raises(MissingSealKey, match="seal_key"):
        seal_key()


def test_rekey_re_encrypts_a_seal_of_an_earlier_version(
    item, applicant, clerk, seal, settings, monkeypatch
):
    old_secret = "the-secret-key-an-earlier-version-used"
    key = serialization.load_pem_private_key(
        seal.private_key_pem.encode("ascii"), password=signing._passphrase()
    )
    Seal.objects.filter(pk=seal.pk).update(
        private_key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(signing.legacy_passphrase(old_secret)),
        ).decode("ascii")
    )
    case = accepted_case(item, applicant, clerk, "2025-01-20")
    with pytest.raises(ValidationFailed, match="oneseal seal rekey"):
        actions.issue_document(case, kind="acceptance", actor=clerk)

    monkeypatch.setenv("ONESEAL_OLD_SECRET_KEY", "not-the-right-one")
    with pytest.raises(CommandError, match="oneseal seal rekey"):
        call_command("seal", "rekey")
    monkeypatch.setenv("ONESEAL_OLD_SECRET_KEY", old_secret)
    call_command("seal", "rekey")
    assert AuditEvent.objects.filter(action="seal.rekeyed", subject_id=str(seal.pk)).count() == 1
    document = actions.issue_document(case, kind="acceptance", actor=clerk)
    assert signing.check_signature(pdf_bytes(document), [seal.certificate_pem]).ok
    call_command("seal", "rekey")  # already done: nothing changes
    assert AuditEvent.objects.filter(action="seal.rekeyed").count() == 1


def test_the_verification_link_uses_the_configured_public_url(
    item, applicant, clerk, seal, settings
):
    settings.PUBLIC_URL = "https://spj.pingluo.gov.cn"
    case = accepted_case(item, applicant, clerk, "2025-01-20")
    document = notice_of(case, "acceptance")  # the acceptance issued its notice itself
    url = f"https://spj.pingluo.gov.cn/documents/verify/{document.verification_code}/"
    assert actions.public_url(document.verification_code) == url
    text = pdf_text(pdf_bytes(document))
    assert url in text and "127.0.0.1" not in text
