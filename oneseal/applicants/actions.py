import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from oneseal.audit.actions import record
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

from . import rules
from .models import Applicant

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def clean_applicant(*, kind: str, name: str, number: str, phone: str, email: str = "") -> dict:
    """Validate everything at once and return the normalised values; every problem is named by
    its field so a window form or the API can show them together."""
    errors: dict[str, list[str]] = {}
    values = {"kind": kind, "name": (name or "").strip(), "phone": rules.normalise(phone), "email": (email or "").strip()}
    if kind not in Applicant.Kind.values:
        errors["kind"] = [_("申请人类型应为自然人或法人或其他组织")]
    if not values["name"]:
        errors["name"] = [_("请填写姓名或名称")]
    elif len(values["name"]) > 200:
        errors["name"] = [_("姓名或名称过长")]
    field = "credit_code" if kind == Applicant.Kind.ORGANISATION else "id_number"
    try:
        if kind == Applicant.Kind.ORGANISATION:
            values["credit_code"] = rules.validate_credit_code(number)
        else:
            values["id_number"] = rules.validate_id_number(number)
    except ValueError as exc:
        errors[field] = [str(exc)]
    if not PHONE.match(values["phone"]):
        errors["phone"] = [_("请填写有效的手机号码或带区号的固定电话")]
    if errors:
        raise ValidationFailed(_("申请人信息有误"), fields=errors)
    return values


@transaction.atomic
def register_applicant(*, actor, kind: str, name: str, number: str, phone: str, email: str = "",
                       representative: str = "", address: str = "", user=None) -> Applicant:
    """Find the applicant by their number or register them. A window clerk registers anyone;
    a signed-in member of the public registers only themselves (`user` is their account)."""
    is_clerk = has_role(actor, Role.CLERK)
    if not is_clerk and (user is None or user != actor):
        raise NotPermitted()
    values = clean_applicant(kind=kind, name=name, number=number, phone=phone, email=email)
    key = {"kind": values["kind"]}
    key["credit_code" if kind == Applicant.Kind.ORGANISATION else "id_number"] = (
        values.get("credit_code") or values.get("id_number"))
    existing = Applicant.objects.select_for_update().filter(**key).first()
    if existing is not None:
        if existing.name != values["name"]:
            # Only a clerk, who holds the person's papers, may learn whom the number belongs to.
            message = (_("该证件号码已登记为“{name}”，姓名或名称不一致").format(name=existing.name) if is_clerk
                       else _("姓名或名称与证件号码不一致"))
            raise ValidationFailed(fields={"name": [message]})
        if not is_clerk and existing.user_id != user.pk:
            # A name and a number are no proof of identity (a company's are public): binding an
            # account to an applicant registered elsewhere needs the papers, at a window.
            raise NotPermitted(_("该证件号码已登记，请携带身份证明到窗口办理账号绑定"))
        return existing
    try:
        with transaction.atomic():
            applicant = Applicant.objects.create(
                **key, name=values["name"], phone=values["phone"], email=values["email"],
                representative=representative.strip(), address=address.strip(), user=user,
            )
    except IntegrityError:  # registered by someone else a moment ago
        return Applicant.objects.get(**key)
    record("applicants.register", actor=actor, subject=applicant, summary=applicant.name,
           data={"kind": kind, "number": applicant.masked_number})
    return applicant
