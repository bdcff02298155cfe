"""Writes to the catalogue. Each action is one transaction: it checks the actor is a
catalogue administrator of the catalogue's region, changes the rows, and records an audit
event. Setting up the lists themselves is an administrator's (`create_catalogue`) and the
public's browsing topics, shared by the whole installation, a superuser's (`create_topic`). Published versions are never written to, except `effective_until`, which marks when a
successor took over and is not part of the guide."""

import datetime
from collections import OrderedDict
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.audit.actions import record, record_many
from oneseal.calendars.queries import today
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Bureau, Department, Role
from oneseal.organisation.rules import require_role
from oneseal.prepared import Prepared
from oneseal.regions.models import Region

from . import rules, transfer_checks
from .importing.columns import BATCH, ImportRejected, PendingDepartment, Problem, Sheet
from .importing.plan import (
    ImportReport,
    ItemPlan,
    Lookups,
    ParsedItem,
    load_latest,
    parse_rows,
    plan_changes,
)
from .importing.readers import read_xlsx
from .models import (
    Catalogue,
    ChangeKind,
    GuidanceExemption,
    HandlingItem,
    Item,
    ItemVersion,
    Material,
    ReviewStep,
    SpecialProcedure,
    Topic,
)

# Fields of an ItemVersion that make up its content (copied into a new draft).
VERSION_CONTENT_FIELDS = [
    "name",
    "item_type",
    "implementing_code",
    "legal_basis",
    "exercise_level",
    "original_department_id",
    "transfer_status",
    "topic_id",
    "is_cancelled",
    "merged_into_id",
]
HANDLING_ITEM_FIELDS = [
    f.attname for f in HandlingItem._meta.concrete_fields if f.name not in ("id", "item_version")
]
CHILD_MODELS: list[type[Material] | type[ReviewStep] | type[SpecialProcedure]] = [
    Material,
    ReviewStep,
    SpecialProcedure,
]
DraftPart = HandlingItem | Material | ReviewStep | SpecialProcedure


def _require_admin(actor: "User", catalogue: Catalogue) -> None:
    require_role(actor, Role.CATALOGUE_ADMIN, catalogue.region)


# Every edit of a draft locks its version first, the demo catalogue 2,452 times; building the
# statement (four joined models) cost more CPU than the rest of saving a part, so it is built
# once per connection (oneseal.prepared).
_LOCKED_VERSION = Prepared(
    lambda pk: (
        ItemVersion.objects.select_for_update()
        .select_related("item__catalogue__region")
        .filter(pk=pk)
    ),
    int,
)


def _locked_version(version: ItemVersion) -> ItemVersion:
    locked = _LOCKED_VERSION.first(version.pk)
    if locked is None:
        raise ItemVersion.DoesNotExist("ItemVersion matching query does not exist.")
    return locked


@transaction.atomic
def create_item(
    catalogue: Catalogue,
    *,
    actor: "User",
    basic_code: str,
    name: str,
    reason: str = "",
    basis: str = "",
    **fields: Any,
) -> ItemVersion:
    """Add a new item to a catalogue as a draft version 1 (adjustment kind "add")."""
    _require_admin(actor, catalogue)
    basic_code = basic_code.strip()
    if not basic_code:
        raise ValidationFailed(fields={"basic_code": [_("基本编码未填写")]})
    if Item.objects.filter(catalogue=catalogue, basic_code=basic_code).exists():
        raise ValidationFailed(
            fields={"basic_code": [_("基本编码 {code} 已存在").format(code=basic_code)]}
        )
    item = Item.objects.create(catalogue=catalogue, basic_code=basic_code)
    version = ItemVersion.objects.create(
        item=item,
        number=1,
        name=name,
        change_kind=ChangeKind.ADD,
        change_reason=reason,
        change_basis=basis,
        created_by=stored_user(actor),
        **fields,
    )
    record(
        "catalogue.create_item",
        actor=actor,
        subject=version,
        region_code=catalogue.region.code,
        summary=name,
        data={"basic_code": basic_code},
    )
    return version


def _copy_version(
    source: ItemVersion, *, number: int, actor: "User", kind: str, reason: str, basis: str
) -> ItemVersion:
    draft = ItemVersion.objects.create(
        item_id=source.item_id,
        number=number,
        status=ItemVersion.Status.DRAFT,
        change_kind=kind,
        change_reason=reason,
        change_basis=basis,
        created_by=stored_user(actor),
        **{f: getattr(source, f) for f in VERSION_CONTENT_FIELDS},
    )
    draft.related_items.set(source.related_items.all())
    draft.delegated_to.set(source.delegated_to.all())
    for hi in source.handling_items.all():
        old_pk = hi.pk
        copy = HandlingItem.objects.create(
            item_version=draft, **{f: getattr(hi, f) for f in HANDLING_ITEM_FIELDS}
        )
        for model in CHILD_MODELS:
            # rows of `model`, whichever of the three it is (a union mypy cannot follow)
            rows: list[Any] = list(model.objects.filter(handling_item_id=old_pk))
            for row in rows:
                row.pk = None
                row.handling_item = copy
            model.objects.bulk_create(rows)
    return draft


@transaction.atomic
def start_adjustment(
    item: Item,
    *,
    actor: "User",
    kind: str,
    reason: str,
    basis: str,
    merged_into: Item | None = None,
) -> ItemVersion:
    """Open a new draft of `item` from its latest version for an adjustment (domain.md §2).
    Cancel and merge set the draft's outcome at once; other kinds are edited afterwards."""
    item = Item.objects.select_for_update().select_related("catalogue__region").get(pk=item.pk)
    _require_admin(actor, item.catalogue)
    if kind not in ChangeKind.values or kind == ChangeKind.ADD:
        raise ValidationFailed(fields={"kind": [_("调整类型无效")]})
    errors = {}
    if not reason.strip():
        errors["reason"] = [_("请填写调整原因")]
    if not basis.strip():
        errors["basis"] = [_("请填写调整依据")]
    if kind == ChangeKind.MERGE and (
        merged_into is None
        or merged_into.pk == item.pk
        or merged_into.catalogue_id != item.catalogue_id
    ):
        errors["merged_into"] = [_("请选择同一目录中的另一事项作为并入对象")]
    if errors:
        raise ValidationFailed(fields=errors)
    latest = item.versions.order_by("-number").first()
    assert latest is not None  # an item is created with its first version
    if latest.is_draft:
        raise InvalidTransition(
            _("该事项已有未发布的草稿（第{n}版），请先发布或删除").format(n=latest.number)
        )
    draft = _copy_version(
        latest, number=latest.number + 1, actor=actor, kind=kind, reason=reason, basis=basis
    )
    if kind == ChangeKind.CANCEL:
        draft.is_cancelled = True
    if kind == ChangeKind.MERGE:
        draft.merged_into = merged_into
        draft.is_cancelled = True
    draft.save()
    record(
        "catalogue.start_adjustment",
        actor=actor,
        subject=draft,
        region_code=item.catalogue.region.code,
        summary=f"{draft.get_change_kind_display()}：{draft.name}",
        data={"kind": kind, "reason": reason, "basis": basis, "from_version": latest.number},
    )
    return draft


def _require_draft(version: ItemVersion) -> None:
    if not version.is_draft:
        raise InvalidTransition(_("已发布的版本不可修改；请发起调整生成新版本"))


@transaction.atomic
def update_draft(version: ItemVersion, *, actor: "User", **fields: Any) -> ItemVersion:
    """Change fields of a draft version (never of a published one)."""
    version = _locked_version(version)
    _require_admin(actor, version.item.catalogue)
    _require_draft(version)
    allowed = set(VERSION_CONTENT_FIELDS) | {
        "original_department",
        "topic",
        "merged_into",
        "change_reason",
        "change_basis",
    }
    many = {"related_items", "delegated_to"}
    unknown = set(fields) - allowed - many
    if unknown:
        raise ValidationFailed(fields={f: [_("不可修改的字段")] for f in sorted(unknown)})
    if "related_items" in fields and any(
        i.catalogue_id != version.item.catalogue_id or i.pk == version.item_id
        for i in fields["related_items"]
    ):
        raise ValidationFailed(fields={"related_items": [_("关联事项须为同一目录中的其他事项")]})
    if "delegated_to" in fields and any(
        not version.item.catalogue.region.contains(c.region) for c in fields["delegated_to"]
    ):
        raise ValidationFailed(fields={"delegated_to": [_("只能下放至本区划内的便民服务中心")]})
    for name, value in fields.items():
        if name in many:
            getattr(version, name).set(value)
        else:
            setattr(version, name, value)
    version.save()
    record(
        "catalogue.update_draft",
        actor=actor,
        subject=version,
        region_code=version.item.catalogue.region.code,
        summary=version.name,
        data={"fields": sorted(fields)},
    )
    return version


@transaction.atomic
def save_draft_part(obj: DraftPart, *, actor: "User") -> DraftPart:
    """Save a handling item, material, review step or special procedure that belongs to a
    draft. Used by the admin and the editor so both keep the same guard and audit."""
    version = obj.item_version if isinstance(obj, HandlingItem) else obj.handling_item.item_version
    version = _locked_version(version)
    _require_admin(actor, version.item.catalogue)
    _require_draft(version)
    created = obj.pk is None
    obj.save()
    record(
        "catalogue.save_draft_part",
        actor=actor,
        subject=obj,
        region_code=version.item.catalogue.region.code,
        summary=str(obj),
        data={"version": version.pk, "created": created},
    )
    return obj


@transaction.atomic
def delete_draft_part(obj: DraftPart, *, actor: "User") -> None:
    version = obj.item_version if isinstance(obj, HandlingItem) else obj.handling_item.item_version
    version = _locked_version(version)
    _require_admin(actor, version.item.catalogue)
    _require_draft(version)
    record(
        "catalogue.delete_draft_part",
        actor=actor,
        subject=obj,
        region_code=version.item.catalogue.region.code,
        summary=str(obj),
        data={"version": version.pk},
    )
    if isinstance(obj, HandlingItem):
        for model in CHILD_MODELS:
            model.objects.filter(handling_item=obj).delete()
    obj.delete()


def publish_blockers(
    version: ItemVersion, effective_from: datetime.date | None
) -> list[rules.Blocker]:
    """Why `version` cannot be published on `effective_from`; empty when it can."""
    handling_items = list(version.handling_items.all())
    materials: dict[int, list[Material]] = {}
    for m in Material.objects.filter(handling_item__item_version=version).order_by("order", "id"):
        materials.setdefault(m.handling_item_id, []).append(m)
    previous = (
        ItemVersion.objects.published()
        .filter(item_id=version.item_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    return rules.version_blockers(version, handling_items, materials, previous, effective_from) + [
        rules.Blocker(field, message)
        for field, message in transfer_checks.switch_blockers(version, previous, effective_from)
    ]


@transaction.atomic
def publish(
    version: ItemVersion, *, actor: "User", effective_from: datetime.date, by: str = ""
) -> ItemVersion:
    """Publish a draft: it becomes immutable and takes effect on `effective_from`; the version
    it replaces stays in force until then. Refused with every reason when incomplete. `by`
    names the act that published it (an import) in the audit row."""
    version = _locked_version(version)
    catalogue = version.item.catalogue
    _require_admin(actor, catalogue)
    blockers = publish_blockers(version, effective_from)
    if blockers:
        raise ValidationFailed(
            _("办事指南不完整，不能发布"),
            reasons=[b.message for b in blockers],
            fields={b.field: [b.message] for b in blockers},
        )
    ItemVersion.objects.filter(
        item_id=version.item_id, status=ItemVersion.Status.PUBLISHED, effective_until__isnull=True
    ).update(effective_until=effective_from)
    version.status = ItemVersion.Status.PUBLISHED
    version.effective_from = effective_from
    version.published_by = stored_user(actor)
    version.published_at = timezone.now()
    version.save(update_fields=["status", "effective_from", "published_by", "published_at"])
    record(
        "catalogue.publish",
        actor=actor,
        subject=version,
        region_code=catalogue.region.code,
        summary=f"{version.get_change_kind_display()}：{version.name} 第{version.number}版",
        data={
            "effective_from": effective_from.isoformat(),
            "kind": version.change_kind,
            "reason": version.change_reason,
            "basis": version.change_basis,
            **({"by": by} if by else {}),
        },
    )
    return version


@transaction.atomic
def discard_draft(version: ItemVersion, *, actor: "User") -> None:
    """Throw away an unpublished draft. Version 1 drafts take their item with them."""
    version = _locked_version(version)
    _require_admin(actor, version.item.catalogue)
    _require_draft(version)
    record(
        "catalogue.discard_draft",
        actor=actor,
        subject=version,
        region_code=version.item.catalogue.region.code,
        summary=version.name,
    )
    for hi in version.handling_items.all():
        for model in CHILD_MODELS:
            model.objects.filter(handling_item=hi).delete()
    version.handling_items.all().delete()
    item = version.item
    version.delete()
    if not item.versions.exists():
        item.delete()


@transaction.atomic
def declare_no_such_power(
    catalogue: Catalogue, *, actor: "User", basic_code: str, reason: str
) -> GuidanceExemption:
    """Record that a guidance-catalogue item is not a gap here because the body has no such
    power (seed 002)."""
    _require_admin(actor, catalogue)
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("请填写无此权力的理由")]})
    exemption, created = GuidanceExemption.objects.update_or_create(
        catalogue=catalogue,
        basic_code=basic_code.strip(),
        defaults={"reason": reason.strip(), "created_by": actor},
    )
    record(
        "catalogue.declare_no_such_power",
        actor=actor,
        subject=exemption,
        region_code=catalogue.region.code,
        summary=f"{basic_code}: {reason}",
        data={"created": created},
    )
    return exemption


# --- importing a list (the plan is `importing.plan`'s) ---------------------------------------


def import_catalogue(
    catalogue: Catalogue,
    rows_source: "Sheet | bytes | str | IO[bytes]",
    *,
    actor: "User",
    reason: str = "",
    basis: str = "",
    publish_on: datetime.date | None = None,
) -> ImportReport:
    """Bring `catalogue` in line with a county list, all or nothing (see
    `catalogue.importing`). `rows_source` is a `Sheet` (from `read_rows`, `read_xlsx` or
    `read_service_items_csv`) or an xlsx as bytes, a path or a file object. Raises
    `ImportRejected` with every problem, or `NotPermitted`."""
    require_role(actor, Role.CATALOGUE_ADMIN, catalogue.region)
    sheet = rows_source if isinstance(rows_source, Sheet) else read_xlsx(rows_source)
    reason, basis = (reason or "").strip(), (basis or "").strip()
    problems = list(sheet.problems)
    groups: OrderedDict[str, ParsedItem] = OrderedDict()
    if not problems:
        lookups = Lookups(catalogue, create_departments=sheet.create_departments)
        groups, row_problems = parse_rows(sheet, lookups)
        problems += sheet.row_problems + row_problems
    with transaction.atomic():
        # One import at a time per catalogue: the comparison below must see what it writes over.
        Catalogue.objects.select_for_update().filter(pk=catalogue.pk).first()
        latest, in_force, handling = load_latest(catalogue, publish_on or today())
        creates, changes, unchanged, plan_problems = plan_changes(
            groups, latest, in_force, handling, sheet
        )
        problems += plan_problems
        adjusting = [p for p in changes if not p.latest.is_draft]
        if adjusting and not (reason and basis):
            problems.append(
                Problem(
                    0,
                    "",
                    _(
                        "导入将调整 {n} 个已发布的事项（如 {code}），请填写调整原因和调整依据"
                    ).format(n=len(adjusting), code=adjusting[0].basic_code),
                )
            )
        if problems:
            raise ImportRejected(problems)

        report = ImportReport(rows=len(sheet.rows))
        report.unchanged = [p.basic_code for p in unchanged]
        in_file = set(groups)
        report.items_not_in_file = sorted(
            code for code, v in latest.items() if code not in in_file and not v.is_cancelled
        )
        report.handling_items_not_in_file = {
            p.basic_code: p.not_in_file for p in (*changes, *unchanged) if p.not_in_file
        }

        # The rows the bulk writes stand for, one per department, item and publication, as
        # the actions would have recorded them; appended with the import's own row at the end.
        audit: list[dict] = []
        departments = _create_departments(
            catalogue, sheet, creates + changes, report, actor=actor, audit=audit
        )
        created_versions = _create_items(
            catalogue, creates, departments, actor=actor, reason=reason, basis=basis, audit=audit
        )
        report.created = [p.basic_code for p in creates]
        changed_versions = []
        for plan in changes:
            changed_versions.append(
                _apply_change(plan, departments, actor=actor, reason=reason, basis=basis)
            )
            report.changed.append(plan.basic_code)
        if publish_on is not None and (created_versions or changed_versions):
            # The bulk writes' rows go before those `publish` records: the log reads in the
            # order things happened.
            record_many(audit)
            audit = []
            _publish_imported(
                created_versions, changed_versions, publish_on, actor=actor, report=report
            )
        if report.wrote_anything:
            audit.append(
                dict(
                    action="catalogue.import",
                    actor=actor,
                    subject=catalogue,
                    region_code=catalogue.region.code,
                    summary=_(
                        "导入事项目录：新增 {c} 项，变更 {u} 项，未变 {s} 项，发布 {p} 项"
                    ).format(
                        c=len(report.created),
                        u=len(report.changed),
                        s=len(report.unchanged),
                        p=len(report.published),
                    ),
                    data={
                        "counts": report.counts,
                        "reason": reason,
                        "basis": basis,
                        "publish_on": publish_on.isoformat() if publish_on else None,
                        "created": report.created,
                        "changed": report.changed,
                        "published": report.published,
                        "departments_created": report.departments_created,
                    },
                )
            )
        record_many(audit)
    return report


def _resolve(values: dict[str, Any], departments: dict[str, int]) -> dict[str, Any]:
    return {
        k: departments[v.name] if isinstance(v, PendingDepartment) else v for k, v in values.items()
    }


def _create_departments(
    catalogue: Catalogue,
    sheet: Sheet,
    plans: list[ItemPlan],
    report: ImportReport,
    *,
    actor: "User",
    audit: list[dict[str, Any]],
) -> dict[str, int]:
    """Create the departments a csv names that the region does not have yet, in the order
    the file names them, after the region's existing ones."""
    wanted = list(
        OrderedDict.fromkeys(
            v.name
            for p in plans
            for v in p.item_values.values()
            if isinstance(v, PendingDepartment)
        )
    )
    if not wanted:
        return {}
    start = Department.objects.filter(region=catalogue.region).aggregate(m=Max("order"))["m"] or 0
    created = {}
    for offset, name in enumerate(wanted, start=1):
        dept = Department.objects.create(
            region=catalogue.region,
            name=name,
            code=sheet.departments.get(name, ""),
            order=start + offset,
        )
        created[name] = dept.pk
        audit.append(
            dict(
                action="organisation.save_department",
                actor=actor,
                subject=dept,
                region_code=catalogue.region.code,
                summary=dept.name,
                data={
                    "created": True,
                    "by": "catalogue.import",
                    "fields": {
                        "name": [None, dept.name],
                        "code": [None, dept.code],
                        "order": [None, dept.order],
                    },
                },
            )
        )
    report.departments_created = wanted
    return created


def _create_items(
    catalogue: Catalogue,
    plans: list[ItemPlan],
    departments: dict[str, int],
    *,
    actor: "User",
    reason: str,
    basis: str,
    audit: list[dict[str, Any]],
) -> list[ItemVersion]:
    """New items, as version-1 drafts, in bulk: the same rows `create_item` and
    `save_draft_part` would write, without a query per row (a county list has thousands),
    and the audit rows `create_item` would record (added to `audit`)."""
    if not plans:
        return []
    items = Item.objects.bulk_create(
        [Item(catalogue=catalogue, basic_code=p.basic_code) for p in plans], batch_size=BATCH
    )
    if any(i.pk is None for i in items):  # a database that does not return ids from a bulk insert
        ids = dict(Item.objects.filter(catalogue=catalogue).values_list("basic_code", "pk"))
        for i in items:
            i.pk = ids[i.basic_code]
    versions = ItemVersion.objects.bulk_create(
        [
            ItemVersion(
                item=item,
                number=1,
                status=ItemVersion.Status.DRAFT,
                change_kind=ChangeKind.ADD,
                change_reason=reason,
                change_basis=basis,
                created_by=stored_user(actor),
                **_resolve(plan.item_values, departments),
            )
            for item, plan in zip(items, plans, strict=True)
        ],
        batch_size=BATCH,
    )
    if any(v.pk is None for v in versions):
        version_ids = dict(
            ItemVersion.objects.filter(item__catalogue=catalogue, number=1).values_list(
                "item_id", "pk"
            )
        )
        for v in versions:
            v.pk = version_ids[v.item_id]
    HandlingItem.objects.bulk_create(
        [
            HandlingItem(item_version=version, order=n, **row.handling)
            for version, plan in zip(versions, plans, strict=True)
            for n, row in enumerate(plan.rows, start=1)
        ],
        batch_size=BATCH,
    )
    region_code = catalogue.region.code
    audit.extend(
        dict(
            action="catalogue.create_item",
            actor=actor,
            subject=version,
            region_code=region_code,
            summary=version.name,
            data={
                "basic_code": plan.basic_code,
                "by": "catalogue.import",
                "handling_items": [row.handling["code"] for row in plan.rows],
            },
        )
        for version, plan in zip(versions, plans, strict=True)
    )
    return versions


def _apply_change(
    plan: ItemPlan, departments: dict[str, int], *, actor: "User", reason: str, basis: str
) -> ItemVersion:
    """Change one existing item through the catalogue's actions: a draft is edited in place,
    a published version is first copied into a new draft (with its materials, steps and
    special procedures) by `start_adjustment`."""
    version = plan.latest
    assert version is not None  # a change plan is made against the item's latest version
    if not version.is_draft:
        version = start_adjustment(
            version.item, actor=actor, kind=ChangeKind.IMPORT, reason=reason, basis=basis
        )
    if plan.item_changes:
        version = update_draft(version, actor=actor, **_resolve(plan.item_changes, departments))
    current = {hi.code: hi for hi in version.handling_items.all()}
    for code, changes in plan.handling_updates:
        hi = current[code]
        for name, value in changes.items():
            setattr(hi, name, value)
        save_draft_part(hi, actor=actor)
    order = max((hi.order for hi in current.values()), default=0)
    for values in plan.handling_new:
        order += 1
        save_draft_part(HandlingItem(item_version=version, order=order, **values), actor=actor)
    return version


def _publish_imported(
    created: list[ItemVersion],
    changed: list[ItemVersion],
    on: datetime.date,
    *,
    actor: "User",
    report: ImportReport,
) -> None:
    """Publish every created, then every changed draft through `publish`, with its rules and
    its audit row; a draft that `publish` refuses stays a draft and is reported with its
    reasons."""
    for version in [*created, *changed]:
        try:
            publish(version, actor=actor, effective_from=on, by="catalogue.import")
        except ValidationFailed as error:
            report.blocked[version.item.basic_code] = [str(r) for r in error.reasons] or [
                str(error.message)
            ]
            continue
        report.published.append(version.item.basic_code)
    report.published.sort()


def ensure_local_catalogue(region: Region, *, actor: "User") -> Catalogue:
    """The region's local catalogue, created when it has none yet ("<地区>政务服务事项目录").
    Callers run it in the import's transaction so that a rejected file leaves no empty
    catalogue behind."""
    require_role(actor, Role.CATALOGUE_ADMIN, region)
    catalogue = (
        Catalogue.objects.filter(region=region, kind=Catalogue.Kind.LOCAL)
        .select_related("region")
        .first()
    )
    if catalogue is not None:
        return catalogue
    catalogue = Catalogue.objects.create(
        region=region,
        kind=Catalogue.Kind.LOCAL,
        name=f"{region.name}政务服务事项目录",
        bureau=Bureau.objects.filter(region=region).first(),
    )
    record(
        "catalogue.create_catalogue",
        actor=actor,
        subject=catalogue,
        region_code=region.code,
        summary=catalogue.name,
    )
    return catalogue


@transaction.atomic
def create_catalogue(
    *, actor: "User", region: Region, kind: str, name: str, bureau: Bureau | None = None
) -> Catalogue:
    """A region's list: its local catalogue (本级事项目录, kept for `bureau`) or, for a
    province, the guidance catalogue (指导目录). One of each kind per region; set up by an
    administrator of the region, after which its catalogue administrators fill it."""
    require_role(actor, Role.ADMINISTRATOR, region)
    taken = ValidationFailed(
        fields={"kind": [_("该行政区划已有{kind}").format(kind=Catalogue.Kind(kind).label)]}
    )
    if Catalogue.objects.filter(region=region, kind=kind).exists():
        raise taken
    catalogue = Catalogue(region=region, kind=kind, name=(name or "").strip(), bureau=bureau)
    try:
        catalogue.full_clean(validate_unique=False)
    except ValidationError as error:
        raise ValidationFailed(
            fields={k: [str(m) for m in v] for k, v in error.message_dict.items()}
        ) from error
    if bureau is not None and not bureau.region.contains(region):
        raise ValidationFailed(fields={"bureau": [_("行政审批局须管辖该行政区划")]})
    try:
        with transaction.atomic():
            catalogue.save()
    except IntegrityError:  # set up by someone else a moment ago
        raise taken from None
    record(
        "catalogue.create_catalogue",
        actor=actor,
        subject=catalogue,
        region_code=region.code,
        summary=catalogue.name,
        data={"kind": kind, "bureau": bureau.pk if bureau else None},
    )
    return catalogue


@transaction.atomic
def create_topic(*, actor: "User", name: str, order: int = 0) -> Topic:
    """A theme the public browses by. The topics are the whole installation's, so only a
    superuser adds one."""
    if not (getattr(actor, "is_superuser", False) and actor.is_active):
        raise NotPermitted(_("主题由超级管理员维护"))
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(fields={"name": [_("请填写主题名称")]})
    taken = ValidationFailed(fields={"name": [_("主题“{name}”已存在").format(name=name)]})
    if Topic.objects.filter(name=name).exists():
        raise taken
    try:
        with transaction.atomic():
            topic = Topic.objects.create(name=name, order=order)
    except IntegrityError:  # added by someone else a moment ago
        raise taken from None
    record(
        "catalogue.create_topic", actor=actor, subject=topic, summary=name, data={"order": order}
    )
    return topic
