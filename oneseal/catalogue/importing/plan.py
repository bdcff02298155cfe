"""The pure plan of an import: the rows parsed and checked against the region's departments
and topics, grouped into items, and compared with each item's latest version. Reads only;
what it plans is written by `catalogue.actions.import_catalogue`."""

from __future__ import annotations

import datetime
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from oneseal.organisation.models import Bureau, Department

from ..models import (
    Catalogue,
    HandlingItem,
    ItemVersion,
    Topic,
)
from .columns import (
    _BY_HEADER,
    BATCH,
    DEFAULT_BUREAU_NAME,
    HANDLING_COLUMNS,
    ITEM,
    ITEM_COLUMNS,
    NOT_GIVEN,
    SERIAL,
    CellError,
    PendingDepartment,
    Problem,
    Sheet,
    _is_bureau_name,
)

# --------------------------------------------------------------------------------------------
# Lookups of departments and topics


class Lookups:
    """Departments of the catalogue's region and the topics, loaded once per import."""

    def __init__(self, catalogue: Catalogue, *, create_departments: bool = False):
        self.region = catalogue.region
        self.create_departments = create_departments
        departments = list(Department.objects.filter(region=catalogue.region))
        self.by_name = {d.name: d.pk for d in departments}
        short: dict[str, list[int]] = defaultdict(list)
        for d in departments:
            if d.short_name:
                short[d.short_name].append(d.pk)
        self.by_short_name = {k: v[0] for k, v in short.items() if len(v) == 1}
        self.topics = dict(Topic.objects.values_list("name", "pk"))
        self.bureau_name = bureau_name_of(catalogue)

    def department(self, name: str) -> int | None | PendingDepartment:
        if _is_bureau_name(name, self.bureau_name):
            return None
        if name in self.by_name:
            return self.by_name[name]
        if name in self.by_short_name:
            return self.by_short_name[name]
        if self.create_departments:
            return PendingDepartment(name)
        raise CellError(
            _("部门“{name}”不在{region}的部门名录中，请先添加该部门或改正名称").format(
                name=name, region=self.region.name
            )
        )

    def topic(self, name: str) -> int:
        if name not in self.topics:
            raise CellError(_("主题“{name}”不存在").format(name=name))
        return self.topics[name]


def bureau_name_of(catalogue: Catalogue) -> str:
    bureau = catalogue.bureau or Bureau.objects.filter(region_id=catalogue.region_id).first()
    return bureau.name if bureau else DEFAULT_BUREAU_NAME


# --------------------------------------------------------------------------------------------
# Parsing and checking the rows


@dataclass
class ParsedRow:
    number: int
    item: dict[str, Any]  # ItemVersion attribute → value, plus "basic_code"
    handling: dict[str, Any]  # HandlingItem attribute → value
    ok: bool = True


@dataclass
class ParsedItem:
    """The rows of one basic code and the item's values they give (each value from the
    first row that gives it; a later row giving another value is a problem)."""

    basic_code: str
    rows: list[ParsedRow] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    given_on: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)


def parse_rows(
    sheet: Sheet, lookups: Lookups
) -> tuple[OrderedDict[str, ParsedItem], list[Problem]]:
    problems: list[Problem] = []
    items: OrderedDict[str, ParsedItem] = OrderedDict()
    codes_seen: dict[str, int] = {}
    implementing_seen: dict[str, tuple[str, int]] = {}
    present = [_BY_HEADER[h] for h in sheet.headers if _BY_HEADER[h].level != SERIAL]
    for number, cells in sheet.rows:
        parsed = ParsedRow(number, {}, {})
        for column in present:
            try:
                value = column.parse(cells.get(column.header), lookups)
            except CellError as error:
                problems.append(Problem(number, sheet.label(column.header), error.message))
                parsed.ok = False
                continue
            if value is not NOT_GIVEN:
                (parsed.item if column.level == ITEM else parsed.handling)[column.field] = value
        code = parsed.handling.get("code")
        if code:
            if code in codes_seen:
                problems.append(
                    Problem(
                        number,
                        sheet.label("办理项编码"),
                        _("办理项编码“{code}”与第 {n} 行重复").format(
                            code=code, n=codes_seen[code]
                        ),
                    )
                )
                parsed.ok = False
            else:
                codes_seen[code] = number
        promised, statutory = (
            parsed.handling.get("promised_limit_days"),
            parsed.handling.get("statutory_limit_days"),
        )
        if promised is not None and statutory is not None and promised > statutory:
            # The publish rule, caught where the number was typed (《行政许可法》第四十二条).
            problems.append(
                Problem(
                    number,
                    sheet.label("承诺时限"),
                    _("承诺时限（{p}个工作日）超过法定时限（{s}个工作日）").format(
                        p=promised, s=statutory
                    ),
                )
            )
            parsed.ok = False
        basic_code = parsed.item.get("basic_code")
        if not basic_code:
            continue
        implementing = parsed.item.get("implementing_code")
        if implementing:
            owner = implementing_seen.setdefault(implementing, (basic_code, number))
            if owner[0] != basic_code:
                problems.append(
                    Problem(
                        number,
                        sheet.label("实施编码"),
                        _("实施编码“{code}”已用于第 {n} 行的事项（基本编码 {other}）").format(
                            code=implementing, n=owner[1], other=owner[0]
                        ),
                    )
                )
                parsed.ok = False
        item = items.setdefault(basic_code, ParsedItem(basic_code))
        for column in ITEM_COLUMNS:
            if column.field not in parsed.item:
                continue
            value = parsed.item[column.field]
            if column.field not in item.values:
                item.values[column.field] = value
                item.given_on[column.field] = number
            elif item.values[column.field] != value:
                problems.append(
                    Problem(
                        number,
                        sheet.label(column.header),
                        _(
                            "同一事项（基本编码 {code}）各行的“{h}”须一致，本行与第 {n} 行不同"
                        ).format(code=basic_code, h=column.header, n=item.given_on[column.field]),
                    )
                )
                parsed.ok = False
        item.rows.append(parsed)
    return items, problems


# --------------------------------------------------------------------------------------------
# Comparing with the catalogue and planning the writes


@dataclass
class ItemPlan:
    basic_code: str
    rows: list[ParsedRow]
    item_values: dict[str, Any]
    latest: ItemVersion | None = None
    item_changes: dict[str, Any] = field(default_factory=dict)
    handling_updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    handling_new: list[dict[str, Any]] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)

    @property
    def is_change(self) -> bool:
        return bool(self.item_changes or self.handling_updates or self.handling_new)


def load_latest(catalogue: Catalogue, on: datetime.date):
    """The newest version of every item of the catalogue, the version in force on `on` where
    that is another one (a change or cancellation published for a later date, or a draft on
    top), and the handling items of both: two queries (one per thousand versions for the second)."""
    newest = (
        ItemVersion.objects.filter(item=OuterRef("item")).order_by("-number").values("number")[:1]
    )
    in_force = Q(
        status=ItemVersion.Status.PUBLISHED, effective_from__lte=on, is_cancelled=False
    ) & (Q(effective_until__isnull=True) | Q(effective_until__gt=on))
    versions = (
        ItemVersion.objects.filter(item__catalogue=catalogue)
        .annotate(newest=Subquery(newest))
        .filter(Q(number=F("newest")) | in_force)
        .select_related("item")
    )
    latest: dict[str, ItemVersion] = {}
    current: dict[str, ItemVersion] = {}
    for v in versions:
        (latest if v.number == v.newest else current)[v.item.basic_code] = v
    handling: dict[int, dict[str, HandlingItem]] = defaultdict(dict)
    wanted = [v.pk for v in (*latest.values(), *current.values())]
    for start in range(0, len(wanted), BATCH):  # none for an empty catalogue
        for hi in HandlingItem.objects.filter(
            item_version__in=wanted[start : start + BATCH]
        ).order_by("order", "id"):
            handling[hi.item_version_id][hi.code] = hi
    return latest, current, handling


def _differences(columns, values: dict[str, Any], obj) -> dict[str, Any]:
    return {
        c.field: values[c.field]
        for c in columns
        if c.field in values and c.stored(obj) != values[c.field]
    }


def _compare(plan: ItemPlan, version: ItemVersion, existing: dict[str, HandlingItem]) -> ItemPlan:
    """`plan` filled with what the file changes on `version`."""
    plan.item_changes = _differences(ITEM_COLUMNS, plan.item_values, version)
    plan.handling_updates, plan.handling_new, listed = [], [], set()
    for row in plan.rows:
        code = row.handling["code"]
        listed.add(code)
        hi = existing.get(code)
        if hi is None:
            plan.handling_new.append(row.handling)
        else:
            diff = _differences(HANDLING_COLUMNS, row.handling, hi)
            if diff:
                plan.handling_updates.append((code, diff))
    plan.not_in_file = [code for code in existing if code not in listed]
    return plan


def plan_changes(groups, latest, in_force, handling, sheet: Sheet):
    """Creates, changes and unchanged items. A row that matches the version in force on the
    import's date is unchanged even when a later version exists (a change or cancellation
    published for a later date, or a draft): that is what an export of today's list holds,
    and importing it again must change nothing. A row that differs from both cannot be
    applied: against the later version it would quietly undo the scheduled adjustment."""
    creates: list[ItemPlan] = []
    changes: list[ItemPlan] = []
    unchanged: list[ItemPlan] = []
    problems: list[Problem] = []
    for basic_code, parsed in groups.items():
        if not parsed.ok:
            continue
        rows = parsed.rows
        plan = ItemPlan(basic_code, rows, parsed.values, latest.get(basic_code))
        if plan.latest is None:
            creates.append(plan)
            continue
        version = plan.latest
        current = in_force.get(basic_code)
        if current is not None:
            as_in_force = _compare(
                ItemPlan(basic_code, rows, parsed.values, current),
                current,
                handling.get(current.pk, {}),
            )
            if not as_in_force.is_change:
                unchanged.append(as_in_force)
                continue
        if version.is_cancelled:
            state = _("已并入其他事项") if version.merged_into_id else _("已取消")
            draft = _("（待发布的草稿）") if version.is_draft else ""
            problems.append(
                Problem(
                    rows[0].number,
                    sheet.label("基本编码"),
                    _(
                        "事项“{name}”（{code}）{state}{draft}，导入不能恢复；请删除此行，或经调整程序办理"
                    ).format(name=version.name, code=basic_code, state=state, draft=draft),
                )
            )
            continue
        _compare(plan, version, handling.get(version.pk, {}))
        if current is not None and plan.is_change and not version.is_draft:
            assert version.effective_from is not None  # a published version has its date
            problems.append(
                Problem(
                    rows[0].number,
                    sheet.label("基本编码"),
                    _(
                        "事项“{name}”（{code}）已有定于{date}生效的调整，本行与现行版本和该调整均不一致，导入不能再作调整；"
                        "请在该调整生效后再导入"
                    ).format(
                        name=version.name,
                        code=basic_code,
                        date=_chinese_date(version.effective_from),
                    ),
                )
            )
            continue
        (changes if plan.is_change else unchanged).append(plan)
    return creates, changes, unchanged, problems


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --------------------------------------------------------------------------------------------
# The report


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    blocked: dict[str, list[str]] = field(default_factory=dict)
    items_not_in_file: list[str] = field(default_factory=list)
    handling_items_not_in_file: dict[str, list[str]] = field(default_factory=dict)
    departments_created: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": len(self.created),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "published": len(self.published),
            "blocked": len(self.blocked),
            "items_not_in_file": len(self.items_not_in_file),
            "handling_items_not_in_file": sum(
                len(v) for v in self.handling_items_not_in_file.values()
            ),
            "departments_created": len(self.departments_created),
        }

    @property
    def wrote_anything(self) -> bool:
        return bool(self.created or self.changed or self.published or self.departments_created)

    def as_dict(self) -> dict:
        return {
            "counts": self.counts,
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "published": self.published,
            "blocked": self.blocked,
            "items_not_in_file": self.items_not_in_file,
            "handling_items_not_in_file": self.handling_items_not_in_file,
            "departments_created": self.departments_created,
        }
