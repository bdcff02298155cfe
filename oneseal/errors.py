"""The one family of domain errors. Every action raises these; the API renders them as
{"code", "message", "fields"} and pages show them as form errors."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    default_message = _("操作无法完成")

    def __init__(self, message=None, *, fields: dict | None = None, reasons: list | None = None):
        self.message = message or self.default_message
        self.fields = fields or {}
        self.reasons = list(reasons or [])
        super().__init__(str(self.message))


class NotPermitted(DomainError):
    code = "not_permitted"
    default_message = _("您无权执行此操作")


class InvalidTransition(DomainError):
    code = "invalid_transition"
    default_message = _("当前状态下不能执行此操作")


class ValidationFailed(DomainError):
    code = "validation_failed"
    default_message = _("数据校验未通过")


class Conflict(DomainError):
    code = "conflict"
    default_message = _("数据已被他人修改，请刷新后重试")


def fail_fields(errors: dict, message=None) -> None:
    """These fields failed: raise ValidationFailed naming them, its message the first field's
    first error unless the caller sums them up (`message`). Nothing to raise when `errors` is empty."""
    if errors:
        raise ValidationFailed(message or next(iter(errors.values()))[0], fields=errors)


def fail_blockers(
    blockers: list, *, field: str | None = None, error: type[DomainError] = InvalidTransition
) -> None:
    """These blockers stand in the way: raise `error` (InvalidTransition unless said otherwise)
    with the first as its message and all as its reasons, under `field` when one is named.
    Nothing to raise when `blockers` is empty."""
    if blockers:
        raise error(
            blockers[0], reasons=blockers, fields={field: list(blockers)} if field else None
        )
