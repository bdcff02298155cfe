import re

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import (
    NumericPasswordValidator,
    get_default_password_validators,
    validate_password,
)
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
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


def number_taken_message() -> str:
    """The same words whoever holds the number and however it was registered: nobody is named."""
    return _("该证件号码已登记，不能在网上注册；如为本人，请携带身份证明到窗口办理账号绑定")


@transaction.atomic
def sign_up(*, username: str, password: str, kind: str, name: str, number: str, phone: str, email: str = "",
            representative: str = ""):
    """Open an online-service account (网上办事账号) tied to one applicant: a natural person by
    居民身份证号码, or an organisation by 统一社会信用代码 with its legal representative. Every
    problem is named by its field at once. A number registered before (at a window, or by
    another account) cannot be claimed online: binding it needs the papers at a window.
    Returns (user, applicant)."""
    User = get_user_model()
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("请填写用户名")]
    elif not 3 <= len(username) <= 30:
        errors["username"] = [_("用户名应为3至30个字符")]
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            errors["username"] = [_("用户名只能包含字母、数字和 @ . + - _")]
        else:
            if User.objects.filter(username__iexact=username).exists():
                errors["username"] = [_("该用户名已被使用，请换一个")]
    try:
        # The site's rules (length, common passwords) and, for the public, not digits only.
        validate_password(password or "", user=User(username=username),
                          password_validators=[*get_default_password_validators(), NumericPasswordValidator()])
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    digits = rules.normalise(number)
    if not errors.get("password") and len(digits) >= 6 and digits[-6:] in rules.normalise(password):
        errors["password"] = [_("密码不能包含证件号码")]
    if kind == Applicant.Kind.ORGANISATION and not (representative or "").strip():
        errors["representative"] = [_("请填写法定代表人或负责人")]
    try:
        values = clean_applicant(kind=kind, name=name, number=number, phone=phone, email=email)
    except ValidationFailed as exc:
        values = None
        for field, messages in exc.fields.items():
            errors["number" if field in ("id_number", "credit_code") else field] = messages
    if values is not None:
        key = {"credit_code": values["credit_code"]} if kind == Applicant.Kind.ORGANISATION else {
            "id_number": values["id_number"]}
        if Applicant.objects.filter(kind=kind, **key).exists():
            errors["number"] = [number_taken_message()]
    if errors:
        raise ValidationFailed(_("注册信息有误"), fields=errors)
    # The account carries the applicant's name, so a case's history says who acted, not a login.
    user = User.objects.create_user(username=username, password=password,
                                    first_name=str(values.get("name") or name).strip()[:150])
    try:
        applicant = register_applicant(actor=user, user=user, kind=kind, name=name, number=number, phone=phone,
                                       email=email, representative=representative)
    except (NotPermitted, ValidationFailed):
        # Registered by someone else between the check and now.
        raise ValidationFailed(_("注册信息有误"), fields={"number": [number_taken_message()]}) from None
    if applicant.user_id != user.pk:
        raise ValidationFailed(_("注册信息有误"), fields={"number": [number_taken_message()]})
    record("applicants.sign_up", actor=user, subject=applicant, summary=applicant.name,
           data={"username": username, "number": applicant.masked_number})
    return user, applicant
