"""Administration of the linkage: a department's time to sign and webhook endpoint, its API
tokens, and the replay of dead webhook messages.

An administrator here is a superuser, or staff whose scope covers the department's region and
who holds the Django permission for the change (`linkage.change_departmentlink` for endpoints
and tokens, `linkage.replay_outboxmessage` for replays). The command line acts as the
operator (`system=True`, no actor)."""

import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.actors import User, acts_as_system, stored_user
from oneseal.audit.actions import record
from oneseal.errors import NotPermitted, fail_blockers, fail_fields
from oneseal.keys import require_seal_key
from oneseal.organisation.models import Department
from oneseal.organisation.rules import scope_prefix

from .. import crypto
from ..models import ApiToken, DepartmentLink, OutboxMessage, Scope
from ._common import positive_days, text

TOKEN_PREFIX = "osl"


def may_administer(user: "User | None", region_code: str, permission: str) -> bool:
    """Whether a person may administer the linkage of `region_code`; nobody (None) may not."""
    if user is None:
        return False
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    prefix = scope_prefix(user)
    # Only a person with staff has a scope: a department's token stops at the prefix.
    return (
        prefix is not None
        and region_code.startswith(prefix)
        and stored_user(user).has_perm(permission)
    )


def _require(user: "User | None", region_code: str, permission: str, *, system: bool) -> None:
    if acts_as_system(user, system=system):
        return  # the command line or the demo loader
    if not may_administer(user, region_code, permission):
        raise NotPermitted()


@transaction.atomic
def configure_department_link(
    department: Department,
    *,
    actor: "User | None" = None,
    system: bool = False,
    sign_days: int,
    webhook_url: str = "",
    webhook_enabled: bool = False,
    new_secret: bool = False,
) -> tuple[DepartmentLink, str]:
    """Set the working days to sign and the endpoint. Returns the link and, when a new secret
    was made (asked for, or the first time an endpoint is enabled), that secret — shown once."""
    _require(actor, department.region.code, "linkage.change_departmentlink", system=system)
    errors: dict = {}
    checked = positive_days(sign_days, errors, "sign_days", _("签收时限应为1至365个工作日"))
    url = text(webhook_url)
    if url and not url.startswith(("https://", "http://")):
        errors["webhook_url"] = [_("接收地址应以 https:// 或 http:// 开头")]
    if webhook_enabled and not url:
        errors["webhook_url"] = [_("启用推送接口须填写接收地址")]
    fail_fields(errors)
    assert checked is not None  # fail_fields refused it
    sign_days = checked
    link, _created = DepartmentLink.objects.select_for_update().get_or_create(department=department)
    link.sign_days, link.webhook_url, link.webhook_enabled = sign_days, url, bool(webhook_enabled)
    secret = ""
    if new_secret or (link.webhook_enabled and not link.webhook_secret_encrypted):
        secret = crypto.new_secret()
        link.webhook_secret_encrypted = crypto.encrypt(secret)
    link.save()
    record(
        "linkage.configure_department_link",
        actor=actor,
        subject=link,
        region_code=department.region.code,
        summary=_("{department}：签收时限{days}个工作日，推送接口{state}").format(
            department=department,
            days=sign_days,
            state=_("启用") if link.webhook_enabled else _("停用"),
        ),
        data={
            "sign_days": sign_days,
            "webhook_url": url,
            "webhook_enabled": link.webhook_enabled,
            "new_secret": bool(secret),
        },
    )
    return link, secret


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(
    department: Department,
    *,
    actor: "User | None" = None,
    system: bool = False,
    name: str,
    scopes: Iterable[str] | None,
) -> tuple[ApiToken, str]:
    """A new token for the department's system; the plain token is returned once and only its
    hash is kept."""
    _require(actor, department.region.code, "linkage.change_departmentlink", system=system)
    errors: dict = {}
    scopes = sorted(set(scopes or []))
    if not text(name):
        errors["name"] = [_("请填写令牌名称")]
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown or not scopes:
        errors["scopes"] = [
            _("权限范围应为以下一项或多项：{scopes}").format(scopes="、".join(Scope.values))
        ]
    fail_fields(errors)
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        department=department,
        name=text(name)[:100],
        key_id=key_id,
        secret_hash=hash_secret(secret),
        scopes=scopes,
        created_by=stored_user(actor) if actor is not None and actor.pk else None,
    )
    record(
        "linkage.create_token",
        actor=actor,
        subject=token,
        region_code=department.region.code,
        summary=_("{department}接口令牌{name}").format(department=department, name=token.name),
        data={"key_id": key_id, "scopes": scopes},
    )
    return token, f"{TOKEN_PREFIX}_{key_id}_{secret}"


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: "User | None" = None, system: bool = False) -> ApiToken:
    token = (
        ApiToken.objects.select_for_update().select_related("department__region").get(pk=token.pk)
    )
    _require(actor, token.department.region.code, "linkage.change_departmentlink", system=system)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            "linkage.revoke_token",
            actor=actor,
            subject=token,
            region_code=token.department.region.code,
            summary=_("吊销接口令牌{key}").format(key=token.key_id),
            data={"key_id": token.key_id},
        )
    return token


def replay_blockers(message: OutboxMessage) -> list[str]:
    if message.state != OutboxMessage.MessageState.DEAD:
        return [_("只有投递失败的消息可以重放")]
    return []


@transaction.atomic
def replay_message(
    message: OutboxMessage, *, actor: "User | None" = None, system: bool = False
) -> OutboxMessage:
    """Put a dead message back in the queue with fresh attempts and the same idempotency id, so
    a receiver that did process it once ignores the repeat."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    _require(actor, message.region_code, "linkage.replay_outboxmessage", system=system)
    fail_blockers(replay_blockers(message))
    message.state, message.attempts, message.next_attempt_at = (
        OutboxMessage.MessageState.PENDING,
        0,
        timezone.now(),
    )
    message.lease_until, message.lease_token, message.dead_at = None, "", None
    message.replays += 1
    message.save()
    record(
        "linkage.replay_message",
        actor=actor,
        subject=message,
        region_code=message.region_code,
        summary=_("重放推送接口消息{id}").format(id=message.idempotency_id),
        data={"replays": message.replays, "last_error": message.last_error[:200]},
    )
    return message


@transaction.atomic
def rekey_webhook_secrets(*, old_secret_key: str, system: bool) -> dict[str, int]:
    """Re-encrypt under the seal key every department's webhook secret still encrypted under a
    key derived from `old_secret_key` (`oneseal seal rekey`, the system only); one audit row per
    link changed. A secret neither key opens is counted, to be set again on the link's page."""
    acts_as_system(None, system=system)
    require_seal_key()
    done = {"webhook_secrets": 0, "unreadable_webhook_secrets": 0}
    for link in (
        DepartmentLink.objects.select_for_update()
        .exclude(webhook_secret_encrypted="")
        .order_by("pk")
    ):
        token = crypto.rekey(link.webhook_secret_encrypted, old_secret_key=old_secret_key)
        if token is not None:
            link.webhook_secret_encrypted = token
            link.save(update_fields=["webhook_secret_encrypted"])
            record(
                "linkage.webhook_secret_rekeyed",
                actor=None,
                subject=link,
                summary=f"{link}: webhook secret re-encrypted under the seal key",
            )
            done["webhook_secrets"] += 1
        elif crypto.decrypt(link.webhook_secret_encrypted) is None:
            done["unreadable_webhook_secrets"] += 1
    return done
