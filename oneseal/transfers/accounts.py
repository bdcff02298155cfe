"""The starting accounts' one-time password link. A rollout opens each county's accounts with
no usable password (never a default one); an administrator whose scope covers the account
issues a link, hands it to the person, and the person sets their own password through it.

The token is Django's password-reset token: it is derived from the account's password hash
and last sign-in, so it stops working the moment the password is set (one use) and after
`PASSWORD_RESET_TIMEOUT` seconds. Nothing about it is stored."""

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from oneseal.actors import User
from oneseal.audit.actions import record
from oneseal.errors import InvalidTransition, NotPermitted, fail_fields
from oneseal.organisation.models import Role, Staff
from oneseal.organisation.rules import has_role

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser


@transaction.atomic
def issue_link(staff: Staff, *, actor: User) -> str:
    """The path of a one-time link to set `staff`'s first password. Only for an account that
    has none yet; only by an administrator of the staff member's region."""
    staff = Staff.objects.select_related("user", "region").get(pk=staff.pk)
    if not has_role(actor, Role.ADMINISTRATOR, staff.region):
        raise NotPermitted()
    user = staff.user
    if user.has_usable_password():
        raise InvalidTransition(_("该账号已设置密码，请由本人登录后修改"))
    if not user.is_active:
        raise InvalidTransition(_("该账号已停用"))
    record(
        "transfers.account_link_issued",
        actor=actor,
        subject=user,
        region_code=staff.region.code,
        summary=staff.display_name,
        data={"username": user.username},
    )
    return reverse(
        "transfers:set-password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def account_of(uidb64: str, token: str) -> "AuthUser | None":
    """The account a link is for, or None when the link is wrong, used or expired."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or user.has_usable_password():
        return None
    if not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def set_first_password(uidb64: str, token: str, *, password: str, confirm: str) -> "AuthUser":
    """The person sets their password through the link; the link is then spent."""
    user = account_of(uidb64, token)
    if user is None:
        raise InvalidTransition(_("链接无效或已过期，请联系管理员重新生成"))
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.has_usable_password():  # set a moment ago through the same link
        raise InvalidTransition(_("链接无效或已过期，请联系管理员重新生成"))
    errors: dict[str, list[str]] = {}
    if not password:
        errors["password"] = [_("请设置密码")]
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            errors["password"] = list(error.messages)
    if password and password != confirm:
        errors["confirm"] = [_("两次输入的密码不一致")]
    fail_fields(errors)
    user.set_password(password)
    user.save(update_fields=["password"])
    staff = Staff.objects.filter(user=user).select_related("region").first()
    record(
        "transfers.account_password_set",
        actor=user,
        subject=user,
        region_code=staff.region.code if staff else "",
        summary=staff.display_name if staff else user.username,
        data={"username": user.username},
    )
    return user
