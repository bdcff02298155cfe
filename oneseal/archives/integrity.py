"""Whether the stored packages still are what was archived: registered with `oneseal audit
verify` (audit.verification.register) by the app's config. Each package's SHA-256 against the
row, each file inside it against the manifest it carries, that manifest against the package
manifest stored beside it, and the files the database lists against both."""

import hashlib
import io
import json
import zipfile

from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from oneseal.audit.verification import Report
from oneseal.errors import Conflict

from .models import Archive, ArchiveSupplement
from .packaging import MANIFEST_NAME, canonical_json

BATCH = 200


def _read(field: FieldFile) -> bytes | None:
    try:
        with field.open("rb") as fh:
            return fh.read()
    except (FileNotFoundError, OSError):
        return None


def package_problems(archive: Archive) -> list[str]:
    """The archive's own package and each supplementary package, against their rows."""
    files = list(archive.files.all())
    problems = _problems(
        f"archive {archive.number} (case {archive.case.number})",
        archive,
        {row.name: row.sha256 for row in files if row.supplement_id is None},
    )
    for supplement in archive.supplements.all():
        problems += _problems(
            f"supplement {supplement.number} (case {archive.case.number})",
            supplement,
            {row.name: row.sha256 for row in files if row.supplement_id == supplement.pk},
        )
    return problems


def _problems(
    name: str, stored: Archive | ArchiveSupplement, expected: dict[str, str]
) -> list[str]:
    data = _read(stored.package)
    if data is None:
        return [f"{name}: its package {stored.package.name} is missing"]
    problems = []
    if hashlib.sha256(data).hexdigest() != stored.package_sha256:
        problems.append(f"{name}: the package no longer matches its SHA-256")
    outer_bytes = _read(stored.manifest)
    outer = None
    if outer_bytes is None:
        problems.append(f"{name}: its package manifest {stored.manifest.name} is missing")
    elif hashlib.sha256(outer_bytes).hexdigest() != stored.manifest_sha256:
        problems.append(f"{name}: the package manifest was changed")
    else:
        outer = json.loads(outer_bytes)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        inner = json.loads(zf.read(MANIFEST_NAME))
    except (zipfile.BadZipFile, KeyError, ValueError):
        return [*problems, f"{name}: the package cannot be read as a zip with {MANIFEST_NAME}"]
    if outer is not None:
        listed = {k: v for k, v in outer.items() if k != "package"}
        if canonical_json(listed) != canonical_json(inner):
            problems.append(
                f"{name}: the manifest inside the package differs from the one beside it"
            )
    in_manifest = {f["name"]: f["sha256"] for f in inner.get("files", [])}
    if in_manifest != expected:
        problems.append(f"{name}: its manifest does not list the files archived")
    present = set(zf.namelist()) - {MANIFEST_NAME}
    for missing in sorted(set(expected) - present):
        problems.append(f"{name}: file {missing} is missing from the package")
    for extra in sorted(present - set(expected)):
        problems.append(f"{name}: file {extra} was added to the package")
    for file_name in sorted(present & set(expected)):
        try:
            content = zf.read(file_name)
        except (zipfile.BadZipFile, ValueError, OSError):
            # zipfile checks each entry's CRC-32 while reading: a changed byte ends up here.
            problems.append(f"{name}: file {file_name} cannot be read (damaged)")
            continue
        if hashlib.sha256(content).hexdigest() != expected[file_name]:
            problems.append(f"{name}: file {file_name} does not match its manifest checksum")
    return problems


def check_archives(report: Report) -> None:
    """The check `oneseal audit verify` runs: one problem line per mismatch."""
    last = checked = 0
    while True:
        batch = list(
            Archive.objects.filter(pk__gt=last)
            .select_related("case")
            .prefetch_related("files", "supplements")
            .order_by("pk")[:BATCH]
        )
        if not batch:
            break
        last = batch[-1].pk
        for archive in batch:
            report.problems.extend(package_problems(archive))
            checked += 1
    if checked:  # an installation without archives reads as it did before the app existed
        report.notes.append(f"{checked} archive package(s) checked against their manifests")


class Damaged(Conflict):
    code = "archive_damaged"
    default_message = _("档案文件与归档清单的校验值不符，已停止读取，请报告档案管理员")


def read_member(stored: Archive | ArchiveSupplement, name: str, sha256: str) -> bytes:
    """One file out of the stored package (the archive's or a supplement's), served only when
    it still has its SHA-256."""
    data = _read(stored.package)
    try:
        if data is None:
            raise KeyError(name)
        content = zipfile.ZipFile(io.BytesIO(data)).read(name)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise Damaged() from error
    if hashlib.sha256(content).hexdigest() != sha256:
        raise Damaged()
    return content


def read_package(stored: Archive | ArchiveSupplement) -> bytes:
    data = _read(stored.package)
    if data is None or hashlib.sha256(data).hexdigest() != stored.package_sha256:
        raise Damaged()
    return data
