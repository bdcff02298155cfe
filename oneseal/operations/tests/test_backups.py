"""`oneseal backup` and `oneseal restore`: an archive restores into an empty installation whose
history and documents verify; a wrong key, a damaged or cut-off archive and a non-empty target
are refused before anything changes."""

import io
import os
import subprocess
import sys
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from oneseal.audit.checkpoints import make_checkpoint
from oneseal.documents import actions as document_actions
from oneseal.documents.models import Document
from oneseal.operations import backups
from oneseal.testing import accepted_case, day
from oneseal.testing.processes import ROOT, production_env

KEY = "backup-passphrase-0123456789"
SEAL_KEY = "backup-test-seal-key-" + "0123456789abcdef"


def oneseal(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "oneseal.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def empty_database():
    """A new, empty database for the restore: a SQLite file, or a PostgreSQL database created
    beside the test database (and dropped after)."""
    if connection.vendor == "sqlite":
        yield lambda tmp: f"sqlite:///{tmp / 'restored.sqlite3'}"
        return
    import psycopg

    db = connection.settings_dict
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    server = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield lambda tmp: f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_an_archive_restores_into_an_empty_database_and_verifies(
    tmp_path, settings, handling_item, applicant, clerk, bureau, empty_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEAL_KEY = SEAL_KEY
    settings.ONESEAL_BACKUP_KEY = KEY
    document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    case = accepted_case(handling_item, applicant, clerk, "2025-09-26")
    document = Document.objects.filter(case=case, kind="acceptance").get()
    make_checkpoint()

    out = io.StringIO()
    call_command("backup", "--out", str(tmp_path / "backups"), stdout=out)
    (archive,) = (tmp_path / "backups").iterdir()
    assert archive.name.startswith("oneseal-backup-") and archive.suffix == ".osbk"
    assert os.stat(archive).st_mode & 0o077 == 0
    # Encrypted: neither the passphrase, the seal key nor the case number is readable in it.
    raw = archive.read_bytes()
    assert KEY.encode() not in raw and SEAL_KEY.encode() not in raw
    assert case.number.encode() not in raw and b"%PDF" not in raw

    # A new installation: its own empty database and directory, no seal key of its own.
    env = production_env(tmp_path / "restored", empty_database(tmp_path), BACKUP_KEY=KEY)
    (tmp_path / "restored").mkdir()
    done = oneseal(env, "restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert "seal key written to" in done.stdout
    assert (tmp_path / "restored" / "seal_key").read_text().strip() == SEAL_KEY

    checkpoint = next((tmp_path / "restored").glob("restored-checkpoint-*.json"))
    verified = oneseal(env, "audit", "verify", "--checkpoint", str(checkpoint))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    restored_pdf = tmp_path / "restored" / "media" / document.file.name
    assert restored_pdf.read_bytes() == (tmp_path / "media" / document.file.name).read_bytes()
    genuine = oneseal(env, "verify", str(restored_pdf))
    assert genuine.returncode == 0, genuine.stdout + genuine.stderr


def sealed(payload: bytes, key: str = KEY, size: int | None = None) -> bytes:
    out = io.BytesIO()
    writer = backups.EncryptingWriter(out, key.encode())
    writer.write(payload)
    writer.finish()
    return out.getvalue()


def opened(data: bytes, key: str = KEY) -> bytes:
    return io.BufferedReader(backups.DecryptingReader(io.BytesIO(data), key.encode())).read()


def test_the_stream_opens_with_its_key_and_refuses_any_other():
    payload = os.urandom(3 * backups.CHUNK + 123)  # incompressible: four chunks
    data = sealed(payload)
    assert opened(data) == payload
    with pytest.raises(backups.WrongKey, match="wrong backup key"):
        opened(data, "another-passphrase-000")


def _drop_last_chunk(data: bytes) -> bytes:
    """The archive without its final chunk: every remaining chunk authenticates, so only the
    missing 'last' mark tells."""
    import struct

    (length,) = struct.unpack(">I", data[len(backups.MAGIC) : len(backups.MAGIC) + 4])
    at = len(backups.MAGIC) + 4 + length
    chunks = []
    while at < len(data):
        (size,) = struct.unpack(">I", data[at : at + 4])
        chunks.append((at, at + 4 + size))
        at += 4 + size
    return data[: chunks[-1][0]]


@pytest.mark.parametrize(
    "damage, message",
    [
        (
            lambda d: d[: len(d) // 2] + bytes([d[len(d) // 2] ^ 1]) + d[len(d) // 2 + 1 :],
            "damaged",
        ),
        (lambda d: d[: len(d) - backups.CHUNK // 2], "cut off"),
        (_drop_last_chunk, "cut off"),
        (lambda d: d + b"\0", "after its last part"),
        (lambda d: b"PK\x03\x04" + d[4:], "not a oneseal backup"),
    ],
)
def test_a_damaged_or_cut_archive_is_refused(damage, message):
    data = sealed(os.urandom(2 * backups.CHUNK + 5))
    with pytest.raises(backups.Damaged, match=message):
        opened(damage(data))


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty_a_wrong_key_and_no_key(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "kept.pdf").write_bytes(b"%PDF-1.7 kept")
    archive = tmp_path / "a.osbk"
    archive.write_bytes(sealed(b"not even a tar"))
    key_file = tmp_path / "key"
    key_file.write_text(KEY)

    settings.ONESEAL_BACKUP_KEY = ""
    with pytest.raises(CommandError, match="no backup key"):
        call_command("restore", str(archive))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), "--key-file", str(key_file))
    key_file.write_text("another-passphrase-000")
    with pytest.raises(CommandError, match="wrong backup key"):
        call_command("restore", str(archive), "--key-file", str(key_file), "--force")
    key_file.write_text(KEY)
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(archive), "--key-file", str(key_file), "--force")
    # Nothing was touched: the media as they were, no staging left behind.
    assert (tmp_path / "media" / "kept.pdf").read_bytes() == b"%PDF-1.7 kept"
    assert not list(tmp_path.glob(".restore-*"))
    key_file.write_text("short")
    with pytest.raises(CommandError, match="shorter than 16"):
        call_command("backup", "--key-file", str(key_file), "--out", str(tmp_path))
