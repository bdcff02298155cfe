"""The demo's seal switch-over (seed 000 四(二)5): the old approval seal of every department of
平罗县 that signed a transfer agreement is registered by the bureau's administrator; the twelve
departments of the first batch handed theirs over on the transfer date, when they were sealed
away in the bureau's archive, while the meteorological office of the second batch still holds
its own three weeks after its date — the warning e-supervision and the seals page show.

Idempotent: a seal is registered once, and sealed away only while it is still active. Every
write goes through `documents.actions`, by the county's administrator (orgadmin)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from oneseal.documents import actions, queries, switchover
from oneseal.documents.models import Seal
from oneseal.documents.rules import chinese_date
from oneseal.organisation.models import Department
from oneseal.organisation.rules import staff_of

from ..builder import TRANSFER_DATE
from ..data import organisation as org
from ..data import transfers as data

# The departments' seals were first used long before the reform.
VALID_FROM = TRANSFER_DATE.replace(year=2015, month=1, day=1)
PLACE = "县审批服务管理局档案室印章保密柜（双人双锁）"
DEPARTMENT_PLACE = "原审批股室印章柜"


def _seal_name(department: Department) -> str:
    return f"{department.name}行政许可专用章"


def _head_name(department: Department) -> str:
    row = data.PEOPLE.get(department.short_name)
    return row[1] if row else data.SECOND_BATCH["head"][1]


def load(*, today) -> list[str]:
    admin = get_user_model().objects.filter(username="orgadmin").first()
    staff = staff_of(admin) if admin is not None else None
    if staff is None:
        return []
    departments = {
        d.pk: d
        for d in Department.objects.filter(region__code=org.COUNTY_CODE)
        .select_related("region")
        .order_by("order")
    }
    if not departments:
        return []
    dates = switchover.transfer_dates(list(departments))
    registered = sealed = 0
    for pk, on in sorted(dates.items(), key=lambda pair: (pair[1], departments[pair[0]].order)):
        department = departments[pk]
        seal = Seal.objects.filter(
            kind=Seal.Kind.DEPARTMENT, department=department, name=_seal_name(department)
        ).first()
        if seal is None:
            seal = actions.register_department_seal(
                department,
                actor=admin,
                name=_seal_name(department),
                valid_from=VALID_FROM,
                holder=_head_name(department),
                place=DEPARTMENT_PLACE,
            )
            registered += 1
        # The first batch handed its seals over on the day; the second batch has not yet.
        if on == TRANSFER_DATE and seal.state == Seal.SealState.ACTIVE:
            actions.seal_away_department_seal(
                seal,
                actor=admin,
                handed_over_by=_head_name(department),
                received_by=staff.display_name,
                holder=staff.display_name,
                place=PLACE,
                sealed_away_on=on,
                checklist=(
                    f"{seal.name}一枚、印模一份、用印登记簿一册；"
                    f"移交人{_head_name(department)}、接收人{staff.display_name}签字，"
                    "县纪委监委派驻纪检监察组监交"
                ),
                checklist_signed=True,
            )
            sealed += 1
    lines = []
    if registered or sealed:
        lines.append(
            _("原部门印章：登记 {r} 枚，{s} 枚于{date}移交封存").format(
                r=registered, s=sealed, date=chinese_date(TRANSFER_DATE)
            )
        )
    if registered:
        prefix = next(iter(departments.values())).region.prefix
        lines += [
            _("电子监察预警：{department}{text}").format(department=w.department, text=w.text)
            for w in queries.seal_warnings(prefix, today=today)
        ]
    return lines
