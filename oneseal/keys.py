"""The installation's own secrets kept outside the database and the repository.

- `private_file`: a random value in a 0600 file under ONESEAL_VAR, created on first use (the
  demo's SECRET_KEY, the demo's seal key).
- The seal key (ONESEAL_SEAL_KEY, or the file ONESEAL_SEAL_KEY_FILE): the root from which the
  passphrase of every seal's private key (documents.signing) and the key of the departments'
  webhook secrets (linkage.crypto) are derived. Without it a copied database can neither sign
  nor call a department. Debug mode creates the file on first use; production (DEBUG=0) never
  does, and refuses to sign until an operator provides one.

This module imports no app: the apps that derive keys from the seal key import it, and each
re-encrypts its own rows (`documents.actions.rekey_seals`, `linkage.actions.rekey_webhook_secrets`,
run together by `oneseal seal rekey`).
"""

import base64
import os
import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from oneseal.errors import ValidationFailed


def private_file(path: Path, make) -> str:
    """The content of `path`, created 0600 with make() when missing. Written under a temporary
    name and linked into place, so two processes starting at once agree on one value."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(make() + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


class MissingSealKey(ValidationFailed):
    code = "seal_key_missing"
    default_message = _("未配置印章密钥（ONESEAL_SEAL_KEY 或 ONESEAL_SEAL_KEY_FILE），不能签章")


def seal_key() -> bytes | None:
    """The configured seal key, or None when production has none."""
    from django.conf import settings

    if settings.SEAL_KEY:
        return settings.SEAL_KEY.encode("utf-8")
    path = Path(settings.SEAL_KEY_FILE)
    if path.is_file():
        value = path.read_text().strip()
    elif settings.SEAL_KEY_CREATE:
        value = private_file(
            path, lambda: base64.urlsafe_b64encode(secrets.token_bytes(48)).decode("ascii")
        )
    else:
        return None
    if len(value) < 32:
        raise MissingSealKey(_("印章密钥文件 {path} 内容过短（至少32个字符）").format(path=path))
    return value.encode("utf-8")


def require_seal_key() -> bytes:
    key = seal_key()
    if key is None:
        raise MissingSealKey(fields={"seal": [str(MissingSealKey.default_message)]})
    return key


def check_seal_key(app_configs=None, **kwargs):
    """`oneseal check --deploy`: production without a seal key cannot sign a single notice."""
    from django.conf import settings
    from django.core.checks import Error

    if settings.DEBUG:
        return []
    try:
        missing = seal_key() is None
    except MissingSealKey as exc:
        return [Error(str(exc.message), id="oneseal.E002")]
    if missing:
        return [
            Error(
                "No seal key: set ONESEAL_SEAL_KEY or put one in ONESEAL_SEAL_KEY_FILE "
                f"({settings.SEAL_KEY_FILE}); documents cannot be signed without it.",
                id="oneseal.E001",
            )
        ]
    return []
