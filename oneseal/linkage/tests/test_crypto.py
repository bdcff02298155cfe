"""Webhook secrets at rest: encrypted under the seal key (not SECRET_KEY, not in the database);
secrets stored by earlier versions under SECRET_KEY are re-encrypted by `oneseal seal rekey`."""

import base64

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.management import call_command

from oneseal.audit.models import AuditEvent
from oneseal.keys import MissingSealKey
from oneseal.linkage import crypto
from oneseal.linkage.models import DepartmentLink


def legacy_token(secret: str, secret_key: str) -> str:
    """What an earlier version stored: Fernet under HKDF(SECRET_KEY)."""
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"oneseal webhook secrets", info=b"fernet v1"
    ).derive(secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key)).encrypt(secret.encode("utf-8")).decode("ascii")


@pytest.fixture(autouse=True)
def _seal_key(settings):
    settings.SEAL_KEY = "a-seal-key-for-the-linkage-tests-0123456789"


def test_a_secret_opens_with_the_seal_key_only(settings):
    token = crypto.encrypt("s3cret")
    assert crypto.decrypt(token) == "s3cret"
    settings.SEAL_KEY = "another-seal-key-of-at-least-32-characters"
    assert crypto.decrypt(token) is None
    settings.SEAL_KEY = "a-seal-key-for-the-linkage-tests-0123456789"
    assert (
        crypto.decrypt(legacy_token("s3cret", settings.SECRET_KEY)) is None
    )  # SECRET_KEY alone opens nothing


def test_production_without_a_seal_key_stores_no_secret(settings, tmp_path):
    settings.SEAL_KEY, settings.SEAL_KEY_FILE, settings.SEAL_KEY_CREATE = (
        "",
        tmp_path / "absent",
        False,
    )
    with pytest.raises(MissingSealKey):
        crypto.encrypt("s3cret")


def test_rekey_moves_an_earlier_versions_secret_under_the_seal_key(department, monkeypatch):
    old = "the-secret-key-of-an-earlier-version"
    link = DepartmentLink.objects.create(
        department=department,
        webhook_url="https://dept.example/hook",
        webhook_enabled=True,
        webhook_secret_encrypted=legacy_token("s3cret", old),
    )
    assert crypto.decrypt(link.webhook_secret_encrypted) is None
    monkeypatch.setenv("ONESEAL_OLD_SECRET_KEY", old)
    call_command("seal", "rekey")
    link.refresh_from_db()
    assert crypto.decrypt(link.webhook_secret_encrypted) == "s3cret"
    assert AuditEvent.objects.filter(
        action="linkage.webhook_secret_rekeyed", subject_id=str(link.pk)
    ).exists()
