"""`oneseal backup` and `oneseal restore`: one dated, encrypted archive holding everything an
installation needs to come back — the database, the media (uploads, signed documents, archive
packages), the seal key the seals' private keys are encrypted under, and the newest audit
checkpoint as its own file (so `oneseal audit verify --checkpoint` can check the restored
history against it).

The file: a header (format, the scrypt salt and parameters, a key check), then the content —
a tar stream, zlib-compressed — in 1 MiB chunks, each sealed with AES-256-GCM under a key
derived from the passphrase by scrypt. A chunk's nonce carries its number and whether it is the
last one, and the header is every chunk's associated data: a chunk changed, moved, dropped or
cut off at the end fails, and a wrong passphrase is told apart from a damaged file by the key
check before anything is decrypted. The passphrase (ONESEAL_BACKUP_KEY or --key-file) is never
in the archive.

The database is dumped first (pg_dump's consistent snapshot on PostgreSQL; SQLite's online
backup API), the media copied after: a file is written before the row naming it commits, so
every file the dump names is in the archive (the archive may hold a few newer ones, harmless).
Without pg_dump, or on request, the database goes as `dumpdata` JSON, which any engine loads.

A restore decrypts and unpacks everything into a staging directory first; only an archive that
opened completely is applied, so a wrong key or a damaged file changes nothing.
"""

import base64
import datetime
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, WriteableBuffer

MAGIC = b"ONESEAL-BACKUP\n"
FORMAT = "oneseal-backup/1"
CHUNK = 1 << 20
SCRYPT = {"n": 1 << 15, "r": 8, "p": 1}
KEY_CHECK = b"oneseal-backup-key-check"
MIN_KEY = 16


class BackupError(Exception):
    """A refusal or failure, with the message the command prints."""


class WrongKey(BackupError):
    pass


class Damaged(BackupError):
    pass


# ---- the key -----------------------------------------------------------------------------------


def passphrase(key_file: str | None) -> bytes:
    if key_file:
        try:
            text = Path(key_file).read_text().strip()
        except OSError as error:
            raise BackupError(f"cannot read the key file {key_file}: {error.strerror}") from None
        source = f"the key file {key_file}"
    else:
        text = settings.ONESEAL_BACKUP_KEY
        source = "ONESEAL_BACKUP_KEY"
        if not text:
            raise BackupError("no backup key: set ONESEAL_BACKUP_KEY or give --key-file FILE")
    if len(text) < MIN_KEY:
        raise BackupError(f"the backup key in {source} is shorter than {MIN_KEY} characters")
    return text.encode("utf-8")


def _derive(secret: bytes, salt: bytes, params: dict[str, int]) -> tuple[bytes, bytes]:
    material = Scrypt(salt=salt, length=64, **params).derive(secret)
    return material[:32], material[32:]


# ---- the encrypted stream ----------------------------------------------------------------------


class EncryptingWriter(io.RawIOBase):
    """A writable file object: what is written is compressed, cut into chunks and sealed."""

    def __init__(self, out: IO[bytes], secret: bytes) -> None:
        self.out = out
        salt, self.prefix = os.urandom(16), os.urandom(7)
        key, check_key = _derive(secret, salt, SCRYPT)
        self.aead = AESGCM(key)
        header = {
            "format": FORMAT,
            "kdf": "scrypt",
            **SCRYPT,
            "salt": base64.b64encode(salt).decode(),
            "nonce_prefix": base64.b64encode(self.prefix).decode(),
            "key_check": base64.b64encode(
                hmac.new(check_key, KEY_CHECK, hashlib.sha256).digest()
            ).decode(),
            "chunk": CHUNK,
        }
        self.header = json.dumps(header, sort_keys=True).encode()
        out.write(MAGIC + struct.pack(">I", len(self.header)) + self.header)
        self.zip = zlib.compressobj(6)
        self.buffer = bytearray()
        self.counter = 0

    def writable(self) -> bool:
        return True

    def write(self, data: "ReadableBuffer") -> int:
        chunk = bytes(data)
        self.buffer += self.zip.compress(chunk)
        while len(self.buffer) > CHUNK:
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(chunk)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        nonce = self.prefix + struct.pack(">I", self.counter) + (b"\x01" if last else b"\x00")
        sealed = self.aead.encrypt(nonce, plain, self.header)
        self.out.write(struct.pack(">I", len(sealed)) + sealed)
        self.counter += 1

    def finish(self) -> None:
        self.buffer += self.zip.flush()
        while len(self.buffer) > CHUNK:
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        self._seal(bytes(self.buffer), last=True)
        self.buffer.clear()


class DecryptingReader(io.RawIOBase):
    """A readable file object over an archive: the key is checked first, then each chunk is
    opened and decompressed as it is read."""

    def __init__(self, source: IO[bytes], secret: bytes) -> None:
        self.source = source
        if source.read(len(MAGIC)) != MAGIC:
            raise Damaged("not a oneseal backup archive (its first bytes are not the format's)")
        try:
            (length,) = struct.unpack(">I", source.read(4))
            self.header = source.read(length)
            header = json.loads(self.header)
            if header.get("format") != FORMAT:
                raise Damaged(
                    f"archive format {header.get('format')!r}, this version reads {FORMAT}"
                )
            salt = base64.b64decode(header["salt"])
            self.prefix = base64.b64decode(header["nonce_prefix"])
            check = base64.b64decode(header["key_check"])
            params = {k: int(header[k]) for k in ("n", "r", "p")}
        except (struct.error, ValueError, KeyError, TypeError) as error:
            raise Damaged(f"the archive's header is damaged ({error})") from None
        key, check_key = _derive(secret, salt, params)
        if not hmac.compare_digest(hmac.new(check_key, KEY_CHECK, hashlib.sha256).digest(), check):
            raise WrongKey("wrong backup key: this key does not open the archive")
        self.aead = AESGCM(key)
        self.unzip = zlib.decompressobj()
        self.counter = 0
        self.done = False
        self.pending = b""

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bytes:
        size = self.source.read(4)
        if len(size) < 4:
            raise Damaged("the archive is cut off (its last part is missing)")
        (length,) = struct.unpack(">I", size)
        sealed = self.source.read(length)
        if len(sealed) < length:
            raise Damaged("the archive is cut off (its last part is missing)")
        for last in (False, True):
            nonce = self.prefix + struct.pack(">I", self.counter) + (b"\x01" if last else b"\x00")
            try:
                plain = self.aead.decrypt(nonce, sealed, self.header)
            except InvalidTag:
                continue
            self.counter += 1
            if last:
                if self.source.read(1):
                    raise Damaged("the archive has data after its last part")
                self.done = True
                return self.unzip.decompress(plain) + self.unzip.flush()
            return self.unzip.decompress(plain)
        raise Damaged(f"the archive is damaged (part {self.counter + 1} does not authenticate)")

    def readinto(self, target: "WriteableBuffer") -> int:
        while not self.pending and not self.done:
            self.pending = self._next_chunk()
        view = memoryview(target).cast("B")
        n = min(len(view), len(self.pending))
        view[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


# ---- backup ------------------------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ}
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    env["PGDATABASE"] = db["NAME"]
    return env


def dump_database(workdir: Path, fmt: str) -> tuple[str, Path]:
    """The database as one file: ("postgresql", custom-format pg_dump), ("sqlite", a copy
    by the online backup API) or ("json", dumpdata)."""
    vendor = connection.vendor
    if fmt == "native" and vendor == "postgresql" and shutil.which("pg_dump"):
        target = workdir / "database.pgdump"
        done = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        return "postgresql", target
    if fmt == "native" and vendor == "sqlite":
        target = workdir / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return "sqlite", target
    target = workdir / "database.json"
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=True,
        exclude=["contenttypes", "auth.permission", "sessions", "operations.heartbeat"],
        output=str(target),
        verbosity=0,
    )
    return "json", target


def newest_checkpoint() -> dict[str, Any] | None:
    from oneseal.audit.checkpoints import export
    from oneseal.audit.models import Checkpoint

    newest = Checkpoint.objects.order_by("-number").first()
    return export(newest) if newest is not None else None


def archive_name(now: datetime.datetime | None = None) -> str:
    local = timezone.localtime(now or timezone.now())
    return f"oneseal-backup-{local:%Y%m%d-%H%M%S}.osbk"


def backup(
    out: Path,
    secret: bytes,
    *,
    fmt: str = "native",
    include_seal_key: bool = True,
    say: Callable[[str], None] = lambda line: None,
) -> Path:
    """Write the archive (a file, or a dated name in the directory `out`); returns its path."""
    from oneseal.keys import seal_key

    if out.is_dir() or not out.suffix:
        out.mkdir(parents=True, exist_ok=True)
        target = out / archive_name()
    else:
        target = out
        target.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="oneseal-backup-") as work:
        database, dump = dump_database(Path(work), fmt)
        say(f"database: {database} dump, {dump.stat().st_size} bytes")
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
        key = seal_key() if include_seal_key else None
        checkpoint = newest_checkpoint()
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": database,
            "database_vendor": connection.vendor,
            "media_files": len(files),
            "seal_key": key is not None,
            "checkpoint": checkpoint["checkpoint"]["number"] if checkpoint else None,
        }
        partial = target.with_name(f".{target.name}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw:
                writer = EncryptingWriter(raw, secret)
                with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
                    tar.add(dump, arcname=f"database/{dump.name}")
                    if key is not None:
                        _add_bytes(tar, "keys/seal_key", key + b"\n")
                    if checkpoint is not None:
                        _add_bytes(
                            tar, "audit/checkpoint.json", json.dumps(checkpoint, indent=1).encode()
                        )
                    for path in files:
                        tar.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
                writer.finish()
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    say(
        f"{len(files)} media file(s), seal key {'included' if key else 'not included'}, "
        f"checkpoint {manifest['checkpoint'] or 'none'}"
    )
    return target


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


# ---- restore -----------------------------------------------------------------------------------


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


def unpack(archive: Path, secret: bytes, staging: Path) -> dict[str, Any]:
    """Decrypt and unpack the whole archive into `staging`; the manifest. Raises WrongKey or
    Damaged before anything outside `staging` is touched."""
    try:
        source = open(archive, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        raise BackupError(f"cannot read {archive}: {error.strerror}") from None
    with source:
        reader = io.BufferedReader(DecryptingReader(source, secret), CHUNK)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:
                tar.extractall(staging, filter="data")
        except (tarfile.TarError, zlib.error, EOFError) as error:
            raise Damaged(f"the archive's content is damaged ({error})") from None
    try:
        manifest = json.loads((staging / "manifest.json").read_text())
    except (OSError, ValueError):
        raise Damaged("the archive has no readable manifest") from None
    if manifest.get("format") != FORMAT:
        raise Damaged(f"archive format {manifest.get('format')!r}, this version reads {FORMAT}")
    return manifest


def restore(
    archive: Path,
    secret: bytes,
    *,
    force: bool = False,
    say: Callable[[str], None] = lambda line: None,
) -> dict[str, Any]:
    """Restore the archive into the configured database, media directory and seal key file."""
    if not force and not database_is_empty():
        raise BackupError(
            "the database is not empty: restore into a new, empty database "
            "(e.g. `createdb`), or give --force to replace what it holds"
        )
    var = Path(settings.VAR_DIR)
    media = Path(settings.MEDIA_ROOT)
    if not force and media.is_dir() and any(media.iterdir()):
        raise BackupError(f"the media directory {media} is not empty: give --force to replace it")
    stamp = f"{timezone.localtime():%Y%m%d-%H%M%S}"
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=var))
    try:
        manifest = unpack(archive, secret, staging)
        key_plan = _plan_seal_key(staging / "keys" / "seal_key", force=force)
        _restore_database(manifest, staging / "database", force=force)
        say(f"database restored ({manifest['database']} dump)")
        if media.exists():
            if force:
                media.rename(media.with_name(f"{media.name}.before-restore-{stamp}"))
            else:
                media.rmdir()
        if (staging / "media").is_dir():
            shutil.move(str(staging / "media"), media)
        else:
            media.mkdir(parents=True)
        say(f"{manifest['media_files']} media file(s) restored to {media}")
        if key_plan is not None:
            say(key_plan())
        if (staging / "audit" / "checkpoint.json").is_file():
            kept = var / f"restored-checkpoint-{manifest['checkpoint']}.json"
            shutil.copyfile(staging / "audit" / "checkpoint.json", kept)
            manifest["checkpoint_file"] = str(kept)
            say(f"checkpoint {manifest['checkpoint']} kept as {kept}")
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _plan_seal_key(staged: Path, *, force: bool) -> Callable[[], str] | None:
    """Check, before anything is written, that the archive's seal key can be put in place;
    the returned step does it. A different key already configured is refused: the restored
    seals would be unreadable under it."""
    if not staged.is_file():
        return None
    archived = staged.read_text().strip()
    if settings.SEAL_KEY:
        if hmac.compare_digest(settings.SEAL_KEY, archived):
            return lambda: "seal key: ONESEAL_SEAL_KEY is the archive's"
        raise BackupError(
            "ONESEAL_SEAL_KEY differs from the seal key in the archive: the restored seals could "
            "not sign under it. Unset ONESEAL_SEAL_KEY to have the archive's key written to "
            "ONESEAL_SEAL_KEY_FILE, or set it to the archived key"
        )
    path = Path(settings.SEAL_KEY_FILE)
    if path.is_file():
        if hmac.compare_digest(path.read_text().strip(), archived):
            return lambda: f"seal key: {path} is the archive's"
        if not force:
            raise BackupError(
                f"the seal key file {path} holds another key than the archive: give --force to "
                "replace it (the old file is kept beside it)"
            )

    def put() -> str:
        if path.is_file():
            path.rename(path.with_name(f"{path.name}.before-restore-{timezone.now():%Y%m%d%H%M%S}"))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(archived + "\n")
        return f"seal key written to {path} (0600)"

    return put


def _restore_database(manifest: dict[str, Any], folder: Path, *, force: bool) -> None:
    kind = manifest.get("database")
    vendor = connection.vendor
    if kind == "postgresql":
        if vendor != "postgresql":
            raise BackupError(
                "the archive holds a PostgreSQL dump; the configured database is "
                f"{vendor}: restore it into PostgreSQL"
            )
        if not shutil.which("pg_restore"):
            raise BackupError("pg_restore is not installed (Debian: postgresql-client)")
        connection.close()
        argv = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
        if force:
            argv += ["--clean", "--if-exists"]
        argv += ["--single-transaction", "--dbname", connection.settings_dict["NAME"]]
        done = subprocess.run(
            [*argv, str(folder / "database.pgdump")], env=_pg_env(), capture_output=True, text=True
        )
        if done.returncode:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    elif kind == "sqlite":
        if vendor != "sqlite":
            raise BackupError(
                f"the archive holds a SQLite database; the configured one is {vendor}"
            )
        connection.ensure_connection()
        source = sqlite3.connect(folder / "database.sqlite3")
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
    elif kind == "json":
        call_command("migrate", interactive=False, verbosity=0)
        if force:
            call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(folder / "database.json"), verbosity=0)
    else:
        raise Damaged(f"the archive's database kind {kind!r} is unknown")
