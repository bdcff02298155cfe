import datetime
import re
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import (
    NumericPasswordValidator,
    get_default_password_validators,
    validate_password,
)
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oneseal.actors import User, stored_user
from oneseal.audit.actions import record
from oneseal.calendars.queries import today
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, staff_of

from . import rules
from .models import Applicant, Authorisation

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def clean_applicant(*, kind: str, name: str, number: str, phone: str, email: str = "") -> dict:
    """Validate everything at once and return the normalised values; every problem is named by
    its field so a window form or the API can show them together."""
    errors: dict[str, list[str]] = {}
    values = {
        "kind": kind,
        "name": (name or "").strip(),
        "phone": rules.normalise(phone),
        "email": (email or "").strip(),
    }
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


def _key(values: dict) -> dict:
    if values["kind"] == Applicant.Kind.ORGANISATION:
        return {"kind": values["kind"], "credit_code": values["credit_code"]}
    return {"kind": values["kind"], "id_number": values["id_number"]}


def _region_code(actor: "User") -> str:
    staff = staff_of(actor)
    return staff.region.code if staff is not None else ""


WINDOW_ONLY = gettext_lazy(
    "申请人须凭身份证明在窗口登记；网上办事账号只代表注册时的本人，为单位办事须由窗口登记授权"
)


@transaction.atomic
def register_applicant(
    *,
    actor: "User",
    kind: str,
    name: str,
    number: str,
    phone: str,
    email: str = "",
    representative: str = "",
    address: str = "",
    user: "AuthUser | None" = None,
) -> Applicant:
    """Find the applicant by their number or register them: a window clerk's act, after
    checking the papers (a name and a number are no proof of identity; a company's are public).
    `user` binds a natural person to an online account whose holder showed their 居民身份证 at
    the window; an organisation is never bound to an account (see `record_authorisation`).
    Online, an account is the person it signed up as (`sign_up`) and registers nobody.
    Finding a registered applicant is a look-up and is audited."""
    if not has_role(actor, Role.CLERK):
        raise NotPermitted(WINDOW_ONLY)
    values = clean_applicant(kind=kind, name=name, number=number, phone=phone, email=email)
    if user is not None and kind != Applicant.Kind.PERSON:
        raise ValidationFailed(fields={"user": [_("网上办事账号只能绑定自然人；单位请登记授权")]})
    if user is not None and Applicant.objects.filter(user=user).exists():
        raise ValidationFailed(fields={"user": [_("该网上办事账号已绑定本人身份")]})
    key = _key(values)
    existing = Applicant.objects.select_for_update().filter(**key).first()
    if existing is not None:
        # The answer discloses who holds the number, even when the names differ.
        _audit_look_up(existing, actor=actor, via="register")
        if existing.name != values["name"]:
            raise ValidationFailed(
                fields={
                    "name": [
                        _("该证件号码已登记为“{name}”，姓名或名称不一致").format(name=existing.name)
                    ]
                }
            )
        if user is not None and existing.user_id != user.pk:
            if existing.user_id is not None:
                raise ValidationFailed(fields={"user": [_("该申请人已绑定其他网上办事账号")]})
            existing.user = user
            existing.save(update_fields=["user"])
            record(
                "applicants.bind_account",
                actor=actor,
                subject=existing,
                summary=existing.name,
                region_code=_region_code(actor),
                data={"username": user.get_username()},
            )
        return existing
    try:
        with transaction.atomic():
            applicant = _create(values, representative=representative, address=address, user=user)
    except (
        IntegrityError
    ):  # registered by someone else a moment ago, or the account bound meanwhile
        found = Applicant.objects.filter(**key).first()
        if found is None:
            raise ValidationFailed(fields={"user": [_("该网上办事账号已绑定本人身份")]}) from None
        return found
    record(
        "applicants.register",
        actor=actor,
        subject=applicant,
        summary=applicant.name,
        region_code=_region_code(actor),
        data={"kind": kind, "number": applicant.masked_number},
    )
    return applicant


def _create(
    values: dict, *, representative: str, address: str, user: "AuthUser | None"
) -> Applicant:
    return Applicant.objects.create(
        **_key(values),
        name=values["name"],
        phone=values["phone"],
        email=values["email"],
        representative=representative.strip(),
        address=address.strip(),
        user=user,
    )


def _audit_look_up(applicant: Applicant, *, actor: "User", via: str) -> None:
    record(
        "applicants.look_up",
        actor=actor,
        subject=applicant,
        summary=applicant.name,
        region_code=_region_code(actor),
        data={"via": via, "number": applicant.masked_number},
    )


def look_up(*, actor: "User", kind: str, number: str, via: str) -> Applicant | None:
    """The registered applicant with this number, for a window clerk (who then holds the
    person's papers); each find is audited with the page or API that asked (`via`), since a
    number typed at a window may be a stranger's. Raises ValueError for a malformed number."""
    if not has_role(actor, Role.CLERK):
        raise NotPermitted()
    if kind == Applicant.Kind.ORGANISATION:
        found = Applicant.objects.filter(
            kind=kind, credit_code=rules.validate_credit_code(number)
        ).first()
    else:
        found = Applicant.objects.filter(
            kind=Applicant.Kind.PERSON, id_number=rules.validate_id_number(number)
        ).first()
    if found is not None:
        with transaction.atomic():
            _audit_look_up(found, actor=actor, via=via)
    return found


def number_taken_message() -> str:
    """The same words whoever holds the number and however it was registered: nobody is named."""
    return _("该证件号码已登记，不能在网上注册；如为本人，请携带身份证明到窗口办理账号绑定")


ORGANISATION_ONLINE = gettext_lazy(
    "单位不能在网上注册账号：请法定代表人或经办人以本人居民身份证号码注册，"
    "再携带营业执照、本人身份证（经办人另带授权委托书）到窗口登记授权"
)


@transaction.atomic
def sign_up(
    *,
    username: str,
    password: str,
    name: str,
    number: str,
    phone: str,
    email: str = "",
    kind: str = Applicant.Kind.PERSON,
    address: str = "",
) -> tuple["AuthUser", Applicant]:
    """Open an online-service account (网上办事账号): one natural person by 居民身份证号码, whom
    the account is from then on. Every problem is named by its field at once. A number
    registered before (at a window, or by another account) cannot be claimed online: binding
    it needs the papers at a window. An organisation has no account of its own: its legal
    representative or agent acts for it with their own account once a window has recorded
    their authorisation (`record_authorisation`). Returns (user, applicant)."""
    if kind != Applicant.Kind.PERSON:
        raise ValidationFailed(_("注册信息有误"), fields={"kind": [str(ORGANISATION_ONLINE)]})
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
        validate_password(
            password or "",
            user=User(username=username),
            password_validators=[*get_default_password_validators(), NumericPasswordValidator()],
        )
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    digits = rules.normalise(number)
    if not errors.get("password") and len(digits) >= 6 and digits[-6:] in rules.normalise(password):
        errors["password"] = [_("密码不能包含证件号码")]
    try:
        values = clean_applicant(kind=kind, name=name, number=number, phone=phone, email=email)
    except ValidationFailed as exc:
        values = None
        for field, messages in exc.fields.items():
            errors["number" if field in ("id_number", "credit_code") else field] = messages
    if values is not None and Applicant.objects.filter(**_key(values)).exists():
        errors["number"] = [number_taken_message()]
    if errors:
        raise ValidationFailed(_("注册信息有误"), fields=errors)
    assert values is not None  # clean_applicant refuses only with fields, now in errors
    # The account carries the applicant's name, so a case's history says who acted, not a login.
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=str(values.get("name") or name).strip()[:150],
    )
    try:
        with transaction.atomic():
            applicant = _create(values, representative="", address=address, user=user)
    except IntegrityError:
        # Registered by someone else between the check and now.
        raise ValidationFailed(
            _("注册信息有误"), fields={"number": [number_taken_message()]}
        ) from None
    record(
        "applicants.sign_up",
        actor=user,
        subject=applicant,
        summary=applicant.name,
        data={"username": username, "number": applicant.masked_number},
    )
    return user, applicant


def record_authorisation_blockers(
    organisation: Applicant,
    *,
    person: Applicant,
    capacity: str,
    papers: str,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    on: datetime.date,
) -> dict[str, list[str]]:
    """Why the authorisation cannot be recorded, by field; empty when it can."""
    errors: dict[str, list[str]] = {}
    if organisation.kind != Applicant.Kind.ORGANISATION:
        errors["organisation"] = [_("只能为法人或其他组织登记授权")]
    if person.kind != Applicant.Kind.PERSON:
        errors["person"] = [_("被授权人应为自然人（居民身份证号码）")]
    elif person.user_id is None:
        errors["person"] = [_("被授权人尚未注册网上办事账号：请其先以本人居民身份证号码在网上注册")]
    if capacity not in Authorisation.Capacity.values:
        errors["capacity"] = [_("身份应为法定代表人或负责人、授权经办人")]
    elif (
        capacity == Authorisation.Capacity.REPRESENTATIVE
        and organisation.representative
        and organisation.representative.strip() != person.name
    ):
        errors["person"] = [
            _("登记的法定代表人或负责人为“{name}”，与被授权人不一致").format(
                name=organisation.representative
            )
        ]
    if not (papers or "").strip():
        errors["papers"] = [_("请填写查验的证明材料（营业执照、身份证、授权委托书等）")]
    elif len(papers.strip()) > 300:
        errors["papers"] = [_("证明材料说明过长")]
    if valid_from is None:
        errors["valid_from"] = [_("请填写有效期起始日期")]
    elif valid_from < on:
        errors["valid_from"] = [_("有效期不能早于登记当日")]
    if capacity == Authorisation.Capacity.AGENT and valid_until is None:
        errors["valid_until"] = [_("授权经办人须填写授权委托书载明的有效期至")]
    if valid_until is not None and valid_from is not None and valid_until < valid_from:
        errors["valid_until"] = [_("有效期至不能早于有效期自")]
    return errors


@transaction.atomic
def record_authorisation(
    organisation: Applicant,
    *,
    person: Applicant,
    capacity: str,
    papers: str,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    actor: "User",
) -> Authorisation:
    """A window clerk records that `person` (who has an online account) may act online for
    `organisation`, as its legal representative or as an agent under a power of attorney,
    after checking the papers named in `papers`. A new legal representative ends the
    standing authorisation of the previous one (an organisation has one at a time)."""
    if not has_role(actor, Role.CLERK):
        raise NotPermitted()
    organisation = Applicant.objects.select_for_update().get(pk=organisation.pk)
    on = today()
    valid_from = valid_from or on
    errors = record_authorisation_blockers(
        organisation,
        person=person,
        capacity=capacity,
        papers=papers,
        valid_from=valid_from,
        valid_until=valid_until,
        on=on,
    )
    standing = Authorisation.objects.filter(organisation=organisation, revoked_at__isnull=True)
    if not errors and standing.filter(person=person).exists():
        errors["person"] = [_("该被授权人已有未撤销的授权，请先撤销原授权")]
    if errors:
        raise ValidationFailed(_("授权信息有误"), fields=errors)
    now = timezone.now()
    if capacity == Authorisation.Capacity.REPRESENTATIVE:
        for previous in standing.filter(capacity=capacity):
            _revoke(previous, actor=actor, reason=_("法定代表人或负责人变更"), at=now)
    authorisation = Authorisation.objects.create(
        organisation=organisation,
        person=person,
        capacity=capacity,
        papers=papers.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        recorded_by=stored_user(actor),
        recorded_at=now,
    )
    record(
        "applicants.authorise",
        actor=actor,
        subject=authorisation,
        region_code=_region_code(actor),
        summary=f"{person.name} → {organisation.name}",
        data={
            "organisation": organisation.masked_number,
            "person": person.masked_number,
            "capacity": capacity,
            "papers": authorisation.papers,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    return authorisation


def _revoke(
    authorisation: Authorisation, *, actor: "User", reason: str, at: datetime.datetime
) -> None:
    authorisation.revoked_at, authorisation.revoked_by, authorisation.revoke_reason = (
        at,
        stored_user(actor),
        reason,
    )
    authorisation.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    record(
        "applicants.revoke_authorisation",
        actor=actor,
        subject=authorisation,
        region_code=_region_code(actor),
        summary=f"{authorisation.person.name} → {authorisation.organisation.name}",
        data={"reason": reason},
    )


@transaction.atomic
def revoke_authorisation(
    authorisation: Authorisation, *, actor: "User", reason: str
) -> Authorisation:
    """End an authorisation: by a window clerk (the organisation withdrew it, the papers were
    false), or by the authorised person's own account (renouncing it). From this moment the
    account no longer acts for the organisation nor sees its cases."""
    authorisation = (
        Authorisation.objects.select_for_update()
        .select_related("organisation", "person")
        .get(pk=authorisation.pk)
    )
    own = authorisation.person.user_id is not None and authorisation.person.user_id == getattr(
        actor, "pk", None
    )
    if not (own or has_role(actor, Role.CLERK)):
        raise NotPermitted()
    if authorisation.revoked_at is not None:
        raise InvalidTransition(_("该授权已撤销"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("请填写撤销原因")]})
    if len(reason) > 300:
        raise ValidationFailed(fields={"reason": [_("撤销原因过长")]})
    _revoke(authorisation, actor=actor, reason=reason, at=timezone.now())
    return authorisation
