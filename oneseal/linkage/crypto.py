"""Webhook secrets at rest: each department's secret must be read back to sign every body, so
it cannot be hashed; it is encrypted (Fernet: AES-128-CBC with HMAC-SHA256) under a key
derived from settings.SECRET_KEY by HKDF-SHA256, as the seal keys are (documents.signing). A
copied database alone does not reveal the secrets; a changed SECRET_KEY means setting each
department's secret again."""

import base64
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"oneseal webhook secrets",
               info=b"fernet v1").derive(settings.SECRET_KEY.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str | None:
    """None when the secret was stored under another SECRET_KEY (or never set)."""
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        return None
