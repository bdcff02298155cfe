"""The bureau's delegations (委托) to township service centres: issue a sealed 委托书, renew it
before or after it runs out, and take it back. Each is one transaction with an audit row,
done by a signatory of the bureau's region (the head signs the 委托书)."""

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.audit.actions import record
from oneseal.calendars.queries import today
from oneseal.catalogue.models import Item, ItemVersion, TransferStatus
from oneseal.documents import signing
from oneseal.documents.queries import active_seal
from oneseal.documents.rendering import MissingGlyphs, Notice, render
from oneseal.documents.rules import chinese_date
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed, fail_fields
from oneseal.organisation.models import Bureau, Role, ServiceCentre
from oneseal.organisation.rules import has_role

from .models import Delegation, Mode

# A 委托书 runs for a set period; a longer one is a standing transfer, which is not 委托.
MAX_YEARS = 5


def _require_signatory(actor: "User", bureau: Bureau) -> None:
    if not has_role(actor, Role.SIGNATORY, bureau.region):
        raise NotPermitted()


def delegation_errors(
    bureau: Bureau,
    *,
    service_centre: ServiceCentre | None,
    items: list[Item],
    mode: str,
    legal_basis: str,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    exclude: Delegation | None = None,
) -> dict[str, list[str]]:
    """Every problem of a 委托书, named by field: a centre of another bureau or outside its
    region, an item not in the bureau's catalogue in force or not transferred to it (the bureau
    cannot delegate a power it does not hold), a period out of order or too long, a missing
    legal basis, or an item already delegated to the centre for an overlapping period."""
    errors: dict[str, list[str]] = {}
    if service_centre is None:
        errors["service_centre"] = [_("请选择受托的便民服务中心")]
    elif service_centre.bureau_id != bureau.pk or not bureau.region.contains(service_centre.region):
        errors["service_centre"] = [
            _("{centre}不在{bureau}的辖区内").format(centre=service_centre.name, bureau=bureau.name)
        ]
    if mode not in Mode.values:
        errors["mode"] = [_("请选择委托方式：受理并作出决定，或受理后转报")]
    if not legal_basis.strip():
        errors["legal_basis"] = [_("请填写委托依据（法律、法规、规章条款）")]
    if valid_from is None or valid_until is None:
        errors["valid_until"] = [_("请填写委托期限")]
    elif valid_until < valid_from:
        errors["valid_until"] = [_("委托期限的截止日期不能早于起始日期")]
    elif valid_until > valid_from.replace(year=valid_from.year + MAX_YEARS):
        errors["valid_until"] = [_("委托期限不能超过{n}年").format(n=MAX_YEARS)]
    if not items:
        errors["items"] = [_("请选择委托事项")]
    on = valid_from or today()
    for item in items:
        version = ItemVersion.objects.in_force(on).filter(item=item).first()
        if item.catalogue.region_id != bureau.region_id or version is None:
            errors.setdefault("items", []).append(
                _("事项{code}不是{bureau}现行目录中的事项").format(
                    code=item.basic_code, bureau=bureau.name
                )
            )
        elif version.transfer_status != TransferStatus.TRANSFERRED:
            errors.setdefault("items", []).append(
                _("“{name}”未划转至{bureau}，不能由其委托").format(
                    name=version.name, bureau=bureau.name
                )
            )
    if service_centre is not None and valid_from and valid_until and "items" not in errors:
        overlapping = (
            Delegation.objects.filter(
                service_centre=service_centre,
                items__in=items,
                valid_from__lte=valid_until,
                valid_until__gte=valid_from,
            )
            .exclude(state=Delegation.DelegationState.REVOKED)
            .distinct()
        )
        if exclude is not None:
            overlapping = overlapping.exclude(pk=exclude.pk)
        for other in overlapping:
            errors.setdefault("valid_from", []).append(
                _("委托书{number}已在{start}至{end}委托了其中的事项").format(
                    number=other.number,
                    start=date_format(other.valid_from, "DATE_FORMAT"),
                    end=date_format(other.valid_until, "DATE_FORMAT"),
                )
            )
    return errors


def _next_number(bureau: Bureau, year: int) -> str:
    n = Delegation.objects.filter(bureau=bureau, valid_from__year=year).count() + 1
    while True:
        number = _("{region}审批委〔{year}〕{n}号").format(
            region=bureau.region.name, year=year, n=n
        )
        if not Delegation.objects.filter(number=number).exists():
            return number
        n += 1


def _code() -> str:
    while True:
        code = secrets.token_hex(8).upper()
        if not Delegation.objects.filter(verification_code=code).exists():
            return code


def _seal(delegation: Delegation, items: list[Item]) -> None:
    """Render the 委托书 and sign it with the bureau's active approval seal; without one the
    delegation is refused (a 委托书 is a sealed document or nothing)."""
    bureau = delegation.bureau
    seal = active_seal(bureau)
    blockers = signing.sign_blockers(seal, bureau)
    if blockers or seal is None:
        raise ValidationFailed(
            blockers[0] if blockers else _("没有启用的审批专用章"), fields={"seal": blockers}
        )
    names = []
    for item in items:
        version = ItemVersion.objects.in_force(delegation.valid_from).filter(item=item).first()
        names.append(version.name if version else item.basic_code)
    mode_text = (
        _("受理申请并以{bureau}名义作出行政许可决定").format(bureau=bureau.name)
        if delegation.mode == Mode.DECIDE
        else _("以{bureau}名义受理申请，受理后转报{bureau}审查决定").format(bureau=bureau.name)
    )
    notice = Notice(
        title=_("行政许可委托书"),
        addressee=delegation.service_centre.name + "：",
        paragraphs=[
            _(
                "根据{basis}，{bureau}委托你中心在{region}范围内实施下列行政许可事项：{items}。"
            ).format(
                basis=delegation.legal_basis,
                bureau=bureau.name,
                region=delegation.service_centre.region.name,
                items="、".join(names),
            ),
            _("委托权限：{mode}。").format(mode=mode_text),
            _("委托期限：自{start}起至{end}止。").format(
                start=chinese_date(delegation.valid_from), end=chinese_date(delegation.valid_until)
            ),
            _(
                "你中心应当在委托范围内，以{bureau}名义实施行政许可，不得再委托其他组织或者个人实施。{bureau}对你中心实施行政许可的行为负责监督，并对该行为的后果承担法律责任。"
            ).format(bureau=bureau.name),
        ],
        closing=[_("委托书编号：{number}").format(number=delegation.number)],
    )
    with translation.override("zh-hans"):
        url = settings.PUBLIC_URL.rstrip("/") + reverse(
            "delegations:verify", args=[delegation.verification_code]
        )
    try:
        rendered = render(
            notice,
            heading=bureau.name,
            number=delegation.number,
            dated_text=chinese_date(today()),
            code=delegation.verification_code,
            url=url,
            seal_name=seal.name,
            author=bureau.name,
        )
    except MissingGlyphs as exc:
        msg = _("委托书中有字体无法显示的字：{chars}").format(chars=exc.chars)
        raise ValidationFailed(msg, fields={"items": [msg]}) from exc
    signed = signing.sign_pdf(
        rendered.pdf,
        seal=seal,
        bureau=bureau,
        page=rendered.page,
        box=rendered.box,
        reason=str(_("行政许可委托书")),
        location=bureau.region.name,
    )
    digest = hashlib.sha256(signed).hexdigest()
    path = f"delegations/{delegation.valid_from.year}/{digest}.pdf"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(signed))
    delegation.file, delegation.sha256, delegation.seal_name = path, digest, seal.name
    delegation.save(update_fields=["file", "sha256", "seal_name"])


def _audit(action: str, delegation: Delegation, actor: "User", summary: str, **data: Any) -> None:
    record(
        action,
        actor=actor,
        subject=delegation,
        region_code=delegation.bureau.region.code,
        summary=summary,
        data={
            "number": delegation.number,
            "centre": delegation.service_centre.name,
            "items": sorted(delegation.items.values_list("basic_code", flat=True)),
            "mode": delegation.mode,
            "valid_from": delegation.valid_from.isoformat(),
            "valid_until": delegation.valid_until.isoformat(),
            "sha256": delegation.sha256,
            **data,
        },
    )


@transaction.atomic
def delegate(
    bureau: Bureau,
    *,
    actor: "User",
    service_centre: ServiceCentre | None,
    items: Iterable[Item],
    mode: str,
    legal_basis: str,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    renews: Delegation | None = None,
) -> Delegation:
    """Issue a 委托书: the centre, the items (scope), the mode, the legal basis and the period,
    sealed with the bureau's seal."""
    _require_signatory(actor, bureau)
    items = list(items)
    fail_fields(
        delegation_errors(
            bureau,
            service_centre=service_centre,
            items=items,
            mode=mode,
            legal_basis=legal_basis,
            valid_from=valid_from,
            valid_until=valid_until,
        )
    )
    assert service_centre is not None and valid_from is not None and valid_until is not None
    delegation = Delegation.objects.create(
        number=_next_number(bureau, valid_from.year),
        bureau=bureau,
        service_centre=service_centre,
        mode=mode,
        legal_basis=legal_basis.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        renews=renews,
        verification_code=_code(),
        created_by=stored_user(actor),
    )
    delegation.items.set(items)
    _seal(delegation, items)
    _audit(
        "delegations.renew" if renews else "delegations.delegate",
        delegation,
        actor,
        _("{bureau}委托{centre}：{number}").format(
            bureau=bureau.name, centre=service_centre.name, number=delegation.number
        ),
        **({"renews": renews.number} if renews else {}),
    )
    return delegation


def renew_blockers(delegation: Delegation) -> list[str]:
    if delegation.state == Delegation.DelegationState.REVOKED:
        return [_("委托已收回，不能续期；请重新委托")]
    if Delegation.objects.filter(renews=delegation).exists():
        return [_("该委托书已续期")]
    return []


@transaction.atomic
def renew(
    delegation: Delegation,
    *,
    actor: "User",
    valid_until: datetime.date | None,
    legal_basis: str = "",
    items: Iterable[Item] | None = None,
) -> Delegation:
    """A new 委托书 for the same centre and mode that runs from the day after the old one ends
    (or from today, when it has already ended), with the same scope unless `items` narrows or
    widens it."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    _require_signatory(actor, delegation.bureau)
    blockers = renew_blockers(delegation)
    if blockers:
        raise InvalidTransition(blockers[0], reasons=blockers)
    start = max(delegation.valid_until + datetime.timedelta(days=1), today())
    return delegate(
        delegation.bureau,
        actor=actor,
        service_centre=delegation.service_centre,
        items=list(items) if items is not None else list(delegation.items.all()),
        mode=delegation.mode,
        legal_basis=legal_basis or delegation.legal_basis,
        valid_from=start,
        valid_until=valid_until,
        renews=delegation,
    )


@transaction.atomic
def revoke(delegation: Delegation, *, actor: "User", reason: str) -> Delegation:
    """Take the delegation back (收回委托) today: from now the centre can no longer act under it;
    what it did before stands."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    _require_signatory(actor, delegation.bureau)
    if delegation.state == Delegation.DelegationState.REVOKED:
        raise InvalidTransition(_("委托已收回"))
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("请填写收回委托的理由")]})
    on = today()
    delegation.state = Delegation.DelegationState.REVOKED
    delegation.revoked_on, delegation.revoked_reason = on, reason.strip()
    delegation.save(update_fields=["state", "revoked_on", "revoked_reason"])
    _audit(
        "delegations.revoke",
        delegation,
        actor,
        _("收回委托：{number}").format(number=delegation.number),
        reason=reason.strip(),
        on=on.isoformat(),
    )
    return delegation
