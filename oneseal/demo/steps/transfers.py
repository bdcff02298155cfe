"""The demo's running of the reform (平罗县 640221): the twelve departments' transfer agreements
(一事一协议: items, date, duties, what is handed over), signed by both heads and sealed; the
quotas and the staff moved from each department, trained and cleared to act alone; a
three-month transition with a liaison per department; and a second batch — the
meteorological office's lightning-protection item — whose agreement was signed three weeks
before the demo's today, with its transition still running.

Idempotent: each part is written only when it is not there yet, through `transfers.actions`
(and, for the people and the second batch's switch, the organisation's and the catalogue's
own actions). DEMO DATA: see `demo/data/transfers.py`."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.calendars.queries import current_calendar
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Catalogue, ChangeKind, Item, ItemVersion, TransferStatus
from oneseal.documents import actions as document_actions
from oneseal.documents.queries import active_seal
from oneseal.organisation import actions as organisation_actions
from oneseal.organisation.models import Bureau, Department, Role, Section, Staff
from oneseal.transfers import actions
from oneseal.transfers.models import Agreement, StaffingQuota, StaffTransfer, Transition

from ..builder import TRANSFER_DATE
from ..data import organisation as org
from ..data import transfers as data


def _person(username, name, department, *, admin, encoded, region) -> Staff:
    """A department's staff member, through the organisation's actions."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = organisation_actions.create_account(
            actor=admin,
            region=region,
            username=username,
            display_name=name,
            encoded_password=encoded,
        )
    staff = Staff.objects.filter(user=user).first()
    if staff is None:
        staff = organisation_actions.save_staff(
            Staff(user=user, region=region, department=department, display_name=name),
            actor=admin,
        )
    return staff


def _head(row, department, *, admin, encoded, region) -> Staff:
    username, name, _title = row
    staff = _person(username, name, department, admin=admin, encoded=encoded, region=region)
    if not staff.roles.filter(role=Role.SUPERVISOR).exists() and staff.department_id:
        organisation_actions.set_roles(staff, [Role.SUPERVISOR], actor=admin)
    return staff


def _agreement(department, items, *, bureau, signatory, head, on, approval_staff, signed_on):
    agreement = Agreement.objects.filter(department=department).order_by("id").first()
    if agreement is None:
        agreement = actions.save_agreement(
            None,
            actor=signatory,
            bureau=bureau,
            department=department,
            transfer_date=on,
            bureau_duties=data.BUREAU_DUTIES,
            department_duties=data.DEPARTMENT_DUTIES,
            approval_staff=approval_staff,
            items=[{"item": item} for item in items],
            handovers=data.handovers(department.short_name, len(items)),
        )
    if not agreement.bureau_signed_on:
        actions.sign_agreement(agreement, actor=signatory, side="bureau", on=signed_on)
    if not agreement.department_signed_on:
        actions.sign_agreement(agreement, actor=head.user, side="department", on=signed_on)
    agreement.refresh_from_db()
    if not agreement.sealed:
        actions.seal_agreement(agreement, actor=signatory, on=on)
    return agreement


def _moved(staff, department, body, kind, *, admin, signatory, moved_on, trainings, cleared_on):
    transfer = StaffTransfer.objects.filter(staff=staff).first()
    if transfer is None:
        transfer = actions.record_staff_transfer(
            staff, actor=admin, department=department, moved_on=moved_on, body=body, quota_kind=kind
        )
    for n, day in enumerate(trainings):
        if not transfer.trainings.filter(on=day).exists():
            actions.record_training(
                transfer,
                actor=admin,
                on=day,
                subject=("审批业务规范与办事指南" if n == 0 else "一窗受理与审批系统操作"),
                hours=4,
                trainer="丁建华",
            )
    if cleared_on is None:
        return transfer
    if transfer.cleared_on is None:
        actions.clear_to_act_alone(transfer, actor=signatory, on=cleared_on)
    staff.refresh_from_db()
    section_name = data.department_row(department.short_name).section
    section = Section.objects.filter(bureau=transfer.bureau, name=section_name).first()
    if section is not None and staff.section_id is None:
        staff.section = section
        organisation_actions.save_staff(staff, actor=admin)
    if not staff.roles.exists():
        organisation_actions.set_roles(staff, [Role.REVIEWER], actor=admin)
    return transfer


def _transition(department, head, *, signatory, starts_on) -> bool:
    if Transition.objects.filter(department=department, starts_on=starts_on).exists():
        return False
    actions.open_transition(
        department,
        actor=signatory,
        liaison=head,
        liaison_title=data_title(head),
        liaison_phone=department.phone,
        starts_on=starts_on,
        duties=data.TRANSITION_DUTIES,
    )
    return True


def data_title(head: Staff) -> str:
    for _short, (username, _name, title, *_rest) in data.PEOPLE.items():
        if username == head.user.username:
            return title
    if head.user.username == data.SECOND_BATCH["head"][0]:
        return data.SECOND_BATCH["head"][2]
    return ""


def _second_batch_date(today: datetime.date) -> datetime.date:
    """A working day about three weeks before the demo's today."""
    calendar = current_calendar()
    day = today - datetime.timedelta(days=data.SECOND_BATCH["days_ago"])
    while not calendar.is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def _switch(item: Item, *, admin, on: datetime.date) -> bool:
    """The catalogue administrator switches the item to the bureau on the agreement's date."""
    latest = item.versions.order_by("-number").first()
    if latest is None or latest.transfer_status == TransferStatus.TRANSFERRED:
        return False
    draft = latest
    if not latest.is_draft:
        draft = catalogue_actions.start_adjustment(
            item,
            actor=admin,
            kind=ChangeKind.TRANSFER,
            reason="按划转协议划转至县审批服务管理局（第二批）",
            basis="平罗县人民政府关于第二批审批服务事项划转的批复（演示）",
        )
    catalogue_actions.update_draft(draft, actor=admin, transfer_status=TransferStatus.TRANSFERRED)
    catalogue_actions.publish(draft, actor=admin, effective_from=on)
    return True


def load(*, today) -> list[str]:
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=("orgadmin", "signatory", "catadmin"))
    }
    bureau = Bureau.objects.filter(region__code=org.COUNTY_CODE).select_related("region").first()
    catalogue = Catalogue.objects.filter(
        region__code=org.COUNTY_CODE, kind=Catalogue.Kind.LOCAL
    ).first()
    if len(users) < 3 or bureau is None or catalogue is None:
        return []
    admin, signatory, catadmin = users["orgadmin"], users["signatory"], users["catadmin"]
    region = bureau.region
    lines: list[str] = []
    encoded = None
    with transaction.atomic():
        before = (
            Agreement.objects.count(),
            StaffTransfer.objects.count(),
            Transition.objects.count(),
        )
        if active_seal(bureau) is None:
            # The same seal the documents step would create: agreements are sealed with it.
            document_actions.create_seal(
                bureau, system=True, name=f"{bureau.name}行政审批专用章", valid_from=TRANSFER_DATE
            )
        for body, kind, approved, basis in data.QUOTAS:
            if not StaffingQuota.objects.filter(bureau=bureau, body=body, kind=kind).exists():
                actions.set_quota(
                    bureau, actor=admin, body=body, kind=kind, approved=approved, basis=basis
                )
        encoded = make_password(org.DEMO_PASSWORD)
        for short_name, (head_user, head_name, title, base, moved) in data.PEOPLE.items():
            department = Department.objects.get(region=region, short_name=short_name)
            head = _head(
                (head_user, head_name, title),
                department,
                admin=admin,
                encoded=encoded,
                region=region,
            )
            items = [
                v.item
                for v in ItemVersion.objects.published()
                .latest_per_item()
                .filter(
                    item__catalogue=catalogue,
                    original_department=department,
                    transfer_status=TransferStatus.TRANSFERRED,
                )
                .select_related("item")
                .order_by("item__basic_code")
            ]
            _agreement(
                department,
                items,
                bureau=bureau,
                signatory=signatory,
                head=head,
                on=TRANSFER_DATE,
                approval_staff=base,
                signed_on=data.SIGNED_ON,
            )
            for username, name, body, kind in moved:
                staff = Staff.objects.filter(user__username=username).first() or _person(
                    username, name, department, admin=admin, encoded=encoded, region=region
                )
                _moved(
                    staff,
                    department,
                    body,
                    kind,
                    admin=admin,
                    signatory=signatory,
                    moved_on=data.STAFF_MOVED_ON,
                    trainings=data.TRAINING_DAYS,
                    cleared_on=data.CLEARED_ON,
                )
            _transition(department, head, signatory=signatory, starts_on=TRANSFER_DATE)
        # The second batch, its transition running today.
        batch = data.SECOND_BATCH
        department = Department.objects.get(region=region, name=batch["department"])
        head = _head(batch["head"], department, admin=admin, encoded=encoded, region=region)
        item = (
            ItemVersion.objects.filter(item__catalogue=catalogue, name=batch["item"])
            .select_related("item")
            .first()
        )
        if item is not None:
            existing = Agreement.objects.filter(department=department).first()
            on = existing.transfer_date if existing else _second_batch_date(today)
            _agreement(
                department,
                [item.item],
                bureau=bureau,
                signatory=signatory,
                head=head,
                on=on,
                approval_staff=batch["approval_staff"],
                signed_on=on,
            )
            if _switch(item.item, admin=catadmin, on=on):
                lines.append(
                    _("改革推进：第二批划转“{item}”自{date}起由审批局办理").format(
                        item=batch["item"], date=on.isoformat()
                    )
                )
            username, name, body, kind = batch["moved"]
            staff = Staff.objects.filter(user__username=username).first() or _person(
                username, name, department, admin=admin, encoded=encoded, region=region
            )
            _moved(
                staff,
                department,
                body,
                kind,
                admin=admin,
                signatory=signatory,
                moved_on=on,
                trainings=(on,),
                cleared_on=None,  # still training on the demo's today
            )
            _transition(department, head, signatory=signatory, starts_on=on)
        after = Agreement.objects.count(), StaffTransfer.objects.count(), Transition.objects.count()
    if after != before:
        lines.insert(
            0,
            _("改革推进：划转协议 {a} 份（双方签字并盖章），划转人员 {s} 名，过渡期 {t} 个").format(
                a=after[0], s=after[1], t=after[2]
            ),
        )
    return lines
