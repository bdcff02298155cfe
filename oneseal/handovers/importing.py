"""Reading a department's register of pending cases (在办件台账) and checking every row before
anything is written. The file is read by the catalogue importer's reader
(`catalogue.importing.readers.read_xlsx`, with its caps and zip checks) in this layout; each
problem names its row (as the spreadsheet shows it), its column and the reason. Reads only."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, TypedDict

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oneseal.applicants import rules as applicant_rules
from oneseal.applicants.actions import clean_applicant
from oneseal.applicants.models import Applicant
from oneseal.cases.actions import handed_over_blockers
from oneseal.catalogue.importing.columns import Problem, Sheet, _norm_text
from oneseal.catalogue.importing.readers import Layout, read_xlsx
from oneseal.catalogue.models import HandlingItem, ItemVersion
from oneseal.errors import ValidationFailed
from oneseal.organisation.models import Bureau, Department

from .models import HandedOverCase

NUMBER, NAME, ID, CODE, ITEM, RECEIVED, ACCEPTED, STATE, PAPERS, PHONE, NOTE = (
    "原办件编号",
    "申请人",
    "证件号码",
    "办理项编码",
    "事项名称",
    "收件日期",
    "受理日期",
    "办理状态",
    "移交材料",
    "联系电话",
    "未办结说明",
)
LAYOUT = Layout.of(
    (
        (NUMBER, ("办件编号", "原编号", "受理编号"), True),
        (NAME, ("申请人名称", "申请人姓名", "申请单位"), True),
        (ID, ("身份证号码", "统一社会信用代码", "证件号", "身份证号码/统一社会信用代码"), True),
        (CODE, ("事项编码", "办理项代码"), True),
        (ITEM, ("办理项名称", "事项"), False),
        (RECEIVED, ("申请日期", "收件时间"), True),
        (ACCEPTED, ("受理时间",), False),
        (STATE, ("状态", "当前状态"), True),
        (PAPERS, ("材料", "已交材料", "移交材料清单"), False),
        (PHONE, ("电话", "联系方式"), True),
        (NOTE, ("说明", "书面说明", "移交说明"), False),
    ),
    empty=gettext_lazy("文件中只有表头，没有在办件"),
)
HEADERS = LAYOUT.headers

# The states a pending case can be handed over in: the department's clocks stop at neither.
STATES = {"已收件": "received", "收件": "received", "待受理": "received", "已受理": "accepted",
          "受理": "accepted", "审查中": "accepted", "办理中": "accepted"}  # fmt: skip
STATE_LABELS = {"received": gettext_lazy("已收件"), "accepted": gettext_lazy("已受理")}

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_PAPER_RE = re.compile(r"^(.+?)\s*(?:[×xX*＊]\s*(\d+)\s*份?|（(\d+)份）|\((\d+)份\))?$")
_PAPER_SPLIT = re.compile(r"[；;\n]")


class ApplicantColumns(TypedDict):
    """A row's applicant as `applicants.actions.register_applicant` takes it."""

    kind: str
    name: str
    number: str
    phone: str


@dataclass
class Row:
    """One checked row: what `actions.import_handover` opens a case with."""

    row: int
    original_number: str
    applicant: ApplicantColumns
    handling_item: HandlingItem
    received_on: datetime.date
    accepted_on: datetime.date | None
    state: str
    papers: dict[int, int]
    explanation: str


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def parse_date(value: Any) -> datetime.date | None:
    """A date cell: a date, a datetime, or text such as 2025-09-26, 2025/9/26, 2025年9月26日.
    Raises ValueError for anything else; None for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = _DATE_RE.match(_norm_text(value))
    if not match:
        raise ValueError(_("日期格式应为 2025-09-26 或 2025年9月26日"))
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ValueError(_("不是有效的日期")) from None


def parse_papers(text: str, handling_item: HandlingItem) -> tuple[dict[int, int], list[str]]:
    """ "申请书×1；营业执照复印件×2" → {material id: copies}, and what is wrong (a name the
    handling item's checklist does not have, a paper named twice)."""
    by_name = {m.name.strip(): m for m in handling_item.materials.all()}
    papers: dict[int, int] = {}
    problems = []
    for part in filter(None, (p.strip() for p in _PAPER_SPLIT.split(text))):
        match = _PAPER_RE.match(part)
        name = match.group(1).strip() if match else part
        copies = next((int(g) for g in (match.groups()[1:] if match else ()) if g), 1)
        material = by_name.get(name)
        if material is None:
            problems.append(_("“{name}”不是该办理项的申请材料").format(name=name))
        elif material.pk in papers:
            problems.append(_("“{name}”重复列出").format(name=name))
        else:
            papers[material.pk] = copies
    return papers, problems


def applicant_kind(number: str) -> str:
    """A person's 居民身份证号码 or an organisation's 统一社会信用代码, told apart by which
    check the number passes (both are 18 characters)."""
    if not applicant_rules.number_problem(Applicant.Kind.PERSON, number):
        return Applicant.Kind.PERSON
    return Applicant.Kind.ORGANISATION


def read(source: bytes | IO[bytes]) -> Sheet:
    return read_xlsx(source, LAYOUT)


def plan(
    sheet: Sheet, *, bureau: Bureau, department: Department, handed_over_on: datetime.date
) -> Plan:
    """Check every row of the register; collect every problem (nothing stops at the first)."""
    out = Plan(problems=list(sheet.problems) + list(sheet.row_problems))
    if sheet.problems:
        return out
    seen: dict[str, int] = {}
    done = set(
        HandedOverCase.objects.filter(department=department).values_list(
            "original_number", flat=True
        )
    )
    for n, cells in sheet.rows:
        row_problems: list[Problem] = []

        def problem(column: str, message: str, n: int = n, into: list = row_problems) -> None:
            into.append(Problem(n, column, str(message)))

        number = _norm_text(cells.get(NUMBER))
        if not number:
            problem(NUMBER, _("请填写原办件编号"))
        elif number in seen:
            problem(NUMBER, _("与第{n}行的办件编号重复").format(n=seen[number]))
        elif number in done:
            problem(NUMBER, _("该办件已由{d}移交过").format(d=department.name))
        seen.setdefault(number, n)

        name = _norm_text(cells.get(NAME))
        id_number = _norm_text(cells.get(ID)).upper()
        phone = _norm_text(cells.get(PHONE))
        kind = applicant_kind(id_number)
        applicant: ApplicantColumns = {
            "kind": kind,
            "name": name,
            "number": id_number,
            "phone": phone,
        }
        found = _check_applicant(applicant, problem)

        handling_item = None
        code = _norm_text(cells.get(CODE))
        received_on = accepted_on = None
        try:
            received_on = parse_date(cells.get(RECEIVED))
            if received_on is None:
                problem(RECEIVED, _("请填写收件日期"))
        except ValueError as exc:
            problem(RECEIVED, str(exc))
        try:
            accepted_on = parse_date(cells.get(ACCEPTED))
        except ValueError as exc:
            problem(ACCEPTED, str(exc))
        state_text = _norm_text(cells.get(STATE))
        state = STATES.get(state_text.replace(" ", ""))
        if state is None:
            problem(
                STATE,
                _("“{s}”不是可移交的在办状态，应为“已收件”或“已受理”").format(s=state_text)
                if state_text
                else _("请填写办理状态"),
            )
        elif state == "accepted" and accepted_on is None and ACCEPTED not in _bad(row_problems):
            problem(ACCEPTED, _("已受理的办件须填写受理日期"))
        elif state == "received" and accepted_on is not None:
            problem(ACCEPTED, _("状态为已收件的办件不应有受理日期"))

        if not code:
            problem(CODE, _("请填写办理项编码"))
        else:
            handling_item = _handling_item(bureau, code, handed_over_on)
            if handling_item is None:
                problem(
                    CODE,
                    _("{bureau}的现行事项目录（{date}）中没有编码为“{code}”的办理项").format(
                        bureau=bureau.name,
                        date=date_format(handed_over_on, "DATE_FORMAT"),
                        code=code,
                    ),
                )
        papers: dict[int, int] = {}
        if handling_item is not None:
            item_name = _norm_text(cells.get(ITEM))
            if item_name and item_name not in (handling_item.name, handling_item.item_version.name):
                problem(
                    ITEM,
                    _("事项名称与编码“{code}”的办理项“{name}”不符").format(
                        code=code, name=handling_item.name
                    ),
                )
            papers, paper_problems = parse_papers(_norm_text(cells.get(PAPERS)), handling_item)
            for message in paper_problems:
                problem(PAPERS, message)
            if found is not None and received_on is not None:
                for message in handed_over_blockers(
                    handling_item,
                    applicant=found,
                    department=department,
                    received_on=received_on,
                    accepted_on=accepted_on if state == "accepted" else None,
                    handed_over_on=handed_over_on,
                ):
                    problem(_blocker_column(message), message)
        out.problems += row_problems
        if not row_problems and handling_item is not None and received_on and state:
            out.rows.append(
                Row(
                    row=n,
                    original_number=number,
                    applicant=applicant,
                    handling_item=handling_item,
                    received_on=received_on,
                    accepted_on=accepted_on if state == "accepted" else None,
                    state=state,
                    papers=papers,
                    explanation=_norm_text(cells.get(NOTE)),
                )
            )
    return out


def _bad(problems: list[Problem]) -> set[str]:
    return {p.column for p in problems}


def _blocker_column(message: str) -> str:
    if "受理日期" in message:
        return ACCEPTED
    if "收件日期" in message or "移交日期" in message:
        return RECEIVED
    if "服务对象" in message:
        return ID
    return CODE


_FIELD_COLUMN = {"name": NAME, "id_number": ID, "credit_code": ID, "phone": PHONE, "kind": ID}


def _check_applicant(
    applicant: ApplicantColumns, problem: Callable[[str, str], None]
) -> Applicant | None:
    """The registered applicant of the number, or an unsaved one standing for the applicant the
    import will register; None (with the problems named) when the row's applicant is wrong."""
    try:
        values = clean_applicant(**applicant)
    except ValidationFailed as exc:
        for name, messages in exc.fields.items():
            for message in messages:
                problem(_FIELD_COLUMN.get(name, ID), message)
        return None
    for column, text in ((NAME, values["name"]),):
        msg = applicant_rules.name_problem(text)
        if msg:
            problem(column, msg)
            return None
    key = (
        {"credit_code": values["credit_code"]}
        if values["kind"] == Applicant.Kind.ORGANISATION
        else {"id_number": values["id_number"]}
    )
    existing = Applicant.objects.filter(**key).first()
    if existing is not None:
        if existing.name != values["name"]:
            # Not the registered name: the import's look-ups are audited when it runs.
            problem(NAME, _("该证件号码已登记的姓名或名称与台账不一致"))
            return None
        return existing
    return Applicant(kind=values["kind"], name=values["name"])


def _handling_item(bureau: Bureau, code: str, on: datetime.date) -> HandlingItem | None:
    versions = ItemVersion.objects.in_force(on).filter(item__catalogue__region=bureau.region)
    return (
        HandlingItem.objects.filter(item_version__in=versions, code=code)
        .select_related("item_version__item__catalogue__region", "item_version")
        .first()
    )
