"""Reads of the running of the reform, each scoped by the reader's region
(`organisation.rules.scope_prefix`)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet, Sum

from oneseal.cases.queries import Viewer, is_scoped_staff
from oneseal.catalogue.models import Catalogue, ItemVersion
from oneseal.linkage.models import SupportRequest
from oneseal.organisation.models import Bureau, Department
from oneseal.organisation.rules import scope_prefix
from oneseal.regions.rules import prefix_scope

from . import rules
from .models import (
    Agreement,
    AgreementItem,
    Body,
    QuotaKind,
    StaffingQuota,
    StaffTransfer,
    Transition,
)


def may_see(user: Viewer) -> bool:
    return is_scoped_staff(user)


def _prefix(user: Viewer) -> str | None:
    return scope_prefix(user) if may_see(user) else None


def visible_agreements(user: Viewer) -> QuerySet[Agreement]:
    prefix = _prefix(user)
    if prefix is None:
        return Agreement.objects.none()
    return (
        Agreement.objects.filter(prefix_scope(prefix, "region_code"))
        .select_related("bureau__region", "department")
        .annotate(item_count=Count("items", distinct=True))
    )


def agreement_detail(user: Viewer, pk: int) -> Agreement | None:
    return (
        visible_agreements(user)
        .prefetch_related(
            Prefetch(
                "items",
                AgreementItem.objects.select_related(
                    "item__duty_boundary__supervising_department"
                ).order_by("item__basic_code"),
            ),
            "handovers",
        )
        .filter(pk=pk)
        .first()
    )


def item_names(lines: Iterable[AgreementItem]) -> dict[int, str]:
    """The latest name of each agreement line's item (one query)."""
    ids = [line.item_id for line in lines]
    names: dict[int, str] = {}
    for item_id, name in (
        ItemVersion.objects.filter(item_id__in=ids)
        .order_by("number")
        .values_list("item_id", "name")
    ):
        names[item_id] = name
    return names


def visible_bureaus(user: Viewer) -> QuerySet[Bureau]:
    prefix = _prefix(user)
    if prefix is None:
        return Bureau.objects.none()
    return Bureau.objects.filter(region__code__startswith=prefix).select_related("region")


@dataclass
class ShareRow:
    department: Department
    share: rules.Share


def department_shares(bureau: Bureau, on: datetime.date) -> list[ShareRow]:
    """Per department with an agreement: staff moved by `on` against its former approval staff
    (the sum over its agreements), seed 004's 30–50 %."""
    bases = dict(
        Agreement.objects.filter(bureau=bureau)
        .values("department")
        .annotate(n=Sum("approval_staff"))
        .values_list("department", "n")
    )
    moved = dict(
        StaffTransfer.objects.filter(bureau=bureau, moved_on__lte=on)
        .values("department")
        .annotate(n=Count("id"))
        .values_list("department", "n")
    )
    departments = Department.objects.filter(pk__in=set(bases) | set(moved)).order_by("order", "id")
    return [
        ShareRow(d, rules.Share(moved=moved.get(d.pk, 0), base=bases.get(d.pk, 0) or 0))
        for d in departments
    ]


@dataclass
class QuotaRow:
    body: str
    kind: str
    approved: int
    taken: int

    @property
    def label(self) -> str:
        return f"{Body(self.body).label}·{QuotaKind(self.kind).label}"

    @property
    def free(self) -> int:
        return self.approved - self.taken


@dataclass
class Register:
    """The staff register of a bureau as of a day: who had moved, on which quota, and whether
    they could act alone that day."""

    bureau: Bureau
    on: datetime.date
    rows: list[StaffTransfer] = field(default_factory=list)
    quotas: list[QuotaRow] = field(default_factory=list)


def staff_register(bureau: Bureau, on: datetime.date) -> Register:
    rows: list[StaffTransfer] = list(
        StaffTransfer.objects.filter(bureau=bureau, moved_on__lte=on)
        .select_related("staff", "department")
        .annotate(training_count=Count("trainings"))
        .order_by("moved_on", "department__order", "staff__display_name", "id")
    )
    for row in rows:
        row.alone_on_day = row.cleared_by_day(on)  # type: ignore[attr-defined]
    taken: dict[tuple[str, str], int] = {}
    for row in rows:
        taken[(row.body, row.quota_kind)] = taken.get((row.body, row.quota_kind), 0) + 1
    quotas = [
        QuotaRow(q.body, q.kind, q.approved, taken.pop((q.body, q.kind), 0))
        for q in StaffingQuota.objects.filter(bureau=bureau)
    ]
    quotas += [QuotaRow(b, k, 0, n) for (b, k), n in sorted(taken.items())]
    return Register(bureau=bureau, on=on, rows=rows, quotas=quotas)


def register_sheet(register: Register) -> list[list]:
    """The register as spreadsheet rows (header first)."""
    out: list[list] = [["姓名", "原单位", "划转日期", "划入单位", "编制类别", "培训次数", "状态"]]
    for row in register.rows:
        out.append(
            [
                row.staff.display_name,
                row.department.name,
                row.moved_on,
                row.get_body_display(),
                row.get_quota_kind_display(),
                # Both are put on each row by staff_register.
                row.training_count,  # type: ignore[attr-defined]
                "可独立办理" if row.alone_on_day else "培训中",  # type: ignore[attr-defined]
            ]
        )
    return out


def department_transfer_dates(department_ids: Iterable[int]) -> dict[int, datetime.date]:
    """Registered with `documents.switchover`: per department with a signed agreement, the
    latest date on which one of its agreed items moves (an item's own date, else its
    agreement's). Until then the department still approves something under its old seal."""
    out: dict[int, datetime.date] = {}
    for line in AgreementItem.objects.filter(
        agreement__department_id__in=list(department_ids),
        agreement__bureau_signed_on__isnull=False,
        agreement__department_signed_on__isnull=False,
    ).select_related("agreement"):
        department_id, on = line.agreement.department_id, line.effective_date
        if department_id not in out or on > out[department_id]:
            out[department_id] = on
    return out


@dataclass
class LedgerRow:
    version: ItemVersion
    line: AgreementItem | None


def ledger(bureau: Bureau) -> list[LedgerRow]:
    """The transfer ledger: every item of the bureau's list (its newest version) with its
    transfer status and the agreement that moves it."""
    catalogue = Catalogue.objects.filter(region=bureau.region, kind=Catalogue.Kind.LOCAL).first()
    if catalogue is None:
        return []
    versions = list(
        ItemVersion.objects.filter(item__catalogue=catalogue, is_cancelled=False)
        .latest_per_item()
        .select_related("item", "original_department")
        .order_by("original_department__order", "item__basic_code")
    )
    lines = {
        line.item_id: line
        for line in AgreementItem.objects.filter(
            item_id__in=[v.item_id for v in versions]
        ).select_related("agreement")
    }
    return [LedgerRow(v, lines.get(v.item_id)) for v in versions]


@dataclass
class TransitionDuty:
    transition: Transition
    days_left: int
    open_requests: list[SupportRequest]


def open_transition_duties(prefix: str, *, today: datetime.date) -> list[TransitionDuty]:
    """For e-supervision: transitions running today with their liaison, and any transition whose
    liaison still has support requests open (the duty does not end with the period)."""
    open_requests = list(
        SupportRequest.objects.filter(
            prefix_scope(prefix, "region_code"),
            route=SupportRequest.Route.LIAISON,
            state=SupportRequest.RequestState.OPEN,
        ).select_related("case", "department")
    )
    transitions = Transition.objects.filter(prefix_scope(prefix, "region_code")).select_related(
        "department", "liaison"
    )
    out = []
    for transition in transitions.order_by("ends_on", "id"):
        mine = [
            r
            for r in open_requests
            if r.department_id == transition.department_id
            and transition.starts_on <= r.requested_on <= transition.ends_on
        ]
        if transition.running_on(today) or mine:
            out.append(TransitionDuty(transition, (transition.ends_on - today).days, mine))
    return out


def visible_transitions(user: Viewer) -> QuerySet[Transition]:
    prefix = _prefix(user)
    if prefix is None:
        return Transition.objects.none()
    return Transition.objects.filter(prefix_scope(prefix, "region_code")).select_related(
        "department", "liaison", "bureau"
    )


def visible_staff_transfers(user: Viewer) -> QuerySet[StaffTransfer]:
    prefix = _prefix(user)
    if prefix is None:
        return StaffTransfer.objects.none()
    return StaffTransfer.objects.filter(prefix_scope(prefix, "region_code")).select_related(
        "staff", "department", "bureau"
    )
