"""Every write of reuse: pick a document for a case's material, import the provincial
library's e-licences, keep the material ↔ licence-type mapping, and the library's tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.actors import User, acts_as_system, stored_user
from oneseal.applicants.models import Applicant
from oneseal.applicants.queries import acts_for
from oneseal.audit.actions import record
from oneseal.calendars.queries import today
from oneseal.cases.actions import intake
from oneseal.cases.actions._base import append_event, check, lock
from oneseal.cases.models import Case, CaseMaterial, Upload
from oneseal.catalogue.models import HandlingItem
from oneseal.errors import NotPermitted, ValidationFailed, fail_fields
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

from . import importing, sources
from .models import ImportedLicence, LibraryToken, MaterialMapping, ReusedMaterial

TOKEN_PREFIX = "oslib"


def field_of(line: CaseMaterial) -> str:
    """A material's field, as the apply form and the API name it."""
    return intake.upload_field(line.material)


def may_pick(actor: User, line: CaseMaterial) -> bool:
    """The applicant's own account, or a clerk of the case (in its region, or the centre it
    was delegated to): those who may attach a file may name a document instead."""
    case = line.case
    return acts_for(actor, case.applicant) or intake._clerk_of(actor, case)


def _refusal(material_name: str, found: sources.Candidate | None) -> str:
    """Why a chosen document cannot stand for the material, or "" when it can."""
    if found is None:
        return _("“{m}”：所选证照或文书不存在").format(m=material_name)
    if found.problem:
        return _("“{m}”：所选“{doc}”{problem}，不能复用").format(
            m=material_name, doc=found.title, problem=found.problem
        )
    return ""


@transaction.atomic
def pick(
    line: CaseMaterial,
    *,
    actor: User,
    kind: str,
    source_id: Any,
    on: datetime.date | None = None,
) -> ReusedMaterial:
    """免证办: the case's material is a document a government body issued, named instead of a
    new file. It must be the applicant's (same holder, same credit code or ID number) and in
    force today (licence valid and not expired, decision not revoked, e-licence's status and
    validity); otherwise refused under the material's field, naming the material. The file,
    when the document has one, is attached as the case's upload of that line (the same stored
    file, no copy); the event and the record say where it came from and when it was found in
    force."""
    case = lock(line.case)
    line = CaseMaterial.objects.select_related("material").get(pk=line.pk, case=case)
    if not may_pick(actor, line):
        raise NotPermitted()
    check("attach_file", case)
    on = on or today()
    name = field_of(line)
    found = sources.resolve(kind, source_id, case.applicant, on)
    refusal = _refusal(line.material.name, found)
    if refusal:
        fail_fields({name: [refusal]})
    assert found is not None
    if ReusedMaterial.objects.filter(case_material=line, kind=kind, source_id=found.id).exists():
        fail_fields({name: [_("“{m}”已复用“{doc}”").format(m=line.material.name, doc=found.title)]})
    stored = _stored(found, on)
    reused = stored.reused
    upload = None
    if found.file_name:
        upload = intake._store_file(case, line, actor=actor, upload=stored, on=on)
    else:
        _referenced(case, line, found, actor=actor, on=on, reused=reused)
    return _keep(case, line, found, upload=upload, actor=actor, on=on, data=reused)


def _referenced(
    case: Case,
    line: CaseMaterial,
    found: sources.Candidate,
    *,
    actor: User,
    on: datetime.date,
    reused: dict | None = None,
) -> None:
    """A library e-licence sent without its file: the case keeps the record, the event says
    so like an attached file's."""
    append_event(
        case,
        action="attach_file",
        actor=actor,
        from_state=case.state,
        on=on,
        data={
            "line": line.pk,
            "material": line.material.name,
            "name": f"{found.title}（{found.identifier}）",
            "reused": reused if reused is not None else _stored_data(found, on),
        },
    )


def _keep(
    case: Case,
    line: CaseMaterial,
    found: sources.Candidate,
    *,
    upload: Upload | None,
    actor: User,
    on: datetime.date,
    data: dict,
) -> ReusedMaterial:
    """Where a case line's document came from and when it was found in force, audited; the
    one record of a pick, whether made on the case or with an online application."""
    row = ReusedMaterial.objects.create(
        case=case,
        case_material=line,
        upload=upload,
        kind=found.kind,
        source_id=found.id,
        identifier=found.identifier[:200],
        title=found.title[:200],
        issuer=found.issuer[:200],
        verified_on=on,
        verified_by=stored_user(actor),
    )
    record(
        "reuse.pick",
        actor=actor,
        subject=row,
        region_code=case.region_code,
        summary=_("{number}：“{m}”复用{kind}“{doc}”（{ident}）").format(
            number=case.number,
            m=line.material.name,
            kind=found.kind_label,
            doc=found.title,
            ident=found.identifier,
        ),
        data={"case": case.number, "line": line.pk, **data},
    )
    return row


def _stored_data(found: sources.Candidate, on: datetime.date) -> dict:
    return {
        "kind": found.kind,
        "id": found.id,
        "identifier": found.identifier,
        "title": found.title,
        "verified_on": on.isoformat(),
    }


def _stored(found: sources.Candidate, on: datetime.date) -> intake.StoredFile:
    suffix = found.file_name.rsplit(".", 1)[-1]
    return intake.StoredFile(
        name=found.file_name,
        original_name=f"{found.title}（{found.identifier}）.{suffix}"[:255],
        content_type=found.content_type or "application/octet-stream",
        size=found.file_size,
        sha256=found.file_sha256,
        reused=_stored_data(found, on),
    )


@transaction.atomic
def apply_online(
    handling_item: HandlingItem,
    *,
    actor: User,
    applicant: Applicant,
    files: dict[int, Any],
    picks: dict[int, str],
    idempotency_key: str = "",
    target_licence: Any = None,
    at: datetime.datetime | None = None,
) -> Case:
    """网上申请 where some materials name a document instead of a file (`picks`: material id →
    "kind:id" of an offered document). Each pick is checked as `pick` checks it — the
    applicant's, in force — and a refused pick refuses the whole application under its
    material's field. A document with a file attaches it; an e-licence the library sent
    without its file stands for the material by reference (免证办: the library's record is
    the evidence), recorded with its event as on the case page. The rest is
    `cases.actions.apply_online`."""
    if not acts_for(actor, applicant):
        raise NotPermitted()
    on = today(at)
    uploadable = {m.pk: m for m in intake.online_uploads(handling_item, applicant)}
    errors: dict[str, list[str]] = {}
    found_by: dict[int, sources.Candidate] = {}
    for material_id, choice in picks.items():
        if not choice:
            continue
        material = uploadable.get(material_id)
        name = f"material-{material_id}"
        if material is None:
            errors[name] = [_("该材料无需网上上传")]
            continue
        if files.get(material_id) is not None:
            errors[name] = [_("“{m}”请上传文件或选择已有证照，二者选一").format(m=material.name)]
            continue
        kind, _sep, pk = choice.partition(":")
        found = sources.resolve(kind, pk, applicant, on)
        refusal = _refusal(material.name, found)
        if refusal:
            errors[name] = [refusal]
            continue
        assert found is not None  # _refusal names a document not found
        if not found.file_name and not reference_allowed(found):
            errors[name] = [
                _("“{m}”：所选“{doc}”没有电子文件，请上传").format(m=material.name, doc=found.title)
            ]
        else:
            found_by[material_id] = found
    fail_fields(errors)
    with_file = {pk: found for pk, found in found_by.items() if found.file_name}
    case = intake.apply_online(
        handling_item,
        actor=actor,
        applicant=applicant,
        files={**files, **{pk: _stored(found, on) for pk, found in with_file.items()}},
        idempotency_key=idempotency_key,
        target_licence=target_licence,
        at=at,
        referenced=[pk for pk in found_by if pk not in with_file],
    )
    if not hasattr(case, "new_lines"):
        return case  # the same submission again: the case it opened, as it is
    lines = {line.material_id: line for line in case.new_lines}
    for material_id, found in found_by.items():
        line = lines[material_id]
        upload = None
        if found.file_name:
            upload = line.uploads.filter(sha256=found.file_sha256).order_by("-pk").first()
        else:
            _referenced(case, line, found, actor=actor, on=on)
        _keep(
            case,
            line,
            found,
            upload=upload,
            actor=actor,
            on=on,
            data={"kind": found.kind, "id": found.id},
        )
    return case


def reference_allowed(found: sources.Candidate) -> bool:
    """Whether a document without a file may stand for a material by reference: an e-licence
    of the provincial library, whose record there (status, validity, holder) is what is
    verified, at the pick and again on every view of the case. A licence or decision of this
    bureau always has its signed file, so one without it is not yet issued."""
    return found.kind == ReusedMaterial.Kind.IMPORTED


# --- the provincial library's e-licences ---------------------------------------------------


class LibraryActor:
    """The provincial library calling the push endpoint with its token: not staff, holds no
    role; it may only import e-licences."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False
    is_anonymous = False
    pk = None
    id = None
    _oneseal_staff = False  # read by organisation.rules.staff_of: no staff record

    def __init__(self, token: LibraryToken):
        self.token = token

    def get_username(self) -> str:
        return f"library:{self.token.key_id}"

    @property
    def display_name(self) -> str:
        return _("省级电子证照库（令牌 {name}）").format(name=self.token.name)

    def __str__(self) -> str:
        return self.display_name


def may_import(actor: object) -> bool:
    return isinstance(actor, LibraryActor) or bool(
        getattr(actor, "is_superuser", False) or has_role(actor, Role.ADMINISTRATOR)  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    revoked: list[str]  # identifiers whose status left 有效 with this import


class ImportRefused(ValidationFailed):
    """The import named problems: nothing was written. `problems` lists each by row and
    column."""

    def __init__(self, problems: list) -> None:
        self.problems = problems
        messages = [str(p) for p in problems]
        super().__init__(
            _("导入未通过校验，共{n}处问题，未写入任何证照").format(n=len(problems)),
            fields={"file": messages},
            reasons=messages,
        )


@transaction.atomic
def import_licences(
    read: importing.Read,
    *,
    source: str,
    actor: User | None = None,
    system: bool = False,
) -> ImportResult:
    """Write the library's e-licences, all or none: a row already known by its 证照标识 is
    updated (a licence revoked there is revoked here, and the cases that reused it are
    flagged), a new one created. Any problem refuses the whole import."""
    if not acts_as_system(actor, system=system) and not may_import(actor):
        raise NotPermitted()
    if read.problems:
        raise ImportRefused(read.problems)
    if not read.rows:
        raise ImportRefused([importing.Problem(0, "", _("没有证照数据"))])
    known = {
        r.identifier: r
        for r in ImportedLicence.objects.select_for_update().filter(
            identifier__in=[row.values["identifier"] for row in read.rows]
        )
    }
    created = updated = unchanged = 0
    revoked: list[str] = []
    for row in read.rows:
        values = dict(row.values, source=source)
        existing = known.get(values["identifier"])
        target = existing or ImportedLicence()
        was_valid = existing is not None and existing.status == ImportedLicence.Status.VALID
        changed = existing is None
        for field, value in values.items():
            if getattr(target, field) != value:
                if field != "source":
                    changed = True
                setattr(target, field, value)
        if row.file is not None:
            digest = importing.sha256(row.file)
            if target.file_sha256 != digest:
                target.file.save(
                    f"{digest[:16]}.{row.file_suffix}", ContentFile(row.file), save=False
                )
                target.file_sha256, target.file_size = digest, len(row.file)
                target.file_type = row.file_type
                changed = True
        if existing is not None and changed:
            if was_valid and values["status"] != ImportedLicence.Status.VALID:
                revoked.append(existing.identifier)
            updated += 1
        elif existing is None:
            created += 1
        else:
            unchanged += 1
            continue
        target.save()
    result = ImportResult(created, updated, unchanged, revoked)
    if not created and not updated:
        return result  # the library sent what we hold: nothing changed, nothing to record
    record(
        "reuse.import_licences",
        actor=None if system or isinstance(actor, LibraryActor) else actor,
        subject=target,
        summary=_("导入省级电子证照（{source}）：新增{c}条，更新{u}条，未变{n}条").format(
            source=ImportedLicence.Source(source).label, c=created, u=updated, n=unchanged
        ),
        data={
            "source": source,
            "by": actor.get_username() if isinstance(actor, LibraryActor) else "",
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
            "no_longer_valid": revoked,
        },
    )
    return result


def create_library_token(name: str, *, actor: User | None = None, system: bool = False) -> str:
    """A new token for the provincial library; the plain token is returned once."""
    if not acts_as_system(actor, system=system) and not may_import(actor):
        raise NotPermitted()
    if not name.strip():
        fail_fields({"name": [_("请填写令牌名称")]})
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with transaction.atomic():
        token = LibraryToken.objects.create(
            name=name.strip()[:100], key_id=key_id, secret_hash=hash_secret(secret)
        )
        record(
            "reuse.create_library_token",
            actor=actor,
            subject=token,
            summary=_("创建电子证照库令牌“{name}”").format(name=token.name),
            data={"key_id": key_id},
        )
    return f"{TOKEN_PREFIX}_{key_id}_{secret}"


@transaction.atomic
def revoke_library_token(
    token: LibraryToken, *, actor: User | None = None, system: bool = False
) -> None:
    if not acts_as_system(actor, system=system) and not may_import(actor):
        raise NotPermitted()
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        "reuse.revoke_library_token",
        actor=actor,
        subject=token,
        summary=_("吊销电子证照库令牌“{name}”").format(name=token.name),
    )


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- the mapping -----------------------------------------------------------------------------


def may_map(actor: object) -> bool:
    return bool(
        getattr(actor, "is_superuser", False)
        or has_role(actor, Role.CATALOGUE_ADMIN)  # type: ignore[arg-type]
        or has_role(actor, Role.ADMINISTRATOR)  # type: ignore[arg-type]
    )


@transaction.atomic
def save_mapping(
    mapping: MaterialMapping, *, actor: User | None = None, system: bool = False
) -> MaterialMapping:
    """Keep a material ↔ licence-type row (admin, demo): a catalogue administrator's or the
    system administrator's, audited."""
    if not acts_as_system(actor, system=system) and not may_map(actor):
        raise NotPermitted()
    errors = {}
    if not mapping.material_name.strip():
        errors["material_name"] = [_("请填写材料名称")]
    if not mapping.type_name.strip() and not mapping.type_code.strip():
        errors["type_name"] = [_("请填写证照类型名称或类型代码")]
    fail_fields(errors)
    mapping.material_name = mapping.material_name.strip()
    mapping.type_name, mapping.type_code = mapping.type_name.strip(), mapping.type_code.strip()
    mapping.updated_by = None if system else stored_user(actor)  # type: ignore[arg-type]
    mapping.save()
    record(
        "reuse.save_mapping",
        actor=actor,
        subject=mapping,
        summary=_("材料“{m}”对应证照“{t}”").format(
            m=mapping.material_name, t=mapping.type_name or mapping.type_code
        ),
    )
    return mapping


@transaction.atomic
def delete_mapping(mapping: MaterialMapping, *, actor: User) -> None:
    if not may_map(actor):
        raise NotPermitted()
    record(
        "reuse.delete_mapping",
        actor=actor,
        subject=mapping,
        summary=_("删除材料“{m}”与证照“{t}”的对应").format(
            m=mapping.material_name, t=mapping.type_name or mapping.type_code
        ),
    )
    mapping.delete()
