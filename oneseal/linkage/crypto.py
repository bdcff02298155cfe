"""Webhook secrets at rest: each department's secret must be read back to sign every body, so
it cannot be hashed; it is encrypted (Fernet: AES-128-CBC with HMAC-SHA256) under a key
derived by HKDF-SHA256 from the seal key (oneseal.keys), which is in neither the database nor
the repository, as the seal keys are (documents.signing). A copied database alone does not
reveal the secrets. Secrets stored before the seal key (under SECRET_KEY) are re-encrypted by
`oneseal seal rekey`; a lost seal key means setting each department's secret again."""

import base64
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from oneseal.keys import require_seal_key


def _derive(root: bytes, info: bytes) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"oneseal webhook secrets", info=info
    ).derive(root)
    return Fernet(base64.urlsafe_b64encode(key))


def _fernet() -> Fernet:
    return _derive(require_seal_key(), b"fernet v2")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str | None:
    """None when the secret was stored under another key (or never set)."""
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        return None


def rekey(token: str, *, old_secret_key: str) -> str | None:
    """`token` re-encrypted under the seal key when it was stored under `old_secret_key`;
    None when it already is under the seal key, or when neither key opens it."""
    if not token or decrypt(token) is not None:
        return None
    try:
        secret = _derive(old_secret_key.encode("utf-8"), b"fernet v1").decrypt(
            token.encode("ascii")
        )
    except InvalidToken:
        return None
    return encrypt(secret.decode("utf-8"))
