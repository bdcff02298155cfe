"""Every write of the archives: archiving an ended case (the worker, `jobs`), the retention
rules, and handing a batch over to the archives. Each checks its permission and leaves an
audit row in its own transaction."""

import datetime
import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.actors import Actor, acts_as_system, stored_user
from oneseal.audit.actions import record
from oneseal.calendars.queries import today as business_today
from oneseal.cases.actions._base import lock
from oneseal.cases.models import CLOSED_STATES, Case, State
from oneseal.documents.queries import due_documents
from oneseal.errors import Conflict, InvalidTransition, NotPermitted, fail_blockers, fail_fields
from oneseal.organisation.models import Bureau, Role
from oneseal.organisation.rules import has_role

from . import packaging, queries, rules
from .models import (
    Archive,
    ArchiveCounter,
    ArchiveFile,
    ArchiveHandover,
    ArchiveSupplement,
    RetentionRule,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")


# --- archiving a case ---------------------------------------------------------------------


def archive_blockers(case: Case) -> list[str]:
    """Why the case cannot be archived now: it has not ended, it is archived already, or a
    notice or decision it calls for has not been signed yet (the package needs them)."""
    out = []
    if case.state not in CLOSED_STATES:
        out.append(
            _("办件当前状态为“{state}”，尚未办结，不能归档").format(state=State(case.state).label)
        )
        return out
    if Archive.objects.filter(case_id=case.pk).exists():
        out.append(_("该办件已归档"))
        return out
    owed = due_documents(case)
    if owed:
        out.append(_("尚有文书未出具：{kinds}").format(kinds="、".join(d.label for d in owed)))
    return out


def current_rules() -> list[rules.RuleRow]:
    out = []
    for rule in RetentionRule.objects.select_related("item", "topic"):
        if rule.scope == RetentionRule.Scope.ITEM:
            assert rule.item is not None  # an item's rule names its item (save_retention_rule)
            label = _("事项规则：{code}").format(code=rule.item.basic_code)
        elif rule.scope == RetentionRule.Scope.TOPIC:
            assert rule.topic is not None  # a topic's rule names its topic
            label = _("主题规则：{topic}").format(topic=rule.topic.name)
        else:
            label = _("默认规则")
        if rule.basis:
            label = f"{label}（{rule.basis}）"
        out.append(rules.RuleRow(rule.scope, rule.item_id, rule.topic_id, rule.period, label))
    return out


def _next_piece(fonds: str, year: int, period: str) -> int:
    counter, _created = ArchiveCounter.objects.select_for_update().get_or_create(
        fonds=fonds, year=year, period=period
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _removing_files_on_failure(build: Callable[[list[str]], T]) -> T:
    """Run `build` in a transaction; the files it stored (it appends their names to the list it
    is given) are removed again when the transaction does not commit."""
    saved: list[str] = []
    try:
        with transaction.atomic():
            return build(saved)
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise


def _store(
    folder: str, number: str, built: packaging.Built, saved: list[str]
) -> tuple[str, str, bytes]:
    """The zip and the package manifest beside it, in storage; their names and the manifest."""
    package_name = default_storage.save(f"{folder}/{number}.zip", ContentFile(built.zip_bytes))
    saved.append(package_name)
    manifest_bytes = packaging.canonical_json(built.manifest)
    manifest_name = default_storage.save(f"{folder}/{number}.json", ContentFile(manifest_bytes))
    saved.append(manifest_name)
    return package_name, manifest_name, manifest_bytes


def _file_rows(
    archive: Archive,
    built: packaging.Built,
    *,
    first: int,
    supplement: ArchiveSupplement | None = None,
) -> None:
    ArchiveFile.objects.bulk_create(
        ArchiveFile(
            archive=archive,
            supplement=supplement,
            position=first + i,
            name=name,
            title=entry.title[:400],
            kind=entry.kind,
            dated=entry.dated,
            content_type=entry.content_type,
            size=len(entry.content),
            sha256=digest,
            pdfa=entry.pdfa,
            source=entry.source,
        )
        for i, (name, entry, digest) in enumerate(built.entries)
    )


def archive_case(
    case: Case,
    *,
    actor: Actor | None = None,
    system: bool = False,
    at: datetime.datetime | None = None,
) -> Archive:
    """Build and store the case's archival package (`packaging.build`) under the case's row
    lock, so no event is added while it is read and a second worker waits, then finds it
    archived. The stored files are removed again when the transaction does not commit."""
    return _removing_files_on_failure(
        lambda saved: _archive_locked(case, actor=actor, system=system, at=at, saved=saved)
    )


def _archive_locked(
    case: Case,
    *,
    actor: Actor | None,
    system: bool,
    at: datetime.datetime | None,
    saved: list[str],
) -> Archive:
    if not acts_as_system(actor, system=system) and not (
        actor is not None and has_role(actor, Role.ARCHIVIST, case.region)
    ):
        raise NotPermitted()
    case = lock(case)
    fail_blockers(archive_blockers(case))
    at = at or timezone.now()
    version = case.handling_item.item_version
    period, basis = rules.retention_for(
        current_rules(), item_id=version.item_id, topic_id=version.topic_id
    )
    year = (case.closed_on or case.decided_on or timezone.localdate(at)).year
    fonds = case.bureau.region.code
    piece = _next_piece(fonds, year, period)
    number = rules.archive_number(fonds, year, period, piece)
    built = packaging.build(
        case, number=number, retention=period, retention_basis=basis, archived_at=at
    )
    package_name, manifest_name, manifest_bytes = _store(
        f"archives/{year}/{case.region_code}", number, built, saved
    )
    try:
        with transaction.atomic():
            archive = Archive.objects.create(
                case=case,
                number=number,
                bureau=case.bureau,
                region_code=case.region_code,
                year=year,
                piece=piece,
                title=built.manifest["title"],
                retention=period,
                retention_basis=basis,
                package=package_name,
                package_sha256=built.manifest["package"]["sha256"],
                package_size=len(built.zip_bytes),
                manifest=manifest_name,
                manifest_sha256=packaging.sha256(manifest_bytes),
                files_count=len(built.entries),
                last_event_seq=built.last_event.seq,
                last_event_hash=built.last_event.hash,
                archived_at=at,
                archived_on=timezone.localdate(at),
            )
    except IntegrityError as error:
        # Another worker archived it between our check and our insert (SQLite takes no row lock).
        raise Conflict(_("该办件已归档")) from error
    _file_rows(archive, built, first=1)
    record(
        "archives.archive",
        actor=None if system else actor,
        subject=archive,
        region_code=case.region_code,
        summary=_("{case}归档，档号{number}，{n}个文件").format(
            case=case.number, number=number, n=len(built.entries)
        ),
        data={
            "case": case.number,
            "number": number,
            "retention": period,
            "package_sha256": archive.package_sha256,
            "files": len(built.entries),
        },
    )
    return archive


# --- supplementary packages ------------------------------------------------------------------


def _covered(archive: Archive) -> tuple[int, str, int]:
    """The event head the archive and its supplements hold (seq, hash) and the last position."""
    last = archive.supplements.order_by("-sequence").first()
    position = archive.files.order_by("-position").values_list("position", flat=True).first()
    if last is None:
        return archive.last_event_seq, archive.last_event_hash, position or 0
    return last.last_event_seq, last.last_event_hash, position or 0


def supplement_blockers(case: Case, archive: Archive) -> list[str]:
    """Why no supplement can be built now: nothing happened since the archive (or its last
    supplement), or a document the case's later acts call for is not signed yet."""
    head, _hash, _position = _covered(archive)
    if not case.events.filter(seq__gt=head).exists():
        return [_("归档后办件没有新增办理记录，无需补充归档")]
    owed = due_documents(case)
    if owed:
        return [_("尚有文书未出具：{kinds}").format(kinds="、".join(d.label for d in owed))]
    return []


def supplement_archive(
    archive: Archive,
    *,
    actor: Actor | None = None,
    system: bool = False,
    at: datetime.datetime | None = None,
) -> ArchiveSupplement:
    """Archive what the case gained after its archive (补充归档) as a package of its own,
    under the case's row lock like `archive_case`; the archive's package is never rewritten."""
    return _removing_files_on_failure(
        lambda saved: _supplement_locked(archive, actor=actor, system=system, at=at, saved=saved)
    )


def _supplement_locked(
    archive: Archive,
    *,
    actor: Actor | None,
    system: bool,
    at: datetime.datetime | None,
    saved: list[str],
) -> ArchiveSupplement:
    archive = Archive.objects.select_related("case").get(pk=archive.pk)
    if not acts_as_system(actor, system=system) and not (
        actor is not None and has_role(actor, Role.ARCHIVIST, archive.case.region)
    ):
        raise NotPermitted()
    case = lock(archive.case)
    fail_blockers(supplement_blockers(case, archive))
    at = at or timezone.now()
    head, head_hash, position = _covered(archive)
    sequence = archive.supplements.count() + 1
    number = f"{archive.number}-B{sequence:02d}"
    archived = set(archive.files.exclude(source="").values_list("source", flat=True))
    built = packaging.build_supplement(
        case,
        archive_number=archive.number,
        number=number,
        archived=archived,
        after_seq=head,
        after_hash=head_hash,
        first_position=position + 1,
        archived_at=at,
    )
    package_name, manifest_name, manifest_bytes = _store(
        f"archives/{archive.year}/{archive.region_code}", number, built, saved
    )
    try:
        with transaction.atomic():
            supplement = ArchiveSupplement.objects.create(
                archive=archive,
                sequence=sequence,
                number=number,
                package=package_name,
                package_sha256=built.manifest["package"]["sha256"],
                package_size=len(built.zip_bytes),
                manifest=manifest_name,
                manifest_sha256=packaging.sha256(manifest_bytes),
                files_count=len(built.entries),
                first_event_seq=head + 1,
                last_event_seq=built.last_event.seq,
                last_event_hash=built.last_event.hash,
                archived_at=at,
                archived_on=timezone.localdate(at),
            )
    except IntegrityError as error:
        # Another worker built this supplement first (SQLite takes no row lock).
        raise Conflict(_("该补充归档已生成")) from error
    _file_rows(archive, built, first=position + 1, supplement=supplement)
    record(
        "archives.supplement",
        actor=None if system else actor,
        subject=supplement,
        region_code=archive.region_code,
        summary=_("{case}补充归档{number}，{n}个文件").format(
            case=case.number, number=number, n=len(built.entries)
        ),
        data={
            "case": case.number,
            "archive": archive.number,
            "number": number,
            "events": [head + 1, built.last_event.seq],
            "package_sha256": supplement.package_sha256,
            "files": len(built.entries),
        },
    )
    return supplement


# --- retention rules --------------------------------------------------------------------------


def _require_rule_editor(actor: Actor, rule: RetentionRule) -> None:
    """An item's rule: an archivist whose scope holds the item's catalogue. A topic's or the
    default rule applies to every region's cases: only the installation's superuser."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return
    if (
        rule.scope == RetentionRule.Scope.ITEM
        and rule.item is not None
        and has_role(actor, Role.ARCHIVIST, rule.item.catalogue.region)
    ):
        return
    raise NotPermitted()


@transaction.atomic
def save_retention_rule(rule: RetentionRule, *, actor: Actor) -> RetentionRule:
    errors: dict[str, list[str]] = {}
    if rule.scope not in RetentionRule.Scope.values:
        errors["scope"] = [_("请选择适用范围")]
    if rule.period not in rules.Retention.values:
        errors["period"] = [_("请选择保管期限")]
    if rule.scope == RetentionRule.Scope.ITEM and rule.item_id is None:
        errors["item"] = [_("事项规则须选择事项")]
    if rule.scope == RetentionRule.Scope.TOPIC and rule.topic_id is None:
        errors["topic"] = [_("主题规则须选择主题")]
    if rule.scope != RetentionRule.Scope.ITEM and rule.item_id is not None:
        errors["item"] = [_("只有事项规则才选择事项")]
    if rule.scope != RetentionRule.Scope.TOPIC and rule.topic_id is not None:
        errors["topic"] = [_("只有主题规则才选择主题")]
    fail_fields(errors)
    _require_rule_editor(actor, rule)
    same = RetentionRule.objects.filter(scope=rule.scope).exclude(pk=rule.pk)
    if rule.scope == RetentionRule.Scope.ITEM:
        same = same.filter(item=rule.item)
    elif rule.scope == RetentionRule.Scope.TOPIC:
        same = same.filter(topic=rule.topic)
    if same.exists():
        fail_fields({rule.scope: [_("已有相同适用范围的保管期限规则，请修改原规则")]})
    created = rule.pk is None
    rule.basis = rule.basis.strip()
    rule.save()
    record(
        "archives.save_retention_rule",
        actor=actor,
        subject=rule,
        region_code=rule.item.catalogue.region.code if rule.item is not None else "",
        summary=_("保管期限规则：{rule}").format(rule=str(rule)),
        data={"created": created, "scope": rule.scope, "period": rule.period},
    )
    return rule


@transaction.atomic
def delete_retention_rule(rule: RetentionRule, *, actor: Actor) -> None:
    _require_rule_editor(actor, rule)
    record(
        "archives.delete_retention_rule",
        actor=actor,
        subject=rule,
        region_code=rule.item.catalogue.region.code if rule.item is not None else "",
        summary=_("删除保管期限规则：{rule}").format(rule=str(rule)),
        data={"scope": rule.scope, "period": rule.period},
    )
    rule.delete()


# --- hand-over to the archives (移交) -------------------------------------------------------------


@transaction.atomic
def hand_over(
    *,
    actor: Actor,
    period_from: datetime.date | None,
    period_to: datetime.date | None,
    received_by: str,
    note: str = "",
    on: datetime.date | None = None,
) -> ArchiveHandover:
    """Mark the archives of the bureau archived in the period and not handed over yet as one
    batch handed over to the archives, with the list's counts and checksum."""
    bureau = queries.handover_bureau(actor)
    if bureau is None:
        raise NotPermitted()
    errors: dict[str, list[str]] = {}
    if period_from is None:
        errors["period_from"] = [_("请填写归档日期起")]
    if period_to is None:
        errors["period_to"] = [_("请填写归档日期止")]
    if period_from and period_to and period_from > period_to:
        errors["period_to"] = [_("归档日期止不能早于归档日期起")]
    received_by = (received_by or "").strip()
    if not received_by:
        errors["received_by"] = [_("请填写档案接收人")]
    fail_fields(errors)
    assert period_from is not None and period_to is not None  # fail_fields above
    pending = list(queries.pending_archives(bureau, period_from, period_to).select_for_update())
    supplements = list(
        queries.pending_supplements(bureau, period_from, period_to).select_for_update()
    )
    if not pending and not supplements:
        raise InvalidTransition(_("该期间没有待移交的档案"))
    on = on or business_today()
    year_batches = ArchiveHandover.objects.filter(bureau=bureau, handed_over_on__year=on.year)
    number = f"YJ-{bureau.region.code}-{on.year}-{year_batches.count() + 1:03d}"
    try:
        with transaction.atomic():
            batch = _new_batch(
                number,
                bureau,
                period_from,
                period_to,
                pending,
                supplements,
                received_by,
                note,
                actor,
                on,
            )
    except IntegrityError as error:
        # Another batch of the bureau took the number in the same moment.
        raise Conflict() from error
    Archive.objects.filter(pk__in=[a.pk for a in pending]).update(handover=batch)
    ArchiveSupplement.objects.filter(pk__in=[s.pk for s in supplements]).update(handover=batch)
    record(
        "archives.hand_over",
        actor=actor,
        subject=batch,
        region_code=batch.region_code,
        summary=_("档案移交{number}：{n}件，接收人{who}").format(
            number=number, n=len(pending), who=received_by
        ),
        data={
            "archives": [a.number for a in pending],
            "supplements": [s.number for s in supplements],
            "list_sha256": batch.list_sha256,
            "period": [period_from.isoformat(), period_to.isoformat()],
        },
    )
    return batch


def _new_batch(
    number: str,
    bureau: Bureau,
    period_from: datetime.date,
    period_to: datetime.date,
    pending: list[Archive],
    supplements: list[ArchiveSupplement],
    received_by: str,
    note: str,
    actor: Actor,
    on: datetime.date,
) -> ArchiveHandover:
    packages: list[Archive | ArchiveSupplement] = [*pending, *supplements]
    return ArchiveHandover.objects.create(
        number=number,
        bureau=bureau,
        region_code=bureau.region.code,
        period_from=period_from,
        period_to=period_to,
        archives_count=len(pending),
        # The same lines, order and checksum as queries.handover_list showed.
        files_count=sum(p.files_count for p in packages),
        bytes_total=sum(p.package_size for p in packages),
        list_sha256=rules.list_checksum((p.number, p.package_sha256) for p in packages),
        received_by=received_by,
        note=note.strip(),
        handed_over_by=stored_user(actor),
        handed_over_at=timezone.now(),
        handed_over_on=on,
    )
